"""Helpers shared by the capacity views: tenancy-safe lookups and downloads."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from cityrights.core.permissions import capabilities

from .. import selectors
from ..models import SurveyRound


def caps(request: HttpRequest) -> frozenset[str]:
    return capabilities(request.user, request.organisation)  # type: ignore[attr-defined]


def get_round(request: HttpRequest, pk: int) -> SurveyRound:
    """Round ``pk`` of the request's city; another city's id is a 404."""
    return get_object_or_404(selectors.rounds_of(request.organisation), pk=pk)  # type: ignore[attr-defined]


def download(body: bytes | str, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def rounds_trail(
    request: HttpRequest, survey_round: SurveyRound | None = None
) -> list[tuple[str, str]]:
    """Breadcrumbs below "Capacity building": the survey, then a round."""
    slug = request.organisation.slug  # type: ignore[attr-defined]
    trail = [(_("Staff needs survey"), reverse("capacity:rounds", kwargs={"org": slug}))]
    if survey_round is not None:
        url = reverse("capacity:round", kwargs={"org": slug, "pk": survey_round.pk})
        trail.append((str(survey_round), url))
    return trail
