"""The report as PDF (through ``core.pdf``): a cover, a table of contents with page numbers,
the foreword, and each section with its figures, charts as SVG each followed by its data
table, and the commentary; every page numbered "page / pages"."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from cityrights.core import pdf

from .content import ReportView

REPORT_PAGE = pdf.Page(size="A4", margin="20mm 18mm 22mm", numbers=True)


def render_html(view: ReportView, organisation: Any, *, draft: bool = False) -> str:
    """The print HTML of ``view`` with the interface in the document's language."""
    with translation.override(view.language):
        return render_to_string(
            "reporting/print/report.html",
            {"view": view, "organisation": organisation, "draft": draft},
        )


def render_pdf(view: ReportView, organisation: Any, *, draft: bool = False) -> bytes:
    return pdf.render(
        render_html(view, organisation, draft=draft),
        stylesheets=["reporting/print.css"],
        page=REPORT_PAGE,
    )


def document(view: ReportView, organisation: Any) -> Any:
    """The laid-out pages (tests count them and read their numbers)."""
    return pdf.document(
        render_html(view, organisation), stylesheets=["reporting/print.css"], page=REPORT_PAGE
    )
