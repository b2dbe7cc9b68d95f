"""The ledger on the database: chains, the sequencer, checkpoints, proofs, verification,
tamper detection, append-only guards, and hypothesis properties."""

from __future__ import annotations

import json
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cityrights.consent import keys, ledger, merkle, services
from cityrights.consent.events import event_leaf, verify_chain
from cityrights.consent.models import (
    Checkpoint,
    ConsentState,
    DataSubject,
    LedgerEvent,
    LedgerTree,
    MerkleNode,
)
from cityrights.core.models import User

from .conftest import GPS, HEART

pytestmark = pytest.mark.django_db
TABLE = "consent_ledgerevent"


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture(autouse=True)
def attacker_with_database_rights(db):
    """These tests play someone who rewrites rows directly. On PostgreSQL such a person must
    first switch off the append-only trigger (tests/consent/test_postgres.py shows that the
    trigger refuses otherwise); the switch is rolled back with the test's transaction."""
    if connection.vendor == "postgresql":
        sql("ALTER TABLE consent_ledgerevent DISABLE TRIGGER consent_ledgerevent_append_only")


def delete_event(where: str, params=()) -> None:
    """What an attacker does: remove an event (and the derived rows that point at it)."""
    for table in ("consent_consentstate", "consent_consentcheck"):
        sql(
            f"DELETE FROM {table} WHERE event_id IN "  # noqa: S608 - test-only, fixed names
            f"(SELECT id FROM consent_ledgerevent WHERE {where})",
            params,
        )
    sql(f"DELETE FROM consent_ledgerevent WHERE {where}", params)  # noqa: S608


def fill(sharing, subjects: int = 3, rounds: int = 4) -> list[DataSubject]:
    people = [services.create_subject(sharing.city) for _ in range(subjects)]
    for n in range(rounds):
        for person in people:
            action = "grant" if n % 2 == 0 else "withdraw"
            categories = [GPS] if n % 3 == 1 else None
            services.change_consent(person, sharing.study, action=action, categories=categories)
    return people


def test_append_chains_per_subject(sharing):
    people = fill(sharing)
    for person in people:
        rows = list(LedgerEvent.objects.filter(subject=person).order_by("subject_seq"))
        assert [r.subject_seq for r in rows] == list(range(1, len(rows) + 1))
        chain = [
            {
                "agreement": str(sharing.study.uid),
                "agreement_version": 1,
                "kind": r.kind,
                "method": r.method,
                "scope": r.scope,
                "seq": r.pk,
                "subject": person.pseudonym,
                "subject_seq": r.subject_seq,
                "time": r.at,
                "witness": r.witness,
                "prev_hash": r.prev_hash,
                "hash": r.hash,
            }
            for r in rows
        ]
        assert (
            verify_chain(chain, head=person.__class__.objects.get(pk=person.pk).head_hash) is None
        )


def test_events_are_append_only_in_the_orm(sharing):
    fill(sharing, 1, 1)
    event = LedgerEvent.objects.first()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        LedgerEvent.objects.update(kind="withdraw")
    with pytest.raises(PermissionError):
        LedgerEvent.objects.all().delete()


def test_integrate_checkpoint_and_stored_nodes(sharing):
    people = [services.create_subject(sharing.city) for _ in range(20)]
    for n in range(30):
        for person in people:
            services.change_consent(
                person, sharing.study, action="grant" if n % 2 == 0 else "withdraw"
            )
    assert LedgerEvent.objects.count() == 600
    assert ledger.integrate(batch=250) == 250
    assert ledger.integrate_all(batch=100) == 350
    cp = ledger.checkpoint()
    assert cp.size == 600
    leaves = [
        event_leaf(h)
        for h in LedgerEvent.objects.order_by("leaf_index").values_list("hash", flat=True)
    ]
    assert cp.root == merkle.root(leaves).hex()
    assert (
        MerkleNode.objects.filter(level=8).count() == 2
        and MerkleNode.objects.filter(level=9).count() == 1
    )
    assert ledger.checkpoint().pk == cp.pk  # nothing new: the same checkpoint
    proof = ledger.inclusion_proof(LedgerEvent.objects.get(leaf_index=517))
    assert merkle.verify_inclusion(leaves[517], 517, 600, proof.path, bytes.fromhex(cp.root))
    assert ledger.verify().ok


def test_verify_and_command(sharing, capsys):
    fill(sharing)
    ledger.checkpoint()
    fill(sharing, 2, 3)
    call_command("verify-ledger")
    out = capsys.readouterr().out
    assert "Ledger verified: 18 events" in out and "events/s" in out


def broken(capsys) -> str:
    with pytest.raises(CommandError) as failure:
        call_command("verify-ledger")
    assert failure.value.returncode == 1
    return str(failure.value)


def test_changed_row_is_reported_at_its_position(sharing, capsys):
    fill(sharing)
    ledger.checkpoint()
    target = LedgerEvent.objects.get(leaf_index=5)
    sql(
        "UPDATE consent_ledgerevent SET kind = %s WHERE id = %s",
        ["withdraw" if target.kind == "grant" else "grant", target.pk],
    )
    message = broken(capsys)
    assert "position 5" in message and f"event {target.pk}" in message and "hash" in message


def test_changed_row_with_recomputed_hash_breaks_the_next_link(sharing, capsys):
    fill(sharing)
    ledger.checkpoint()
    target = LedgerEvent.objects.get(leaf_index=2)
    sql("UPDATE consent_ledgerevent SET hash = %s WHERE id = %s", ["0" * 64, target.pk])
    report = ledger.verify()
    assert not report.ok and report.position == 2


def test_forged_last_event_is_caught_by_the_signed_root(sharing):
    people = fill(sharing)
    ledger.checkpoint()
    last = LedgerEvent.objects.filter(subject=people[0]).order_by("-subject_seq").first()
    # The attacker rewrites the scope and recomputes the event's hash and the subject's head.
    new_scope = [GPS] if last.scope != [GPS] else [HEART]
    from cityrights.consent.events import event_hash

    forged = event_hash(
        {
            "agreement": str(sharing.study.uid),
            "agreement_version": 1,
            "kind": last.kind,
            "method": last.method,
            "scope": new_scope,
            "seq": last.pk,
            "subject": people[0].pseudonym,
            "subject_seq": last.subject_seq,
            "time": last.at,
            "witness": None,
        },
        last.prev_hash,
    )
    sql(
        "UPDATE consent_ledgerevent SET scope = %s, hash = %s WHERE id = %s",
        [json.dumps(new_scope), forged, last.pk],
    )
    sql("UPDATE consent_datasubject SET head_hash = %s WHERE id = %s", [forged, people[0].pk])
    report = ledger.verify()
    assert not report.ok
    assert "signed checkpoint" in report.reason or "tree" in report.reason


def test_deleted_row_is_detected(sharing, capsys):
    fill(sharing)
    ledger.checkpoint()
    target = LedgerEvent.objects.get(leaf_index=4)
    delete_event("id = %s", [target.pk])
    message = broken(capsys)
    assert "position 4" in message


def test_deleted_last_row_is_detected(sharing, capsys):
    fill(sharing)
    ledger.checkpoint()
    delete_event("leaf_index = (SELECT MAX(leaf_index) FROM consent_ledgerevent)")
    assert "LEDGER BROKEN" in broken(capsys)


def test_deleted_pending_row_is_detected(sharing):
    people = fill(sharing)
    last = LedgerEvent.objects.filter(subject=people[1]).order_by("-subject_seq").first()
    delete_event("id = %s", [last.pk])
    report = ledger.verify()
    assert not report.ok and "shorter" in report.reason


def test_reordered_rows_are_detected(sharing):
    fill(sharing)
    ledger.checkpoint()
    a, b = LedgerEvent.objects.get(leaf_index=3), LedgerEvent.objects.get(leaf_index=7)
    sql("UPDATE consent_ledgerevent SET leaf_index = -1 WHERE id = %s", [a.pk])
    sql("UPDATE consent_ledgerevent SET leaf_index = 3 WHERE id = %s", [b.pk])
    sql("UPDATE consent_ledgerevent SET leaf_index = 7 WHERE id = %s", [a.pk])
    report = ledger.verify()
    assert not report.ok and report.position is not None and report.position <= 7


def test_swapped_chain_positions_are_detected(sharing):
    people = fill(sharing, 1, 4)
    rows = list(LedgerEvent.objects.filter(subject=people[0]).order_by("subject_seq"))
    sql("UPDATE consent_ledgerevent SET subject_seq = 99 WHERE id = %s", [rows[1].pk])
    sql("UPDATE consent_ledgerevent SET subject_seq = 2 WHERE id = %s", [rows[2].pk])
    sql("UPDATE consent_ledgerevent SET subject_seq = 3 WHERE id = %s", [rows[1].pk])
    report = ledger.verify()
    assert not report.ok and report.event_id in (rows[1].pk, rows[2].pk)


def test_altered_checkpoint_and_node_are_detected(sharing):
    people = [services.create_subject(sharing.city) for _ in range(10)]
    for n in range(30):
        for person in people:
            services.change_consent(
                person, sharing.study, action="grant" if n % 2 == 0 else "withdraw"
            )
    ledger.checkpoint()
    node = MerkleNode.objects.first()
    sql("UPDATE consent_merklenode SET hash = %s WHERE id = %s", ["1" * 64, node.pk])
    report = ledger.verify()
    assert not report.ok and "node" in report.reason
    sql("UPDATE consent_merklenode SET hash = %s WHERE id = %s", [node.hash, node.pk])
    assert ledger.verify().ok
    cp = Checkpoint.objects.get()
    sql("UPDATE consent_checkpoint SET root = %s WHERE id = %s", ["2" * 64, cp.pk])
    assert "altered" in ledger.verify().reason
    forged_note = cp.note.replace(f"\n{cp.size}\n", f"\n{cp.size - 1}\n")
    sql(
        "UPDATE consent_checkpoint SET root = %s, note = %s WHERE id = %s",
        [cp.root, forged_note, cp.pk],
    )
    assert "signature" in ledger.verify().reason


def test_a_checkpoint_whose_key_is_not_published_cannot_be_judged(sharing, settings, tmp_path):
    fill(sharing, 1, 2)
    ledger.checkpoint()
    settings.CITYRIGHTS_KEY_DIR = str(tmp_path / "other-keys")
    keys.forget_cached_keys()
    with pytest.raises(ledger.LedgerError, match="no published key has"):
        ledger.verify()


def test_erasure_keeps_the_ledger_verifying(sharing, resident):
    person = services.subject_for_user(sharing.city, resident, create=True)
    services.change_consent(person, sharing.study, action="grant")
    ledger.checkpoint()
    call_command("erase-subject", person.pseudonym)
    person.refresh_from_db()
    assert person.erased_at and not person.wrapped_key
    assert LedgerEvent.objects.filter(subject=person).count() == 2
    ledger.checkpoint()
    assert ledger.verify().ok
    with pytest.raises(services.ConsentError):
        services.change_consent(person, sharing.study, action="grant")


def test_commands_integrate_and_checkpoint(sharing, capsys):
    fill(sharing, 2, 2)
    call_command("integrate-ledger")
    assert "Integrated 4 events" in capsys.readouterr().out
    call_command("checkpoint-ledger")
    out = capsys.readouterr().out
    assert "Checkpoint at 4 events" in out and "consent-ledger" in out
    assert LedgerTree.objects.get().size == 4


def test_consistency_between_checkpoints(sharing):
    fill(sharing, 3, 3)
    first = ledger.checkpoint()
    fill(sharing, 4, 5)
    second = ledger.checkpoint()
    proof = ledger.consistency_proof(first, second)
    assert merkle.verify_consistency(
        first.size, second.size, bytes.fromhex(first.root), bytes.fromhex(second.root), proof
    )


def test_paper_event_needs_a_witness_and_keeps_it(sharing):
    person = services.create_subject(sharing.city)
    event = services.change_consent(
        person, sharing.study, action="grant", method="paper", witness="Clerk Claes"
    )
    assert event.witness == "Clerk Claes"
    with pytest.raises(ledger.LedgerError):
        services.change_consent(person, sharing.study, action="withdraw", method="paper")
    assert ledger.verify().ok


# --- hypothesis properties ------------------------------------------------------------------
ACTIONS = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=2),
        st.sampled_from(["grant", "withdraw", "renew"]),
        st.sampled_from([None, (GPS,), (HEART,), (GPS, HEART)]),
    ),
    min_size=1,
    max_size=25,
)


class _Rollback(Exception):
    pass


@contextmanager
def example_transaction():
    """Each hypothesis example starts from the same database: roll its writes back."""
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


def apply(sharing, people, actions) -> None:
    for who, action, categories in actions:
        services.change_consent(
            people[who],
            sharing.study,
            action=action,
            categories=list(categories) if categories else None,
        )


PROPERTY_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@PROPERTY_SETTINGS
@given(actions=ACTIONS)
def test_derived_state_equals_replay(sharing, actions):
    with example_transaction():
        people = [services.create_subject(sharing.city) for _ in range(3)]
        apply(sharing, people, actions)
        for person in people:
            events = list(
                LedgerEvent.objects.filter(subject=person).select_related("agreement_version")
            )
            stored = {
                (s.agreement_id, s.category): (s.status, s.version_id, s.event_id)
                for s in ConsentState.objects.filter(subject=person)
            }
            assert stored == ledger.replay(events)
        assert ledger.verify().ok


@PROPERTY_SETTINGS
@given(
    actions=ACTIONS,
    pick=st.integers(min_value=0, max_value=10_000),
    column=st.sampled_from(
        ["kind", "scope", "at", "prev_hash", "hash", "subject_seq", "method", "delete", "leaf"]
    ),
    integrated=st.booleans(),
)
def test_any_single_row_tamper_is_detected(sharing, actions, pick, column, integrated):
    with example_transaction():
        people = [services.create_subject(sharing.city) for _ in range(3)]
        apply(sharing, people, [(0, "grant", None), *actions])
        if integrated:
            ledger.checkpoint()
        rows = list(LedgerEvent.objects.order_by("id"))
        target = rows[pick % len(rows)]
        if column == "leaf" and target.leaf_index is None:
            column = "kind"
        changes = {
            "kind": ("kind", "expire" if target.kind != "expire" else "grant"),
            "scope": ("scope", json.dumps(["https://w3id.org/dpv/pd#Age"])),
            "at": ("at", "2001-01-01 00:00:00"),
            "prev_hash": ("prev_hash", "f" * 64),
            "hash": ("hash", "e" * 64),
            "subject_seq": ("subject_seq", target.subject_seq + 100),
            "method": ("method", "api" if target.method != "api" else "web"),
            "leaf": ("leaf_index", 10_000),
        }
        if column == "delete":
            delete_event("id = %s", [target.pk])
        else:
            name, value = changes[column]
            statement = f"UPDATE consent_ledgerevent SET {name} = %s WHERE id = %s"  # noqa: S608
            sql(statement, [value, target.pk])
        assert not ledger.verify().ok


@pytest.mark.django_db
def test_user_link_is_unique_per_city(sharing, resident):
    a = services.subject_for_user(sharing.city, resident, create=True)
    assert services.subject_for_user(sharing.city, resident, create=True).pk == a.pk
    assert DataSubject.objects.filter(user=resident).count() == 1
    assert isinstance(User.objects.get(pk=resident.pk), User)


TEXT = st.text(min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(
    agreement=TEXT,
    version=st.integers(min_value=1, max_value=2**53 - 1),
    kind=st.sampled_from(["grant", "withdraw", "expire", "renew"]),
    method=st.sampled_from(["web", "api", "paper", "system"]),
    prev=st.binary(min_size=32, max_size=32),
    scope=st.lists(TEXT, min_size=1, max_size=4),
    seq=st.integers(min_value=1, max_value=2**53 - 1),
    subject=TEXT,
    subject_seq=st.integers(min_value=1, max_value=2**53 - 1),
    micros=st.integers(min_value=0, max_value=10**15),
    witness=TEXT,
)
def test_fast_verify_encoder_matches_the_canonical_one(
    agreement, version, kind, method, prev, scope, seq, subject, subject_seq, micros, witness
):
    """verify-ledger's fast encoder produces exactly the bytes of events.encode_event."""
    from datetime import UTC, datetime, timedelta

    from cityrights.consent.events import EventError, event_hash, normalise_time

    at = datetime(1990, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros)
    fields = {
        "agreement": agreement, "agreement_version": version, "kind": kind, "method": method,
        "scope": scope, "seq": seq, "subject": subject, "subject_seq": subject_seq, "time": at,
        "witness": witness if method == "paper" else None,
    }  # fmt: skip
    try:
        expected = event_hash(fields, prev.hex())
    except EventError:
        return  # e.g. a lone surrogate: the strict path reports it as malformed
    scope_text = ledger._scope_text(json.dumps(scope))
    fast = ledger.canonical_hash(
        agreement, version, kind, method, prev.hex(), scope_text, seq, subject, subject_seq,
        normalise_time(at), fields["witness"],
    )  # fmt: skip
    assert fast == expected
