"""Risks and mitigations: the risk register of an assessment, its bands and actions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from cityrights.core import audit, duties

from .. import content
from ..models import BAND_ORDER, ImpactAssessment, Mitigation, MitigationStatus, RiskItem
from .refusals import ImpactError, require_capability, require_draft, took_part

if TYPE_CHECKING:
    from cityrights.core.models import User


def _level(value: Any, label: str, field: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError) as error:
        raise ImpactError(
            _("%(label)s must be a whole number from 1 to 4.") % {"label": label}, 422, field
        ) from error
    if not 1 <= number <= 4:
        raise ImpactError(
            _("%(label)s must be between 1 and 4, not %(value)s.")
            % {"label": label, "value": number},
            422,
            field,
        )
    return number


def _validated_risk(assessment: ImpactAssessment, data: Mapping[str, Any]) -> dict[str, Any]:
    template = assessment.template.template
    rights = {right.key for right in content.rights_of(template)}
    right = str(data.get("right", ""))
    if right not in rights:
        raise ImpactError(_("Choose one of the rights of the template."), 422, "right")
    description = str(data.get("description", "")).strip()
    if not description:
        raise ImpactError(_("Describe the risk."), 422, "description")
    cleaned: dict[str, Any] = {
        "right": right,
        "description": description,
        "likelihood": _level(data.get("likelihood"), _("Likelihood"), "likelihood"),
        "severity": _level(data.get("severity"), _("Severity"), "severity"),
        "residual_likelihood": None,
        "residual_severity": None,
    }
    rl, rs = data.get("residual_likelihood"), data.get("residual_severity")
    if rl in (None, "") and rs in (None, ""):
        return cleaned
    if rl in (None, "") or rs in (None, ""):
        field = "residual_severity" if rs in (None, "") else "residual_likelihood"
        raise ImpactError(
            _("Give both residual likelihood and residual severity, or neither."), 422, field
        )
    cleaned["residual_likelihood"] = _level(rl, _("Residual likelihood"), "residual_likelihood")
    cleaned["residual_severity"] = _level(rs, _("Residual severity"), "residual_severity")
    if (
        cleaned["residual_likelihood"] > cleaned["likelihood"]
        or cleaned["residual_severity"] > cleaned["severity"]
    ):
        raise ImpactError(
            _("Mitigation cannot make a risk more likely or more severe than before."),
            422,
            "residual_likelihood",
        )
    return cleaned


def band_of(assessment: ImpactAssessment, likelihood: int, severity: int) -> str:
    return content.band(assessment.template.template, likelihood, severity)


def refresh_bands(assessment: ImpactAssessment) -> None:
    """Store the highest inherent and residual bands, so lists can filter by risk."""
    inherent, residual = "", ""
    for item in assessment.risks.all():
        band = band_of(assessment, item.likelihood, item.severity)
        if BAND_ORDER.get(band, 0) > BAND_ORDER.get(inherent, 0):  # type: ignore[call-overload]
            inherent = band
        likelihood, severity = item.residual_likelihood, item.residual_severity
        if likelihood is not None and severity is not None:
            after = band_of(assessment, likelihood, severity)
        else:
            after = band
        if BAND_ORDER.get(after, 0) > BAND_ORDER.get(residual, 0):  # type: ignore[call-overload]
            residual = after
    ImpactAssessment.objects.filter(pk=assessment.pk).update(
        highest_band=inherent, highest_residual_band=residual
    )
    assessment.highest_band, assessment.highest_residual_band = inherent, residual


def add_risk(assessment: ImpactAssessment, actor: User, data: Mapping[str, Any]) -> RiskItem:
    require_capability(actor, assessment, "edit")
    require_draft(assessment)
    cleaned = _validated_risk(assessment, data)
    with transaction.atomic():
        item = RiskItem.objects.create(assessment=assessment, **cleaned)
        refresh_bands(assessment)
        took_part(assessment, actor, duties.Kind.EDITED)
        audit.record(
            actor=actor,
            organisation=assessment.organisation,
            action="create",
            obj=item,
            changes={k: v for k, v in cleaned.items() if k != "description"},
        )
    return item


def update_risk(item: RiskItem, actor: User, data: Mapping[str, Any]) -> RiskItem:
    assessment = item.assessment
    require_capability(actor, assessment, "edit")
    require_draft(assessment)
    cleaned = _validated_risk(assessment, data)
    fields = list(cleaned)
    with transaction.atomic():
        before = audit.snapshot(item, fields)
        for name, value in cleaned.items():
            setattr(item, name, value)
        item.save()
        refresh_bands(assessment)
        took_part(assessment, actor, duties.Kind.EDITED)
        audit.record(
            actor=actor,
            organisation=assessment.organisation,
            action="update",
            obj=item,
            changes=audit.diff(before, audit.snapshot(item, fields)),
        )
    return item


def delete_risk(item: RiskItem, actor: User) -> None:
    assessment = item.assessment
    require_capability(actor, assessment, "edit")
    require_draft(assessment)
    with transaction.atomic():
        audit.record(
            actor=actor,
            organisation=assessment.organisation,
            action="delete",
            obj=item,
            changes={"right": item.right, "likelihood": item.likelihood, "severity": item.severity},
        )
        item.delete()
        refresh_bands(assessment)
        took_part(assessment, actor, duties.Kind.EDITED)


def add_mitigation(
    item: RiskItem,
    actor: User,
    *,
    action: str,
    owner: str,
    due: date | None,
    status: str = MitigationStatus.PLANNED,
) -> Mitigation:
    assessment = item.assessment
    require_capability(actor, assessment, "edit")
    require_draft(assessment)
    if not action.strip():
        raise ImpactError(_("Describe the action."), 422, "action")
    if not owner.strip():
        raise ImpactError(_("Name who is responsible."), 422, "owner")
    if status not in MitigationStatus.values:
        raise ImpactError(_("Unknown status."), 422, "status")
    with transaction.atomic():
        mitigation = Mitigation.objects.create(
            risk=item, action=action.strip(), owner=owner.strip(), due=due, status=status
        )
        took_part(assessment, actor, duties.Kind.EDITED)
        audit.record(
            actor=actor,
            organisation=assessment.organisation,
            action="create",
            obj=mitigation,
            changes={"risk": item.pk, "owner": mitigation.owner, "due": due, "status": status},
        )
    return mitigation


def set_mitigation_status(mitigation: Mitigation, actor: User, status: str) -> Mitigation:
    """Track progress of a mitigation; allowed in any status, because work goes on.

    A change is a contribution to the version under way: during the review, to the version
    being reviewed; after the decision, to the next one (the reassessment).
    """
    assessment = mitigation.risk.assessment
    require_capability(actor, assessment, "edit")
    if status not in MitigationStatus.values:
        raise ImpactError(_("Unknown status."), 422, "status")
    with transaction.atomic():
        before = mitigation.status
        mitigation.status = status
        mitigation.save(update_fields=["status"])
        if before != status:
            took_part(assessment, actor, duties.Kind.EDITED)
        audit.record(
            actor=actor,
            organisation=assessment.organisation,
            action="update",
            obj=mitigation,
            changes={"status": {"from": before, "to": status}},
        )
    return mitigation


def delete_mitigation(mitigation: Mitigation, actor: User) -> None:
    assessment = mitigation.risk.assessment
    require_capability(actor, assessment, "edit")
    require_draft(assessment)
    with transaction.atomic():
        audit.delete(
            mitigation,
            actor=actor,
            organisation=assessment.organisation,
            changes={"owner": mitigation.owner},
        )
        took_part(assessment, actor, duties.Kind.EDITED)
