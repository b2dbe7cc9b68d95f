"""QR codes (segno) and printable street signs (WeasyPrint) for entries and locations.

A sign tells a passer-by, in a few lines, what is collected here, why, and who is accountable,
with a QR code to the entry's short URL (which never changes, so printed signs stay valid when
the entry is edited). The icons are our own simple drawings in the spirit of the DTPR icon set,
inlined as SVG so the PDF needs no external files.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from cityrights.core import pdf
from cityrights.core.translation import Shown, shown

from .models import Automation, Entry, Location, TermKind
from .terms import term_label

SIZES = {"a4": "A4", "a5": "A5"}

# A sign is read standing in the street: a few lines, large type. Longer summaries are cut at a
# word boundary (the QR code leads to the full text), so every sign stays on one sheet.
SUMMARY_CHARS = 260
PLACE_CHARS = 140
LONG_NAME = 60  # longer names get a smaller heading
DENSE_CHARS = 700

# Signs are cut to the paper's edge: narrow margins on the small sheet, no page numbers.
MARGINS = {"a4": "13mm", "a5": "9mm"}


def absolute(path: str) -> str:
    return settings.CITYRIGHTS_BASE_URL.rstrip("/") + path


def _qr(url: str) -> segno.QRCode:
    return segno.make(url, error="m", micro=False)


def qr_svg(url: str, *, title: str = "", scale: int = 6) -> bytes:
    buffer = io.BytesIO()
    _qr(url).save(
        buffer, kind="svg", scale=scale, border=2, title=title or None, xmldecl=True, nl=False
    )
    return buffer.getvalue()


def qr_png(url: str, *, scale: int = 10) -> bytes:
    buffer = io.BytesIO()
    _qr(url).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def qr_inline(url: str) -> SafeString:
    """The QR code as an inline ``<svg>`` element (segno writes only path data)."""
    buffer = io.BytesIO()
    _qr(url).save(buffer, kind="svg", scale=4, border=2, xmldecl=False, svgns=True, nl=False)
    return mark_safe(buffer.getvalue().decode())  # segno writes only path data: safe


@dataclass(frozen=True)
class Sign:
    """One printed sign: an entry, optionally at one of its locations."""

    entry: Entry
    location: Location | None
    url: str
    qr: SafeString
    collected: list[str]
    purposes: list[str]
    icons: list[str]
    sensitive: bool
    summary: str
    place: str
    retention: str

    @property
    def dense(self) -> bool:
        """Much text: the sign uses smaller type and QR code so it still fits one sheet."""
        texts = [self.entry.name, self.summary, self.place, self.retention, *self.collected]
        return sum(len(text) for text in texts) + 20 * len(self.purposes) > DENSE_CHARS


def icon_keys(entry: Entry) -> list[str]:
    """Which icons a sign shows: technology, data, decisions, accountability."""
    keys = [f"kind-{entry.kind}"]
    categories = entry.values_of(TermKind.DATA_CATEGORY)
    keys.append("data-personal" if categories else "data-none")
    if entry.automation_level == Automation.FULLY:
        keys.append("decision-automated")
    elif entry.automation_level == Automation.PARTLY:
        keys.append("decision-partly")
    elif entry.automation_level == Automation.ASSISTED:
        keys.append("decision-assisted")
    keys.append("accountable")
    return keys


def shorten(text: str, limit: int = SUMMARY_CHARS) -> str:
    """``text`` cut at the last word boundary before ``limit`` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.-")
    return cut + "…"


def _short(obj: Any, name: str, limit: int = SUMMARY_CHARS) -> Shown:
    """The text shortened, still knowing its language (a fallback is marked with ``lang``)."""
    text = shown(obj, name)
    return Shown(shorten(text.text, limit), text.language)


def build_sign(entry: Entry, location: Location | None = None) -> Sign:
    lang = get_language()
    from cityrights.core import vocab

    categories = entry.values_of(TermKind.DATA_CATEGORY)
    sensitive = False
    for iri in categories:
        try:
            sensitive = sensitive or vocab.get_term(iri).sensitive
        except vocab.UnknownTermError:
            continue
    url = absolute(location.short_url() if location else entry.short_url())
    return Sign(
        entry=entry,
        location=location,
        url=url,
        qr=qr_inline(url),
        collected=[term_label(TermKind.DATA_CATEGORY, iri, lang) for iri in categories],
        purposes=[term_label(TermKind.PURPOSE, iri, lang) for iri in entry.purposes],
        icons=icon_keys(entry),
        sensitive=sensitive,
        summary=_short(entry, "summary"),
        place=_short(location, "description", PLACE_CHARS) if location else "",
        retention=_short(entry, "retention", PLACE_CHARS),
    )


def signs_for(entries: Iterable[Entry]) -> list[Sign]:
    """One sign per location (sensors), or one per entry when it has no location."""
    signs: list[Sign] = []
    for entry in entries:
        locations = list(entry.locations.all())
        if locations:
            signs.extend(build_sign(entry, location) for location in locations)
        else:
            signs.append(build_sign(entry))
    return signs


def render_document(signs: list[Sign], size: str = "a4") -> Any:
    """The laid-out WeasyPrint document (pages with their sizes), one sign per page."""
    size = size if size in SIZES else "a4"
    html = render_to_string(
        "register/signs/signs.html", {"signs": signs, "size": size, "long_name": LONG_NAME}
    )
    return pdf.document(html, page=pdf.Page(size=SIZES[size], margin=MARGINS[size], numbers=False))


def render_pdf(signs: list[Sign], size: str = "a4") -> bytes:
    """A PDF with one sign per page."""
    return bytes(render_document(signs, size).write_pdf())
