"""Helpers shared by the participation views: tenancy-safe lookups, the caller, downloads."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from cityrights.core.permissions import capabilities
from cityrights.core.tenancy import OrgRequest
from cityrights.core.throttling import client_address

from .. import selectors
from ..contributions import Participant, participant_for
from ..models import Consultation


def org(request: OrgRequest) -> Any:
    return request.organisation


def caps(request: OrgRequest) -> frozenset[str]:
    return capabilities(request.user, org(request))


def public_consultation(request: OrgRequest, slug: str) -> Consultation:
    """A consultation residents may see; one in preparation only for the city's staff."""
    consultation = get_object_or_404(selectors.consultations_of(org(request)), slug=slug)
    if not consultation.is_public and "view" not in caps(request):
        raise Http404(_("There is no such consultation."))
    return consultation


def staff_consultation(request: OrgRequest, pk: int) -> Consultation:
    return get_object_or_404(selectors.consultations_of(org(request)), pk=pk)


def participant(request: HttpRequest, email: str = "", name: str = "") -> Participant:
    return participant_for(request.user, client_address(request.META), email, name)


def download(body: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
