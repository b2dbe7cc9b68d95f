"""Consent receipts: compact JWS (EdDSA / Ed25519) any JOSE library can verify offline.

A receipt is the resident's own proof of what they agreed to or withdrew,
signed by the city. Its payload is grouped like an ISO/IEC TS 27560 consent
record (header, parties, processing, events) and carries the Kantara Consent
Receipt v1.1 essentials (receipt id, jurisdiction, language, timestamp,
collection method, controller with contact and postal address, purposes,
data categories with their special-category flag, consent type), the notice
the resident was shown (title, public address, SHA-256 of its text), the
consent's expiry and, for paper consent, the witness. docs/consent.md maps
every field. Terms are given as W3C DPV IRIs so machines can read them; labels
are for people.

The payload holds no names: the subject is the pseudonymous id of the ledger.
It also pins the event in the ledger (sequence number and event hash) and,
once the sequencer has integrated the event, an inclusion proof against a
signed checkpoint, so the receipt alone shows the event is in the ledger.

Terms in several languages (schema 3): the notice's ``textHash`` is the SHA-256 of
the canonical JSON of *every* language's wording of the version (see
:func:`wording_digest`) and names those languages, so one hash pins what a reader
of any of them agreed to; ``header.language`` is the language the receipt's own
words (title, retention, labels) are in, the resident's language where the terms
have it. Receipts of schemas 1 and 2 (one language, ``textHash`` over the
description alone) still verify.

The JWS header is ``{"alg": "EdDSA", "kid": ..., "typ": "JWT"}`` and the payload
also carries the registered JWT claims ``iss``, ``sub``, ``iat`` and ``jti``, so
generic JWT tools accept the receipt as it is.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from cityrights.consent.checkpoints import CheckpointError, SignedCheckpoint, verify_checkpoint
from cityrights.consent.events import event_leaf, normalise_time
from cityrights.consent.merkle import verify_inclusion
from cityrights.core import signing

__all__ = [
    "SCHEMA_VERSION",
    "InclusionProof",
    "Notice",
    "Party",
    "ReceiptError",
    "Term",
    "attach_inclusion",
    "build_receipt_payload",
    "jwks",
    "sign_receipt",
    "terms_digest",
    "verify_receipt",
    "verify_receipt_inclusion",
    "wording_digest",
]

SCHEMA_VERSION = "cityrights-consent-receipt/3"
#: Receipts of these schemas still verify (version 1 lacks the notice, expiry and type fields;
#: version 2 hashes the description in one language only).
ACCEPTED_SCHEMAS = frozenset(
    {"cityrights-consent-receipt/1", "cityrights-consent-receipt/2", SCHEMA_VERSION}
)
#: The consent a receipt records is always given by a clear affirmative act (GDPR art. 4(11)).
CONSENT_TYPE = "explicit"
ALGORITHM = signing.ALGORITHM
#: Ledger event kind -> ISO/IEC TS 27560 style event type.
EVENT_TYPES = {"grant": "given", "withdraw": "withdrawn", "expire": "expired", "renew": "renewed"}
#: Event type -> state of the consent after the event.
STATE_AFTER = {
    "given": "active",
    "renewed": "active",
    "withdrawn": "withdrawn",
    "expired": "expired",
}


class ReceiptError(ValueError):
    """A receipt that cannot be built or does not verify; the message says why."""


@dataclass(frozen=True)
class Party:
    """An organisation named on a receipt (controller or recipient)."""

    id: str
    name: str
    contact: str | None = None
    address: str | None = None  # postal address, lines separated by newlines

    def to_json(self) -> dict[str, str]:
        data = {"id": self.id, "name": self.name}
        if self.contact:
            data["contact"] = self.contact
        if self.address:
            data["address"] = self.address
        return data


@dataclass(frozen=True)
class Term:
    """A vocabulary term: a DPV IRI and the label the resident saw."""

    iri: str
    label: str
    special: bool | None = None  # for data categories: GDPR article 9 data

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"iri": self.iri, "label": self.label}
        if self.special is not None:
            data["specialCategory"] = self.special
        return data


@dataclass(frozen=True)
class Notice:
    """The terms the resident was shown: where they are published and a hash of their text.

    ``languages`` names the languages the hash covers (see :func:`wording_digest`); empty
    for a hash of one text (:func:`terms_digest`, receipts of schema 2).
    """

    title: str
    url: str
    text_sha256: str
    languages: Sequence[str] = ()

    def to_json(self) -> dict[str, Any]:
        text_hash: dict[str, Any] = {"alg": "SHA-256", "value": self.text_sha256}
        if self.languages:
            text_hash["canonicalization"] = "RFC 8785"
            text_hash["languages"] = list(self.languages)
        return {"title": self.title, "url": self.url, "textHash": text_hash}


def terms_digest(text: str) -> str:
    """Hex SHA-256 of one UTF-8 terms text (the ``textHash`` of receipts of schema 2)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical_wording(wording: Mapping[str, Mapping[str, str]]) -> bytes:
    """The bytes :func:`wording_digest` hashes: JSON with sorted keys, no whitespace, UTF-8.

    For an object of objects of strings this is RFC 8785 (JCS), so anyone can recompute
    it with a JCS library from the texts published in every language.
    """
    for language, texts in wording.items():
        _require(
            isinstance(language, str) and isinstance(texts, Mapping),
            "wording: expected {language: {field: text}}",
        )
        for name, text in texts.items():
            _require(isinstance(name, str) and isinstance(text, str), "wording: texts only")
    encoded = json.dumps(wording, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return encoded.encode("utf-8")


def wording_digest(wording: Mapping[str, Mapping[str, str]]) -> str:
    """Hex SHA-256 of every language's terms, ``{"fr": {"description": …, "retention": …}}``.

    The ``textHash`` of a receipt of schema 3: one value that changes when any language's
    text changes, whichever language the resident read.
    """
    return hashlib.sha256(canonical_wording(wording)).hexdigest()


@dataclass(frozen=True)
class InclusionProof:
    """Where the event sits in the Merkle tree, and the signed checkpoint it is proven against."""

    leaf_index: int
    tree_size: int
    audit_path: Sequence[bytes]
    checkpoint: str  # the signed note text

    def to_json(self) -> dict[str, Any]:
        return {
            "leafIndex": self.leaf_index,
            "treeSize": self.tree_size,
            "auditPath": [base64.b64encode(h).decode("ascii") for h in self.audit_path],
            "checkpoint": self.checkpoint,
        }


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ReceiptError(message)


def build_receipt_payload(
    *,
    receipt_id: str,
    issued_at: datetime,
    jurisdiction: str,
    language: str,
    controller: Party,
    recipients: Sequence[Party],
    purposes: Sequence[Term],
    data_categories: Sequence[Term],
    legal_basis: Term,
    retention: str,
    agreement_id: str,
    agreement_version: int,
    event_type: str,
    event_time: datetime | str,
    method: str,
    subject_id: str,
    ledger_seq: int,
    event_hash: str,
    ledger_origin: str | None = None,
    state_after: str | None = None,
    inclusion: InclusionProof | None = None,
    notice: Notice | None = None,
    consent_expires: datetime | None = None,
    witness: str | None = None,
) -> dict[str, Any]:
    """Assemble the receipt payload for one ledger event.

    ``event_type`` may be the ledger kind (``grant``...) or the receipt term
    (``given``...); ``state_after`` defaults to what the event implies.
    """
    event_type = EVENT_TYPES.get(event_type, event_type)
    _require(event_type in STATE_AFTER, f"event_type: unknown {event_type!r}")
    _require(bool(purposes), "purposes: at least one purpose is required")
    _require(bool(data_categories), "data_categories: at least one category is required")
    _require(len(event_hash) == 64, "event_hash: expected 64 hex digits")
    issued = normalise_time(issued_at)
    payload: dict[str, Any] = {
        "iss": controller.id,
        "sub": subject_id,
        "iat": int(datetime.fromisoformat(issued).timestamp()),
        "jti": receipt_id,
        "header": {
            "schemaVersion": SCHEMA_VERSION,
            "receiptId": receipt_id,
            "issuedAt": issued,
            "jurisdiction": jurisdiction,
            "language": language,
        },
        "parties": {
            "controller": controller.to_json(),
            "recipients": [party.to_json() for party in recipients],
            "subject": {"id": subject_id, "idType": "pseudonym"},
        },
        "processing": {
            "agreement": {"id": agreement_id, "version": agreement_version},
            "purposes": [term.to_json() for term in purposes],
            "personalData": [term.to_json() for term in data_categories],
            "specialCategories": any(term.special for term in data_categories),
            "legalBasis": legal_basis.to_json(),
            "consentType": CONSENT_TYPE,
            "retention": retention,
        },
        "events": [
            {
                "type": event_type,
                "time": normalise_time(event_time),
                "method": method,
                "stateAfter": state_after or STATE_AFTER[event_type],
            }
        ],
        "ledger": {"seq": ledger_seq, "eventHash": event_hash},
    }
    if notice is not None:
        payload["processing"]["agreement"].update(notice.to_json())
    if consent_expires is not None and payload["events"][0]["stateAfter"] == "active":
        payload["events"][0]["expiresAt"] = normalise_time(consent_expires)
    if witness:
        payload["events"][0]["witness"] = witness
    if ledger_origin:
        payload["ledger"]["origin"] = ledger_origin
    return attach_inclusion(payload, inclusion) if inclusion else payload


def attach_inclusion(payload: Mapping[str, Any], inclusion: InclusionProof) -> dict[str, Any]:
    """A copy of ``payload`` carrying the inclusion proof (for re-issuing after integration)."""
    copy: dict[str, Any] = json.loads(json.dumps(payload))
    copy["ledger"]["inclusion"] = inclusion.to_json()
    return copy


#: The JWS ``typ`` of a receipt: receipts are also plain JWTs (``iss``, ``sub``, ``iat``, ``jti``).
RECEIPT_TYP = "JWT"


def sign_receipt(payload: Mapping[str, Any], private_jwk: Mapping[str, Any], kid: str) -> str:
    """Sign ``payload`` as a compact JWS with EdDSA under key id ``kid``.

    The city's own receipts are signed with :func:`cityrights.core.signing.sign_jws`;
    this form takes any private JWK (tests, other signers).
    """
    try:
        private = signing.private_key_from_jwk(private_jwk)
        return signing.sign_compact(payload, private, kid=kid, typ=RECEIPT_TYP)
    except (signing.KeyFormatError, signing.JWSError) as exc:
        raise ReceiptError(f"key: {exc}") from exc


def _key_set(keys: Any) -> dict[str, Ed25519PublicKey]:
    entries = keys.get("keys") if isinstance(keys, Mapping) else None
    if not isinstance(entries, list):
        raise ReceiptError("expected a JWKS: a JSON object with a list of keys")
    found: dict[str, Ed25519PublicKey] = {}
    for entry in entries:
        if isinstance(entry, Mapping) and isinstance(entry.get("kid"), str):
            try:
                found.setdefault(entry["kid"], signing.public_key_from_jwk(entry))
            except signing.KeyFormatError:
                continue  # a key of another type cannot have signed an EdDSA receipt
    return found


def verify_receipt(token: str, jwks: Any) -> dict[str, Any]:
    """Verify a receipt against a JWKS and return its payload; raises :class:`ReceiptError`.

    Only EdDSA is accepted, whatever the token's header says, so a forged
    header cannot switch the check to a weaker algorithm.
    """
    try:
        payload = signing.verify_compact(token, _key_set(jwks))
    except signing.JWSError as exc:
        reason = str(exc).replace("malformed JWS", "malformed receipt")
        raise ReceiptError(reason.replace("the signature", "the receipt signature")) from exc
    header_part = payload.get("header")
    version = header_part.get("schemaVersion") if isinstance(header_part, dict) else None
    _require(version in ACCEPTED_SCHEMAS, f"unknown receipt schema {version!r}")
    return payload


def jwks(public_keys: Mapping[str, Ed25519PublicKey]) -> dict[str, Any]:
    """The JSON Web Key Set of ``{kid: public key}`` (see :func:`cityrights.core.signing.jwks`)."""
    return signing.jwks_document(public_keys)


def verify_receipt_inclusion(payload: Mapping[str, Any], ledger_key: Ed25519PublicKey) -> bool:
    """True when the receipt's inclusion proof holds against its checkpoint, signed by the ledger.

    This checks the checkpoint signature, that the proof is for the
    checkpoint's tree size, and the Merkle audit path of the event hash.
    """
    try:
        ledger = payload["ledger"]
        inclusion = ledger["inclusion"]
        checkpoint = SignedCheckpoint.from_note(inclusion["checkpoint"])
        path = [base64.b64decode(h, validate=True) for h in inclusion["auditPath"]]
        leaf = event_leaf(ledger["eventHash"])
        index, size = inclusion["leafIndex"], inclusion["treeSize"]
    except (KeyError, TypeError, ValueError, CheckpointError):
        return False
    if not verify_checkpoint(ledger_key, checkpoint) or size != checkpoint.size:
        return False
    return verify_inclusion(leaf, index, size, path, checkpoint.root)
