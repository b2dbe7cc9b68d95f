"""The city's name in its languages ("Bruxelles", "Brussel"): entered on the settings page,
shown on pages and in the open-data titles of each language, while what is signed keeps the
official name."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import translation

from cityrights.core import demo
from cityrights.core.open_data import city_catalogue
from cityrights.core.translation import translations

SETTINGS = "/manage/city-a/settings/"
HOME = "/cities/city-a/"
FORM = {
    "name": "City A",
    "default_language": "fr",
    "additional_languages": ["nl"],
    "is_public": "on",
    "primary_colour": "#1d4f91",
    "accent_colour": "#8a1c4a",
}

pytestmark = pytest.mark.django_db


def test_the_settings_form_has_one_local_name_box_per_city_language(brussels):
    admin = brussels.client_for("admin")
    html = admin.get(SETTINGS).content.decode()
    assert 'name="local_name_fr"' in html and 'name="local_name_nl"' in html
    assert 'name="local_name_en"' not in html  # English is not one of the city's languages
    assert "Official name" in html and "signed documents keep the official name" in html
    response = admin.post(SETTINGS, {**FORM, "local_name_fr": "Bruxelles", "local_name_nl": ""})
    assert response.status_code == 302  # a local name is optional in every language
    brussels.city.refresh_from_db()
    assert translations(brussels.city, "local_name") == {"fr": "Bruxelles"}
    assert brussels.city.name == "City A"


def test_pages_show_the_name_of_the_readers_language_else_the_official_one(brussels):
    city = brussels.city
    city.local_name_fr, city.local_name_nl = "Bruxelles", "Brussel"
    city.save()
    dutch = Client().get(HOME, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "<h1>Digitale rechten in Brussel</h1>" in dutch
    assert "· Brussel · cityrights</title>" in dutch
    assert "Bruxelles" not in dutch and "City A" not in dutch
    french = Client().get(HOME, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Bruxelles" in french and "Brussel<" not in french
    english = Client().get(HOME, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Digital rights in City A</h1>" in english  # no English name: the official one

    city.local_name_nl = ""  # named in French only: a Dutch reader reads the official name
    city.save()
    dutch = Client().get(HOME, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "<h1>Digitale rechten in City A</h1>" in dutch


def test_a_name_kept_for_a_language_the_city_dropped_is_not_shown(brussels):
    """The settings page hides the box of a language the city no longer writes in; what
    cannot be seen there or corrected must not be shown to residents either."""
    city = brussels.city
    city.local_name_fr, city.local_name_nl = "Braine-l'Alleud", "Eigenbrakel"
    city.save()
    admin = brussels.client_for("admin")
    # The form as the browser sends it: the boxes still filled, Dutch unticked.
    unticked = {**FORM, "additional_languages": [], "local_name_fr": "Braine-l'Alleud"}
    assert admin.post(SETTINGS, {**unticked, "local_name_nl": "Eigenbrakel"}).status_code == 302
    city.refresh_from_db()
    assert city.local_name_nl == "Eigenbrakel"  # kept, should Dutch come back
    dutch = Client().get(HOME, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Eigenbrakel" not in dutch and "<h1>Digitale rechten in City A</h1>" in dutch
    french = Client().get(HOME, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "<h1>Droits numériques à Braine-l&#x27;Alleud</h1>" in french


def test_the_open_data_titles_carry_the_name_of_each_language(brussels):
    city = brussels.city
    city.local_name_fr, city.local_name_nl = "Bruxelles", "Brussel"
    city.save()
    with translation.override("en"):
        found = city_catalogue(city)
    assert found.title == {"fr": "Données ouvertes de Bruxelles", "nl": "Open data van Brussel"}
    assert found.publisher.name == "City A"  # the publisher is the legal body: official name


def test_the_demo_city_has_its_french_and_dutch_names():
    city = demo.load().city
    assert city.name == "Demo City"
    with translation.override("nl"):
        assert city.shown_name == "Demostad"
    with translation.override("fr"):
        assert city.shown_name == "Ville-Démo"
    with translation.override("en"):
        assert city.shown_name == "Demo City"
    assert json.dumps(translations(city, "local_name"), sort_keys=True) == json.dumps(
        demo.LOCAL_NAME, sort_keys=True
    )
