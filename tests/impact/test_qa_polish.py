"""What a project lead and a data-protection officer noticed when using the pages.

Each test pins one behaviour found in a walk-through of the running app: level names that
match the matrix, optional questions marked as such, the residual matrix saying which
risks it leaves out, readable answers in the exports, and public pages that say what a
decision means for the project.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

from cityrights.core.registry import registry
from cityrights.impact import content, exports, services
from cityrights.impact.forms import RiskForm, SectionForm, TransitionForm

from .conftest import advance, make_entry, new_assessment

pytestmark = pytest.mark.django_db


def url(name: str, city, **kwargs) -> str:
    return reverse(f"impact:{name}", kwargs={"org": city.city.slug, **kwargs})


def add_risk(assessment, actor, *, residual: bool = True) -> None:
    services.add_risk(
        assessment,
        actor,
        {
            "right": "equality",
            "description": "Routes favour some districts.",
            "likelihood": 3,
            "severity": 4,
            "residual_likelihood": 2 if residual else None,
            "residual_severity": 2 if residual else None,
        },
    )


def test_risk_form_names_levels_as_the_template_does(city_a):
    """'3 · High' for a likelihood clashed with the band 'High' of the matrix cell."""
    assessment = new_assessment(city_a)
    template = assessment.template.template
    form = RiskForm(template=template, language="en")
    likelihood = [label for _, label in form.fields["likelihood"].choices]
    severity = [label for _, label in form.fields["severity"].choices]
    names = content.likelihood_labels(template, "en")
    assert likelihood == [f"{n} · {name}" for n, name in enumerate(names, start=1)]
    assert severity[-1] == f"4 · {content.severity_labels(template, 'en')[-1]}"
    residual = [label for _, label in form.fields["residual_severity"].choices]
    assert residual[0] == "not rated yet" and residual[1:] == severity
    assert not any("Moderate" in label for label in likelihood + severity)


def test_risk_pages_show_level_names(city_a):
    assessment = new_assessment(city_a)
    add_risk(assessment, city_a.users["editor"])
    template = assessment.template.template
    likely = content.likelihood_labels(template, "en")[2]
    severe = content.severity_labels(template, "en")[3]
    viewer = city_a.client_for("viewer")
    body = viewer.get(url("risks", city_a, pk=assessment.pk)).content.decode()
    assert f"<td>3 · {likely}</td>" in body and f"<td>4 · {severe}</td>" in body
    risk = assessment.risks.get()
    body = viewer.get(url("risk", city_a, pk=assessment.pk, risk_pk=risk.pk)).content.decode()
    assert f"likelihood 3 · {likely}, severity 4 · {severe}" in body


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


def test_residual_matrix_says_which_risks_it_leaves_out(city_a):
    assessment = new_assessment(city_a)
    add_risk(assessment, city_a.users["editor"], residual=False)
    add_risk(assessment, city_a.users["editor"], residual=True)
    body = city_a.client_for("viewer").get(url("risks", city_a, pk=assessment.pk)).content
    assert "1 risk has no rating after mitigation yet, so it is not in this matrix." in (
        body.decode()
    )


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


def test_withdraw_note_help_does_not_talk_about_returning():
    assert "withdraw" in str(TransitionForm(steps={"withdraw"}).fields["note"].help_text)
    help_text = str(TransitionForm(steps={"return"}).fields["note"].help_text)
    assert "return" in help_text


def test_project_lead_sees_withdraw_help_on_a_submitted_assessment(city_a):
    assessment = advance(city_a, new_assessment(city_a), "submitted")
    body = city_a.client_for("editor").get(url("detail", city_a, pk=assessment.pk)).content
    assert "why you withdraw the submission" in body.decode()


def test_public_pages_say_what_the_decision_means(city_a):
    entry = make_entry(city_a, name="Fraud model")
    assessment = advance(city_a, new_assessment(city_a, entry=entry), "decided", decision="on_hold")
    summary = services.save_summary(assessment, city_a.users["editor"], "Paused for now.")
    services.approve_summary(summary, city_a.users["reviewer"], publish=True)
    meaning = "The project may not start, or must pause, until the problems named by the reviewer"
    body = Client().get(url("public_detail", city_a, pk=assessment.pk)).content.decode()
    assert meaning in body
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    sections = registry.fill_slot("register.entry.public", request, entry)
    html = render_to_string(sections[0].template, {"section": sections[0]})
    assert meaning in html
