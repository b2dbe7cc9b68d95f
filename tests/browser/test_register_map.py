"""The base map works out of the box: OpenStreetMap's tiles load under the real
Content-Security-Policy (no relaxation beyond the tile origin), the attribution shows, and an
entry's page has a small map of its own places next to the list of those places. The catalogue's
filters fold behind a "Filter" control that opens without JavaScript."""

from __future__ import annotations

import base64

import pytest
from playwright.sync_api import expect

from cityrights.core import demo
from cityrights.register.models import Entry

from .conftest import OFF_SITE, assert_accessible

R = "/cities/demo-city/register/"
# A 1 x 1 transparent PNG stands in for OpenStreetMap's tiles: the suite never goes online.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@pytest.fixture
def demo_city(transactional_db):
    return demo.load()


def _entry_with_places() -> Entry:
    return Entry.objects.listed().filter(locations__isnull=False).distinct().first()


def test_an_entry_shows_its_places_on_openstreetmap_under_the_real_policy(
    browser, live_server, demo_city, settings
):
    settings.CITYRIGHTS_MAP_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    settings.CITYRIGHTS_MAP_ATTRIBUTION = ""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")  # CSP enforced
    tiles: list[str] = []

    def tile(route):
        tiles.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=PNG)

    # Playwright asks the routes added last first.
    context.route(OFF_SITE, lambda route: route.abort())
    context.route("https://tile.openstreetmap.org/**", tile)
    page = context.new_page()
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    entry = _entry_with_places()
    page.goto(entry.get_absolute_url())
    page.wait_for_selector("#register-map[data-ready='true']")
    places = entry.locations.count()
    assert page.locator("#register-map .leaflet-marker-icon").count() >= 1
    assert page.locator("#entry-places li").count() == places
    page.wait_for_selector("#register-map img.leaflet-tile-loaded", state="attached")
    assert tiles and all(url.startswith("https://tile.openstreetmap.org/") for url in tiles)
    attribution = page.locator(".leaflet-control-attribution")
    assert "OpenStreetMap" in attribution.inner_text()
    assert attribution.get_by_role("link", name="OpenStreetMap").get_attribute("href") == (
        "https://www.openstreetmap.org/copyright"
    )
    assert refused == []
    # The same tiles on the map of every place.
    page.goto(R + "map/")
    page.wait_for_selector("#register-map[data-ready='true']")
    page.wait_for_selector("#register-map img.leaflet-tile-loaded", state="attached")
    assert refused == []
    context.close()


def test_the_entry_page_with_its_map_is_accessible(page, demo_city):
    url = _entry_with_places().get_absolute_url()
    page.goto(url)
    page.wait_for_selector("#register-map[data-ready='true']")
    assert_accessible(page, url)


def test_the_filters_open_without_javascript(browser, live_server, demo_city):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.goto(R)
    kind = page.locator("#f-kind")
    expect(kind).to_be_hidden()
    # The results follow the search field and the folded filters, not eight menus.
    assert page.locator("#results").bounding_box()["y"] < 844
    page.locator(".register-filters > summary").click()
    kind.select_option("sensor")
    page.get_by_role("button", name="Search").click()
    assert "kind=sensor" in page.url
    expect(page.locator("#f-kind")).to_be_visible()  # open again: the person sees what is chosen
    assert page.locator(".register-filters summary").inner_text().startswith("Filter (1 chosen)")
    context.close()
