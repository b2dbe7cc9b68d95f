"""Helpers shared by the impact views: language, tenancy-safe lookups, refusals."""

from __future__ import annotations

from typing import Any

from django import forms
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language

from cityrights.core.errors import add_to_form
from cityrights.core.permissions import capabilities
from cityrights.core.tenancy import OrgRequest

from .. import selectors
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
    author = request.user.pk == assessment.author_id
    steps = set()
    for name in TRANSITIONS:
        try:
            check_transition(name, assessment.status, capabilities=held, is_author=author)
        except TransitionRefused:
            continue
        steps.add(name)
    return steps


def attach(form: forms.Form, error: ImpactError) -> None:
    """Show a refusal next to the field it concerns, or above the form."""
    add_to_form(form, error)


def may_comment(request: OrgRequest) -> bool:
    return bool({"edit", "review"} & caps(request))


def tr(value: Any) -> str:
    if hasattr(value, "get_text"):
        return str(value.get_text(language()))
    return "" if value is None else str(value)
