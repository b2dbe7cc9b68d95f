"""The annual reports as open datasets: each published year's report and each section's figures.

Offered to the city's open-data catalogue through ``core.registry.add_open_datasets``. A year
is described by its latest published version (a correction replaces the files a reader gets);
texts come in every language the report was published in, from the frozen document itself.
"""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cityrights.core import dcat
from cityrights.core.elision import fill
from cityrights.core.models import Organisation
from cityrights.core.open_data import absolute
from cityrights.core.translation import language_name

from . import selectors
from .models import AnnualReport

KEYWORDS = (gettext_lazy("annual report"), gettext_lazy("digital rights"))


def _url(name: str, organisation: Organisation, **kwargs: Any) -> str:
    return absolute(reverse(f"reporting:{name}", kwargs={"org": organisation.slug, **kwargs}))


def _texts(languages: list[str], make: Any) -> dict[str, str]:
    return dcat.in_languages(languages, make)


def _order(year: int, index: int = 0) -> int:
    """Newest year first, each report before its sections (after the register's datasets)."""
    return 1000 + (3000 - year) * 100 + index


def _language_file(fmt: str, code: str) -> str:
    return _("%(format)s in %(language)s") % {"format": fmt, "language": language_name(code)}


def report_dataset(report: AnnualReport) -> dcat.Dataset:
    """The signed document and the PDF of each language of one published year."""
    organisation, year, version = report.organisation, report.year, report.version
    languages = list((report.content or {}).get("languages") or [])
    page = _url("report", organisation, year=year)
    parts = [
        dcat.Distribution(
            "signed-json",
            _url("json", organisation, year=year, version=version),
            "json",
            _texts(languages, lambda: _("Signed report (JSON)")),
            _texts(
                languages,
                lambda: _("The published document in every language, with its signature."),
            ),
            languages=tuple(languages),
        )
    ]
    for code in languages:
        parts.append(
            dcat.Distribution(
                f"pdf-{code}",
                _url("pdf", organisation, year=year, version=version, language=code),
                "pdf",
                _texts(languages, functools.partial(_language_file, "PDF", code)),
                _texts(languages, lambda: _("The report to print or read offline.")),
                languages=(code,),
            )
        )
    return dcat.Dataset(
        iri=page + "#report",
        title=_texts(
            languages,
            lambda: fill(
                _("Digital-rights report %(year)s of %(city)s"),
                {"year": year, "city": organisation.shown_name},
            ),
        ),
        description=_texts(
            languages,
            lambda: (
                _(
                    "What the city did for digital rights in %(year)s, with the figures of each "
                    "part of the platform, as published and signed by the city."
                )
                % {"year": year}
            ),
        ),
        landing_page=page,
        distributions=tuple(parts),
        keywords=dcat.words_in(languages, KEYWORDS),
        themes=("GOVE", "SOCI"),
        languages=tuple(languages),
        issued=report.published_at,
        modified=report.published_at,
        temporal_start=date(year, 1, 1),
        temporal_end=date(year, 12, 31),
        app="reporting",
        order=_order(year),
    )


def _section_titles(report: AnnualReport) -> dict[str, dict[str, str]]:
    """``{section key: {language: title}}`` of the public sections that hold figures."""
    found: dict[str, dict[str, str]] = {}
    for code, sections in ((report.content or {}).get("sections") or {}).items():
        for section in sections:
            if section.get("staff_only") or section.get("empty"):
                continue
            found.setdefault(section["key"], {})[code] = section.get("title") or section["key"]
    return found


def _section_title(titles: dict[str, str], code: str, year: int) -> str:
    title = titles.get(code) or next(iter(titles.values()))
    with translation.override(code):
        return _("%(section)s: figures of %(year)s") % {"section": title, "year": year}


def _section_files(report: AnnualReport, key: str, languages: list[str]) -> list[dcat.Distribution]:
    organisation, year, version = report.organisation, report.year, report.version
    parts = []
    for code in languages:
        for fmt in ("csv", "json"):
            url = _url("section_data", organisation, year=year, version=version, key=key, fmt=fmt)
            parts.append(
                dcat.Distribution(
                    f"{fmt}-{code}",
                    f"{url}?language={code}",
                    fmt,
                    _texts(languages, functools.partial(_language_file, fmt.upper(), code)),
                    _texts(
                        languages,
                        lambda: _("Each figure with its unit, how it was computed and its source."),
                    ),
                    languages=(code,),
                )
            )
    return parts


def section_datasets(report: AnnualReport) -> list[dcat.Dataset]:
    """Each public section's figures as CSV and JSON, one file per language."""
    year = report.year
    languages = list((report.content or {}).get("languages") or [])
    page = _url("report", report.organisation, year=year)
    found = []
    for index, (key, titles) in enumerate(_section_titles(report).items(), start=1):
        found.append(
            dcat.Dataset(
                iri=f"{page}#section-{key}",
                title={code: _section_title(titles, code, year) for code in languages},
                description=_texts(
                    languages,
                    lambda: (
                        _("The figures of one section of the report %(year)s, as published.")
                        % {"year": year}
                    ),
                ),
                landing_page=page,
                distributions=tuple(_section_files(report, key, languages)),
                keywords=dcat.words_in(languages, KEYWORDS),
                themes=("GOVE", "SOCI"),
                languages=tuple(languages),
                issued=report.published_at,
                modified=report.published_at,
                temporal_start=date(year, 1, 1),
                temporal_end=date(year, 12, 31),
                app="reporting",
                order=_order(year, index),
            )
        )
    return found


def open_datasets(organisation: Organisation) -> list[dcat.Dataset]:
    """Every published year: the report and its sections' figures (latest version)."""
    latest = [report.pk for report in selectors.latest_per_year(organisation)]
    reports = AnnualReport.objects.filter(pk__in=latest).select_related("organisation")
    found = []
    for report in sorted(reports, key=lambda r: -r.year):
        found.append(report_dataset(report))
        found.extend(section_datasets(report))
    return found
