"""Receipts for ledger events: the signed JWS and the facts a human-readable page shows.

A receipt is rebuilt from the event whenever it is asked for. Ed25519
signatures are deterministic and the receipt's issue time is the event's
time, so the same event always yields the same token until the event is
integrated; from then on the token also carries the inclusion proof against
the latest checkpoint that covers it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from cityrights.core import signing, vocab
from cityrights.core.models import Organisation

from . import keys, ledger, terms
from .models import AgreementVersion, LedgerEvent
from .receipts import (
    RECEIPT_TYP,
    InclusionProof,
    Notice,
    Party,
    Term,
    build_receipt_payload,
    terms_digest,
)

RECEIPT_NAMESPACE = uuid.UUID("6f1f2a5e-4d0b-4f0e-9a43-5b8f0c2d7e61")


def _party(org: Organisation) -> Party:
    return Party(
        id=f"{settings.CITYRIGHTS_BASE_URL}/organisations/{org.slug}",
        name=org.name,
        contact=org.contact_email or "",
        address=org.postal_address.strip() or None,
    )


def _special(iri: str) -> bool:
    try:
        return vocab.is_special_category(iri)
    except vocab.UnknownTermError:
        return False


def notice_for(version: AgreementVersion) -> Notice:
    """The terms of ``version`` as residents read them: title, public address, text hash.

    The text is the version's plain-language description exactly as stored and
    shown (the portal, the public page and the receipt page print it), so its
    SHA-256 pins the wording the resident agreed to.
    """
    agreement = version.agreement
    path = reverse("consent:public_agreements", kwargs={"org": agreement.organisation.slug})
    return Notice(
        title=agreement.title,
        url=f"{settings.CITYRIGHTS_BASE_URL}{path}#a-{agreement.pk}",
        text_sha256=terms_digest(version.description),
    )


def receipt_id(event: LedgerEvent) -> str:
    return str(uuid.uuid5(RECEIPT_NAMESPACE, event.hash))


def payload_for(event: LedgerEvent) -> dict[str, Any]:
    version = event.agreement_version
    agreement = version.agreement
    inclusion = None
    proof = ledger.inclusion_proof(event)
    if proof is not None:
        inclusion = InclusionProof(
            leaf_index=proof.leaf_index,
            tree_size=proof.tree_size,
            audit_path=proof.path,
            checkpoint=proof.checkpoint.note,
        )
    with translation.override("en"):  # one language, so the signed bytes do not vary
        purposes = [Term(iri, terms.label(iri)) for iri in version.purposes]
        categories = [Term(iri, terms.label(iri), _special(iri)) for iri in event.scope]
        basis = Term(agreement.legal_basis, terms.label(agreement.legal_basis))
    return build_receipt_payload(
        receipt_id=receipt_id(event),
        issued_at=event.at,
        jurisdiction=agreement.organisation.country or "",
        language="en",
        controller=_party(agreement.controller),
        recipients=[_party(agreement.recipient)],
        purposes=purposes,
        data_categories=categories,
        legal_basis=basis,
        retention=version.retention,
        agreement_id=str(agreement.uid),
        agreement_version=version.number,
        event_type=event.kind,
        event_time=event.at,
        method=event.method,
        subject_id=event.subject.pseudonym,
        ledger_seq=event.pk,
        event_hash=event.hash,
        ledger_origin=keys.origin(),
        inclusion=inclusion,
        notice=notice_for(version),
        consent_expires=ledger.consent_expiry(version, event.at),
        witness=event.witness,
    )


def token_for(event: LedgerEvent) -> str:
    return signing.sign_jws(payload_for(event), typ=RECEIPT_TYP)


@dataclass(frozen=True)
class ReceiptFacts:
    """What the receipt page tells the resident in plain words, read from the signed payload
    (so the page says what the receipt says), with labels in the reader's language."""

    notice_title: str
    notice_url: str
    terms_hash: str
    explicit: bool
    active: bool
    expires_at: datetime | None
    categories: list[tuple[str, bool]]  # (label, special category under GDPR article 9)
    special: bool
    controller_name: str
    controller_address: list[str]
    controller_contact: str
    witness: str
    schema: str


def receipt_facts(event: LedgerEvent, payload: dict[str, Any]) -> ReceiptFacts:
    processing = payload["processing"]
    agreement = processing["agreement"]
    happened = payload["events"][0]
    controller = payload["parties"]["controller"]
    special = {
        item["iri"]: bool(item.get("specialCategory")) for item in processing["personalData"]
    }
    expires = happened.get("expiresAt")
    return ReceiptFacts(
        notice_title=agreement.get("title", ""),
        notice_url=agreement.get("url", ""),
        terms_hash=agreement.get("textHash", {}).get("value", ""),
        explicit=processing.get("consentType") == "explicit",
        active=happened["stateAfter"] == "active",
        expires_at=datetime.fromisoformat(expires.replace("Z", "+00:00")) if expires else None,
        categories=[(label, special.get(iri, False)) for iri, label in event.scope_terms()],
        special=bool(processing.get("specialCategories")),
        controller_name=controller["name"],
        controller_address=[
            line.strip() for line in controller.get("address", "").splitlines() if line.strip()
        ],
        controller_contact=controller.get("contact", ""),
        witness=happened.get("witness", ""),
        schema=payload["header"]["schemaVersion"],
    )
