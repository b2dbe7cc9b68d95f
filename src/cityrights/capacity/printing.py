"""Certificates on paper: one A4 landscape page each, with a QR code to ``/v/<code>``.

Printed through ``core.pdf`` (shared fonts, no network fetches). The QR code is an
inline SVG from segno, so the PDF needs no file. A batch PDF puts every valid
certificate of a programme on its own page, for printing at the end of a programme.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterable

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from cityrights.core import pdf
from cityrights.core.translation import city_languages

from .credentials import criteria_text
from .models import Certificate

PAGE = pdf.Page(size="A4 landscape", margin="14mm 16mm", numbers=False)
STYLESHEET = "capacity/certificate.css"


def verification_url(certificate: Certificate) -> str:
    return settings.CITYRIGHTS_BASE_URL.rstrip("/") + certificate.get_verification_url()


def qr_data_uri(url: str) -> str:
    """The QR code of ``url`` as an SVG ``data:`` address (error correction M)."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="svg", scale=4, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _page(certificate: Certificate) -> dict[str, object]:
    url = verification_url(certificate)
    return {
        "certificate": certificate,
        "programme": certificate.programme,
        "url": url,
        "qr": qr_data_uri(url),
        "criteria": criteria_text(
            certificate.programme, certificate.kind, translation.get_language() or "en"
        ),
    }


def certificates_pdf(certificates: Iterable[Certificate], language: str) -> bytes:
    """One page per certificate, in ``language`` (city texts fall back to the city's)."""
    items = list(certificates)
    if not items:
        raise ValueError("no certificate to print")
    organisation = items[0].organisation
    with translation.override(language), city_languages(organisation.content_languages):
        html = render_to_string(
            "capacity/certificate_pdf.html",
            {
                "pages": [_page(c) for c in items],
                "organisation": organisation,
                "language": language,
            },
        )
    return pdf.render(html, stylesheets=[STYLESHEET], page=PAGE)


def certificate_pdf(certificate: Certificate, language: str) -> bytes:
    return certificates_pdf([certificate], language)
