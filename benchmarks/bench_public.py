"""Public pages under a spike: gunicorn on PostgreSQL, wrk against each page, next to /healthz.

Run: ``python benchmarks/bench_public.py [--url postgres://…/cr_public_bench] [--seconds 10]``
(``--pages entry,catalogue`` measures those pages only: copy the script into another checkout
to compare two versions of the code on the same machine, one run after the other).

The database named in ``--url`` is dropped and created again. It gets a city with 10,000
published register entries and 20,000 places (the register benchmark's loader) and the demo
city (a finished self-assessment, impact summaries, consultations, programmes, agreements).
gunicorn serves it with 4 workers and the shared database cache, as production does
without Redis. For each public page, wrk (32 connections, 2 threads) measures requests/s
and p50/p99:

* **uncached**: ``CITYRIGHTS_PUBLIC_CACHE=false``, every visit rendered (the cold cost);
* **cached**: the public cache on and warm;

each next to ``/healthz`` (the framework's floor: routing, middleware, one ``SELECT 1``)
measured by the same server just before the page (and at the start and end of the run).
Targets (issue 17, on 2 cores shared with wrk): every cached page ≥ 50 % of the floor's
requests/s with p99 ≤ 100 ms; the uncached entry page and catalogue ≥ 300 requests/s.
Note the machine's load (printed) beside the figures.

Then the partner **consent check** (``POST /api/v1/consent/check`` with the demo's published
partner key, one subject by pseudonym) next to its floor, a static JSON route of the same
server (``/.well-known/jwks.json``: the key set, held in memory), with one connection (the
latency a partner sees; target p50 ≤ 1.5 × the floor's) and with 32: once with the access
log flushed to disk before each answer (the default) and once committed asynchronously
(``CITYRIGHTS_CONSENT_DURABLE_CHECK_LOG=false``), next to the time the database takes to
commit a one-row insert on its own (the disk's flush, which no code can go below).
``--consent-only`` loads the demo city alone and measures the consent check only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from common import free_port, percentile, recreate_database, setup_django  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/cr_public_bench"
SETTINGS = """
from cityrights.settings.test import *  # noqa: F403

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "cityrights_cache",
        "OPTIONS": {"MAX_ENTRIES": 100000},
    }
}
CITYRIGHTS_PUBLIC_CACHE = env_bool("CITYRIGHTS_PUBLIC_CACHE", True)  # noqa: F405
"""


def load(url: str, *, pages: bool = True) -> list[tuple[str, str]]:
    """Load the city; the pages to measure as (label, path). Without ``pages``, the demo city
    alone (what the consent check needs)."""
    import bench_register

    recreate_database(url)
    setup_django(url)
    from django.core.management import call_command

    if not pages:
        call_command("migrate", verbosity=0)
    else:
        data = bench_register.load(10_000, 20_000)

    from cityrights.core import demo
    from cityrights.register.models import Entry, Location

    call_command("createcachetable", "cityrights_cache", verbosity=0)
    demo.load()
    # A city in its steady state, as autovacuum leaves it a minute after an import: without
    # this, the search index answers from its pending list of 20,000 just-inserted rows, and
    # the search page measured 4 × slower than it is (12.9 ms instead of 3.4 for ?q=camera).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    if not pages:
        return []
    entry = Entry.objects.get(pk=data["ids"][1234])
    place = Location.objects.filter(entry__organisation=data["city"]).first()
    assert place is not None
    city, demo_city = "/cities/bench-city/", "/cities/demo-city/"
    return [
        ("city home", city),
        ("register catalogue", city + "register/"),
        ("catalogue ?q=camera", city + "register/?q=camera"),
        ("catalogue ?kind=sensor", city + "register/?kind=sensor"),
        ("register entry", f"{city}register/{entry.code}/"),
        ("place QR code", f"{city}register/places/{place.code}/qr.svg"),
        ("map GeoJSON (20,000 places)", city + "register/map/locations.geojson"),
        ("Atom feed", city + "register/feed/"),
        ("CSV export", city + "register/open-data/register.csv"),
        ("assessment results", demo_city + "assessment/"),
        ("impact summaries", demo_city + "impact/"),
        ("data-sharing agreements", demo_city + "data-sharing/"),
        ("consultations", demo_city + "participation/consultations/"),
        ("training programmes", demo_city + "capacity/"),
        ("annual reports", demo_city + "reports/"),
    ]


def start_server(url: str, settings_dir: str, key_dir: str, cached: bool, **more_env: str):
    port = free_port()
    env = {
        **os.environ,
        **more_env,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bench_public_settings",
        "CITYRIGHTS_KEY_DIR": key_dir,
        "CITYRIGHTS_DB_CONN_MAX_AGE": "600",
        "CITYRIGHTS_PUBLIC_CACHE": "true" if cached else "false",
        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{settings_dir}",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "cityrights.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "4", "--timeout", "120", "--log-level", "warning"],
        env=env,
    )  # fmt: skip
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server, port
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("gunicorn did not start")


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


#: What every browser sends: the pages a browser asks for come gzipped (compressed once, when
#: the page is stored), so wrk asks as a browser does.
BROWSER_HEADERS = ("Accept-Encoding: gzip, deflate, br",)


def wrk(
    port: int,
    path: str,
    seconds: int,
    *,
    connections: int = 32,
    script: str | None = None,
    headers: tuple[str, ...] = BROWSER_HEADERS,
) -> tuple[float, float, float]:
    """requests/s, p50 ms, p99 ms."""
    threads = min(2, connections)
    options = ["-s", script] if script else []
    for header in headers:
        options += ["-H", header]
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            *options,
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise RuntimeError(f"{path}: {non_2xx.group(1)} error responses")

    def latency(label: str) -> float:
        found = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)\b", out)
        assert found, out
        return float(found.group(1)) * UNITS[found.group(2)]

    return rate, latency("50"), latency("99")


#: Whole-register files: rendered uncached, each takes seconds, so wrk's 32 connections would
#: only measure a queue. They are measured with the cache on.
EXPORTS = {"map GeoJSON (20,000 places)", "CSV export"}


def measure(url, settings_dir, key_dir, pages, seconds, cached):
    if not cached:
        pages = [(label, path) for label, path in pages if label not in EXPORTS]
    server, port = start_server(url, settings_dir, key_dir, cached)
    try:
        # Warm every worker (and, with the cache on, the cache) one request at a time, each
        # awaited: a load generator stopped early would leave the workers rendering a queue.
        for _label, path in pages:
            for _ in range(4):
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=300) as r:
                    r.read()
        floor = wrk(port, "/healthz", seconds)
        results = {}
        for label, path in pages:
            # The floor again just before each page: a shared machine's speed drifts over
            # the minutes of a run (seen here: the floor fell from 3,190 to 2,114 req/s
            # between the first and the last cached page), and a page is judged against
            # the machine as it was while the page was measured.
            beside = wrk(port, "/healthz", max(2, seconds // 2))
            results[label] = (beside, wrk(port, path, seconds))
        floor_again = wrk(port, "/healthz", seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return floor, floor_again, results


CHECK = "/api/v1/consent/check"
#: The floor of the consent check: a JSON answer of the same server that reads nothing (the
#: key set verifying receipts, kept in memory), so the difference is the check's own work.
STATIC_JSON = "/.well-known/jwks.json"


def consent_script(folder: str) -> str:
    """A wrk script posting one consent check (the demo's published partner key) per request."""
    from cityrights.consent import services
    from cityrights.consent.demo import DEMO_KEY, DPV, PD
    from cityrights.core.models import Organisation, User

    city = Organisation.objects.get(slug="demo-city")
    resident = User.objects.get(email="resident@demo-city.example")
    subject = services.subject_for_user(city, resident)
    assert subject is not None
    body = json.dumps(
        {
            "subject": subject.pseudonym,
            "agreement": "mobility-study",
            "purpose": DPV + "AcademicResearch",
            "categories": [PD + "GPSCoordinate"],
        }
    )
    path = Path(folder, "consent_check.lua")
    path.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(body)}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "Bearer {DEMO_KEY}"\n'
    )
    return str(path)


def measure_consent(url, settings_dir, key_dir, script, seconds, durable):
    """p50 of the check and of its floor, one connection at a time, then 32 at once; with the
    check log flushed to disk before each answer (``durable``) or committed asynchronously."""
    server, port = start_server(
        url,
        settings_dir,
        key_dir,
        cached=True,
        CITYRIGHTS_CONSENT_DURABLE_CHECK_LOG="true" if durable else "false",
    )
    try:
        for _ in range(8):  # every worker answers once before the figures
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{STATIC_JSON}") as r:
                r.read()
        runs = {}
        for connections in (1, 32):
            runs[f"floor, {connections}"] = wrk(port, STATIC_JSON, seconds, connections=connections)
            runs[f"check, {connections}"] = wrk(
                port, CHECK, seconds, connections=connections, script=script
            )
            runs[f"floor again, {connections}"] = wrk(
                port, STATIC_JSON, seconds, connections=connections
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return runs


def commit_ms(url: str, count: int = 60) -> float:
    """p50 of committing a one-row insert on its own (the disk's flush, the floor of a durable
    log row), measured on the benchmark's database."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_commit_probe (x int)")
        times = []
        for _ in range(count):
            start = time.perf_counter()
            conn.execute("INSERT INTO bench_commit_probe VALUES (1)")
            times.append((time.perf_counter() - start) * 1000)
        conn.execute("DROP TABLE bench_commit_probe")
    return percentile(times, 0.5)


def report_consent(runs, durable: bool, flush_ms: float) -> bool:
    log = (
        f"log flushed to disk before each answer; a lone commit's flush: p50 {flush_ms:.2f} ms"
        if durable
        else "log committed asynchronously (CITYRIGHTS_CONSENT_DURABLE_CHECK_LOG=false)"
    )
    print(f"\nConsent check (POST, demo partner key) next to a static JSON route, {log}:")
    ok = True
    for connections in (1, 32):
        floor = min(runs[f"floor, {connections}"][1], runs[f"floor again, {connections}"][1])
        for label in ("floor", "check", "floor again"):
            rate, p50, p99 = runs[f"{label}, {connections}"]
            name = f"{label}, {connections} connection(s)"
            print(f"  {name:34} {rate:8.0f} req/s  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms")
        ratio = runs[f"check, {connections}"][1] / floor
        good = ratio <= 1.5
        if connections == 1:
            ok &= good
        print(
            f"  {'check p50 / floor p50':34} {ratio:8.2f} ×"
            + (f"  {'ok  ' if good else 'MISS'} target ≤ 1.5 ×" if connections == 1 else "")
        )
    return ok


#: The floor (``/healthz``, req/s) on the machine where issue 17 set its targets.
ISSUE_FLOOR = 2160


def report(title, floor, floor_again, results, cached) -> bool:
    ok = True
    print(f"\n{title} (each page's share is of the floor measured just before it)")
    print(
        f"  {'/healthz (floor), before':34} {floor[0]:8.0f} req/s  p50 {floor[1]:6.1f} ms"
        f"  p99 {floor[2]:6.1f} ms"
    )
    print(
        f"  {'/healthz (floor), after':34} {floor_again[0]:8.0f} req/s  p50 {floor_again[1]:6.1f}"
        f" ms  p99 {floor_again[2]:6.1f} ms"
    )
    for label, (beside, (rate, p50, p99)) in results.items():
        share = rate / beside[0]
        if cached:
            good = share >= 0.5 and p99 <= 100
            target = "target ≥ 50 % of floor, p99 ≤ 100 ms"
        elif label in {"register entry", "register catalogue"}:
            good = rate >= 300
            # The target was set on a machine whose floor was 2,160 req/s; the same share of
            # this run's floor says whether the code kept up where the machine did not.
            scaled = 300 * beside[0] / ISSUE_FLOOR
            target = (
                f"target ≥ 300 req/s (at this run's floor: ≥ {scaled:.0f}, "
                f"{'met' if rate >= scaled else 'missed'})"
            )
        else:
            good, target = True, ""
        ok &= good
        mark = ("ok  " if good else "MISS") if target else "    "
        print(
            f"  {label:34} {rate:8.0f} req/s  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms"
            f"  {share:5.0%} of floor ({beside[0]:4.0f})  {mark} {target}"
        )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument(
        "--consent-only", action="store_true", help="measure the consent check only"
    )
    parser.add_argument(
        "--pages",
        default="",
        help="only the pages whose label contains one of these comma-separated words "
        "(e.g. 'entry,catalogue'), and no consent check: to compare two versions of the code",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)
        return 2
    settings_dir = tempfile.mkdtemp(prefix="cr-bench-settings-")
    key_dir = tempfile.mkdtemp(prefix="cr-bench-keys-")
    Path(settings_dir, "bench_public_settings.py").write_text(SETTINGS)
    os.environ["CITYRIGHTS_KEY_DIR"] = key_dir
    pages = load(args.url, pages=not args.consent_only)
    if args.pages:
        words = [word.strip() for word in args.pages.split(",") if word.strip()]
        pages = [(label, path) for label, path in pages if any(w in label for w in words)]
        if not pages:
            print(f"--pages {args.pages!r}: no page's label has these words", file=sys.stderr)
            return 2
    script = consent_script(settings_dir)
    print(f"load average before the run: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    ok = True
    if not args.consent_only:
        uncached = measure(args.url, settings_dir, key_dir, pages, args.seconds, cached=False)
        cached = measure(args.url, settings_dir, key_dir, pages, args.seconds, cached=True)
        ok &= report("Uncached (every visit rendered):", *uncached, cached=False)
        ok &= report("Cached (public cache on, warm):", *cached, cached=True)
    if args.pages:
        print(f"\nload average after the run: {os.getloadavg()[0]:.2f}")
        return 0 if ok else 1
    flush_ms = commit_ms(args.url)
    for durable in (True, False):
        runs = measure_consent(args.url, settings_dir, key_dir, script, args.seconds, durable)
        ok &= report_consent(runs, durable, flush_ms)
    print(f"\nload average after the run: {os.getloadavg()[0]:.2f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
