"""Consent receipts verify with an independent JOSE library, and their proofs with merkle only."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cityrights.consent import merkle
from cityrights.consent.checkpoints import sign_checkpoint
from cityrights.consent.events import chain_events, event_leaf
from cityrights.consent.receipts import (
    SCHEMA_VERSION,
    InclusionProof,
    Notice,
    Party,
    ReceiptError,
    Term,
    attach_inclusion,
    build_receipt_payload,
    jwks,
    sign_receipt,
    terms_digest,
    verify_receipt,
    verify_receipt_inclusion,
)
from cityrights.core.signing import generate_private_key, private_key_to_jwk

DPV = "https://w3id.org/dpv#"
PD = "https://w3id.org/dpv/pd#"
ORIGIN = "cityrights.example.org/consent-ledger"
T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


@dataclass
class Ledger:
    events: list[dict[str, Any]]
    leaves: list[bytes]
    key: Ed25519PrivateKey
    checkpoint: str


@pytest.fixture(scope="module")
def ledger() -> Ledger:
    events: list[dict[str, Any]] = []
    for subject_number in range(5):
        subject = f"subj-{subject_number}"
        raw = [
            {
                "seq": len(events) + n + 1,
                "subject": subject,
                "kind": "grant" if n % 2 == 0 else "withdraw",
                "agreement": "mobility-study",
                "agreement_version": 1,
                "scope": [PD + "Location"],
                "method": "web",
                "witness": None,
                "time": T0 + timedelta(minutes=len(events) + n),
            }
            for n in range(3)
        ]
        events.extend(chain_events(raw))
    leaves = [event_leaf(e["hash"]) for e in events]
    key = generate_private_key()
    checkpoint = sign_checkpoint(key, ORIGIN, len(leaves), merkle.root(leaves), T0)
    return Ledger(events, leaves, key, checkpoint.to_note())


def payload_for(ledger: Ledger, position: int, with_proof: bool = True) -> dict[str, Any]:
    event = ledger.events[position]
    inclusion = InclusionProof(
        leaf_index=position,
        tree_size=len(ledger.leaves),
        audit_path=merkle.inclusion_proof(position, ledger.leaves),
        checkpoint=ledger.checkpoint,
    )
    return build_receipt_payload(
        receipt_id="rcpt-0001",
        issued_at=T0 + timedelta(hours=1),
        jurisdiction="NL",
        language="en",
        controller=Party("org-city", "City of Example", "privacy@city.example"),
        recipients=[Party("org-uni", "Example University")],
        purposes=[Term(DPV + "ResearchAndDevelopment", "Research on cycling routes")],
        data_categories=[Term(PD + "Location", "Location")],
        legal_basis=Term(DPV + "Consent", "Consent"),
        retention="P2Y",
        agreement_id=event["agreement"],
        agreement_version=event["agreement_version"],
        event_type=event["kind"],
        event_time=event["time"],
        method=event["method"],
        subject_id=event["subject"],
        ledger_seq=event["seq"],
        event_hash=event["hash"],
        ledger_origin=ORIGIN,
        inclusion=inclusion if with_proof else None,
    )


@pytest.fixture(scope="module")
def receipt_key() -> tuple[dict[str, str], dict[str, Any]]:
    private = generate_private_key()
    return private_key_to_jwk(private, kid="receipts-2025"), jwks(
        {"receipts-2025": private.public_key()}
    )


def test_payload_has_the_consent_record_shape(ledger: Ledger) -> None:
    payload = payload_for(ledger, 4)
    assert set(payload) == {"iss", "sub", "iat", "jti", "header", "parties", "processing"} | {
        "events",
        "ledger",
    }
    assert payload["header"]["schemaVersion"] == SCHEMA_VERSION
    assert payload["header"]["issuedAt"] == "2025-03-01T10:30:00.000000Z"
    assert payload["iat"] == int((T0 + timedelta(hours=1)).timestamp())
    assert payload["events"] == [
        {
            "type": "withdrawn",
            "time": "2025-03-01T09:34:00.000000Z",
            "method": "web",
            "stateAfter": "withdrawn",
        }
    ]
    assert payload["parties"]["subject"] == {"id": "subj-1", "idType": "pseudonym"}
    assert payload["processing"]["legalBasis"]["iri"] == DPV + "Consent"
    assert payload["ledger"]["inclusion"]["leafIndex"] == 4
    with pytest.raises(ReceiptError, match="event_type"):
        build_receipt_payload(**{**_minimal_args(), "event_type": "maybe"})
    with pytest.raises(ReceiptError, match="purposes"):
        build_receipt_payload(**{**_minimal_args(), "purposes": []})


def _minimal_args() -> dict[str, Any]:
    return {
        "receipt_id": "r",
        "issued_at": T0,
        "jurisdiction": "NL",
        "language": "en",
        "controller": Party("c", "C"),
        "recipients": [],
        "purposes": [Term(DPV + "ServiceProvision", "Service")],
        "data_categories": [Term(PD + "Age", "Age")],
        "legal_basis": Term(DPV + "Consent", "Consent"),
        "retention": "P1Y",
        "agreement_id": "a",
        "agreement_version": 1,
        "event_type": "grant",
        "event_time": T0,
        "method": "web",
        "subject_id": "s",
        "ledger_seq": 1,
        "event_hash": "0" * 64,
    }


def test_sign_and_verify_round_trip(ledger: Ledger, receipt_key: tuple) -> None:
    private, public_set = receipt_key
    payload = payload_for(ledger, 7)
    token = sign_receipt(payload, private, "receipts-2025")
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header == {"alg": "EdDSA", "kid": "receipts-2025", "typ": "JWT"}
    assert verify_receipt(token, public_set) == payload
    assert "d" not in public_set["keys"][0]


def test_an_independent_library_verifies_the_receipt(ledger: Ledger, receipt_key: tuple) -> None:
    """PyJWT, with its own EdDSA code path, reads the receipt from the published JWKS alone."""
    private, public_set = receipt_key
    token = sign_receipt(payload_for(ledger, 2), private, "receipts-2025")
    kid = jwt.get_unverified_header(token)["kid"]
    published = json.loads(json.dumps(public_set))  # as fetched over HTTP
    jwk = next(k for k in published["keys"] if k["kid"] == kid)
    key = jwt.PyJWK(jwk)
    claims = jwt.decode(token, key=key.key, algorithms=["EdDSA"])
    assert claims["sub"] == "subj-0"
    assert claims["ledger"]["eventHash"] == ledger.events[2]["hash"]
    tampered = _tamper_payload(token)
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(tampered, key=key.key, algorithms=["EdDSA"])


def test_the_inclusion_proof_verifies_with_merkle_alone(ledger: Ledger) -> None:
    """An auditor needs only the receipt, the checkpoint root and RFC 9162 verification."""
    payload = payload_for(ledger, 9)
    inclusion = payload["ledger"]["inclusion"]
    body = inclusion["checkpoint"].split("\n\n")[0].split("\n")
    assert body[0] == ORIGIN and int(body[1]) == inclusion["treeSize"]
    checkpoint_root = base64.b64decode(body[2])
    leaf = merkle.leaf_hash(bytes.fromhex(payload["ledger"]["eventHash"]))
    path = [base64.b64decode(h) for h in inclusion["auditPath"]]
    assert merkle.verify_inclusion(
        leaf, inclusion["leafIndex"], inclusion["treeSize"], path, checkpoint_root
    )
    other_leaf = merkle.leaf_hash(bytes.fromhex(ledger.events[8]["hash"]))
    assert not merkle.verify_inclusion(
        other_leaf, inclusion["leafIndex"], inclusion["treeSize"], path, checkpoint_root
    )


def test_verify_receipt_inclusion_checks_checkpoint_and_path(ledger: Ledger) -> None:
    payload = payload_for(ledger, 11)
    assert verify_receipt_inclusion(payload, ledger.key.public_key())
    assert not verify_receipt_inclusion(payload, generate_private_key().public_key())
    moved = json.loads(json.dumps(payload))
    moved["ledger"]["inclusion"]["leafIndex"] = 10
    assert not verify_receipt_inclusion(moved, ledger.key.public_key())
    swapped = json.loads(json.dumps(payload))
    swapped["ledger"]["eventHash"] = ledger.events[10]["hash"]
    assert not verify_receipt_inclusion(swapped, ledger.key.public_key())
    assert not verify_receipt_inclusion(payload_for(ledger, 11, False), ledger.key.public_key())
    late = attach_inclusion(
        payload_for(ledger, 11, False), InclusionProof(**_inclusion_args(ledger, 11))
    )
    assert late == payload


def _inclusion_args(ledger: Ledger, position: int) -> dict[str, Any]:
    return {
        "leaf_index": position,
        "tree_size": len(ledger.leaves),
        "audit_path": merkle.inclusion_proof(position, ledger.leaves),
        "checkpoint": ledger.checkpoint,
    }


def _tamper_payload(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["events"][0]["type"] = "given"
    encoded = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{encoded}.{signature}"


def test_forged_or_malformed_receipts_are_refused_clearly(
    ledger: Ledger, receipt_key: tuple
) -> None:
    private, public_set = receipt_key
    token = sign_receipt(payload_for(ledger, 1), private, "receipts-2025")
    with pytest.raises(ReceiptError, match="does not verify"):
        verify_receipt(_tamper_payload(token), public_set)
    impostor = jwks({"receipts-2025": generate_private_key().public_key()})
    with pytest.raises(ReceiptError, match="does not verify"):
        verify_receipt(token, impostor)
    with pytest.raises(ReceiptError, match="unknown signing key"):
        verify_receipt(sign_receipt(payload_for(ledger, 1), private, "other"), public_set)
    none_header = base64.urlsafe_b64encode(b'{"alg":"none","kid":"receipts-2025"}').rstrip(b"=")
    with pytest.raises(ReceiptError, match="not EdDSA"):
        verify_receipt(none_header.decode() + "." + token.split(".", 1)[1], public_set)
    for garbage in ["", "a.b", "!!.!!.!!", 42]:
        with pytest.raises(ReceiptError, match="malformed"):
            verify_receipt(garbage, public_set)  # type: ignore[arg-type]
    public_only = public_set["keys"][0]
    with pytest.raises(ReceiptError, match="private"):
        sign_receipt(payload_for(ledger, 1), public_only, "receipts-2025")


def test_the_receipt_carries_notice_expiry_type_special_categories_and_witness() -> None:
    notice = Notice("Cycling routes study", "https://city.example/data-sharing/#a-1", "ab" * 32)
    payload = build_receipt_payload(
        **{
            **_minimal_args(),
            "controller": Party("c", "C", "privacy@c.example", "Town hall\n1 Main Square"),
            "data_categories": [
                Term(PD + "Location", "Location", special=False),
                Term(PD + "PhysicalHealth", "Physical health", special=True),
            ],
            "method": "paper",
        },
        notice=notice,
        consent_expires=T0 + timedelta(days=365),
        witness="Wanda Witness",
    )
    assert payload["header"]["schemaVersion"] == SCHEMA_VERSION == "cityrights-consent-receipt/3"
    agreement = payload["processing"]["agreement"]
    assert agreement["title"] == "Cycling routes study"
    assert agreement["url"] == "https://city.example/data-sharing/#a-1"
    assert agreement["textHash"] == {"alg": "SHA-256", "value": "ab" * 32}
    assert payload["processing"]["consentType"] == "explicit"
    assert [t["specialCategory"] for t in payload["processing"]["personalData"]] == [False, True]
    assert payload["processing"]["specialCategories"] is True
    assert payload["parties"]["controller"]["address"] == "Town hall\n1 Main Square"
    event = payload["events"][0]
    assert event["expiresAt"] == "2026-03-01T09:30:00.000000Z"
    assert event["witness"] == "Wanda Witness"
    # A withdrawal has no expiry, whatever the caller passes.
    withdrawn = build_receipt_payload(
        **{**_minimal_args(), "event_type": "withdraw"}, consent_expires=T0
    )
    assert "expiresAt" not in withdrawn["events"][0] and "witness" not in withdrawn["events"][0]
    assert terms_digest("Texte") == hashlib.sha256(b"Texte").hexdigest()


def test_a_receipt_of_the_first_schema_still_verifies(receipt_key: tuple) -> None:
    """Receipts issued before the notice fields were added (schema 1) keep verifying."""
    private, public_set = receipt_key
    old = build_receipt_payload(**_minimal_args())
    old["header"]["schemaVersion"] = "cityrights-consent-receipt/1"
    for key in ("consentType", "specialCategories"):
        del old["processing"][key]
    token = sign_receipt(old, private, "receipts-2025")
    assert verify_receipt(token, public_set) == old
    old["header"]["schemaVersion"] = "cityrights-consent-receipt/0"
    with pytest.raises(ReceiptError, match="unknown receipt schema"):
        verify_receipt(sign_receipt(old, private, "receipts-2025"), public_set)
