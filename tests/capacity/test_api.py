"""The capacity API: public certificate checks, staff reads by role and key scope,
attendance import (all or nothing, 422 with every problem), suppressed survey results."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from cityrights.capacity import certificates, services
from cityrights.capacity.models import Certificate, Registration
from cityrights.core.models import ApiKey, Department

from .conftest import add_staff, full_answers, issued_programme, new_programme, open_round

pytestmark = pytest.mark.django_db

API = "/api/v1/capacity"


def _json(response):
    return json.loads(response.content)


def test_anyone_checks_a_certificate_by_code_and_sees_revocation(city_a):
    issued_programme(city_a, people=1)
    certificate = Certificate.objects.get()
    found = _json(Client().get(f"{API}/certificates/{certificate.display_code.lower()}"))
    assert found["status"] == "valid" and found["name"] == "Learner 0"
    assert set(found) == {"code", "status", "name", "programme", "kind", "issued_on", "city", "url"}
    certificates.revoke(certificate=certificate, actor=city_a.users["admin"], note="Error.")
    assert _json(Client().get(f"{API}/certificates/{certificate.code}"))["status"] == "revoked"
    missing = Client().get(f"{API}/certificates/NOPE")
    assert missing.status_code == 404 and _json(missing)["error"] == "not_found"


def test_anyone_verifies_a_credential_and_a_tampered_one_is_not_valid(city_a):
    issued_programme(city_a, people=1)
    token = Certificate.objects.get().credential
    good = _json(
        Client().post(f"{API}/credentials/verify", {"credential": token}, "application/json")
    )
    assert good["valid"] is True and good["status"] == "valid"
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    bad = _json(
        Client().post(f"{API}/credentials/verify", {"credential": forged}, "application/json")
    )
    assert bad["valid"] is False and "signature" in bad["reason"]
    empty = Client().post(f"{API}/credentials/verify", {}, "application/json")
    assert empty.status_code == 422


def test_public_programmes_need_no_login_and_never_list_staff_programmes(city_a):
    new_programme(city_a, modules=1)
    public = new_programme(city_a, modules=2, audience="residents")
    found = _json(Client().get(f"{API}/organisations/{city_a.city.slug}/public-programmes"))
    assert [p["id"] for p in found] == [public.pk]
    assert len(found[0]["modules"]) == 2 and found[0]["modules"][0]["sessions"][0]["places"] == 30


def test_staff_routes_need_a_role_or_a_key_of_the_city(city_a, city_b, api_key):
    programme = new_programme(city_a, modules=1)
    url = f"{API}/organisations/{city_a.city.slug}/programmes/{programme.pk}"
    assert Client().get(url).status_code == 401
    assert city_b.client_for("admin").get(url).status_code == 403
    assert city_a.client_for("viewer").get(url).status_code == 200
    keyed = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {api_key}")
    assert keyed.status_code == 200 and _json(keyed)["rules"][0]["kind"] in {
        "completion",
        "attendance",
    }


def test_session_days_are_iso_dates_and_a_number_is_refused(city_a):
    programme = new_programme(city_a, modules=1)
    url = f"{API}/organisations/{city_a.city.slug}/sessions"
    viewer = city_a.client_for("viewer")
    # The API's days are the city's calendar days (TIME_ZONE), not UTC ones: near midnight the
    # two differ.
    starts_at = programme.modules.get().sessions.get().starts_at
    day = timezone.localtime(starts_at).date().isoformat()
    assert len(_json(viewer.get(url, {"start": day, "end": day}))) == 1
    # Pydantic alone would read 0 as 1 January 1970; the API documents ISO days only.
    for odd in ("0", "-8.03e-275", "2025-1-1", "tomorrow"):
        refused = viewer.get(url, {"start": odd})
        assert refused.status_code == 422, odd
        assert "YYYY-MM-DD" in json.dumps(_json(refused))


def test_an_api_key_with_write_scope_imports_attendance_all_or_nothing(city_a, api_key):
    programme = new_programme(city_a, modules=2)
    session = programme.modules.order_by("position").first().sessions.get()
    learner = add_staff(city_a.city, city_a.department, 1)[0]
    url = f"{API}/organisations/{city_a.city.slug}/programmes/{programme.pk}/attendance"
    bad = Client().post(
        url,
        {
            "csv": f"session,email,present\n{session.pk},{learner.email},yes\n"
            f"{session.pk},x@y.z,perhaps\n"
        },
        "application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_key}",
    )
    assert bad.status_code == 422
    assert "row 3, column present: “perhaps”: write yes or no" in _json(bad)["reason"]
    assert not Registration.objects.exists()
    good = Client().post(
        url,
        {"csv": f"email,present\n{learner.email},yes\n", "session": session.pk},
        "application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_key}",
    )
    assert good.status_code == 200 and _json(good) == {"present": 1, "absent": 0, "added": 1}
    _key, read_only = ApiKey.issue(city_a.city, "reader", ["read"])
    refused = Client().post(
        url,
        {"csv": f"email,present\n{learner.email},no\n", "session": session.pk},
        "application/json",
        HTTP_AUTHORIZATION=f"Bearer {read_only}",
    )
    assert refused.status_code == 403
    viewer = city_a.client_for("viewer").post(
        url,
        {"csv": f"email,present\n{learner.email},no\n", "session": session.pk},
        "application/json",
    )
    assert viewer.status_code == 403
    assert Registration.objects.get().attended is True


def test_the_survey_results_route_suppresses_small_departments(city_a):
    culture = Department.objects.create(organisation=city_a.city, slug="culture", name_en="Culture")
    survey_round = open_round(city_a)
    survey = survey_round.survey.survey
    for person in add_staff(city_a.city, city_a.department, 6) + add_staff(city_a.city, culture, 4):
        services.answer_round(
            survey_round=survey_round, person=person, answers=full_answers(survey)
        )
    client = city_a.client_for("viewer")
    url = f"{API}/organisations/{city_a.city.slug}/survey-rounds/{survey_round.pk}/results"
    assert _json(client.get(url))["city"] is None  # still open: no figures
    services.close_round(survey_round=survey_round, actor=city_a.users["admin"])
    data = _json(client.get(url))
    assert data["city"]["respondents"] == 10
    # Culture (4) lost its name at closing; the rest (4) would reveal it: Mobility hidden too.
    assert data["departments"] == []
    assert data["suppressed_departments"] == ["Culture", "Mobility"]
    rounds = _json(client.get(f"{API}/organisations/{city_a.city.slug}/survey-rounds"))
    assert rounds[0]["answered"] == 10 and "answers" not in rounds[0]


def test_the_figures_of_a_year_for_the_annual_report(city_a):
    programme, _people = issued_programme(city_a, people=3)
    session = programme.modules.first().sessions.get()
    year = session.starts_at.year
    data = _json(
        city_a.client_for("viewer").get(
            f"{API}/organisations/{city_a.city.slug}/figures", {"year": year}
        )
    )
    assert data["certificates"] == {"completion": 1, "attendance": 1}
    assert data["participants"] == 3 and data["sessions"] == 4
    assert data["attendances"] == 3 + 2 + 1


def test_the_openapi_document_lists_the_capacity_routes():
    paths = _json(Client().get("/api/v1/openapi.json"))["paths"]
    for route in (
        "/api/v1/capacity/certificates/{code}",
        "/api/v1/capacity/credentials/verify",
        "/api/v1/capacity/organisations/{slug}/programmes",
        "/api/v1/capacity/organisations/{slug}/sessions",
        "/api/v1/capacity/organisations/{slug}/programmes/{pk}/attendance",
        "/api/v1/capacity/organisations/{slug}/survey-rounds/{pk}/results",
    ):
        assert route in paths
