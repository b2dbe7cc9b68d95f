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
import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

import psycopg
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone
from django.utils.translation import get_language
from psycopg import pq

from cityrights.core.errors import ServiceError
from cityrights.core.models import ApiKey, Organisation
from cityrights.core.prepared import may_prepare

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


class CheckInputError(ServiceError):
    """Bad input; ``status`` is the HTTP status, ``reason`` the plain-words explanation."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason, status)
        self.reason = reason


@dataclass(frozen=True)
class CheckItem:
    agreement: str
    purpose: str
    categories: tuple[str, ...]
    subject: str | None = None
    identifier_kind: str | None = None
    identifier_value: str | None = None


class Answer(NamedTuple):
    """One decision (a tuple: a batch builds a thousand of them per request)."""

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
    purposes = terms.iris("purpose")  # cached frozensets
    categories = terms.iris("category")
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

    fast = connection.vendor == "postgresql"
    if fast and not batch and len(items) == 1 and items[0].subject:
        # A single check (the partner waits on its latency) is decided and logged by one
        # statement; None when it names an agreement that is unknown or not the recipient's
        # (nothing logged: the path below says which). Batches keep the path below, whose
        # throughput was measured at full size (docs/consent-ledger.md).
        decided = _decide_and_log_postgres(key.pk, items[0], city.pk, recipient.pk, now, today)
        if decided is not None:
            return [decided]
    slugs = {item.agreement for item in items}
    pseudonyms = {item.subject for item in items if item.subject}
    if fast:
        agreements, current, subjects, pg_states = _load_postgres(city.pk, slugs, pseudonyms)
    else:
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
    if not fast:
        current = {}
        for published in AgreementVersion.objects.filter(
            agreement__in=agreements.values(), status=AgreementVersion.Status.PUBLISHED
        ).order_by("number"):
            current[published.agreement_id] = published
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
    if fast:
        states, version_purposes = pg_states
        missing = subject_ids - {subject for subject, _agreement in states}
        if any(by_identifier.values()) and missing:
            # Subjects found by an external identifier: their states in one more query.
            more, more_purposes = _states_postgres(missing, [a.pk for a in agreements.values()])
            states.update(more)
            version_purposes.update(more_purposes)
    elif subject_ids:
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
            row_subject, agreement_id, category, status, version_id, row_event, expires = row
            states.setdefault((row_subject, agreement_id), {})[category] = (
                status,
                version_id,
                row_event,
                expires,
            )
            version_ids.add(version_id)
    if not fast:
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
        categories = sorted(set(item.categories))
        decision, reason, event_id, expires = _judge(
            item.purpose, categories, agreement, version, subject_id, states,
            version_purposes, now, today,
        )  # fmt: skip
        answers.append(
            Answer(
                decision,
                reason,
                event_id,
                agreement.slug,
                version.number if version else None,
                expires,
                now,
            )
        )
        logs.append(
            (subject_id, agreement.pk, item.purpose, categories, decision, reason, event_id)
        )
    write_log(city.pk, recipient.pk, key.pk, now, logs)
    return answers


def _judge(
    purpose: str,
    categories: list[str],
    agreement: Any,
    version: Any,
    subject_id: int | None,
    states: _States,
    version_purposes: dict[int, set[str]],
    now: datetime,
    today: date,
) -> tuple[str, str, int | None, datetime | None]:
    """(decision, reason, deciding event, end of consent) for one item."""
    if version is None:
        return Decision.DENY, "the agreement has no published terms", None, None
    if purpose not in version.purposes:
        return Decision.DENY, "the purpose is not covered by the agreement", None, None
    for category in categories:
        if category not in version.data_categories:
            return (
                Decision.DENY,
                f"data category {category} is not covered by the agreement",
                None,
                None,
            )
    if version.expires_on and version.expires_on < today:
        return Decision.DENY, "the agreement has ended", None, None
    if not agreement.consent_based:
        basis = terms.label(agreement.legal_basis)
        return Decision.PERMIT, f"processing rests on {basis}, not on consent", None, None
    given = states.get((subject_id, agreement.pk), {}) if subject_id is not None else {}
    deciding_event = 0
    earliest_end: datetime | None = None
    for category in categories:
        state = given.get(category)
        if state is None:
            return Decision.DENY, NO_CONSENT, None, None
        status, version_id, event_id, expires = state
        if status == ConsentState.Status.WITHDRAWN:
            return Decision.DENY, "consent withdrawn", event_id, None
        if status == ConsentState.Status.EXPIRED or (expires is not None and expires <= now):
            return Decision.DENY, "consent expired", event_id, expires
        if purpose not in version_purposes.get(version_id, ()):
            return Decision.DENY, "the consent given does not cover this purpose", event_id, None
        if event_id > deciding_event:
            deciding_event = event_id
        if expires is not None and (earliest_end is None or expires < earliest_end):
            earliest_end = expires
    return Decision.PERMIT, "consent given", deciding_event, earliest_end


@dataclass(frozen=True)
class _Agreement:
    """The columns of an agreement a decision needs (PostgreSQL fast path)."""

    pk: int
    slug: str
    recipient_id: int
    consent_based: bool
    legal_basis: str


@dataclass(frozen=True)
class _Version:
    pk: int
    number: int
    purposes: list[str]
    data_categories: list[str]
    expires_on: date | None


_AGREEMENTS_SQL = (
    "SELECT a.id, a.slug, a.recipient_id, a.consent_based, a.legal_basis, "
    "v.id, v.number, v.purposes::text, v.data_categories::text, v.expires_on "
    "FROM consent_processingagreement a LEFT JOIN LATERAL ("
    "SELECT id, number, purposes, data_categories, expires_on FROM consent_agreementversion "
    "WHERE agreement_id = a.id AND status = 'published' ORDER BY number DESC LIMIT 1) v ON true "
    "WHERE a.organisation_id = %s AND a.slug = ANY(%s)"
)
# Subjects (by pseudonym, in the city, not erased) with their states for the named agreements
# and the purposes of the version each state points to: one query for the whole batch. The
# pseudonyms come as one JSON array and are joined (one index probe each): with a plain
# "pseudonym = ANY(array)" the planner scans the whole table once the array is long.
_SUBJECT_STATES_SQL = (
    "SELECT s.pseudonym, s.id, st.agreement_id, st.category, st.status, st.version_id, "
    "st.event_id, st.expires_at, sv.purposes::text "
    "FROM (SELECT DISTINCT value AS pseudonym FROM json_array_elements_text(%s::json)) q "
    "JOIN consent_datasubject s ON s.pseudonym = q.pseudonym "
    "LEFT JOIN consent_consentstate st ON st.subject_id = s.id AND st.agreement_id = ANY(ARRAY("
    "SELECT id FROM consent_processingagreement WHERE organisation_id = %s AND slug = ANY(%s))) "
    "LEFT JOIN consent_agreementversion sv ON sv.id = st.version_id "
    "WHERE s.organisation_id = %s AND s.erased_at IS NULL"
)
_STATES_SQL = (
    "SELECT s.pseudonym, s.id, st.agreement_id, st.category, st.status, st.version_id, "
    "st.event_id, st.expires_at, sv.purposes::text "
    "FROM consent_datasubject s "
    "LEFT JOIN consent_consentstate st ON st.subject_id = s.id AND st.agreement_id IN ("
    "SELECT id FROM consent_processingagreement WHERE organisation_id = %s AND slug = ANY(%s)) "
    "LEFT JOIN consent_agreementversion sv ON sv.id = st.version_id "
    "WHERE s.organisation_id = %s AND s.pseudonym = ANY(%s) AND s.erased_at IS NULL"
)
_STATES_SQL = (
    "SELECT st.subject_id, st.agreement_id, st.category, st.status, st.version_id, "
    "st.event_id, st.expires_at, sv.purposes::text FROM consent_consentstate st "
    "JOIN consent_agreementversion sv ON sv.id = st.version_id "
    "WHERE st.subject_id = ANY(%s) AND st.agreement_id = ANY(%s)"
)

_States = dict[tuple[int, int], dict[str, tuple[str, int, int, datetime | None]]]


def _add_state(
    states: _States, purposes: dict[int, set[str]], subject_id: int, row: tuple[Any, ...]
) -> None:
    agreement_id, category, status, version_id, event_id, expires, version_purposes = row
    states.setdefault((subject_id, agreement_id), {})[category] = (
        status,
        version_id,
        event_id,
        expires,
    )
    if version_id not in purposes:
        purposes[version_id] = set(json.loads(version_purposes))


def _load_postgres(
    city_id: int, slugs: set[str], pseudonyms: set[str]
) -> tuple[dict[str, Any], dict[int, Any], dict[str, int], tuple[_States, dict[int, set[str]]]]:
    """Everything a batch needs in one round trip: both queries go in one pipeline.

    The ORM path (SQLite) issues five queries; over the network each costs a
    round trip, which is most of a single check's time.
    """
    connection.ensure_connection()
    raw = connection.connection
    slug_list, pseudonym_list = sorted(slugs), sorted(pseudonyms)
    with raw.pipeline():
        first = psycopg.Cursor(raw)
        prepare = may_prepare(connection)
        first.execute(_AGREEMENTS_SQL, [city_id, slug_list], prepare=prepare)
        second = psycopg.Cursor(raw)
        if pseudonym_list:
            second.execute(
                _SUBJECT_STATES_SQL,
                [json.dumps(pseudonym_list), city_id, slug_list, city_id],
                prepare=prepare,
            )
    agreements: dict[str, Any] = {}
    current: dict[int, Any] = {}
    with first:
        for pk, slug, recipient, consent_based, basis, vid, number, purp, cats, ends in first:
            agreements[slug] = _Agreement(pk, slug, recipient, consent_based, basis)
            if vid is not None:
                current[pk] = _Version(vid, number, json.loads(purp), json.loads(cats), ends)
    subjects: dict[str, int] = {}
    states: _States = {}
    purposes: dict[int, set[str]] = {}
    with second:
        for row in second if pseudonym_list else ():
            subjects[row[0]] = row[1]
            if row[2] is not None:
                _add_state(states, purposes, row[1], row[2:])
    return agreements, current, subjects, (states, purposes)


def _states_postgres(
    subject_ids: set[int], agreement_ids: list[int]
) -> tuple[_States, dict[int, set[str]]]:
    states: _States = {}
    purposes: dict[int, set[str]] = {}
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(_STATES_SQL, [sorted(subject_ids), agreement_ids])
        for row in cursor:
            _add_state(states, purposes, row[0], row[1:])
    return states, purposes


# --- decided and logged in one call (PostgreSQL) ----------------------------------------------
# The rules of ``_judge`` for one item that names its subject by pseudonym (the single check,
# where the partner waits on the latency) live in the database function
# ``consent_check_and_log`` (consent migration 0011), which also logs the answer, so a check
# costs one round trip. The item comes as plain parameters; an agreement that is unknown or
# not the recipient's yields no row and logs nothing.
# tests/consent/test_fast_paths.py compares the function with ``_judge`` on every rule.
_DECIDE_SQL = (
    "SELECT decision, reason, event_id, slug, number, expires FROM consent_check_and_log("
    "%(city)s::bigint, %(a)s::text, %(recipient)s::bigint, %(key)s::bigint, %(s)s::text, "
    "%(p)s::text, %(c)s::text[], %(today)s::date, %(now)s::timestamptz, %(bases)s::text, "
    "%(async)s::boolean)"
)


def _text_array(values: Sequence[str]) -> str:
    """``values`` as a PostgreSQL array literal (``{"a","b"}``), every element quoted."""
    quoted = (value.replace("\\", "\\\\").replace('"', '\\"') for value in values)
    return "{" + ",".join(f'"{value}"' for value in quoted) + "}"


_bases: dict[str, str] = {}


def _basis_labels() -> str:
    """``{legal basis IRI: label}`` in the active language, as JSON (kept per language)."""
    language = get_language() or ""
    found = _bases.get(language)
    if found is None:
        found = json.dumps({iri: terms.label(iri) for iri in sorted(terms.iris("legal_basis"))})
        _bases[language] = found
    return found


class _Statement:
    """A statement run through libpq itself (``PQexecPrepared``), prepared once per connection.

    psycopg's cursor (its adaptation, its generator-driven wait for the answer) cost about
    70 µs of CPU per check and more of latency, as much as the statement's own execution on
    the server. Every parameter is cast in the text, so values go as plain text without
    types, and the answer comes back as text."""

    def __init__(self, name: str, sql: str) -> None:
        self.name = name.encode()
        names: list[str] = []

        def number(match: re.Match[str]) -> str:
            if match.group(1) not in names:
                names.append(match.group(1))
            return f"${names.index(match.group(1)) + 1}"

        self.sql = sql  # for psycopg's cursor, in a transaction
        self.text = re.sub(r"%\((\w+)\)s", number, sql).encode()
        self.names = tuple(names)

    def _prepare(self, raw: psycopg.Connection) -> None:
        result = raw.pgconn.prepare(self.name, self.text)
        if result.status != pq.ExecStatus.COMMAND_OK and _state(result) != b"42P05":
            raise psycopg.errors.error_from_result(result, encoding=raw.info.encoding)

    def run(
        self, raw: psycopg.Connection, params: dict[str, Any], *, prepare: bool = True
    ) -> tuple[Any, ...] | None:
        """The first row of the answer (text values), ``None`` without rows. Without
        ``prepare`` (behind a pooler in transaction mode) the text is sent with each call."""
        pgconn = raw.pgconn
        if not raw.autocommit or pgconn.transaction_status != pq.TransactionStatus.IDLE:
            # In a transaction, psycopg's cursor: it begins the transaction if need be, and a
            # statement that went missing (psycopg deallocates every prepared statement when
            # a transaction rolls back) cannot be prepared again once the transaction failed.
            with psycopg.Cursor(raw) as cursor:
                cursor.execute(self.sql, params, prepare=prepare)
                row = cursor.fetchone()
            return None if row is None else tuple(_text(value) for value in row)
        values = [_text(params[name]) for name in self.names]
        if not prepare:
            with raw.lock:
                result = pgconn.exec_params(self.text, values)
        else:
            result = self._exec_prepared(raw, values)
        if result.status != pq.ExecStatus.TUPLES_OK:
            raise psycopg.errors.error_from_result(result, encoding=raw.info.encoding)
        if not result.ntuples:
            return None
        return tuple(result.get_value(0, column) for column in range(result.nfields))

    def _exec_prepared(self, raw: psycopg.Connection, values: list[bytes | None]) -> Any:
        pgconn = raw.pgconn
        with raw.lock:
            prepared = _prepared.setdefault(raw, set())
            if self.name not in prepared:
                self._prepare(raw)
                prepared.add(self.name)
            result = pgconn.exec_prepared(self.name, values)  # type: ignore[arg-type]  # None: NULL
            if _state(result) == b"26000":  # gone (a rollback, DISCARD ALL): prepare again
                self._prepare(raw)
                result = pgconn.exec_prepared(self.name, values)  # type: ignore[arg-type]  # None: NULL
        return result


#: The connections (psycopg's, weakly held) on which each ``_Statement`` is prepared.
_prepared: weakref.WeakKeyDictionary[Any, set[bytes]] = weakref.WeakKeyDictionary()


def _state(result: Any) -> bytes | None:
    """The SQLSTATE of a failed result (26000: no such prepared statement; 42P05: it exists)."""
    if result.status != pq.ExecStatus.FATAL_ERROR:
        return None
    state: bytes | None = result.error_field(pq.DiagnosticField.SQLSTATE)
    return state


def _text(value: Any) -> bytes | None:
    """A value as PostgreSQL reads it in text form (the statement casts each parameter)."""
    if value is None:
        return None
    if isinstance(value, bytes):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat().encode()
    return str(value).encode()


_DECIDE = _Statement("cityrights_consent_check", _DECIDE_SQL)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _decide_and_log_postgres(
    key: int | None,
    item: CheckItem,
    city: int,
    recipient: int,
    now: datetime,
    today: date,
) -> Answer | None:
    """One item (named by pseudonym) decided and logged by one call; ``None`` (nothing
    logged) when it names an agreement that is unknown or not the recipient's."""
    db = connections[DEFAULT_DB_ALIAS]  # once: each use of the proxy looks it up again
    params = {
        "s": item.subject,
        "a": item.agreement,
        "p": item.purpose,
        "c": _text_array(sorted(set(item.categories))),
        "city": city,
        "recipient": recipient,
        "key": key,
        "now": now,
        "today": today,
        "bases": _basis_labels(),
        # Asynchronous only outside a transaction: in one, the row follows the transaction.
        "async": not (db.in_atomic_block or durable_log()),
    }
    db.ensure_connection()
    found = _DECIDE.run(db.connection, params, prepare=may_prepare(db))
    if found is None:
        return None
    decision, reason, event_id, slug, number, expires = found
    return Answer(
        decision.decode(),
        reason.decode(),
        None if event_id is None else int(event_id),
        slug.decode(),
        None if number is None else int(number),
        None if expires is None else _EPOCH + timedelta(microseconds=int(expires)),
        now,
    )


def durable_log() -> bool:
    """Whether a check's log row is flushed to disk before the answer (see docs/consent.md)."""
    return bool(getattr(settings, "CITYRIGHTS_CONSENT_DURABLE_CHECK_LOG", True))


# One statement for any number of rows, handed over as one JSON document that PostgreSQL
# unpacks itself (adapting seven Python lists of a thousand values each cost more than the
# insert). Outside a transaction, set_config(…, true) applies to this statement's own
# transaction only: with CITYRIGHTS_CONSENT_DURABLE_CHECK_LOG off the log row is committed
# asynchronously (WAL flushed within a fraction of a second) instead of waiting for the disk.
# Ledger events never are.
_LOG_SQL = (
    "INSERT INTO consent_consentcheck (organisation_id, subject_id, recipient_id, api_key_id, "
    "agreement_id, purpose, categories, decision, reason, event_id, at) "
    "SELECT %s, u.s, %s, %s, u.a, u.p, u.c, u.d, u.r, u.e, %s "
    "FROM json_to_recordset(%s::json) AS u(s bigint, a bigint, p text, c jsonb, d text, "
    "r text, e bigint)"
)
_ASYNC_LOG_SQL = (
    "WITH _async AS (SELECT set_config('synchronous_commit', 'off', true)) "
    + _LOG_SQL
    + " CROSS JOIN _async"
)
_LOG_KEYS = ("s", "a", "p", "c", "d", "r", "e")


def write_log(city: int, recipient: int, key: int | None, at: datetime, rows: list[tuple]) -> None:
    """Record checks; each row is (subject, agreement, purpose, categories, decision, reason,
    event). On PostgreSQL one statement for the whole batch."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        ConsentCheck.objects.bulk_create(
            [
                ConsentCheck(
                    organisation_id=city,
                    subject_id=subject,
                    recipient_id=recipient,
                    api_key_id=key,
                    agreement_id=agreement,
                    purpose=purpose,
                    categories=categories,
                    decision=decision,
                    reason=reason,
                    event_id=event,
                    at=at,
                )
                for subject, agreement, purpose, categories, decision, reason, event in rows
            ]
        )
        return
    document = json.dumps([dict(zip(_LOG_KEYS, row, strict=True)) for row in rows])
    sql = _LOG_SQL
    if not connection.in_atomic_block and not durable_log():
        sql = _ASYNC_LOG_SQL
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, [city, recipient, key, at, document], prepare=may_prepare(connection))
