"""Participation in the report: consultations, comments, initiatives per role; its alerts."""

from __future__ import annotations

from datetime import date

from cityrights.participation.models import (
    CitizenRole,
    Comment,
    Consultation,
    DataInitiative,
    InitiativeRole,
    PhaseChange,
    ResponseDocument,
)
from cityrights.participation.report import alerts, participation_section

from .conftest import YEAR, at, figures, in_year


def _consultation(city_a, slug, opened, ended=None, ended_to="closed"):
    from tests.participation.conftest import make_consultation

    consultation = make_consultation(city_a, slug=slug)
    PhaseChange.objects.filter(consultation=consultation).update(at=opened)
    if ended is not None:
        change = PhaseChange.objects.create(
            consultation=consultation, from_phase="discussion", to_phase=ended_to
        )
        PhaseChange.objects.filter(pk=change.pk).update(at=ended)
        Consultation.objects.filter(pk=consultation.pk).update(phase=ended_to)
    return Consultation.objects.get(pk=consultation.pk)


def _comment(consultation, when, status="visible", outcome=""):
    section = consultation.versions.get(number=1).sections.first()
    comment = Comment.objects.create(
        consultation=consultation,
        section=section,
        body="A thought.",
        status=status,
        outcome=outcome,
    )
    Comment.objects.filter(pk=comment.pk).update(created_at=when)
    return comment


def _initiative(city, slug, starts, ends, roles, public=True):
    initiative = DataInitiative.objects.create(
        organisation=city,
        slug=slug,
        title_en=slug,
        starts_on=starts,
        ends_on=ends,
        is_public=public,
    )
    for role in roles:
        InitiativeRole.objects.create(initiative=initiative, role=role)
    return initiative


def test_participation_figures_match_the_rows(city_a):
    city = city_a.city
    held = _consultation(city_a, "held", at(YEAR, 3, 1), at(YEAR, 6, 1))
    _consultation(city_a, "older", at(YEAR - 1, 3, 1), at(YEAR - 1, 6, 1))
    _consultation(city_a, "running", at(YEAR - 1, 10, 1))
    later = _consultation(city_a, "later", at(YEAR + 1, 1, 1, 0, 30))
    ResponseDocument.objects.create(consultation=held, published_at=at(YEAR, 7, 1))
    _comment(held, at(YEAR, 3, 5), outcome="accepted")
    _comment(held, at(YEAR, 3, 6), outcome="rejected")
    _comment(held, at(YEAR, 3, 7))
    _comment(held, at(YEAR, 3, 8), status="hidden", outcome="accepted")
    _comment(held, at(YEAR, 3, 9), status="pending")
    _comment(later, at(YEAR + 1, 1, 2), outcome="accepted")
    roles = list(CitizenRole.values)
    _initiative(city, "a", date(YEAR, 2, 1), None, roles[:3])
    _initiative(city, "b", None, date(YEAR, 1, 1), roles[1:2])
    _initiative(city, "c", date(YEAR + 1, 1, 1), None, roles[:1])
    _initiative(city, "d", date(YEAR, 2, 1), None, roles[:1], public=False)

    found = figures(participation_section(city, YEAR))
    assert found["consultations"] == 2  # held in the year, and still running from last year
    comments = [c for c in Comment.objects.all() if in_year(c.created_at)]
    received = [c for c in comments if c.status in ("visible", "hidden")]
    answered = [c for c in received if c.status == "visible" and c.outcome]
    assert found["comments"] == len(received) == 4
    assert found["answered"] == len(answered) == 2
    assert found["answered-share"] == round(100 * 2 / 4, 1)
    running = [
        i
        for i in DataInitiative.objects.filter(is_public=True)
        if (i.starts_on is None or i.starts_on.year <= YEAR)
        and (i.ends_on is None or i.ends_on.year >= YEAR)
    ]
    assert found["initiatives"] == len(running) == 2
    section = participation_section(city, YEAR)
    per_role = dict(section.tables[0].rows)
    expected = {
        str(CitizenRole(role).label): sum(
            1 for i in running for r in i.roles.all() if r.role == role
        )
        for role in roles
    }
    assert per_role == expected


def test_a_year_without_participation_says_so(city_a):
    assert participation_section(city_a.city, YEAR - 4).holds_nothing


def test_closed_consultations_without_a_response_raise_an_alert(city_a):
    waiting = _consultation(city_a, "waiting", at(YEAR, 3, 1), at(YEAR, 6, 1))
    answered = _consultation(city_a, "answered", at(YEAR, 3, 1), at(YEAR, 6, 1))
    ResponseDocument.objects.create(consultation=answered, published_at=at(YEAR, 7, 1))
    drafted = _consultation(city_a, "drafted", at(YEAR, 3, 1), at(YEAR, 6, 1))
    ResponseDocument.objects.create(consultation=drafted)
    found = {alert.key: alert for alert in alerts(city_a.city)}
    alert = found["participation.awaiting-response"]
    assert alert.count == 2
    assert {url for _title, url in alert.items} == {
        f"/manage/{city_a.city.slug}/participation/consultations/{c.pk}/response/"
        for c in (waiting, drafted)
    }
