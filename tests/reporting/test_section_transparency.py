"""The register's section: every figure recomputed here from the rows, near year boundaries."""

from __future__ import annotations

import statistics
from datetime import timedelta

from django.utils import timezone

from cityrights.core.models import Department
from cityrights.core.report import end_of, report_date
from cityrights.register.models import Entry, Location, Question
from cityrights.register.report import alerts, transparency_section

from .conftest import YEAR, at, figures, in_year


def _entry(city, department, name, kind, *, published=None, retired=None, risk="low", **extra):
    state = "retired" if retired else ("published" if published else "draft")
    return Entry.objects.create(
        organisation=city,
        kind=kind,
        name_en=name,
        summary_en=f"{name} summary",
        department=department,
        risk_level=risk,
        state=extra.pop("state", state),
        published_at=published,
        retired_at=retired,
        version=1 if published else 0,
        **extra,
    )


def _question(entry, created, status="open", handled=None):
    question = Question.objects.create(
        organisation=entry.organisation, entry=entry, message="Why?", status=status
    )
    Question.objects.filter(pk=question.pk).update(created_at=created, handled_at=handled)
    return question


def _records(city_a):
    city = city_a.city
    mobility = city_a.department
    social = Department.objects.create(organisation=city, slug="social", name_en="Social")
    e1 = _entry(city, mobility, "Cameras", "sensor", published=at(YEAR - 1, 6, 1))
    e2 = _entry(
        city, social, "Allocation", "algorithm", published=at(YEAR, 12, 31, 23, 30), risk="high"
    )
    _entry(city, mobility, "Parking app", "service", published=at(YEAR + 1, 1, 1, 0, 30))
    _entry(city, social, "Open data", "dataset", published=at(YEAR, 3, 1), retired=at(YEAR, 9, 1))
    e5 = _entry(
        city,
        mobility,
        "Platform",
        "platform",
        published=at(YEAR - 1, 5, 1),
        retired=at(YEAR + 1, 1, 10),
        risk="high",
    )
    _entry(city, mobility, "Idea", "algorithm")
    _entry(
        city,
        mobility,
        "Cameras (new text)",
        "sensor",
        published=at(YEAR - 1, 6, 1),
        revision_of=e1,
        state="draft",
    )
    for index in range(3):
        Location.objects.create(entry=e1, latitude=50 + index, longitude=4, description_en="pole")
    _question(e1, at(YEAR, 2, 1), "answered", at(YEAR, 2, 11))
    _question(e2, at(YEAR, 5, 1), "answered", at(YEAR, 5, 4))
    _question(e1, at(YEAR, 7, 1))
    _question(e5, at(YEAR, 8, 1), "closed", at(YEAR, 8, 2))
    _question(e1, at(YEAR - 1, 12, 31), "answered", at(YEAR, 1, 5))
    _question(e5, at(YEAR, 11, 1), "answered", at(YEAR, 11, 21))
    return e1, e2, e5


def test_every_transparency_figure_matches_the_rows(city_a):
    _records(city_a)
    section = transparency_section(city_a.city, YEAR)
    found = figures(section)

    after = end_of(report_date(YEAR))
    entries = [e for e in Entry.objects.all() if e.revision_of_id is None]
    listed = [
        e
        for e in entries
        if e.published_at is not None
        and e.published_at < after
        and (e.retired_at is None or e.retired_at >= after)
    ]
    assert found["entries"] == len(listed) == 3
    assert found["new"] == sum(in_year(e.published_at) for e in entries) == 2
    assert found["retired"] == sum(in_year(e.retired_at) for e in entries) == 1
    assert found["high-risk"] == sum(e.risk_level == "high" for e in listed) == 2
    assert found["signs"] == sum(max(e.locations.count(), 1) for e in listed) == 5

    questions = [q for q in Question.objects.all() if in_year(q.created_at)]
    answered = [q for q in questions if q.status == "answered"]
    assert found["questions"] == len(questions) == 5
    assert found["answered"] == len(answered) == 3
    assert found["closed"] == sum(q.status == "closed" for q in questions) == 1
    days = [(q.handled_at - q.created_at) / timedelta(days=1) for q in answered]
    assert found["median-days"] == round(statistics.median(days), 1) == 10.0

    table = {t.key: t for t in section.tables}["departments"]
    kinds = list(table.columns[1:-1])
    expected = {}
    for entry in listed:
        row = expected.setdefault(entry.department.name, dict.fromkeys(kinds, 0))
        row[entry.get_kind_display()] += 1
    assert {row[0]: dict(zip(kinds, row[1:-1], strict=True)) for row in table.rows} == expected
    assert all(row[-1] == sum(row[1:-1]) for row in table.rows)
    chart = section.charts[0]
    assert dict(zip(chart.labels, chart.series[0][1], strict=True)) == {
        kind: sum(row[kind] for row in expected.values()) for kind in kinds
    }


def test_each_figure_says_how_it_is_computed_and_where_it_comes_from(city_a):
    _records(city_a)
    section = transparency_section(city_a.city, YEAR)
    for figure in section.figures:
        assert figure.note and figure.url.startswith("/")
    assert section.figure("questions").staff_only
    assert not section.figure("entries").staff_only


def test_a_year_without_entries_or_questions_says_so(city_a):
    _records(city_a)
    section = transparency_section(city_a.city, YEAR - 5)
    assert section.holds_nothing
    assert str(YEAR - 5) in section.empty


def test_questions_open_for_more_than_thirty_days_raise_an_alert(city_a):
    e1, _e2, _e5 = _records(city_a)
    now = timezone.now()
    _question(e1, now - timedelta(days=31))
    _question(e1, now - timedelta(days=29))
    _question(e1, now - timedelta(days=40), "answered", now)
    expected = sum(
        1
        for q in Question.objects.all()
        if q.status == "open" and q.created_at < now - timedelta(days=30)
    )
    (alert,) = alerts(city_a.city)
    assert alert.count == expected == 2  # the open one of the year above, and the new one
    assert alert.url == f"/manage/{city_a.city.slug}/register/questions/"
    assert all(url.startswith(alert.url) for _title, url in alert.items)


def test_the_share_of_high_risk_entries_with_an_approved_assessment_comes_from_impact(city_a):
    from cityrights.impact.models import ImpactAssessment, TemplateVersion

    _e1, e2, e5 = _records(city_a)
    author = city_a.users["editor"]
    template = TemplateVersion.objects.filter(kind="assessment").first()

    def assess(entry, decision, decided):
        return ImpactAssessment.objects.create(
            organisation=city_a.city,
            title=entry.name,
            kind="both",
            author=author,
            template=template,
            entry=entry,
            status="decided",
            decision=decision,
            decided_at=decided,
        )

    assess(e2, "approve_with_conditions", at(YEAR, 12, 1))
    assess(e5, "on_hold", at(YEAR, 6, 1))
    assess(e5, "approve", at(YEAR + 1, 1, 5))  # approved only after the year
    day = report_date(YEAR)
    after = end_of(day)
    listed_high = [
        e
        for e in Entry.objects.filter(risk_level="high", revision_of__isnull=True)
        if e.published_at < after and (e.retired_at is None or e.retired_at >= after)
    ]
    approved = [
        e
        for e in listed_high
        if any(
            a.decision in ("approve", "approve_with_conditions") and a.decided_at < after
            for a in ImpactAssessment.objects.filter(entry=e)
        )
    ]
    section = transparency_section(city_a.city, YEAR)
    assert section.figure("high-risk-assessed").value == 100 * len(approved) / len(listed_high)
    assert section.figure("high-risk-assessed").value == 50.0
