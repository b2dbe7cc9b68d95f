"""Helpers shared by the impact views: language, tenancy-safe lookups, refusals."""

from __future__ import annotations

from typing import Any

from django import forms
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cityrights.core import duties
from cityrights.core.errors import add_to_form
from cityrights.core.permissions import capabilities
from cityrights.core.tenancy import OrgRequest

from .. import selectors, services
from ..models import ImpactAssessment
from ..services import ImpactError
from ..workflow import TRANSITIONS, TransitionRefused, check_transition


def language() -> str:
    return (get_language() or "en").split("-")[0]


def get_assessment(request: OrgRequest, pk: int) -> ImpactAssessment:
    """The assessment ``pk`` of the request's city; any other city's id is a 404."""
    return get_object_or_404(
        selectors.assessments_of(request.organisation),
        pk=pk,
    )


def caps(request: OrgRequest) -> frozenset[str]:
    return capabilities(request.user, request.organisation)


def allowed_steps(request: OrgRequest, assessment: ImpactAssessment) -> set[str]:
    """The workflow steps this person may take on this assessment now."""
    held = caps(request)
    took_part = services.contributors_of(assessment).kinds_of(request.user)
    steps = set()
    for name in TRANSITIONS:
        try:
            check_transition(name, assessment.status, capabilities=held, took_part=took_part)
        except TransitionRefused:
            continue
        steps.add(name)
    return steps


def duty_notice(request: OrgRequest, assessment: ImpactAssessment) -> str:
    """Why this reviewer may not take the pending review or decision, or "".

    Shown instead of the buttons to a person with the ``review`` capability who took part
    in the version awaiting review (separation of duties).
    """
    if "review" not in caps(request) or assessment.status not in {"submitted", "under_review"}:
        return ""
    kinds = services.contributors_of(assessment).kinds_of(request.user)
    return duties.refusal_message(kinds, _("review and decide on it")) if kinds else ""


def attach(form: forms.Form, error: ImpactError) -> None:
    """Show a refusal next to the field it concerns, or above the form."""
    add_to_form(form, error)


def may_comment(request: OrgRequest) -> bool:
    return bool({"edit", "review"} & caps(request))


def tr(value: Any) -> str:
    if hasattr(value, "get_text"):
        return str(value.get_text(language()))
    return "" if value is None else str(value)
