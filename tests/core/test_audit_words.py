"""The dashboard and the audit log show what happened in words ("started the review"), never the
codes programs filter on ("start_review"); every code an app records has its words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

from cityrights.core import audit
from cityrights.core.audit_actions import ACTION_WORDS, action_label
from cityrights.impact.workflow import TRANSITIONS

SRC = Path(__file__).resolve().parents[2] / "src" / "cityrights"


def recorded_codes() -> set[str]:
    codes: set[str] = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text()
        for call in re.finditer(r"audit\.record\((.*?)\n\s*\)", text, re.S):
            codes.update(re.findall(r'action="([a-z_-]+)"', call.group(1)))
            codes.update(re.findall(r'else "([a-z_-]+)"', call.group(1)))
    return codes


def test_every_recorded_action_has_words():
    codes = recorded_codes() | set(TRANSITIONS) | {"submit", "validate", "reopen"}
    assert len(codes) > 30
    assert sorted(codes - set(ACTION_WORDS)) == []


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_words_are_translated(language):
    with translation.override("en"):
        english = {code: action_label(code) for code in ACTION_WORDS}
    with translation.override(language):
        same = [code for code in ACTION_WORDS if action_label(code) == english[code]]
    assert same == []


@pytest.mark.django_db
def test_the_dashboard_shows_words_not_codes(city_a):
    audit.record(
        actor=city_a.users["admin"],
        organisation=city_a.city,
        action="start_review",
        obj=city_a.department,
    )
    page = city_a.client_for("admin").get("/manage/city-a/").content.decode()
    recent = page.split('id="recent"', 1)[1]
    assert "started the review" in recent and "start_review" not in recent
    log = city_a.client_for("admin").get("/manage/city-a/audit/").content.decode()
    assert "started the review" in log
    assert ">start_review<" not in log


@pytest.mark.django_db
def test_the_log_names_records_fields_choices_and_languages_in_the_readers_words(city_a):
    """A French officer read "participation.comment · outcome : — → taken_up" and raw
    dictionaries; the event keeps the codes, the page says them in words."""

    from cityrights.core.models import AuditEvent

    AuditEvent.objects.create(
        organisation=city_a.city,
        actor=city_a.users["admin"],
        action="update",
        object_type="participation.comment",
        object_id="45",
        object_repr="comment #45",
        changes={
            "outcome": {"from": "", "to": "taken_up"},
            "outcome_reason": {"from": {}, "to": {"fr": "Vu.", "nl": "Gezien."}},
            "languages_changed": ["fr", "nl"],
        },
    )
    AuditEvent.objects.create(
        organisation=city_a.city,
        actor=city_a.users["admin"],
        action="update",
        object_type="assessment.roadmapaction",
        object_id="1",
        object_repr="action",
        changes={"title_fr": {"from": "", "to": "Former"}, "gone_field": 3, "final": False},
    )
    client = city_a.client_for("admin")
    page = client.get("/manage/city-a/audit/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "participation.comment" not in page.split("<table")[1]
    assert "Commentaire · comment #45" in page
    assert "Repris" in page  # the outcome's label
    assert "français\u00a0: Vu.; néerlandais\u00a0: Gezien." in page
    assert "titre (français)" in page.lower()
    assert "gone field</strong>\u00a0: 3" in page  # what cannot be named stays as recorded
    assert "final</strong>\u00a0: non" in page
    assert "{'fr'" not in page and "taken_up" not in page.split("<table")[1]


def test_keys_an_app_records_beside_its_fields_are_named_too(city_a):
    """A Dutch officer read "section", "comments", "notified" and "from"/"to" in English."""
    from cityrights.core.models import AuditEvent

    AuditEvent.objects.create(
        organisation=city_a.city,
        actor=city_a.users["admin"],
        action="update",
        object_type="participation.consultation",
        object_id="2",
        object_repr="consultation",
        changes={"section": "signs", "comments": [3, 4], "notified": 2},
    )
    AuditEvent.objects.create(
        organisation=city_a.city,
        actor=city_a.users["admin"],
        action="update",
        object_type="participation.comment",
        object_id="3",
        object_repr="comment #3",
        changes={"reason": {"from": {"nl": "Oud."}, "to": ""}},
    )
    page = city_a.client_for("admin").get("/manage/city-a/audit/", HTTP_ACCEPT_LANGUAGE="nl")
    table = page.content.decode().split("<table")[1]
    for word in ("onderdeel</strong>", "opmerkingen</strong>", "verwittigde personen</strong>"):
        assert word in table
    assert "reden</strong>" in table
    for raw in ("section</strong>", "comments</strong>", "notified</strong>", "reason</strong>"):
        assert raw not in table
