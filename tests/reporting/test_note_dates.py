"""The notes under a report's figures name their day as the reader writes dates, not in ISO
form ("au plus tard le 2025-12-31" read as a database's words in a French report)."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from cityrights.assessment.models import RoadmapAction
from cityrights.assessment.report import roadmap_section
from cityrights.register.models import Entry
from cityrights.register.report import transparency_section

from .conftest import YEAR, at

WORDS = {"en": f"31 December {YEAR}", "fr": f"31 décembre {YEAR}", "nl": f"31 december {YEAR}"}


@pytest.mark.parametrize("language", sorted(WORDS))
def test_report_notes_write_the_day_in_the_readers_language(city_a, language):
    Entry.objects.create(
        organisation=city_a.city,
        kind="sensor",
        name_en="Cameras",
        summary_en="Cameras summary",
        department=city_a.department,
        state="published",
        published_at=at(YEAR, 6, 1),
        version=1,
    )
    action = RoadmapAction.objects.create(
        organisation=city_a.city,
        title_en="Train staff",
        status="planned",
        due_date=date(YEAR, 6, 1),
    )
    RoadmapAction.objects.filter(pk=action.pk).update(created_at=at(YEAR, 1, 10))
    with translation.override(language):
        sections = [transparency_section(city_a.city, YEAR), roadmap_section(city_a.city, YEAR)]
        notes = [figure.note for section in sections for figure in section.figures]
    dated = [note for note in notes if str(YEAR) in note]
    assert dated, notes
    assert all(f"{YEAR}-12-31" not in note for note in notes)
    assert any(WORDS[language] in note for note in dated), dated
