"""The role matrix, per page and per API route, including cross-city isolation."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cityrights.core.models import ApiKey
from cityrights.core.permissions import ROLE_CAPABILITIES, can

STAFF_PAGES = {
    # url name: roles allowed (others get 403)
    "core:dashboard": {"admin", "editor", "reviewer", "viewer"},
    "core:members": {"admin"},
    "core:departments": {"admin"},
    "core:settings": {"admin"},
    "core:api_keys": {"admin"},
    "core:audit_log": {"admin"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", sorted(STAFF_PAGES))
@pytest.mark.parametrize("role", ["admin", "editor", "reviewer", "viewer"])
def test_staff_page_role_matrix(city_a, url_name, role):
    response = city_a.client_for(role).get(reverse(url_name, kwargs={"org": "city-a"}))
    expected = 200 if role in STAFF_PAGES[url_name] else 403
    assert response.status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", sorted(STAFF_PAGES))
def test_member_of_another_city_is_refused(city_a, city_b, url_name):
    response = city_b.client_for("admin").get(reverse(url_name, kwargs={"org": "city-a"}))
    assert response.status_code == 403
    assert "City A" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", sorted(STAFF_PAGES))
def test_anonymous_is_sent_to_login(city_a, url_name):
    url = reverse(url_name, kwargs={"org": "city-a"})
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


@pytest.mark.django_db
def test_resident_has_no_staff_access(city_a, resident):
    client = Client()
    client.force_login(resident)
    assert client.get(reverse("core:dashboard", kwargs={"org": "city-a"})).status_code == 403
    assert resident.is_resident
    assert not city_a.users["viewer"].is_resident


def test_capability_table_is_nested():
    assert ROLE_CAPABILITIES["viewer"] < ROLE_CAPABILITIES["editor"] < ROLE_CAPABILITIES["admin"]
    assert ROLE_CAPABILITIES["reviewer"] < ROLE_CAPABILITIES["admin"]
    assert "edit" not in ROLE_CAPABILITIES["reviewer"]
    assert "review" not in ROLE_CAPABILITIES["editor"]


@pytest.mark.django_db
def test_can_rejects_unknown_capability(city_a):
    with pytest.raises(ValueError, match="Unknown capability"):
        can(city_a.users["admin"], city_a.city, "fly")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "departments", "audit"),
    [
        ("admin", 200, 200),
        ("editor", 200, 403),
        ("reviewer", 200, 403),
        ("viewer", 200, 403),
    ],
)
def test_api_role_matrix(city_a, role, departments, audit):
    client = city_a.client_for(role)
    assert client.get("/api/v1/organisations/city-a/departments").status_code == departments
    assert client.get("/api/v1/organisations/city-a/audit-events").status_code == audit


@pytest.mark.django_db
def test_api_cross_city_isolation(city_a, city_b):
    client = city_b.client_for("admin")
    response = client.get("/api/v1/organisations/city-a/departments")
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    _key, secret = ApiKey.issue(city_b.city, "b", ["read", "write"])
    response = Client().get(
        "/api/v1/organisations/city-a/audit-events", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_api_anonymous_gets_401_json(city_a):
    response = Client().get("/api/v1/organisations/city-a/departments")
    assert response.status_code == 401
    assert response.json()["error"] == "unauthenticated"


@pytest.mark.django_db
def test_api_key_scopes(city_a):
    _key, read_only = ApiKey.issue(city_a.city, "reader", ["read"])
    client = Client()
    ok = client.get("/api/v1/organisations/city-a/departments", HTTP_X_API_KEY=read_only)
    assert ok.status_code == 200
    assert ok.json()[0]["slug"] == "mobility"
    denied = client.get("/api/v1/organisations/city-a/audit-events", HTTP_X_API_KEY=read_only)
    assert denied.status_code == 403
