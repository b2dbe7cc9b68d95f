"""Procurement: the checklist a purchase of technology goes through."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from cityrights.core import audit

from .. import content
from ..models import Procurement, ProcurementChecklistVersion
from .refusals import ImpactError
from .template_files import latest_checklist

if TYPE_CHECKING:
    from cityrights.core.models import Organisation, User


def validate_procurement_answers(
    checklist: ProcurementChecklistVersion, answers: Mapping[str, Any]
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """Clean per-requirement answers; a requirement left out needs a reason."""
    cleaned: dict[str, dict[str, Any]] = {}
    errors: dict[str, str] = {}
    keys = {req.key for req in content.requirements_of(checklist.checklist)}
    for key in sorted(set(answers) - keys):
        errors[key] = _("Unknown requirement.")
    for key in keys:
        item = answers.get(key)
        if item is None:
            continue
        included = item.get("included")
        reason = str(item.get("reason") or "").strip()
        if included in (None, ""):
            continue
        if included not in (True, False):
            errors[key] = _("Answer yes or no.")
            continue
        if not included and not reason:
            errors[key] = _("Say why this requirement was not included.")
            continue
        cleaned[key] = {"included": included, "reason": reason}
    return cleaned, errors


def save_procurement(
    organisation: Organisation,
    actor: User,
    *,
    procurement: Procurement | None = None,
    details: Mapping[str, Any],
    answers: Mapping[str, Any],
) -> Procurement:
    checklist = procurement.checklist if procurement else latest_checklist()
    cleaned, errors = validate_procurement_answers(checklist, answers)
    if errors:
        key, message = next(iter(errors.items()))
        raise ImpactError(message, 422, key)
    with transaction.atomic():
        created = procurement is None
        if procurement is None:
            procurement = Procurement(
                organisation=organisation, checklist=checklist, created_by=actor
            )
        fields = ["tender", "reference", "department", "public", "entry", "answers"]
        before = {} if created else audit.snapshot(procurement, fields)
        for name, value in details.items():
            setattr(procurement, name, value)
        procurement.answers = cleaned
        procurement.save()
        audit.record(
            actor=actor,
            organisation=organisation,
            action="create" if created else "update",
            obj=procurement,
            changes=audit.diff(before, audit.snapshot(procurement, fields)),
        )
    return procurement
