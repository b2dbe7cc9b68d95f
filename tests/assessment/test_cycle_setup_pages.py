"""Opening a cycle and assigning its sections: the next free year, no double assignment,
sections named in words."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from cityrights.assessment import services
from cityrights.assessment.forms import OpenCycleForm, next_free_year
from cityrights.assessment.models import SectionAssignment

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    return reverse(f"assessment:{name}", kwargs={"org": "city-a", **kwargs})


def test_open_cycle_form_offers_a_year_without_a_cycle(city_a, version):
    this_year = datetime.date.today().year
    assert next_free_year(city_a.city) == this_year
    services.open_cycle(city_a.city, this_year, version, city_a.users["admin"])
    assert next_free_year(city_a.city) == this_year + 1
    assert OpenCycleForm(organisation=city_a.city).fields["year"].initial == this_year + 1


def test_the_same_assignment_twice_is_refused(city_a, cycle):
    client = city_a.client_for("admin")
    data = {"area": "inclusion", "pillar": "", "user": city_a.users["editor"].pk}
    assert client.post(url("assignments", year=2025), data).status_code == 302
    again = client.post(url("assignments", year=2025), data)
    assert again.status_code == 200
    assert "already assigned" in again.content.decode()
    assert SectionAssignment.objects.filter(cycle=cycle).count() == 1


def test_remove_button_names_the_section_in_words(city_a, cycle):
    services.add_assignment(
        cycle,
        city_a.users["admin"],
        area="",
        pillar="tools",
        department=None,
        user=city_a.users["editor"],
    )
    html = city_a.client_for("admin").get(url("assignments", year=2025)).content.decode()
    assert "* / tools" not in html
    assert "Every area, Tools," in html
