"""What the workflow and public pages say: the help of a withdrawal note, and what a decision
means for the project."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

from cityrights.core.registry import registry
from cityrights.impact import services
from cityrights.impact.forms import TransitionForm

from .conftest import advance, make_entry, new_assessment

pytestmark = pytest.mark.django_db


def url(name: str, city, **kwargs) -> str:
    return reverse(f"impact:{name}", kwargs={"org": city.city.slug, **kwargs})


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


def test_an_on_hold_summary_says_the_approval_was_of_the_wording_not_the_project(city_a):
    """The public summary of a project on hold ended with "Approved by a reviewer and
    published", which read as if the project had been approved."""
    assessment = advance(city_a, new_assessment(city_a), "decided", decision="on_hold")
    summary = services.save_summary(assessment, city_a.users["editor"], "Paused for now.")
    services.approve_summary(summary, city_a.users["reviewer"], publish=True)
    body = Client().get(url("public_detail", city_a, pk=assessment.pk)).content.decode()
    decision = body.split('id="decision-in-words"', 1)[1].split("</p>", 1)[0]
    assert "The decision: On hold." in decision
    assert "Approved by a reviewer" not in body
    assert "That approval is about the summary only" in body
