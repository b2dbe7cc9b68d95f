"""The staff pages of core show a service's refusal next to the field it concerns."""

from __future__ import annotations

import pytest

from cityrights.core.models import Department, Membership

pytestmark = pytest.mark.django_db


def test_a_taken_short_name_is_shown_on_the_department_forms(city_a):
    client = city_a.client_for("admin")
    response = client.post(
        "/manage/city-a/departments/", {"name_en": "Mobility again", "slug": "mobility"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"slug": ["Another department uses this short name."]}
    assert Department.objects.filter(organisation=city_a.city).count() == 1
    parks = Department.objects.create(organisation=city_a.city, name_en="Parks", slug="parks")
    response = client.post(
        f"/manage/city-a/departments/{parks.pk}/", {"name_en": "Parks", "slug": "mobility"}
    )
    assert response.context["form"].errors == {"slug": ["Another department uses this short name."]}
    response = client.post(
        f"/manage/city-a/departments/{parks.pk}/", {"name_en": "Parks and trees", "slug": "parks"}
    )
    assert response.status_code == 302


def test_adding_a_member_twice_is_shown_on_the_email_field(city_a):
    response = city_a.client_for("admin").post(
        "/manage/city-a/members/", {"email": "EDITOR@city-a.example", "role": "viewer"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"email": ["This person is already a member."]}
    assert Membership.objects.filter(organisation=city_a.city).count() == 4


def test_removing_the_last_administrator_says_why_on_the_next_page(city_a):
    admin = Membership.objects.get(user=city_a.users["admin"])
    client = city_a.client_for("admin")
    response = client.post(f"/manage/city-a/members/{admin.pk}/", {"remove": "1"}, follow=True)
    assert "The organisation needs at least one administrator." in response.content.decode()
    assert response.redirect_chain[-1][0] == f"/manage/city-a/members/{admin.pk}/"
