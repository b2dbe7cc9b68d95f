"""Helpers shared by the capacity views: tenancy-safe lookups and downloads."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from cityrights.core.permissions import capabilities
from cityrights.core.tenancy import OrgRequest

from .. import selectors
from ..models import Module, Programme, Session, SurveyRound


def caps(request: OrgRequest) -> frozenset[str]:
    return capabilities(request.user, request.organisation)


def get_round(request: OrgRequest, pk: int) -> SurveyRound:
    """Round ``pk`` of the request's city; another city's id is a 404."""
    return get_object_or_404(selectors.rounds_of(request.organisation), pk=pk)


def download(body: bytes | str, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def rounds_trail(
    request: OrgRequest, survey_round: SurveyRound | None = None
) -> list[tuple[str, str]]:
    """Breadcrumbs below "Capacity building": the survey, then a round."""
    slug = request.organisation.slug
    trail = [(_("Staff needs survey"), reverse("capacity:rounds", kwargs={"org": slug}))]
    if survey_round is not None:
        url = reverse("capacity:round", kwargs={"org": slug, "pk": survey_round.pk})
        trail.append((str(survey_round), url))
    return trail


def get_programme(request: OrgRequest, pk: int) -> Programme:
    return get_object_or_404(selectors.programmes_of(request.organisation), pk=pk)


def get_module(request: OrgRequest, pk: int) -> Module:
    return get_object_or_404(
        Module.objects.select_related("programme__organisation"),
        pk=pk,
        programme__organisation=request.organisation,
    )


def get_session(request: OrgRequest, pk: int) -> Session:
    return get_object_or_404(
        selectors.sessions_of(request.organisation),
        pk=pk,
    )


def programme_trail(
    request: OrgRequest, programme: Programme | None = None
) -> list[tuple[str, str]]:
    """Breadcrumbs below "Capacity building": the programmes, then one programme."""
    slug = request.organisation.slug
    trail = [(_("Training programmes"), reverse("capacity:programmes", kwargs={"org": slug}))]
    if programme is not None:
        url = reverse("capacity:programme", kwargs={"org": slug, "pk": programme.pk})
        trail.append((str(programme), url))
    return trail
