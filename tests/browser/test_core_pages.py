"""Every core page passes axe's WCAG 2.x A/AA rules, and the basic journeys work in a browser."""

from __future__ import annotations

import contextlib

import pytest
from playwright.sync_api import expect

from cityrights.core import demo
from cityrights.core.models import ApiKey, Department, Membership, User

from .conftest import assert_accessible, login_as

PUBLIC_PAGES = [
    "/",
    "/cities/demo-city/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/signup/sent/",
    "/accounts/password/reset/",
    "/accounts/password/reset/sent/",
    "/api/v1/docs",
    "/no-such-page/",
    "/cities/no-such-city/",
]

ADMIN_PAGES = [
    "/manage/demo-city/",
    "/manage/demo-city/members/",
    "/manage/demo-city/members/{membership}/",
    "/manage/demo-city/departments/",
    "/manage/demo-city/departments/{department}/",
    "/manage/demo-city/settings/",
    "/manage/demo-city/api-keys/",
    "/manage/demo-city/audit/",
    "/accounts/",
    "/accounts/password/change/",
    "/accounts/delete/",
]


@pytest.fixture
def demo_city(transactional_db):
    return demo.load()


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_are_accessible(page, demo_city, path):
    assert_accessible(page, path)


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_are_accessible(page, demo_city, path):
    ApiKey.issue(demo_city.city, "Sensor hub", ["read"])
    admin = User.objects.get(email="admin@demo-city.example")
    login_as(page, admin)
    url = path.format(
        membership=Membership.objects.filter(organisation=demo_city.city).first().pk,
        department=Department.objects.filter(organisation=demo_city.city).first().pk,
    )
    assert_accessible(page, url)


@pytest.mark.parametrize("role", ["editor", "reviewer", "viewer"])
def test_role_dashboards_are_accessible(page, demo_city, role):
    login_as(page, User.objects.get(email=f"{role}@demo-city.example"))
    assert_accessible(page, "/manage/demo-city/")


def test_form_errors_are_accessible(page, demo_city):
    page.goto("/accounts/signup/")
    page.locator("#id_email").fill("not-an-address")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    assert_accessible(page, page.url)


def test_a_resident_signs_up_chooses_a_password_and_deletes_the_account(page, demo_city):
    import re

    from django.core import mail

    page.goto("/accounts/signup/")
    page.get_by_label("Name").fill("Sam Example")
    page.get_by_label("E-mail address").fill("sam@example.org")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    link = re.search(r"https?://[^/\s]+(/accounts/signup/\S+/)", mail.outbox[-1].body).group(1)
    assert_accessible(page, link)
    page.locator("#id_new_password1").fill("a-long-passphrase-1")
    page.locator("#id_new_password2").fill("a-long-passphrase-1")
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    page.get_by_role("link", name="Delete my account").click()
    page.locator("#id_password").fill("a-long-passphrase-1")
    page.get_by_role("button", name="Delete my account").click()
    assert not User.objects.filter(email="sam@example.org").exists()


def test_login_with_the_form_and_reach_the_dashboard(page, demo_city):
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill("admin@demo-city.example")
    page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto("/manage/demo-city/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Demo City")


def test_skip_link_moves_focus_to_main(page, demo_city):
    page.goto("/cities/demo-city/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Skip to main content" in focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_language_switcher_changes_the_interface(page, demo_city):
    page.goto("/cities/demo-city/")
    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()


SCRIPTED_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
    b'<script>document.title = "ran"</script><rect width="40" height="20" fill="#1d4f91"/></svg>'
)


def test_an_svg_logo_shows_in_the_page_and_downloads_when_opened_directly(
    page, demo_city, settings, tmp_path
):
    from django.core.files.base import ContentFile
    from playwright.sync_api import Error as PlaywrightError

    settings.MEDIA_ROOT = tmp_path
    demo_city.city.logo.save("logo.svg", ContentFile(SCRIPTED_SVG))
    page.goto("/cities/demo-city/")
    page.wait_for_function("document.querySelector('img.brand__logo').complete")
    assert page.evaluate("document.querySelector('img.brand__logo').naturalWidth") == 40
    # Chromium aborts a navigation that turns into a download: that error is the point.
    with page.expect_download() as download, contextlib.suppress(PlaywrightError):
        page.goto("/cities/demo-city/logo")
    assert download.value.suggested_filename == "demo-city-logo.svg"
