"""Every page fits a 360 px phone: each role follows every link it is shown, and no page may be
wider than the screen (tables and code scroll inside their own box, never the page).

The crawl visits one example of each route per role (the first link found to it), so a page an
app adds is checked as soon as some page links to it; the test fails
(the administrator's case) if the crawl stops reaching an app's pages.
"""

from __future__ import annotations

from collections import deque
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from cityrights.core.models import User

from .conftest import login_as

PHONE = {"width": 360, "height": 780}  # the narrowest common phone
SKIPPED_SUFFIXES = (
    ".pdf", ".csv", ".json", ".jsonld", ".geojson", ".xlsx", ".png", ".svg", ".ttl", ".xml",
    ".rdf", ".jws", ".zip", ".txt", ".ics",
)  # fmt: skip
# Pages that are not HTML for a person, or that end the session.
SKIPPED_PREFIXES = ("/static/", "/media/", "/admin/", "/i18n/")
ROLES = {
    "anonymous": (None, ["/", "/cities/demo-city/", "/api/v1/docs", "/accounts/login/"]),
    "resident": ("resident@demo-city.example", ["/", "/cities/demo-city/", "/accounts/"]),
    "viewer": ("viewer@demo-city.example", ["/manage/demo-city/", "/accounts/"]),
    "editor": ("editor@demo-city.example", ["/manage/demo-city/"]),
    "reviewer": ("reviewer@demo-city.example", ["/manage/demo-city/"]),
    "admin": ("admin@demo-city.example", ["/manage/demo-city/", "/accounts/"]),
    "secretariat": ("secretariat@coalition.example", ["/", "/accounts/"]),
}
MOST_PAGES_PER_ROLE = 400
APPS = [
    "core",
    "assessment",
    "register",
    "consent",
    "impact",
    "capacity",
    "participation",
    "reporting",
]

# The script measuring what sticks out: the document's width and the widest elements.
MEASURE = """() => {
  const width = window.innerWidth;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0) {
      // What is positioned escapes its scrolling box unless that box is positioned too.
      let inside = false;
      if (['absolute', 'fixed'].includes(getComputedStyle(el).position)) {
        out.push(el.tagName.toLowerCase() + '(positioned) ' + Math.round(box.right));
        continue;
      }
      for (let up = el.parentElement; up; up = up.parentElement) {
        const style = getComputedStyle(up);
        if (['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX)) {
          inside = true; break;
        }
      }
      const classes = typeof el.className === 'string' ? el.className.trim() : '';
      if (!inside) out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (classes ? '.' + classes.split(/\\s+/).join('.') : '') + ' ' + Math.round(box.right));
    }
  }
  return {scroll: document.documentElement.scrollWidth, width, culprits: out.slice(0, 4)};
}"""


def route_name(path: str) -> str | None:
    """The route a same-site path resolves to, or None for what the crawl does not open."""
    if path.startswith(SKIPPED_PREFIXES) or path.lower().endswith(SKIPPED_SUFFIXES):
        return None
    if path.startswith("/api/") and path != "/api/v1/docs":
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def crawl(page, starts: list[str]) -> tuple[dict[str, str], list[str]]:
    """Open one page per route reachable from ``starts``; the routes seen and the pages too wide."""
    page.set_viewport_size(PHONE)
    seen: dict[str, str] = {}
    queue = deque(starts)
    wide: list[str] = []
    origin = urlsplit(page.context._impl_obj._options.get("baseURL")).netloc
    while queue and len(seen) < MOST_PAGES_PER_ROLE:
        path = queue.popleft()
        name = route_name(urlsplit(path).path)
        if name is None or name in seen:
            continue
        seen[name] = path
        try:
            response = page.goto(path)
        except PlaywrightError as error:
            if "Download is starting" in str(error):  # an attachment is not a page
                continue
            raise
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        measured = page.evaluate(MEASURE)
        if measured["scroll"] > measured["width"]:
            wide.append(f"{path}: {measured['scroll']}px {measured['culprits']}")
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            parts = urlsplit(href)
            if parts.netloc == origin and parts.path:
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen, wide


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_a_role_reaches_fits_a_phone(page, demo_city, role):
    email, starts = ROLES[role]
    if email:
        login_as(page, User.objects.get(email=email))
    seen, wide = crawl(page, starts)
    assert len(seen) > 3, seen
    if role == "admin":  # the crawl must keep reaching every app's pages
        apps = {name.split(":")[0] for name in seen}
        assert set(APPS) <= apps, sorted(apps)
    assert wide == [], "\n".join(wide)


def test_pages_load_without_a_console_error_and_have_an_icon(page, demo_city):
    """The missing favicon was the site's only console error."""
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))
    for path in ("/", "/cities/demo-city/"):
        response = page.goto(path)
        assert response is not None and response.ok
        icon = page.locator("link[rel='icon']").get_attribute("href")
        assert icon and page.request.get(icon).ok
    assert errors == []


def test_long_dutch_words_and_names_wrap_on_a_phone(page, demo_city):
    """Dutch makes one-word labels ("Gegevensbeschermingseffectbeoordeling", a radio choice
    of the new impact assessment) and a city may have a long one-word name: neither may
    widen the page (found in a Dutch walkthrough at 375 px)."""
    city = demo_city.city
    city.local_name_nl = "Sint-" + "Pieters" * 8 + "Woluwe"  # one word, wider than a phone
    city.save()
    login_as(page, User.objects.get(email="editor@demo-city.example"))
    from django.conf import settings

    url = page.context._impl_obj._options.get("baseURL")
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "nl", "url": url}])
    page.set_viewport_size(PHONE)
    for path in ("/manage/demo-city/impact/new/", "/cities/demo-city/register/"):
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == "nl"
        measured = page.evaluate(MEASURE)
        assert measured["scroll"] <= measured["width"], (path, measured["culprits"])
        assert page.locator(".brand").inner_text().startswith("Sint-Pieters")
        if "impact" in path:
            assert page.get_by_text("Gegevensbeschermingseffectbeoordeling").count() == 1
