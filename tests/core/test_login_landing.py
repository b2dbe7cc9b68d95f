"""After logging in, staff land on their dashboard and residents on their data; a page that
needs a log-in says why on the log-in page."""

from __future__ import annotations

import pytest
from django.test import Client

from cityrights.consent import services as consent
from tests.conftest import PASSWORD, make_city

pytestmark = pytest.mark.django_db


def log_in(email: str, next_url: str = "") -> str:
    data = {"username": email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = Client().post("/accounts/login/", data)
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def test_a_member_lands_on_the_dashboard_of_their_organisation(city_a):
    for role in ("admin", "editor", "reviewer", "viewer"):
        assert log_in(city_a.users[role].email) == "/manage/city-a/"


def test_a_member_of_several_organisations_chooses_among_them(city_a, db):
    from cityrights.core.models import Membership

    city_b = make_city("city-b", "City B")
    Membership.objects.create(user=city_a.users["viewer"], organisation=city_b.city, role="viewer")
    assert log_in(city_a.users["viewer"].email) == "/"


def test_a_resident_lands_on_their_data_in_the_city_that_keeps_it(city_a, resident):
    make_city("city-b", "City B")
    # Two public cities and no consent yet: nothing to choose for them, their account.
    assert log_in(resident.email) == "/accounts/"
    consent.subject_for_user(city_a.city, resident, create=True)
    assert log_in(resident.email) == "/cities/city-a/my-data/"


def test_with_one_public_city_a_resident_lands_on_their_data_there(city_a, resident):
    assert log_in(resident.email) == "/cities/city-a/my-data/"


def test_a_next_address_still_wins(city_a):
    assert log_in(city_a.users["admin"].email, "/accounts/") == "/accounts/"


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("/manage/city-a/register/", "staff area"),
        ("/cities/city-a/my-data/", "your own data"),
        ("/accounts/", "only for people who are logged in"),
    ],
)
def test_a_page_that_needs_a_log_in_says_why(city_a, target, words):
    response = Client().get(target, follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/?next=")
    page = response.content.decode()
    why = page.split('id="why-log-in"', 1)[1].split("</p>", 1)[0]
    assert words in why


def test_the_log_in_page_without_a_target_gives_no_reason(city_a):
    assert 'id="why-log-in"' not in Client().get("/accounts/login/").content.decode()
