"""Separation of duties on impact assessments: nobody who took part in a version decides it.

The loophole this closes: the rule compared the decider with the "project lead" field
only, so an administrator could write, submit, take under review and decide an
assessment alone after naming a colleague as project lead (or switching it back and
forth). Now every part in the version is recorded and every role is refused for its own
work.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps as django_apps
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from cityrights.core import audit
from cityrights.core.models import Contribution, Membership, Role, User
from cityrights.impact import services
from cityrights.impact.models import ImpactAssessment, Status

from .conftest import fill_all

pytestmark = pytest.mark.django_db

REFUSED = "Separation of duties"
RISK = {"right": "privacy", "description": "Plates kept too long.", "likelihood": 2, "severity": 2}


def url(name: str, city: Any, **kwargs: Any) -> str:
    return reverse(f"impact:{name}", kwargs={"org": city.city.slug, **kwargs})


def ready(city: Any, writer: str = "admin", lead: str = "editor") -> ImpactAssessment:
    """``writer`` creates and completes an assessment but names ``lead`` as project lead."""
    assessment = services.create_assessment(
        city.city,
        city.users[writer],
        title="Camera analytics",
        kind="both",
        department=city.department,
        author=city.users[lead],
    )
    fill_all(assessment, city.users[writer])
    services.add_risk(assessment, city.users[writer], RISK)
    return assessment


def refused(call: Any) -> services.ImpactError:
    with pytest.raises(services.ImpactError) as caught:
        call()
    assert caught.value.status == 403
    assert caught.value.code == "separation_of_duties"
    assert REFUSED in caught.value.message
    return caught.value


def test_an_administrator_cannot_write_submit_review_and_decide_alone(city_a):
    admin = city_a.users["admin"]
    assessment = ready(city_a)  # the project lead field names the editor, not the admin
    assessment = services.transition(assessment, admin, "submit")
    error = refused(lambda: services.transition(assessment, admin, "start_review"))
    assert "creation" in error.message and "answers" in error.message
    assessment = services.transition(assessment, city_a.users["reviewer"], "start_review")
    refused(lambda: services.decide(assessment, admin, decision="approve", reasons="Mine."))
    assessment.refresh_from_db()
    assert assessment.status == Status.UNDER_REVIEW and not assessment.decision
    decided = services.decide(
        assessment, city_a.users["reviewer"], decision="approve", reasons="Weighed."
    )
    assert decided.decided_by == city_a.users["reviewer"]


def test_switching_the_project_lead_back_and_forth_takes_nobody_off_the_list(city_a):
    admin, editor = city_a.users["admin"], city_a.users["editor"]
    assessment = ready(city_a, writer="editor", lead="admin")
    services.update_details(assessment, editor, {"author": editor})
    services.update_details(assessment, editor, {"author": admin})
    services.update_details(assessment, editor, {"author": editor})
    assessment = services.transition(
        ImpactAssessment.objects.get(pk=assessment.pk), editor, "submit"
    )
    # The admin never wrote a word but was named project lead: still a contributor.
    error = refused(lambda: services.transition(assessment, admin, "start_review"))
    assert "project lead" in error.message
    assert services.contributors_of(assessment).kinds_of(admin) == {"led"}


def test_a_reviewer_who_returns_and_edits_becomes_a_contributor(city_a):
    reviewer, editor = city_a.users["reviewer"], city_a.users["editor"]
    editor_role = Membership.objects.get(user=reviewer, organisation=city_a.city)
    editor_role.role = Role.ADMIN  # a reviewer who can also edit
    editor_role.save()
    assessment = ready(city_a, writer="editor")
    assessment = services.transition(assessment, editor, "submit")
    assessment = services.transition(assessment, reviewer, "start_review")
    assessment = services.transition(assessment, reviewer, "return", note="Explain retention.")
    services.save_section(assessment, reviewer, "context", {"project-summary": "Reworded."})
    assessment = services.transition(
        ImpactAssessment.objects.get(pk=assessment.pk), editor, "submit"
    )
    error = refused(lambda: services.transition(assessment, reviewer, "start_review"))
    assert "answers" in error.message


def test_returning_alone_does_not_make_a_contributor(city_a):
    reviewer, editor = city_a.users["reviewer"], city_a.users["editor"]
    assessment = ready(city_a, writer="editor")
    assessment = services.transition(assessment, editor, "submit")
    assessment = services.transition(assessment, reviewer, "return", note="One more risk.")
    services.add_risk(assessment, editor, {**RISK, "right": "equality"})
    assessment = services.transition(assessment, editor, "submit")
    assessment = services.transition(assessment, reviewer, "start_review")
    decided = services.decide(assessment, reviewer, decision="reject", reasons="Too risky.")
    assert decided.decision == "reject"


@pytest.mark.parametrize("change", ["risk", "mitigation", "mitigation_status", "risk_delete"])
def test_a_change_to_any_risk_or_mitigation_makes_a_contributor(city_a, change):
    admin, editor = city_a.users["admin"], city_a.users["editor"]
    assessment = ready(city_a, writer="editor")
    item = assessment.risks.get()
    if change == "risk":
        services.update_risk(item, admin, {**RISK, "severity": 3})
    elif change == "risk_delete":
        extra = services.add_risk(assessment, editor, {**RISK, "right": "equality"})
        services.delete_risk(extra, admin)
    else:
        mitigation = services.add_mitigation(
            item, admin if change == "mitigation" else editor, action="Blur", owner="IT", due=None
        )
        if change == "mitigation_status":
            services.set_mitigation_status(mitigation, admin, "in_progress")
    assessment = services.transition(assessment, editor, "submit")
    refused(lambda: services.transition(assessment, admin, "start_review"))


def test_tracking_a_mitigation_during_the_review_makes_the_reviewer_a_contributor(city_a):
    admin, editor = city_a.users["admin"], city_a.users["editor"]
    assessment = ready(city_a, writer="editor")
    mitigation = services.add_mitigation(
        assessment.risks.get(), editor, action="Blur faces", owner="IT", due=None
    )
    assessment = services.transition(assessment, editor, "submit")
    assessment = services.transition(assessment, admin, "start_review")
    services.set_mitigation_status(mitigation, admin, "done")
    refused(lambda: services.decide(assessment, admin, decision="approve", reasons="Done."))
    services.decide(assessment, city_a.users["reviewer"], decision="approve", reasons="Done.")


def test_a_reassessment_is_a_new_version_led_by_the_project_lead(city_a):
    admin, editor, reviewer = (city_a.users[r] for r in ("admin", "editor", "reviewer"))
    lead = member(city_a, "lead", Role.ADMIN)
    assessment = ready(city_a, writer="admin", lead="editor")
    services.update_details(assessment, editor, {"author": lead})
    assessment = services.transition(assessment, editor, "submit")
    assessment = services.transition(assessment, reviewer, "start_review")
    assessment = services.decide(assessment, reviewer, decision="approve", reasons="Fine.")
    assert services.decision_version(assessment) == 1
    assessment = services.transition(assessment, editor, "reopen")
    assert services.duty_version(assessment) == services.decision_version(assessment) == 2
    services.add_risk(assessment, editor, {**RISK, "right": "equality"})
    assessment = services.transition(assessment, editor, "submit")
    # The project lead did nothing in version 2 but leads it: refused.
    assert services.contributors_of(assessment).kinds_of(lead) == {"led"}
    refused(lambda: services.transition(assessment, lead, "start_review"))
    # The admin wrote version 1, not version 2: they may review and decide the reassessment.
    assert admin not in services.contributors_of(assessment)
    assessment = services.transition(assessment, admin, "start_review")
    assert services.decide(assessment, admin, decision="approve", reasons="Still fine.")


def test_conditions_are_refused_to_contributors(city_a):
    admin, editor, reviewer = (city_a.users[r] for r in ("admin", "editor", "reviewer"))
    assessment = ready(city_a, writer="admin")
    assessment = services.transition(assessment, editor, "submit")
    assessment = services.transition(assessment, reviewer, "start_review")
    refused(lambda: services.add_condition(assessment, admin, text="Audit yearly."))
    assert services.add_condition(assessment, reviewer, text="Audit yearly.").pk


def decided_by_reviewer(city: Any, writer: str = "editor") -> ImpactAssessment:
    assessment = ready(city, writer=writer)
    assessment = services.transition(assessment, city.users["editor"], "submit")
    assessment = services.transition(assessment, city.users["reviewer"], "start_review")
    return services.decide(
        assessment, city.users["reviewer"], decision="approve", reasons="Weighed."
    )


def test_the_summary_is_approved_by_nobody_who_wrote_it_or_the_assessment(city_a):
    admin, editor, reviewer = (city_a.users[r] for r in ("admin", "editor", "reviewer"))
    assessment = decided_by_reviewer(city_a, writer="admin")
    summary = services.save_summary(assessment, reviewer, "What the cameras do and why.")
    # The reviewer wrote the summary; the admin wrote the assessment; the editor led it.
    for person in (reviewer, admin):
        refused(lambda person=person: services.approve_summary(summary, person, publish=True))
    summary = services.save_summary(assessment, editor, "What the cameras do, and why.")
    refused(lambda: services.approve_summary(summary, reviewer, publish=True))
    outsider = member(city_a, "outsider", Role.REVIEWER)
    assert services.approve_summary(summary, outsider, publish=True).is_public


def test_the_decider_approves_a_summary_someone_else_wrote(city_a):
    assessment = decided_by_reviewer(city_a)
    summary = services.save_summary(assessment, city_a.users["admin"], "Plain words.")
    refused(lambda: services.approve_summary(summary, city_a.users["admin"], publish=False))
    approved = services.approve_summary(summary, city_a.users["reviewer"], publish=True)
    assert approved.is_public and approved.approved_by == city_a.users["reviewer"]


def member(city: Any, name: str, role: str) -> User:
    user = User.objects.create_user(email=f"{name}@city-a.example", password="x" * 12)
    Membership.objects.create(user=user, organisation=city.city, role=role)
    return user


# --- Per role, through the pages and the API ---------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"), [("viewer", 403), ("editor", 403), ("admin", 403), ("reviewer", 302)]
)
def test_taking_under_review_per_role(city_a, role, status):
    assessment = ready(city_a, writer="admin")
    assessment = services.transition(assessment, city_a.users["editor"], "submit")
    response = city_a.client_for(role).post(
        url("transition", city_a, pk=assessment.pk), {"step": "start_review"}
    )
    assert response.status_code == status
    assessment.refresh_from_db()
    expected = Status.UNDER_REVIEW if status == 302 else Status.SUBMITTED
    assert assessment.status == expected


def test_the_pages_do_not_offer_a_contributor_the_review_and_say_why(city_a):
    assessment = ready(city_a, writer="admin")
    assessment = services.transition(assessment, city_a.users["editor"], "submit")
    admin = city_a.client_for("admin")
    page = admin.get(url("detail", city_a, pk=assessment.pk)).content.decode()
    assert "Take under review" not in page
    assert "Return for changes" not in page
    assert REFUSED in page and "someone else has to review and decide on it" in page
    reviewer_page = city_a.client_for("reviewer").get(url("detail", city_a, pk=assessment.pk))
    assert "Take under review" in reviewer_page.content.decode()
    assert REFUSED not in reviewer_page.content.decode()
    services.transition(assessment, city_a.users["reviewer"], "start_review")
    decide_page = admin.get(url("decide", city_a, pk=assessment.pk))
    assert decide_page.status_code == 403
    assert "someone else has to decide on it" in decide_page.content.decode()
    conditions = admin.get(url("conditions", city_a, pk=assessment.pk)).content.decode()
    assert "Add the condition" not in conditions and REFUSED in conditions
    response = admin.post(url("conditions", city_a, pk=assessment.pk), {"text": "Mine."})
    assert response.status_code == 403
    assert not assessment.conditions.exists()


def test_the_summary_page_hides_approval_from_contributors(city_a):
    assessment = decided_by_reviewer(city_a, writer="admin")
    services.save_summary(assessment, city_a.users["editor"], "Plain words for residents.")
    page_url = url("summary", city_a, pk=assessment.pk)
    admin = city_a.client_for("admin")
    page = admin.get(page_url).content.decode()
    assert "Approve and publish" not in page
    assert "someone else has to approve the summary" in page
    response = admin.post(page_url, {"action": "publish"})
    assert response.status_code == 403 and REFUSED in response.content.decode()
    assert not assessment.public_summary.__class__.objects.get(assessment=assessment).published
    reviewer = city_a.client_for("reviewer")
    assert "Approve and publish" in reviewer.get(page_url).content.decode()
    assert reviewer.post(page_url, {"action": "publish"}).status_code == 302


def test_the_api_refuses_a_contributing_administrator_with_separation_of_duties(city_a):
    assessment = ready(city_a, writer="admin")
    assessment = services.transition(assessment, city_a.users["editor"], "submit")
    services.transition(assessment, city_a.users["reviewer"], "start_review")
    endpoint = f"/api/v1/impact/organisations/city-a/assessments/{assessment.pk}/decision"
    body = {"decision": "approve", "reasons": "Fine."}
    response = city_a.client_for("admin").post(endpoint, body, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"] == "separation_of_duties"
    assert "someone else has to decide on it" in response.json()["reason"]
    for role in ("viewer", "editor"):
        answer = city_a.client_for(role).post(endpoint, body, content_type="application/json")
        assert answer.status_code == 403 and answer.json()["error"] == "forbidden"
    assert Client().post(endpoint, body, content_type="application/json").status_code == 401
    ok = city_a.client_for("reviewer").post(endpoint, body, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["decision"] == "approve"


# --- Assessments written before contributions were recorded -----------------------------------


def test_the_migration_derives_contributors_from_the_lead_and_the_audit_log(city_a):
    """Assessments written before contributions were recorded keep an honest check."""
    from importlib import import_module

    admin, editor, reviewer = (city_a.users[r] for r in ("admin", "editor", "reviewer"))
    assessment = ImpactAssessment.objects.create(
        organisation=city_a.city,
        title="Older assessment",
        kind="both",
        author=editor,
        template=services.latest_template("assessment"),
        status=Status.UNDER_REVIEW,
        reviewer=reviewer,
    )
    item = assessment.risks.create(right="privacy", description="Old.", likelihood=2, severity=2)

    def logged(actor: User, action: str, obj: Any = assessment, **changes: Any) -> None:
        audit.record(actor=actor, organisation=city_a.city, action=action, obj=obj, changes=changes)

    logged(admin, "create")
    logged(admin, "answer", section="context")
    logged(admin, "update", author={"from": admin.pk, "to": editor.pk})
    logged(editor, "submit")
    logged(reviewer, "start_review")
    logged(reviewer, "update", reassessment_due={"from": None, "to": "2030-01-01"})
    logged(reviewer, "update", obj=item, severity={"from": 2, "to": 3})
    assert not Contribution.objects.exists()
    migration = import_module("cityrights.impact.migrations.0005_contributors_from_history")
    migration.forwards(django_apps, None)
    found = services.contributors_of(assessment)
    assert found.kinds_of(admin) == {"created", "answered", "edited", "led"}
    assert found.kinds_of(editor) == {"led", "submitted"}
    assert found.kinds_of(reviewer) == {"edited"}  # changed a risk; the date alone is no part
    for person in (admin, reviewer):  # the editor may not decide anyway (no review)
        refused(
            lambda person=person: services.decide(
                assessment, person, decision="approve", reasons="x"
            )
        )
    outsider = member(city_a, "outsider", Role.REVIEWER)
    assert services.decide(assessment, outsider, decision="approve", reasons="Fine.")


# --- Any sequence of actions by anyone ----------------------------------------------------------

PEOPLE = ("admin", "editor", "editor2", "reviewer", "reviewer2")
STEPS = (
    *("answer", "risk", "mitigate", "track", "lead", "withdraw", "return", "reopen"),
    *("submit", "start_review", "decide", "summary", "approve"),
)
# The administrator (edit and review) and the reviewers come up more often than the others.
PERSON = st.sampled_from((*PEOPLE, "admin", "reviewer"))
NOISE = st.lists(st.tuples(st.sampled_from(STEPS), PERSON), max_size=4)
# Each round: any actions, then the way to a decision and a summary, each step by anyone,
# so that decisions actually happen (and are refused) in most examples.
ROUND = st.tuples(
    NOISE,
    *(
        st.tuples(st.just(step), PERSON)
        for step in ("submit", "start_review", "decide", "summary", "approve", "reopen")
    ),
).map(lambda parts: [*parts[0], *parts[1:]])
ACTIONS = st.lists(ROUND, min_size=1, max_size=3).map(lambda rounds: [s for r in rounds for s in r])


def _people(city: Any) -> dict[str, User]:
    people = dict(city.users)
    for name, role in (("editor2", Role.EDITOR), ("reviewer2", Role.REVIEWER)):
        user, _created = User.objects.get_or_create(email=f"{name}@city-a.example")
        Membership.objects.get_or_create(user=user, organisation=city.city, defaults={"role": role})
        people[name] = user
    return people


@given(
    creator=st.sampled_from(("admin", "editor", "editor2")),
    lead=st.sampled_from(PEOPLE),
    steps=ACTIONS,
)
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_whoever_decides_never_took_part_and_someone_else_always_can(city_a, creator, lead, steps):
    note(f"created by {creator}, led by {lead}, then {steps}")
    with transaction.atomic():
        _run(city_a, creator, lead, steps)
        transaction.set_rollback(True)


def _run(city: Any, creator: str, lead: str, steps: list[tuple[str, str]]) -> None:
    people = _people(city)
    assessment = services.create_assessment(
        city.city,
        people[creator],
        title="Property",
        kind="both",
        department=city.department,
        author=people[lead],
    )
    fill_all(assessment, people[creator])
    services.add_risk(assessment, people[creator], RISK)
    # The model: who took part in the version under way, and in the summary's version.
    took_part = {people[creator].pk, people[lead].pk}
    decided_part: set[int] = set()  # the contributors of the version decided last
    summary_part: set[int] = set()  # who wrote the summary of that decision
    pending_summary: set[int] = set()  # who wrote the summary for the decision to come
    for number, (action, name) in enumerate(steps):
        person = people[name]
        assessment = ImpactAssessment.objects.get(pk=assessment.pk)
        status = assessment.status
        try:
            if action == "answer":
                services.save_section(
                    assessment, person, "context", {"project-summary": f"Text {number}"}
                )
                took_part.add(person.pk)
            elif action == "risk":
                services.update_risk(
                    assessment.risks.first(), person, {**RISK, "severity": 1 + number % 4}
                )
                took_part.add(person.pk)
            elif action == "mitigate":
                services.add_mitigation(
                    assessment.risks.first(), person, action=f"Act {number}", owner="IT", due=None
                )
                took_part.add(person.pk)
            elif action == "track":
                mitigation = assessment.risks.first().mitigations.first()
                if mitigation is None:
                    continue
                new = "done" if mitigation.status != "done" else "in_progress"
                services.set_mitigation_status(mitigation, person, new)
                took_part.add(person.pk)
            elif action == "lead":
                before = assessment.author_id
                services.update_details(assessment, people["editor"], {"author": person})
                if person.pk != before:
                    took_part |= {person.pk, people["editor"].pk}
            elif action in {"submit", "withdraw", "reopen", "return", "start_review"}:
                services.transition(assessment, person, action, note="Again.")
                if action == "submit":
                    took_part.add(person.pk)
                elif action == "reopen":
                    took_part |= {person.pk, assessment.author_id}
                    pending_summary = set()
                elif action in {"start_review", "return"}:
                    assert person.pk not in took_part
            elif action == "decide":
                under_review = status == Status.UNDER_REVIEW
                try:
                    services.decide(assessment, person, decision="approve", reasons="Fine.")
                except services.ImpactError as refusal:
                    if refusal.code == "separation_of_duties":
                        event("refused a contributor")
                        assert person.pk in took_part
                    else:
                        may_review = name in ("admin", "reviewer", "reviewer2")
                        assert not (under_review and may_review and person.pk not in took_part)
                    continue
                event("decided")
                assert person.pk not in took_part
                decided_part, took_part = took_part, set()
                summary_part, pending_summary = pending_summary, set()
            elif action == "summary":
                services.save_summary(assessment, person, f"Summary {number}")
                if status == Status.DECIDED:
                    summary_part.add(person.pk)
                else:
                    pending_summary.add(person.pk)  # written for the decision to come
            elif action == "approve":
                summary = getattr(assessment, "public_summary", None)
                if summary is None:
                    continue
                try:
                    services.approve_summary(summary, person, publish=True)
                except services.ImpactError as refusal:
                    if refusal.code == "separation_of_duties":
                        event("refused a summary contributor")
                    continue
                event("summary approved")
                assert person.pk not in decided_part
                assert person.pk not in summary_part
                assert person.pk != summary.written_by_id
        except services.ImpactError as refusal:
            if refusal.code == "separation_of_duties":
                assert person.pk in took_part
            continue
    assessment = ImpactAssessment.objects.get(pk=assessment.pk)
    if assessment.status in {Status.SUBMITTED, Status.UNDER_REVIEW}:
        outsider = member(city, "outsider", Role.REVIEWER)
        if assessment.status == Status.SUBMITTED:
            assessment = services.transition(assessment, outsider, "start_review")
        assert services.decide(assessment, outsider, decision="approve", reasons="Fine.")
