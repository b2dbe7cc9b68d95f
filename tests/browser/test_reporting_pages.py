"""Every annual-report page passes axe's WCAG 2.x A/AA rules and fits a 390 px phone: the
public list, last year's report in each of Demo City's languages, an older version, the
how-to-verify page, the staff dashboard, the staff list and both staff report pages."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils import timezone

from cityrights.core import demo
from cityrights.core.models import User
from cityrights.reporting.models import AnnualReport

from .conftest import assert_accessible, login_as

PUBLIC = "/cities/demo-city/reports/"
STAFF = "/manage/demo-city/reporting/"


@pytest.fixture
def demo_city(transactional_db):
    cache.clear()
    return demo.load()


def public_pages() -> list[str]:
    year = timezone.localdate().year - 1
    return [
        PUBLIC,
        PUBLIC + f"{year}/",
        PUBLIC + f"{year}/?language=fr",
        PUBLIC + f"{year}/?language=nl",
        PUBLIC + f"{year}/v1/",
        PUBLIC + "how-to-verify/",
    ]


def staff_pages() -> list[str]:
    reports = AnnualReport.objects.filter(organisation__slug="demo-city")
    year = timezone.localdate().year
    published = reports.get(year=year - 1)
    draft = reports.get(year=year)
    return [
        STAFF,
        STAFF + "reports/",
        published.get_staff_url(),
        draft.get_staff_url(),
    ]


def _too_wide(page, paths) -> list[str]:
    """The pages wider than a 390 px phone (tables scroll inside their own box)."""
    page.set_viewport_size({"width": 390, "height": 844})
    wide = []
    for path in paths:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 392:
            wide.append(f"{path}: {width}px")
    return wide


def test_public_report_pages_are_accessible_and_fit_a_phone(page, demo_city):
    for path in public_pages():
        assert_accessible(page, path)
    assert _too_wide(page, public_pages()) == []


@pytest.mark.parametrize("role", ["editor", "reviewer", "viewer"])
def test_staff_report_pages_are_accessible(page, demo_city, role):
    login_as(page, User.objects.get(email=f"{role}@demo-city.example"))
    for path in staff_pages():
        assert_accessible(page, path)


def test_staff_report_pages_fit_a_phone(page, demo_city):
    login_as(page, User.objects.get(email="editor@demo-city.example"))
    assert _too_wide(page, staff_pages()) == []
