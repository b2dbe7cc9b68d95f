"""A coalition's secretariat gets a navigation of its own: its member cities, not a city's
menu of register, consent and roadmap pages that are empty for a coalition."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from cityrights.core.models import Membership, Organisation, User

pytestmark = pytest.mark.django_db


def staff_links(page: str) -> list[str]:
    nav = page.split('class="staff-nav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'href="([^"]+)"', nav)


def test_the_secretariat_sees_the_coalitions_navigation(city_a):
    coalition = Organisation.objects.create(slug="network", name="Network", kind="coalition")
    secretariat = User.objects.create_user("sec@network.example", "x" * 12, name="Sec")
    Membership.objects.create(user=secretariat, organisation=coalition, role="viewer")
    client = Client()
    client.force_login(secretariat)
    links = staff_links(client.get("/manage/network/").content.decode())
    assert links == ["/manage/network/", "/manage/network/assessment/coalition/"]
    city_links = staff_links(city_a.client_for("viewer").get("/manage/city-a/").content.decode())
    assert "/manage/city-a/register/" in city_links
    assert "/manage/city-a/assessment/coalition/" not in city_links
