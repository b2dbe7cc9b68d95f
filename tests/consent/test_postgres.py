"""PostgreSQL only: the append-only trigger, tampering by someone with database rights,
concurrent writers on the same subjects, and a writer killed with SIGKILL mid-load."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, connections, transaction

from cityrights.consent import ledger, services
from cityrights.consent.models import ConsentState, DataSubject, LedgerEvent

from .conftest import GPS, HEART

pytestmark = [pytest.mark.postgres]
TABLE = "consent_ledgerevent"
TRIGGER = "consent_ledgerevent_append_only"


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def events(sharing, db):
    people = [services.create_subject(sharing.city) for _ in range(3)]
    for n in range(4):
        for person in people:
            services.change_consent(
                person, sharing.study, action="grant" if n % 2 == 0 else "withdraw"
            )
    return people


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE consent_ledgerevent SET kind = 'expire' WHERE subject_seq = 1",
        "UPDATE consent_ledgerevent SET hash = repeat('0', 64) WHERE subject_seq = 1",
        "DELETE FROM consent_ledgerevent WHERE id = (SELECT MAX(id) FROM consent_ledgerevent)",
    ],
)
def test_trigger_refuses_rewrites(events, statement):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql(statement)


@pytest.mark.django_db
def test_trigger_lets_the_sequencer_set_leaf_index_once(events):
    assert ledger.integrate() == 12
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql("UPDATE consent_ledgerevent SET leaf_index = leaf_index + 100 WHERE leaf_index = 0")
    assert services.change_consent(events[0], sharing_study(events[0]), action="grant")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql(
            "UPDATE consent_ledgerevent SET leaf_index = 50, kind = 'expire' "
            "WHERE leaf_index IS NULL"
        )
    assert ledger.integrate() == 1
    assert ledger.verify().ok


def sharing_study(person):
    from cityrights.consent.models import ProcessingAgreement

    return ProcessingAgreement.objects.get(organisation=person.organisation, slug="mobility-study")


@pytest.mark.django_db
@pytest.mark.parametrize("tamper", ["change", "delete", "reorder"])
def test_attacker_who_disables_the_trigger_is_caught(events, tamper):
    ledger.checkpoint()
    sql("SET CONSTRAINTS ALL IMMEDIATE")
    sql(f"ALTER TABLE consent_ledgerevent DISABLE TRIGGER {TRIGGER}")
    target = LedgerEvent.objects.get(leaf_index=6)
    if tamper == "change":
        sql(
            "UPDATE consent_ledgerevent SET scope = %s WHERE id = %s",
            ['["https://w3id.org/dpv/pd#Age"]', target.pk],
        )
    elif tamper == "delete":
        sql("DELETE FROM consent_consentstate WHERE event_id = %s", [target.pk])
        sql("DELETE FROM consent_ledgerevent WHERE id = %s", [target.pk])
    else:
        sql("UPDATE consent_ledgerevent SET leaf_index = -1 WHERE leaf_index = 6")
        sql("UPDATE consent_ledgerevent SET leaf_index = 6 WHERE leaf_index = 9")
        sql("UPDATE consent_ledgerevent SET leaf_index = 9 WHERE leaf_index = -1")
    report = ledger.verify()
    assert not report.ok
    assert report.position == 6


def _writer(subject_ids: list[int], agreement_pk: int, count: int, errors: list, ids: list) -> None:
    from cityrights.consent.models import ProcessingAgreement

    try:
        agreement = ProcessingAgreement.objects.get(pk=agreement_pk)
        for n in range(count):
            subject = DataSubject.objects.get(pk=subject_ids[n % len(subject_ids)])
            action = "grant" if n % 2 == 0 else "withdraw"
            categories = [GPS] if n % 3 else [GPS, HEART]
            version = agreement.current_version()
            event = ledger.append(
                subject, kind=action, version=version, categories=categories, method="api"
            )
            ids.append(event.pk)
            if n % 10 == 0:
                ledger.integrate(batch=50)
    except Exception as error:
        errors.append(error)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_writers_on_the_same_subjects(sharing):
    people = [services.create_subject(sharing.city) for _ in range(3)]
    errors: list = []
    ids: list[int] = []
    threads = [
        threading.Thread(
            target=_writer, args=([p.pk for p in people], sharing.study.pk, 40, errors, ids)
        )
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(ids) == len(set(ids)) == 320
    assert LedgerEvent.objects.count() == 320
    for person in people:
        seqs = list(
            LedgerEvent.objects.filter(subject=person)
            .order_by("subject_seq")
            .values_list("subject_seq", flat=True)
        )
        assert seqs == list(range(1, len(seqs) + 1))  # no lost, duplicated or forked event
        person.refresh_from_db()
        assert person.head_seq == len(seqs)
        last = LedgerEvent.objects.get(subject=person, subject_seq=len(seqs))
        state = ConsentState.objects.get(subject=person, category=GPS)
        assert state.event_id == last.pk
    ledger.checkpoint()
    report = ledger.verify()
    assert report.ok, report.reason
    assert report.events == 320


WRITER_SCRIPT = """
import os, sys
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "cityrights.settings.test"
django.setup()
from cityrights.consent import ledger
from cityrights.consent.models import DataSubject, ProcessingAgreement
agreement = ProcessingAgreement.objects.get(pk=int(sys.argv[1]))
version = agreement.current_version()
subjects = [DataSubject.objects.get(pk=int(pk)) for pk in sys.argv[2].split(",")]
n = 0
while True:
    event = ledger.append(subjects[n % len(subjects)], kind="grant" if n % 2 == 0 else "withdraw",
                          version=version, categories=[sys.argv[3]], method="api")
    print(event.pk, flush=True)  # acknowledged: committed before this line is written
    n += 1
"""


@pytest.mark.django_db(transaction=True)
def test_a_writer_killed_with_sigkill_loses_no_acknowledged_event(sharing, tmp_path, consent_keys):
    people = [services.create_subject(sharing.city) for _ in range(4)]
    script = Path(tmp_path) / "writer.py"
    script.write_text(WRITER_SCRIPT)
    db = connection.settings_dict
    url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@"
        f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"),
        "DATABASE_URL": url,
        "CITYRIGHTS_KEY_DIR": str(consent_keys),
        "CITYRIGHTS_DATA_DIR": str(tmp_path),
    }
    args = [sys.executable, str(script), str(sharing.study.pk), ",".join(str(p.pk) for p in people)]
    writers = [
        subprocess.Popen(
            [*args, GPS if n % 2 else HEART], stdout=subprocess.PIPE, env=env, text=True
        )
        for n in range(4)
    ]
    acknowledged: list[int] = []
    victim = writers[0]
    deadline = time.monotonic() + 60
    while len(acknowledged) < 150 and time.monotonic() < deadline:
        line = victim.stdout.readline()
        if line.strip():
            acknowledged.append(int(line))
    os.kill(victim.pid, signal.SIGKILL)  # mid-load: the others keep writing meanwhile
    victim.wait()
    acknowledged += [int(line) for line in victim.stdout.read().split()]
    time.sleep(0.5)
    for writer in writers[1:]:
        writer.terminate()
        writer.wait()
        writer.stdout.close()
    victim.stdout.close()
    assert len(acknowledged) >= 150
    present = set(LedgerEvent.objects.filter(pk__in=acknowledged).values_list("pk", flat=True))
    assert present == set(acknowledged)
    ledger.checkpoint()
    report = ledger.verify()
    assert report.ok, report.reason
    for person in people:
        seqs = list(
            LedgerEvent.objects.filter(subject=person)
            .order_by("subject_seq")
            .values_list("subject_seq", flat=True)
        )
        assert seqs == list(range(1, len(seqs) + 1))
