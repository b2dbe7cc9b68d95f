"""Who may open which assessment page: every role, other cities, residents and anonymous."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cityrights.assessment import services
from cityrights.assessment.models import RoadmapAction

from .conftest import answer_all

pytestmark = pytest.mark.django_db

ROLES = ["admin", "editor", "reviewer", "viewer"]
EVERY_STAFF = set(ROLES)

# (url name, kwargs, roles that get 200)
PAGES = [
    ("cycles", {}, EVERY_STAFF),
    ("cycle", {"year": 2025}, EVERY_STAFF),
    ("assignments", {"year": 2025}, {"admin"}),
    ("answer", {"year": 2025, "area": "inclusion"}, {"admin"}),  # editor not assigned here
    ("review", {"year": 2025}, {"admin", "reviewer"}),
    ("review_question", {"year": 2025, "question": "inc-f-1"}, {"admin", "reviewer"}),
    ("results", {"year": 2025}, EVERY_STAFF),
    ("export_answers_csv", {"year": 2025}, EVERY_STAFF),
    ("export_scores_csv", {"year": 2025}, EVERY_STAFF),
    ("export_json", {"year": 2025}, EVERY_STAFF),
    ("import", {}, {"admin"}),
    ("coalition", {}, EVERY_STAFF),
    ("roadmap", {}, EVERY_STAFF),
    ("action_new", {}, {"admin", "editor"}),
    ("action", {"pk": "ACTION"}, EVERY_STAFF),
]


@pytest.fixture
def setup(city_a, cycle):
    answer_all(cycle, city_a.users["admin"])
    action = services.create_action(
        city_a.city, city_a.users["admin"], {"title": "Publish the register"}, cycle=cycle
    )
    return action


def _url(name, kwargs, action, org="city-a"):
    kwargs = {k: (action.pk if v == "ACTION" else v) for k, v in kwargs.items()}
    return reverse(f"assessment:{name}", kwargs={"org": org, **kwargs})


@pytest.mark.parametrize(("name", "kwargs", "allowed"), PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(city_a, setup, name, kwargs, allowed, role):
    response = city_a.client_for(role).get(_url(name, kwargs, setup))
    assert response.status_code == (200 if role in allowed else 403), response.content[:300]


@pytest.mark.parametrize(("name", "kwargs", "allowed"), PAGES, ids=[p[0] for p in PAGES])
def test_other_city_resident_and_anonymous_are_refused(
    city_a, city_b, resident, setup, name, kwargs, allowed
):
    url = _url(name, kwargs, setup)
    assert city_b.client_for("admin").get(url).status_code == 403
    client = Client()
    client.force_login(resident)
    assert client.get(url).status_code == 403
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_ids_of_another_city_are_not_found(city_a, city_b, setup):
    """City B's admin, on city B's own pages, cannot reach city A's objects by id."""
    client = city_b.client_for("admin")
    assert client.get(_url("action", {"pk": "ACTION"}, setup, org="city-b")).status_code == 404
    assert client.get(_url("cycle", {"year": 2025}, setup, org="city-b")).status_code == 404
    assert (
        client.post(
            _url("action_measure", {"pk": "ACTION"}, setup, org="city-b"),
            {"date": "2025-01-01", "value": 1},
        ).status_code
        == 404
    )
    assert RoadmapAction.objects.get(pk=setup.pk).measurements.count() == 0


@pytest.mark.parametrize("role", ["editor", "reviewer", "viewer"])
def test_only_admins_open_cycles_and_share(city_a, version, role):
    client = city_a.client_for(role)
    response = client.post(
        reverse("assessment:cycles", kwargs={"org": "city-a"}),
        {"year": 2030, "framework": version.pk},
    )
    assert response.status_code == 403
    response = client.post(
        reverse("assessment:coalition", kwargs={"org": "city-a"}), {"coalition": 1}
    )
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_submit_and_validate_need_the_review_capability(city_a, cycle, role):
    answer_all(cycle, city_a.users["admin"])
    url = reverse("assessment:transition", kwargs={"org": "city-a", "year": 2025})
    assert city_a.client_for(role).post(url, {"action": "submit"}).status_code == 403
    cycle.refresh_from_db()
    assert cycle.status == "open"


def test_viewer_cannot_change_the_roadmap(city_a, setup):
    client = city_a.client_for("viewer")
    url = _url("action", {"pk": "ACTION"}, setup)
    assert client.post(url, {"title_en": "Changed"}).status_code == 403
    assert (
        client.post(
            _url("action_measure", {"pk": "ACTION"}, setup), {"date": "2025-01-01", "value": 1}
        ).status_code
        == 403
    )
    setup.refresh_from_db()
    assert setup.title == "Publish the register"


def test_unpublished_results_stay_private(city_a, cycle, resident):
    answer_all(cycle, city_a.users["admin"])
    public = reverse("assessment:public_results", kwargs={"org": "city-a"})
    assert Client().get(public).status_code == 404
    client = Client()
    client.force_login(resident)
    assert client.get(public).status_code == 404
    assert (
        client.get(
            reverse("assessment:public_results_year", kwargs={"org": "city-a", "year": 2025})
        ).status_code
        == 404
    )
    # The city home shows no assessment section either.
    assert "maturity" not in Client().get("/cities/city-a/").content.decode()


def test_scale_page_is_public_but_not_for_unpublished_cities(city_a, version):
    assert (
        Client().get(reverse("assessment:public_scale", kwargs={"org": "city-a"})).status_code
        == 200
    )
    city_a.city.is_public = False
    city_a.city.save()
    assert (
        Client().get(reverse("assessment:public_scale", kwargs={"org": "city-a"})).status_code
        == 404
    )
