"""A whole cycle in the browser's terms: open, assign, answer, submit, resolve, validate, reopen."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cityrights.assessment import selectors, services
from cityrights.assessment.models import AssessmentCycle, Resolution, Response, SectionAssignment
from cityrights.core.models import AuditEvent

from .conftest import answer_all

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    return reverse(f"assessment:{name}", kwargs={"org": "city-a", **kwargs})


def test_admin_opens_a_cycle_with_the_form(city_a, version):
    client = city_a.client_for("admin")
    response = client.post(
        url("cycles"), {"year": 2024, "framework": version.pk, "copy_assignments": "on"}
    )
    assert response.status_code == 302
    cycle = AssessmentCycle.objects.get(organisation=city_a.city, year=2024)
    assert cycle.status == "open" and cycle.framework == version
    assert AuditEvent.objects.filter(action="create", object_id=str(cycle.pk)).exists()


def test_a_second_cycle_for_the_same_year_is_refused_next_to_the_field(city_a, cycle, version):
    response = city_a.client_for("admin").post(
        url("cycles"), {"year": 2025, "framework": version.pk}
    )
    assert response.status_code == 200
    assert "There is already an assessment for this year." in response.content.decode()
    with pytest.raises(services.AssessmentError):
        services.open_cycle(city_a.city, 2025, version, city_a.users["admin"])


def test_assignments_are_copied_into_the_next_cycle(city_a, cycle, version):
    services.add_assignment(
        cycle,
        city_a.users["admin"],
        area="privacy",
        pillar="",
        department=city_a.department,
        user=None,
    )
    nxt = services.open_cycle(city_a.city, 2026, version, city_a.users["admin"])
    assert nxt.assignments.get().area == "privacy"


def test_assign_page_adds_and_removes_with_errors_next_to_fields(city_a, cycle):
    client = city_a.client_for("admin")
    bad = client.post(url("assignments", year=2025), {"area": "", "pillar": ""})
    html = bad.content.decode()
    assert "Choose an area, a pillar, or both." in html
    assert "Choose a department or a named respondent." in html
    ok = client.post(
        url("assignments", year=2025),
        {"area": "inclusion", "pillar": "tools", "user": city_a.users["editor"].pk},
    )
    assert ok.status_code == 302
    assignment = SectionAssignment.objects.get(cycle=cycle)
    assert (assignment.area, assignment.pillar, assignment.user) == (
        "inclusion",
        "tools",
        city_a.users["editor"],
    )
    client.post(url("assignment_delete", year=2025, pk=assignment.pk))
    assert not SectionAssignment.objects.filter(cycle=cycle).exists()
    actions = set(
        AuditEvent.objects.filter(organisation=city_a.city).values_list("action", flat=True)
    )
    assert {"assign", "unassign"} <= actions


def test_editor_answers_an_assigned_section_and_can_resume(city_a, cycle):
    services.add_assignment(
        cycle,
        city_a.users["admin"],
        area="inclusion",
        pillar="",
        department=city_a.department,
        user=None,
    )
    client = city_a.client_for("editor")
    page = client.get(url("answer", year=2025, area="inclusion"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "inc-f-1" in html and "Don&#x27;t know" in html
    response = client.post(
        url("answer", year=2025, area="inclusion"),
        {
            "inc-f-1-value": "4",
            "inc-f-1-evidence_text": "Council decision 2024/17",
            "inc-f-1-evidence_link": "https://example.org/decision",
            "inc-f-1-comment": "Signed by the mayor",
            "inc-f-2-value": "dont_know",
            "inc-f-3-value": "not_applicable",
        },
    )
    assert response.status_code == 302
    saved = {r.question: r for r in Response.objects.filter(cycle=cycle)}
    assert saved["inc-f-1"].value == "4"
    assert saved["inc-f-1"].evidence_link == "https://example.org/decision"
    assert saved["inc-f-2"].value == "dont_know"
    # Resume: the form shows what was saved.
    again = client.get(url("answer", year=2025, area="inclusion")).content.decode()
    assert "Council decision 2024/17" in again
    progress = {s.area: s for s in selectors.progress(cycle, city_a.users["editor"], "en")}
    assert progress["inclusion"].mine == 3
    assert progress["inclusion"].answered == 3
    # Clearing a value deletes the answer.
    client.post(
        url("answer", year=2025, area="inclusion"),
        {"inc-f-1-value": "4", "inc-f-2-value": "", "inc-f-3-value": "not_applicable"},
    )
    assert not Response.objects.filter(cycle=cycle, question="inc-f-2").exists()
    event = AuditEvent.objects.filter(action="answer").first()
    assert event is not None and event.actor == city_a.users["editor"]


def test_evidence_without_a_value_is_an_error_next_to_the_field(city_a, cycle):
    client = city_a.client_for("admin")
    response = client.post(
        url("answer", year=2025, area="privacy"), {"pri-f-1-comment": "no level chosen"}
    )
    assert response.status_code == 200
    assert "Choose a level, don" in response.content.decode()
    assert not Response.objects.exists()


def test_evidence_file_type_and_size_are_limited(city_a, cycle, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = city_a.client_for("admin")
    bad = client.post(
        url("answer", year=2025, area="privacy"),
        {"pri-f-1-value": "3", "pri-f-1-evidence_file": SimpleUploadedFile("run.exe", b"MZ")},
    )
    assert bad.status_code == 200
    assert "File extension" in bad.content.decode()
    big = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * (5 * 1024 * 1024 + 1))
    too_big = client.post(
        url("answer", year=2025, area="privacy"),
        {"pri-f-1-value": "3", "pri-f-1-evidence_file": big},
    )
    assert "larger than 5 MB" in too_big.content.decode()
    ok = client.post(
        url("answer", year=2025, area="privacy"),
        {
            "pri-f-1-value": "3",
            "pri-f-1-evidence_file": SimpleUploadedFile("proof.pdf", b"%PDF-1.4"),
        },
    )
    assert ok.status_code == 302
    saved = Response.objects.get(question="pri-f-1")
    download = client.get(url("evidence", year=2025, pk=saved.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4"


def test_unassigned_editor_is_refused(city_a, cycle, second_editor):
    services.add_assignment(
        cycle,
        city_a.users["admin"],
        area="inclusion",
        pillar="",
        department=city_a.department,
        user=None,
    )
    from django.test import Client

    client = Client()
    client.force_login(second_editor)
    response = client.get(url("answer", year=2025, area="inclusion"))
    assert response.status_code == 403
    assert "not assigned to you" in response.content.decode()
    with pytest.raises(services.NotAssigned):
        services.save_answers(cycle, second_editor, [services.AnswerInput("inc-f-1", "3")])
    # A named assignment opens exactly that cell.
    services.add_assignment(
        cycle,
        city_a.users["admin"],
        area="privacy",
        pillar="tools",
        department=None,
        user=second_editor,
    )
    services.save_answers(cycle, second_editor, [services.AnswerInput("pri-t-1", "2")])
    with pytest.raises(services.NotAssigned):
        services.save_answers(cycle, second_editor, [services.AnswerInput("pri-f-1", "2")])


def test_a_refused_batch_writes_nothing(city_a, cycle):
    with pytest.raises(services.InvalidValue):
        services.save_answers(
            cycle,
            city_a.users["admin"],
            [services.AnswerInput("inc-f-1", "3"), services.AnswerInput("inc-f-2", "9")],
        )
    assert not Response.objects.exists()


def test_submitted_cycle_refuses_edits_with_a_clear_message(city_a, cycle):
    answer_all(cycle, city_a.users["admin"])
    client = city_a.client_for("reviewer")
    client.post(url("transition", year=2025), {"action": "submit"})
    cycle.refresh_from_db()
    assert cycle.status == "submitted"
    admin = city_a.client_for("admin")
    response = admin.post(
        url("answer", year=2025, area="inclusion"), {"inc-f-1-value": "5"}, follow=True
    )
    assert "answers can no longer be changed" in response.content.decode()
    assert Response.objects.get(question="inc-f-1").value == "3"
    with pytest.raises(services.CycleClosed):
        services.save_answers(cycle, city_a.users["admin"], [services.AnswerInput("inc-f-1", "5")])


def test_resolve_validate_publish_and_reopen(city_a, cycle, second_editor, client):
    admin = city_a.users["admin"]
    services.add_assignment(
        cycle, admin, area="inclusion", pillar="", department=None, user=second_editor
    )
    services.save_answers(cycle, admin, [services.AnswerInput("inc-f-1", "1")])
    services.save_answers(cycle, second_editor, [services.AnswerInput("inc-f-1", "5")])
    services.submit(cycle, admin)
    reviewer = city_a.client_for("reviewer")
    review = reviewer.get(url("review", year=2025) + "?show=disagreements").content.decode()
    assert "inc-f-1" in review and "disagreement" in review
    missing_note = reviewer.post(
        url("review_question", year=2025, question="inc-f-1"), {"value": "3"}
    )
    assert "Say briefly why" in missing_note.content.decode()
    reviewer.post(
        url("review_question", year=2025, question="inc-f-1"),
        {"value": "3", "note": "Evidence shows a council decision without targets."},
    )
    assert Resolution.objects.get(cycle=cycle, question="inc-f-1").value == "3"
    assert (
        selectors.result_of(AssessmentCycle.objects.get(pk=cycle.pk)).questions["inc-f-1"].value
        == 3
    )
    reviewer.post(url("transition", year=2025), {"action": "validate"})
    cycle.refresh_from_db()
    assert cycle.status == "validated"
    assert cycle.scores["cells"]["inclusion/foundations"]["score"] is not None
    # Reviewers cannot publish or reopen; the admin can.
    assert reviewer.post(url("transition", year=2025), {"action": "publish"}).status_code == 403
    admin_client = city_a.client_for("admin")
    admin_client.post(url("transition", year=2025), {"action": "publish"})
    cycle.refresh_from_db()
    assert cycle.is_published
    assert (
        client.get(reverse("assessment:public_results", kwargs={"org": "city-a"})).status_code
        == 200
    )
    no_reason = admin_client.post(url("transition", year=2025), {"action": "reopen"}, follow=True)
    assert "Say why the assessment is reopened." in no_reason.content.decode()
    admin_client.post(
        url("transition", year=2025), {"action": "reopen", "reason": "A department was missing"}
    )
    cycle.refresh_from_db()
    assert cycle.status == "open" and not cycle.is_published and cycle.scores == {}
    event = AuditEvent.objects.get(action="reopen")
    assert event.changes["reason"] == "A department was missing"
    assert (
        client.get(reverse("assessment:public_results", kwargs={"org": "city-a"})).status_code
        == 404
    )


def test_only_submitted_cycles_can_be_validated_and_empty_ones_not_submitted(city_a, cycle):
    with pytest.raises(services.CycleClosed):
        services.validate(cycle, city_a.users["admin"])
    with pytest.raises(services.AssessmentError):
        services.submit(cycle, city_a.users["admin"])


def test_dashboard_panel_shows_progress(city_a, cycle):
    services.save_answers(cycle, city_a.users["admin"], [services.AnswerInput("inc-f-1", "3")])
    html = (
        city_a.client_for("viewer")
        .get(reverse("core:dashboard", kwargs={"org": "city-a"}))
        .content.decode()
    )
    assert "Self-assessment 2025" in html
    assert "1 / " in html
