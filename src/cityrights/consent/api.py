"""API routes of the consent app, mounted at /api/v1/consent/.

* ``POST /check`` and ``POST /check/batch``: partners (API key with the
  ``consent:check`` scope) ask whether they may use a person's data.
* ``GET /agreements``: partners (scope ``consent:check``) read the published terms
  they receive data under, with every language of their texts.
* ``/webhooks``: partners (scope ``webhooks``) register where withdrawal
  notices go.
* ``/jwks.json``, ``/checkpoints/…``, ``/proofs/…``: public, so anyone can
  verify receipts and audit the ledger without an account.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_noop
from ninja import Path, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import BaseModel, Field

from cityrights.core import signing
from cityrights.core.api_auth import require_scope
from cityrights.core.errors import refusals
from cityrights.core.input import MAX_ID

from . import keycache, ledger, partner_checks, selectors, services
from .events import event_leaf
from .models import Checkpoint, LedgerEvent, Webhook

router = Router(tags=["consent"])

IRI = Field(min_length=1, max_length=200)


# Request bodies of the check routes are plain pydantic models, not ninja Schemas: a Schema
# validates every object through a Django-aware wrapper, which in a batch of 1,000 items cost
# more than deciding them.
class IdentifierIn(BaseModel):
    kind: str = Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_-]*$")
    value: str = Field(min_length=1, max_length=200)


class CheckIn(BaseModel):
    subject: str | None = Field(
        default=None,
        max_length=64,
        description=gettext_noop("The pseudonymous subject id (subj-…)."),
    )
    identifier: IdentifierIn | None = Field(
        default=None,
        description=gettext_noop("Or an identifier you know the person by (hashed on our side)."),
    )
    agreement: str = Field(
        min_length=1, max_length=80, description=gettext_noop("The agreement's short name.")
    )
    purpose: str = Field(min_length=1, max_length=200, description=gettext_noop("DPV purpose IRI."))
    categories: list[str] = Field(
        min_length=1, max_length=50, description=gettext_noop("DPV personal-data category IRIs.")
    )


class CheckOut(Schema):
    decision: str = Field(description=gettext_noop("permit or deny"))
    reason: str
    event_id: int | None = Field(description=gettext_noop("The ledger event that decides, if any."))
    agreement: str
    agreement_version: int | None
    expires_at: datetime | None
    checked_at: datetime


class BatchIn(BaseModel):
    items: list[CheckIn] = Field(description=f"At most {partner_checks.MAX_BATCH} items.")


class BatchOut(Schema):
    results: list[CheckOut]
    permitted: int
    denied: int


def _item(payload: CheckIn) -> partner_checks.CheckItem:
    return partner_checks.CheckItem(
        agreement=payload.agreement,
        purpose=payload.purpose,
        categories=tuple(payload.categories),
        subject=payload.subject or None,
        identifier_kind=payload.identifier.kind if payload.identifier else None,
        identifier_value=payload.identifier.value if payload.identifier else None,
    )


def _decide(request: HttpRequest, items: list[partner_checks.CheckItem], batch: bool) -> list[dict]:
    key = require_scope(request, "consent:check")
    answers = partner_checks.decide(key, items, batch=batch)  # refusals: cityrights.api
    if not answers:
        return []
    checked_at = _iso(answers[0].checked_at)  # one time for the whole request
    return [answer_data(a, checked_at) for a in answers]


def answer_data(answer: partner_checks.Answer, checked_at: str) -> dict:
    """One answer as :class:`CheckOut` writes it (``checked_at`` already as text)."""
    return {
        "decision": answer.decision,
        "reason": answer.reason,
        "event_id": answer.event_id,
        "agreement": answer.agreement,
        "agreement_version": answer.agreement_version,
        "expires_at": None if answer.expires_at is None else _iso(answer.expires_at),
        "checked_at": checked_at,
    }


# Django's own text for a datetime, applied before encoding, so the standard encoder needs no
# fallback call for every object of a batch.
_iso = DjangoJSONEncoder().default


def _json(data: object) -> HttpResponse:
    """The answer as JSON, written directly: this is the hot path (the schema documents it)."""
    return HttpResponse(json.dumps(data), content_type="application/json")


@router.post(
    "/check",
    response=CheckOut,
    auth=keycache.AUTH,
    summary=gettext_noop("May I use this person's data?"),
    description=gettext_noop(
        "Permit or deny, with the reason and the ledger event that decides.\n\n"
        "An unknown person gets the same answer as a person who never consented:\n"
        "*no consent on record*. Every check is shown to the person."
    ),
    openapi_extra=refusals(404),
)
def check(request: HttpRequest, payload: CheckIn) -> HttpResponse:
    return _json(_decide(request, [_item(payload)], batch=False)[0])


@router.post(
    "/check/batch",
    response=BatchOut,
    auth=keycache.AUTH,
    summary=gettext_noop("Many checks in one request"),
    openapi_extra=refusals(404),
)
def check_batch(request: HttpRequest, payload: BatchIn) -> HttpResponse:
    if len(payload.items) > partner_checks.MAX_BATCH:
        raise HttpError(
            413,
            f"A batch holds at most {partner_checks.MAX_BATCH} items; got {len(payload.items)}.",
        )
    results = _decide(request, [_item(item) for item in payload.items], batch=True)
    permitted = sum(1 for r in results if r["decision"] == "permit")
    return _json({"results": results, "permitted": permitted, "denied": len(results) - permitted})


# --- the partner's agreements ----------------------------------------------------------------
class AgreementOut(Schema):
    agreement: str = Field(description=gettext_noop("The short name the check routes take."))
    agreement_uid: str
    title: dict[str, str] = Field(
        description=gettext_noop(
            'Every language the city wrote it in, e.g. {"fr": "…", "nl": "…"}.'
        )
    )
    legal_basis: str = Field(description=gettext_noop("DPV or GDPR legal basis IRI."))
    consent_based: bool
    languages: list[str] = Field(
        description=gettext_noop("The city's languages, its first language first.")
    )
    version: int = Field(description=gettext_noop("The current published version."))
    purposes: list[str] = Field(description=gettext_noop("DPV purpose IRIs."))
    data_categories: list[str] = Field(description=gettext_noop("DPV personal-data category IRIs."))
    description: dict[str, str] = Field(
        description=gettext_noop("The terms residents read, per language.")
    )
    retention: dict[str, str] = Field(
        description=gettext_noop("How long you keep the data, per language.")
    )
    expires_on: date | None
    consent_valid_days: int | None
    text_hash: str = Field(
        description=gettext_noop(
            "SHA-256 (hex) of the canonical JSON of every language's description and "
            "retention: the textHash receipts of schema 3 state."
        )
    )
    published_at: datetime | None


@router.get(
    "/agreements",
    response=list[AgreementOut],
    summary=gettext_noop("The published terms you receive data under, in every language"),
)
def agreements(request: HttpRequest) -> list[dict]:
    key = require_scope(request, "consent:check")
    return selectors.partner_agreements(key.organisation)


# --- webhooks ---------------------------------------------------------------------------------
class WebhookIn(Schema):
    url: str = Field(min_length=8, max_length=500)


class WebhookOut(Schema):
    id: int
    url: str
    active: bool
    created_at: datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(
        description=gettext_noop("Shown once: verify each notice's HMAC signature with it.")
    )


@router.get("/webhooks", response=list[WebhookOut], summary=gettext_noop("Your webhooks"))
def webhooks(request: HttpRequest) -> list[Webhook]:
    key = require_scope(request, "webhooks")
    return list(Webhook.objects.filter(recipient=key.organisation).order_by("id"))


@router.post(
    "/webhooks", response={201: WebhookCreated}, summary=gettext_noop("Register a webhook")
)
def webhook_create(request: HttpRequest, payload: WebhookIn) -> Status:
    key = require_scope(request, "webhooks")
    hook, secret = services.create_webhook(key.organisation, payload.url, actor=None, via_key=key)
    return Status(
        201,
        WebhookCreated(
            id=hook.pk, url=hook.url, active=hook.active, created_at=hook.created_at, secret=secret
        ),
    )


@router.delete(
    "/webhooks/{webhook_id}", response={204: None}, summary=gettext_noop("Switch a webhook off")
)
def webhook_delete(request: HttpRequest, webhook_id: int) -> Status:
    key = require_scope(request, "webhooks")
    hook = Webhook.objects.filter(pk=webhook_id, recipient=key.organisation).first()
    if hook is None:
        raise HttpError(404, f"You have no webhook {webhook_id}.")
    if hook.active:
        services.set_webhook_active(hook, False, actor=None, via_key=key)
    return Status(204, None)


# --- public: keys, checkpoints, proofs -------------------------------------------------------
class CheckpointOut(Schema):
    origin: str
    size: int
    root: str = Field(description=gettext_noop("Merkle root, hex"))
    time: str
    key_id: str
    signature: str = Field(description=gettext_noop("Ed25519 signature, base64"))
    note: str = Field(description=gettext_noop("The C2SP signed note"))
    prev_hash: str = Field(
        description=gettext_noop(
            "SHA-256 (hex) of the previous checkpoint's note, as signed in the note's "
            "prev line; empty for checkpoints signed before checkpoints were chained"
        )
    )


class InclusionOut(Schema):
    event_id: int
    event_hash: str
    leaf_hash: str
    leaf_index: int
    tree_size: int
    audit_path: list[str] = Field(description=gettext_noop("Hex hashes, nearest sibling first"))
    checkpoint: CheckpointOut


class ConsistencyOut(Schema):
    first: CheckpointOut
    second: CheckpointOut
    proof: list[str]


def _checkpoint_out(cp: Checkpoint) -> CheckpointOut:
    note = ledger.signed(cp)
    return CheckpointOut(
        origin=cp.origin,
        size=cp.size,
        root=cp.root,
        time=note.to_json()["time"],
        key_id=cp.key_id,
        signature=cp.signature,
        note=cp.note,
        prev_hash=cp.prev_hash,
    )


def _checkpoint(size: int) -> Checkpoint:
    cp = Checkpoint.objects.filter(size=size).first()
    if cp is None:
        raise HttpError(404, f"There is no checkpoint of size {size}.")
    return cp


@router.get(
    "/jwks.json",
    auth=None,
    summary=gettext_noop("Public keys for receipts (JWKS)"),
    description=gettext_noop(
        "The installation's JWKS, the same document as ``/.well-known/jwks.json``."
    ),
)
def jwks(request: HttpRequest) -> dict:
    return signing.jwks()


@router.get("/checkpoints/latest", response=CheckpointOut, auth=None, openapi_extra=refusals(404))
def checkpoint_latest(request: HttpRequest) -> CheckpointOut:
    cp = ledger.latest_checkpoint()
    if cp is None:
        raise HttpError(404, "The ledger has no checkpoint yet.")
    return _checkpoint_out(cp)


@router.get("/checkpoints", response=list[CheckpointOut], auth=None)
def checkpoint_list(
    request: HttpRequest,
    limit: int = Query(50, ge=1, le=500),
    before: int | None = Query(None, ge=0, le=MAX_ID),
) -> list:
    rows = Checkpoint.objects.order_by("-size")
    if before is not None:
        rows = rows.filter(size__lt=before)
    return [_checkpoint_out(cp) for cp in rows[:limit]]


@router.get("/checkpoints/{size}", response=CheckpointOut, auth=None)
def checkpoint_at(request: HttpRequest, size: int = Path(..., ge=0, le=MAX_ID)) -> CheckpointOut:
    return _checkpoint_out(_checkpoint(size))


@router.get(
    "/proofs/inclusion",
    response=InclusionOut,
    auth=None,
    description=gettext_noop(
        "Audit path of an event against a checkpoint (default: the latest that covers it)."
    ),
    openapi_extra=refusals(404, 409),
)
def proof_inclusion(
    request: HttpRequest,
    event_id: int = Query(..., ge=1, le=MAX_ID),
    tree_size: int | None = Query(None, ge=0, le=MAX_ID),
) -> InclusionOut:
    event = LedgerEvent.objects.filter(pk=event_id).first()
    if event is None:
        raise HttpError(404, f"There is no ledger event {event_id}.")
    if event.leaf_index is None:
        raise HttpError(409, "The event is not integrated into the tree yet; try again later.")
    cp = _checkpoint(tree_size) if tree_size is not None else None
    if cp is not None and cp.size <= event.leaf_index:
        # Waiting will not help: that checkpoint is signed and will never contain the event.
        raise HttpError(
            422,
            f"The checkpoint of size {cp.size} does not contain event {event.pk} (tree position "
            f"{event.leaf_index}); ask for a larger checkpoint or leave tree_size out.",
        )
    proof = ledger.inclusion_proof(event, cp)
    if proof is None:
        raise HttpError(409, "No checkpoint covers this event yet; try again later.")
    return InclusionOut(
        event_id=event.pk,
        event_hash=event.hash,
        leaf_hash=event_leaf(event.hash).hex(),
        leaf_index=proof.leaf_index,
        tree_size=proof.tree_size,
        audit_path=[h.hex() for h in proof.path],
        checkpoint=_checkpoint_out(proof.checkpoint),
    )


@router.get(
    "/proofs/consistency",
    response=ConsistencyOut,
    auth=None,
    description=gettext_noop(
        "Proof that the ledger at checkpoint ``first`` is a prefix of the one at ``second``."
        "\n\n``first`` larger than ``second`` is a 422."
    ),
    openapi_extra=refusals(404),
)
def proof_consistency(
    request: HttpRequest,
    first: int = Query(
        ..., ge=0, le=MAX_ID, description=gettext_noop("A checkpoint size, at most `second`")
    ),
    second: int = Query(
        ..., ge=0, le=MAX_ID, description=gettext_noop("A checkpoint size, at least `first`")
    ),
) -> ConsistencyOut:
    if first > second:
        raise HttpError(422, "first must not be larger than second.")
    a, b = _checkpoint(first), _checkpoint(second)
    proof = ledger.consistency_proof(a, b)
    return ConsistencyOut(
        first=_checkpoint_out(a), second=_checkpoint_out(b), proof=[h.hex() for h in proof]
    )
