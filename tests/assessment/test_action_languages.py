"""Roadmap actions in the city's languages: made from a recommendation, an action starts with
the framework's wording in each language, every reader reads their own, and the city edits
each language's text; the migration gives existing actions their framework wording back."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from cityrights.assessment import selectors, services
from cityrights.assessment.models import RoadmapAction
from cityrights.core.models import Organisation

from .conftest import answer_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def recommendation(brussels, version):
    """A recommendation of Brussels' open cycle (French first, then Dutch)."""
    cycle = services.open_cycle(brussels.city, 2025, version, brussels.users["admin"])
    answer_all(cycle, brussels.users["admin"], 2)
    view = selectors.result_of(cycle)
    cell = view.cells[("inclusion", "foundations")]
    found = version.framework.recommendations_for("inclusion", "foundations", cell.level)[0]
    assert {"fr", "nl"} <= set(found.title) and {"fr", "nl"} <= set(found.kpis[0].name)
    return cycle, found


def test_an_action_from_a_recommendation_offers_each_city_language_its_wording(
    brussels, recommendation
):
    _cycle, rec = recommendation
    client = brussels.client_for("editor")
    url = reverse("assessment:action_new", kwargs={"org": "city-a"})
    page = client.get(url, {"cycle": 2025, "recommendation": rec.key}, HTTP_ACCEPT_LANGUAGE="nl")
    html = page.content.decode()
    # One input per language of the city, each holding the framework's wording.
    assert 'name="title_fr"' in html and 'name="title_nl"' in html
    assert 'name="title_en"' not in html
    assert 'lang="nl"' in html
    assert rec.title["nl"].replace("'", "&#x27;") in html
    assert rec.title["fr"].replace("'", "&#x27;") in html
    response = client.post(
        url,
        {
            "cycle": 2025,
            "recommendation": rec.key,
            "title_fr": "Adopter les objectifs d'inclusion",
            "title_nl": "De inclusiedoelen vastleggen",
            "description_nl": "Met de buurthuizen.",
            "horizon": "medium",
            "status": "planned",
            "kpi_key": rec.kpis[0].key,
        },
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    action = RoadmapAction.objects.get(recommendation=rec.key)
    assert (action.title_fr, action.title_nl) == (
        "Adopter les objectifs d'inclusion",
        "De inclusiedoelen vastleggen",
    )
    # The KPI's name is kept in every language the framework has, whoever made the action.
    assert (action.kpi_name_fr, action.kpi_name_nl) == (
        rec.kpis[0].name["fr"][:300],
        rec.kpis[0].name["nl"][:300],
    )
    detail = reverse("assessment:action", kwargs={"org": "city-a", "pk": action.pk})
    dutch = client.get(detail, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "<h1>De inclusiedoelen vastleggen</h1>" in dutch
    assert rec.kpis[0].name["nl"] in dutch
    roadmap = reverse("assessment:roadmap", kwargs={"org": "city-a"})
    french = client.get(roadmap, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Adopter les objectifs d&#x27;inclusion" in french
    assert rec.kpis[0].name["fr"].replace("'", "&#x27;") in french


def test_the_title_is_required_in_the_citys_first_language_only(brussels, recommendation):
    _cycle, _rec = recommendation
    client = brussels.client_for("editor")
    url = reverse("assessment:action_new", kwargs={"org": "city-a"})
    refused = client.post(
        url,
        {"cycle": 2025, "title_nl": "Alleen Nederlands", "horizon": "short", "status": "planned"},
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert refused.status_code == 200
    assert "Dit veld is verplicht." in refused.content.decode()
    assert not RoadmapAction.objects.exists()


def test_editing_one_language_keeps_the_others(brussels, recommendation):
    cycle, rec = recommendation
    defaults = services.action_defaults(cycle, rec.key)
    for name in ("recommendation", "start_level", "target"):
        defaults.pop(name)
    action = services.create_action(
        brussels.city, brussels.users["admin"], defaults, cycle=cycle, recommendation_key=rec.key
    )
    # Brussels does not write English: the framework's English wording stays, unseen.
    assert action.title_en == rec.title["en"][:300]
    client = brussels.client_for("editor")
    detail = reverse("assessment:action", kwargs={"org": "city-a", "pk": action.pk})
    response = client.post(
        detail,
        {
            "title_fr": "Titre revu",
            "title_nl": action.title_nl,
            "horizon": "short",
            "status": "in_progress",
            "kpi_key": action.kpi_key,
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.title_fr, action.title_nl, action.title_en) == (
        "Titre revu",
        rec.title["nl"][:300],
        rec.title["en"][:300],
    )
    assert action.status == "in_progress"


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_framework_wordings_back_and_keeps_the_citys_own_text():
    before = [("assessment", "0005_published_results")]
    after = [("assessment", "0006_action_texts_in_every_language")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    Version = apps.get_model("assessment", "FrameworkVersion")
    Cycle = apps.get_model("assessment", "AssessmentCycle")
    OldAction = apps.get_model("assessment", "RoadmapAction")
    # Today's model: the organisation's columns are not this migration's business.
    ghent = Organisation.objects.create(
        slug="ghent", name="Ghent", kind="city", default_language="nl"
    ).pk
    framework = Version.objects.create(
        key="migration-test",
        version=1,
        title="Test",
        content_hash="x" * 64,
        data={
            "recommendations": [
                {
                    "key": "rec-1",
                    "title": {"en": "Adopt goals", "fr": "Adopter", "nl": "Doelen vastleggen"},
                    "text": {"en": "Write them down.", "nl": "Schrijf ze op."},
                    "kpis": [{"key": "kpi-1", "name": {"en": "Share", "nl": "Aandeel"}}],
                }
            ]
        },
    )
    cycle = Cycle.objects.create(organisation_id=ghent, year=2025, framework=framework)
    made = OldAction.objects.create(
        organisation_id=ghent,
        cycle=cycle,
        recommendation="rec-1",
        title="Adopt goals",  # made by an English-speaking officer, never edited
        description="Write them down.",
        kpi_key="kpi-1",
        kpi_name="Share",
    )
    edited = OldAction.objects.create(
        organisation_id=ghent,
        cycle=cycle,
        recommendation="rec-1",
        title="Onze eigen doelen",  # the city's own words
        description="",
        kpi_key="kpi-1",
        kpi_name="Share",
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    made = RoadmapAction.objects.get(pk=made.pk)
    assert (made.title_en, made.title_fr, made.title_nl) == (
        "Adopt goals",
        "Adopter",
        "Doelen vastleggen",
    )
    assert (made.description_en, made.description_fr, made.description_nl) == (
        "Write them down.",
        "",
        "Schrijf ze op.",
    )
    assert (made.kpi_name_en, made.kpi_name_nl) == ("Share", "Aandeel")
    edited = RoadmapAction.objects.get(pk=edited.pk)
    assert (edited.title_en, edited.title_fr, edited.title_nl) == ("", "", "Onze eigen doelen")
    assert edited.kpi_name_nl == "Aandeel"
    # A Dutch reader of the first action reads Dutch.
    from django.utils import translation

    with translation.override("nl"):
        assert made.title == "Doelen vastleggen"
    assert Client().get("/healthz").status_code == 200
