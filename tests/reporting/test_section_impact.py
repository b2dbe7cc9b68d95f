"""The impact section and alerts, and the approvals the register learns through the registry."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from cityrights.core.report import end_of, report_date
from cityrights.impact.models import (
    Condition,
    DecisionRecord,
    ImpactAssessment,
    PublicSummary,
    Screening,
    TemplateVersion,
)
from cityrights.impact.report import alerts, approvals, impact_section
from cityrights.register.models import Entry

from .conftest import YEAR, at, figures, in_year


def _screening(city, when, needed):
    template = TemplateVersion.objects.filter(kind="screening").first()
    return Screening.objects.create(
        organisation=city,
        template=template,
        project="Project",
        needed=needed,
        kind="both" if needed else "none",
        screened_at=when,
    )


def _assessment(city, title, created, status="draft", decision="", decided=None, entry=None):
    assessment = ImpactAssessment.objects.create(
        organisation=city,
        title=title,
        kind="both",
        status=status,
        decision=decision,
        decided_at=decided,
        entry=entry,
        author=city.memberships.first().user,
        template=TemplateVersion.objects.filter(kind="assessment").first(),
    )
    ImpactAssessment.objects.filter(pk=assessment.pk).update(created_at=created)
    return assessment


def _decision(assessment, decision, when):
    return DecisionRecord.objects.create(
        assessment=assessment, decision=decision, reasons="Weighed.", decided_at=when
    )


def _condition(assessment, created, due, closed=None):
    condition = Condition.objects.create(
        assessment=assessment,
        text="Delete after a day.",
        due=due,
        closed_at=closed,
        closing_note="Done." if closed else "",
    )
    Condition.objects.filter(pk=condition.pk).update(created_at=created)
    return condition


def _records(city):
    _screening(city, at(YEAR, 1, 5), True)
    _screening(city, at(YEAR, 6, 5), False)
    _screening(city, at(YEAR + 1, 1, 1, 0, 10), True)  # next year in the city's time zone
    held = _assessment(city, "Cameras", at(YEAR, 2, 1), "decided", "approve", at(YEAR, 9, 1))
    _decision(held, "on_hold", at(YEAR, 4, 1))
    _decision(held, "approve", at(YEAR, 9, 1))
    rejected = _assessment(
        city, "Scoring", at(YEAR - 1, 11, 1), "decided", "reject", at(YEAR, 1, 3)
    )
    _decision(rejected, "reject", at(YEAR, 1, 3))
    older = _assessment(city, "Old", at(YEAR - 2, 1, 1), "decided", "approve", at(YEAR - 2, 3, 1))
    _decision(older, "approve", at(YEAR - 2, 3, 1))
    _assessment(city, "Draft", at(YEAR, 12, 31, 23, 50))
    _condition(held, at(YEAR, 4, 1), date(YEAR, 5, 1))  # open, overdue
    _condition(held, at(YEAR, 4, 1), date(YEAR + 1, 5, 1))  # open, not due yet
    _condition(held, at(YEAR, 4, 1), date(YEAR, 6, 1), at(YEAR, 7, 1))  # met in the year
    _condition(held, at(YEAR, 4, 1), date(YEAR, 6, 1), at(YEAR + 1, 2, 1))  # met after: open
    _condition(held, at(YEAR + 1, 1, 2), date(YEAR + 1, 2, 1))  # set after the year
    PublicSummary.objects.create(
        assessment=held,
        text_en="Summary.",
        published=True,
        approved_at=at(YEAR, 9, 2),
        published_at=at(YEAR, 9, 3),
    )
    return held


def test_every_impact_figure_matches_the_rows(city_a):
    city = city_a.city
    _records(city)
    day = report_date(YEAR)
    after = end_of(day)
    section = impact_section(city, YEAR)
    found = figures(section)

    screenings = [s for s in Screening.objects.all() if in_year(s.screened_at)]
    assert found["screened"] == len(screenings) == 2
    assert found["needed"] == sum(s.needed for s in screenings) == 1
    assert found["started"] == sum(in_year(a.created_at) for a in ImpactAssessment.objects.all())
    decisions = [d for d in DecisionRecord.objects.all() if in_year(d.decided_at)]
    assert found["decided"] == len({d.assessment_id for d in decisions}) == 2
    assert found["on-hold"] == sum(d.decision == "on_hold" for d in decisions) == 1
    open_conditions = [
        c
        for c in Condition.objects.all()
        if c.created_at < after and (c.closed_at is None or c.closed_at >= after)
    ]
    assert found["conditions-open"] == len(open_conditions) == 3
    assert found["conditions-overdue"] == sum(c.due < day for c in open_conditions) == 2
    assert found["summaries"] == 1
    outcomes = dict({t.key: t for t in section.tables}["outcomes"].rows)
    assert outcomes == {
        "Approved": 1,
        "Approved with conditions": 0,
        "On hold": 1,
        "Rejected": 1,
    }


def test_a_year_without_impact_work_says_so(city_a):
    _records(city_a.city)
    assert impact_section(city_a.city, YEAR - 6).holds_nothing


def test_approvals_name_the_entries_whose_assessment_is_approved_now(city_a):
    city = city_a.city
    entries = [
        Entry.objects.create(
            organisation=city,
            kind="sensor",
            name_en=name,
            summary_en="x",
            department=city_a.department,
        )
        for name in ("approved", "conditions", "on hold", "reopened", "none")
    ]
    _assessment(city, "a", at(YEAR, 1, 1), "decided", "approve", at(YEAR, 2, 1), entries[0])
    _assessment(
        city, "b", at(YEAR, 1, 1), "decided", "approve_with_conditions", at(YEAR, 3, 1), entries[1]
    )
    _assessment(city, "c", at(YEAR, 1, 1), "decided", "on_hold", at(YEAR, 3, 1), entries[2])
    reopened = _assessment(city, "d", at(YEAR, 1, 1), "draft", "", None, entries[3])
    _decision(reopened, "approve", at(YEAR, 3, 1))  # approved once, reopened for reassessment
    found = approvals([entry.pk for entry in entries])
    assert found == {entries[0].pk: [date(YEAR, 2, 1)], entries[1].pk: [date(YEAR, 3, 1)]}


def test_high_risk_entries_without_approval_and_overdue_conditions_raise_alerts(city_a):
    city = city_a.city
    now = timezone.now()
    risky = Entry.objects.create(
        organisation=city,
        kind="algorithm",
        name_en="Risky",
        summary_en="x",
        department=city_a.department,
        risk_level="high",
        state="published",
        published_at=now,
    )
    held = _records(city)
    _condition(held, now, timezone.localdate() - timedelta(days=1))
    found = {alert.key: alert for alert in alerts(city)}
    assert found["impact.unassessed-high-risk"].count == 1
    assert found["impact.unassessed-high-risk"].items[0] == ("Risky", risky.get_staff_url())
    expected_overdue = sum(
        1 for c in Condition.objects.all() if c.closed_at is None and c.due < timezone.localdate()
    )
    assert found["impact.overdue-conditions"].count == expected_overdue
    assert all("/conditions/" in url for _title, url in found["impact.overdue-conditions"].items)
