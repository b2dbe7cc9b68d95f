"""Public pages of the annual report: the list, a version in one language, its PDF, its signed
JSON, each section's figures as CSV and JSON, and how to check a downloaded copy.

Everything is read from the frozen document of a published version, so these pages show
the same figures whatever happened to the records since.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cityrights.core import signing
from cityrights.core.tenancy import OrgRequest, org_view
from cityrights.core.translation import current_language, interface_languages, language_name

from .. import content, exports, pdfs, selectors
from ..models import AnnualReport
from .common import render_body


def _org(request: OrgRequest) -> Any:
    return request.organisation


def _wanted(request: HttpRequest) -> str:
    wanted = request.GET.get("language", "")
    return wanted if wanted in interface_languages() else current_language()


def _language(request: HttpRequest, document: Any) -> str:
    return content.pick_language(document, _wanted(request))


def _published(
    request: OrgRequest, year: int, version: int | None = None, *, with_content: bool = True
) -> AnnualReport:
    report = selectors.published_version(_org(request), year, version, with_content=with_content)
    if report is None:
        raise Http404(_("The city has published no such report."))
    return report


@org_view()
@require_safe
def reports(request: OrgRequest) -> HttpResponse:
    return render(
        request,
        "reporting/public/reports.html",
        {"reports": selectors.latest_per_year(_org(request))},
    )


def _page_parts(request: OrgRequest, report: AnnualReport) -> dict[str, Any]:
    """The language, its neighbours and the rendered body of a published version.

    A published version never changes, so what its page shows in a language is rendered
    once and kept in the cache under the version's digest; the document itself (figures,
    tables, charts in every language) is read from the database only to render it.
    """
    wanted = _wanted(request)
    key = f"reporting:page:{report.pk}:{report.digest}:{wanted}:{current_language()}"
    parts = cache.get(key)
    if parts is None:
        document = selectors.published_content(report)
        view = content.read(document, content.pick_language(document, wanted))
        parts = {
            "language": view.language,
            "languages": view.languages,
            "corrects_version": view.corrects_version,
            "correction_reason": view.correction_reason,
            "body": str(render_body(request, view, report, downloads=True, staff_view=False)),
        }
        cache.set(key, parts, timeout=None)
    return parts


def _report_page(request: OrgRequest, report: AnnualReport) -> HttpResponse:
    parts = _page_parts(request, report)
    versions = selectors.versions_of(_org(request), report.year)
    return render(
        request,
        "reporting/public/report.html",
        {
            "report": report,
            "view": parts,
            "foreign": parts["language"] != current_language(),
            "report_languages": [(code, language_name(code)) for code in parts["languages"]],
            "versions": versions,
            "latest": versions[-1] if versions else report,
            "body": mark_safe(parts["body"]),  # rendered by our own template, escaped there
        },
    )


@org_view()
@require_safe
def report(request: OrgRequest, year: int) -> HttpResponse:
    return _report_page(request, _published(request, year, with_content=False))


@org_view()
@require_safe
def version(request: OrgRequest, year: int, version: int) -> HttpResponse:
    return _report_page(request, _published(request, year, version, with_content=False))


@org_view()
@require_safe
def report_json(request: OrgRequest, year: int, version: int) -> HttpResponse:
    found = _published(request, year, version)
    body = json.dumps(exports.signed_document(found), ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'inline; filename="{found.organisation.slug}-report-{year}-v{version}.json"'
    )
    return response


@org_view()
@require_safe
def report_pdf(request: OrgRequest, year: int, version: int, language: str) -> HttpResponse:
    found = _published(request, year, version, with_content=False)
    try:
        data = pdfs.pdf_of(found, language)
    except pdfs.NoSuchLanguage:
        raise Http404(_("This report has no text in that language.")) from None
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{found.organisation.slug}-report-{year}-v{version}-{language}.pdf"'
    )
    return response


@org_view()
@require_safe
def section_data(request: OrgRequest, year: int, version: int, key: str, fmt: str) -> HttpResponse:
    found = _published(request, year, version)
    language = _language(request, found.content or {})
    name = f"{found.organisation.slug}-report-{year}-v{version}-{key}-{language}"
    if fmt == "csv":
        body = exports.section_csv(found, language, key)
        if body is None:
            raise Http404(_("This report has no such section."))
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if fmt != "json":
        raise Http404(_("Figures come as csv or json."))
    data = exports.section_json(found, language, key)
    if data is None:
        raise Http404(_("This report has no such section."))
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'inline; filename="{name}.json"'
    return response


@org_view()
@require_safe
def verify(request: OrgRequest) -> HttpResponse:
    latest = selectors.latest_per_year(_org(request))
    return render(
        request,
        "reporting/public/verify.html",
        {
            "example": latest[0] if latest else None,
            "jwks_url": content.absolute(signing.JWKS_PATH),
            "typ": content.JWS_TYPE,
        },
    )
