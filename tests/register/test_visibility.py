"""Drafts, entries in review and working copies are never public, through any channel.

Every public channel is read with an anonymous client and must show the published entry and
nothing of the hidden ones: HTML pages, search, the JSON API, the Atom feed, GeoJSON, every
export, QR codes, signs and short URLs. Text is escaped everywhere.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from cityrights.register import services

from .conftest import SCRIPT, make_entry

pytestmark = pytest.mark.django_db

BASE = "/cities/city-a/register/"
CHANNELS = [
    BASE,
    BASE + "?q=gadget",
    BASE + "?q=Secret",
    BASE + "?retired=1",
    BASE + "map/",
    BASE + "map/locations.geojson",
    BASE + "feed/",
    BASE + "open-data/register.csv",
    BASE + "open-data/locations.geojson",
    BASE + "open-data/dcat.ttl",
    BASE + "open-data/dcat.jsonld",
    BASE + "open-data/standards/uk-atrs.json",
    BASE + "open-data/standards/eurocities.json",
    BASE + "open-data/standards/algoritmeregister.json",
    "/api/v1/register/city-a/entries",
    "/api/v1/register/city-a/entries?q=Secret",
    "/api/v1/register/city-a/entries?retired=true",
    "/cities/city-a/",
]
SECRETS = (
    "Secret draft gadget",
    "Secret review gadget",
    "Secret revision gadget",
    "Secret revision text",
    "Secret revision place",
)


def body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.mark.parametrize("url", CHANNELS)
def test_hidden_entries_appear_in_no_public_channel(hidden, url):
    response = Client().get(url)
    assert response.status_code == 200, url
    text = body(response)
    for secret in SECRETS:
        assert secret not in text, url
    for key in ("draft", "review", "revision"):
        assert hidden[key].code not in text, f"{key} code leaked through {url}"
    if not any(part in url for part in ("standards", "feed", "dcat")) and url != "/cities/city-a/":
        assert "Public base gadget" in text or "q=" in url, url


@pytest.mark.parametrize("key", ["draft", "review", "revision"])
def test_hidden_entries_have_no_public_address(hidden, key):
    entry = hidden[key]
    client = Client()
    for url in (
        f"{BASE}{entry.code}/",
        f"{BASE}{entry.code}/qr.svg",
        f"{BASE}{entry.code}/qr.png",
        f"{BASE}{entry.code}/sign.pdf",
        f"{BASE}{entry.code}/ask/",
        f"/r/{entry.code}",
        f"/api/v1/register/city-a/entries/{entry.code}",
    ):
        assert client.get(url).status_code == 404, url
    for location in entry.locations.all():
        for url in (
            f"/r/{location.code}",
            f"{BASE}places/{location.code}/qr.png",
            f"{BASE}places/{location.code}/sign.pdf",
        ):
            assert client.get(url).status_code == 404, url


def test_members_see_drafts_only_in_the_staff_area(city_a, hidden):
    client = city_a.client_for("viewer")
    assert client.get(f"{BASE}{hidden['draft'].code}/").status_code == 404
    staff = client.get(f"/manage/city-a/register/{hidden['draft'].pk}/")
    assert staff.status_code == 200
    assert "Secret draft gadget" in staff.content.decode()


def test_published_entry_is_public_on_every_channel(published):
    client = Client()
    assert client.get(f"{BASE}{published.code}/").status_code == 200
    assert client.get(f"/r/{published.code}")["Location"] == f"{BASE}{published.code}/"
    location = published.locations.get()
    assert client.get(f"/r/{location.code}")["Location"] == (
        f"{BASE}{published.code}/#location-{location.code}"
    )
    assert client.get(f"/api/v1/register/city-a/entries/{published.code}").status_code == 200


def test_retired_entry_stays_readable_but_leaves_lists_and_exports(city_a):
    retired = make_entry(city_a, state="retired", name="Old tunnel camera")
    client = Client()
    page = client.get(f"{BASE}{retired.code}/").content.decode()
    assert "withdrawn from the register" in page
    assert "Old tunnel camera" not in client.get(BASE).content.decode()
    assert "Old tunnel camera" in client.get(BASE + "?retired=1").content.decode()
    assert "Old tunnel camera" not in body(client.get(BASE + "open-data/register.csv"))
    assert retired.code not in body(client.get(BASE + "map/locations.geojson"))
    assert "Old tunnel camera" in client.get(BASE + "feed/").content.decode()


def test_private_city_register_is_hidden_from_the_public(city_a, published):
    city_a.city.is_public = False
    city_a.city.save()
    client = Client()
    assert client.get(BASE).status_code == 404
    assert client.get(f"{BASE}{published.code}/").status_code == 404
    assert client.get(f"/r/{published.code}").status_code == 404
    assert client.get("/api/v1/register/city-a/entries").status_code == 404
    assert city_a.client_for("viewer").get(BASE).status_code == 200


def test_other_city_cannot_reach_entries_through_its_own_address(city_a, city_b, published):
    client = Client()
    assert client.get(f"/cities/city-b/register/{published.code}/").status_code == 404
    assert client.get(f"/api/v1/register/city-b/entries/{published.code}").status_code == 404
    assert published.code not in client.get("/cities/city-b/register/").content.decode()


def test_text_is_escaped_everywhere(city_a):
    entry = make_entry(
        city_a,
        name=f"Cam {SCRIPT}",
        summary=f"Summary {SCRIPT}",
        data_subjects=SCRIPT,
        kind="algorithm",
    )
    services.retire(entry, actor=city_a.users["reviewer"], reason=f"Why {SCRIPT}")
    entry = make_entry(city_a, name=f"Live {SCRIPT}", summary=SCRIPT, kind="algorithm")
    client = Client()
    for url in (
        BASE,
        BASE + "?retired=1",
        f"{BASE}{entry.code}/",
        f"{BASE}{entry.code}/ask/",
        BASE + "map/",
        BASE + "feed/",
        "/cities/city-a/",
    ):
        assert SCRIPT not in client.get(url).content.decode(), url
    staff = city_a.client_for("viewer")
    for url in (
        "/manage/city-a/register/",
        f"/manage/city-a/register/{entry.pk}/",
        "/manage/city-a/",
    ):
        assert SCRIPT not in staff.get(url).content.decode(), url
    geojson = json.loads(body(client.get(BASE + "map/locations.geojson")))
    assert geojson["features"][0]["properties"]["name"].startswith("Live <script>")
    raw = body(client.get(BASE + "map/locations.geojson"))
    assert "<script>" not in raw  # encoded as \u003c so it is safe even inside HTML
    feed = client.get(BASE + "feed/").content.decode()
    assert "&lt;script&gt;" in feed or "&amp;lt;script&amp;gt;" in feed
