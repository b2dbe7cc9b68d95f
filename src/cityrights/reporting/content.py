"""What a report is as data: the figures snapshot, the published document, its digest.

Three steps, each a plain function so that the tests, the pages, the PDF, the API and the
command all read a report the same way:

1. :func:`take_sections` asks every app for its section of the year
   (``core.registry.report_sections``) once per city language and keeps the answers as
   plain data: the snapshot a draft shows and a reviewer approves.
2. :func:`build_document` turns a version (snapshot, foreword, commentaries, dates) into
   the document that is published: site addresses made absolute, each chart drawn as SVG in
   its language and kept next to its data, every text in every city language.
3. :func:`digest` is the SHA-256 of the document's canonical JSON
   (:func:`cityrights.core.signing.canonical_json`: sorted keys, no spaces, UTF-8), which the
   signature covers. Anyone recomputes it from a downloaded copy.

:func:`read` gives the pages a :class:`ReportView` of a document in one language.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from cityrights.core.registry import registry
from cityrights.core.report import Chart, ReportSection, counting_once
from cityrights.core.signing import canonical_json
from cityrights.core.translation import city_languages

#: Names the shape of the published document; a change of shape gets a new number.
FORMAT = "cityrights/annual-report/1"
#: The ``typ`` of the report's JWS, so that no other signed token can pass for it.
JWS_TYPE = "annual-report+jws"


def take_sections(organisation: Any, year: int, languages: Sequence[str]) -> dict[str, list[Any]]:
    """Every app's section of ``year`` in each of ``languages``, as plain data."""
    taken: dict[str, list[Any]] = {}
    # The values are the same in every language: a provider's costly counts are made once.
    with city_languages(organisation.content_languages), counting_once():
        for language in languages:
            with translation.override(language):
                taken[language] = [
                    section.as_dict() for section in registry.report_sections(organisation, year)
                ]
    return taken


def absolute(url: str) -> str:
    """A site path (``/cities/…``) as an address anyone can open; others stay as they are."""
    if url.startswith("/") and not url.startswith("//"):
        return settings.CITYRIGHTS_BASE_URL.rstrip("/") + url
    return url


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _section(data: Mapping[str, Any], commentary: str, language: str) -> dict[str, Any]:
    section = ReportSection.from_dict(data)
    out = section.as_dict()
    out["url"] = absolute(section.url)
    for figure in out["figures"]:
        figure["url"] = absolute(figure["url"])
    with translation.override(language):
        no_data = _("no data")
        out["charts"] = [
            {**chart.as_dict(), "svg": chart.svg(no_data_label=no_data)} for chart in section.charts
        ]
    out["commentary"] = commentary
    return out


def build_document(
    *,
    organisation: Any,
    year: int,
    version: int,
    languages: Sequence[str],
    sections: Mapping[str, Sequence[Mapping[str, Any]]],
    foreword: Mapping[str, str],
    commentaries: Mapping[str, Mapping[str, str]],
    figures_taken_at: datetime,
    approved_at: datetime | None = None,
    published_at: datetime | None = None,
    corrects: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The document of one version, every text in every language of ``languages``.

    ``commentaries`` is ``{section key: {language: text}}``; ``corrects`` names the version
    this one corrects and why (``{"version": 1, "reason": {language: text}}``).
    """
    from django.urls import reverse

    home = absolute(reverse("core:city_home", kwargs={"org": organisation.slug}))
    return {
        "format": FORMAT,
        "city": {"name": organisation.name, "slug": organisation.slug, "url": home},
        "year": year,
        "version": version,
        "languages": list(languages),
        "figures_taken_at": _iso(figures_taken_at),
        "approved_at": _iso(approved_at),
        "published_at": _iso(published_at),
        "corrects": dict(corrects) if corrects else None,
        "foreword": {code: foreword.get(code, "") for code in languages},
        "sections": {
            code: [
                _section(item, commentaries.get(item["key"], {}).get(code, ""), code)
                for item in sections.get(code, ())
            ]
            for code in languages
        },
    }


def digest(document: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the document's canonical JSON: what the signature vouches for."""
    return hashlib.sha256(canonical_json(document)).hexdigest()


@dataclass(frozen=True)
class ChartView:
    chart: Chart
    svg: str

    @property
    def table(self) -> Any:
        return self.chart.table()


@dataclass(frozen=True)
class SectionView:
    section: ReportSection
    commentary: str
    charts: tuple[ChartView, ...]

    @property
    def anchor(self) -> str:
        return f"section-{self.section.key}"


@dataclass(frozen=True)
class ReportView:
    """A document as read in one of its languages."""

    document: Mapping[str, Any]
    language: str
    foreword: str
    sections: tuple[SectionView, ...]

    @property
    def languages(self) -> list[str]:
        return list(self.document["languages"])

    @property
    def year(self) -> int:
        return int(self.document["year"])

    @property
    def version(self) -> int:
        return int(self.document["version"])

    @property
    def correction_reason(self) -> str:
        corrects = self.document.get("corrects") or {}
        return (corrects.get("reason") or {}).get(self.language, "")

    @property
    def corrects_version(self) -> int | None:
        corrects = self.document.get("corrects") or {}
        return corrects.get("version")


def pick_language(document: Mapping[str, Any], wanted: str) -> str:
    """``wanted`` if the document has it, else its first language (the city's own)."""
    languages = list(document.get("languages") or [])
    return wanted if wanted in languages else (languages[0] if languages else wanted)


def read(document: Mapping[str, Any], wanted: str) -> ReportView:
    """The document in ``wanted`` (or the city's first language when it has no such text)."""
    language = pick_language(document, wanted)
    sections = []
    for data in (document.get("sections") or {}).get(language, []):
        section = ReportSection.from_dict(data)
        charts = tuple(
            ChartView(Chart.from_dict(item), item.get("svg", "")) for item in data.get("charts", [])
        )
        sections.append(SectionView(section, data.get("commentary", ""), charts))
    return ReportView(
        document=document,
        language=language,
        foreword=(document.get("foreword") or {}).get(language, ""),
        sections=tuple(sections),
    )
