"""The partner API: checks (single and batch), bad input, recipient isolation, webhooks, proofs."""

from __future__ import annotations

import base64
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from cityrights.consent import ledger, merkle, services
from cityrights.consent.checkpoints import SignedCheckpoint, verify_checkpoint
from cityrights.consent.events import event_leaf
from cityrights.consent.models import AgreementVersion, ConsentCheck, ConsentState, Webhook
from cityrights.core.models import ApiKey
from cityrights.core.signing import public_key_from_jwk

from .conftest import GPS, HEART, LEGAL, MOBILITY, RESEARCH, TAX

pytestmark = pytest.mark.django_db
CHECK = "/api/v1/consent/check"
BATCH = "/api/v1/consent/check/batch"


def post(client: Client, url: str, body):
    return client.post(url, body, content_type="application/json")


def item(subject: str, categories=(GPS,), purpose=RESEARCH, agreement="mobility-study"):
    return {
        "subject": subject,
        "agreement": agreement,
        "purpose": purpose,
        "categories": list(categories),
    }


@pytest.fixture
def person(sharing, resident):
    return services.subject_for_user(sharing.city, resident, create=True)


def test_permit_deny_with_reason_and_event(sharing, person):
    client = sharing.api()
    denied = post(client, CHECK, item(person.pseudonym)).json()
    assert denied["decision"] == "deny" and denied["reason"] == "no consent on record"
    assert denied["event_id"] is None
    event = services.change_consent(person, sharing.study, action="grant", categories=[GPS])
    permitted = post(client, CHECK, item(person.pseudonym)).json()
    assert permitted == {
        **permitted,
        "decision": "permit",
        "reason": "consent given",
        "event_id": event.pk,
        "agreement": "mobility-study",
        "agreement_version": 1,
    }


def test_unknown_subject_looks_like_no_consent(sharing, person):
    services.change_consent(person, sharing.study, action="grant")
    services.change_consent(person, sharing.study, action="withdraw")
    services.change_consent(person, sharing.study, action="grant", categories=[HEART])
    client = sharing.api()
    unknown = post(client, CHECK, item("subj-doesnotexist")).json()
    never = post(client, CHECK, item("subj-" + "a" * 26)).json()
    assert unknown["decision"] == never["decision"] == "deny"
    assert unknown["reason"] == never["reason"] == "no consent on record"
    assert unknown["event_id"] is None
    log = ConsentCheck.objects.filter(subject__isnull=True)
    assert log.count() == 2


def test_identifier_instead_of_pseudonym(sharing, person):
    services.link_identifier(person, "library-card", "lib-00 12")
    services.change_consent(person, sharing.study, action="grant")
    body = item(person.pseudonym)
    del body["subject"]
    body["identifier"] = {"kind": "library-card", "value": "LIB 0012"}
    assert post(sharing.api(), CHECK, body).json()["decision"] == "permit"
    body["identifier"]["value"] = "LIB-9999"
    assert post(sharing.api(), CHECK, body).json()["reason"] == "no consent on record"


def test_expiry_is_honoured_at_check_time(sharing, person):
    services.change_consent(person, sharing.study, action="grant")
    ConsentState.objects.filter(subject=person).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    answer = post(sharing.api(), CHECK, item(person.pseudonym)).json()
    assert answer["decision"] == "deny" and answer["reason"] == "consent expired"
    assert services.record_expiries() == 1
    state = ConsentState.objects.get(subject=person, category=GPS)
    assert state.status == "expired" and state.event.kind == "expire"
    assert post(sharing.api(), CHECK, item(person.pseudonym)).json()["event_id"] == state.event_id


def test_an_ended_agreement_denies(sharing, person):
    services.change_consent(person, sharing.study, action="grant")
    version = sharing.study.current_version()
    # As if the end date had come: published terms refuse a save(), the row is moved directly.
    AgreementVersion.objects.filter(pk=version.pk).update(
        expires_on=date.today() - timedelta(days=2)
    )
    answer = post(sharing.api(), CHECK, item(person.pseudonym)).json()
    assert answer == {**answer, "decision": "deny", "reason": "the agreement has ended"}


def test_purpose_and_category_outside_the_agreement_deny(sharing, person):
    services.change_consent(person, sharing.study, action="grant")
    client = sharing.api()
    answer = post(client, CHECK, item(person.pseudonym, purpose=LEGAL)).json()
    assert answer["decision"] == "deny" and "purpose" in answer["reason"]
    answer = post(client, CHECK, item(person.pseudonym, categories=[TAX])).json()
    assert answer["decision"] == "deny" and "not covered" in answer["reason"]


def test_non_consent_agreement_is_permitted_on_its_legal_basis(sharing, person):
    body = item(person.pseudonym, categories=[TAX], purpose=LEGAL, agreement="tax-record")
    answer = post(sharing.api(sharing.tax_key), CHECK, body).json()
    assert answer["decision"] == "permit" and "not on consent" in answer["reason"]


def test_recipient_may_only_ask_about_its_own_agreements(sharing, sharing_b, person):
    services.change_consent(person, sharing.study, action="grant")
    body = item(person.pseudonym)
    # The tax office is not party to the study.
    response = post(sharing.api(sharing.tax_key), CHECK, body)
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    # City B's lab cannot reach City A's agreements or residents.
    response = post(sharing_b.api(), CHECK, body)
    assert response.status_code == 200
    assert response.json()["reason"] == "no consent on record"
    assert not ConsentCheck.objects.filter(subject=person, recipient=sharing_b.lab).exists()


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 422),
        ({"subject": "x", "agreement": "mobility-study", "purpose": RESEARCH}, 422),
        (
            {"subject": "x", "agreement": "mobility-study", "purpose": RESEARCH, "categories": []},
            422,
        ),
        ({"subject": "x", "agreement": "nope", "purpose": RESEARCH, "categories": [GPS]}, 404),
        (
            {
                "subject": "x",
                "agreement": "mobility-study",
                "purpose": "dpv:Nope",
                "categories": [GPS],
            },
            422,
        ),
        (
            {
                "subject": "x",
                "agreement": "mobility-study",
                "purpose": RESEARCH,
                "categories": ["pd:X"],
            },
            422,
        ),
        ({"agreement": "mobility-study", "purpose": RESEARCH, "categories": [GPS]}, 422),
        (
            {
                "subject": "x",
                "identifier": {"kind": "email", "value": "a@b.c"},
                "agreement": "mobility-study",
                "purpose": RESEARCH,
                "categories": [GPS],
            },
            422,
        ),
        (
            {
                "subject": ["x"],
                "agreement": "mobility-study",
                "purpose": RESEARCH,
                "categories": [GPS],
            },
            422,
        ),
    ],
)
def test_bad_input_is_a_4xx_json_with_a_reason(sharing, body, status):
    response = post(sharing.api(), CHECK, body)
    assert response.status_code == status, response.content
    assert response.json()["reason"]


def test_malformed_json_is_a_4xx(sharing):
    response = sharing.api().post(CHECK, "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500
    assert response.json()["reason"]


def test_scope_and_authentication(sharing, city_a):
    body = item("subj-x")
    assert post(Client(), CHECK, body).status_code == 401
    _k, read_key = ApiKey.issue(sharing.lab, "read", ["read"])
    assert post(sharing.api(read_key), CHECK, body).status_code == 403
    staff = city_a.client_for("admin")
    assert post(staff, CHECK, body).status_code in (401, 403)


def test_batch_decides_and_logs_every_item(sharing, person):
    services.change_consent(person, sharing.study, action="grant", categories=[GPS])
    items = [item(person.pseudonym), item(person.pseudonym, [HEART]), item("subj-unknown")]
    response = post(sharing.api(), BATCH, {"items": items * 10})
    assert response.status_code == 200
    data = response.json()
    assert data["permitted"] == 10 and data["denied"] == 20
    assert [r["decision"] for r in data["results"][:3]] == ["permit", "deny", "deny"]
    assert ConsentCheck.objects.count() == 30
    assert ConsentCheck.objects.filter(subject=person).count() == 20


def test_batch_limits(sharing):
    too_many = {"items": [item("subj-x")] * 1001}
    response = post(sharing.api(), BATCH, too_many)
    assert response.status_code == 413 and response.json()["error"] == "too_large"
    assert post(sharing.api(), BATCH, {"items": []}).status_code == 422
    bad = {"items": [item("subj-x"), item("subj-x", purpose="dpv:Nope")]}
    response = post(sharing.api(), BATCH, bad)
    assert response.status_code == 422 and "item 1" in response.json()["reason"]
    assert not ConsentCheck.objects.exists()
    assert post(sharing.api(), BATCH, {"items": [item("subj-x")] * 1000}).status_code == 200


def test_webhook_routes(sharing):
    client = sharing.api()
    response = post(client, "/api/v1/consent/webhooks", {"url": "https://lab.example/hook"})
    assert response.status_code == 201
    created = response.json()
    assert created["secret"].startswith("whsec_")
    listed = client.get("/api/v1/consent/webhooks").json()
    assert [w["id"] for w in listed] == [created["id"]] and "secret" not in listed[0]
    assert (
        post(client, "/api/v1/consent/webhooks", {"url": "http://lab.example/h"}).status_code == 422
    )
    assert post(client, "/api/v1/consent/webhooks", {"url": "ftp://x"}).status_code == 422
    # Another recipient cannot see or remove it; a key without the scope is refused.
    other = Client(HTTP_AUTHORIZATION=f"Bearer {sharing.tax_key}")
    assert other.get("/api/v1/consent/webhooks").status_code == 403
    _k, hooks_key = ApiKey.issue(sharing.tax_office, "hooks", ["webhooks"])
    other = Client(HTTP_AUTHORIZATION=f"Bearer {hooks_key}")
    assert other.get("/api/v1/consent/webhooks").json() == []
    assert other.delete(f"/api/v1/consent/webhooks/{created['id']}").status_code == 404
    assert client.delete(f"/api/v1/consent/webhooks/{created['id']}").status_code == 204
    assert not Webhook.objects.get(pk=created["id"]).active


def test_public_checkpoint_and_proof_routes(sharing, person):
    anonymous = Client()
    assert anonymous.get("/api/v1/consent/checkpoints/latest").status_code == 404
    events = [
        services.change_consent(person, sharing.study, action=a)
        for a in ("grant", "withdraw", "grant")
    ]
    first = ledger.checkpoint()
    assert (
        anonymous.get(f"/api/v1/consent/proofs/inclusion?event_id={events[0].pk}").status_code
        == 200
    )
    for n in range(5):
        services.change_consent(person, sharing.study, action="withdraw" if n % 2 == 0 else "grant")
    second = ledger.checkpoint()
    jwks = anonymous.get("/api/v1/consent/jwks.json").json()
    public = public_key_from_jwk(jwks["keys"][0])
    latest = anonymous.get("/api/v1/consent/checkpoints/latest").json()
    assert latest["size"] == second.size == 8
    assert verify_checkpoint(public, SignedCheckpoint.from_note(latest["note"]))
    proof = anonymous.get(f"/api/v1/consent/proofs/inclusion?event_id={events[1].pk}").json()
    assert merkle.verify_inclusion(
        event_leaf(events[1].hash),
        proof["leaf_index"],
        proof["tree_size"],
        [bytes.fromhex(h) for h in proof["audit_path"]],
        bytes.fromhex(latest["root"]),
    )
    consistency = anonymous.get(
        f"/api/v1/consent/proofs/consistency?first={first.size}&second={second.size}"
    ).json()
    assert merkle.verify_consistency(
        first.size,
        second.size,
        bytes.fromhex(first.root),
        bytes.fromhex(second.root),
        [bytes.fromhex(h) for h in consistency["proof"]],
    )
    assert anonymous.get("/api/v1/consent/checkpoints").json()[0]["size"] == 8
    assert anonymous.get("/api/v1/consent/checkpoints/5").status_code == 404
    assert anonymous.get("/api/v1/consent/proofs/consistency?first=8&second=3").status_code == 422
    assert anonymous.get("/api/v1/consent/proofs/inclusion?event_id=999999").status_code == 404
    assert anonymous.get("/api/v1/consent/proofs/inclusion?event_id=abc").status_code == 422
    assert base64.b64decode(latest["signature"])


def test_pending_event_has_no_proof_yet(sharing, person):
    event = services.change_consent(person, sharing.study, action="grant")
    response = Client().get(f"/api/v1/consent/proofs/inclusion?event_id={event.pk}")
    assert response.status_code == 409


def test_well_known_jwks(sharing):
    response = Client().get("/.well-known/jwks.json")
    assert response.status_code == 200
    key = response.json()["keys"][0]
    assert key["kty"] == "OKP" and key["crv"] == "Ed25519" and "d" not in key
    assert response.json() == Client().get("/api/v1/consent/jwks.json").json()


def test_check_is_listed_in_openapi():
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/consent/check" in schema["paths"]
    assert "/api/v1/consent/check/batch" in schema["paths"]


def test_mobility_purpose_is_allowed(sharing, person):
    services.change_consent(person, sharing.study, action="grant")
    answer = post(sharing.api(), CHECK, item(person.pseudonym, purpose=MOBILITY)).json()
    assert answer["decision"] == "permit"


def test_a_refused_webhook_address_names_its_field(sharing):
    response = post(sharing.api(), "/api/v1/consent/webhooks", {"url": "http://lab.example/h"})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid" and body["field"] == "url"
    assert "https://" in body["reason"]
    assert not Webhook.objects.exists()
