"""Downloads of a consultation's comments and answers (see ``participation.exports``)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cityrights.core.tenancy import OrgRequest, StaffRequest, org_view

from .. import exports
from ..models import Consultation
from .common import download, public_consultation, staff_consultation

TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json", "pdf": "application/pdf"}


def _export(
    request: HttpRequest, consultation: Consultation, fmt: str, *, public: bool
) -> HttpResponse:
    if fmt == "answers.csv":
        body = exports.to_csv(
            exports.answer_rows(consultation), ["respondent", "question", "choices", "text"]
        )
        name = exports.filename(consultation, "csv", public=public).replace("comments", "answers")
        return download(body, name, TYPES["csv"])
    if fmt not in TYPES:
        raise Http404(_("Exports are CSV, JSON or PDF."))
    columns = exports.PUBLIC_COLUMNS if public else exports.STAFF_COLUMNS
    if fmt == "csv":
        body = exports.to_csv(exports.comment_rows(consultation, public=public), columns)
    elif fmt == "json":
        body = exports.to_json(consultation, public=public)
    else:
        body = exports.to_pdf(consultation, public=public, base_url=request.build_absolute_uri("/"))
    return download(body, exports.filename(consultation, fmt, public=public), TYPES[fmt])


@org_view()
@require_safe
def public_export(request: OrgRequest, slug: str, fmt: str) -> HttpResponse:
    return _export(request, public_consultation(request, slug), fmt, public=True)


@org_view("view")
@require_safe
def staff_export(request: StaffRequest, pk: int, fmt: str) -> HttpResponse:
    return _export(request, staff_consultation(request, pk), fmt, public=False)
