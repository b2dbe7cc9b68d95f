"""Screening, the assessment workflow and the four-eyes rule, through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from cityrights.core.models import AuditEvent
from cityrights.impact import content, services
from cityrights.impact.models import (
    Condition,
    ImpactAssessment,
    ProcurementChecklistVersion,
    RiskItem,
    TemplateKind,
    TemplateVersion,
)
from cityrights.impact.services import ImpactError

from .conftest import advance, fill_all, new_assessment

pytestmark = pytest.mark.django_db


def actions(assessment: ImpactAssessment) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            object_type="impact.impactassessment", object_id=str(assessment.pk)
        )
        .order_by("at", "id")
        .values_list("action", flat=True)
    )


# --------------------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------------------


def test_the_shipped_templates_are_loaded_by_the_migration():
    kinds = set(TemplateVersion.objects.values_list("kind", flat=True))
    assert kinds == {TemplateKind.SCREENING, TemplateKind.ASSESSMENT}
    assert ProcurementChecklistVersion.objects.filter(key="procurement", version=1).exists()


def test_loading_again_is_idempotent_and_changed_content_is_refused(tmp_path):
    results = services.load_shipped_templates()
    assert results and not any(created for _, created in results)
    source = next(p for p in content.shipped_files() if p.name.startswith("screening"))
    changed = tmp_path / source.name
    changed.write_text(
        source.read_text(encoding="utf-8").replace("Answer these questions early", "Answer early"),
        encoding="utf-8",
    )
    with pytest.raises(ImpactError) as refused:
        services.load_template_file(changed)
    assert refused.value.status == 409


def test_an_old_assessment_keeps_its_template_snapshot(city_a):
    assessment = new_assessment(city_a)
    data = dict(assessment.template.data)
    data["version"] = 2
    newer = TemplateVersion.objects.create(
        key=assessment.template.key,
        version=2,
        kind=TemplateKind.ASSESSMENT,
        title="v2",
        content_hash="x" * 64,
        data=data,
    )
    assert services.latest_template(TemplateKind.ASSESSMENT) == newer
    assessment.refresh_from_db()
    assert assessment.template.version == 1


# --------------------------------------------------------------------------------------
# Screening
# --------------------------------------------------------------------------------------


def test_screening_records_the_decision_and_its_reasons(city_a):
    template = services.latest_template(TemplateKind.SCREENING).template
    answers = {q.key: "no" for q in template.questions}
    answers["personal-data"] = "yes"
    screening = services.screen(
        city_a.city, city_a.users["editor"], project="Parking app", answers=answers
    )
    assert screening.needed and screening.kind == "dpia"
    assert len(screening.reasons) == 1
    assert AuditEvent.objects.filter(action="screen", object_id=str(screening.pk)).exists()


def test_screening_all_no_needs_nothing_and_unsure_counts_as_yes(city_a):
    template = services.latest_template(TemplateKind.SCREENING).template
    answers = {q.key: "no" for q in template.questions}
    screening = services.screen(city_a.city, city_a.users["editor"], project="A", answers=answers)
    assert not screening.needed and screening.kind == "none"
    answers["vulnerable-groups"] = "unsure"
    answers["personal-data"] = "yes"
    screening = services.screen(city_a.city, city_a.users["editor"], project="B", answers=answers)
    assert screening.kind == "both"


def test_screening_refuses_unknown_answers(city_a):
    with pytest.raises(ImpactError) as refused:
        services.screen(city_a.city, city_a.users["editor"], project="C", answers={"x": "yes"})
    assert refused.value.status == 422


# --------------------------------------------------------------------------------------
# Sections and risks
# --------------------------------------------------------------------------------------


def test_sections_refuse_unknown_questions_and_options(city_a):
    assessment = new_assessment(city_a)
    with pytest.raises(ImpactError):
        services.save_section(assessment, city_a.users["editor"], "context", {"nope": "x"})
    with pytest.raises(ImpactError) as refused:
        services.save_section(
            assessment, city_a.users["editor"], "context", {"project-stage": "sometime"}
        )
    assert refused.value.field == "project-stage"
    with pytest.raises(ImpactError) as refused:
        services.save_section(assessment, city_a.users["editor"], "no-such-section", {})
    assert refused.value.status == 404


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"likelihood": 5, "severity": 2}, "likelihood"),
        ({"likelihood": 0, "severity": 2}, "likelihood"),
        ({"likelihood": 2, "severity": "high"}, "severity"),
        ({"likelihood": 2, "severity": 2, "residual_likelihood": 1}, "residual_severity"),
        (
            {"likelihood": 2, "severity": 2, "residual_likelihood": 3, "residual_severity": 1},
            "residual_likelihood",
        ),
        ({"likelihood": 2, "severity": 2, "right": "happiness"}, "right"),
    ],
)
def test_invalid_levels_are_refused_with_the_field(city_a, data, field):
    assessment = new_assessment(city_a)
    payload = {"right": "privacy", "description": "A risk.", **data}
    with pytest.raises(ImpactError) as refused:
        services.add_risk(assessment, city_a.users["editor"], payload)
    assert refused.value.field == field
    assert refused.value.status == 422
    assert not RiskItem.objects.exists()


def test_the_database_refuses_levels_out_of_range(city_a):
    assessment = new_assessment(city_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        RiskItem.objects.create(
            assessment=assessment, right="privacy", description="x", likelihood=5, severity=1
        )


def test_bands_follow_the_template_rule_and_are_stored(city_a):
    assessment = new_assessment(city_a)
    editor = city_a.users["editor"]
    services.add_risk(
        assessment, editor, {"right": "privacy", "description": "a", "likelihood": 1, "severity": 1}
    )
    assert assessment.highest_band == "low"
    risk = services.add_risk(
        assessment,
        editor,
        {
            "right": "equality",
            "description": "b",
            "likelihood": 3,
            "severity": 4,
            "residual_likelihood": 1,
            "residual_severity": 2,
        },
    )
    assessment.refresh_from_db()
    assert assessment.highest_band == "very-high"
    assert assessment.highest_residual_band == "low"
    services.delete_risk(risk, editor)
    assessment.refresh_from_db()
    assert assessment.highest_band == "low"


# --------------------------------------------------------------------------------------
# Workflow and four eyes
# --------------------------------------------------------------------------------------


def test_the_full_workflow_is_audited(city_a):
    assessment = advance(city_a, new_assessment(city_a), "decided", decision="on_hold")
    assert assessment.status == "decided" and assessment.decision == "on_hold"
    assert assessment.decided_by == city_a.users["reviewer"]
    assert assessment.conditions.count() == 1
    assert assessment.decision_history.count() == 1
    assert actions(assessment)[:1] == ["create"]
    assert {"answer", "submit", "start_review", "decide"} <= set(actions(assessment))


def test_submit_needs_the_required_answers_and_a_risk(city_a):
    assessment = new_assessment(city_a)
    with pytest.raises(ImpactError, match="required"):
        services.transition(assessment, city_a.users["editor"], "submit")
    fill_all(assessment, city_a.users["editor"])
    with pytest.raises(ImpactError, match="risk"):
        services.transition(assessment, city_a.users["editor"], "submit")
    assessment.refresh_from_db()
    assert assessment.status == "draft"


def test_the_author_can_never_decide_even_as_an_admin(city_a):
    assessment = advance(
        city_a, new_assessment(city_a, author="admin"), "submitted", author="admin"
    )
    with pytest.raises(ImpactError) as refused:
        services.transition(assessment, city_a.users["admin"], "start_review")
    assert refused.value.status == 403
    assessment = services.transition(assessment, city_a.users["reviewer"], "start_review")
    with pytest.raises(ImpactError) as refused:
        services.decide(assessment, city_a.users["admin"], decision="approve", reasons="Mine.")
    assert refused.value.status == 403
    assessment.refresh_from_db()
    assert assessment.status == "under_review" and not assessment.decision


def test_the_database_enforces_four_eyes_too(city_a):
    assessment = advance(city_a, new_assessment(city_a), "decided")
    assessment.decided_by = assessment.author
    with pytest.raises(IntegrityError), transaction.atomic():
        assessment.save()


def test_editors_and_viewers_cannot_decide(city_a):
    assessment = advance(
        city_a, new_assessment(city_a, author="admin"), "under_review", author="admin"
    )
    for role in ("editor", "viewer"):
        with pytest.raises(ImpactError) as refused:
            services.decide(assessment, city_a.users[role], decision="approve", reasons="x")
        assert refused.value.status == 403


@pytest.mark.parametrize(
    ("decision", "field"),
    [("approve_with_conditions", "conditions"), ("on_hold", "conditions"), ("maybe", "decision")],
)
def test_decisions_need_their_content(city_a, decision, field):
    assessment = advance(city_a, new_assessment(city_a), "under_review")
    with pytest.raises(ImpactError) as refused:
        services.decide(assessment, city_a.users["reviewer"], decision=decision, reasons="Why.")
    assert refused.value.field == field
    assert refused.value.status == 422
    assessment.refresh_from_db()
    assert assessment.status == "under_review"
    assert not Condition.objects.exists()


def test_refused_transitions(city_a):
    assessment = new_assessment(city_a)
    with pytest.raises(ImpactError) as refused:
        services.decide(assessment, city_a.users["reviewer"], decision="approve", reasons="x")
    assert refused.value.status == 409
    with pytest.raises(ImpactError) as refused:
        services.transition(assessment, city_a.users["reviewer"], "start_review")
    assert refused.value.status == 409
    with pytest.raises(ImpactError) as refused:
        services.transition(assessment, city_a.users["editor"], "fly")
    assert refused.value.status == 422


def test_changes_are_refused_outside_drafts(city_a):
    assessment = advance(city_a, new_assessment(city_a), "submitted")
    with pytest.raises(ImpactError) as refused:
        services.save_section(
            assessment, city_a.users["editor"], "context", {"project-summary": "late edit"}
        )
    assert refused.value.status == 409
    with pytest.raises(ImpactError):
        services.add_risk(
            assessment,
            city_a.users["editor"],
            {"right": "privacy", "description": "x", "likelihood": 1, "severity": 1},
        )


def test_return_needs_a_note_and_reopen_keeps_history(city_a):
    assessment = advance(city_a, new_assessment(city_a), "under_review")
    with pytest.raises(ImpactError):
        services.transition(assessment, city_a.users["reviewer"], "return")
    assessment = services.transition(
        assessment, city_a.users["reviewer"], "return", note="Explain the retention."
    )
    assert assessment.status == "draft"
    assert assessment.comments.filter(body="Explain the retention.").exists()
    assessment = services.transition(assessment, city_a.users["editor"], "submit")
    assessment = services.transition(assessment, city_a.users["reviewer"], "start_review")
    assessment = services.decide(
        assessment, city_a.users["reviewer"], decision="reject", reasons="No."
    )
    assessment = services.transition(assessment, city_a.users["editor"], "reopen")
    assert assessment.status == "draft" and assessment.decision == ""
    assert assessment.decision_history.count() == 1


def test_reassessment_date_must_be_in_the_future(city_a):
    assessment = advance(city_a, new_assessment(city_a), "under_review")
    with pytest.raises(ImpactError) as refused:
        services.decide(
            assessment,
            city_a.users["reviewer"],
            decision="approve",
            reasons="ok",
            reassessment_due=timezone.localdate(),
        )
    assert refused.value.field == "reassessment_due"
    later = timezone.localdate() + timedelta(days=365)
    assessment = services.decide(
        assessment,
        city_a.users["reviewer"],
        decision="approve",
        reasons="ok",
        reassessment_due=later,
    )
    assert assessment.reassessment_due == later


# --------------------------------------------------------------------------------------
# Conditions, comments, summary
# --------------------------------------------------------------------------------------


def test_conditions_are_tracked_to_closure(city_a):
    assessment = advance(
        city_a, new_assessment(city_a), "decided", decision="approve_with_conditions"
    )
    condition = assessment.conditions.get()
    with pytest.raises(ImpactError):
        services.close_condition(condition, city_a.users["editor"], "  ")
    with pytest.raises(ImpactError) as refused:
        services.close_condition(condition, city_a.users["viewer"], "done")
    assert refused.value.status == 403
    closed = services.close_condition(condition, city_a.users["editor"], "Retention set to 24h.")
    assert closed.closed_at and closed.closed_by == city_a.users["editor"]
    with pytest.raises(ImpactError) as refused:
        services.close_condition(closed, city_a.users["editor"], "again")
    assert refused.value.status == 409
    assert AuditEvent.objects.filter(action="close", object_id=str(condition.pk)).exists()


def test_comments_per_section(city_a):
    assessment = new_assessment(city_a)
    services.add_comment(assessment, city_a.users["reviewer"], "context", "Who pays?")
    services.add_comment(assessment, city_a.users["editor"], "", "General remark.")
    assert assessment.comments.filter(section="context").count() == 1
    with pytest.raises(ImpactError):
        services.add_comment(assessment, city_a.users["reviewer"], "no-section", "x")
    with pytest.raises(ImpactError) as refused:
        services.add_comment(assessment, city_a.users["viewer"], "", "x")
    assert refused.value.status == 403


def test_a_summary_is_public_only_when_approved_by_another_reviewer(city_a):
    assessment = new_assessment(city_a)
    summary = services.save_summary(assessment, city_a.users["editor"], "What we found.")
    with pytest.raises(ImpactError) as refused:
        services.approve_summary(summary, city_a.users["reviewer"], publish=True)
    assert refused.value.status == 409  # not decided yet
    assessment = advance(city_a, assessment, "decided")
    summary.refresh_from_db()
    with pytest.raises(ImpactError) as refused:
        services.approve_summary(summary, city_a.users["editor"], publish=True)
    assert refused.value.status == 403
    summary = services.approve_summary(summary, city_a.users["reviewer"], publish=True)
    assert summary.is_public
    summary = services.save_summary(assessment, city_a.users["editor"], "Changed text.")
    assert not summary.is_public and summary.approved_at is None


def test_the_author_cannot_approve_the_summary(city_a):
    assessment = advance(city_a, new_assessment(city_a, author="admin"), "decided", author="admin")
    summary = services.save_summary(assessment, city_a.users["admin"], "Text.")
    with pytest.raises(ImpactError) as refused:
        services.approve_summary(summary, city_a.users["admin"], publish=True)
    assert refused.value.status == 403


# --------------------------------------------------------------------------------------
# Procurement
# --------------------------------------------------------------------------------------


def test_procurement_requirements_left_out_need_a_reason(city_a):
    checklist = services.latest_checklist()
    key = checklist.checklist.requirements[0].key
    details = {
        "tender": {"en": "Parking sensors 2026"},
        "reference": "T-1",
        "department": None,
        "public": True,
        "entry": None,
    }
    with pytest.raises(ImpactError) as refused:
        services.save_procurement(
            city_a.city,
            city_a.users["editor"],
            details=details,
            answers={key: {"included": False, "reasons": {"en": " "}}},
        )
    assert refused.value.field == key
    saved = services.save_procurement(
        city_a.city,
        city_a.users["editor"],
        details=details,
        answers={key: {"included": False, "reasons": {"en": "Not relevant for hardware."}}},
    )
    assert saved.answers[key]["included"] is False
    with pytest.raises(ImpactError):
        services.save_procurement(
            city_a.city,
            city_a.users["editor"],
            details=details,
            answers={"made-up": {"included": True}},
        )


def test_the_exported_screening_gives_its_reasons_in_the_readers_language(city_a):
    """Stored in English (the service's words); the export, like the page, in the reader's."""
    from cityrights.impact import exports

    template = services.latest_template(TemplateKind.SCREENING).template
    answers = {q.key: "no" for q in template.questions}
    answers["personal-data"] = "yes"
    screening = services.screen(
        city_a.city, city_a.users["editor"], project="Parking app", answers=answers
    )
    assessment = services.create_assessment(
        city_a.city, city_a.users["editor"], title="Parking app", kind="dpia", screening=screening
    )
    english = exports.assessment_json(assessment, "en")["screening"]["reasons"]
    french = exports.assessment_json(assessment, "fr")["screening"]["reasons"]
    assert english == list(screening.reasons)
    assert len(french) == 1 and french != english
    assert french == list(content.screen(answers, template, "fr").reasons)
