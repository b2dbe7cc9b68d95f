"""PostgreSQL only: verify-ledger's two-process mode (the Merkle tree checked by a second
process on the same snapshot) finds exactly what the single pass finds, tampered or not."""

from __future__ import annotations

import base64
import json
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from cityrights.consent import ledger, services
from cityrights.consent.events import event_hash
from cityrights.consent.models import Checkpoint, DataSubject, LedgerEvent, MerkleNode

from .conftest import GPS, HEART

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def ledger_of_300(sharing):
    """Ten people, thirty changes each (enough for stored subtrees of 256 leaves), signed;
    the last round stays pending. The append-only trigger is off while the test tampers."""
    people = [services.create_subject(sharing.city) for _ in range(10)]
    for n in range(30):
        if n == 29:
            ledger.checkpoint()
        for person in people:
            services.change_consent(
                person, sharing.study, action="grant" if n % 2 == 0 else "withdraw"
            )
    sql("ALTER TABLE consent_ledgerevent DISABLE TRIGGER consent_ledgerevent_append_only")
    yield people
    sql("ALTER TABLE consent_ledgerevent ENABLE TRIGGER consent_ledgerevent_append_only")


def _forge_last_event(people, sharing):
    last = LedgerEvent.objects.filter(subject=people[0], leaf_index__isnull=False).latest("id")
    scope = [GPS] if last.scope != [GPS] else [HEART]
    fields = {
        "agreement": str(sharing.study.uid), "agreement_version": 1, "kind": last.kind,
        "method": last.method, "scope": scope, "seq": last.pk, "subject": people[0].pseudonym,
        "subject_seq": last.subject_seq, "time": last.at, "witness": None,
    }  # fmt: skip
    forged = event_hash(fields, last.prev_hash)
    sql(
        "UPDATE consent_ledgerevent SET scope = %s, hash = %s WHERE id = %s",
        [json.dumps(scope), forged, last.pk],
    )
    # Re-chain the pending event that follows, so only the signed root can tell.
    following = LedgerEvent.objects.get(subject=people[0], subject_seq=last.subject_seq + 1)
    fields.update(kind=following.kind, seq=following.pk, subject_seq=following.subject_seq,
                  time=following.at, scope=following.scope)  # fmt: skip
    rechained = event_hash(fields, forged)
    sql(
        "UPDATE consent_ledgerevent SET prev_hash = %s, hash = %s WHERE id = %s",
        [forged, rechained, following.pk],
    )
    sql("UPDATE consent_datasubject SET head_hash = %s WHERE id = %s", [rechained, people[0].pk])


def _swap_leaves(a: int, b: int) -> None:
    first = LedgerEvent.objects.get(leaf_index=a).pk
    second = LedgerEvent.objects.get(leaf_index=b).pk
    sql("UPDATE consent_ledgerevent SET leaf_index = -1 WHERE id = %s", [first])
    sql("UPDATE consent_ledgerevent SET leaf_index = %s WHERE id = %s", [a, second])
    sql("UPDATE consent_ledgerevent SET leaf_index = %s WHERE id = %s", [b, first])


TAMPERING = {
    "nothing": lambda people, sharing: None,
    "kind changed": lambda people, sharing: sql(
        "UPDATE consent_ledgerevent SET kind = 'expire' WHERE leaf_index = 5"
    ),
    "hash zeroed": lambda people, sharing: sql(
        "UPDATE consent_ledgerevent SET hash = repeat('0', 64) WHERE leaf_index = 2"
    ),
    "event forged and rechained": _forge_last_event,
    "tree positions swapped": lambda people, sharing: _swap_leaves(3, 7),
    "tree position skipped": lambda people, sharing: sql(
        "UPDATE consent_ledgerevent SET leaf_index = 1000 WHERE leaf_index = 150"
    ),
    "stored subtree altered": lambda people, sharing: sql(
        "UPDATE consent_merklenode SET hash = repeat('1', 64) WHERE id = %s",
        [MerkleNode.objects.order_by("id").first().pk],
    ),
    "checkpoint root altered": lambda people, sharing: sql(
        "UPDATE consent_checkpoint SET root = repeat('2', 64) WHERE id = %s",
        [Checkpoint.objects.get().pk],
    ),
    "checkpoint signature altered": lambda people, sharing: sql(
        "UPDATE consent_checkpoint SET signature = %s WHERE id = %s",
        [base64.b64encode(bytes(64)).decode(), Checkpoint.objects.get().pk],
    ),
    "checkpoint time altered": lambda people, sharing: sql(
        "UPDATE consent_checkpoint SET at = at - interval '1 day'"
    ),
    "checkpoint tree edge altered": lambda people, sharing: sql(
        "UPDATE consent_checkpoint SET frontier = '{}'"
    ),
    "every checkpoint deleted": lambda people, sharing: sql("DELETE FROM consent_checkpoint"),
    "tree head altered": lambda people, sharing: sql(
        "UPDATE consent_ledgertree SET root = repeat('3', 64)"
    ),
    "pending event deleted": lambda people, sharing: sql(
        "DELETE FROM consent_ledgerevent WHERE id = %s",
        [LedgerEvent.objects.filter(leaf_index__isnull=True).latest("id").pk],
    ),
    "head moved back": lambda people, sharing: DataSubject.objects.filter(pk=people[3].pk).update(
        head_seq=1
    ),
}


@pytest.mark.parametrize("tampering", list(TAMPERING))
def test_two_processes_find_what_one_finds(ledger_of_300, sharing, tampering):
    TAMPERING[tampering](ledger_of_300, sharing)
    single = ledger.verify(parallel=False)
    double = ledger.verify(parallel=True)
    assert (double.ok, double.position, double.event_id, double.reason) == (
        single.ok, single.position, single.event_id, single.reason,
    )  # fmt: skip
    assert double.ok == (tampering == "nothing"), double.reason
    assert double.events == single.events or not double.ok


@pytest.mark.parametrize("parallel", [False, True])
def test_an_append_during_verification_is_not_half_seen(
    ledger_of_300, sharing, monkeypatch, parallel
):
    # Another writer commits after the events were read and before the chain heads are: with
    # one snapshot the verification sees neither its event nor its new head.
    check_heads = ledger._check_heads

    def append_then_check(*args):
        def writer():
            services.change_consent(ledger_of_300[0], sharing.study, action="grant")
            connections.close_all()

        thread = threading.Thread(target=writer)
        thread.start()
        thread.join()
        return check_heads(*args)

    monkeypatch.setattr(ledger, "_check_heads", append_then_check)
    report = ledger.verify(parallel=parallel)
    assert report.ok, report.reason
    assert report.events == 300
    monkeypatch.setattr(ledger, "_check_heads", check_heads)
    assert ledger.verify(parallel=parallel).events == 301


def test_a_failed_second_process_is_an_error_not_a_verdict(ledger_of_300, monkeypatch):
    monkeypatch.setattr(ledger.sys, "executable", "/bin/false")
    with pytest.raises(ledger.LedgerError, match="second process"):
        ledger.verify(parallel=True)
    monkeypatch.setattr(ledger, "PARALLEL_MIN_EVENTS", 1)
    with pytest.raises(CommandError, match="could not finish") as raised:
        call_command("verify-ledger", "--quiet")
    assert raised.value.returncode == 2


@pytest.mark.parametrize("parallel", [False, True])
def test_a_missing_key_is_could_not_finish_in_both_modes(
    ledger_of_300, settings, tmp_path, parallel
):
    from cityrights.consent import keys

    settings.CITYRIGHTS_KEY_DIR = str(tmp_path / "lost-keys")
    keys.forget_cached_keys()
    with pytest.raises(ledger.LedgerError, match="no published key has"):
        ledger.verify(parallel=parallel)
