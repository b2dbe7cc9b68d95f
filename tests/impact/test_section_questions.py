"""A section form marks its optional questions, and only those."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cityrights.impact import content
from cityrights.impact.forms import SectionForm

from .conftest import new_assessment

pytestmark = pytest.mark.django_db


def url(name: str, city, **kwargs) -> str:
    return reverse(f"impact:{name}", kwargs={"org": city.city.slug, **kwargs})


def test_section_form_marks_the_optional_questions_only(city_a):
    assessment = new_assessment(city_a)
    template = assessment.template.template
    sections = content.sections_for(template, assessment.kind)
    optional = [(s, q) for s in sections for q in s.questions if not q.required]
    assert optional, "the shipped template has optional questions"
    section, question = optional[0]
    form = SectionForm(section=section, answers={}, language="en")
    assert str(form.fields[question.key].label).endswith("(optional)")
    required = next(q for q in section.questions if q.required)
    assert "(optional)" not in str(form.fields[required.key].label)
    assert not any(field.required for field in form.fields.values())  # drafts save half-done
    page = city_a.client_for("editor").get(
        url("section", city_a, pk=assessment.pk, key=section.key)
    )
    assert "Every question not marked optional must be answered" in page.content.decode()
