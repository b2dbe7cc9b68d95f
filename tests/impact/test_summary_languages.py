"""Public summaries in the city's languages: one box per language, the reviewer's check of
missing translations, fallback with ``lang``, the public API and export, the migration."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from cityrights.impact import exports, services
from cityrights.impact.models import PublicSummary

from .conftest import advance, new_assessment

API = "/api/v1/impact/organisations/city-a/public-summaries"


@pytest.fixture
def decided(brussels):
    return advance(brussels, new_assessment(brussels), "decided", decision="approve")


def page(city, name, **kwargs):
    return reverse(f"impact:{name}", kwargs={"org": city.city.slug, **kwargs})


def test_the_form_has_one_box_per_city_language_and_requires_the_first(brussels, decided):
    editor = brussels.client_for("editor")
    address = page(brussels, "summary", pk=decided.pk)
    html = editor.get(address).content.decode()
    assert 'name="text_fr"' in html and 'name="text_nl"' in html
    assert 'name="text_en"' not in html  # English is not a language of this city
    assert 'lang="nl"' in html and "(French)" in html and "(Dutch)" in html
    refused = editor.post(address, {"action": "save", "text_nl": "Alleen Nederlands."})
    assert refused.status_code == 422
    assert 'id="id_text_fr_errors"' in refused.content.decode()
    assert not PublicSummary.objects.exists()
    saved = editor.post(address, {"action": "save", "text_fr": "Le résumé.", "text_nl": ""})
    assert saved.status_code == 302
    summary = PublicSummary.objects.get()
    assert (summary.text_fr, summary.text_nl, summary.text_en) == ("Le résumé.", "", "")


def test_the_reviewer_sees_what_is_missing_and_confirms_it_before_publishing(brussels, decided):
    summary = services.save_summary(decided, brussels.users["editor"], {"fr": "Le résumé."})
    reviewer = brussels.client_for("reviewer")
    address = page(brussels, "summary", pk=decided.pk)
    html = reviewer.get(address).content.decode()
    assert "Not written yet in: Dutch." in html
    assert 'name="missing_seen" value="nl"' in html
    refused = reviewer.post(address, {"action": "publish"})
    assert refused.status_code == 422
    assert "not written in every language of the city" in refused.content.decode()
    summary.refresh_from_db()
    assert not summary.is_public
    # A confirmation given for another state of the text is no confirmation.
    with pytest.raises(services.ImpactError):
        services.approve_summary(
            summary, brussels.users["reviewer"], publish=True, missing_seen="en,nl"
        )
    published = reviewer.post(address, {"action": "publish", "missing_seen": "nl"})
    assert published.status_code == 302
    summary.refresh_from_db()
    assert summary.is_public
    # Approving without publishing needs no confirmation: nothing reaches residents.
    services.save_summary(decided, brussels.users["editor"], {"fr": "Un autre résumé."})
    summary.refresh_from_db()
    services.approve_summary(summary, brussels.users["reviewer"], publish=False)


def test_a_summary_written_in_every_language_needs_no_confirmation(brussels, decided):
    summary = services.save_summary(
        decided,
        brussels.users["editor"],
        {"fr": "Le résumé.", "nl": "De samenvatting."},
        title={"fr": "Caméras du parc", "nl": "Camera's in het park"},
    )
    html = brussels.client_for("reviewer").get(page(brussels, "summary", pk=decided.pk))
    assert "missing_seen" not in html.content.decode()
    assert services.approve_summary(summary, brussels.users["reviewer"], publish=True).is_public


def test_residents_read_their_language_or_the_citys_first_marked_with_lang(brussels, decided):
    summary = services.save_summary(decided, brussels.users["editor"], {"fr": "Le résumé."})
    services.approve_summary(summary, brussels.users["reviewer"], publish=True, missing_seen="nl")
    address = page(brussels, "public_detail", pk=decided.pk)
    dutch = Client().get(address, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert '<p class="summary-text" lang="fr">Le résumé.</p>' in dutch
    # Without a title of its own the summary is named by the working title, in French.
    assert f'<h1 lang="fr">{decided.title}</h1>' in dutch
    french = Client().get(address, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<p class="summary-text">Le résumé.</p>' in french
    assert f"<h1>{decided.title}</h1>" in french
    services.save_summary(
        decided,
        brussels.users["editor"],
        {"fr": "Le résumé.", "nl": "De samenvatting."},
        title={"fr": "Caméras du parc", "nl": "Camera's in het park"},
    )
    # The text is unchanged in French but changed as a whole: approval is withdrawn.
    assert Client().get(address, HTTP_ACCEPT_LANGUAGE="nl").status_code == 404
    summary.refresh_from_db()
    services.approve_summary(summary, brussels.users["reviewer"], publish=True)
    dutch = Client().get(address, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert '<p class="summary-text">De samenvatting.</p>' in dutch
    assert "<h1>Camera&#x27;s in het park</h1>" in dutch
    listed = Client().get(page(brussels, "public_list"), HTTP_ACCEPT_LANGUAGE="nl")
    assert "Camera&#x27;s in het park</a>" in listed.content.decode()
    assert decided.title not in listed.content.decode()


def test_the_public_api_gives_every_language_and_no_draft(brussels, decided):
    summary = services.save_summary(
        decided,
        brussels.users["editor"],
        {"fr": "Le résumé.", "nl": "De samenvatting."},
        title={"fr": "Caméras du parc", "nl": "Camera's in het park"},
    )
    assert Client().get(API).json() == []  # written, not approved: not public
    services.approve_summary(summary, brussels.users["reviewer"], publish=False)
    assert Client().get(API).json() == []  # approved, not published: not public
    services.approve_summary(summary, brussels.users["reviewer"], publish=True)
    [found] = Client().get(API + "?lang=nl").json()
    assert found["assessment"] == decided.pk
    assert (found["language"], found["text"]) == ("nl", "De samenvatting.")
    assert found["texts"] == {"fr": "Le résumé.", "nl": "De samenvatting."}
    assert found["title"] == "Camera's in het park"
    assert found["titles"] == {"fr": "Caméras du parc", "nl": "Camera's in het park"}
    assert found["languages"] == ["fr", "nl"]
    assert found["url"].endswith(page(brussels, "public_detail", pk=decided.pk))
    [english] = Client().get(API + "?lang=en").json()
    assert (english["language"], english["text"]) == ("fr", "Le résumé.")
    brussels.city.is_public = False
    brussels.city.save()
    assert Client().get(API).status_code == 404


def test_the_assessment_export_carries_every_language(brussels, decided):
    services.save_summary(
        decided, brussels.users["editor"], {"fr": "Le résumé.", "nl": "De samenvatting."}
    )
    decided.refresh_from_db()
    data = exports.assessment_json(decided, "en")
    assert data["public_summary"]["texts"] == {"fr": "Le résumé.", "nl": "De samenvatting."}
    assert data["public_summary"]["languages"] == ["fr", "nl"]


def test_a_plain_text_is_the_citys_first_language(brussels, decided):
    summary = services.save_summary(decided, brussels.users["editor"], "Le résumé.")
    assert (summary.text_fr, summary.text_en) == ("Le résumé.", "")
    with pytest.raises(services.ImpactError):
        services.save_summary(decided, brussels.users["editor"], {"de": "Zusammenfassung"})
    with pytest.raises(services.ImpactError):
        services.save_summary(decided, brussels.users["editor"], {"fr": "  "})


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_existing_summaries_as_the_citys_first_language(city_a):
    before = [("impact", "0005_contributors_from_history")]
    assessment = advance(city_a, new_assessment(city_a), "decided", decision="approve")
    city_a.city.default_language = "nl"
    city_a.city.save()
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    OldSummary = apps.get_model("impact", "PublicSummary")
    OldSummary.objects.create(assessment_id=assessment.pk, text="De samenvatting.")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    summary = PublicSummary.objects.get(assessment=assessment)
    assert (summary.text_nl, summary.text_en, summary.text_fr) == ("De samenvatting.", "", "")
    # Migration 0007: the page's title until then, the working title, in the first language.
    assert (summary.title_nl, summary.title_en, summary.title_fr) == (assessment.title, "", "")


def test_a_title_missing_in_a_language_is_a_missing_translation(brussels, decided):
    """Every text in every language: the summary's text in French and Dutch is not enough
    while the title residents read is French only."""
    summary = services.save_summary(
        decided, brussels.users["editor"], {"fr": "Le résumé.", "nl": "De samenvatting."}
    )
    assert summary.title_fr == decided.title[:200]  # the working title stands in
    assert services.summary_gaps(summary) == ["nl"]
    with pytest.raises(services.ImpactError):
        services.approve_summary(summary, brussels.users["reviewer"], publish=True)
    editor = brussels.client_for("editor")
    address = page(brussels, "summary", pk=decided.pk)
    form = editor.get(address).content.decode()
    assert 'name="title_fr"' in form and 'name="title_nl"' in form
    editor.post(
        address,
        {
            "action": "save",
            "title_fr": "Caméras du parc",
            "title_nl": "Camera's in het park",
            "text_fr": "Le résumé.",
            "text_nl": "De samenvatting.",
        },
    )
    summary.refresh_from_db()
    assert (summary.title_fr, summary.title_nl) == ("Caméras du parc", "Camera's in het park")
    assert services.summary_gaps(summary) == []
