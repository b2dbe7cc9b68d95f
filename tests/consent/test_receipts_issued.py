"""Receipts issued for real ledger events verify with PyJWT (an independent JOSE library)
against the published JWKS, and carry an inclusion proof once the event is integrated."""

from __future__ import annotations

import base64
import json

import jwt
import pytest
from django.test import Client

from cityrights.consent import issuing, ledger, merkle, services
from cityrights.consent.checkpoints import SignedCheckpoint, verify_checkpoint
from cityrights.consent.events import event_leaf
from cityrights.consent.models import LedgerEvent
from cityrights.consent.receipts import verify_receipt_inclusion
from cityrights.core.models import AuditEvent
from cityrights.core.signing import public_key_from_jwk

from .conftest import GPS, HEART

pytestmark = pytest.mark.django_db


def _verify_with_pyjwt(token: str) -> dict:
    jwks = Client().get("/.well-known/jwks.json").json()
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "EdDSA"
    jwk = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    key = jwt.PyJWK.from_dict(jwk)
    return jwt.decode(token, key=key.key, algorithms=["EdDSA"], options={"verify_aud": False})


def test_receipt_verifies_with_pyjwt_then_carries_an_inclusion_proof(sharing, resident):
    client = Client()
    client.force_login(resident)
    client.post(f"/cities/city-a/my-data/agreements/{sharing.study.pk}/", {"action": "grant"})
    person = services.subject_for_user(sharing.city, resident)
    event = person.events.get()
    url = f"/cities/city-a/my-data/receipts/{event.pk}.jws"

    payload = _verify_with_pyjwt(client.get(url).content.decode())
    assert payload["sub"] == person.pseudonym
    assert payload["ledger"] == {**payload["ledger"], "seq": event.pk, "eventHash": event.hash}
    assert "inclusion" not in payload["ledger"]
    assert payload["processing"]["agreement"]["version"] == 1
    assert {t["iri"] for t in payload["processing"]["personalData"]} == set(event.scope)
    assert payload["events"][0]["type"] == "given"
    assert person.user.email not in json.dumps(payload)

    # More events, then the sequencer and a checkpoint.
    for action in ("withdraw", "grant", "withdraw"):
        services.change_consent(person, sharing.study, action=action)
    ledger.checkpoint()
    payload = _verify_with_pyjwt(client.get(url).content.decode())
    inclusion = payload["ledger"]["inclusion"]
    checkpoint = SignedCheckpoint.from_note(inclusion["checkpoint"])
    assert inclusion["treeSize"] == checkpoint.size == 4
    path = [base64.b64decode(h) for h in inclusion["auditPath"]]
    assert merkle.verify_inclusion(
        event_leaf(event.hash), inclusion["leafIndex"], inclusion["treeSize"], path, checkpoint.root
    )
    jwk = Client().get("/api/v1/consent/jwks.json").json()["keys"][0]
    public = public_key_from_jwk(jwk)
    assert verify_checkpoint(public, checkpoint)
    assert verify_receipt_inclusion(payload, public)


def test_a_tampered_receipt_fails(sharing, resident):
    person = services.subject_for_user(sharing.city, resident, create=True)
    event = services.change_consent(person, sharing.study, action="grant")
    from cityrights.consent import issuing

    token = issuing.token_for(event)
    assert token == issuing.token_for(event)  # deterministic until integrated
    head, body, signature = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(body + "=="))
    data["events"][0]["type"] = "withdrawn"
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    with pytest.raises(jwt.InvalidSignatureError):
        _verify_with_pyjwt(f"{head}.{forged}.{signature}")


def test_an_issued_receipt_names_the_terms_the_controller_and_the_expiry(sharing, resident, city_a):
    """ISO/IEC TS 27560 and Kantara fields the app knows: notice URL and text hash, title,
    expiry, consent type, special categories (GDPR art. 9), the controller's postal address."""
    import hashlib

    from cityrights.consent import issuing

    settings_form = {
        "name": "City A",
        "default_language": "en",
        "is_public": "on",
        "primary_colour": "#1d4f91",
        "accent_colour": "#8a1c4a",
        "postal_address_en": "Town Hall\n1 Market Square\n1000 City A",
    }
    admin = city_a.client_for("admin")
    assert admin.get("/manage/city-a/settings/").content.decode().count('name="postal_address_en"')
    assert admin.post("/manage/city-a/settings/", settings_form).status_code == 302
    change = AuditEvent.objects.get(object_type="core.organisation", action="update")
    assert change.changes["postal_address_en"]["to"] == settings_form["postal_address_en"]
    person = services.subject_for_user(sharing.city, resident, create=True)
    event = services.change_consent(person, sharing.study, action="grant")
    event = LedgerEvent.objects.get(pk=event.pk)  # as the receipt page loads it
    payload = _verify_with_pyjwt(issuing.token_for(event))
    version = sharing.study.versions.get()
    agreement = payload["processing"]["agreement"]
    assert agreement["title"] == sharing.study.title
    wording = {"en": {"description": version.description_en, "retention": version.retention_en}}
    canonical = json.dumps(wording, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert agreement["textHash"]["value"] == hashlib.sha256(canonical.encode()).hexdigest()
    public_page = Client().get(agreement["url"].split("#")[0].split("testserver", 1)[1])
    assert public_page.status_code == 200
    assert f'id="{agreement["url"].split("#")[1]}"' in public_page.content.decode()
    assert payload["processing"]["consentType"] == "explicit"
    special = {t["iri"]: t["specialCategory"] for t in payload["processing"]["personalData"]}
    assert special == {GPS: False, HEART: True}
    assert payload["parties"]["controller"]["address"] == "Town Hall\n1 Market Square\n1000 City A"
    assert payload["events"][0]["expiresAt"].startswith("2099-01-01T")  # the agreement's end


def test_a_paper_receipt_names_its_witness(sharing, city_a):
    from cityrights.consent import issuing

    event = services.paper_consent(
        sharing.city,
        city_a.users["editor"],
        agreement=sharing.study,
        action="grant",
        categories=[GPS],
        witness="Wanda Witness",
        name="Paula Paper",
        identifier_kind="library-card",
        identifier_value="LIB-1",
    )
    payload = _verify_with_pyjwt(issuing.token_for(event))
    assert payload["events"][0]["method"] == "paper"
    assert payload["events"][0]["witness"] == "Wanda Witness"
    assert "Paula" not in json.dumps(payload)


def test_a_signed_receipt_keeps_the_official_name_whatever_the_local_names(sharing, resident):
    city = sharing.city
    city.local_name_en, city.local_name_fr = "Town of A", "Ville A"
    city.save()
    client = Client()
    client.force_login(resident)
    client.post(f"/cities/city-a/my-data/agreements/{sharing.study.pk}/", {"action": "grant"})
    event = services.subject_for_user(city, resident).events.get()
    for language in ("en", "fr"):
        payload = issuing.payload_for(event, language)
        assert payload["parties"]["controller"]["name"] == "City A"
    page = client.get(f"/cities/city-a/my-data/receipts/{event.pk}/").content.decode()
    assert "City A confirms this change" in page  # the page shows what the receipt says
