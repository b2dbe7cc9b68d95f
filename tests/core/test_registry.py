"""Linkable record kinds: apps offer their records as link targets without importing each other."""

from __future__ import annotations

import pytest

from cityrights.core.registry import LinkableKind, LinkedRecord, Registry, registry


def _kind(name: str = "demo.thing", order: int = 100) -> LinkableKind:
    records = {"1": "First thing", "2": "Second thing"}

    def choices(organisation):
        return sorted(records.items())

    def resolve(organisation, pk):
        title = records.get(pk)
        return None if title is None else LinkedRecord(title, f"/manage/x/{pk}/")

    return LinkableKind(name=name, label="Thing", choices=choices, resolve=resolve, order=order)


def test_a_registered_kind_resolves_ids_and_answers_none_for_unknown_ones():
    reg = Registry()
    reg.add_linkable_kind(_kind())
    assert reg.resolve_link(None, "demo.thing", "1") == LinkedRecord("First thing", "/manage/x/1/")
    assert reg.resolve_link(None, "demo.thing", "99") is None
    assert reg.resolve_link(None, "no.such.kind", "1") is None


def test_kinds_come_in_their_order_and_a_name_cannot_be_taken_twice():
    reg = Registry()
    reg.add_linkable_kind(_kind("b.kind", order=20))
    reg.add_linkable_kind(_kind("a.kind", order=10))
    assert [kind.name for kind in reg.linkable_kinds_in_order()] == ["a.kind", "b.kind"]
    with pytest.raises(ValueError, match="already registered"):
        reg.add_linkable_kind(_kind("a.kind", order=99))


def test_the_installed_apps_offer_their_records_as_link_targets():
    names = set(registry.linkable_kinds)
    assert {
        "assessment.roadmap_action",
        "register.entry",
        "impact.assessment",
        "consent.agreement",
        "capacity.programme",
    } <= names


@pytest.mark.django_db
def test_records_of_another_city_do_not_resolve(city_a, city_b):
    from cityrights.assessment.models import RoadmapAction

    action = RoadmapAction.objects.create(organisation=city_b.city, title_en="Other city's action")
    kind = registry.linkable_kind("assessment.roadmap_action")
    assert kind is not None
    assert kind.resolve(city_b.city, str(action.pk)).title == "Other city's action"
    assert kind.resolve(city_a.city, str(action.pk)) is None
    assert kind.resolve(city_a.city, "not-a-number") is None
    assert (str(action.pk), "Other city's action") not in kind.choices(city_a.city)
