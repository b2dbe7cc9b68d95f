"""The register's open datasets: the register itself and each published entry of kind dataset.

Offered to the city's open-data catalogue through ``core.registry.add_open_datasets`` and
used for the register's own DCAT-AP catalogue (``register:export_dcat``), so both describe
the register alike. Texts come in every language the city publishes in.
"""

from __future__ import annotations

import functools

from django.db.models import Max, Min
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cityrights.core import dcat, vocab
from cityrights.core.elision import fill
from cityrights.core.models import Organisation
from cityrights.core.open_data import absolute, catalogue, city_url, contact
from cityrights.core.translation import language_name

from . import selectors
from .exports import contact_email
from .records import EntryData

#: The algorithm-register standards the register exports, keyed as in its URLs.
STANDARD_TITLES = {
    "uk-atrs": "UK Algorithmic Transparency Recording Standard 3.0",
    "eurocities": "Eurocities algorithmic transparency standard 0.3.1",
    "algoritmeregister": "Dutch Algoritmeregister 1.0",
}
KEYWORDS = (
    gettext_lazy("transparency"),
    gettext_lazy("algorithms"),
    gettext_lazy("sensors"),
    gettext_lazy("digital rights"),
)
#: File extensions of a dataset address that tell its format; any other is a page.
FORMATS_BY_EXTENSION = {".csv": "csv", ".json": "json", ".geojson": "geojson", ".pdf": "pdf"}
DCAT_AP = "http://data.europa.eu/r5r/"
GEOJSON = "https://www.rfc-editor.org/rfc/rfc7946"


def register_dataset_iri(organisation: Organisation) -> str:
    return city_url(organisation, "register:catalogue") + "#dataset"


def _distributions(
    organisation: Organisation, languages: tuple[str, ...]
) -> list[dcat.Distribution]:
    def url(name: str, **kwargs: str) -> str:
        return city_url(organisation, f"register:{name}", **kwargs)

    def texts(make: object) -> dict[str, str]:
        return dcat.in_languages(languages, make)  # type: ignore[arg-type]

    found = [
        dcat.Distribution(
            "csv",
            url("export_csv"),
            "csv",
            texts(lambda: _("Register as CSV")),
            texts(
                lambda: _("One row per published entry, with the columns of the import template.")
            ),
        ),
        dcat.Distribution(
            "geojson",
            url("export_geojson"),
            "geojson",
            texts(lambda: _("Places as GeoJSON")),
            texts(lambda: _("The places where the city's sensors and systems are, as map points.")),
            conforms_to=GEOJSON,
        ),
        dcat.Distribution(
            "api",
            absolute(f"/api/v1/register/{organisation.slug}/entries"),
            "json",
            texts(lambda: _("Register API (JSON)")),
            texts(lambda: _("Published entries as JSON, page by page, with a detail per entry.")),
            download=False,
        ),
        dcat.Distribution(
            "turtle",
            url("export_dcat", fmt="ttl"),
            "turtle",
            texts(lambda: _("Register catalogue in Turtle")),
            texts(lambda: _("This description of the register in DCAT-AP, as RDF Turtle.")),
            conforms_to=DCAT_AP,
        ),
        dcat.Distribution(
            "jsonld",
            url("export_dcat", fmt="jsonld"),
            "jsonld",
            texts(lambda: _("Register catalogue in JSON-LD")),
            texts(lambda: _("This description of the register in DCAT-AP, as JSON-LD.")),
            conforms_to=DCAT_AP,
        ),
    ]
    for slug, title in STANDARD_TITLES.items():
        # A file per language; the Dutch register's records are Dutch only.
        for code in ("nl",) if slug == "algoritmeregister" else languages:
            found.append(
                dcat.Distribution(
                    f"{slug}-{code}",
                    url("export_standard", standard=slug) + f"?language={code}",
                    "json",
                    texts(functools.partial(_in_language, title, code)),
                    texts(lambda: _("The published algorithms in the fields of this standard.")),
                    languages=(code,),
                )
            )
    return found


def _in_language(title: str, code: str) -> str:
    """A standard's title and the language of its file, in the active language."""
    return f"{title} ({language_name(code)})"


def register_dataset(organisation: Organisation) -> dcat.Dataset:
    """The register as one dataset with a distribution per export."""
    from .models import EntryVersion, State

    languages = organisation.content_languages
    versions = EntryVersion.objects.filter(
        entry__organisation=organisation,
        entry__state__in=(State.PUBLISHED, State.RETIRED),
        published_at__isnull=False,
    ).aggregate(first=Min("published_at"), last=Max("published_at"))
    first, last = versions["first"], versions["last"]
    return dcat.Dataset(
        iri=register_dataset_iri(organisation),
        title=dcat.in_languages(
            languages,
            lambda: fill(_("Technology register of %(city)s"), {"city": organisation.shown_name}),
        ),
        description=dcat.in_languages(
            languages,
            lambda: (
                _(
                    "The algorithms, sensors, digital services, platforms and datasets that "
                    "%(city)s uses: what each does, with which data, on which legal basis and "
                    "which department answers for it."
                )
                % {"city": organisation.shown_name}
            ),
        ),
        landing_page=city_url(organisation, "register:catalogue"),
        distributions=tuple(_distributions(organisation, languages)),
        keywords=dcat.words_in(languages, KEYWORDS),
        themes=("GOVE", "TECH"),
        issued=first,
        modified=last,
        temporal_start=first.date() if first else None,
        frequency="CONT",
        contact=contact(organisation),
        app="register",
        order=10,
    )


def entry_dataset(organisation: Organisation, entry: EntryData) -> dcat.Dataset:
    """A published register entry of kind dataset, with one distribution per data address.

    Its name and summary in every language the city wrote them in (never an English text
    tagged as French); the interface texts and keywords in every language of the city.
    """
    languages = organisation.content_languages
    names = dict(entry.texts("name")) or {languages[0]: entry.name}
    summaries = dict(entry.texts("summary")) or {languages[0]: entry.summary}
    email = contact_email(entry.contact) or ""
    distributions = tuple(
        dcat.Distribution(
            f"file-{index}",
            url,
            _format_of(url),
            {code: f"{name} ({index})" for code, name in names.items()},
            dcat.in_languages(languages, lambda: _("Where the department publishes this dataset.")),
            download=False,
        )
        for index, url in enumerate(entry.dataset_urls, start=1)
    )
    return dcat.Dataset(
        iri=entry.public_url,
        title=names,
        description=summaries,
        landing_page=entry.public_url,
        distributions=distributions,
        keywords={
            code: tuple(vocab.label(iri, code) for iri in entry.purposes) for code in languages
        },
        themes=("GOVE",),
        issued=entry.published_at,
        modified=entry.updated_at,
        temporal_start=entry.start_date,
        temporal_end=entry.end_date,
        contact=dcat.Contact(entry.department.name, email) if email else contact(organisation),
        app="register",
        order=11,
    )


def _format_of(url: str) -> str:
    path = url.split("?")[0].split("#")[0].lower()
    for extension, fmt in FORMATS_BY_EXTENSION.items():
        if path.endswith(extension):
            return fmt
    return "html"


def open_datasets(organisation: Organisation) -> list[dcat.Dataset]:
    """The register (once it lists an entry) and its published entries of kind dataset."""
    only_datasets = selectors.Filters(kind="dataset")
    entries = [
        entry
        for entry in selectors.listed_records(organisation, only_datasets)
        if entry.kind == "dataset" and entry.public_url
    ]
    if not entries and not _lists_anything(organisation):
        return []
    return [register_dataset(organisation)] + [entry_dataset(organisation, e) for e in entries]


def _lists_anything(organisation: Organisation) -> bool:
    from .models import Entry

    return Entry.objects.filter(organisation=organisation).listed().exists()


def register_catalogue(organisation: Organisation) -> dcat.Catalogue:
    """The register's own DCAT-AP catalogue (a part of the city's)."""
    languages = organisation.content_languages
    return catalogue(
        organisation,
        iri=city_url(organisation, "register:export_dcat", fmt="ttl") + "#catalogue",
        title=dcat.in_languages(
            languages,
            lambda: fill(_("Technology register of %(city)s"), {"city": organisation.shown_name}),
        ),
        description=dcat.in_languages(
            languages,
            lambda: fill(
                _("The register of %(city)s and the datasets it lists, described in DCAT-AP."),
                {"city": organisation.shown_name},
            ),
        ),
        homepage=city_url(organisation, "register:catalogue"),
        datasets=open_datasets(organisation) or [register_dataset(organisation)],
    )
