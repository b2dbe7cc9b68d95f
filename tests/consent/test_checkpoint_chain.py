"""verify-ledger checks the checkpoints themselves: every stored column against the signed
note and the published key, and the chain (each note signs the previous note's hash), so a
checkpoint that is altered, deleted, swapped or reordered is found; a missing key is "could
not finish" (exit 2), never "ledger broken". Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import base64
import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cityrights.consent import keys, ledger, merkle
from cityrights.consent.checkpoints import (
    GENESIS_PREV,
    SignedCheckpoint,
    note_hash,
    sign_checkpoint,
    verify_checkpoint,
)
from cityrights.consent.models import Checkpoint, LedgerEvent, LedgerTree
from cityrights.core import signing

from .test_ledger import example_transaction, fill

pytestmark = pytest.mark.django_db


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def three_checkpoints(sharing) -> list[Checkpoint]:
    made = []
    for _ in range(3):
        fill(sharing, subjects=2, rounds=2)
        made.append(ledger.checkpoint())
    return made


def test_checkpoints_are_chained_and_the_tree_row_records_the_latest(sharing):
    first, second, third = three_checkpoints(sharing)
    public = signing.signing_key().public
    notes = [SignedCheckpoint.from_note(cp.note) for cp in (first, second, third)]
    assert notes[0].prev == GENESIS_PREV
    assert notes[1].prev == note_hash(first.note)
    assert notes[2].prev == note_hash(second.note)
    assert all(verify_checkpoint(public, note) for note in notes)
    assert second.prev_hash == note_hash(first.note).hex()
    assert "\nprev " in third.note
    tree = LedgerTree.objects.get(pk=1)
    assert (tree.checkpoint_size, tree.checkpoint_hash) == (third.size, note_hash(third.note).hex())
    assert ledger.verify().ok and ledger.verify().checkpoints == 3
    assert ledger.verify_checkpoints().ok


def _other_signature(cp: Checkpoint) -> str:
    raw = bytearray(base64.b64decode(cp.signature))
    raw[0] ^= 1
    return base64.b64encode(bytes(raw)).decode()


COLUMN_TAMPERING = {
    "signature": lambda cp: ("signature", _other_signature(cp)),
    "key_id": lambda cp: ("key_id", "00000000"),
    "origin": lambda cp: ("origin", "evil.example/consent-ledger"),
    "at": lambda cp: ("at", cp.at - timedelta(days=3)),
    "root": lambda cp: ("root", "2" * 64),
    "prev_hash": lambda cp: ("prev_hash", "3" * 64),
}


@pytest.mark.parametrize("column", list(COLUMN_TAMPERING))
def test_an_altered_checkpoint_column_is_found(sharing, column):
    """Before: only size and root were compared, and the API served the altered column."""
    _first, second, _third = three_checkpoints(sharing)
    name, value = COLUMN_TAMPERING[column](second)
    sql(f"UPDATE consent_checkpoint SET {name} = %s WHERE id = %s", [value, second.pk])  # noqa: S608
    report = ledger.verify()
    assert not report.ok
    assert report.position == second.size
    assert f"checkpoint of size {second.size} was altered: {column}" in report.reason
    assert not ledger.verify_checkpoints().ok
    with pytest.raises(CommandError) as failure:
        call_command("verify-ledger", "--quiet")
    assert failure.value.returncode == 1


def test_an_altered_tree_edge_beside_a_checkpoint_is_found(sharing):
    _first, second, _third = three_checkpoints(sharing)
    sql("UPDATE consent_checkpoint SET frontier = %s WHERE id = %s", ['{"size":0}', second.pk])
    report = ledger.verify()
    assert not report.ok and "tree edge stored with the checkpoint" in report.reason


def test_a_deleted_middle_checkpoint_breaks_the_chain(sharing):
    first, second, third = three_checkpoints(sharing)
    sql("DELETE FROM consent_checkpoint WHERE id = %s", [second.pk])
    report = ledger.verify()
    assert not report.ok and report.position == third.size
    assert f"does not link to the checkpoint before it (size {first.size})" in report.reason
    assert not ledger.verify_checkpoints().ok


def test_a_deleted_first_checkpoint_is_found(sharing):
    first, second, _third = three_checkpoints(sharing)
    sql("DELETE FROM consent_checkpoint WHERE id = %s", [first.pk])
    report = ledger.verify()
    assert not report.ok and report.position == second.size
    assert "an earlier checkpoint that is missing" in report.reason


@pytest.mark.parametrize("which", ["latest", "all"])
def test_deleted_latest_or_all_checkpoints_are_found(sharing, which):
    """Before: deleting the latest or every checkpoint verified with exit 0."""
    *_, third = three_checkpoints(sharing)
    if which == "latest":
        sql("DELETE FROM consent_checkpoint WHERE id = %s", [third.pk])
    else:
        sql("DELETE FROM consent_checkpoint")
    report = ledger.verify()
    assert not report.ok
    assert f"latest checkpoint recorded by the sequencer (size {third.size})" in report.reason
    assert not ledger.verify_checkpoints().ok


def test_the_next_checkpoint_links_to_the_recorded_one_not_to_what_is_left(sharing):
    """Deleting the latest checkpoint and signing again does not hide the deletion."""
    _first, second, third = three_checkpoints(sharing)
    sql("DELETE FROM consent_checkpoint WHERE id = %s", [third.pk])
    fill(sharing, subjects=1, rounds=1)
    fourth = ledger.checkpoint()
    assert SignedCheckpoint.from_note(fourth.note).prev == note_hash(third.note)
    report = ledger.verify()
    assert not report.ok and f"(size {second.size})" in report.reason


def test_notes_swapped_between_rows_are_found(sharing):
    first, second, _third = three_checkpoints(sharing)
    sql("UPDATE consent_checkpoint SET note = %s WHERE id = %s", [second.note, first.pk])
    sql("UPDATE consent_checkpoint SET note = %s WHERE id = %s", [first.note, second.pk])
    report = ledger.verify()
    assert not report.ok and "was altered" in report.reason


def test_a_checkpoint_dated_before_its_predecessor_is_found(sharing):
    fill(sharing, subjects=1, rounds=1)
    first = ledger.checkpoint()
    fill(sharing, subjects=1, rounds=1)
    second = ledger.checkpoint(at=first.at - timedelta(hours=1))
    report = ledger.verify()
    assert not report.ok and report.position == second.size
    assert "dated before" in report.reason


def test_a_missing_signing_key_is_could_not_finish_not_broken(sharing, settings, tmp_path):
    """Before: a checkpoint whose key is not published was "ledger broken" (exit 1)."""
    fill(sharing, 1, 2)
    ledger.checkpoint()
    settings.CITYRIGHTS_KEY_DIR = str(tmp_path / "an-empty-key-folder")
    keys.forget_cached_keys()
    with pytest.raises(ledger.LedgerError, match="no published key has"):
        ledger.verify()
    with pytest.raises(ledger.LedgerError, match="no published key has"):
        ledger.verify_checkpoints()
    with pytest.raises(CommandError, match="could not finish") as failure:
        call_command("verify-ledger", "--quiet")
    assert failure.value.returncode == 2


def test_a_retired_key_still_verifies_its_checkpoints(sharing):
    fill(sharing, 1, 2)
    ledger.checkpoint()
    signing.rotate_signing_key()
    fill(sharing, 1, 2)
    ledger.checkpoint()
    keys_used = {cp.key_id for cp in Checkpoint.objects.all()}
    assert len(keys_used) == 2
    assert ledger.verify().ok and ledger.verify_checkpoints().ok


def test_checkpoints_signed_before_the_chain_keep_verifying(sharing):
    """A ledger whose checkpoints have no prev line (signed before this change): the
    migration records the latest in the tree row, and the next checkpoint links to it."""
    fill(sharing, 1, 2)
    ledger.integrate_all()
    tree = LedgerTree.objects.get(pk=1)
    old = sign_checkpoint(
        signing.signing_key().private,
        keys.origin(),
        tree.size,
        bytes.fromhex(tree.root),
        tree.updated_at,
    )
    assert "\nprev " not in old.to_note()
    Checkpoint.objects.create(
        size=old.size, root=old.root.hex(), at=old.time, origin=old.origin,
        key_id=old.key_id.hex(), signature=old.to_json()["signature"], note=old.to_note(),
        frontier=tree.frontier,
    )  # fmt: skip
    migration = importlib.import_module("cityrights.consent.migrations.0008_checkpoint_chain")
    migration.record_latest_checkpoint(apps, None)
    assert ledger.verify().ok
    fill(sharing, 1, 2)
    new = ledger.checkpoint()
    assert SignedCheckpoint.from_note(new.note).prev == note_hash(old.to_note())
    assert ledger.verify().ok and ledger.verify_checkpoints().ok
    # An unchained note cannot follow a chained one (only the key holder could make one).
    fill(sharing, 1, 1)
    ledger.integrate_all()
    tree = LedgerTree.objects.get(pk=1)
    late = sign_checkpoint(
        signing.signing_key().private, keys.origin(), tree.size, bytes.fromhex(tree.root),
        new.at + timedelta(seconds=1),
    )  # fmt: skip
    Checkpoint.objects.create(
        size=late.size, root=late.root.hex(), at=late.time, origin=late.origin,
        key_id=late.key_id.hex(), signature=late.to_json()["signature"], note=late.to_note(),
        frontier=tree.frontier,
    )  # fmt: skip
    LedgerTree.objects.filter(pk=1).update(
        checkpoint_size=late.size, checkpoint_hash=note_hash(late.to_note()).hex()
    )
    report = ledger.verify()
    assert not report.ok and "not chained, after chained ones" in report.reason


def test_consistency_mode_finds_a_rewritten_leaf_between_checkpoints(sharing):
    """verify-ledger --checkpoints builds RFC 9162 consistency proofs from stored hashes."""
    first, second, _third = three_checkpoints(sharing)
    assert ledger.verify_checkpoints().ok
    if connection.vendor == "postgresql":
        sql("SET CONSTRAINTS ALL IMMEDIATE")
        sql("ALTER TABLE consent_ledgerevent DISABLE TRIGGER consent_ledgerevent_append_only")
    target = LedgerEvent.objects.get(leaf_index=second.size - 1)
    sql("UPDATE consent_ledgerevent SET hash = %s WHERE id = %s", ["e" * 64, target.pk])
    report = ledger.verify_checkpoints()
    assert not report.ok
    assert f"does not extend the checkpoint of size {first.size}" in report.reason
    with pytest.raises(CommandError) as failure:
        call_command("verify-ledger", "--checkpoints", "--quiet")
    assert failure.value.returncode == 1


def test_the_checkpoint_mode_says_what_it_checked(sharing, capsys):
    three_checkpoints(sharing)
    call_command("verify-ledger", "--checkpoints")
    assert "Checkpoints verified: 3 signed, chained and consistent" in capsys.readouterr().out


def test_an_inclusion_proof_at_a_checkpoint_without_the_event_is_not_409(sharing):
    """Before: 409 "No checkpoint covers this event yet; try again later", though one did."""
    first, second, _third = three_checkpoints(sharing)
    late = LedgerEvent.objects.get(leaf_index=first.size)  # integrated after the first
    client = Client()
    response = client.get(
        f"/api/v1/consent/proofs/inclusion?event_id={late.pk}&tree_size={first.size}"
    )
    assert response.status_code == 422
    assert "does not contain" in response.json()["reason"]
    response = client.get(
        f"/api/v1/consent/proofs/inclusion?event_id={late.pk}&tree_size={second.size}"
    )
    assert response.status_code == 200
    proof = response.json()
    assert merkle.verify_inclusion(
        bytes.fromhex(proof["leaf_hash"]),
        proof["leaf_index"],
        proof["tree_size"],
        [bytes.fromhex(h) for h in proof["audit_path"]],
        bytes.fromhex(second.root),
    )
    assert proof["checkpoint"]["prev_hash"] == note_hash(first.note).hex()


CHAIN_TAMPERING = st.one_of(
    st.tuples(st.just("column"), st.sampled_from(list(COLUMN_TAMPERING)), st.integers(0, 99)),
    st.tuples(st.just("delete"), st.sets(st.integers(0, 3), min_size=1), st.just(0)),
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(count=st.integers(1, 4), tampering=CHAIN_TAMPERING)
def test_any_checkpoint_tampering_is_found(sharing, count, tampering):
    with example_transaction():
        made = []
        for _ in range(count):
            fill(sharing, subjects=1, rounds=1)
            made.append(ledger.checkpoint())
        kind, what, pick = tampering
        if kind == "column":
            target = made[pick % count]
            name, value = COLUMN_TAMPERING[what](target)
            sql(f"UPDATE consent_checkpoint SET {name} = %s WHERE id = %s", [value, target.pk])  # noqa: S608
        else:
            for index in {n % count for n in what}:
                sql("DELETE FROM consent_checkpoint WHERE id = %s", [made[index].pk])
        assert not ledger.verify().ok
        assert not ledger.verify_checkpoints().ok
