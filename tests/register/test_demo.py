"""The demo city's register: enough realistic entries, in several states, loaded idempotently."""

from __future__ import annotations

from collections import Counter

import pytest

from cityrights.core import demo
from cityrights.register import services
from cityrights.register.models import Entry, EntryVersion, Location

pytestmark = pytest.mark.django_db


def test_demo_register_is_rich_and_idempotent():
    demo.load()
    states = Counter(Entry.objects.primary().values_list("state", flat=True))
    assert sum(states.values()) >= 25
    assert states["published"] >= 20
    assert states["draft"] >= 1 and states["in_review"] >= 1 and states["retired"] == 1
    assert Entry.objects.filter(revision_of__isnull=False, state="in_review").exists()
    assert Location.objects.filter(entry__state="published").count() >= 40
    assert EntryVersion.objects.filter(number=2).count() >= 3
    fraud = Entry.objects.get(name_en__startswith="Benefits-fraud")
    assert fraud.risk_level == "high" and fraud.status == "planned"
    kinds = set(Entry.objects.values_list("kind", flat=True))
    assert kinds == {"algorithm", "sensor", "service", "platform", "dataset"}
    # Demo City is Belgian: its published texts exist in English, French and Dutch.
    city = fraud.organisation
    assert city.content_languages == ("en", "fr", "nl")
    public = Entry.objects.public().filter(organisation=city)
    assert {entry.name: services.missing_translations(entry) for entry in public} == {
        entry.name: {} for entry in public
    }
    assert fraud.name_nl == "Risicomodel voor uitkeringsfraude (opgeschort)"
    version = EntryVersion.objects.filter(entry__organisation=city, number=2).first()
    assert set(version.snapshot["summary"]) == {"en", "fr", "nl"}
    for department in city.departments.all():  # the departments are named in all three
        assert "" not in (department.name_en, department.name_fr, department.name_nl)
    count = Entry.objects.count()
    demo.load()
    assert Entry.objects.count() == count


def test_the_demo_history_says_first_publication_in_the_readers_language():
    """The demo publishes without a note, so the history and the feed say it in each
    reader's language (found in a Dutch walkthrough: the English words were stored)."""
    from django.utils import translation

    demo.load()
    firsts = EntryVersion.objects.filter(entry__organisation__slug="demo-city", number=1)
    assert firsts.count() >= 20 and not firsts.exclude(change_summary="").exists()
    with translation.override("nl"):
        assert firsts.first().change_shown() == "Eerste publicatie."
