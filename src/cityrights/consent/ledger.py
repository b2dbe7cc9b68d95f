"""The consent ledger on the database: append, integrate, checkpoint, prove, verify.

How the pieces fit (docs/consent-ledger.md has the long form):

* :func:`append` writes one event. It touches only the subject's row, so
  writers for different residents never wait for each other (on PostgreSQL
  it is one call of a database function, see migration 0006). The event id
  (the hashed ``seq``) increases along every chain; the event, the new head,
  the derived :class:`~cityrights.consent.models.ConsentState` and
  withdrawal notices are written atomically.
* :func:`integrate` is the sequencer. Holding the single ``LedgerTree`` row,
  it takes committed events without a tree position in id order, gives them
  the next leaf indexes and extends the RFC 9162 tree from its stored
  frontier. Only it serialises, and it works in batches.
* :func:`checkpoint` signs (size, root) with the Ed25519 ledger key.
* :func:`inclusion_proof` and :func:`consistency_proof` read leaf hashes and
  stored subtree hashes, never the whole tree.
* :func:`verify` recomputes everything in one streaming pass and reports the
  first broken position.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import psycopg
from django.db import connection, transaction
from django.utils import timezone

from cityrights.core import signing
from cityrights.core.prepared import may_prepare
from cityrights.core.translation import translations

from . import keys, treecheck
from .checkpoints import (
    GENESIS_PREV,
    CheckpointError,
    SignedCheckpoint,
    note_hash,
    sign_checkpoint,
    verify_checkpoint,
)
from .events import (
    EventError,
    check_event_input,
    event_hash,
    event_leaf,
    genesis_hash,
    normalise_time,
)
from .merkle import NODE_STORE_MIN_LEVEL, MerkleFrontier, TreeReader, verify_consistency
from .models import (
    AgreementVersion,
    Checkpoint,
    ConsentState,
    DataSubject,
    EventKind,
    LedgerEvent,
    LedgerTree,
    MerkleNode,
    NoticeOutbox,
    Webhook,
)

EVENT_TABLE = LedgerEvent._meta.db_table
SEQUENCE = "consent_ledgerevent_seq"
DEFAULT_BATCH = 10_000


class LedgerError(ValueError):
    """An event that cannot be appended (the message says why, for people)."""


# --- append ---------------------------------------------------------------------------------
def _next_event_id() -> int:
    """Allocate the next event id. Called while holding the subject's lock."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(%s)", [SEQUENCE])
        else:
            # SQLite has one writer at a time (IMMEDIATE transactions), so max + 1 is safe.
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {EVENT_TABLE}")  # noqa: S608
        return int(cursor.fetchone()[0])


def consent_expiry(version: AgreementVersion, at: datetime) -> datetime | None:
    """When a consent given at ``at`` under ``version`` stops being valid (None: never)."""
    candidates = []
    if version.consent_valid_days:
        candidates.append(at + timedelta(days=version.consent_valid_days))
    if version.expires_on:
        end = datetime.combine(version.expires_on, datetime.max.time())
        candidates.append(timezone.make_aware(end, timezone.get_default_timezone()))
    return min(candidates) if candidates else None


@dataclass(frozen=True)
class StateChange:
    """What one event does to the derived state of one category."""

    status: str
    expires_at: datetime | None


def state_after(kind: str, version: AgreementVersion, at: datetime) -> StateChange:
    if kind in (EventKind.GRANT, EventKind.RENEW):
        return StateChange(ConsentState.Status.GRANTED, consent_expiry(version, at))
    if kind == EventKind.WITHDRAW:
        return StateChange(ConsentState.Status.WITHDRAWN, None)
    return StateChange(ConsentState.Status.EXPIRED, None)


def append(
    subject: DataSubject | int,
    *,
    kind: str,
    version: AgreementVersion,
    categories: Iterable[str],
    method: str,
    witness: str | None = None,
    at: datetime | None = None,
) -> LedgerEvent:
    """Append one event to the subject's chain and apply it to the derived state.

    Runs in its own transaction (or joins the caller's). Validation of what a
    person may do (consent-based agreement, published version, categories of
    that version) happens in :mod:`cityrights.consent.services`; here only the
    ledger's own invariants are enforced.
    """
    scope = sorted(set(categories))
    if not scope:
        raise LedgerError("An event needs at least one data category.")
    unknown = set(scope) - set(version.data_categories)
    if unknown:
        raise LedgerError("These categories are not part of the agreement: " + ", ".join(unknown))
    at = at or timezone.now()
    at = at.replace(microsecond=at.microsecond)  # keep microseconds: they are hashed
    agreement = version.agreement
    subject_pk = subject.pk if isinstance(subject, DataSubject) else subject
    if connection.vendor == "postgresql":
        return _append_postgres(subject_pk, kind, version, agreement, scope, method, witness, at)
    with transaction.atomic():
        head = (
            DataSubject.objects.select_for_update()
            .only("id", "pseudonym", "head_seq", "head_hash", "organisation_id")
            .get(pk=subject_pk)
        )
        event_id = _next_event_id()
        prev = head.head_hash or genesis_hash(head.pseudonym)
        seq = head.head_seq + 1
        fields = {
            "agreement": str(agreement.uid),
            "agreement_version": version.number,
            "kind": kind,
            "method": method,
            "scope": scope,
            "seq": event_id,
            "subject": head.pseudonym,
            "subject_seq": seq,
            "time": at,
            "witness": witness,
        }
        try:
            digest = event_hash(fields, prev)
        except EventError as error:
            raise LedgerError(str(error)) from error
        event = LedgerEvent(
            id=event_id,
            organisation_id=head.organisation_id,
            subject_id=head.pk,
            subject_seq=seq,
            kind=kind,
            agreement_version=version,
            scope=scope,
            method=method,
            witness=witness,
            at=at,
            prev_hash=prev,
            hash=digest,
        )
        event.save(force_insert=True)
        DataSubject.objects.filter(pk=head.pk).update(head_seq=seq, head_hash=digest)
        change = state_after(kind, version, at)
        ConsentState.objects.bulk_create(
            [
                ConsentState(
                    subject_id=head.pk,
                    agreement_id=agreement.pk,
                    category=category,
                    status=change.status,
                    version=version,
                    event=event,
                    expires_at=change.expires_at,
                    updated_at=at,
                )
                for category in scope
            ],
            update_conflicts=True,
            unique_fields=["subject", "agreement", "category"],
            update_fields=["status", "version", "event", "expires_at", "updated_at"],
        )
        if kind in (EventKind.WITHDRAW, EventKind.EXPIRE):
            _queue_notices(event, head.pseudonym, agreement, version, scope)
    return event


# The PostgreSQL append is one call of the function consent_append_event (migration 0006):
# it locks the subject's chain head, takes the next id inside that lock (so ids increase along
# every chain), hashes the event with the same canonical encoding as events.encode_event,
# inserts it, moves the head and upserts the states. One round trip per event, and outside a
# caller's transaction no BEGIN/COMMIT either; the lock lasts as long as the statement.
_APPEND_SQL = "SELECT * FROM consent_append_event(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"


def _append_postgres(
    subject_pk: int,
    kind: str,
    version: AgreementVersion,
    agreement: Any,
    scope: list[str],
    method: str,
    witness: str | None,
    at: datetime,
) -> LedgerEvent:
    """The PostgreSQL append: one statement; a withdrawal also queues its notices.

    The ORM version costs seven round trips and about 2.8 ms of Python per
    event. A withdrawal or expiry runs in a transaction that also holds its
    notices.
    """
    try:
        check_event_input(kind, method, witness, scope, at)
    except EventError as error:
        raise LedgerError(str(error)) from error
    if kind in (EventKind.WITHDRAW, EventKind.EXPIRE):
        with transaction.atomic():
            event, pseudonym = _write_postgres(
                subject_pk, kind, version, agreement, scope, method, witness, at
            )
            _queue_notices(event, pseudonym, agreement, version, scope)
        return event
    return _write_postgres(subject_pk, kind, version, agreement, scope, method, witness, at)[0]


def _write_postgres(
    subject_pk: int,
    kind: str,
    version: AgreementVersion,
    agreement: Any,
    scope: list[str],
    method: str,
    witness: str | None,
    at: datetime,
) -> tuple[LedgerEvent, str]:
    change = state_after(kind, version, at)
    connection.ensure_connection()
    # Prepared (Django turns psycopg's automatic preparation off, see the settings):
    # PostgreSQL plans the call once per connection, unless a pooler forbids it.
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(
            _APPEND_SQL,
            [
                subject_pk, kind, version.pk, agreement.pk, str(agreement.uid), version.number,
                scope, method, witness, at, change.status, change.expires_at,
            ],
            prepare=may_prepare(connection),
        )  # fmt: skip
        row = cursor.fetchone()
    if row is None:
        raise DataSubject.DoesNotExist(f"There is no data subject {subject_pk}.")
    event_id, seq, prev, digest, pseudonym, organisation_id = row
    event = LedgerEvent(
        id=event_id,
        organisation_id=organisation_id,
        subject_id=subject_pk,
        subject_seq=seq,
        kind=kind,
        agreement_version=version,
        scope=scope,
        method=method,
        witness=witness,
        at=at,
        prev_hash=prev,
        hash=digest,
    )
    event._state.adding = False
    event._state.db = connection.alias
    return event, pseudonym


def _queue_notices(
    event: LedgerEvent, pseudonym: str, agreement: Any, version: AgreementVersion, scope: list[str]
) -> None:
    """Outbox rows for the recipient's webhooks, written in the event's transaction."""
    hooks = list(Webhook.objects.filter(recipient_id=agreement.recipient_id, active=True))
    if not hooks:
        return
    payload = {
        "type": "consent.withdrawn" if event.kind == EventKind.WITHDRAW else "consent.expired",
        "event_id": event.pk,
        "event_hash": event.hash,
        "subject": pseudonym,
        "agreement": agreement.slug,
        "agreement_uid": str(agreement.uid),
        # Every language the city wrote the title in ({"fr": …, "nl": …}): the recipient
        # tells its own readers in their language; the resident's language is not sent.
        "agreement_title": translations(agreement, "title"),
        "agreement_version": version.number,
        "categories": scope,
        "at": normalise_time(event.at),
    }
    NoticeOutbox.objects.bulk_create(
        [NoticeOutbox(webhook=hook, event=event, payload=payload) for hook in hooks],
        ignore_conflicts=True,
    )


# --- derived state as a pure replay ---------------------------------------------------------
def replay(events: Sequence[LedgerEvent]) -> dict[tuple[int, str], tuple[str, int, int]]:
    """The state the events imply: ``(agreement, category) -> (status, version, event)``.

    The derived table must always equal this replay (tested with hypothesis);
    it is also how the table can be rebuilt after a restore.
    """
    state: dict[tuple[int, str], tuple[str, int, int]] = {}
    for event in sorted(events, key=lambda e: e.subject_seq):
        version = event.agreement_version
        change = state_after(event.kind, version, event.at)
        for category in event.scope:
            state[(version.agreement_id, category)] = (
                change.status,
                version.pk,
                event.pk,
            )
    return state


# --- the sequencer --------------------------------------------------------------------------
def _tree_row() -> LedgerTree:
    tree = LedgerTree.objects.select_for_update().filter(pk=1).first()
    if tree is None:
        LedgerTree.objects.get_or_create(pk=1)
        tree = LedgerTree.objects.select_for_update().get(pk=1)
    return tree


def _set_leaf_indexes(pairs: list[tuple[int, int]]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {EVENT_TABLE} AS e SET leaf_index = v.leaf "  # noqa: S608
                "FROM (SELECT unnest(%s::bigint[]) AS id, unnest(%s::bigint[]) AS leaf) AS v "
                "WHERE e.id = v.id AND e.leaf_index IS NULL",
                [[p[0] for p in pairs], [p[1] for p in pairs]],
            )
        else:
            cursor.executemany(
                f"UPDATE {EVENT_TABLE} SET leaf_index = %s "  # noqa: S608
                "WHERE id = %s AND leaf_index IS NULL",
                [(leaf, event_id) for event_id, leaf in pairs],
            )


def integrate(batch: int = DEFAULT_BATCH) -> int:
    """Give up to ``batch`` committed, pending events their tree positions. Returns how many."""
    with transaction.atomic():
        tree = _tree_row()
        rows = list(
            LedgerEvent.objects.filter(leaf_index__isnull=True)
            .order_by("id")
            .values_list("id", "hash")[:batch]
        )
        if not rows:
            return 0
        frontier = MerkleFrontier.from_json(tree.frontier)
        start = frontier.size
        completed = frontier.extend(
            (event_leaf(digest) for _id, digest in rows), store_min_level=NODE_STORE_MIN_LEVEL
        )
        _set_leaf_indexes([(event_id, start + n) for n, (event_id, _h) in enumerate(rows)])
        if completed:
            MerkleNode.objects.bulk_create(
                [MerkleNode(level=lv, index=ix, hash=h.hex()) for lv, ix, h in completed],
                ignore_conflicts=True,
            )
        tree.size = frontier.size
        tree.frontier = frontier.to_json()
        tree.root = frontier.root().hex()
        tree.updated_at = timezone.now()
        tree.save()
        return len(rows)


def integrate_all(batch: int = DEFAULT_BATCH) -> int:
    total = 0
    while True:
        done = integrate(batch)
        total += done
        if done < batch:
            return total


def pending_count() -> int:
    return LedgerEvent.objects.filter(leaf_index__isnull=True).count()


# --- checkpoints ----------------------------------------------------------------------------
def checkpoint(at: datetime | None = None) -> Checkpoint | None:
    """Integrate what is pending, then sign the tree head unless it is signed already.

    The new checkpoint links to the one the tree row recorded last (its
    ``prev``), and the tree row then records the new one, in one transaction.
    """
    integrate_all()
    with transaction.atomic():
        tree = _tree_row()
        if tree.size == 0:
            return None
        existing = Checkpoint.objects.filter(size=tree.size).first()
        if existing is not None:
            return existing
        signed = sign_checkpoint(
            signing.signing_key().private,
            keys.origin(),
            tree.size,
            bytes.fromhex(tree.root),
            at or timezone.now(),
            prev=bytes.fromhex(tree.checkpoint_hash) if tree.checkpoint_hash else GENESIS_PREV,
        )
        data = signed.to_json()
        note = signed.to_note()
        created = Checkpoint.objects.create(
            size=tree.size,
            root=tree.root,
            at=signed.time,
            origin=signed.origin,
            key_id=data["key_id"],
            signature=data["signature"],
            note=note,
            frontier=tree.frontier,
            prev_hash=data["prev"],
        )
        tree.checkpoint_size = tree.size
        tree.checkpoint_hash = note_hash(note).hex()
        tree.save(update_fields=["checkpoint_size", "checkpoint_hash"])
        return created


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-size").first()


def signed(cp: Checkpoint) -> SignedCheckpoint:
    return SignedCheckpoint.from_note(cp.note)


# --- proofs ---------------------------------------------------------------------------------
def _leaf_hashes(start: int, end: int) -> list[bytes]:
    rows = (
        LedgerEvent.objects.filter(leaf_index__gte=start, leaf_index__lt=end)
        .order_by("leaf_index")
        .values_list("hash", flat=True)
    )
    return [event_leaf(digest) for digest in rows]


def _node_hash(level: int, index: int) -> bytes | None:
    value = MerkleNode.objects.filter(level=level, index=index).values_list("hash", flat=True)
    found = value.first()
    return bytes.fromhex(found) if found else None


def reader(size: int) -> TreeReader:
    return TreeReader(size, _leaf_hashes, _node_hash)


@dataclass(frozen=True)
class Inclusion:
    leaf_index: int
    tree_size: int
    path: list[bytes]
    checkpoint: Checkpoint


def inclusion_proof(event: LedgerEvent, cp: Checkpoint | None = None) -> Inclusion | None:
    """Audit path of an integrated event against ``cp`` (default: the latest that covers it)."""
    if event.leaf_index is None:
        return None
    if cp is None:
        cp = Checkpoint.objects.filter(size__gt=event.leaf_index).order_by("-size").first()
    if cp is None or cp.size <= event.leaf_index:
        return None
    return Inclusion(
        event.leaf_index, cp.size, reader(cp.size).inclusion_proof(event.leaf_index), cp
    )


def consistency_proof(first: Checkpoint, second: Checkpoint) -> list[bytes]:
    """Proof that the tree at ``first`` is a prefix of the tree at ``second``."""
    if first.size > second.size:
        raise LedgerError("The first checkpoint must not be larger than the second.")
    return reader(second.size).consistency_proof(first.size)


# --- verification ---------------------------------------------------------------------------
@dataclass
class VerifyReport:
    ok: bool = True
    events: int = 0
    seconds: float = 0.0
    position: int | None = None  # leaf index, or the position after the last leaf
    event_id: int | None = None
    reason: str = ""
    checkpoints: int = 0
    subjects: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0

    def fail(self, position: int | None, event_id: int | None, reason: str) -> VerifyReport:
        self.ok, self.position, self.event_id, self.reason = False, position, event_id, reason
        return self


def _columns() -> str:
    """The verified columns; on PostgreSQL the time comes as canonical text (no parsing)."""
    if connection.vendor == "postgresql":
        at, scope = (
            """to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')""",
            "e.scope::text",
        )
    else:
        at, scope = "e.at", "e.scope"
    return (
        "e.id, e.leaf_index, e.subject_id, s.pseudonym, e.subject_seq, e.kind, "
        f"e.agreement_version_id, {scope}, e.method, e.witness, {at}, e.prev_hash, e.hash"
    )


def _stream(chunk: int = 20_000) -> Iterator[tuple[Any, ...]]:
    """All events, integrated ones in tree order, then pending ones in id order.

    Two queries, each walking an index in its order (the tree positions, the
    pending ids): one query ordered by both would sort the whole ledger before
    the first row arrives.
    """
    base = (
        f"SELECT {_columns()} FROM {EVENT_TABLE} e "  # noqa: S608
        f"JOIN {DataSubject._meta.db_table} s ON s.id = e.subject_id "
    )
    for where in (
        "WHERE e.leaf_index IS NOT NULL ORDER BY e.leaf_index",
        "WHERE e.leaf_index IS NULL ORDER BY e.id",
    ):
        yield from _rows(base + where, chunk)


def _rows(sql: str, chunk: int) -> Iterator[tuple[Any, ...]]:
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        if connection.vendor == "postgresql":
            # psycopg's server-side cursor reads in chunks of itersize; Django's wrapper
            # passes the attribute through but its stub does not declare it.
            cursor.itersize = chunk  # type: ignore[attr-defined]
        cursor.execute(sql)
        if connection.vendor == "postgresql":
            # The next chunk travels while this one is hashed: psycopg waits on the
            # network without the GIL, so PostgreSQL and Python work at the same time.
            yield from _prefetched(cursor.cursor.fetchmany, chunk)
            return
        while True:
            rows = cursor.fetchmany(chunk)
            if not rows:
                return
            yield from rows


def _prefetched(fetch: Any, chunk: int, depth: int = 3) -> Iterator[tuple[Any, ...]]:
    """Rows of ``fetch(chunk)`` calls made by a helper thread, at most ``depth`` chunks ahead.

    The thread is the only user of the cursor until it has stopped; leaving the
    generator early (verification stops at the first problem) stops and joins it.
    """
    chunks: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def offer(item: Any) -> None:
        while not stop.is_set():
            try:
                chunks.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def run() -> None:
        try:
            while not stop.is_set():
                rows = fetch(chunk)
                offer(rows)
                if not rows:
                    return
        except BaseException as error:  # handed to the consumer, which re-raises it
            offer(error)

    helper = threading.Thread(target=run, name="verify-ledger-fetch", daemon=True)
    helper.start()
    try:
        while True:
            item = chunks.get()
            if isinstance(item, BaseException):
                raise item
            if not item:
                return
            yield from item
    finally:
        stop.set()
        helper.join()


def _as_time(value: Any) -> str:
    """Canonical time text; raw SQLite rows carry UTC without an offset."""
    if isinstance(value, str) and value.endswith("Z"):
        return value
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return normalise_time(value)


_encode = json.encoder.encode_basestring


def _scope_text(raw: Any) -> str | None:
    """The canonical JSON items of a stored scope, or None when it needs the strict path."""
    try:
        items = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return None
    if not isinstance(items, list) or not items:
        return None
    if not all(type(item) is str and item for item in items):
        return None
    return ",".join(map(_encode, sorted(set(items))))


def canonical_hash(
    agreement: str,
    version: int,
    kind: str,
    method: str,
    prev_hash: str,
    scope_text: str,
    seq: int,
    subject: str,
    subject_seq: int,
    time_text: str,
    witness: str | None,
) -> str:
    """The same bytes as :func:`events.encode_event`, for values already known to be valid.

    verify-ledger hashes millions of rows; the generic encoder re-validates
    every field, which costs more than the hashing. The caller checks the
    preconditions (kinds, methods, witness rule, positive numbers, canonical
    time and scope) and falls back to :func:`events.event_hash` otherwise; a
    property test keeps both encoders byte-for-byte equal.
    """
    text = (
        f'{{"agreement":{_encode(agreement)},"agreement_version":{version},"kind":"{kind}",'
        f'"method":"{method}","prev_hash":"{prev_hash}","scope":[{scope_text}],'
        f'"seq":{seq},"subject":{_encode(subject)},"subject_seq":{subject_seq},'
        f'"time":"{time_text}","witness":{"null" if witness is None else _encode(witness)}}}'
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_KINDS = frozenset(EventKind.values)
_METHODS = frozenset({"web", "api", "paper", "system"})
_MAX_INT = 2**53 - 1


#: From this many events on, verify-ledger checks the tree in a second process (PostgreSQL).
PARALLEL_MIN_EVENTS = 200_000


def verify(progress: Any = None, parallel: bool | None = None) -> VerifyReport:
    """Recompute every hash, chain, tree root, stored node and checkpoint signature.

    Stops at the first problem and says where: the leaf index (tree position)
    and the event id. ``progress``, if given, is called with the count every
    100,000 events. On PostgreSQL, outside a transaction, everything is read
    from one snapshot, and the Merkle tree is checked by a second process
    (:mod:`cityrights.consent.treecheck`) while this one checks the chains;
    ``parallel`` forces that on or off (default: from
    :data:`PARALLEL_MIN_EVENTS` events on).
    """
    started = time.perf_counter()
    with _snapshot() as snapshot:
        if not snapshot:
            parallel = False
        elif parallel is None:  # the tree's size, not a count of the whole ledger
            size = LedgerTree.objects.filter(pk=1).values_list("size", flat=True).first()
            parallel = (size or 0) >= PARALLEL_MIN_EVENTS
        report = _verify(VerifyReport(), progress, parallel=parallel)
    report.seconds = time.perf_counter() - started
    return report


@contextmanager
def _snapshot() -> Iterator[bool]:
    """On PostgreSQL outside a transaction: one read-only snapshot for everything read.

    Appends made while verifying are simply not seen. Yields whether a snapshot
    was taken (it can then be shared with a second process).
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield False
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield True


def verify_checkpoints() -> VerifyReport:
    """Check only the checkpoints, as an auditor without the events would.

    Every checkpoint's signature, columns and link to the one before (as in
    :func:`verify`), and an RFC 9162 consistency proof from each checkpoint to
    the next and from the latest to the sequencer's tree head, built from the
    stored subtree and leaf hashes. ``events`` stays 0: no event is rehashed.
    """
    started = time.perf_counter()
    report = VerifyReport()
    with _snapshot():
        checkpoints = list(Checkpoint.objects.order_by("size"))
        report.checkpoints = len(checkpoints)
        broken = _checkpoint_problem(checkpoints)
        tree = LedgerTree.objects.filter(pk=1).values_list("size", "root").first()
        heads = [(cp.size, cp.root) for cp in checkpoints]
        if tree is not None and tree[0] and (not heads or tree[0] > heads[-1][0]):
            heads.append(tree)
        for (first, first_root), (second, second_root) in pairwise(heads):
            if broken is not None:
                break
            proof = reader(second).consistency_proof(first)
            if not verify_consistency(
                first, second, bytes.fromhex(first_root), bytes.fromhex(second_root), proof
            ):
                broken = (
                    second,
                    f"the tree of size {second} does not extend the checkpoint of size {first} "
                    "(RFC 9162 consistency proof)",
                )
    if broken is not None:
        report.fail(broken[0], None, broken[1])
    report.seconds = time.perf_counter() - started
    return report


def _altered_columns(cp: Checkpoint, note: SignedCheckpoint) -> list[str]:
    """The stored columns that differ from what the note signs."""
    signed_columns = {
        "size": (cp.size, note.size),
        "root": (cp.root, note.root.hex()),
        "at": (cp.at, note.time),
        "origin": (cp.origin, note.origin),
        "key_id": (cp.key_id, note.key_id.hex()),
        "signature": (cp.signature, base64.b64encode(note.signature).decode("ascii")),
        "prev_hash": (cp.prev_hash, note.prev.hex() if note.prev is not None else ""),
    }
    return [name for name, (stored, signed) in signed_columns.items() if stored != signed]


def _checkpoint_problem(checkpoints: Sequence[Checkpoint]) -> tuple[int, str] | None:
    """The first checkpoint (size, reason) that is forged, altered or out of the chain.

    Raises :class:`LedgerError` when a note names a key id that no published
    key has: the key folder is incomplete, and nothing can be judged.
    """
    published = list(signing.public_keys().values())
    previous: Checkpoint | None = None
    previous_time: datetime | None = None
    chained = False
    for cp in checkpoints:
        try:
            note = SignedCheckpoint.from_note(cp.note)
        except CheckpointError:
            return cp.size, f"checkpoint of size {cp.size} is malformed"
        public = next(
            (key for key in published if signing.note_key_id(note.origin, key) == note.key_id),
            None,
        )
        if public is None:
            raise LedgerError(
                f"the checkpoint of size {cp.size} is signed with key id {note.key_id.hex()}, "
                f"which no published key has. Restore the key folder ({signing.key_dir()}: "
                "the current key and retired/) and run again"
            )
        if not verify_checkpoint(public, note):
            return cp.size, f"checkpoint of size {cp.size}: bad signature"
        altered = _altered_columns(cp, note)
        if altered:
            return cp.size, (
                f"checkpoint of size {cp.size} was altered: {', '.join(altered)} "
                "differ from the signed note"
            )
        if note.prev is not None:
            expected = note_hash(previous.note) if previous is not None else GENESIS_PREV
            if note.prev != expected:
                before = (
                    f"the checkpoint before it (size {previous.size})"
                    if previous is not None
                    else "an earlier checkpoint that is missing"
                )
                return cp.size, (
                    f"checkpoint of size {cp.size} does not link to {before}: "
                    "a checkpoint was deleted, replaced or reordered"
                )
            chained = True
        elif chained:
            return cp.size, f"checkpoint of size {cp.size} is not chained, after chained ones"
        if previous_time is not None and note.time < previous_time:
            return cp.size, f"checkpoint of size {cp.size} is dated before the one before it"
        previous, previous_time = cp, note.time
    recorded = LedgerTree.objects.filter(pk=1).values_list("checkpoint_size", "checkpoint_hash")
    size, digest = recorded.first() or (0, "")
    latest_hash = note_hash(previous.note).hex() if previous is not None else ""
    if (size, digest) != ((previous.size, latest_hash) if previous is not None else (0, "")):
        return size, (
            f"the latest checkpoint recorded by the sequencer (size {size}) is missing or "
            "was replaced: checkpoints were deleted"
        )
    return None


def _strict_hash(fields: dict[str, Any], prev_hash: str) -> str:
    if isinstance(fields["scope"], str):
        try:
            fields["scope"] = json.loads(fields["scope"])
        except ValueError as error:
            raise EventError("scope: not JSON") from error
    return event_hash(fields, prev_hash)


class TreeProcess:
    """The tree half of verify-ledger in a second process, on this transaction's snapshot.

    The caller keeps the transaction open until :meth:`result` has answered.
    """

    def __init__(self, roots: dict[int, str], frontiers: dict[int, str]) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        conninfo = {
            key: value
            for key, value in connection.get_connection_params().items()
            if isinstance(value, str | int) and key != "prepare_threshold"
        }
        request = {
            "conninfo": conninfo,
            "snapshot": snapshot,
            "roots": roots,
            "frontiers": frontiers,
            "tables": {
                "event": EVENT_TABLE,
                "node": MerkleNode._meta.db_table,
                "tree": LedgerTree._meta.db_table,
            },
        }
        source = str(Path(treecheck.__file__).resolve().parents[2])
        path = os.pathsep.join(filter(None, [source, os.environ.get("PYTHONPATH")]))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cityrights.consent.treecheck"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": path},
            text=True,
        )
        # Sent now, so the second process works while this one checks the chains; handed
        # over (not kept on the Popen), so that communicate() only reads the answer.
        stdin, self.process.stdin = self.process.stdin, None
        assert stdin is not None
        try:
            with stdin:
                stdin.write(json.dumps(request))
        except BrokenPipeError:
            pass  # the process already ended: result() reports how

    def result(self) -> treecheck.Problem | None:
        out, err = self.process.communicate()
        try:
            if self.process.returncode != 0:
                raise ValueError(err.strip().splitlines()[-1] if err.strip() else "no output")
            found = json.loads(out)["problem"]
        except (ValueError, KeyError, IndexError) as error:
            raise LedgerError(f"The tree check (second process) failed: {error}") from error
        return treecheck.Problem(*found) if found else None


def _verify(report: VerifyReport, progress: Any, parallel: bool) -> VerifyReport:
    versions = {
        pk: (str(uid), number)
        for pk, uid, number in AgreementVersion.objects.values_list(
            "pk", "agreement__uid", "number"
        )
    }
    checkpoints = list(Checkpoint.objects.order_by("size"))
    report.checkpoints = len(checkpoints)
    broken = _checkpoint_problem(checkpoints)
    if broken is not None:
        return report.fail(broken[0], None, broken[1])
    roots = {cp.size: cp.root for cp in checkpoints}
    frontiers = {cp.size: treecheck.frontier_digest(cp.frontier) for cp in checkpoints}
    tree: treecheck.TreeCheck | None = None
    tree_result: TreeProcess | None = None
    if parallel:
        tree_result = TreeProcess(roots, frontiers)
    else:
        stored = MerkleNode.objects.values_list("level", "index", "hash")
        tree = treecheck.TreeCheck(roots, {(lv, ix): h for lv, ix, h in stored}, frontiers)
    heads: dict[int, tuple[int, str]] = {}
    problem, leaves = _check_chains(report, progress, versions, tree, heads)
    if problem is None and tree is not None:
        head = LedgerTree.objects.filter(pk=1).values_list("size", "root").first()
        problem = tree.finish(head)
    if problem is None:
        problem = _check_heads(report, heads, leaves)
    if tree_result is not None:
        tree_problem = tree_result.result()
        if tree_problem and (problem is None or tree_problem.key() < problem.key()):
            problem = tree_problem
    if problem is not None:
        return report.fail(problem.position, problem.event_id, problem.reason)
    return report


def _check_chains(
    report: VerifyReport,
    progress: Any,
    versions: dict[int, tuple[str, int]],
    tree: treecheck.TreeCheck | None,
    heads: dict[int, tuple[int, str]],
) -> tuple[treecheck.Problem | None, int]:
    """Every event's hash and every subject's chain, in tree order; the tree too if given.

    Fills ``heads`` (the last event of each subject) and returns the first
    problem and how many integrated events were seen.
    """
    scopes: dict[Any, str | None] = {}
    position = 0  # integrated events seen so far

    def problem(event_id: int | None, reason: str) -> tuple[treecheck.Problem, int]:
        return treecheck.Problem(position, event_id, reason, treecheck.CHAIN), position

    for row in _stream():
        (event_id, leaf, subject_id, pseudonym, subject_seq, kind, version_id, scope, method,
         witness, at, prev_hash, digest) = row  # fmt: skip
        report.events += 1
        if tree is not None:
            # Integrated events come first; the first pending one closes the tree.
            found = tree.check_position(leaf, event_id) if leaf is not None else tree.flush()
            if found:
                return found, position
        last_seq, last_hash = heads.get(subject_id, (0, ""))
        if subject_seq != last_seq + 1:
            return problem(event_id, f"chain of subject {pseudonym}: expected event {last_seq + 1}")
        expected_prev = last_hash or genesis_hash(pseudonym)
        if prev_hash != expected_prev:
            return problem(event_id, "does not chain to the previous event of its subject")
        agreement_uid, number = versions.get(version_id, ("?", 0))
        time_text = _as_time(at)
        scope_text = scopes.get(scope, "")
        if scope_text == "":
            scope_text = scopes[scope] = _scope_text(scope)
        fast = (
            scope_text is not None
            and kind in _KINDS
            and method in _METHODS
            and (method == "paper") == (witness is not None)
            and (witness is None or (type(witness) is str and witness != ""))
            and 1 <= number <= _MAX_INT
            and 1 <= event_id <= _MAX_INT
            and subject_seq <= _MAX_INT
            and type(pseudonym) is str
            and pseudonym != ""
        )
        try:
            if fast:
                recomputed = canonical_hash(
                    agreement_uid, number, kind, method, prev_hash, scope_text or "",
                    event_id, pseudonym, subject_seq, time_text, witness,
                )  # fmt: skip
            else:
                recomputed = _strict_hash(
                    {
                        "agreement": agreement_uid, "agreement_version": number, "kind": kind,
                        "method": method, "scope": scope, "seq": event_id,
                        "subject": pseudonym, "subject_seq": subject_seq, "time": time_text,
                        "witness": witness,
                    },
                    prev_hash,
                )  # fmt: skip
        except (EventError, UnicodeEncodeError) as error:
            return problem(event_id, f"malformed event: {error}")
        if recomputed != digest:
            return problem(event_id, "hash does not match the event's fields")
        heads[subject_id] = (subject_seq, digest)
        if leaf is not None:
            if tree is not None:
                found = tree.append(event_id, digest)
                if found:
                    return found, position
            position += 1
        if progress and report.events % 100_000 == 0:
            progress(report.events)
    return None, position


def _check_heads(
    report: VerifyReport, heads: dict[int, tuple[int, str]], position: int
) -> treecheck.Problem | None:
    """Every subject's stored chain head is the last event seen of that subject."""
    for subject_id, pseudonym, head_seq, head_hash in DataSubject.objects.values_list(
        "id", "pseudonym", "head_seq", "head_hash"
    ).iterator(chunk_size=20_000):
        report.subjects += 1
        if heads.get(subject_id, (0, "")) != (head_seq, head_hash):
            return treecheck.Problem(
                position,
                None,
                f"chain of subject {pseudonym} is shorter than its head says",
                treecheck.HEADS,
            )
    return None
