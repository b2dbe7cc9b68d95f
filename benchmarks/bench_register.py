"""Speed of the transparency register on PostgreSQL with 10,000 entries and 20,000 locations.

Run: ``python benchmarks/bench_register.py [--url postgres://postgres@127.0.0.1:5432/cr_register_bench]``

The database named in ``--url`` is dropped and created again. The script loads one city with
10,000 published entries (bulk inserts, search vectors computed in SQL like the service does),
then measures through Django's test client, so URL routing, the tenancy decorator, queries and
template rendering are all included:

* catalogue search (``/cities/<org>/register/?q=…``), p50 and p95 over varied queries
  (target p95 ≤ 100 ms);
* an entry's public page, p50 and p95 over random entries (target p95 ≤ 50 ms);
* the full GeoJSON of all 20,000 locations (target ≤ 500 ms);
* the batch PDF of 100 signs (target ≤ 20 s).

``--import-only`` measures the bulk import alone: a 5,000-row inventory CSV (about 1.6 MB, the
documented limit of rows) parsed and saved as drafts, all or nothing (target ≤ 5 s), next to
parsing alone in the same run as the baseline. It also runs on SQLite:
``--import-only --url sqlite:////tmp/cr_import_bench.sqlite3``.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from common import percentile, recreate_database, setup_django  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/cr_register_bench"
THINGS = [
    ("sensor", "air-quality sensor"),
    ("sensor", "traffic camera"),
    ("sensor", "noise sensor"),
    ("sensor", "parking-bay sensor"),
    ("sensor", "waste-container sensor"),
    ("algorithm", "parking prediction model"),
    ("algorithm", "housing ranking"),
    ("algorithm", "route planner for street cleaning"),
    ("service", "permit application service"),
    ("service", "chat assistant"),
    ("platform", "booking platform"),
    ("dataset", "open dataset of street trees"),
]
PLACES = ["Market", "Harbour", "Station", "Castle", "Willow", "North Park", "Canal", "Ring Road"]
PURPOSES = [
    "https://w3id.org/dpv#ImproveTransportMobility",
    "https://w3id.org/dpv#CombatClimateChange",
    "https://w3id.org/dpv#PublicBenefit",
    "https://w3id.org/dpv#ServiceProvision",
]
QUERIES = ["camera", "parking", "noise Harbour", "trees", "housing", "sensor Market", "chat"]


def load(entries: int, locations: int) -> dict:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from cityrights.core.models import Department, Organisation
    from cityrights.register.models import (
        Entry,
        EntryTerm,
        EntryVersion,
        Location,
        new_code,
    )

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    city = Organisation.objects.create(slug="bench-city", name="Bench City", kind="city")
    departments = [
        Department.objects.create(organisation=city, slug=f"d{n}", name_en=f"Department {n}")
        for n in range(10)
    ]
    now = timezone.now()
    rng = random.Random(4)
    codes: set[str] = set()

    def code(length: int) -> str:
        while True:
            value = new_code(length)
            if value not in codes:
                codes.add(value)
                return value

    batch = []
    for n in range(entries):
        kind, thing = THINGS[n % len(THINGS)]
        place = PLACES[rng.randrange(len(PLACES))]
        batch.append(
            Entry(
                organisation=city,
                code=code(6),
                kind=kind,
                name_en=f"{thing.capitalize()} {place} {n}",
                summary_en=f"The {thing} near {place} helps the city; it is number {n}.",
                details_en="Longer explanation for readers who want to know more. " * 3,
                department=departments[n % len(departments)],
                status="in_use",
                risk_level=["low", "medium", "high"][n % 3],
                state="published",
                published_at=now,
                last_published_at=now,
                version=1,
            )
        )
    Entry.objects.bulk_create(batch, batch_size=2000)
    ids = list(Entry.objects.filter(organisation=city).values_list("id", flat=True))
    EntryTerm.objects.bulk_create(
        (
            EntryTerm(entry_id=pk, kind="purpose", value=PURPOSES[i % len(PURPOSES)])
            for i, pk in enumerate(ids)
        ),
        batch_size=5000,
    )
    EntryVersion.objects.bulk_create(
        (
            EntryVersion(
                entry_id=pk, number=1, snapshot={}, change_summary="First.", published_at=now
            )
            for pk in ids
        ),
        batch_size=5000,
    )
    sensors = ids[: locations // 2]
    Location.objects.bulk_create(
        (
            Location(
                entry_id=pk,
                code=code(8),
                latitude=round(50.85 + rng.uniform(-0.05, 0.05), 6),
                longitude=round(4.35 + rng.uniform(-0.08, 0.08), 6),
                description_en=f"Place {i} of entry {pk}",
            )
            for pk in sensors
            for i in range(2)
        ),
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        # What services.refresh_search computes for each entry, done in one statement here.
        cursor.execute(
            "UPDATE register_entry SET search_vector = "
            "setweight(to_tsvector('english', name_en), 'A') || "
            "setweight(to_tsvector('english', summary_en), 'B') || "
            "setweight(to_tsvector('english', details_en), 'C')"
        )
        cursor.execute("ANALYZE")
    print(
        f"Loaded {entries:,} entries and {Location.objects.count():,} locations "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return {"city": city, "ids": ids, "sensors": sensors, "departments": departments}


def inventory_csv(rows: int) -> bytes:
    """A realistic inventory: every template column filled, one or two places per sensor."""
    import csv
    import io

    from cityrights.register.records import TEMPLATE_HEADERS

    rng = random.Random(11)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=TEMPLATE_HEADERS)
    writer.writeheader()
    for n in range(rows):
        kind, thing = THINGS[n % len(THINGS)]
        place = PLACES[n % len(PLACES)]
        points = "; ".join(
            f"{51.0 + rng.random():.6f},{4.0 + rng.random():.6f} ({place} {p + 1})"
            for p in range(1 + n % 2 if kind == "sensor" else 0)
        )
        writer.writerow(
            {
                "name": f"{thing.capitalize()} {place} {n}",
                "kind": kind,
                "summary": f"The {thing} at {place} helps the city plan its work.",
                "purposes": PURPOSES[n % len(PURPOSES)].replace("https://w3id.org/dpv#", "dpv:"),
                "department": f"Department {n % 10}",
                "contact": f"team{n % 10}@bench-city.example",
                "provider": "Bench Supplies Ltd" if n % 3 else "",
                "status": "in_use",
                "start_date": "2024-03-01",
                "end_date": "",
                "legal_bases": "dpv:PublicInterest",
                "data_categories": "pd:Location",
                "data_subjects": "residents and visitors",
                "retention": "30 days",
                "recipients": "",
                "automation_level": "assisted" if kind == "algorithm" else "none",
                "human_oversight": "A person reviews each alert." if kind == "algorithm" else "",
                "risk_level": ("low", "medium", "high")[n % 3],
                "impact_assessment_status": "",
                "impact_assessment_url": "",
                "source_code_url": "",
                "dataset_urls": "",
                "thematic_areas": "privacy",
                "locations": points,
            }
        )
    return out.getvalue().encode()


def bench_import(url: str, rows: int, rounds: int) -> None:
    from django.core.management import call_command
    from django.db import transaction

    from cityrights.core.models import Department, Membership, Organisation, User
    from cityrights.register import importing, services
    from cityrights.register.models import Entry

    call_command("migrate", verbosity=0)
    city = Organisation.objects.create(slug="bench-city", name="Bench City", kind="city")
    for n in range(10):
        Department.objects.create(organisation=city, slug=f"d{n}", name_en=f"Department {n}")
    editor = User.objects.create_user("editor@bench-city.example", "bench-password-1")
    Membership.objects.create(user=editor, organisation=city, role="editor")
    data = inventory_csv(rows)
    parse, save, cpu = [], [], []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = importing.parse_inventory(data, "inventory.csv")
        parse.append(time.perf_counter() - start)
        assert result.ok, result.issues[:3]
        start = time.perf_counter()
        outcome = services.import_rows(result.rows, organisation=city, actor=editor)
        save.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        assert len(outcome.created) == rows
        with transaction.atomic():
            Entry.objects.all().delete()
    engine = "SQLite" if url.startswith("sqlite:") else "PostgreSQL"
    whole = [p + s for p, s in zip(parse, save, strict=True)]
    print(f"Bulk import of {rows:,} rows ({len(data) / 1e6:.1f} MB CSV) on {engine}")
    print(f"  {'parse and check the file (baseline)':<42} best {min(parse):6.2f} s")
    print(f"  {'save as drafts, all or nothing':<42} best {min(save):6.2f} s")
    print(f"  {'whole import':<42} best {min(whole):6.2f} s   (target ≤ 5 s)")
    print(f"  {'  of which this process on the CPU':<42} best {min(cpu):6.2f} s")


def timed_get(client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    assert response.status_code == 200, (url, response.status_code)
    return (time.perf_counter() - start) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--url", default=os.environ.get("CITYRIGHTS_BENCH_POSTGRES_URL", DEFAULT_URL)
    )
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--locations", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--import-only", action="store_true", help="measure the bulk import")
    parser.add_argument("--import-rows", type=int, default=5_000)
    args = parser.parse_args()
    recreate_database(args.url)
    setup_django(args.url)
    if args.import_only:
        bench_import(args.url, args.import_rows, rounds=3)
        return 0
    from django.test import Client

    from cityrights.register import selectors, signs
    from cityrights.register.models import Entry

    data = load(args.entries, args.locations)
    client = Client()
    rng = random.Random(7)
    base = "/cities/bench-city/register/"
    for query in QUERIES:  # warm caches and connections
        timed_get(client, f"{base}?q={query}")

    search = [
        timed_get(client, f"{base}?q={QUERIES[n % len(QUERIES)]}&page={1 + n % 3}")
        for n in range(args.rounds)
    ]
    filtered = [
        timed_get(client, f"{base}?q=sensor&kind=sensor&risk=low&department=d{n % 10}")
        for n in range(args.rounds)
    ]
    codes = list(
        Entry.objects.filter(pk__in=rng.sample(data["ids"], 200)).values_list("code", flat=True)
    )
    detail = [timed_get(client, f"{base}{codes[n % len(codes)]}/") for n in range(args.rounds * 2)]
    from django.core.cache import cache

    cold = []
    for _ in range(5):
        cache.clear()
        cold.append(timed_get(client, f"{base}map/locations.geojson"))
    warm = [timed_get(client, f"{base}map/locations.geojson") for _ in range(5)]

    entries = list(
        selectors._with_details(Entry.objects.filter(pk__in=data["sensors"][:50]).order_by("id"))
    )
    sign_list = signs.signs_for(entries)
    start = time.perf_counter()
    pdf = signs.render_pdf(sign_list, "a4")
    pdf_seconds = time.perf_counter() - start

    def row(label: str, values: list[float], target: str) -> None:
        print(
            f"  {label:<42} p50 {percentile(values, 0.5):8.1f} ms   "
            f"p95 {percentile(values, 0.95):8.1f} ms   (target {target})"
        )

    print("Register on PostgreSQL")
    row("catalogue search", search, "p95 ≤ 100 ms")
    row("catalogue search + 3 filters", filtered, "p95 ≤ 100 ms")
    row("entry page", detail, "p95 ≤ 50 ms")
    label = f"full GeoJSON ({args.locations:,} points)"
    print(
        f"  {label + ', uncached':<42} p50 {percentile(cold, 0.5):8.1f} ms   "
        f"max {max(cold):8.1f} ms   (target ≤ 500 ms)"
    )
    print(f"  {label + ', cached':<42} p50 {percentile(warm, 0.5):8.1f} ms")
    print(
        f"  {'batch PDF of ' + str(len(sign_list)) + ' signs':<42} "
        f"{pdf_seconds:8.2f} s, {len(pdf) / 1024:,.0f} KB   (target ≤ 20 s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
