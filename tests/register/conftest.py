"""Register fixtures: entries in every workflow state, built through the services."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from cityrights.core.translation import missing_fingerprint
from cityrights.register import services
from cityrights.register.models import Entry

SCRIPT = "<script>alert(1)</script>"


def entry_data(department: Any, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "sensor",
        "name": "Air sensor",
        "summary": "Measures the air on the square.",
        "department": department,
        "status": "in_use",
        "risk_level": "low",
        "automation_level": "none",
        "contact_email": "air@example.org",
    }
    data.update(overrides)
    return data


def entry_columns(department: Any, **overrides: Any) -> dict[str, Any]:
    """As :func:`entry_data`, with the texts in their English columns (``name_en``)."""
    data = entry_data(department, **overrides)
    for name in ("name", "summary", "details", "retention", "data_subjects", "recipients"):
        if name in data:
            data[f"{name}_en"] = data.pop(name)
    return data


def make_entry(
    city: Any,
    *,
    state: str = "published",
    name: str = "Air sensor",
    kind: str = "sensor",
    purposes: list[str] | None = None,
    categories: list[str] | None = None,
    areas: list[str] | None = None,
    locations: int = 1,
    **fields: Any,
) -> Entry:
    """An entry of ``city`` (a CityFixture) in ``state``; editor writes, reviewer publishes."""
    editor, reviewer = city.users["editor"], city.users["reviewer"]
    terms = {
        "purpose": purposes if purposes is not None else ["dpv:CombatClimateChange"],
        "data_category": categories or [],
        "legal_basis": ["eu-gdpr:A6-1-e"] if categories else [],
        "area": areas or [],
    }
    entry = services.create_entry(
        organisation=city.city,
        actor=editor,
        data=entry_data(fields.pop("department", city.department), name=name, kind=kind, **fields),
        terms=terms,
    )
    for index in range(locations):
        services.save_location(
            entry,
            actor=editor,
            latitude=50.85 + index / 1000,
            longitude=4.35 + index / 1000,
            description=f"{name} place {index + 1}",
        )
    if state == "draft":
        return entry
    entry = services.submit(entry, actor=editor)
    if state == "in_review":
        return entry
    # In a city of several languages the fixture's reviewer has read what is untranslated.
    seen = missing_fingerprint(services.missing_translations(entry))
    entry = services.publish(
        entry, actor=reviewer, change_summary="First publication.", missing_seen=seen
    )
    if state == "retired":
        entry = services.retire(entry, actor=reviewer, reason="Removed.")
    return Entry.objects.get(pk=entry.pk)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published(city_a):
    return make_entry(city_a, name="Published camera")


@pytest.fixture
def hidden(city_a):
    """One draft, one entry in review and one working copy of a published entry."""
    draft = make_entry(city_a, state="draft", name="Secret draft gadget")
    review = make_entry(city_a, state="in_review", name="Secret review gadget")
    base = make_entry(city_a, name="Public base gadget")
    revision = services.start_revision(base, actor=city_a.users["editor"])
    services.update_entry(
        revision,
        actor=city_a.users["editor"],
        data={"name": "Secret revision gadget", "summary": "Secret revision text."},
    )
    revision.refresh_from_db()
    services.save_location(
        revision,
        actor=city_a.users["editor"],
        latitude=51.5,
        longitude=5.5,
        description="Secret revision place",
    )
    return {"draft": draft, "review": review, "base": base, "revision": revision}
