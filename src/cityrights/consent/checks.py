"""The partner's question "may I use this person's data for this?" and its logged answer.

One code path serves the single and the batch route: everything a batch
needs is read in a handful of queries (agreements, versions, subjects,
states), decided in memory, and every answer is logged in one bulk insert,
because the resident sees each check in their access log.

What a recipient learns is deliberately the same for "unknown person" and
"known person without consent": *no consent on record*.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from cityrights.core.models import ApiKey, Organisation

from . import services, terms
from .models import (
    AgreementVersion,
    ConsentCheck,
    ConsentState,
    DataSubject,
    Decision,
    ProcessingAgreement,
)

MAX_BATCH = 1000
NO_CONSENT = "no consent on record"


class CheckInputError(Exception):
    """Bad input; ``status`` is the HTTP status, ``reason`` the plain-words explanation."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class CheckItem:
    agreement: str
    purpose: str
    categories: tuple[str, ...]
    subject: str | None = None
    identifier_kind: str | None = None
    identifier_value: str | None = None


@dataclass(frozen=True)
class Answer:
    decision: str
    reason: str
    event_id: int | None
    agreement: str
    agreement_version: int | None
    expires_at: datetime | None
    checked_at: datetime


def _where(index: int | None) -> str:
    return f"item {index}: " if index is not None else ""


def validate(items: Sequence[CheckItem], batch: bool) -> None:
    """Refuse unknown vocabulary and malformed subjects before anything is read."""
    if batch and len(items) > MAX_BATCH:
        raise CheckInputError(413, f"A batch holds at most {MAX_BATCH} items; got {len(items)}.")
    if batch and not items:
        raise CheckInputError(422, "The batch is empty.")
    purposes = set(terms.iris("purpose"))
    categories = set(terms.iris("category"))
    for n, item in enumerate(items):
        where = _where(n if batch else None)
        has_subject = bool(item.subject)
        has_identifier = bool(item.identifier_kind and item.identifier_value)
        if has_subject == has_identifier:
            raise CheckInputError(
                422, f"{where}give either 'subject' (pseudonymous id) or 'identifier', not both."
            )
        if item.purpose not in purposes:
            raise CheckInputError(422, f"{where}unknown purpose {item.purpose!r} (use a DPV IRI).")
        unknown = [c for c in item.categories if c not in categories]
        if unknown:
            raise CheckInputError(
                422, f"{where}unknown data category {unknown[0]!r} (use a DPV IRI)."
            )
        if not item.categories:
            raise CheckInputError(422, f"{where}name at least one data category.")


def decide(key: ApiKey, items: Sequence[CheckItem], *, batch: bool = False) -> list[Answer]:
    """Answer every item for the key's organisation and log each answer."""
    validate(items, batch)
    recipient: Organisation = key.organisation
    city = recipient.tenant
    now = timezone.now()
    today = timezone.localdate(now)

    slugs = {item.agreement for item in items}
    agreements = {
        a.slug: a for a in ProcessingAgreement.objects.filter(organisation=city, slug__in=slugs)
    }
    for n, item in enumerate(items):
        agreement = agreements.get(item.agreement)
        if agreement is None:
            raise CheckInputError(
                404, f"{_where(n if batch else None)}unknown agreement {item.agreement!r}."
            )
        if agreement.recipient_id != recipient.pk:
            raise CheckInputError(
                403,
                f"{_where(n if batch else None)}your organisation is not the recipient "
                f"of agreement {item.agreement!r}.",
            )
    current: dict[int, AgreementVersion] = {}
    for version in AgreementVersion.objects.filter(
        agreement__in=agreements.values(), status=AgreementVersion.Status.PUBLISHED
    ).order_by("number"):
        current[version.agreement_id] = version

    pseudonyms = {item.subject for item in items if item.subject}
    subjects = {
        s.pseudonym: s.pk
        for s in DataSubject.objects.filter(
            organisation=city, pseudonym__in=pseudonyms, erased_at__isnull=True
        ).only("pk", "pseudonym")
    }
    by_identifier: dict[tuple[str, str], int | None] = {}
    for item in items:
        if item.identifier_kind and item.identifier_value:
            pair = (item.identifier_kind, item.identifier_value)
            if pair not in by_identifier:
                found = services.subject_by_identifier(city, *pair)
                by_identifier[pair] = found.pk if found and found.erased_at is None else None

    def subject_of(item: CheckItem) -> int | None:
        if item.subject:
            return subjects.get(item.subject)
        return by_identifier.get((item.identifier_kind or "", item.identifier_value or ""))

    subject_ids = {sid for item in items if (sid := subject_of(item)) is not None}
    states: dict[tuple[int, int], dict[str, tuple[str, int, int, datetime | None]]] = {}
    version_ids: set[int] = set()
    if subject_ids:
        for row in ConsentState.objects.filter(
            subject_id__in=subject_ids, agreement__in=agreements.values()
        ).values_list(
            "subject_id",
            "agreement_id",
            "category",
            "status",
            "version_id",
            "event_id",
            "expires_at",
        ):
            subject_id, agreement_id, category, status, version_id, event_id, expires = row
            states.setdefault((subject_id, agreement_id), {})[category] = (
                status,
                version_id,
                event_id,
                expires,
            )
            version_ids.add(version_id)
    version_purposes = {
        pk: set(purposes)
        for pk, purposes in AgreementVersion.objects.filter(pk__in=version_ids).values_list(
            "pk", "purposes"
        )
    }

    answers: list[Answer] = []
    logs: list[tuple] = []
    for item in items:
        agreement = agreements[item.agreement]
        version = current.get(agreement.pk)
        subject_id = subject_of(item)

        def answer(
            decision: str,
            reason: str,
            event_id: int | None = None,
            expires: datetime | None = None,
            agreement: ProcessingAgreement = agreement,
            version: AgreementVersion | None = version,
            subject_id: int | None = subject_id,
            item: CheckItem = item,
        ) -> None:
            answers.append(
                Answer(
                    decision=decision,
                    reason=reason,
                    event_id=event_id,
                    agreement=agreement.slug,
                    agreement_version=version.number if version else None,
                    expires_at=expires,
                    checked_at=now,
                )
            )
            logs.append(
                (
                    city.pk,
                    subject_id,
                    recipient.pk,
                    key.pk,
                    agreement.pk,
                    item.purpose,
                    sorted(set(item.categories)),
                    decision,
                    reason,
                    event_id,
                    now,
                )
            )

        if version is None:
            answer(Decision.DENY, "the agreement has no published terms")
            continue
        if item.purpose not in version.purposes:
            answer(Decision.DENY, "the purpose is not covered by the agreement")
            continue
        outside = [c for c in item.categories if c not in version.data_categories]
        if outside:
            answer(Decision.DENY, f"data category {outside[0]} is not covered by the agreement")
            continue
        if version.expires_on and version.expires_on < today:
            answer(Decision.DENY, "the agreement has ended")
            continue
        if not agreement.consent_based:
            answer(
                Decision.PERMIT,
                f"processing rests on {terms.label(agreement.legal_basis)}, not on consent",
            )
            continue
        given = states.get((subject_id, agreement.pk), {}) if subject_id is not None else {}
        decided = False
        deciding_event = 0
        earliest_end: datetime | None = None
        for category in sorted(set(item.categories)):
            state = given.get(category)
            if state is None:
                answer(Decision.DENY, NO_CONSENT)
                decided = True
                break
            status, version_id, event_id, expires = state
            if status == ConsentState.Status.WITHDRAWN:
                answer(Decision.DENY, "consent withdrawn", event_id)
                decided = True
                break
            if status == ConsentState.Status.EXPIRED or (expires is not None and expires <= now):
                answer(Decision.DENY, "consent expired", event_id, expires)
                decided = True
                break
            if item.purpose not in version_purposes.get(version_id, set()):
                answer(Decision.DENY, "the consent given does not cover this purpose", event_id)
                decided = True
                break
            deciding_event = max(deciding_event, event_id)
            if expires is not None and (earliest_end is None or expires < earliest_end):
                earliest_end = expires
        if not decided:
            answer(Decision.PERMIT, "consent given", deciding_event, earliest_end)
    write_log(logs)
    return answers


LOG_COLUMNS = (
    "organisation_id",
    "subject_id",
    "recipient_id",
    "api_key_id",
    "agreement_id",
    "purpose",
    "categories",
    "decision",
    "reason",
    "event_id",
    "at",
)


def write_log(rows: list[tuple]) -> None:
    """Insert check records: COPY on PostgreSQL (a batch of 1,000 in one round trip)."""
    if connection.vendor != "postgresql":
        ConsentCheck.objects.bulk_create(
            [ConsentCheck(**dict(zip(LOG_COLUMNS, row, strict=True))) for row in rows]
        )
        return
    table = ConsentCheck._meta.db_table
    statement = f"COPY {table} ({', '.join(LOG_COLUMNS)}) FROM STDIN"
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        cursor.cursor.copy(statement) as copy,
    ):
        for row in rows:
            copy.write_row((*row[:6], json.dumps(row[6]), *row[7:]))
