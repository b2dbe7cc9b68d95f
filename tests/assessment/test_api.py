"""The assessment API: list cycles, results, answering with validation and 4xx JSON."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from cityrights.assessment import services
from cityrights.assessment.models import Response

from .conftest import answer_all

pytestmark = pytest.mark.django_db

BASE = "/api/v1/assessment/city-a/cycles"


def put(client: Client, question: str, body: dict, year: int = 2025, **extra):
    return client.put(
        f"{BASE}/{year}/answers/{question}",
        data=json.dumps(body),
        content_type="application/json",
        **extra,
    )


def test_list_cycles_and_results(city_a, cycle):
    answer_all(cycle, city_a.users["admin"], 4)
    client = city_a.client_for("viewer")
    cycles = client.get(BASE).json()
    assert cycles[0]["year"] == 2025 and cycles[0]["framework"] == "guide-2022"
    results = client.get(f"{BASE}/2025/results").json()
    assert results["overall"]["score"] == pytest.approx(75.0)
    assert results["overall"]["level"] == 4
    assert len(results["cells"]) == 18 and len(results["areas"]) == 6
    assert results["overall"]["coverage"]["answered"] > 50


def test_api_key_reads_but_cannot_answer(city_a, cycle, api_key):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_key}"}
    assert Client().get(BASE, **auth).status_code == 200
    response = put(Client(), "inc-f-1", {"value": 3}, **auth)
    assert response.status_code == 403
    assert "people" in response.json()["reason"]


def test_answer_a_question(city_a, cycle):
    client = city_a.client_for("admin")
    response = put(
        client,
        "inc-f-1",
        {"value": 4, "comment": "via API", "evidence_link": "https://example.org/x"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["value"] == "4"
    assert Response.objects.get(question="inc-f-1").comment == "via API"
    assert put(client, "inc-f-1", {"value": "dont_know"}).json()["value"] == "dont_know"
    assert put(client, "inc-f-1", {"value": ""}).json()["value"] is None
    assert not Response.objects.exists()


@pytest.mark.parametrize("value", [0, 6, "7", "maybe", 2.5, True, None])
def test_values_off_the_scale_are_422(city_a, cycle, value):
    response = put(city_a.client_for("admin"), "inc-f-1", {"value": value})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid" and body["reason"]
    assert not Response.objects.exists()


def test_unknown_question_is_404(city_a, cycle):
    response = put(city_a.client_for("admin"), "no-such-question", {"value": 3})
    assert response.status_code == 404
    assert "no-such-question" in response.json()["reason"]


def test_submitted_cycle_is_409(city_a, cycle):
    answer_all(cycle, city_a.users["admin"])
    services.submit(cycle, city_a.users["admin"])
    response = put(city_a.client_for("admin"), "inc-f-1", {"value": 5})
    assert response.status_code == 409
    assert "no longer be changed" in response.json()["reason"]


def test_unassigned_section_is_403(city_a, cycle):
    response = put(city_a.client_for("editor"), "inc-f-1", {"value": 3})
    assert response.status_code == 403
    assert "not assigned" in response.json()["reason"]
    services.add_assignment(
        cycle,
        city_a.users["admin"],
        area="inclusion",
        pillar="",
        department=city_a.department,
        user=None,
    )
    assert put(city_a.client_for("editor"), "inc-f-1", {"value": 3}).status_code == 200


def test_roles_and_other_cities(city_a, city_b, cycle, resident):
    assert put(city_a.client_for("viewer"), "inc-f-1", {"value": 3}).status_code == 403
    assert put(city_a.client_for("reviewer"), "inc-f-1", {"value": 3}).status_code == 403
    assert city_b.client_for("admin").get(BASE).status_code == 403
    assert put(city_b.client_for("admin"), "inc-f-1", {"value": 3}).status_code == 403
    client = Client()
    client.force_login(resident)
    assert client.get(f"{BASE}/2025/results").status_code == 403
    assert Client().get(BASE).status_code == 401
    assert city_a.client_for("viewer").get(f"{BASE}/1999/results").status_code == 404


def test_public_results_only_when_published(city_a, cycle):
    answer_all(cycle, city_a.users["admin"])
    url = "/api/v1/assessment/public/city-a/cycles/2025/results"
    assert Client().get(url).status_code == 404
    services.submit(cycle, city_a.users["admin"])
    services.validate(cycle, city_a.users["reviewer"])
    services.set_published(cycle, city_a.users["admin"], True)
    assert Client().get(url).json()["overall"]["level"] == 3
