"""Public pages: the city's data-sharing agreements and the ledger's public keys."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from cityrights.core.tenancy import org_view

from .. import issuing, selectors


@require_GET
@cache_control(max_age=300, public=True)
def jwks(request: HttpRequest) -> JsonResponse:
    """The JSON Web Key Set with which receipts are verified offline."""
    return JsonResponse(issuing.public_jwks())


@require_GET
@org_view()
def agreements(request: HttpRequest) -> HttpResponse:
    """Every agreement under which the city shares personal data, for everyone to read."""
    consent, other = [], []
    for agreement, version in selectors.published_agreements(request.organisation):  # type: ignore[attr-defined]
        (consent if agreement.consent_based else other).append((agreement, version))
    return render(request, "consent/public/agreements.html", {"consent": consent, "other": other})
