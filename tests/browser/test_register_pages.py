"""Every register page passes axe's WCAG 2.x A/AA rules; the map works by keyboard; and the
journey editor → reviewer publishes → resident finds it by search, map and short URL works."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cityrights.core import demo
from cityrights.core.models import User
from cityrights.register.models import Entry, Location, Question

from .conftest import assert_accessible, login_as

R = "/cities/demo-city/register/"
M = "/manage/demo-city/register/"


@pytest.fixture
def demo_city(transactional_db, settings):
    settings.CITYRIGHTS_REGISTER_QUESTION_MIN_SECONDS = 0
    return demo.load()


def _published() -> Entry:
    return Entry.objects.listed().filter(locations__isnull=False).distinct().first()


PUBLIC_PAGES = [
    R,
    R + "?q=camera",
    R + "?kind=sensor&risk=low&retired=1",
    R + "map/",
    R + "open-data/",
    "{entry}",
    "{retired}",
    "{entry}ask/",
    "/cities/demo-city/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_register_pages_are_accessible(page, demo_city, path):
    entry = _published()
    retired = Entry.objects.get(state="retired")
    url = path.format(entry=entry.get_absolute_url(), retired=retired.get_absolute_url())
    assert_accessible(page, url)


STAFF_PAGES = [
    M,
    M + "?state=draft",
    M + "new/",
    M + "questions/",
    M + "questions/{question}/",
    M + "import/",
    M + "signs/",
    M + "{draft}/",
    M + "{draft}/edit/",
    M + "{draft}/locations/{location}/",
    M + "{review}/",
    M + "{published}/",
    M + "{retired}/",
    "/manage/demo-city/",
]


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_register_pages_are_accessible(page, demo_city, path):
    draft = Entry.objects.filter(state="draft", revision_of__isnull=True).first()
    Location.objects.create(entry=draft, latitude=50.88, longitude=4.31, description_en="Depot")
    entry = _published()
    question = Question.objects.create(
        organisation=demo_city.city, entry=entry, message="Who can see the images?"
    )
    url = path.format(
        draft=draft.pk,
        location=draft.locations.first().pk,
        review=Entry.objects.filter(state="in_review").first().pk,
        published=entry.pk,
        retired=Entry.objects.get(state="retired").pk,
        question=question.pk,
    )
    login_as(page, User.objects.get(email="admin@demo-city.example"))
    assert_accessible(page, url)


def test_reviewer_page_with_publish_form_is_accessible(page, demo_city):
    login_as(page, User.objects.get(email="reviewer@demo-city.example"))
    entry = Entry.objects.filter(state="in_review").first()
    assert_accessible(page, M + f"{entry.pk}/")
    expect(page.get_by_role("button", name="Publish")).to_be_visible()


def test_form_errors_are_accessible(page, demo_city):
    login_as(page, User.objects.get(email="editor@demo-city.example"))
    page.goto(M + "new/")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    assert_accessible(page, page.url)
    page.goto(_published().get_absolute_url() + "ask/")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    assert_accessible(page, page.url)


def test_map_is_usable_by_keyboard(page, demo_city):
    page.goto(R + "map/")
    page.wait_for_selector("#register-map[data-ready='true']")
    assert_accessible(page, R + "map/")
    page.wait_for_selector("#register-map[data-ready='true']")
    single = page.locator("img.leaflet-marker-icon").first
    assert single.get_attribute("tabindex") == "0"
    assert single.get_attribute("role") == "button"
    assert single.get_attribute("alt")
    single.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    read_more = popup.get_by_role("link", name="Read more").first
    expect(read_more).to_be_visible()
    # Leaflet's own controls carry the page's words, not Leaflet's English.
    expect(page.get_by_role("button", name="Close this description")).to_be_attached()
    assert page.locator(".leaflet-control-zoom-in").get_attribute("title") == "Zoom in"
    # The focus moves into the popup, and Escape closes it and returns to the marker.
    assert page.evaluate("document.activeElement.textContent") == "Read more"
    page.keyboard.press("Escape")
    popup.wait_for(state="detached")
    assert page.evaluate("document.activeElement.classList.contains('leaflet-marker-icon')")
    groups = page.locator(".register-group")
    assert groups.count(), "the demo city has places close enough to be grouped"
    before = page.locator(".leaflet-marker-icon").count()
    groups.first.focus()
    page.keyboard.press("Enter")
    # Enter zooms in (more, smaller groups) and puts the focus on a place inside the group.
    page.wait_for_function(f"document.querySelectorAll('.leaflet-marker-icon').length > {before}")
    page.wait_for_function(
        "document.activeElement.classList.contains('leaflet-marker-icon')"
        " && document.body.contains(document.activeElement)"
    )
    # The list alternative carries the same places without JavaScript.
    assert page.get_by_role("table").locator("tbody tr").count() >= 20


def test_journey_editor_reviewer_resident(page, demo_city, browser, live_server):
    editor = User.objects.get(email="editor@demo-city.example")
    login_as(page, editor)
    page.goto(M + "new/")
    page.locator("#id_kind").select_option("sensor")
    # Demo City writes in English, French and Dutch: one box per language.
    page.locator("#id_name_en").fill("Heat-stress sensors in Willow Park")
    page.locator("#id_name_nl").fill("Hittesensoren in Willow Park")
    page.get_by_label("Summary in plain language (English)").fill(
        "Sensors in Willow Park measure heat and humidity so the city can plan shade."
    )
    page.get_by_label("Tackling climate change").check()
    page.get_by_role("button", name="Save draft").click()
    page.get_by_label("Description of the place (English)").fill("Willow Park, by the pond")
    page.get_by_label("Latitude").fill("50.8777")
    page.get_by_label("Longitude").fill("4.3001")
    page.get_by_role("button", name="Add location").click()
    page.get_by_role("button", name="Submit for review").click()
    entry = Entry.objects.get(name_en="Heat-stress sensors in Willow Park")
    assert entry.state == "in_review"

    reviewer_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    reviewer_page = reviewer_context.new_page()
    login_as(reviewer_page, User.objects.get(email="reviewer@demo-city.example"))
    reviewer_page.goto(M + f"{entry.pk}/")
    reviewer_page.get_by_label("What changed (shown in the public history)").fill("New pilot.")
    # French and Dutch are missing: the reviewer reads the list and confirms.
    expect(reviewer_page.get_by_text("Review of translations")).to_be_visible()
    reviewer_page.get_by_label(
        "I have read this list and publish without these translations"
    ).check()
    reviewer_page.get_by_role("button", name="Publish").click()
    reviewer_context.close()
    entry.refresh_from_db()
    assert entry.state == "published"

    resident_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    resident = resident_context.new_page()
    resident.goto(R)
    resident.get_by_role("searchbox", name="Search").fill("Willow heat")
    resident.get_by_role("button", name="Search", exact=True).click()
    resident.get_by_role("link", name="Heat-stress sensors in Willow Park").click()
    expect(resident.get_by_role("heading", level=1)).to_have_text(
        "Heat-stress sensors in Willow Park"
    )
    expect(resident.locator("body")).to_contain_text("New pilot.")
    resident.goto(R + "map/")
    resident.wait_for_selector("#register-map[data-ready='true']")
    expect(resident.get_by_role("row", name="Willow Park, by the pond")).to_be_visible()
    resident.goto(f"/r/{entry.code}")
    assert resident.url.endswith(entry.get_absolute_url())
    location = entry.locations.get()
    resident.goto(f"/r/{location.code}")
    assert f"#location-{location.code}" in resident.url
    resident_context.close()


def test_public_pages_fit_a_phone_screen(page, demo_city):
    """Residents arrive from a QR code on a phone: long web addresses in the entry's details and
    the filter menus of the catalogue must wrap instead of making the page scroll sideways."""
    page.set_viewport_size({"width": 360, "height": 780})
    entry = Entry.objects.listed().filter(terms__kind="legal_basis").distinct().first()
    for url in [R, entry.get_absolute_url(), R + "map/", R + "open-data/"]:
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{url} is {width} px wide"


def test_a_dutch_reader_reads_dutch_and_the_english_fallback_is_marked(
    browser, live_server, demo_city
):
    """The entry page in Dutch: Dutch texts, and an untranslated text carries lang="en"."""
    entry = Entry.objects.get(name_en="Air-quality sensors")
    Entry.objects.filter(pk=entry.pk).update(summary_nl="")
    context = browser.new_context(base_url=live_server.url, locale="nl-BE")
    page = context.new_page()
    page.goto(entry.get_absolute_url())
    assert page.locator("html").get_attribute("lang") == "nl"
    expect(page.get_by_role("heading", level=1)).to_have_text("Luchtkwaliteitssensoren")
    lead = page.locator("p.lead")
    assert lead.get_attribute("lang") == "en"
    assert lead.inner_text().startswith("Small boxes on lamp posts")
    expect(page.locator("#where")).to_be_visible()
    expect(page.get_by_text("Stadhuisplein")).to_be_visible()
    assert_accessible(page, entry.get_absolute_url())
    context.close()


def test_import_progress_page_is_accessible(page, demo_city, tmp_path):
    """The streamed import page (its steps, then the drafts created) passes axe too."""
    from axe_playwright_python.sync_playwright import Axe

    from cityrights.register import importing

    from .conftest import AXE_TAGS

    login_as(page, User.objects.get(email="editor@demo-city.example"))
    page.goto(M + "import/")
    inventory = tmp_path / "inventory.csv"
    inventory.write_text(importing.template_csv(), encoding="utf-8")
    page.set_input_files("input[type=file]", str(inventory))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Saved the entry.")).to_be_visible()
    expect(page.get_by_role("heading", name="1 draft was created")).to_be_visible()
    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    assert results.violations_count == 0, results.generate_report()
