"""Risk forms and pages name likelihood and severity levels as the template does, and the
residual matrix says which risks it leaves out."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cityrights.impact import content, services
from cityrights.impact.forms import RiskForm

from .conftest import new_assessment

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


def test_residual_matrix_says_which_risks_it_leaves_out(city_a):
    assessment = new_assessment(city_a)
    add_risk(assessment, city_a.users["editor"], residual=False)
    add_risk(assessment, city_a.users["editor"], residual=True)
    body = city_a.client_for("viewer").get(url("risks", city_a, pk=assessment.pk)).content
    assert "1 risk has no rating after mitigation yet, so it is not in this matrix." in (
        body.decode()
    )
