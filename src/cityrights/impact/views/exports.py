"""Downloads of one assessment: JSON (machine-readable, complete) and PDF (for a file)."""

from __future__ import annotations

import json

from django.http import HttpResponse

from cityrights.core.tenancy import StaffRequest, org_view

from .. import exports
from .common import get_assessment, language


def _download(body: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@org_view("view")
def export_json(request: StaffRequest, pk: int) -> HttpResponse:
    assessment = get_assessment(request, pk)
    data = exports.assessment_json(assessment, language())
    body = json.dumps(data, ensure_ascii=False, indent=2).encode()
    return _download(body, exports.filename(assessment, "json"), "application/json")


@org_view("view")
def export_pdf(request: StaffRequest, pk: int) -> HttpResponse:
    assessment = get_assessment(request, pk)
    pdf = exports.assessment_pdf(assessment, language(), request.build_absolute_uri("/"))
    return _download(pdf, exports.filename(assessment, "pdf"), "application/pdf")
