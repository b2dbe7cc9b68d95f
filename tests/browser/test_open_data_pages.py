"""The city's open-data page passes axe's WCAG 2.x A/AA rules, in each language, and fits a
390 px phone without JavaScript; its catalogue link works from the page."""

from __future__ import annotations

import pytest

from cityrights.core import demo

from .conftest import assert_accessible

PAGE = "/cities/demo-city/open-data/"


@pytest.fixture
def demo_city(transactional_db):
    return demo.load()


@pytest.mark.parametrize("language", ["en", "fr", "nl"])
def test_the_open_data_page_is_accessible_in_each_language(
    browser, live_server, demo_city, language
):
    context = browser.new_context(base_url=live_server.url, locale=language)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    try:
        assert_accessible(page, PAGE)
        assert page.locator("html").get_attribute("lang") == language
    finally:
        context.close()


def test_the_open_data_page_fits_a_phone_without_javascript(browser, live_server, demo_city):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    try:
        page.goto(PAGE)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.locator("ul.open-data__list > li").count() >= 4
        link = page.get_by_role("link", name="Catalogue in DCAT-AP (Turtle)")
        response = page.request.get(link.get_attribute("href"))
        assert response.ok
        assert response.headers["content-type"].startswith("text/turtle")
    finally:
        context.close()
