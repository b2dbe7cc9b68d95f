"""API basics: OpenAPI document, docs, keys (hashed, revocable, last use), JSON errors."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from cityrights.core.errors import ErrorOut
from cityrights.core.models import ApiKey


@pytest.mark.django_db
def test_openapi_document_and_docs():
    client = Client()
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/me" in document["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"openapi.json" in docs.content


FIELD_MEANING = "The input the refusal is about"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr", "nl"])
def test_the_reference_describes_every_field_of_the_error_body_in_the_readers_language(language):
    page = Client().get("/api/v1/docs", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    errors = page.split('id="api-errors"', 1)[1].split("</section>", 1)[0]
    for name in ErrorOut.model_fields:
        assert f"<tr><td><code>{name}</code></td><td>" in errors, name
    assert '"field": "description"' in errors
    assert (FIELD_MEANING in errors) == (language == "en")


@pytest.mark.django_db
def test_the_reference_gives_its_own_words_in_the_readers_language_and_the_document_english():
    """A Dutch officer read the API's description, the refusals and "yes" in English."""
    dutch = Client().get("/api/v1/docs", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    for words in ("Machinetoegang tot de gegevens", "Geen sessie en geen geldige API-sleutel"):
        assert words in dutch
    assert "No session and no valid API key" not in dutch
    assert "Machine access to a city" not in dutch
    assert "<td>ja</td>" in dutch and "<td>yes</td>" not in dutch
    assert "Mag ik de gegevens van deze persoon gebruiken?" in dutch  # a route's summary
    document = Client().get("/api/v1/openapi.json", HTTP_ACCEPT_LANGUAGE="nl").json()
    assert document["info"]["description"].startswith("Machine access to a city")


@pytest.mark.django_db
def test_the_reference_gives_route_and_field_descriptions_in_the_readers_language():
    """What a route does and what each field means, in Dutch; the document keeps the English."""
    dutch = Client().get("/api/v1/docs", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "De persoon ziet elke controle." in dutch  # POST /consent/check's description
    assert "DPV-IRI van het doeleinde." in dutch  # a field of its body
    assert "Een grootte van een controlepunt, hoogstens <code>second</code>" in dutch  # a parameter
    for english in ("Every check is shown to the person", "DPV purpose IRI.", "A checkpoint size"):
        assert english not in dutch
    assert "Response 200 OK" not in dutch and "Geen inhoud" in dutch  # django-ninja's words
    document = Client().get("/api/v1/openapi.json", HTTP_ACCEPT_LANGUAGE="nl").json()
    check = document["paths"]["/api/v1/consent/check"]["post"]
    assert check["description"].endswith(
        "*no consent on record*. Every check is shown to the person."
    )
    purpose = document["components"]["schemas"]["CheckIn"]["properties"]["purpose"]
    assert purpose["description"] == "DPV purpose IRI."


@pytest.mark.django_db
def test_the_reference_explains_the_error_body_once():
    """Each refusal's table points at the "Errors" section instead of repeating its fields."""
    page = Client().get("/api/v1/docs").content.decode()
    assert "Machine code:" not in page  # ErrorOut's own field descriptions, not listed
    assert page.count('<a href="#api-errors">') > 100  # each operation's 4xx answers
    assert 'id="api-errors"' in page


@pytest.mark.django_db
def test_key_is_stored_hashed_and_shown_once(city_a):
    key, secret = ApiKey.issue(city_a.city, "sensor hub", ["read"])
    assert secret.startswith(f"crk_{key.prefix}_")
    stored = ApiKey.objects.get(pk=key.pk)
    assert secret.split("_", 2)[2] not in stored.secret_hash
    assert len(stored.secret_hash) == 64


@pytest.mark.django_db
def test_me_with_key_records_last_use(city_a, api_key):
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {api_key}")
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "kind": "api_key",
        "name": "integration",
        "organisation": "city-a",
        "memberships": [],
        "scopes": ["read", "write"],
    }
    assert ApiKey.objects.get().last_used_at is not None


@pytest.mark.django_db
def test_me_as_resident_and_staff(city_a, resident):
    client = Client()
    client.force_login(resident)
    assert client.get("/api/v1/me").json()["kind"] == "resident"
    staff = city_a.client_for("editor").get("/api/v1/me").json()
    assert staff["kind"] == "staff"
    assert staff["memberships"] == [{"organisation": "city-a", "role": "editor"}]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "token",
    ["", "crk_", "crk_abc", "crk_deadbeef_wrong", "Basic abc", "crk_deadbeef_" + "x" * 43],
)
def test_bad_keys_are_refused(city_a, token):
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401
    assert response.json()["reason"]


@pytest.mark.django_db
def test_revoked_and_expired_keys_are_refused(city_a):
    revoked, secret1 = ApiKey.issue(city_a.city, "old", ["read"])
    revoked.revoked_at = timezone.now()
    revoked.save()
    _expired, secret2 = ApiKey.issue(
        city_a.city, "expired", ["read"], expires_at=timezone.now() - timedelta(days=1)
    )
    for secret in (secret1, secret2):
        response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert response.status_code == 401


@pytest.mark.django_db
def test_revoke_through_staff_page(city_a):
    key, secret = ApiKey.issue(city_a.city, "to revoke", ["read"])
    client = city_a.client_for("admin")
    response = client.post(f"/manage/city-a/api-keys/{key.pk}/revoke/")
    assert response.status_code == 302
    assert Client().get("/api/v1/me", HTTP_X_API_KEY=secret).status_code == 401


@pytest.mark.django_db
def test_issue_key_through_staff_page_shows_secret_once(city_a):
    client = city_a.client_for("admin")
    response = client.post(
        "/manage/city-a/api-keys/", {"name": "partner", "scopes": ["consent:check"]}
    )
    assert response.status_code == 200
    key = ApiKey.objects.get(name="partner")
    html = response.content.decode()
    assert f"crk_{key.prefix}_" in html
    again = client.get("/manage/city-a/api-keys/").content.decode()
    secret_part = html.split(f"crk_{key.prefix}_")[1][:20]
    assert f"crk_{key.prefix}" in again  # the prefix is listed…
    assert secret_part not in again  # …the secret is not


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/does-not-exist", 404),
        ("/api/v1/organisations/nowhere", 404),
        ("/api/v1/organisations/nowhere/departments", 404),
        ("/api/v1/organisations/city-a/audit-events?limit=abc", 422),
        ("/api/v1/organisations/city-a/audit-events?limit=100000", 422),
    ],
)
def test_api_errors_are_json(city_a, path, status):
    response = city_a.client_for("admin").get(path)
    assert response.status_code == status
    body = response.json()
    assert body["reason"]
    assert body["error"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("{not json", 400),
        ("[1, 2]", 422),
        ('{"name": 12345678}', 422),
        ('{"slug": "no name"}', 422),
        ('{"name": "Parks", "slug": "Bad Slug!"}', 422),
        ('{"name": "Parks", "contact_email": "not-an-address"}', 422),
        ('{"name": "Parks", "slug": "mobility"}', 409),
    ],
)
def test_bad_bodies_get_4xx_with_reason(city_a, body, status):
    response = city_a.client_for("admin").post(
        "/api/v1/organisations/city-a/departments", data=body, content_type="application/json"
    )
    assert response.status_code == status
    assert response.json()["reason"]


@pytest.mark.django_db
def test_create_department_by_api_key_is_audited(city_a, api_key):
    response = Client().post(
        "/api/v1/organisations/city-a/departments",
        data={"name": "Parks and Green Spaces"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_key}",
    )
    assert response.status_code == 201
    assert response.json()["slug"] == "parks-and-green-spaces"
    event = city_a.city.audit_events.get(object_type="core.department")
    assert event.action == "create"
    assert "via API key" in event.object_repr


@pytest.mark.django_db
def test_wrong_method_is_json(city_a):
    response = city_a.client_for("admin").delete("/api/v1/me")
    assert response.status_code == 405


@pytest.mark.django_db
def test_the_reference_renders_the_markdown_of_descriptions():
    """Descriptions are written in Markdown: the page shows code and emphasis, not backticks."""
    import re

    from cityrights.api import api

    document = api.get_openapi_schema(path_prefix="/api/v1")
    described = [
        op["description"]
        for item in document["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "`" in op.get("description", "")
    ]
    assert described, "no description uses Markdown code any more"
    page = Client().get("/api/v1/docs").content.decode()
    main = page.split('id="main"', 1)[1]
    prose = re.sub(r"<code>.*?</code>|<pre>.*?</pre>", "", main, flags=re.S)
    assert "`" not in prose
    descriptions = [part.split("</div>", 1)[0] for part in page.split('"api-description"')[1:]]
    assert any("<code>" in description for description in descriptions)


def test_no_two_api_schemas_share_a_name():
    """The OpenAPI document keys schemas by class name: a second ``DepartmentOut`` silently
    replaced the first, and the departments routes were documented with the wrong shape."""
    import importlib
    import inspect
    import pkgutil

    from pydantic import BaseModel

    import cityrights

    owners: dict[str, list[str]] = {}
    for module_info in pkgutil.walk_packages(cityrights.__path__, "cityrights."):
        if not module_info.name.endswith((".api", ".api_types", ".errors")):
            continue
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            mine = inspect.isclass(value) and value.__module__ == module.__name__
            if mine and issubclass(value, BaseModel):
                owners.setdefault(name, []).append(module.__name__)
    assert owners, "no schema found"
    assert {name: places for name, places in owners.items() if len(places) > 1} == {}


@pytest.mark.django_db
def test_the_departments_route_documents_the_departments_own_shape():
    document = Client().get("/api/v1/openapi.json").json()
    schema = document["components"]["schemas"]["DepartmentOut"]
    assert set(schema["properties"]) == {"id", "slug", "name", "names"}
    assert "EntryDepartmentOut" in document["components"]["schemas"]
