"""Writes of the impact app: templates, screening, assessments, risks, review, summaries.

Each function checks the rule it enforces (status, four-eyes, levels), writes in one
transaction and appends an audit event in that same transaction. Views and the API call
these functions and only translate :class:`ImpactError` into a form error or a 4xx JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cityrights.core import audit
from cityrights.core.datafiles import read_yaml, snapshot_change, snapshot_hash, stringify_keys
from cityrights.core.errors import ServiceError
from cityrights.core.permissions import capabilities

from . import content
from .models import (
    BAND_ORDER,
    AssessmentKind,
    Comment,
    Condition,
    DecisionRecord,
    ImpactAssessment,
    Mitigation,
    MitigationStatus,
    Procurement,
    ProcurementChecklistVersion,
    PublicSummary,
    RiskItem,
    Screening,
    Status,
    TemplateKind,
    TemplateVersion,
)
from .workflow import TransitionRefused, check_decision, check_transition

if TYPE_CHECKING:
    from cityrights.core.models import Department, Organisation, User

STATUS_FOR_CODE = {"unknown": 422, "forbidden": 403, "conflict": 409}


class ImpactError(ServiceError):
    """A refused change to an impact assessment (see :mod:`cityrights.core.errors`)."""

    @classmethod
    def from_refusal(cls, refusal: TransitionRefused, field: str | None = None) -> ImpactError:
        return cls(refusal.message, STATUS_FOR_CODE.get(refusal.code, 409), field)


# --------------------------------------------------------------------------------------
# Template files
# --------------------------------------------------------------------------------------


def load_template_file(path: Path) -> tuple[TemplateVersion | ProcurementChecklistVersion, bool]:
    """Snapshot one shipped or custom template file; refuse changed content for a version.

    Returns the snapshot and whether it was created. A published version keeps its
    meaning: loading a different structure or English text under the same identifier and
    version is an error, while the same version with other translations updates the
    stored translations in place (assessments depend on neither).
    """
    try:
        loaded, data = content.load_file(path)
    except content.TemplateError as error:
        raise ImpactError(str(error), 422) from error
    model: type[TemplateVersion] | type[ProcurementChecklistVersion]
    extra: dict[str, Any] = {}
    if loaded.kind == "procurement":
        model = ProcurementChecklistVersion
    else:
        model = TemplateVersion
        extra["kind"] = (
            TemplateKind.SCREENING if loaded.kind == "screening" else TemplateKind.ASSESSMENT
        )
    existing = model.objects.filter(key=loaded.id, version=loaded.version).first()
    snapshot = snapshot_hash(data)
    stored = (existing.content_hash, existing.snapshot_hash) if existing is not None else None
    change = snapshot_change(stored, loaded.content_hash, snapshot)
    if change == "conflict":
        raise ImpactError(
            _(
                "%(key)s version %(version)s is already loaded with different content; "
                "give the changed file a new version number."
            )
            % {"key": loaded.id, "version": loaded.version},
            409,
        )
    if existing is not None:
        if change == "translations":
            _update_translations(existing, data, snapshot)
        return existing, False
    created = model.objects.create(
        key=loaded.id,
        version=loaded.version,
        title=str(loaded.title)[:300],
        content_hash=loaded.content_hash,
        snapshot_hash=snapshot,
        data=data,
        **extra,
    )
    return created, True


def _update_translations(
    version: TemplateVersion | ProcurementChecklistVersion, data: dict[str, Any], snapshot: str
) -> None:
    with transaction.atomic():
        previous = version.snapshot_hash
        version.data = data
        version.snapshot_hash = snapshot
        version.save(update_fields=["data", "snapshot_hash"])
        audit.record(
            actor=None,
            organisation=None,
            action="update",
            obj=version,
            changes={"snapshot_hash": [previous, snapshot]},
        )


def load_shipped_templates() -> list[tuple[TemplateVersion | ProcurementChecklistVersion, bool]]:
    return [load_template_file(path) for path in content.shipped_files()]


def refresh_shipped_translations() -> int:
    """Bring the translations of stored shipped templates up to date with their files.

    Runs after every ``migrate`` (see ``signals.py``), so an upgraded installation shows
    better translations in every assessment, old ones included. Only versions already
    stored are touched, and only when their meaning is the same. Returns how many.
    """
    updated = 0
    for path in content.shipped_files():
        key, _dot, number = path.name.removesuffix(".yaml").rpartition(".v")
        models_ = (TemplateVersion, ProcurementChecklistVersion)
        stored = [m.objects.filter(key=key, version=int(number)).first() for m in models_]
        version = next((item for item in stored if item is not None), None)
        if version is None:
            continue
        raw = read_yaml(str(path), path.read_text(encoding="utf-8"), content.TemplateError)
        if snapshot_hash(stringify_keys(raw)) == version.snapshot_hash:
            continue
        loaded, data = content.load_file(path)
        if loaded.content_hash == version.content_hash:
            _update_translations(version, data, snapshot_hash(data))
            updated += 1
    return updated


def latest_template(kind: str) -> TemplateVersion:
    version = TemplateVersion.objects.filter(kind=kind).order_by("-loaded_at", "-id").first()
    if version is None:
        load_shipped_templates()
        version = TemplateVersion.objects.filter(kind=kind).order_by("-loaded_at", "-id").first()
    if version is None:
        raise ImpactError(_("No %(kind)s template is loaded.") % {"kind": kind}, 409)
    return version


def latest_checklist() -> ProcurementChecklistVersion:
    version = ProcurementChecklistVersion.objects.order_by("-loaded_at", "-id").first()
    if version is None:
        load_shipped_templates()
        version = ProcurementChecklistVersion.objects.order_by("-loaded_at", "-id").first()
    if version is None:
        raise ImpactError(_("No procurement checklist is loaded."), 409)
    return version


# --------------------------------------------------------------------------------------
# Screening
# --------------------------------------------------------------------------------------


def screen(
    organisation: Organisation,
    actor: User,
    *,
    project: str,
    answers: Mapping[str, Any],
    department: Department | None = None,
    template: TemplateVersion | None = None,
) -> Screening:
    """Record a screening and its outcome; the decision rule lives in ``risk.screen``."""
    template = template or latest_template(TemplateKind.SCREENING)
    try:
        outcome = content.screen(dict(answers), template.template, "en")
    except ValueError as error:
        raise ImpactError(str(error), 422) from error
    with transaction.atomic():
        screening = Screening.objects.create(
            organisation=organisation,
            template=template,
            project=project,
            department=department,
            answers=dict(answers),
            needed=outcome.needed,
            kind=outcome.kind if outcome.needed else AssessmentKind.NONE,
            reasons=list(outcome.reasons),
            screened_by=actor,
        )
        audit.record(
            actor=actor,
            organisation=organisation,
            action="screen",
            obj=screening,
            changes={"needed": screening.needed, "kind": screening.kind},
        )
    return screening


# --------------------------------------------------------------------------------------
# Assessments
# --------------------------------------------------------------------------------------


def _caps(actor: User, assessment: ImpactAssessment) -> frozenset[str]:
    return capabilities(actor, assessment.organisation)


def _require(actor: User, assessment: ImpactAssessment, capability: str) -> None:
    if capability not in _caps(actor, assessment):
        raise ImpactError(_("Your role does not allow this change."), 403)


def _require_draft(assessment: ImpactAssessment) -> None:
    if assessment.status != Status.DRAFT:
        raise ImpactError(
            _(
                "Only a draft can be changed; this assessment is %(status)s. "
                "Ask the reviewer to return it, or reopen it for a reassessment."
            )
            % {"status": assessment.get_status_display().lower()},
            409,
        )


def is_author(actor: User, assessment: ImpactAssessment) -> bool:
    return actor.pk == assessment.author_id


def create_assessment(
    organisation: Organisation,
    actor: User,
    *,
    title: str,
    kind: str,
    department: Department | None = None,
    author: User | None = None,
    screening: Screening | None = None,
    entry: Any = None,
    template: TemplateVersion | None = None,
) -> ImpactAssessment:
    if kind not in {AssessmentKind.DPIA, AssessmentKind.HRIA, AssessmentKind.BOTH}:
        raise ImpactError(_("Choose the kind of assessment."), 422, "kind")
    template = template or latest_template(TemplateKind.ASSESSMENT)
    with transaction.atomic():
        assessment = ImpactAssessment(
            organisation=organisation,
            title=title,
            kind=kind,
            department=department,
            author=author or actor,
            screening=screening,
            template=template,
        )
        if entry is not None:
            assessment.entry = entry
        assessment.save()
        audit.record(
            actor=actor,
            organisation=organisation,
            action="create",
            obj=assessment,
            changes={
                "kind": kind,
                "template": str(template),
                "author": str(assessment.author),
                "department": department,
                "entry": entry,
            },
        )
    return assessment


def update_details(
    assessment: ImpactAssessment, actor: User, changes: Mapping[str, Any]
) -> ImpactAssessment:
    """Change title, kind, department, project lead or register entry of a draft."""
    _require(actor, assessment, "edit")
    _require_draft(assessment)
    fields = [
        name for name in ("title", "kind", "department", "author", "entry") if name in changes
    ]
    with transaction.atomic():
        before = audit.snapshot(assessment, fields)
        for name in fields:
            setattr(assessment, name, changes[name])
        assessment.save()
        audit.record(
            actor=actor,
            organisation=assessment.organisation,
            action="update",
            obj=assessment,
            changes=audit.diff(before, audit.snapshot(assessment, fields)),
        )
    return assessment


def save_section(
    assessment: ImpactAssessment, actor: User, section_key: str, answers: Mapping[str, str]
) -> ImpactAssessment:
    """Store the answers of one section of a draft. Unknown questions are refused."""
    _require(actor, assessment, "edit")
    _require_draft(assessment)
    template = assessment.template.template
    section = content.find_section(template, section_key)
    if section is None:
        raise ImpactError(_("This template has no section '%(key)s'.") % {"key": section_key}, 404)
    questions = {question.key: question for question in section.questions}
    unknown = set(answers) - set(questions)
    if unknown:
        raise ImpactError(
            _("Unknown questions: %(keys)s.") % {"keys": ", ".join(sorted(unknown))}, 422
        )
    cleaned: dict[str, Any] = {}
    for key, value in answers.items():
        try:
            cleaned[key] = content.clean_answer(questions[key], value)
        except ValueError as error:
            raise ImpactError(
                _("'%(value)s' is not one of the answers this question offers.") % {"value": error},
                422,
                key,
            ) from error
    with transaction.atomic():
        locked = ImpactAssessment.objects.select_for_update().get(pk=assessment.pk)
        before = dict(locked.answers.get(section_key, {}))
        merged = {**before, **cleaned}
        merged = {key: value for key, value in merged.items() if value}
        locked.answers = {**locked.answers, section_key: merged}
        locked.save(update_fields=["answers", "updated_at"])
        changed = sorted(k for k in set(before) | set(merged) if before.get(k) != merged.get(k))
        if changed:
            audit.record(
                actor=actor,
                organisation=assessment.organisation,
                action="answer",
                obj=locked,
                changes={"section": section_key, "questions": changed},
            )
    assessment.answers = locked.answers
    return assessment


def missing_answers(assessment: ImpactAssessment) -> list[tuple[str, str]]:
    """``(section key, question key)`` of required questions without an answer."""
    template = assessment.template.template
    missing = []
    for section in content.sections_for(template, assessment.kind):
        given = assessment.answers.get(section.key, {})
        for question in section.questions:
            if question.required and given.get(question.key) in (None, "", []):
                missing.append((section.key, question.key))
    return missing


# --------------------------------------------------------------------------------------
# Risks and mitigations
# --------------------------------------------------------------------------------------


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
        if item.has_residual:
            after = band_of(assessment, item.residual_likelihood, item.residual_severity)  # type: ignore[arg-type]
        else:
            after = band
        if BAND_ORDER.get(after, 0) > BAND_ORDER.get(residual, 0):  # type: ignore[call-overload]
            residual = after
    ImpactAssessment.objects.filter(pk=assessment.pk).update(
        highest_band=inherent, highest_residual_band=residual
    )
    assessment.highest_band, assessment.highest_residual_band = inherent, residual


def add_risk(assessment: ImpactAssessment, actor: User, data: Mapping[str, Any]) -> RiskItem:
    _require(actor, assessment, "edit")
    _require_draft(assessment)
    cleaned = _validated_risk(assessment, data)
    with transaction.atomic():
        item = RiskItem.objects.create(assessment=assessment, **cleaned)
        refresh_bands(assessment)
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
    _require(actor, assessment, "edit")
    _require_draft(assessment)
    cleaned = _validated_risk(assessment, data)
    fields = list(cleaned)
    with transaction.atomic():
        before = audit.snapshot(item, fields)
        for name, value in cleaned.items():
            setattr(item, name, value)
        item.save()
        refresh_bands(assessment)
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
    _require(actor, assessment, "edit")
    _require_draft(assessment)
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
    _require(actor, assessment, "edit")
    _require_draft(assessment)
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
        audit.record(
            actor=actor,
            organisation=assessment.organisation,
            action="create",
            obj=mitigation,
            changes={"risk": item.pk, "owner": mitigation.owner, "due": due, "status": status},
        )
    return mitigation


def set_mitigation_status(mitigation: Mitigation, actor: User, status: str) -> Mitigation:
    """Track progress of a mitigation; allowed in any status, because work goes on."""
    assessment = mitigation.risk.assessment
    _require(actor, assessment, "edit")
    if status not in MitigationStatus.values:
        raise ImpactError(_("Unknown status."), 422, "status")
    with transaction.atomic():
        before = mitigation.status
        mitigation.status = status
        mitigation.save(update_fields=["status"])
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
    _require(actor, assessment, "edit")
    _require_draft(assessment)
    audit.delete(
        mitigation,
        actor=actor,
        organisation=assessment.organisation,
        changes={"owner": mitigation.owner},
    )


# --------------------------------------------------------------------------------------
# Workflow
# --------------------------------------------------------------------------------------


def transition(
    assessment: ImpactAssessment, actor: User, name: str, *, note: str = ""
) -> ImpactAssessment:
    """Submit, withdraw, take under review, return for changes or reopen an assessment.

    Deciding has its own function (:func:`decide`) because it carries content.
    """
    if name == "decide":
        raise ImpactError(_("Use the decision form to decide."), 422)
    with transaction.atomic():
        locked = ImpactAssessment.objects.select_for_update().get(pk=assessment.pk)
        try:
            target = check_transition(
                name,
                locked.status,
                capabilities=_caps(actor, locked),
                is_author=is_author(actor, locked),
            )
        except TransitionRefused as refusal:
            raise ImpactError.from_refusal(refusal) from refusal
        if name == "submit":
            missing = missing_answers(locked)
            if missing:
                raise ImpactError(
                    _("%(n)d required question(s) have no answer yet.") % {"n": len(missing)}, 409
                )
            if not locked.risks.exists():
                raise ImpactError(
                    _("Record at least one risk, even a low one, before submitting."), 409
                )
        if name == "return" and not note.strip():
            raise ImpactError(_("Say what has to change."), 422, "note")
        before = locked.status
        locked.status = target
        update = ["status", "updated_at"]
        if name == "submit":
            locked.submitted_at = timezone.now()
            update.append("submitted_at")
        if name == "start_review":
            locked.reviewer = actor
            update.append("reviewer")
        if name in {"return", "withdraw"}:
            locked.reviewer = None
            update.append("reviewer")
        if name == "reopen":
            locked.decision = ""
            locked.decided_by = None
            locked.decided_at = None
            locked.reviewer = None
            update += ["decision", "decided_by", "decided_at", "reviewer"]
        locked.save(update_fields=update)
        if note.strip():
            Comment.objects.create(assessment=locked, section="", author=actor, body=note.strip())
        audit.record(
            actor=actor,
            organisation=locked.organisation,
            action=name,
            obj=locked,
            changes={"status": {"from": before, "to": target.value}},
        )
    return locked


def decide(
    assessment: ImpactAssessment,
    actor: User,
    *,
    decision: str,
    reasons: str,
    conditions: Iterable[Mapping[str, Any]] = (),
    reassessment_due: date | None = None,
) -> ImpactAssessment:
    """Take the decision on an assessment under review; never by its author (four eyes)."""
    new_conditions = [dict(c) for c in conditions if str(c.get("text", "")).strip()]
    with transaction.atomic():
        locked = ImpactAssessment.objects.select_for_update().get(pk=assessment.pk)
        try:
            check_transition(
                "decide",
                locked.status,
                capabilities=_caps(actor, locked),
                is_author=is_author(actor, locked),
            )
            open_conditions = locked.conditions.filter(closed_at__isnull=True).count()
            value = check_decision(decision, reasons, open_conditions + len(new_conditions))
        except TransitionRefused as refusal:
            raise ImpactError.from_refusal(refusal, refusal.field) from refusal
        if reassessment_due is not None and reassessment_due <= timezone.localdate():
            raise ImpactError(
                _("The reassessment date must lie in the future."), 422, "reassessment_due"
            )
        now = timezone.now()
        locked.status = Status.DECIDED
        locked.decision = value.value
        locked.decision_reasons = reasons.strip()
        locked.decided_by = actor
        locked.decided_at = now
        if reassessment_due is not None:
            locked.reassessment_due = reassessment_due
        locked.save()
        for item in new_conditions:
            Condition.objects.create(
                assessment=locked,
                text=str(item["text"]).strip(),
                owner=str(item.get("owner") or "").strip(),
                due=item.get("due"),
                created_by=actor,
            )
        DecisionRecord.objects.create(
            assessment=locked,
            decision=value.value,
            reasons=locked.decision_reasons,
            decided_by=actor,
            decided_at=now,
            reassessment_due=locked.reassessment_due,
        )
        audit.record(
            actor=actor,
            organisation=locked.organisation,
            action="decide",
            obj=locked,
            changes={
                "decision": value.value,
                "conditions": len(new_conditions),
                "reassessment_due": locked.reassessment_due,
            },
        )
    return locked


def set_reassessment(assessment: ImpactAssessment, actor: User, due: date | None) -> None:
    _require(actor, assessment, "review")
    if due is not None and due <= timezone.localdate():
        raise ImpactError(
            _("The reassessment date must lie in the future."), 422, "reassessment_due"
        )
    with transaction.atomic():
        before = assessment.reassessment_due
        assessment.reassessment_due = due
        assessment.save(update_fields=["reassessment_due", "updated_at"])
        audit.record(
            actor=actor,
            organisation=assessment.organisation,
            action="update",
            obj=assessment,
            changes={"reassessment_due": {"from": before, "to": due}},
        )


# --------------------------------------------------------------------------------------
# Conditions and comments
# --------------------------------------------------------------------------------------


def add_condition(
    assessment: ImpactAssessment,
    actor: User,
    *,
    text: str,
    owner: str = "",
    due: date | None = None,
) -> Condition:
    _require(actor, assessment, "review")
    if is_author(actor, assessment):
        raise ImpactError(_("The author cannot set conditions on their own assessment."), 403)
    if assessment.status not in {Status.UNDER_REVIEW, Status.DECIDED}:
        raise ImpactError(_("Conditions are set during or after the review."), 409)
    if not text.strip():
        raise ImpactError(_("Write the condition."), 422, "text")
    with transaction.atomic():
        condition = Condition.objects.create(
            assessment=assessment,
            text=text.strip(),
            owner=owner.strip(),
            due=due,
            created_by=actor,
        )
        audit.record(
            actor=actor,
            organisation=assessment.organisation,
            action="create",
            obj=condition,
            changes={"owner": condition.owner, "due": due},
        )
    return condition


def close_condition(condition: Condition, actor: User, note: str) -> Condition:
    """Record that a condition is met and how; the note is required."""
    assessment = condition.assessment
    held = _caps(actor, assessment)
    if not {"edit", "review"} & held:
        raise ImpactError(_("Your role does not allow this change."), 403)
    if not note.strip():
        raise ImpactError(_("Say how the condition was met."), 422, "closing_note")
    with transaction.atomic():
        locked = Condition.objects.select_for_update().get(pk=condition.pk)
        if locked.closed_at is not None:
            raise ImpactError(_("This condition is already closed."), 409)
        locked.closed_at = timezone.now()
        locked.closed_by = actor
        locked.closing_note = note.strip()
        locked.save()
        audit.record(
            actor=actor,
            organisation=assessment.organisation,
            action="close",
            obj=locked,
            changes={"closed_at": locked.closed_at},
        )
    return locked


def add_comment(assessment: ImpactAssessment, actor: User, section: str, body: str) -> Comment:
    held = _caps(actor, assessment)
    if not {"edit", "review"} & held:
        raise ImpactError(_("Your role does not allow comments."), 403)
    sections = {s.key for s in assessment.template.template.sections}
    if section and section not in sections:
        raise ImpactError(_("Unknown section."), 422, "section")
    if not body.strip():
        raise ImpactError(_("Write a comment."), 422, "body")
    with transaction.atomic():
        comment = Comment.objects.create(
            assessment=assessment, section=section, author=actor, body=body.strip()
        )
        audit.record(
            actor=actor,
            organisation=assessment.organisation,
            action="comment",
            obj=assessment,
            changes={"section": section or "general"},
        )
    return comment


# --------------------------------------------------------------------------------------
# Public summary
# --------------------------------------------------------------------------------------


def save_summary(assessment: ImpactAssessment, actor: User, text: str) -> PublicSummary:
    """Write or change the summary; a change withdraws approval and publication."""
    held = _caps(actor, assessment)
    if not {"edit", "review"} & held:
        raise ImpactError(_("Your role does not allow this change."), 403)
    if not text.strip():
        raise ImpactError(_("Write the summary."), 422, "text")
    with transaction.atomic():
        summary = PublicSummary.objects.filter(assessment=assessment).first()
        changed = summary is None or summary.text != text.strip()
        if summary is None:
            summary = PublicSummary(assessment=assessment)
        was_public = summary.is_public
        summary.text = text.strip()
        summary.written_by = actor
        if changed:
            summary.approved_at = None
            summary.approved_by = None
            summary.published = False
            summary.published_at = None
        summary.save()
        audit.record(
            actor=actor,
            organisation=assessment.organisation,
            action="update",
            obj=summary,
            changes={"text_changed": changed, "withdrawn_from_public": was_public and changed},
        )
    return summary


def approve_summary(summary: PublicSummary, actor: User, *, publish: bool) -> PublicSummary:
    """A reviewer other than the author approves the summary and, if asked, publishes it."""
    assessment = summary.assessment
    _require(actor, assessment, "review")
    if is_author(actor, assessment):
        raise ImpactError(_("The author cannot approve the summary of their own assessment."), 403)
    if not assessment.is_decided:
        raise ImpactError(_("A summary can be approved once the assessment is decided."), 409)
    with transaction.atomic():
        now = timezone.now()
        summary.approved_by = actor
        summary.approved_at = summary.approved_at or now
        summary.published = publish
        summary.published_at = now if publish else None
        summary.save()
        audit.record(
            actor=actor,
            organisation=assessment.organisation,
            action="publish" if publish else "approve",
            obj=summary,
            changes={"published": publish},
        )
    return summary


def unpublish_summary(summary: PublicSummary, actor: User) -> PublicSummary:
    _require(actor, summary.assessment, "review")
    with transaction.atomic():
        summary.published = False
        summary.published_at = None
        summary.save(update_fields=["published", "published_at", "updated_at"])
        audit.record(
            actor=actor,
            organisation=summary.assessment.organisation,
            action="unpublish",
            obj=summary,
            changes={"published": False},
        )
    return summary


# --------------------------------------------------------------------------------------
# Procurement
# --------------------------------------------------------------------------------------


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
