"""Maturity and roadmap sections, recomputed here from the answers and the actions."""

from __future__ import annotations

from datetime import date, timedelta
from statistics import mean

import pytest
from django.utils import timezone

from cityrights.assessment import services
from cityrights.assessment.models import AssessmentCycle, Measurement, RoadmapAction
from cityrights.assessment.report import alerts, maturity_section, roadmap_section
from cityrights.core.report import report_date

from .conftest import YEAR, at, figures


@pytest.fixture
def version(db):
    from cityrights.assessment.models import FrameworkVersion
    from tests.assessment.conftest import SHIPPED

    found = FrameworkVersion.objects.filter(key="guide-2022", version=1).first()
    return found or services.load_framework(SHIPPED)[0]


def _validated(city_a, version, year: int, level_of_area: dict[str, int]):
    """A cycle of ``year`` where every question of an area is answered at that area's level."""
    admin = city_a.users["admin"]
    cycle = services.open_cycle(city_a.city, year, version, admin)
    framework = cycle.framework.framework
    services.save_answers(
        cycle,
        admin,
        [
            services.AnswerInput(question=q.key, value=str(level_of_area[q.area]))
            for q in framework.questions
            if q.show_if is None
        ],
    )
    services.submit(cycle, admin)
    services.validate(AssessmentCycle.objects.get(pk=cycle.pk), city_a.users["reviewer"])
    return AssessmentCycle.objects.get(pk=cycle.pk)


def _levels(version, shift: int) -> dict[str, int]:
    areas = [area.key for area in version.framework.areas]
    return {key: 1 + (index + shift) % 5 for index, key in enumerate(areas)}


def test_maturity_figures_follow_from_the_answers(city_a, version):
    framework = version.framework
    top = framework.scale.max_level
    history = {YEAR - 2: _levels(version, 0), YEAR: _levels(version, 1)}
    for year, levels in history.items():
        _validated(city_a, version, year, levels)

    def score(level: int) -> float:  # the Guide's rule: lowest level 0, highest 100
        return (level - 1) * 100 / (top - 1)

    levels = history[YEAR]
    cells = {
        (a.key, p.key): score(levels[a.key]) for a in framework.areas for p in framework.pillars
    }
    overall = mean(cells.values())
    before = mean(score(level) for level in history[YEAR - 2].values())

    section = maturity_section(city_a.city, YEAR)
    found = figures(section)
    assert found["overall-score"] == round(overall, 1)
    assert found["overall-level"] == framework.scale.level_for_score(overall)
    assert found["change"] == round(overall - before, 1)
    assert found["strongest"] == round(max(cells.values()), 1)
    assert found["weakest"] == round(min(cells.values()), 1)
    strongest_area = max(levels, key=lambda key: levels[key])
    assert framework.area(strongest_area).name.get_text("en") in section.figure("strongest").label

    areas = {row[0]: row[1] for row in {t.key: t for t in section.tables}["areas"].rows}
    assert areas == {a.name.get_text("en"): round(score(levels[a.key]), 1) for a in framework.areas}
    pillars = {row[0]: row[1] for row in {t.key: t for t in section.tables}["pillars"].rows}
    assert set(pillars.values()) == {round(overall, 1)}  # every pillar averages the same areas
    trend = {c.key: c for c in section.charts}["trend"]
    assert trend.labels == (str(YEAR - 2), str(YEAR))
    assert trend.series[0][1] == (round(before, 1), round(overall, 1))


def test_a_year_without_a_validated_assessment_says_so(city_a, version):
    services.open_cycle(city_a.city, YEAR, version, city_a.users["admin"])
    section = maturity_section(city_a.city, YEAR)
    assert section.holds_nothing and str(YEAR) in section.empty


def _action(city_a, title, status, due, made=None, **extra):
    action = RoadmapAction.objects.create(
        organisation=city_a.city, title_en=title, status=status, due_date=due, **extra
    )
    if made is not None:
        RoadmapAction.objects.filter(pk=action.pk).update(created_at=made)
    return action


def test_roadmap_figures_follow_from_the_actions_and_measurements(city_a):
    day = report_date(YEAR)
    made = at(YEAR, 1, 10)
    a1 = _action(
        city_a,
        "Open the register",
        "done",
        date(YEAR, 3, 1),
        made,
        kpi_name_en="Entries",
        kpi_unit="count",
        baseline=0,
        target=40,
    )
    _action(city_a, "Train staff", "in_progress", date(YEAR, 6, 1), made)
    a3 = _action(
        city_a,
        "Publish signs",
        "planned",
        date(YEAR + 1, 6, 1),
        made,
        kpi_name_en="Signs",
        kpi_unit="%",
        baseline=10,
        target=60,
    )
    _action(city_a, "Old idea", "dropped", None, made)
    _action(city_a, "No date", "planned", None, at(YEAR, 12, 31, 23, 0))
    _action(city_a, "Made later", "planned", date(YEAR, 1, 1), at(YEAR + 1, 1, 1, 0, 30))
    Measurement.objects.create(action=a1, date=date(YEAR, 2, 1), value=10)
    Measurement.objects.create(action=a1, date=date(YEAR, 11, 1), value=30)
    Measurement.objects.create(action=a1, date=date(YEAR + 1, 1, 2), value=45)  # after the day
    Measurement.objects.create(action=a3, date=date(YEAR, 5, 1), value=5)  # below the baseline

    actions = [a for a in RoadmapAction.objects.all() if timezone.localdate(a.created_at) <= day]

    def state(a):
        if a.status in ("done", "dropped"):
            return a.status
        return "late" if a.due_date and a.due_date < day else "on-track"

    section = roadmap_section(city_a.city, YEAR)
    found = figures(section)
    assert found["actions"] == len(actions) == 5
    for key in ("done", "late", "on-track", "dropped"):
        assert found[key] == sum(state(a) == key for a in actions), key
    assert (found["done"], found["late"], found["on-track"], found["dropped"]) == (1, 1, 2, 1)

    kpis = {row[0]: row for row in {t.key: t for t in section.tables}["kpis"].rows}
    assert kpis["Entries"][4] == 30 and kpis["Entries"][6] == round(100 * 30 / 40)
    assert kpis["Signs"][4] == 5 and kpis["Signs"][6] == 0  # never below zero
    assert found["kpis-measured"] == 2


def test_a_roadmap_without_actions_says_so(city_a):
    assert roadmap_section(city_a.city, YEAR).holds_nothing


def test_overdue_actions_raise_an_alert_that_links_to_the_roadmap(city_a):
    today = timezone.localdate()
    _action(city_a, "Late one", "in_progress", today - timedelta(days=1))
    _action(city_a, "Late but done", "done", today - timedelta(days=10))
    _action(city_a, "Due today", "planned", today)
    (alert,) = alerts(city_a.city)
    assert alert.count == 1
    assert alert.url == f"/manage/{city_a.city.slug}/assessment/roadmap/"
    assert alert.items[0][0] == "Late one"
