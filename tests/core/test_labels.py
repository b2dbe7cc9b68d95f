"""core.labels: get_<field>_display() gives Django's label in the active language."""

from __future__ import annotations

from django.utils import translation

from cityrights.register.models import Entry


def test_choice_labels_follow_the_active_language():
    entry = Entry(kind="sensor", status="in_use", risk_level="nonsense")
    shown = {}
    for language in ("en", "fr", "nl", "en"):
        with translation.override(language):
            expected = str(dict(Entry._meta.get_field("kind").flatchoices)["sensor"])
            shown[language] = entry.get_kind_display()
            assert shown[language] == expected
            assert entry.get_risk_level_display() == "nonsense"  # unknown: the value itself
    assert len(set(shown.values())) == 3
