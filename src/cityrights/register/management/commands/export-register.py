"""``cityrights export-register CITY --format F``: write the public register in an open format.

Only published entries are exported, exactly as on the public download links.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cityrights.core import dcat
from cityrights.core.models import Organisation
from cityrights.register import datasets, exports, selectors

FORMATS = (
    "csv",
    "geojson",
    "dcat-ttl",
    "dcat-jsonld",
    "uk-atrs",
    "eurocities",
    "algoritmeregister",
)


class Command(BaseCommand):
    help = "Export a city's published register entries (CSV, GeoJSON, DCAT-AP, standards)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("city", help="slug of the city")
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")
        parser.add_argument("--lang", default="en", help="language of labels in the CSV")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["city"]).first()
        if organisation is None:
            raise CommandError(f"No organisation with the slug {options['city']!r}.")
        fmt = options["format"]
        text = render(organisation, fmt, options["lang"])
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            self.stderr.write(f"Wrote {options['output']} ({fmt}).")
        else:
            sys.stdout.write(text)


def render(organisation: Organisation, fmt: str, lang: str = "en") -> str:
    if fmt == "csv":
        return exports.to_csv(selectors.listed_records(organisation), lang=lang)
    if fmt == "geojson":
        return exports.geojson_text(selectors.map_records(organisation))
    if fmt.startswith("dcat"):
        found = datasets.register_catalogue(organisation)
        return dcat.to_turtle(found) if fmt == "dcat-ttl" else dcat.to_jsonld(found)
    key = {"uk-atrs": "atrs"}.get(fmt, fmt)
    data = exports.export_standard(selectors.listed_records(organisation), key)
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
