"""The base map (OpenStreetMap by default, a city's own tile server, or off), the policy opened
for its tiles only, the entry's own small map with its list of places, vocabulary addresses kept
behind a disclosure, and the catalogue's folded filters."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from cityrights.register import maps

from .conftest import make_entry

pytestmark = pytest.mark.django_db
BASE = "/cities/city-a/register/"


def img_src(response) -> list[str]:
    policy = response["Content-Security-Policy"]
    return re.search(r"img-src ([^;]*)", policy).group(1).split()


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tiles.example.org/{z}/{x}/{y}{r}.png", "https://*.tiles.example.org"),
        ("http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png", "http://127.0.0.1:8080"),
    ],
)
def test_the_policy_opens_the_tile_servers_origin_only(url, origin):
    assert maps.tile_origin(url) == origin


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "tiles/{z}/{x}/{y}.png", "https://{a}{b}.x/"]
)
def test_a_tile_url_that_is_not_a_web_address_is_refused(url):
    with pytest.raises(ValueError):
        maps.tile_origin(url)


def test_by_default_the_map_shows_openstreetmap_with_its_attribution(city_a, settings):
    settings.CITYRIGHTS_MAP_TILES = maps.OSM_TILES
    settings.CITYRIGHTS_MAP_ATTRIBUTION = ""
    entry = make_entry(city_a, locations=2)
    client = Client()
    for path in (BASE + "map/", entry.get_absolute_url()):
        response = client.get(path)
        page = response.content.decode()
        assert 'data-tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in page
        assert "openstreetmap.org/copyright" in page and "OpenStreetMap" in page
        assert img_src(response) == ["'self'", "data:", "https://tile.openstreetmap.org"]
    # Pages without a map keep the closed policy.
    assert img_src(client.get(BASE)) == ["'self'", "data:"]


def test_a_city_uses_its_own_tile_server_or_none(city_a, settings):
    entry = make_entry(city_a, locations=1)
    settings.CITYRIGHTS_MAP_TILES = "https://{s}.maps.city-a.example/{z}/{x}/{y}.png"
    settings.CITYRIGHTS_MAP_ATTRIBUTION = "City A survey office"
    response = Client().get(entry.get_absolute_url())
    assert img_src(response)[-1] == "https://*.maps.city-a.example"
    assert 'data-attribution="City A survey office"' in response.content.decode()
    settings.CITYRIGHTS_MAP_TILES = "off"
    response = Client().get(entry.get_absolute_url())
    assert img_src(response) == ["'self'", "data:"]
    assert 'data-tiles=""' in response.content.decode()


def test_an_entry_lists_its_places_beside_its_map_without_breaking_a_coordinate(city_a):
    entry = make_entry(city_a, name="Noise sensors", locations=2)
    page = Client().get(entry.get_absolute_url()).content.decode()
    assert 'id="register-map"' in page and 'data-places="#entry-places"' in page
    places = page.split('id="entry-places"', 1)[1].split("</ul>", 1)[0]
    for location in entry.locations.all():
        assert f'data-lat="{location.latitude}"' in places
        assert f'<span class="coordinates">{location.longitude}</span>' in places
        assert "Noise sensors place" in places


def test_residents_read_labels_and_find_vocabulary_addresses_under_technical_details(city_a):
    entry = make_entry(city_a, categories=["pd:Income"], purposes=["dpv:CombatClimateChange"])
    page = Client().get(entry.get_absolute_url()).content.decode()
    shown, technical = page.split('<details class="technical-details">', 1)
    technical = technical.split("</details>", 1)[0]
    assert "w3id.org" not in shown.split('id="main"', 1)[1]
    for iri in (
        "https://w3id.org/dpv#CombatClimateChange",
        "https://w3id.org/dpv/pd#Income",
        "https://w3id.org/dpv/legal/eu/gdpr#A6-1-e",
    ):
        assert f"<code>{iri}</code>" in technical
    assert "Technical details" in technical


def test_the_catalogue_folds_its_filters_and_opens_them_when_one_is_chosen(city_a):
    make_entry(city_a)
    folded = Client().get(BASE).content.decode()
    assert '<details class="register-filters">' in folded
    assert folded.index('<details class="register-filters">') < folded.index('id="f-kind"')
    chosen = Client().get(BASE, {"kind": "sensor", "q": "air"}).content.decode()
    assert '<details class="register-filters" open>' in chosen
    assert "(1 chosen)" in chosen
    searched = Client().get(BASE, {"q": "air"}).content.decode()
    assert '<details class="register-filters">' in searched


def test_the_maps_controls_and_credit_speak_the_readers_language(city_a, settings):
    settings.CITYRIGHTS_MAP_TILES = maps.OSM_TILES
    settings.CITYRIGHTS_MAP_ATTRIBUTION = ""
    entry = make_entry(city_a, locations=1)
    for path in (BASE + "map/", entry.get_absolute_url()):
        page = Client().get(path, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
        assert 'data-zoom-in="Inzoomen"' in page and 'data-zoom-out="Uitzoomen"' in page
        assert 'data-close="Deze beschrijving sluiten"' in page
        assert "OpenStreetMap&lt;/a&gt;-bijdragers" in page  # the credit's HTML, escaped
