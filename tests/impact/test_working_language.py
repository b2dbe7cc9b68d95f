"""An assessment is written in one working language; pages in another language mark its
texts (answers, risks, mitigations, conditions, comments, reasons) with it (WCAG 3.1.2)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cityrights.impact import services
from cityrights.impact.models import ImpactAssessment

from .conftest import advance, new_assessment

pytestmark = pytest.mark.django_db


def url(name: str, city, **kwargs) -> str:
    return reverse(f"impact:{name}", kwargs={"org": city.city.slug, **kwargs})


def page_for(city, role: str, language: str, address: str) -> str:
    html = city.client_for(role).get(address, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<html lang="{language}"' in html
    return html


def marked(html: str, text: str) -> str | None:
    """The lang attribute of the element whose text starts with ``text`` (None without)."""
    found = re.search(r"<(\w+)([^>]*)>\s*" + re.escape(text), html)
    assert found, text
    lang = re.search(r'\slang="([^"]+)"', found.group(2))
    return lang.group(1) if lang else None


def test_the_create_form_offers_the_writers_language_and_stores_the_choice(city_a):
    editor = city_a.users["editor"]
    client = city_a.client_for("editor")
    form = client.get(url("create", city_a), HTTP_ACCEPT_LANGUAGE="fr").context["form"]
    assert form["language"].value() == "fr"
    response = client.post(
        url("create", city_a),
        {
            "title": "Capteurs de stationnement",
            "kind": "both",
            "author": editor.pk,
            "language": "nl",
        },
    )
    assert response.status_code == 302
    assert ImpactAssessment.objects.get(title="Capteurs de stationnement").language == "nl"


def test_a_dutch_assessment_is_marked_on_french_pages_only(city_a):
    assessment = new_assessment(city_a)
    services.update_details(assessment, city_a.users["editor"], {"language": "nl"})
    advance(city_a, assessment, "decided", decision="approve_with_conditions")
    services.add_comment(assessment, city_a.users["reviewer"], "", "Graag een bewaartermijn.")
    for address, text in (
        (url("risks", city_a, pk=assessment.pk), "Number plates are kept too long."),
        (url("detail", city_a, pk=assessment.pk), "Weighed the risks."),
        (url("detail", city_a, pk=assessment.pk), "Delete plates after 24 hours."),
        (url("detail", city_a, pk=assessment.pk), "Graag een bewaartermijn."),
        (url("conditions", city_a, pk=assessment.pk), "Delete plates after 24 hours."),
    ):
        assert marked(page_for(city_a, "viewer", "fr", address), text) == "nl", address
        assert marked(page_for(city_a, "viewer", "nl", address), text) is None, address


def test_without_a_recorded_language_the_citys_first_language_is_assumed(city_a):
    """Assessments begun before the language was recorded: as for working titles."""
    assessment = new_assessment(city_a)
    advance(city_a, assessment, "submitted")
    assert assessment.language == "" and assessment.working_language == "en"
    address = url("risks", city_a, pk=assessment.pk)
    assert marked(page_for(city_a, "viewer", "fr", address), "Number plates") == "en"
    assert marked(page_for(city_a, "viewer", "en", address), "Number plates") is None


def test_editing_the_details_without_the_field_keeps_the_language(city_a):
    assessment = new_assessment(city_a)
    services.update_details(assessment, city_a.users["editor"], {"language": "fr"})
    response = city_a.client_for("editor").post(
        url("edit", city_a, pk=assessment.pk),
        {"title": "Parking sensors", "kind": "both", "author": city_a.users["editor"].pk},
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.language == "fr"
