"""The city's open-data catalogue: every app's datasets on one page, and as DCAT-AP.

The datasets come from ``core.registry.open_datasets`` (each app's ``datasets.py``), so
this page imports no app; ``core.open_data`` builds the catalogue, ``core.dcat`` its RDF.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .. import dcat, open_data
from ..tenancy import OrgRequest, org_view
from ..translation import current_language, language_name


@dataclass(frozen=True)
class Text:
    """A text and the language it is in, ``lang`` set when it differs from the page's."""

    text: str
    lang: str = ""


@dataclass(frozen=True)
class Link:
    title: Text
    description: Text
    url: str
    format: str
    languages: str
    download: bool


@dataclass(frozen=True)
class Entry:
    anchor: str
    title: Text
    description: Text
    landing_page: str
    updated: object
    links: list[Link]


def _text(texts: dcat.Texts, page: str, city: tuple[str, ...]) -> Text:
    text, lang = dcat.pick_text(texts, page, city)
    return Text(text, "" if lang == page else lang)


def _entries(catalogue: dcat.Catalogue) -> list[Entry]:
    page = current_language()
    city = catalogue.languages
    entries = []
    for index, item in enumerate(catalogue.datasets, start=1):
        links = [
            Link(
                _text(part.title, page, city),
                _text(part.description, page, city),
                part.url,
                part.file_type.label,
                ", ".join(language_name(code) for code in part.languages),
                part.download,
            )
            for part in item.distributions
        ]
        entries.append(
            Entry(
                f"dataset-{index}",
                _text(item.title, page, city),
                _text(item.description, page, city),
                item.landing_page,
                item.modified or item.issued,
                links,
            )
        )
    return entries


@require_safe
@org_view()
def open_data_page(request: OrgRequest) -> HttpResponse:
    catalogue = open_data.city_catalogue(request.organisation)
    return render(
        request,
        "core/open_data.html",
        {"catalogue": catalogue, "entries": _entries(catalogue)},
    )


@require_safe
@org_view()
def open_data_catalogue(request: OrgRequest, fmt: str) -> HttpResponse:
    if fmt not in ("ttl", "jsonld"):
        raise Http404(_("The catalogue comes as .ttl or .jsonld."))
    catalogue = open_data.city_catalogue(request.organisation)
    if fmt == "ttl":
        return HttpResponse(dcat.to_turtle(catalogue), content_type="text/turtle; charset=utf-8")
    return HttpResponse(dcat.to_jsonld(catalogue), content_type="application/ld+json")
