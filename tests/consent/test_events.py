"""Canonical ledger events and per-subject chains: any tampering is found, at the right place."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cityrights.consent.events import (
    EventError,
    canonical_event,
    canonical_json,
    chain_events,
    encode_event,
    event_hash,
    event_leaf,
    genesis_hash,
    normalise_time,
    verify_chain,
)
from cityrights.consent.merkle import root

DPV_PD = "https://w3id.org/dpv/pd#"
T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def base_event(number: int = 1, **changes: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "seq": number,
        "subject": "subj-7k2q",
        "kind": "grant",
        "agreement": "mobility-study",
        "agreement_version": 2,
        "scope": [DPV_PD + "Location", DPV_PD + "HeartRate"],
        "method": "web",
        "witness": None,
        "time": T0 + timedelta(minutes=number),
    }
    event.update(changes)
    return event


event_strategy = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["grant", "withdraw", "expire", "renew"]),
        "agreement": st.sampled_from(["mobility-study", "library", "sports"]),
        "agreement_version": st.integers(1, 5),
        "scope": st.lists(
            st.sampled_from([DPV_PD + "Location", DPV_PD + "HeartRate", DPV_PD + "Age"]),
            min_size=1,
            max_size=3,
        ),
        "method": st.sampled_from(["web", "api"]),
        "minutes": st.integers(0, 10_000),
    }
)


def make_chain(specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    events = []
    for number, spec in enumerate(specs, start=1):
        spec = dict(spec)
        minutes = spec.pop("minutes")
        events.append(base_event(number * 3, **spec, time=T0 + timedelta(minutes=minutes)))
    return chain_events(events)


chains = st.lists(event_strategy, min_size=1, max_size=12).map(make_chain)


# --- canonical form ---------------------------------------------------------------
def test_canonical_bytes_are_pinned() -> None:
    """The exact bytes are a contract with every future verifier: pin them."""
    prev = genesis_hash("subj-7k2q")
    expected = (
        '{"agreement":"mobility-study","agreement_version":2,"kind":"grant","method":"web",'
        f'"prev_hash":"{prev}","scope":["{DPV_PD}HeartRate","{DPV_PD}Location"],"seq":1,'
        '"subject":"subj-7k2q","subject_seq":1,"time":"2025-03-01T09:31:00.000000Z",'
        '"witness":null}'
    ).encode()
    event = base_event(subject_seq=1)
    assert encode_event(event, prev) == expected
    assert event_hash(event, prev) == hashlib.sha256(expected).hexdigest()
    assert (
        genesis_hash("subj-7k2q")
        == hashlib.sha256(b"cityrights:consent-ledger:genesis:v1:subj-7k2q").hexdigest()
    )


@settings(max_examples=200, deadline=None)
@given(
    agreement=st.text(min_size=1),
    subject=st.text(min_size=1),
    witness=st.text(min_size=1),
    scope=st.lists(st.text(min_size=1), min_size=1, max_size=4),
)
def test_fast_encoder_equals_generic_canonical_json(
    agreement: str, subject: str, witness: str, scope: list[str]
) -> None:
    event = base_event(
        agreement=agreement, subject=subject, scope=scope, method="paper", witness=witness
    )
    event["subject_seq"] = 4
    prev = "ab" * 32
    try:
        generic = canonical_json(canonical_event(event, prev))
    except UnicodeEncodeError:  # lone surrogates cannot be encoded by either path
        with pytest.raises(EventError):
            encode_event(event, prev)
        return
    assert encode_event(event, prev) == generic


def test_equivalent_representations_hash_the_same() -> None:
    event = base_event(subject_seq=1)
    prev = genesis_hash(event["subject"])
    paris = timezone(timedelta(hours=1))
    same_time = [
        event["time"],
        event["time"].astimezone(paris),
        "2025-03-01T09:31:00Z",
        "2025-03-01T10:31:00+01:00",
        "2025-03-01T09:31:00.000000Z",
    ]
    hashes = {event_hash(dict(event, time=t), prev) for t in same_time}
    hashes.add(event_hash(dict(event, scope=list(reversed(event["scope"])) * 2), prev))
    hashes.add(event_hash(dict(event, hash="ignored", leaf_index=99), prev))
    assert len(hashes) == 1
    assert normalise_time("2025-03-01T10:31:00.5+01:00") == "2025-03-01T09:31:00.500000Z"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "consent"}, "kind"),
        ({"method": "fax"}, "method"),
        ({"method": "paper"}, "witness"),
        ({"witness": "staff-1"}, "witness"),
        ({"seq": 1.0}, "seq"),
        ({"seq": True}, "seq"),
        ({"seq": 2**53}, "seq"),
        ({"agreement_version": 0}, "agreement_version"),
        ({"scope": []}, "scope"),
        ({"scope": "https://w3id.org/dpv/pd#Age"}, "scope"),
        ({"scope": [1, 2]}, "scope item"),
        ({"scope": [[1]]}, "malformed"),
        ({"time": datetime(2025, 3, 1, 9, 30)}, "time"),
        ({"time": "yesterday"}, "time"),
        ({"time": "2025-13-01T09:31:00.000000Z"}, "time"),
        ({"subject": ""}, "subject"),
    ],
)
def test_malformed_events_are_refused_with_the_field_named(
    changes: dict[str, Any], field: str
) -> None:
    event = base_event(subject_seq=1, **changes)
    with pytest.raises(EventError, match=field):
        event_hash(event, "00" * 32)


def test_missing_field_and_bad_prev_hash_are_refused() -> None:
    event = base_event(subject_seq=1)
    del event["agreement"]
    with pytest.raises(EventError, match="agreement: missing"):
        event_hash(event, "00" * 32)
    with pytest.raises(EventError, match="prev_hash"):
        event_hash(base_event(subject_seq=1), "00" * 31)


# --- chains ------------------------------------------------------------------------
@settings(max_examples=100, deadline=None)
@given(chain=chains)
def test_an_untouched_chain_verifies(chain: list[dict[str, Any]]) -> None:
    assert verify_chain(chain) is None
    assert verify_chain(chain, head=chain[-1]["hash"]) is None
    assert chain[0]["prev_hash"] == genesis_hash(chain[0]["subject"])


MUTATIONS = {
    "kind": lambda v: "withdraw" if v != "withdraw" else "grant",
    "agreement": lambda v: v + "-x",
    "agreement_version": lambda v: v + 1,
    "scope": lambda v: [*v, DPV_PD + "Religion"],
    "method": lambda v: "api" if v != "api" else "web",
    "time": lambda v: v + timedelta(seconds=1),
    "seq": lambda v: v + 1,
    "subject": lambda v: v + "b",
    "subject_seq": lambda v: v + 1,
    "prev_hash": lambda v: ("0" if v[0] != "0" else "1") + v[1:],
    "hash": lambda v: ("0" if v[0] != "0" else "1") + v[1:],
}


@settings(max_examples=200, deadline=None)
@given(chain=chains, data=st.data())
def test_a_changed_field_is_found_at_its_position(
    chain: list[dict[str, Any]], data: st.DataObject
) -> None:
    position = data.draw(st.integers(0, len(chain) - 1))
    name = data.draw(st.sampled_from(sorted(MUTATIONS)))
    chain[position][name] = MUTATIONS[name](chain[position][name])
    assert verify_chain(chain) == position


@settings(max_examples=100, deadline=None)
@given(chain=chains, data=st.data())
def test_a_rehashed_change_is_found_at_the_next_event(
    chain: list[dict[str, Any]], data: st.DataObject
) -> None:
    """Recomputing the changed event's own hash does not help: its successor points elsewhere."""
    position = data.draw(st.integers(0, len(chain) - 1))
    row = chain[position]
    row["scope"] = [DPV_PD + "Religion"]
    row["hash"] = event_hash(row, row["prev_hash"])
    last = position == len(chain) - 1
    assert verify_chain(chain) == (None if last else position + 1)
    if last:  # only a known head (or the Merkle root, below) catches it
        assert verify_chain(chain, head="f" * 64) == len(chain)


@settings(max_examples=150, deadline=None)
@given(chain=chains.filter(lambda c: len(c) >= 2), data=st.data())
def test_a_deleted_event_is_found(chain: list[dict[str, Any]], data: st.DataObject) -> None:
    head = chain[-1]["hash"]
    position = data.draw(st.integers(0, len(chain) - 1))
    del chain[position]
    if position < len(chain):
        assert verify_chain(chain) == position
    else:  # the tail is gone: the chain alone cannot tell, its head can
        assert verify_chain(chain) is None
        assert verify_chain(chain, head=head) == len(chain)


@settings(max_examples=150, deadline=None)
@given(chain=chains.filter(lambda c: len(c) >= 2), data=st.data())
def test_swapped_events_are_found_at_the_first_of_them(
    chain: list[dict[str, Any]], data: st.DataObject
) -> None:
    first = data.draw(st.integers(0, len(chain) - 2))
    second = data.draw(st.integers(first + 1, len(chain) - 1))
    chain[first], chain[second] = chain[second], chain[first]
    assert verify_chain(chain) == first


@settings(max_examples=150, deadline=None)
@given(chain=chains, data=st.data())
def test_inserted_events_are_found(chain: list[dict[str, Any]], data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(chain)))
    source = data.draw(st.integers(0, len(chain) - 1))
    copied = dict(chain[source])
    naive = [*chain[:position], copied, *chain[position:]]
    # A copy of the event that belongs exactly there fits; its twin after it does not.
    assert verify_chain(naive) == (position + 1 if source == position else position)

    # A forger who knows the rules makes the new event fit its predecessor;
    # the event after it (which still points to the old predecessor) breaks.
    previous = chain[position - 1]["hash"] if position else genesis_hash(chain[0]["subject"])
    forged = dict(copied, subject_seq=position + 1, prev_hash=previous, kind="withdraw")
    forged["hash"] = event_hash(forged, previous)
    clever = [*chain[:position], forged, *chain[position:]]
    expected = position + 1 if position < len(chain) else None
    assert verify_chain(clever) == expected


def test_a_chain_cannot_start_elsewhere_or_mix_subjects() -> None:
    chain = chain_events([base_event(n) for n in range(1, 4)])
    other = chain_events([base_event(n, subject="subj-other") for n in range(1, 4)])
    assert verify_chain([*chain[:2], other[2]]) == 2
    assert verify_chain(other[1:]) == 0
    assert verify_chain([]) is None
    assert verify_chain([], head="a" * 64) == 0


def test_tail_truncation_and_forged_appends_change_the_merkle_root() -> None:
    """What a chain cannot show, the signed checkpoint root does."""
    a = chain_events([base_event(n) for n in range(1, 4)])
    b = chain_events([base_event(n, subject="subj-b") for n in range(4, 6)])
    ledger = [a[0], b[0], a[1], a[2], b[1]]
    checkpoint_root = root([event_leaf(e["hash"]) for e in ledger])
    truncated = [e for e in ledger if e is not a[2]]
    assert all(verify_chain(c) is None for c in ([a[0], a[1]], [b[0], b[1]]))
    assert root([event_leaf(e["hash"]) for e in truncated]) != checkpoint_root
    reordered = [ledger[1], ledger[0], *ledger[2:]]
    assert root([event_leaf(e["hash"]) for e in reordered]) != checkpoint_root
    assert (
        event_leaf(a[0]["hash"]) == hashlib.sha256(b"\x00" + bytes.fromhex(a[0]["hash"])).digest()
    )
