"""Helpers of the report pages shared by the public and the staff views."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from cityrights.core.translation import current_language

from ..content import ReportView


def render_body(
    request: HttpRequest, view: ReportView, report: Any, *, downloads: bool, staff_view: bool
) -> SafeString:
    """The report's body in the document's language, interface words included.

    A reader of the French interface who opens the Dutch text reads the headings, the
    "how this is computed" notes and the table of contents in Dutch as well, and the block
    carries ``lang="nl"`` (WCAG 3.1.2). Residents (not ``staff_view``) get no link to a
    staff page, where they would only meet the log-in form.
    """
    foreign = view.language != current_language()
    with translation.override(view.language):
        html = render_to_string(
            "reporting/includes/report_body.html",
            {
                "view": view,
                "report": report,
                "organisation": report.organisation,
                "downloads": downloads,
                "foreign": foreign,
                "staff_view": staff_view,
            },
            request=request,
        )
    return mark_safe(html)
