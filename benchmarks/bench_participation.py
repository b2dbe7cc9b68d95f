"""Speed of a large consultation on PostgreSQL: a section page and the full comment export.

Run (PostgreSQL must be reachable; the database given is dropped and re-created)::

    python benchmarks/bench_participation.py [--sections 20] [--comments 20000]
        [--requests 200] [--database-url postgres://postgres@127.0.0.1:5432/cr_participation_bench]

What it does and prints:

1. Loads a city, a consultation in the discussion phase with ``--sections`` sections in
   three languages and ``--comments`` comments spread over them (one in ten a reply, one in
   fifty hidden by a moderator, some on behalf of organisations, supports counted).
2. Requests section pages through Django's test client (the whole view: tenancy, query,
   Markdown rendering of 20 comments and their replies, template), pages 1 to the last at
   random: p50 and p95 of ``--requests`` requests, next to the **baseline** of the same
   page of an identical consultation without comments, measured in the same run.
3. The full comment export (public CSV, staff CSV, public JSON): seconds, next to the
   **baseline** of reading the same rows from the database into a list without writing them.

Targets (issue 13): section page p95 <= 150 ms on PostgreSQL; full comment export <= 5 s.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from common import percentile, recreate_database, setup_django  # noqa: E402

TEXTS = [
    "I agree with this section, but the counter must stay open on Saturdays too.",
    "Le texte devrait préciser qui contrôle le respect de ce principe.",
    "Kan de stad uitleggen hoe lang *deze gegevens* bewaard worden?",
    "- more courses in libraries\n- evening sessions\n- other languages",
    "See https://example.org/report for what other cities did.",
]


def make_consultation(city: Any, admin: Any, slug: str, sections: int) -> Any:
    from cityrights.participation import services
    from cityrights.participation.models import Phase

    consultation = services.create_consultation(
        organisation=city,
        actor=admin,
        values={"slug": slug, "title_en": "Big consultation", "title_fr": "Grande consultation"},
    )
    version = consultation.versions.get(number=1)
    for n in range(1, sections + 1):
        services.save_section(
            version=version,
            actor=admin,
            values={
                "key": f"s{n}",
                "position": n,
                "heading_en": f"Section {n}",
                "heading_fr": f"Section {n} (fr)",
                "heading_nl": f"Sectie {n}",
                "body_en": f"The city commits to principle {n}. " * 8,
                "body_fr": f"La ville s'engage sur le principe {n}. " * 8,
                "body_nl": f"De stad engageert zich voor principe {n}. " * 8,
            },
        )
    services.publish_version(version=version, actor=admin)
    services.move_phase(consultation=consultation, actor=admin, to_phase=Phase.DISCUSSION)
    return consultation


def fill(sections: int, comments: int, rng: random.Random) -> tuple[Any, Any]:
    from django.db import transaction
    from django.db.models import Count, Q

    from cityrights.core.models import Membership, Organisation, User
    from cityrights.participation.models import Comment, CommentStatus, DraftSection

    city = Organisation.objects.create(
        slug="bench",
        name="Bench City",
        kind="city",
        default_language="fr",
        additional_languages="nl,en",
    )
    admin = User.objects.create_user("admin@bench.example", "x" * 12, name="Admin")
    Membership.objects.create(user=admin, organisation=city, role="admin")
    authors = User.objects.bulk_create(
        [User(email=f"p{n}@bench.example", name=f"Participant {n}") for n in range(500)]
    )
    big = make_consultation(city, admin, "big", sections)
    empty = make_consultation(city, admin, "empty", sections)
    parts = list(big.versions.get(number=1).sections.all())
    with transaction.atomic():
        top: list[Comment] = []
        rows = []
        for n in range(comments):
            section = parts[n % len(parts)]
            hidden = n % 50 == 0
            saved = [c for c in top[-400:] if c.pk]
            parent = rng.choice(saved) if saved and n % 10 == 9 else None
            if parent is not None:
                section = parent.section
            comment = Comment(
                consultation=big,
                section=section,
                parent=parent,
                body=rng.choice(TEXTS),
                quote="La ville s'engage" if n % 7 == 0 and parent is None else "",
                language=rng.choice(["en", "fr", "nl"]),
                author=rng.choice(authors),
                author_name="Participant",
                organisation_name="Ligue des droits" if n % 13 == 0 else "",
                status=CommentStatus.HIDDEN if hidden else CommentStatus.VISIBLE,
                hidden_reason="Insults another participant." if hidden else "",
                support_count=rng.randint(0, 30),
            )
            rows.append(comment)
            if parent is None:
                top.append(comment)
            if len(rows) == 2000:
                Comment.objects.bulk_create(rows)
                rows = []
        Comment.objects.bulk_create(rows)
        counts = DraftSection.objects.filter(version__consultation=big).annotate(
            n=Count("comments", filter=Q(comments__status=CommentStatus.VISIBLE))
        )
        for section in counts:
            DraftSection.objects.filter(pk=section.pk).update(comment_count=section.n)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return big, empty


def time_pages(client: Any, consultation: Any, requests: int, rng: random.Random) -> list[float]:
    from cityrights.participation import selectors
    from cityrights.participation.models import Comment

    keys = list(consultation.versions.get(number=1).sections.values_list("key", flat=True))
    last_page = {
        key: max(
            1,
            -(
                -Comment.objects.filter(
                    section__key=key,
                    section__version__consultation=consultation,
                    parent__isnull=True,
                )
                .exclude(status="pending")
                .count()
                // selectors.COMMENTS_PER_PAGE
            ),
        )
        for key in keys
    }
    base = f"/cities/bench/participation/consultations/{consultation.slug}/sections/"
    for key in keys[:3]:  # warm-up
        client.get(base + key + "/")
    times = []
    for _ in range(requests):
        key = rng.choice(keys)
        page = rng.randint(1, last_page[key])
        start = time.perf_counter()
        response = client.get(f"{base}{key}/?page={page}")
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return times


def seconds(function: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", type=int, default=20)
    parser.add_argument("--comments", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "CITYRIGHTS_BENCH_DATABASE_URL",
            "postgres://postgres@127.0.0.1:5432/cr_participation_bench",
        ),
    )
    args = parser.parse_args()
    if args.sections < 1 or args.comments < 0 or args.requests < 1:
        parser.error("--sections and --requests must be at least 1, --comments at least 0")
    recreate_database(args.database_url)
    setup_django(args.database_url, data_dir="/tmp/cityrights-bench")  # noqa: S108
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from django.core.cache import cache
    from django.test import Client

    from cityrights.participation import exports
    from cityrights.participation.models import Comment

    cache.clear()
    rng = random.Random(13)  # reproducible data, not security
    started = time.perf_counter()
    big, empty = fill(args.sections, args.comments, rng)
    print(
        f"Loaded {Comment.objects.filter(consultation=big).count():,} comments on "
        f"{args.sections} sections in {time.perf_counter() - started:.1f} s "
        f"(PostgreSQL {args.database_url.rsplit('/', 1)[-1]})"
    )
    client = Client()
    baseline = time_pages(client, empty, args.requests, rng)
    pages = time_pages(client, big, args.requests, rng)
    from cityrights.participation import selectors

    print()
    print(
        f"Section page ({args.requests} requests, random section and page, "
        f"{selectors.COMMENTS_PER_PAGE} comments a page)"
    )
    print(f"  {'':34} {'p50 ms':>8} {'p95 ms':>8}")
    print(
        f"  {'baseline: same page, no comments':34} "
        f"{statistics.median(baseline):8.1f} {percentile(baseline, 0.95):8.1f}"
    )
    print(
        f"  {f'{args.comments:,} comments':34} "
        f"{statistics.median(pages):8.1f} {percentile(pages, 0.95):8.1f}"
        f"   target p95 <= 150 ms: {'met' if percentile(pages, 0.95) <= 150 else 'NOT met'}"
    )

    raw, rows = seconds(
        lambda: list(
            Comment.objects.filter(consultation=big)
            .exclude(status="pending")
            .values_list("pk", "parent_id", "section__key", "body", "created_at")
        )
    )
    public_csv, body = seconds(
        lambda: exports.to_csv(exports.comment_rows(big, public=True), exports.PUBLIC_COLUMNS)
    )
    staff_csv, _ = seconds(
        lambda: exports.to_csv(exports.comment_rows(big, public=False), exports.STAFF_COLUMNS)
    )
    public_json, _ = seconds(lambda: exports.to_json(big, public=True))
    over_http, response = seconds(
        lambda: client.get("/cities/bench/participation/consultations/big/comments.csv")
    )
    assert response.status_code == 200
    print()
    print(f"Full comment export ({len(rows):,} comments, {len(body) / 1e6:.1f} MB of CSV)")
    print(f"  baseline: read the rows, write nothing   {raw:6.2f} s")
    for label, value in [
        ("public CSV", public_csv),
        ("staff CSV (with names, e-mail)", staff_csv),
        ("public JSON (comments + answers)", public_json),
        ("public CSV over HTTP (test client)", over_http),
    ]:
        verdict = "met" if value <= 5 else "NOT met"
        print(f"  {label:39} {value:6.2f} s   target <= 5 s: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
