"""Speed of the consent app on PostgreSQL: checks over HTTP, batch checks, appends, verification.

Run (PostgreSQL must be reachable; the database given is dropped and re-created)::

    python benchmarks/bench_consent.py [--subjects 1000000] [--events 5000000]
        [--database-url postgres://postgres@127.0.0.1:5432/cr_consent_bench]
        [--requests 2000] [--batches 20] [--writers 8] [--append-seconds 10]

What it does and prints:

1. Loads a city, a partner, a consent-based agreement, ``--subjects`` data
   subjects and ``--events`` chained, hashed ledger events (grant/withdraw
   alternating per subject) with COPY, builds the Merkle tree with stored
   nodes, the derived consent states and two signed checkpoints.
2. Starts the app under gunicorn on loopback and measures the single
   consent check over HTTP (p50/p99 of ``--requests`` sequential requests),
   next to a raw indexed SELECT of the same state row (p50/p99), and the ratio.
3. Batch checks of 1,000 items over HTTP: decisions per second, from one
   client and from as many clients side by side as there are CPUs.
4. Ledger appends with ``--writers`` processes (each with its own
   connection) on random subjects for ``--append-seconds``: events/s, next to
   PostgreSQL's own single-row INSERT rate with the same number of processes,
   and the ratio.
5. ``verify-ledger`` over everything: events/s.

Targets (issue 5): check p50 <= 5 ms, p99 <= 20 ms; batch >= 20,000 decisions/s;
append >= 2,000 events/s with 8 writers; verify >= 100,000 events/s.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from common import free_port, percentile, recreate_database, setup_django  # noqa: E402

DPV = "https://w3id.org/dpv#"
PD = "https://w3id.org/dpv/pd#"
GPS, HEART = PD + "GPSCoordinate", PD + "PhysicalHealth"
PURPOSE = DPV + "AcademicResearch"
T0 = datetime(2025, 1, 1, tzinfo=UTC)


# --- loading ------------------------------------------------------------------------------------
def load(subjects: int, events: int) -> dict:
    from django.core.management import call_command
    from django.db import connection, transaction

    from cityrights.consent.models import AgreementVersion, ProcessingAgreement
    from cityrights.core.models import ApiKey, Organisation

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    city = Organisation.objects.create(slug="bench-city", name="Bench City", kind="city")
    lab = Organisation.objects.create(
        slug="bench-lab", name="Bench Lab", kind="public_body", city=city
    )
    agreement = ProcessingAgreement.objects.create(
        organisation=city,
        slug="mobility-study",
        title_en="Study",
        controller=city,
        recipient=lab,
        legal_basis=DPV + "Consent",
    )
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=1,
        status="published",
        purposes=[PURPOSE],
        data_categories=[GPS, HEART],
        description_en="bench",
        retention_en="bench",
    )
    _key, secret = ApiKey.issue(lab, "bench", ["consent:check"])
    # One transaction: foreign keys are checked at commit (they are deferrable), so events
    # can be copied before the subjects whose chain heads they determine.
    with transaction.atomic():
        raw = connection.cursor().cursor  # psycopg cursor for COPY
        return _copy(raw, subjects, events, city, version, agreement, secret, started)


def _copy(raw, subjects, events, city, version, agreement, secret, started) -> dict:
    from django.db import connection

    from cityrights.consent import keys
    from cityrights.consent.checkpoints import GENESIS_PREV, note_hash, sign_checkpoint
    from cityrights.consent.events import event_hash, event_leaf, genesis_hash, normalise_time
    from cityrights.consent.merkle import NODE_STORE_MIN_LEVEL, MerkleFrontier
    from cityrights.consent.models import Checkpoint, LedgerTree
    from cityrights.core import signing

    uid = str(agreement.uid)
    scope = [GPS, HEART]
    scope_json = json.dumps(scope)

    pseudonyms = [f"subj-bench{n:012d}" for n in range(subjects)]
    heads: list[tuple[int, str]] = [(0, "")] * subjects
    frontier = MerkleFrontier()
    nodes: list[tuple[int, int, bytes]] = []
    middle_root = b""
    middle_frontier = ""
    middle = events // 2
    print(f"Generating and copying {events:,} events…", flush=True)
    with raw.copy(
        "COPY consent_ledgerevent (id, organisation_id, subject_id, subject_seq, kind, "
        "agreement_version_id, scope, method, witness, at, prev_hash, hash, leaf_index) "
        "FROM STDIN"
    ) as copy:
        for n in range(events):
            s = n % subjects
            seq, prev = heads[s]
            seq += 1
            prev = prev or genesis_hash(pseudonyms[s])
            kind = "grant" if seq % 2 else "withdraw"
            at = T0 + timedelta(microseconds=n)
            digest = event_hash(
                {
                    "agreement": uid,
                    "agreement_version": 1,
                    "kind": kind,
                    "method": "api",
                    "scope": scope,
                    "seq": n + 1,
                    "subject": pseudonyms[s],
                    "subject_seq": seq,
                    "time": at,
                    "witness": None,
                },
                prev,
            )
            heads[s] = (seq, digest)
            copy.write_row(
                (n + 1, city.pk, s + 1, seq, kind, version.pk, scope_json, "api", None,
                 normalise_time(at), prev, digest, n)
            )  # fmt: skip
            nodes.extend(frontier.extend((event_leaf(digest),), NODE_STORE_MIN_LEVEL))
            if n + 1 == middle:
                middle_root = frontier.root()
                middle_frontier = frontier.to_json()
            if n and n % 1_000_000 == 0:
                print(f"  {n:,} events ({time.perf_counter() - started:.0f} s)", flush=True)
    print("Copying subjects, states and tree nodes…", flush=True)
    with raw.copy(
        "COPY consent_datasubject (id, organisation_id, pseudonym, user_id, wrapped_key, "
        "identity, head_seq, head_hash, created_at, erased_at) FROM STDIN"
    ) as copy:
        for s in range(subjects):
            seq, digest = heads[s]
            copy.write_row(
                (s + 1, city.pk, pseudonyms[s], None, "", "", seq, digest, "2025-01-01", None)
            )
    with raw.copy(
        "COPY consent_consentstate (subject_id, agreement_id, category, status, version_id, "
        "event_id, expires_at, updated_at) FROM STDIN"
    ) as copy:
        for s in range(subjects):
            seq, _digest = heads[s]
            if not seq:
                continue
            last_id = (seq - 1) * subjects + s + 1
            status = "granted" if seq % 2 else "withdrawn"
            for category in scope:
                copy.write_row(
                    (s + 1, agreement.pk, category, status, version.pk, last_id, None, "2025-01-01")
                )
    with raw.copy("COPY consent_merklenode (level, index, hash) FROM STDIN") as copy:
        for level, index, value in nodes:
            copy.write_row((level, index, value.hex()))
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval('consent_ledgerevent_seq', %s)", [events])
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('consent_datasubject', 'id'), %s)", [subjects]
        )
    LedgerTree.objects.filter(pk=1).update(
        size=frontier.size, frontier=frontier.to_json(), root=frontier.root().hex()
    )
    key = signing.signing_key()
    prev = GENESIS_PREV
    for size, root, edge in (
        (middle, middle_root, middle_frontier),
        (events, frontier.root(), frontier.to_json()),
    ):
        signed = sign_checkpoint(key.private, keys.origin(), size, root, datetime.now(UTC), prev)
        data, note = signed.to_json(), signed.to_note()
        Checkpoint.objects.create(
            size=size, root=root.hex(), at=signed.time, origin=signed.origin,
            key_id=data["key_id"], signature=data["signature"], note=note, frontier=edge,
            prev_hash=prev.hex(),
        )  # fmt: skip
        prev = note_hash(note)
    LedgerTree.objects.filter(pk=1).update(checkpoint_size=events, checkpoint_hash=prev.hex())
    seconds = time.perf_counter() - started
    print(f"Copied in {seconds:.0f} s ({events / seconds:,.0f} events/s incl. hashing).")
    return {"secret": secret, "agreement": agreement.pk, "version": version.pk, "city": city.pk}


# --- HTTP checks ----------------------------------------------------------------------------------
def start_server(url: str, key_dir: str, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "cityrights.settings.test",
        "CITYRIGHTS_KEY_DIR": key_dir,
        "CITYRIGHTS_DB_CONN_MAX_AGE": "600",
        "PYTHONPATH": str(ROOT / "src"),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "cityrights.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning"],
        env=env,
    )  # fmt: skip
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server, port
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def post(port: int, path: str, body: bytes, secret: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(
        "POST",
        path,
        body,
        {"Content-Type": "application/json", "Authorization": f"Bearer {secret}"},
    )
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, data


def bench_http(port: int, secret: str, subjects: int, requests: int, batches: int) -> dict:
    def body(n: int) -> bytes:
        return json.dumps(
            {
                "subject": f"subj-bench{random.randrange(subjects):012d}",
                "agreement": "mobility-study",
                "purpose": PURPOSE,
                "categories": [GPS],
            }
        ).encode()

    for n in range(50):  # warm up workers and connections
        post(port, "/api/v1/consent/check", body(n), secret)
    timings = []
    for n in range(requests):
        payload = body(n)
        start = time.perf_counter()
        status, _data = post(port, "/api/v1/consent/check", payload, secret)
        timings.append(time.perf_counter() - start)
        assert status == 200, _data
    bodies = [
        json.dumps({"items": [json.loads(body(n)) for n in range(1000)]}).encode() for _ in range(4)
    ]

    def send_batches(count: int, offset: int = 0) -> None:
        for n in range(count):
            status, data = post(
                port, "/api/v1/consent/check/batch", bodies[(n + offset) % len(bodies)], secret
            )
            assert status == 200, data

    send_batches(2)
    start = time.perf_counter()
    send_batches(batches)
    batch_seconds = time.perf_counter() - start
    # Partners send batches side by side; as many clients as the machine has CPUs.
    clients = os.cpu_count() or 2
    threads = [threading.Thread(target=send_batches, args=(batches, n)) for n in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    parallel_seconds = time.perf_counter() - start
    return {
        "p50": percentile(timings, 0.50) * 1000,
        "p99": percentile(timings, 0.99) * 1000,
        "mean": statistics.mean(timings) * 1000,
        "decisions_per_s": batches * 1000 / batch_seconds,
        "batch_ms": batch_seconds / batches * 1000,
        "clients": clients,
        "parallel_decisions_per_s": clients * batches * 1000 / parallel_seconds,
    }


def bench_select(subjects: int, agreement: int, requests: int) -> dict:
    from django.db import connection

    timings = []
    with connection.cursor() as cursor:
        for _ in range(requests):
            subject = random.randrange(1, subjects + 1)
            start = time.perf_counter()
            cursor.execute(
                "SELECT status, event_id, expires_at FROM consent_consentstate "
                "WHERE subject_id = %s AND agreement_id = %s AND category = %s",
                [subject, agreement, GPS],
            )
            cursor.fetchall()
            timings.append(time.perf_counter() - start)
    return {"p50": percentile(timings, 0.5) * 1000, "p99": percentile(timings, 0.99) * 1000}


# --- appends ----------------------------------------------------------------------------------
def _append_worker(
    url: str, key_dir: str, subjects: int, version_pk: int, seconds: float, start, out
) -> None:
    setup_django(url, key_dir=key_dir)
    from cityrights.consent import ledger
    from cityrights.consent.models import AgreementVersion

    version = AgreementVersion.objects.select_related("agreement").get(pk=version_pk)
    count = 0
    start.wait()  # every writer is set up before the clock starts
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        subject = random.randrange(1, subjects + 1)
        ledger.append(subject, kind="renew" if count % 2 else "grant", version=version,
                      categories=[GPS], method="api")  # fmt: skip
        count += 1
    out.put(count)


def _insert_worker(url: str, seconds: float, start, out) -> None:
    import psycopg

    count = 0
    with psycopg.connect(url, autocommit=True) as conn:
        start.wait()
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            conn.execute(
                "INSERT INTO bench_insert (subject, kind, payload) VALUES (%s, %s, %s)",
                [random.randrange(1_000_000), "grant", "x" * 64],
            )
            count += 1
    out.put(count)


def run_workers(target, args_list: list[tuple]) -> int:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    start = context.Barrier(len(args_list))
    processes = [context.Process(target=target, args=(*args, start, queue)) for args in args_list]
    for process in processes:
        process.start()
    total = sum(queue.get() for _ in processes)
    for process in processes:
        process.join()
    return total


def bench_appends(
    url: str, key_dir: str, subjects: int, version: int, writers: int, seconds: float
) -> dict:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_insert (id bigserial primary key, subject bigint, "
            "kind text, payload text, at timestamptz default now())"
        )
        conn.execute("CREATE INDEX IF NOT EXISTS bench_insert_subject ON bench_insert (subject)")
    inserts = run_workers(_insert_worker, [(url, seconds)] * writers)
    appends = run_workers(_append_worker, [(url, key_dir, subjects, version, seconds)] * writers)
    return {"append_per_s": appends / seconds, "insert_per_s": inserts / seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=5_000_000)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/cr_consent_bench"
    )
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--append-seconds", type=float, default=10.0)
    parser.add_argument("--server-workers", type=int, default=4)
    parser.add_argument("--reuse", action="store_true", help="Keep an already loaded database.")
    args = parser.parse_args()
    name = urlparse(args.database_url).path[1:]
    key_dir = str(Path(tempfile.gettempdir()) / f"bench-consent-keys-{name}")
    if not args.reuse:
        recreate_database(args.database_url)
        for stale in Path(key_dir).glob("*"):
            stale.unlink()
    setup_django(args.database_url, key_dir=key_dir)
    from cityrights.consent import ledger
    from cityrights.consent.models import AgreementVersion
    from cityrights.core.models import ApiKey

    if args.reuse:
        version = AgreementVersion.objects.get(agreement__slug="mobility-study")
        _key, secret = ApiKey.issue(version.agreement.recipient, "bench", ["consent:check"])
        info = {"secret": secret, "agreement": version.agreement_id, "version": version.pk}
    else:
        info = load(args.subjects, args.events)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    print(f"\n== {args.subjects:,} subjects, {args.events:,} events, PostgreSQL ==")
    server, port = start_server(args.database_url, key_dir, args.server_workers)
    try:
        http_figures = bench_http(port, info["secret"], args.subjects, args.requests, args.batches)
    finally:
        server.terminate()
        server.wait()
    select = bench_select(args.subjects, info["agreement"], args.requests)
    print(
        f"single check over HTTP ({args.server_workers} gunicorn workers, {args.requests} "
        f"sequential requests, durable check log: "
        f"{os.environ.get('CITYRIGHTS_CONSENT_DURABLE_CHECK_LOG', 'true')}): "
        f"p50 {http_figures['p50']:.2f} ms, p99 {http_figures['p99']:.2f} ms "
        f"(targets 5 / 20 ms)"
    )
    select_ratio = http_figures["p50"] / select["p50"]
    print(
        f"raw indexed SELECT of the same row: p50 {select['p50']:.3f} ms, "
        f"p99 {select['p99']:.3f} ms; ratio HTTP/SELECT p50 {select_ratio:.1f}x"
    )
    print(
        f"batch check (1,000 items per request, random subjects), one client: "
        f"{http_figures['decisions_per_s']:,.0f} decisions/s ({http_figures['batch_ms']:.0f} ms "
        f"per batch); {http_figures['clients']} clients side by side: "
        f"{http_figures['parallel_decisions_per_s']:,.0f} decisions/s (target 20,000/s)"
    )
    appends = bench_appends(
        args.database_url, key_dir, args.subjects, info["version"], args.writers,
        args.append_seconds,
    )  # fmt: skip
    ratio = appends["append_per_s"] / appends["insert_per_s"]
    print(
        f"ledger append, {args.writers} writer processes: {appends['append_per_s']:,.0f} events/s "
        f"(target 2,000); PostgreSQL single-row INSERT, same writers: "
        f"{appends['insert_per_s']:,.0f} rows/s; ratio {ratio:.2f}"
    )
    ledger.checkpoint()
    report = ledger.verify()
    print(
        f"verify-ledger: {'OK' if report.ok else 'BROKEN: ' + report.reason}, {report.events:,} "
        f"events in {report.seconds:.1f} s = {report.rate:,.0f} events/s (target 100,000)"
    )
    print(f"CPUs: {os.cpu_count()}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
