"""The impact API: capability checks, tenancy, JSON export and the decision endpoint."""

from __future__ import annotations

import pytest
from django.test import Client

from cityrights.core.models import ApiKey

from .conftest import advance, new_assessment

pytestmark = pytest.mark.django_db

BASE = "/api/v1/impact/organisations"


@pytest.fixture
def review(city_a):
    return advance(city_a, new_assessment(city_a), "under_review")


def test_list_and_detail_for_members(city_a, review):
    client = city_a.client_for("viewer")
    response = client.get(f"{BASE}/city-a/assessments")
    assert response.status_code == 200
    assert [a["id"] for a in response.json()] == [review.pk]
    assert response.json()[0]["status"] == "under_review"
    response = client.get(f"{BASE}/city-a/assessments/{review.pk}")
    assert response.json()["highest_risk"] == "medium"


def test_filters_are_validated(city_a, review):
    client = city_a.client_for("viewer")
    assert client.get(f"{BASE}/city-a/assessments?status=decided").json() == []
    response = client.get(f"{BASE}/city-a/assessments?risk=huge")
    assert response.status_code == 422
    assert response.json()["error"] == "invalid"
    assert client.get(f"{BASE}/city-a/assessments?department=nope").status_code == 422
    assert client.get(f"{BASE}/city-a/assessments?limit=0").status_code == 422


def test_other_cities_residents_and_anonymous_are_refused(city_a, city_b, review, resident):
    assert city_b.client_for("admin").get(f"{BASE}/city-a/assessments").status_code == 403
    assert (
        city_b.client_for("admin").get(f"{BASE}/city-b/assessments/{review.pk}").status_code == 404
    )
    residents = Client()
    residents.force_login(resident)
    assert residents.get(f"{BASE}/city-a/assessments").status_code == 403
    response = Client().get(f"{BASE}/city-a/assessments")
    assert response.status_code == 401
    assert set(response.json()) >= {"error", "reason"}


def test_api_keys_read_within_their_city_only(city_a, city_b, review, api_key):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_key}"}
    assert Client().get(f"{BASE}/city-a/assessments", **headers).status_code == 200
    assert Client().get(f"{BASE}/city-b/assessments", **headers).status_code == 403
    _key, write_only = ApiKey.issue(city_a.city, "writer", ["write"])
    response = Client().get(f"{BASE}/city-a/assessments", HTTP_AUTHORIZATION=f"Bearer {write_only}")
    assert response.status_code == 403


def test_json_export(city_a, review):
    response = city_a.client_for("viewer").get(
        f"{BASE}/city-a/assessments/{review.pk}/export?language=fr"
    )
    assert response.status_code == 200
    data = response.json()
    assert data["format"] == "cityrights.impact-assessment/1"
    assert data["sections"][0]["key"] == "context"
    assert (
        city_a.client_for("viewer")
        .get(f"{BASE}/city-a/assessments/{review.pk}/export?language=xx")
        .status_code
        == 422
    )


def decide(client: Client, pk: int, body: dict, slug: str = "city-a"):
    return client.post(
        f"{BASE}/{slug}/assessments/{pk}/decision", body, content_type="application/json"
    )


def test_decision_endpoint(city_a, review):
    reviewer = city_a.client_for("reviewer")
    response = decide(reviewer, review.pk, {"decision": "on_hold", "reasons": "Wait."})
    assert response.status_code == 422
    assert "condition" in response.json()["reason"]
    response = decide(reviewer, review.pk, {"decision": "sometimes", "reasons": "Hmm."})
    assert response.status_code == 422
    response = decide(reviewer, review.pk, {"decision": "approve"})
    assert response.status_code == 422  # reasons are required by the schema
    response = decide(
        reviewer,
        review.pk,
        {
            "decision": "approve_with_conditions",
            "reasons": "With care.",
            "conditions": [{"text": "Audit in a year.", "owner": "DPO"}],
        },
    )
    assert response.status_code == 200
    assert response.json()["decision"] == "approve_with_conditions"
    assert response.json()["open_conditions"] == 1
    response = decide(reviewer, review.pk, {"decision": "reject", "reasons": "Again."})
    assert response.status_code == 409


def test_decision_endpoint_enforces_roles_and_four_eyes(city_a, city_b, api_key):
    review = advance(city_a, new_assessment(city_a, author="admin"), "under_review", author="admin")
    body = {"decision": "approve", "reasons": "Fine."}
    assert decide(city_a.client_for("editor"), review.pk, body).status_code == 403
    assert decide(city_a.client_for("viewer"), review.pk, body).status_code == 403
    response = decide(city_a.client_for("admin"), review.pk, body)
    assert response.status_code == 403
    assert response.json()["error"] == "separation_of_duties"
    assert "Separation of duties" in response.json()["reason"]
    response = Client().post(
        f"{BASE}/city-a/assessments/{review.pk}/decision",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_key}",
    )
    assert response.status_code == 403
    assert "person" in response.json()["reason"]
    assert decide(city_b.client_for("reviewer"), review.pk, body).status_code == 403
    review.refresh_from_db()
    assert review.status == "under_review"


def test_malformed_body_is_a_422_not_a_500(city_a, review):
    response = city_a.client_for("reviewer").post(
        f"{BASE}/city-a/assessments/{review.pk}/decision",
        "{not json",
        content_type="application/json",
    )
    assert 400 <= response.status_code < 500
