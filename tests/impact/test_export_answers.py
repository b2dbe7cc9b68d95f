"""Exports show the labels of chosen options, and keep the option keys for machines."""

from __future__ import annotations

import pytest

from cityrights.impact import content, exports

from .conftest import advance, new_assessment

pytestmark = pytest.mark.django_db


def test_exports_show_option_labels_not_keys(city_a):
    assessment = advance(city_a, new_assessment(city_a), "decided")
    template = assessment.template.template
    choice = next(
        q
        for s in content.sections_for(template, assessment.kind)
        for q in s.questions
        if q.type == "choice" and q.multiple
    )
    data = exports.assessment_json(assessment, "en")
    item = next(a for s in data["sections"] for a in s["answers"] if a["question"] == choice.key)
    label = content.text(choice.options[0].label, "en")
    assert item["answer"] == [choice.options[0].key]  # machine-readable value kept
    assert item["answer_text"] == label
    html = exports.assessment_html(assessment, "en")
    assert f'<p class="answer">{label}</p>' in html
    assert "[&#x27;" not in html  # no Python list shown to the reader
