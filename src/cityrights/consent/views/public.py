"""Public pages: the city's data-sharing agreements."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cityrights.consent.models import AgreementVersion, ProcessingAgreement
from cityrights.core.tenancy import OrgRequest, org_view

from .. import selectors


@require_safe
@org_view()
def agreements(request: OrgRequest) -> HttpResponse:
    """Every agreement under which the city shares personal data, for everyone to read."""
    consent: list[tuple[ProcessingAgreement, AgreementVersion]] = []
    other: list[tuple[ProcessingAgreement, AgreementVersion]] = []
    for agreement, version in selectors.published_agreements(request.organisation):
        (consent if agreement.consent_based else other).append((agreement, version))
    return render(request, "consent/public/agreements.html", {"consent": consent, "other": other})
