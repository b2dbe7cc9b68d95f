"""Staff dashboard: flagged register entries, assessments awaiting review, overdue conditions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cityrights.impact import selectors, services
from cityrights.impact.models import Condition

from .conftest import advance, make_entry, new_assessment

pytestmark = pytest.mark.django_db


def test_published_high_risk_entries_without_approval_are_flagged(city_a, city_b):
    flagged = make_entry(city_a, name="Fraud model", risk="high")
    make_entry(city_a, name="Draft high", risk="high", state="draft")
    make_entry(city_a, name="Low risk", risk="low")
    make_entry(city_b, name="Other city", risk="high")
    approved_entry = make_entry(city_a, name="Approved cameras", risk="high")
    advance(city_a, new_assessment(city_a, entry=approved_entry), "decided")
    on_hold = make_entry(city_a, name="On hold system", risk="high")
    held = advance(
        city_a, new_assessment(city_a, entry=on_hold, title="Held"), "decided", decision="on_hold"
    )
    flags = selectors.flagged_entries(city_a.city)
    assert [f.entry.name for f in flags] == ["Fraud model", "On hold system"]
    assert flags[1].assessment == held
    assert flags[0].assessment is None
    assert flagged.pk == flags[0].entry.pk


def test_the_dashboard_panel_lists_flags_waiting_and_overdue(city_a):
    make_entry(city_a, name="Fraud model", risk="high")
    waiting = advance(city_a, new_assessment(city_a, title="Chatbot"), "submitted")
    decided = advance(
        city_a,
        new_assessment(city_a, title="Cameras"),
        "decided",
        decision="approve_with_conditions",
    )
    Condition.objects.filter(assessment=decided).update(
        due=timezone.localdate() - timedelta(days=3)
    )
    body = city_a.client_for("viewer").get("/manage/city-a/").content.decode()
    assert "High-risk entries without an approved assessment" in body
    assert "Fraud model" in body
    assert waiting.title in body
    assert "Delete plates after 24 hours." in body
    assert "Impact assessments" in body  # staff navigation link


def test_closed_conditions_are_not_overdue(city_a):
    decided = advance(city_a, new_assessment(city_a), "decided", decision="on_hold")
    condition = decided.conditions.get()
    Condition.objects.filter(pk=condition.pk).update(due=timezone.localdate() - timedelta(days=1))
    assert list(selectors.overdue_conditions(city_a.city)) == [condition]
    condition.refresh_from_db()
    services.close_condition(condition, city_a.users["editor"], "Done.")
    assert list(selectors.overdue_conditions(city_a.city)) == []


def test_demo_data_has_every_state(db):
    from cityrights.core import demo

    context = demo.load()
    demo.load()  # idempotent
    from cityrights.impact.models import ImpactAssessment, Procurement

    found = ImpactAssessment.objects.filter(organisation=context.city)
    assert found.count() >= 5
    states = {(a.status, a.decision) for a in found}
    assert {
        ("draft", ""),
        ("under_review", ""),
        ("decided", "on_hold"),
        ("decided", "approve"),
        ("decided", "reject"),
    } <= states
    fraud = found.get(title="Benefits-fraud risk model")
    assert fraud.decision == "on_hold" and fraud.conditions.exists()
    assert selectors.public_summaries(context.city).exists()
    assert Procurement.objects.filter(organisation=context.city).count() == 1
