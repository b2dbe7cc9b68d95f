"""Receipts for ledger events: the signed JWS and the facts a human-readable page shows.

A receipt is rebuilt from the event whenever it is asked for. Ed25519
signatures are deterministic and the receipt's issue time is the event's
time, so the same event always yields the same token in one language until
the event is integrated; from then on the token also carries the inclusion
proof against the latest checkpoint that covers it.

A receipt is written in one language, the resident's (the page's) when the
terms exist in it, else the city's first language: its title, retention and
labels. Its text hash covers the terms in every language (docs/consent.md,
"Receipts and languages"), so receipts in two languages of one event pin the
same wording.
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
from cityrights.core.translation import (
    Shown,
    city_languages,
    current_language,
    language_name,
    shown,
    translations,
)

from . import keys, ledger, terms
from .models import AgreementVersion, LedgerEvent
from .receipts import (
    RECEIPT_TYP,
    InclusionProof,
    Notice,
    Party,
    Term,
    build_receipt_payload,
    wording_digest,
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


def receipt_language(version: AgreementVersion, language: str | None = None) -> str:
    """The language a receipt of ``version`` is written in.

    ``language`` (else the active one) when the terms exist in it, else the first of the
    city's languages they exist in: a receipt never names a language its terms lack.
    """
    wording = version.wording()
    city = version.agreement.organisation.content_languages
    for code in (language or current_language(), *city, *sorted(wording)):
        if code in wording:
            return code
    return city[0]


def notice_for(version: AgreementVersion, language: str | None = None) -> Notice:
    """The terms of ``version`` as residents read them: title, public address, text hash.

    The texts are the version's description and retention in every language, exactly as
    stored and shown (the portal, the public page and the receipt page print them), so
    the hash pins the wording whichever language the resident read; a published
    version's texts never change (:meth:`AgreementVersion.save`). The title is in
    ``language`` with the city's fallback.
    """
    agreement = version.agreement
    wording = version.wording()
    path = reverse("consent:public_agreements", kwargs={"org": agreement.organisation.slug})
    with city_languages(agreement.organisation.content_languages):
        title = shown(agreement, "title", language).text
    return Notice(
        title=title,
        url=f"{settings.CITYRIGHTS_BASE_URL}{path}#a-{agreement.pk}",
        text_sha256=wording_digest(wording),
        languages=sorted(wording),
    )


def receipt_id(event: LedgerEvent) -> str:
    return str(uuid.uuid5(RECEIPT_NAMESPACE, event.hash))


def payload_for(event: LedgerEvent, language: str | None = None) -> dict[str, Any]:
    """The receipt of ``event`` in ``language`` (else the active one; see
    :func:`receipt_language`)."""
    version = event.agreement_version
    agreement = version.agreement
    language = receipt_language(version, language)
    inclusion = None
    proof = ledger.inclusion_proof(event)
    if proof is not None:
        inclusion = InclusionProof(
            leaf_index=proof.leaf_index,
            tree_size=proof.tree_size,
            audit_path=proof.path,
            checkpoint=proof.checkpoint.note,
        )
    # The receipt's language for its labels and the parties' postal addresses (with the
    # city's fallback), whatever language the page that asks for it is in.
    with (
        translation.override(language),
        city_languages(agreement.organisation.content_languages),
    ):
        purposes = [Term(iri, terms.label(iri)) for iri in version.purposes]
        categories = [Term(iri, terms.label(iri), _special(iri)) for iri in event.scope]
        basis = Term(agreement.legal_basis, terms.label(agreement.legal_basis))
        controller = _party(agreement.controller)
        recipients = [_party(agreement.recipient)]
    return build_receipt_payload(
        receipt_id=receipt_id(event),
        issued_at=event.at,
        jurisdiction=agreement.organisation.country or "",
        language=language,
        controller=controller,
        recipients=recipients,
        purposes=purposes,
        data_categories=categories,
        legal_basis=basis,
        retention=_in(version, "retention", language),
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
        notice=notice_for(version, language),
        consent_expires=ledger.consent_expiry(version, event.at),
        witness=event.witness,
    )


def _in(version: AgreementVersion, name: str, language: str) -> str:
    with city_languages(version.agreement.organisation.content_languages):
        return shown(version, name, language).text


def token_for(event: LedgerEvent, language: str | None = None) -> str:
    return signing.sign_jws(payload_for(event, language), typ=RECEIPT_TYP)


@dataclass(frozen=True)
class ReceiptFacts:
    """What the receipt page tells the resident in plain words, read from the signed payload
    (so the page says what the receipt says), with labels in the reader's language."""

    notice_title: Shown  # marks itself with ``lang`` when not in the page's language
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
    language: str  # the language of the receipt's words (its title, retention, labels)
    terms_languages: list[str]  # the languages the terms hash covers (schema 3)

    @property
    def language_names(self) -> str:
        return ", ".join(language_name(code) for code in self.terms_languages)

    @property
    def language_label(self) -> str:
        return language_name(self.language) if self.language else ""


def receipt_facts(event: LedgerEvent, payload: dict[str, Any]) -> ReceiptFacts:
    processing = payload["processing"]
    agreement = processing["agreement"]
    happened = payload["events"][0]
    controller = payload["parties"]["controller"]
    special = {
        item["iri"]: bool(item.get("specialCategory")) for item in processing["personalData"]
    }
    expires = happened.get("expiresAt")
    language = payload["header"].get("language", "")
    title = agreement.get("title", "")
    # The title's own language: the receipt's, unless it fell back to another one.
    titles = translations(event.agreement_version.agreement, "title")
    title_language = language if titles.get(language) == title else ""
    title_language = title_language or next(
        (code for code, text in titles.items() if text == title), language
    )
    return ReceiptFacts(
        notice_title=Shown(title, title_language),
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
        language=language,
        terms_languages=list(agreement.get("textHash", {}).get("languages", [])),
    )
