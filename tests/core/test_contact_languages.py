"""The city's postal address in its languages: settings form, city home page with fallback
and ``lang``, the API, the migration."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from cityrights.core.models import Organisation
from cityrights.core.translation import translations

SETTINGS = "/manage/city-a/settings/"
HOME = "/cities/city-a/"


def test_the_settings_form_has_one_address_box_per_city_language(brussels):
    admin = brussels.client_for("admin")
    html = admin.get(SETTINGS).content.decode()
    assert 'name="postal_address_fr"' in html and 'name="postal_address_nl"' in html
    assert 'name="postal_address_en"' not in html
    assert "(French)" in html and 'lang="nl"' in html
    form = {
        "name": "City A",
        "default_language": "fr",
        "additional_languages": ["nl"],
        "is_public": "on",
        "primary_colour": "#1d4f91",
        "accent_colour": "#8a1c4a",
        "postal_address_fr": "Hôtel de ville\nGrand-Place 1",
        "postal_address_nl": "",
    }
    assert admin.post(SETTINGS, form).status_code == 302
    brussels.city.refresh_from_db()
    assert translations(brussels.city, "postal_address") == {"fr": "Hôtel de ville\nGrand-Place 1"}


def test_residents_read_the_address_in_their_language_or_the_citys_first(brussels):
    city = brussels.city
    city.postal_address_fr = "Hôtel de ville\nGrand-Place 1"
    city.save()
    dutch = Client().get(HOME, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert '<address lang="fr">Hôtel de ville<br>Grand-Place 1</address>' in dutch
    city.postal_address_nl = "Stadhuis\nGrote Markt 1"
    city.save()
    dutch = Client().get(HOME, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "<address>Stadhuis<br>Grote Markt 1</address>" in dutch
    french = Client().get(HOME, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "<address>Hôtel de ville<br>Grand-Place 1</address>" in french


def test_the_api_gives_the_address_in_every_language(brussels):
    city = brussels.city
    city.postal_address_fr, city.postal_address_nl = "Grand-Place 1", "Grote Markt 1"
    city.save()
    found = Client().get("/api/v1/organisations/city-a", HTTP_ACCEPT_LANGUAGE="en").json()
    assert found["postal_addresses"] == {"fr": "Grand-Place 1", "nl": "Grote Markt 1"}
    assert found["postal_address"] == "Grand-Place 1"  # no English: the city's first language


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_address_in_the_citys_first_language():
    before = [("core", "0007_department_name_in_city_languages")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    OldOrganisation = apps.get_model("core", "Organisation")
    OldOrganisation.objects.create(
        slug="ghent", name="Ghent", kind="city", default_language="nl", postal_address="Stadhuis"
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    ghent = Organisation.objects.get(slug="ghent")
    assert (ghent.postal_address_nl, ghent.postal_address_en) == ("Stadhuis", "")


def test_the_api_gives_the_official_name_and_the_local_names(brussels):
    city = brussels.city
    city.local_name_fr, city.local_name_nl = "Bruxelles", "Brussel"
    city.save()
    found = Client().get("/api/v1/organisations/city-a", HTTP_ACCEPT_LANGUAGE="nl").json()
    assert found["name"] == "City A"
    assert found["local_names"] == {"fr": "Bruxelles", "nl": "Brussel"}
