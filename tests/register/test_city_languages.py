"""Register entries in the city's languages: entry, fallback, ``lang``, review, exports, history."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from cityrights.core.translation import missing_fingerprint
from cityrights.register import exports, importing, selectors, services
from cityrights.register.models import Entry, EntryVersion, Location, State

from .conftest import entry_data
from .test_visibility import body

M = "/manage/city-a/register/"


def french_entry(city, *, state="in_review", **texts):
    """An entry written in French only, with one place, in ``state``."""
    data = entry_data(city.department, name={"fr": "Capteurs de bruit"})
    data["summary"] = {"fr": "Mesure le bruit la nuit sur la place."}
    data.update(texts)
    editor = city.users["editor"]
    entry = services.create_entry(
        organisation=city.city,
        actor=editor,
        data=data,
        terms={"purpose": ["dpv:CombatClimateChange"]},
    )
    services.save_location(
        entry, actor=editor, latitude=50.85, longitude=4.35, description={"fr": "Place du Marché"}
    )
    if state == "draft":
        return entry
    return services.submit(entry, actor=editor)


def publish_seen(entry, reviewer):
    seen = missing_fingerprint(services.missing_translations(entry))
    return services.publish(entry, actor=reviewer, missing_seen=seen)


def test_the_form_has_one_input_per_city_language_and_requires_the_first(brussels):
    client = brussels.client_for("editor")
    html = client.get(M + "new/").content.decode()
    assert 'name="name_fr"' in html and 'name="name_nl"' in html
    assert 'name="name_en"' not in html  # English is not a language of this city
    assert 'lang="nl"' in html
    assert "(French)" in html and "(Dutch)" in html
    base = {
        "kind": "sensor",
        "department": brussels.department.pk,
        "status": "pilot",
        "automation_level": "none",
        "risk_level": "low",
        "purposes": ["https://w3id.org/dpv#PublicBenefit"],
    }
    refused = client.post(M + "new/", {**base, "name_nl": "Geluidsmeters", "summary_nl": "Meet."})
    assert refused.status_code == 200
    assert 'id="id_name_fr_errors"' in refused.content.decode()
    assert not Entry.objects.exists()
    saved = client.post(
        M + "new/",
        {**base, "name_fr": "Sonomètres", "summary_fr": "Mesure le bruit.", "name_nl": "Meters"},
    )
    assert saved.status_code == 302
    entry = Entry.objects.get()
    assert (entry.name_fr, entry.name_nl, entry.name_en) == ("Sonomètres", "Meters", "")
    assert (entry.summary_fr, entry.summary_nl) == ("Mesure le bruit.", "")


def test_residents_read_their_language_else_the_first_marked_with_lang(brussels):
    entry = publish_seen(french_entry(brussels), brussels.users["reviewer"])
    entry.name_nl = "Geluidsmeters"
    entry.save()
    url = entry.get_absolute_url()
    dutch = Client().get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "<h1>Geluidsmeters</h1>" in dutch
    # The summary and the place have no Dutch text: French, marked as French.
    assert '<p class="lead" lang="fr">Mesure le bruit la nuit sur la place.</p>' in dutch
    assert '<span lang="fr">Place du Marché</span>' in dutch
    french = Client().get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "<h1>Capteurs de bruit</h1>" in french
    assert 'lang="fr">Mesure' not in french  # the page's own language needs no mark
    catalogue = (
        Client()
        .get(reverse("register:catalogue", kwargs={"org": "city-a"}), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert '<span lang="fr">Capteurs de bruit</span>' in catalogue


def test_the_catalogue_finds_and_sorts_by_any_language(brussels):
    reviewer = brussels.users["reviewer"]
    publish_seen(french_entry(brussels, name={"fr": "Zèbre", "nl": "Aardbei"}), reviewer)
    publish_seen(french_entry(brussels, name={"fr": "Abeille", "nl": "Zon"}), reviewer)
    organisation = brussels.city
    filters = selectors.Filters.from_query({})
    from django.utils import translation

    with translation.override("nl"):
        assert [e.name_nl for e in selectors.catalogue(organisation, filters)] == ["Aardbei", "Zon"]
    with translation.override("fr"):
        assert [e.name_fr for e in selectors.catalogue(organisation, filters)] == [
            "Abeille",
            "Zèbre",
        ]
    if connection.vendor != "postgresql":
        found = selectors.catalogue(organisation, selectors.Filters.from_query({"q": "aardbei"}))
        assert [e.name_fr for e in found] == ["Zèbre"]


def test_lists_show_which_entries_miss_a_translation(brussels):
    french_entry(brussels, state="draft")
    html = brussels.client_for("editor").get(M).content.decode()
    assert "Missing translation" in html and "Dutch" in html
    entry = Entry.objects.get()
    assert services.missing_translations(entry) == {
        "name": ["nl"],
        "summary": ["nl"],
        "places": ["nl"],
    }
    page = brussels.client_for("editor").get(entry.get_staff_url()).content.decode()
    assert "Texts still to translate" in page


def test_an_empty_optional_text_is_not_a_missing_translation(brussels):
    entry = french_entry(
        brussels,
        state="draft",
        name={"fr": "Sonomètres", "nl": "Geluidsmeters"},
        summary={"fr": "Mesure.", "nl": "Meet."},
    )
    Location.objects.filter(entry=entry).update(description_nl="Grote Markt")
    assert services.missing_translations(entry) == {}
    entry.details_fr = "Plus de détails."
    entry.save()
    assert services.missing_translations(entry) == {"details": ["nl"]}


def test_publishing_with_missing_translations_needs_the_reviewer_to_confirm(brussels):
    entry = french_entry(brussels)
    reviewer = brussels.client_for("reviewer")
    page = reviewer.get(entry.get_staff_url()).content.decode()
    assert "Review of translations" in page
    fingerprint = missing_fingerprint(services.missing_translations(entry))
    assert f'value="{fingerprint}"' in page
    url = reverse("register:staff_entry_publish", kwargs={"org": "city-a", "pk": entry.pk})
    refused = reviewer.post(url, {"publish-text": ""}, follow=True)
    assert "not translated into every language" in refused.content.decode()
    assert Entry.objects.get(pk=entry.pk).state == State.IN_REVIEW
    # The list changed since the reviewer saw it: the old confirmation does not count.
    stale = fingerprint
    Entry.objects.filter(pk=entry.pk).update(name_nl="Geluidsmeters")
    reviewer.post(url, {"missing_seen": stale})
    assert Entry.objects.get(pk=entry.pk).state == State.IN_REVIEW
    current = missing_fingerprint(services.missing_translations(Entry.objects.get(pk=entry.pk)))
    reviewer.post(url, {"missing_seen": current})
    assert Entry.objects.get(pk=entry.pk).state == State.PUBLISHED


def test_a_complete_entry_publishes_without_a_confirmation(brussels):
    entry = french_entry(
        brussels,
        name={"fr": "Sonomètres", "nl": "Geluidsmeters"},
        summary={"fr": "Mesure.", "nl": "Meet."},
    )
    Location.objects.filter(entry=entry).update(description_nl="Grote Markt")
    published = services.publish(entry, actor=brussels.users["reviewer"])
    assert published.state == State.PUBLISHED


def test_a_published_version_keeps_every_language_and_a_revision_copies_them(brussels):
    reviewer, editor = brussels.users["reviewer"], brussels.users["editor"]
    entry = publish_seen(
        french_entry(brussels, name={"fr": "Sonomètres", "nl": "Geluidsmeters"}), reviewer
    )
    version = EntryVersion.objects.get(entry=entry)
    assert version.snapshot["name"] == {"fr": "Sonomètres", "nl": "Geluidsmeters"}
    assert version.snapshot["languages"] == ["fr", "nl"]
    assert version.snapshot["locations"][0]["description"] == {"fr": "Place du Marché"}
    revision = services.start_revision(entry, actor=editor)
    assert (revision.name_fr, revision.name_nl) == ("Sonomètres", "Geluidsmeters")
    assert revision.locations.get().description_fr == "Place du Marché"
    services.update_entry(revision, actor=editor, data={"summary_nl": "Meet het lawaai."})
    copy = revision.locations.get()
    services.save_location(
        revision,
        actor=editor,
        location=copy,
        latitude=50.85,
        longitude=4.35,
        description={"fr": "Place du Marché", "nl": "Grote Markt"},
    )
    services.submit(revision, actor=editor)
    public = services.publish(Entry.objects.get(pk=revision.pk), actor=brussels.users["admin"])
    assert public.pk == entry.pk
    assert (public.summary_fr, public.summary_nl) == (
        "Mesure le bruit la nuit sur la place.",
        "Meet het lawaai.",
    )
    assert public.locations.get().description_nl == "Grote Markt"
    latest = EntryVersion.objects.get(entry=entry, number=2)
    assert latest.snapshot["summary"]["nl"] == "Meet het lawaai."
    assert EntryVersion.objects.get(entry=entry, number=1).snapshot["summary"] == {
        "fr": "Mesure le bruit la nuit sur la place."
    }


def test_exported_places_import_back_with_every_language(brussels):
    entry = french_entry(brussels, state="draft")
    services.save_location(
        entry,
        actor=brussels.users["editor"],
        latitude=50.8466,
        longitude=4.3528,
        description={"fr": "Grand-Place", "nl": "Grote Markt"},
    )
    editor = brussels.users["editor"]
    entry = publish_seen(services.submit(entry, actor=editor), brussels.users["reviewer"])
    text = exports.to_csv(list(selectors.listed_records(brussels.city)))
    result = importing.parse_csv(text, languages=brussels.city.content_languages)
    assert result.ok, [str(issue) for issue in result.issues]
    services.import_rows(result.rows, organisation=brussels.city, actor=editor)
    copy = Entry.objects.exclude(pk=entry.pk).get(revision_of=None)
    assert sorted(
        (float(p.latitude), p.description_fr, p.description_nl) for p in copy.locations.all()
    ) == [(50.8466, "Grand-Place", "Grote Markt"), (50.85, "Place du Marché", "")]


def test_exports_carry_every_language(brussels):
    entry = publish_seen(
        french_entry(brussels, name={"fr": "Sonomètres", "nl": "Geluidsmeters"}),
        brussels.users["reviewer"],
    )
    records = list(selectors.listed_records(brussels.city))
    text = exports.to_csv(records)
    row = next(csv.DictReader(io.StringIO(text)))
    assert (row["name_fr"], row["name_nl"], row["name_en"]) == ("Sonomètres", "Geluidsmeters", "")
    # Only the city's languages, even for a department that has a name in English too.
    assert brussels.department.name_en and row["department_en"] == ""
    assert row["summary_fr"] == "Mesure le bruit la nuit sur la place."
    assert row["summary_nl"] == ""
    assert row["locations_fr"].endswith("(Place du Marché)")
    assert row["locations_nl"] == ""
    geojson = json.loads(exports.geojson_text(records))
    properties = geojson["features"][0]["properties"]
    assert properties["names"] == {"fr": "Sonomètres", "nl": "Geluidsmeters"}
    assert properties["descriptions"] == {"fr": "Place du Marché"}
    api = Client().get(f"/api/v1/register/city-a/entries/{entry.code}", HTTP_ACCEPT_LANGUAGE="nl")
    body = api.json()
    assert body["name"] == "Geluidsmeters" and body["language"] == "nl"
    assert body["summary"] == "Mesure le bruit la nuit sur la place."
    assert body["languages"] == ["fr", "nl"]
    assert body["translations"]["name"] == {"fr": "Sonomètres", "nl": "Geluidsmeters"}
    assert body["locations"][0]["descriptions"] == {"fr": "Place du Marché"}


def test_the_map_layer_speaks_the_readers_language(brussels):
    publish_seen(
        french_entry(brussels, name={"fr": "Sonomètres", "nl": "Geluidsmeters"}),
        brussels.users["reviewer"],
    )
    from django.utils import translation

    with translation.override("nl"):
        dutch = json.loads(selectors.places_geojson(brussels.city, map_layer=True))
    with translation.override("fr"):
        french = json.loads(selectors.places_geojson(brussels.city, map_layer=True))
    assert dutch["features"][0]["properties"]["name"] == "Geluidsmeters"
    assert french["features"][0]["properties"]["name"] == "Sonomètres"
    # No Dutch description: the city's first language stands in.
    assert dutch["features"][0]["properties"]["description"] == "Place du Marché"


def test_the_map_layer_carries_what_the_map_shows_and_the_export_everything(brussels):
    """The map's layer is lean (it is what a phone downloads to open the map); the open-data
    file, which the map page links to, has every language, the kind, status and entry."""
    entry = french_entry(brussels, name={"fr": "Sonomètres", "nl": "Geluidsmeters"})
    publish_seen(entry, brussels.users["reviewer"])
    client = Client()
    layer = json.loads(body(client.get("/cities/city-a/register/map/locations.geojson")))
    (feature,) = layer["features"]
    assert set(feature["properties"]) == {"name", "description", "url"}
    assert feature["geometry"]["type"] == "Point" and feature["id"]
    export = json.loads(body(client.get("/cities/city-a/register/open-data/locations.geojson")))
    (full,) = export["features"]
    assert full["geometry"] == feature["geometry"] and full["id"] == feature["id"]
    assert full["properties"]["names"] == {"fr": "Sonomètres", "nl": "Geluidsmeters"}
    assert {"kind", "status", "entry", "descriptions"} <= set(full["properties"])
    page = client.get("/cities/city-a/register/map/").content.decode()
    assert 'href="/cities/city-a/register/open-data/locations.geojson"' in page


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_existing_texts_as_the_citys_first_language():
    """Entries and places written before translations move into the first language."""
    before = [
        ("core", "0006_published_content_version"),
        ("register", "0004_contributors_from_history"),
    ]
    after = [
        ("core", "0006_published_content_version"),
        ("register", "0005_texts_in_city_languages"),
    ]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    Organisation = apps.get_model("core", "Organisation")
    Department = apps.get_model("core", "Department")
    OldEntry = apps.get_model("register", "Entry")
    OldLocation = apps.get_model("register", "Location")
    ghent = Organisation.objects.create(
        slug="ghent", name="Ghent", kind="city", default_language="nl"
    )
    lyon = Organisation.objects.create(slug="lyon", name="Lyon", kind="city", default_language="fr")
    rows = {}
    for city, name in ((ghent, "Luchtmeters"), (lyon, "Capteurs d'air")):
        department = Department.objects.create(organisation=city, slug="env", name="Env")
        rows[city.slug] = OldEntry.objects.create(
            organisation=city,
            department=department,
            code=f"c{city.pk}x",
            kind="sensor",
            name=name,
            summary=f"{name}: summary",
            retention="5 years",
            human_oversight="",
        )
        OldLocation.objects.create(
            entry=rows[city.slug],
            code=f"l{city.pk}xxxxx",
            latitude=50,
            longitude=4,
            description=f"{name} place",
        )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    entry = Entry.objects.get(pk=rows["ghent"].pk)
    assert (entry.name_nl, entry.name_en, entry.name_fr) == ("Luchtmeters", "", "")
    assert (entry.summary_nl, entry.retention_nl) == ("Luchtmeters: summary", "5 years")
    assert entry.locations.get().description_nl == "Luchtmeters place"
    other = Entry.objects.get(pk=rows["lyon"].pk)
    assert (other.name_fr, other.name_nl) == ("Capteurs d'air", "")
    assert other.locations.get().description_fr == "Capteurs d'air place"
