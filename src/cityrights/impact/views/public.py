"""Public pages: the reviewer-approved, published summaries of a city's assessments.

Nothing else of an assessment is public: drafts, risks, comments and conditions stay
with staff. A summary is public only while it is approved *and* published.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from cityrights.core.tenancy import OrgRequest, org_view

from .. import selectors


@org_view()
def public_list(request: OrgRequest) -> HttpResponse:
    organisation = request.organisation
    page = Paginator(selectors.public_summaries(organisation), 20).get_page(request.GET.get("page"))
    return render(request, "impact/public_list.html", {"page": page})


@org_view()
def public_detail(request: OrgRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    summary = get_object_or_404(selectors.public_summaries(organisation), assessment_id=pk)
    entry = summary.assessment.entry
    return render(
        request,
        "impact/public_detail.html",
        {
            "summary": summary,
            "assessment": summary.assessment,
            "entry": entry if entry is not None and entry.is_public else None,
        },
    )
