"""The staff home of capacity building: the survey, the programmes, the certificates."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cityrights.core.tenancy import StaffRequest, org_view

from .. import selectors
from .common import caps


@require_safe
@org_view("view")
def home(request: StaffRequest) -> HttpResponse:
    organisation = request.organisation
    recent = list(selectors.rounds_of(organisation)[:3])
    return render(
        request,
        "capacity/home.html",
        {
            "rounds": [(r, selectors.response(r)) for r in recent],
            "programmes": selectors.programmes_of(organisation)[:5],
            "upcoming": selectors.upcoming_sessions(organisation),
            "certificates": selectors.certificates_by_kind(organisation),
            "mine": selectors.open_rounds_for(organisation, request.user),
            "held": caps(request),
            "trail": [],
        },
    )
