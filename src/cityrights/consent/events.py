"""Canonical consent-ledger events, their hashes and the per-subject hash chains.

Design
======

Every grant, withdrawal, expiry or renewal of a consent is one *event*. Two
independent structures make the ledger tamper-evident:

1. **A hash chain per data subject.** Each event carries ``prev_hash``, the
   hash of the previous event of the *same* subject (the first event of a
   subject points to :func:`genesis_hash` of that subject), and its own
   ``hash`` = SHA-256 over the canonical JSON of all its fields including
   ``prev_hash``. Writers for different subjects never touch the same chain,
   so appends for different residents never wait for each other; appends for
   one subject are serialised only by that subject's row (its chain head).

2. **One Merkle tree over all events** (:mod:`cityrights.consent.merkle`).
   Committed events are not placed in the tree by the writer. A single
   *sequencer* picks up committed, not yet integrated events in batches,
   assigns them consecutive tree positions, appends their hashes to the
   stored frontier and writes a checkpoint (tree size, root) signed with the
   ledger's Ed25519 key (:mod:`cityrights.consent.checkpoints`). The Merkle
   leaf of an event is its event hash: ``leaf = SHA-256(0x00 || event_hash)``.
   The tree position is deliberately *not* part of the event hash, because it
   is assigned after the event was committed.

Why tampering is caught
=======================

* **Changing a row** (any hashed field, or ``prev_hash``, or ``hash``): the
  recomputed hash differs from the stored one, or the next event's
  ``prev_hash`` no longer matches. Someone who also rewrites every later
  ``hash``/``prev_hash`` of that subject repairs the chain but not the Merkle
  tree: the recomputed root differs from the root in the signed checkpoints,
  which cannot be re-signed without the private key (kept outside the
  database) and which were already handed out in receipts.
* **Deleting a row** in the middle of a chain breaks the next event's
  ``prev_hash`` and ``subject_seq``. Deleting the last events of a chain, or
  whole chains, leaves the chains valid but removes leaves from the tree, so
  the recomputed root of every later checkpoint no longer matches.
* **Inserting or reordering rows**: a row slipped into a chain does not match
  its neighbours' ``prev_hash``/``subject_seq``; rows swapped inside a chain
  fail the same way; swapping tree positions changes the Merkle root.

What this cannot catch alone: an attacker with write access to the database
could append a *new*, correctly chained event before the sequencer integrates
it. Signed checkpoints bound that window to the time between two checkpoints,
and receipts let residents notice events they never made.

Canonical form
==============

The hashed bytes are JSON with sorted keys, no whitespace and UTF-8, which is
RFC 8785 (JCS) for the values allowed here: strings, integers, ``null`` and a
list of strings (no floats, keys are ASCII). Times are normalised to UTC with
microseconds (``2025-03-01T09:30:00.000000Z``) so that a value that went
through the database hashes the same as the original.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from cityrights.consent.merkle import leaf_hash

__all__ = [
    "EVENT_FIELDS",
    "KINDS",
    "METHODS",
    "EventError",
    "canonical_event",
    "canonical_json",
    "chain_events",
    "check_event_input",
    "encode_event",
    "event_hash",
    "event_leaf",
    "genesis_hash",
    "normalise_time",
    "verify_chain",
]

KINDS = frozenset({"grant", "withdraw", "expire", "renew"})
#: ``system`` is for events no person made, such as an expiry found by the scheduler.
METHODS = frozenset({"web", "api", "paper", "system"})
#: The hashed fields, in canonical (sorted) order. ``prev_hash`` is hashed too.
EVENT_FIELDS = (
    "agreement",
    "agreement_version",
    "kind",
    "method",
    "prev_hash",
    "scope",
    "seq",
    "subject",
    "subject_seq",
    "time",
    "witness",
)
_GENESIS_PREFIX = b"cityrights:consent-ledger:genesis:v1:"
_HEX_HASH = re.compile("[0-9a-f]{64}").fullmatch
_CANONICAL_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z"
).fullmatch
#: JSON string encoder of the standard library (C), as ``json.dumps(ensure_ascii=False)`` uses.
_encode_string: Callable[[str], str] = json.encoder.encode_basestring
_MAX_SAFE_INT = 2**53 - 1  # JCS/I-JSON: larger integers do not survive every parser


class EventError(ValueError):
    """An event that cannot be put in canonical form (the message says which field)."""


def genesis_hash(subject: str) -> str:
    """The ``prev_hash`` of a subject's first event: SHA-256 of a fixed prefix and the subject id.

    Binding the start of the chain to the subject means the first event of one
    subject cannot be moved to another subject's chain.
    """
    return hashlib.sha256(_GENESIS_PREFIX + subject.encode("utf-8")).hexdigest()


def normalise_time(value: datetime | str) -> str:
    """ISO-8601 UTC with microseconds and ``Z``; naive datetimes are refused (ambiguous)."""
    if isinstance(value, str):
        if _CANONICAL_TIME(value):
            try:
                datetime.fromisoformat(value)  # rejects e.g. month 13
            except ValueError as exc:
                raise EventError(f"time: not a valid time: {value!r}") from exc
            return value
        try:
            value = datetime.fromisoformat(value)
        except ValueError as exc:
            raise EventError(f"time: not ISO-8601: {value!r}") from exc
    if not isinstance(value, datetime):
        raise EventError("time: expected a datetime or an ISO-8601 string")
    if value.tzinfo is not UTC:
        offset = value.utcoffset()
        if offset is None:
            raise EventError("time: a time zone is required")
        if offset:
            value = value.astimezone(UTC)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ" % (  # noqa: UP031 - twice as fast as strftime
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
    )


def _int(name: str, value: Any, minimum: int) -> int:
    if type(value) is not int or not minimum <= value <= _MAX_SAFE_INT:
        raise EventError(f"{name}: expected an integer from {minimum} to 2**53 - 1")
    return value


def _text(name: str, value: Any) -> str:
    if type(value) is not str or not value:
        raise EventError(f"{name}: expected a non-empty string")
    return value


def _hex_hash(name: str, value: Any) -> str:
    if type(value) is not str or not _HEX_HASH(value):
        raise EventError(f"{name}: expected 64 lower-case hex digits")
    return value


def _scope(value: Any) -> list[str]:
    if not isinstance(value, list | tuple | set | frozenset):
        raise EventError("scope: expected a list of data category IRIs")
    items = sorted(set(value))
    if not items:
        raise EventError("scope: at least one data category is required")
    for item in items:
        _text("scope item", item)
    return items


def _kind_method_witness(kind: Any, method: Any, witness: Any) -> str | None:
    if kind not in KINDS:
        raise EventError(f"kind: expected one of {sorted(KINDS)}")
    if method not in METHODS:
        raise EventError(f"method: expected one of {sorted(METHODS)}")
    if method == "paper":
        return _text("witness", witness)
    if witness is not None:
        raise EventError("witness: only a paper consent has a witness")
    return None


def check_event_input(
    kind: str, method: str, witness: str | None, scope: Sequence[str], time: datetime
) -> None:
    """Refuse what a new event cannot hash: the checks of :func:`encode_event` on the fields
    a writer chooses (the database function that appends on PostgreSQL hashes the rest)."""
    try:
        _kind_method_witness(kind, method, witness)
        if list(scope) != _scope(scope):
            raise EventError("scope: expected sorted, distinct data category IRIs")
        for value in (*scope, *([witness] if witness else [])):
            value.encode("utf-8")
    except TypeError as exc:
        raise EventError(f"malformed event: {exc}") from exc
    except UnicodeEncodeError as exc:
        raise EventError("a text field is not valid Unicode") from exc
    normalise_time(time)


def _values(fields: Mapping[str, Any], prev_hash: str) -> tuple[Any, ...]:
    """The hashed values in :data:`EVENT_FIELDS` order, validated and normalised."""
    try:
        kind, method = fields["kind"], fields["method"]
        witness = _kind_method_witness(kind, method, fields.get("witness"))
        return (
            _text("agreement", fields["agreement"]),
            _int("agreement_version", fields["agreement_version"], 1),
            kind,
            method,
            _hex_hash("prev_hash", prev_hash),
            _scope(fields["scope"]),
            _int("seq", fields["seq"], 1),
            _text("subject", fields["subject"]),
            _int("subject_seq", fields["subject_seq"], 1),
            normalise_time(fields["time"]),
            witness,
        )
    except KeyError as exc:
        raise EventError(f"{exc.args[0]}: missing") from exc
    except TypeError as exc:  # e.g. an unhashable kind or a number in the scope
        raise EventError(f"malformed event: {exc}") from exc


def canonical_event(fields: Mapping[str, Any], prev_hash: str) -> dict[str, Any]:
    """Validate and normalise the hashed fields of an event (keys in canonical order).

    Extra keys in ``fields`` (such as a stored ``hash`` or a tree position) are
    ignored; a missing or malformed field raises :class:`EventError`.
    """
    return dict(zip(EVENT_FIELDS, _values(fields, prev_hash), strict=True))


def encode_event(fields: Mapping[str, Any], prev_hash: str) -> bytes:
    """The canonical bytes of an event, equal to ``canonical_json(canonical_event(...))``.

    Written out by hand because verify-ledger hashes every event of the ledger
    and the generic encoder (with key sorting) costs more than everything else.
    """
    agreement, version, kind, method, prev, scope, seq, subject, subject_seq, time, witness = (
        _values(fields, prev_hash)
    )
    enc = _encode_string
    text = (
        f'{{"agreement":{enc(agreement)},"agreement_version":{version},"kind":"{kind}",'
        f'"method":"{method}","prev_hash":"{prev}","scope":[{",".join(map(enc, scope))}],'
        f'"seq":{seq},"subject":{enc(subject)},"subject_seq":{subject_seq},"time":{enc(time)},'
        f'"witness":{"null" if witness is None else enc(witness)}}}'
    )
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate cannot be hashed reproducibly
        raise EventError("a text field is not valid Unicode") from exc


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8, no floats: the bytes we hash and sign."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def event_hash(event_fields: Mapping[str, Any], prev_hash: str) -> str:
    """Hex SHA-256 of the canonical JSON of the event's fields chained to ``prev_hash``."""
    return hashlib.sha256(encode_event(event_fields, prev_hash)).hexdigest()


def event_leaf(event_hash_hex: str) -> bytes:
    """The Merkle leaf hash of an event: RFC 9162 leaf hash of the 32-byte event hash."""
    return leaf_hash(bytes.fromhex(event_hash_hex))


def chain_events(events: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Return copies of one subject's events with ``subject_seq``, ``prev_hash`` and ``hash`` set.

    A helper for writers and tests: it numbers the events 1, 2, ... and links
    each to the one before, starting from the subject's genesis value.
    """
    chained: list[dict[str, Any]] = []
    previous = genesis_hash(events[0]["subject"]) if events else ""
    for number, event in enumerate(events, start=1):
        row = dict(event, subject_seq=number, prev_hash=previous)
        row["hash"] = previous = event_hash(row, previous)
        chained.append(row)
    return chained


def _broken_at(position: int, event: Mapping[str, Any], subject: str, expected_prev: str) -> bool:
    if event.get("subject") != subject or event.get("subject_seq") != position + 1:
        return True
    if event.get("prev_hash") != expected_prev:
        return True
    try:
        return event_hash(event, expected_prev) != event.get("hash")
    except EventError:
        return True


def verify_chain(events: Sequence[Mapping[str, Any]], head: str | None = None) -> int | None:
    """Return the position of the first broken event of one subject's chain, or ``None``.

    ``events`` are the subject's events in chain order (by ``subject_seq``),
    each with its stored ``prev_hash`` and ``hash``. Position ``i`` is reported
    when event ``i`` was changed, or when an event before it was deleted,
    inserted or moved. When the expected chain ``head`` (hash of the last
    event, e.g. from a signed receipt or the subject's state row) is given, a
    truncated chain is reported at ``len(events)``; otherwise truncation is
    left to the Merkle check.
    """
    if not events:
        return None if head is None else 0
    subject = events[0].get("subject")
    if not isinstance(subject, str):
        return 0
    expected_prev = genesis_hash(subject)
    for position, event in enumerate(events):
        if _broken_at(position, event, subject, expected_prev):
            return position
        expected_prev = event["hash"]
    if head is not None and head != expected_prev:
        return len(events)
    return None
