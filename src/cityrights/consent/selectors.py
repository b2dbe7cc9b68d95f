"""Reads of the consent app: what a resident sees, what staff see, what an export holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from cityrights.core.models import Organisation, User
from cityrights.core.prepared import PreparedQuery
from cityrights.core.translation import order_text, translations

from . import issuing, ledger, services, terms
from .events import normalise_time
from .models import (
    AgreementVersion,
    Checkpoint,
    ConsentCheck,
    ConsentState,
    DataSubject,
    LedgerEvent,
    NoticeOutbox,
    ProcessingAgreement,
    Webhook,
)
from .receipts import wording_digest


@dataclass
class CategoryView:
    iri: str
    label: str
    status: str  # "granted", "withdrawn", "expired", "none"
    expires_at: datetime | None = None
    outdated: bool = False  # given under an earlier version of the terms


@dataclass
class AgreementView:
    agreement: ProcessingAgreement
    version: AgreementVersion
    categories: list[CategoryView] = field(default_factory=list)

    @property
    def any_granted(self) -> bool:
        return any(c.status == "granted" for c in self.categories)

    @property
    def all_granted(self) -> bool:
        return all(c.status == "granted" and not c.outdated for c in self.categories)

    @property
    def renewable(self) -> bool:
        return any(c.status == "granted" and (c.expires_at or c.outdated) for c in self.categories)

    @property
    def ended(self) -> bool:
        return bool(self.version.expires_on and self.version.expires_on < timezone.localdate())


# The city home and the public agreements page run this for every visitor; Django spent
# more CPU writing its SQL (two joins, every column) than PostgreSQL spends answering it.
_PUBLISHED_VERSIONS = PreparedQuery(
    lambda city_id: (
        AgreementVersion.objects.filter(
            agreement__organisation_id=city_id, status=AgreementVersion.Status.PUBLISHED
        )
        .select_related("agreement__controller", "agreement__recipient")
        .order_by("number")
    ),
    city_id=int,
)


def published_agreements(city: Organisation) -> list[tuple[ProcessingAgreement, AgreementVersion]]:
    """Every agreement of the city with published terms, with its current version."""
    current: dict[int, AgreementVersion] = {}
    for version in _PUBLISHED_VERSIONS(city_id=city.pk):
        current[version.agreement_id] = version
    pairs = [(version.agreement, version) for version in current.values()]
    return sorted(pairs, key=lambda pair: pair[0].title.lower())


def partner_agreements(recipient: Organisation) -> list[dict[str, Any]]:
    """The published terms a partner receives data under, for the partner API.

    Texts carry every language the city wrote them in (``{"fr": …, "nl": …}``), whatever
    the request's ``Accept-Language``: the partner tells its own readers in their
    language (docs/consent.md, "Terms in the city's languages"). ``text_hash`` is the
    value receipts of schema 3 state, so a partner can match a resident's receipt.
    """
    current: dict[int, AgreementVersion] = {}
    for version in (
        AgreementVersion.objects.filter(
            agreement__recipient=recipient, status=AgreementVersion.Status.PUBLISHED
        )
        .select_related("agreement__organisation")
        .order_by("number")
    ):
        current[version.agreement_id] = version
    result = []
    for version in sorted(current.values(), key=lambda v: (v.agreement.slug, v.agreement_id)):
        agreement = version.agreement
        wording = version.wording()
        result.append(
            {
                "agreement": agreement.slug,
                "agreement_uid": str(agreement.uid),
                "title": translations(agreement, "title"),
                "legal_basis": agreement.legal_basis,
                "consent_based": agreement.consent_based,
                "languages": list(agreement.organisation.content_languages),
                "version": version.number,
                "purposes": version.purposes,
                "data_categories": version.data_categories,
                "description": translations(version, "description"),
                "retention": translations(version, "retention"),
                "expires_on": version.expires_on,
                "consent_valid_days": version.consent_valid_days,
                "text_hash": wording_digest(wording),
                "published_at": version.published_at,
            }
        )
    return result


def portal(
    city: Organisation, subject: DataSubject | None
) -> tuple[list[AgreementView], list[Any]]:
    """(consent-based agreements with the person's state per category, other agreements)."""
    now = timezone.now()
    states: dict[tuple[int, str], ConsentState] = {}
    if subject is not None:
        states = {
            (s.agreement_id, s.category): s for s in ConsentState.objects.filter(subject=subject)
        }
    consent, other = [], []
    for agreement, version in published_agreements(city):
        if not agreement.consent_based:
            other.append((agreement, version))
            continue
        view = AgreementView(agreement, version)
        for iri in version.data_categories:
            state = states.get((agreement.pk, iri))
            status = "none"
            expires = None
            outdated = False
            if state is not None:
                status = state.status
                expires = state.expires_at
                if status == "granted" and expires is not None and expires <= now:
                    status = "expired"
                outdated = status == "granted" and state.version_id != version.pk
            view.categories.append(CategoryView(iri, terms.label(iri), status, expires, outdated))
        consent.append(view)
    return consent, other


def history(subject: DataSubject | None) -> QuerySet[LedgerEvent]:
    if subject is None:
        return LedgerEvent.objects.none()
    return (
        LedgerEvent.objects.filter(subject=subject)
        .select_related("agreement_version__agreement__recipient")
        .order_by("-subject_seq")
    )


def access_log(subject: DataSubject | None) -> QuerySet[ConsentCheck]:
    if subject is None:
        return ConsentCheck.objects.none()
    return ConsentCheck.objects.filter(subject=subject).select_related("recipient", "agreement")


def export(city: Organisation, user: User, subject: DataSubject | None) -> dict[str, Any]:
    """Everything the city holds about the person in the consent app, as plain JSON."""
    data: dict[str, Any] = {
        "format": "cityrights-consent-export/1",
        "exported_at": normalise_time(timezone.now()),
        "city": {"name": city.name, "slug": city.slug},
        "account": {"email": user.email, "name": user.name, "language": user.language},
        "subject": None,
        "consents": [],
        "events": [],
        "checks": [],
    }
    if subject is None:
        return data
    data["subject"] = {
        "pseudonym": subject.pseudonym,
        "created_at": normalise_time(subject.created_at),
        "identifying_data": services.identity_of(subject),
        "external_identifiers": [
            {"kind": kind, "keyed_hash": digest}
            for kind, digest in subject.identifiers.values_list("kind", "value_hash")
        ],
    }
    for state in ConsentState.objects.filter(subject=subject).select_related(
        "agreement", "version"
    ):
        data["consents"].append(
            {
                "agreement": state.agreement.slug,
                "agreement_title": state.agreement.title,
                "version": state.version.number,
                "category": state.category,
                "category_label": terms.label(state.category),
                "status": state.status,
                "expires_at": normalise_time(state.expires_at) if state.expires_at else None,
                "event_id": state.event_id,
            }
        )
    for event in history(subject).order_by("subject_seq"):
        data["events"].append(
            {
                "id": event.pk,
                "seq_in_chain": event.subject_seq,
                "kind": event.kind,
                "agreement": event.agreement_version.agreement.slug,
                "version": event.agreement_version.number,
                "categories": event.scope,
                "method": event.method,
                "witness": event.witness,
                "at": normalise_time(event.at),
                "prev_hash": event.prev_hash,
                "hash": event.hash,
                "leaf_index": event.leaf_index,
                "receipt": issuing.token_for(event),
            }
        )
    for check in access_log(subject):
        data["checks"].append(
            {
                "at": normalise_time(check.at),
                "recipient": check.recipient.name,
                "agreement": check.agreement.slug if check.agreement else None,
                "purpose": check.purpose,
                "categories": check.categories,
                "decision": check.decision,
                "reason": check.reason,
                "event_id": check.event_id,
            }
        )
    return data


# --- staff ------------------------------------------------------------------------------------
def agreements_for_staff(city: Organisation) -> QuerySet[ProcessingAgreement]:
    return (
        ProcessingAgreement.objects.filter(organisation=city)
        .select_related("controller", "recipient")
        .annotate(
            published=Count("versions", filter=Q(versions__status="published"), distinct=True),
            drafts=Count("versions", filter=Q(versions__status="draft"), distinct=True),
        )
        .order_by(order_text("title"), "id")
    )


def consent_counts(agreement: ProcessingAgreement) -> list[tuple[str, str, int, int]]:
    """Per category: (iri, label, people who gave consent, people who withdrew). No names."""
    rows = (
        ConsentState.objects.filter(agreement=agreement)
        .values("category")
        .annotate(
            given=Count("id", filter=Q(status="granted")),
            withdrawn=Count("id", filter=Q(status="withdrawn")),
        )
    )
    by_category: dict[str, Any] = {row["category"]: row for row in rows}
    version = agreement.current_version() or agreement.versions.order_by("-number").first()
    categories = list(version.data_categories) if version else []
    categories += [c for c in by_category if c not in categories]
    return [
        (
            iri,
            terms.label(iri),
            by_category.get(iri, {}).get("given", 0),
            by_category.get(iri, {}).get("withdrawn", 0),
        )
        for iri in categories
    ]


def partners_with_webhooks(city: Organisation) -> QuerySet[Organisation]:
    """The city's partners, each with ``active_webhooks`` (how many receive notices)."""
    active = Webhook.objects.filter(recipient=OuterRef("pk"), active=True)
    return (
        Organisation.objects.filter(city=city)
        .annotate(
            active_webhooks=Coalesce(
                Subquery(active.values("recipient").annotate(n=Count("pk")).values("n")), 0
            )
        )
        .order_by("name")
    )


def city_webhooks(city: Organisation) -> QuerySet[Webhook]:
    return Webhook.objects.filter(Q(recipient=city) | Q(recipient__city=city)).select_related(
        "recipient"
    )


def outbox(city: Organisation) -> QuerySet[NoticeOutbox]:
    return NoticeOutbox.objects.filter(
        Q(webhook__recipient=city) | Q(webhook__recipient__city=city)
    ).select_related("webhook__recipient")


def outbox_counts(city: Organisation) -> dict[str, int]:
    counts = dict.fromkeys(NoticeOutbox.Status.values, 0)
    for row in outbox(city).values("status").annotate(n=Count("id")).order_by():
        counts[row["status"]] = row["n"]
    return counts


@dataclass(frozen=True)
class LedgerStatus:
    size: int
    pending: int
    city_events: int
    city_subjects: int
    last_checkpoint: Checkpoint | None


def ledger_status(city: Organisation) -> LedgerStatus:
    from .models import LedgerTree

    tree = LedgerTree.objects.filter(pk=1).first()
    # Every chain head counts its subject's events, so the city's events are the sum of its
    # subjects' heads: one pass over the subjects instead of one over the whole ledger (this
    # status is on every staff dashboard). verify-ledger checks that heads and chains agree.
    counts = DataSubject.objects.filter(organisation=city).aggregate(
        subjects=Count("id"), events=Sum("head_seq")
    )
    return LedgerStatus(
        size=tree.size if tree else 0,
        pending=ledger.pending_count(),
        city_events=counts["events"] or 0,
        city_subjects=counts["subjects"],
        last_checkpoint=ledger.latest_checkpoint(),
    )
