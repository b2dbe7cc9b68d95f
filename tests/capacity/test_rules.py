"""Certificate rules: a certificate exists exactly when its rule holds, recomputing is
idempotent, corrections revoke or downgrade with a reason, staff revocations stick."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cityrights.capacity import certificates, rules, services
from cityrights.capacity.models import Certificate, Registration, RevocationReason

from .conftest import add_staff, attend, new_programme

bounds = st.integers(min_value=1, max_value=6)


@st.composite
def rule_sets(draw):
    """Valid rule sets: attendance below completion, ranges that do not overlap."""
    found = []
    attendance_low = draw(bounds)
    attendance_high = draw(st.one_of(st.none(), st.integers(attendance_low, attendance_low + 3)))
    if draw(st.booleans()):
        found.append(rules.Rule(rules.ATTENDANCE, attendance_low, attendance_high))
        start = (attendance_high or 99) + 1
    else:
        start = 1
    if draw(st.booleans()) and start < 99:
        low = draw(st.integers(start, start + 3))
        found.append(
            rules.Rule(rules.COMPLETION, low, draw(st.one_of(st.none(), st.just(low + 2))))
        )
    return found


@given(rule_sets(), st.integers(min_value=0, max_value=12))
def test_the_due_kind_is_the_one_whose_rule_holds(rule_set, modules):
    due = rules.due(rule_set, modules)
    holding = [rule.kind for rule in rule_set if rule.holds(modules)]
    assert len(holding) <= 1
    assert due == (holding[0] if holding else None)


@given(rule_sets(), st.one_of(st.none(), st.sampled_from(rules.KIND_ORDER)), st.integers(0, 12))
def test_applying_the_plan_reaches_what_is_due_and_a_second_plan_is_empty(rule_set, held, modules):
    changes = rules.plan(held, rule_set, modules)
    after = held
    for change in changes:
        if change.action == "revoke":
            assert change.kind == after and change.reason
            after = None
        else:
            assert after is None
            after = change.kind
    assert after == rules.due(rule_set, modules)
    assert rules.plan(after, rule_set, modules) == []


def test_the_tirana_rules_are_the_default():
    assert rules.due(rules.DEFAULT_RULES, 1) is None
    assert rules.due(rules.DEFAULT_RULES, 2) == "attendance"
    assert rules.due(rules.DEFAULT_RULES, 3) == "completion"
    assert rules.due(rules.DEFAULT_RULES, 4) == "completion"


@pytest.mark.parametrize(
    ("given_rules", "message"),
    [
        ([("completion", 2, None), ("attendance", 2, 2)], "overlap"),
        ([("completion", 3, 1)], "upper limit is below"),
        ([("attendance", 2, 5), ("completion", 4, None)], "overlap"),
        ([("attendance", 4, 4), ("completion", 2, 3)], "more modules than attendance"),
    ],
)
def test_overlapping_or_reversed_rules_are_refused(given_rules, message):
    with pytest.raises(services.CapacityError, match=message):
        services.check_rules(given_rules)


@pytest.mark.django_db
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 3), st.booleans()), max_size=12))
def test_after_any_attendance_corrections_certificates_match_the_rules(city_a, steps):
    """Property: three people, four modules; random marks; certificates always follow."""
    programme = new_programme(city_a, modules=4)
    people = add_staff(city_a.city, city_a.department, 3, prefix=f"p{programme.pk}-")
    admin = city_a.users["admin"]
    sessions = list(programme.modules.order_by("position"))
    registrations = {}
    for person in people:
        for module in sessions:
            session = module.sessions.get()
            registrations[(person.pk, module.pk)] = services.register(
                session=session, person=person, actor=person
            )
    certificates.start_issuing(programme=programme, actor=admin)
    for who, which, present in steps:
        module = sessions[which]
        session = module.sessions.get()
        marks = {r.pk: bool(r.attended) for r in Registration.objects.filter(session=session)}
        marks[registrations[(people[who].pk, module.pk)].pk] = present
        services.record_attendance(
            session=session, actor=admin, present=[pk for pk, on in marks.items() if on]
        )
        attended = {
            person.pk: Registration.objects.filter(
                session__module__programme=programme, person=person, attended=True
            ).count()
            for person in people
        }
        for person in people:
            valid = list(
                Certificate.objects.filter(
                    programme=programme, person=person, revoked_at__isnull=True
                )
            )
            due = rules.due(rules.DEFAULT_RULES, attended[person.pk])
            assert [c.kind for c in valid] == ([due] if due else [])
        assert certificates.recompute(programme=programme, person_ids=None, actor=admin) == ([], [])


@pytest.mark.django_db
def test_a_correction_downgrades_then_revokes_with_the_reason(city_a):
    programme = new_programme(city_a, modules=3)
    person = add_staff(city_a.city, city_a.department, 1)[0]
    admin = city_a.users["admin"]
    attend(programme, person, 3, admin)
    certificates.start_issuing(programme=programme, actor=admin)
    assert Certificate.objects.get(revoked_at__isnull=True).kind == "completion"
    last = programme.modules.order_by("-position").first().sessions.get()
    services.record_attendance(session=last, actor=admin, present=[])
    completion = Certificate.objects.get(kind="completion")
    assert completion.revocation_reason == RevocationReason.DOWNGRADED
    assert "2 module" in completion.revocation_note
    assert Certificate.objects.get(revoked_at__isnull=True).kind == "attendance"
    second = programme.modules.order_by("position")[1].sessions.get()
    services.record_attendance(session=second, actor=admin, present=[])
    attendance = Certificate.objects.get(kind="attendance")
    assert attendance.revocation_reason == RevocationReason.NOT_DUE
    assert not Certificate.objects.filter(revoked_at__isnull=True).exists()


@pytest.mark.django_db
def test_a_certificate_revoked_by_staff_is_not_issued_again_by_a_correction(city_a):
    programme = new_programme(city_a, modules=4)
    person = add_staff(city_a.city, city_a.department, 1)[0]
    admin = city_a.users["admin"]
    attend(programme, person, 3, admin)
    certificates.start_issuing(programme=programme, actor=admin)
    held = Certificate.objects.get()
    certificates.revoke(certificate=held, actor=city_a.users["reviewer"], note="Did not take part.")
    attend(programme, person, 4, admin)
    assert not Certificate.objects.filter(revoked_at__isnull=True).exists()


@pytest.mark.django_db
def test_changing_the_rules_after_issuing_applies_to_everyone(city_a):
    programme = new_programme(city_a, modules=4)
    people = add_staff(city_a.city, city_a.department, 2)
    admin = city_a.users["admin"]
    attend(programme, people[0], 3, admin)
    attend(programme, people[1], 2, admin)
    certificates.start_issuing(programme=programme, actor=admin)
    services.set_rules(programme=programme, actor=admin, rules=[("completion", 4, None)])
    assert not Certificate.objects.filter(revoked_at__isnull=True).exists()
    services.set_rules(
        programme=programme, actor=admin, rules=[("completion", 3, None), ("attendance", 1, 2)]
    )
    valid = dict(
        Certificate.objects.filter(revoked_at__isnull=True).values_list("person__email", "kind")
    )
    assert valid == {people[0].email: "completion", people[1].email: "attendance"}
