"""Speed of the self-assessment: scoring, results page, PDF report, coalition benchmark.

Run: ``python benchmarks/bench_assessment.py [--cities 1000] [--cycles 10] [--repeat 10]``

Uses an in-memory SQLite database (the test settings), migrated and filled by the script.
Targets from issue 3: scoring a full assessment with 20 respondents <= 50 ms; results page
<= 200 ms; PDF <= 3 s; coalition benchmark over 1,000 cities x 10 cycles <= 2 s.
Figures are medians of ``--repeat`` runs (the PDF: of 3 runs, after one warm-up).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cityrights.settings.test")
os.environ.setdefault("CITYRIGHTS_DATA_DIR", "/tmp/cityrights-bench")  # noqa: S108

import django

django.setup()

from common import median_ms  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from cityrights.assessment import selectors  # noqa: E402
from cityrights.assessment.models import (  # noqa: E402
    AssessmentCycle,
    CoalitionSharing,
    CycleStatus,
    FrameworkVersion,
    Response,
)
from cityrights.assessment.scoring import Answer, score  # noqa: E402
from cityrights.core.models import Membership, Organisation, Role, User  # noqa: E402

RESPONDENTS = 20


def report(name: str, value_ms: float, target_ms: float) -> None:
    verdict = "ok" if value_ms <= target_ms else "SLOW"
    print(f"{name:<58} {value_ms:10.1f} ms   (target <= {target_ms:,.0f} ms) {verdict}")


def answers_for(version: FrameworkVersion, rng: random.Random) -> list[Answer]:
    framework = version.framework
    out = []
    for respondent in range(RESPONDENTS):
        for question in framework.questions:
            roll = rng.random()
            value: Any = (
                "dont_know"
                if roll < 0.05
                else "not_applicable"
                if roll < 0.07
                else rng.randint(1, 5)
            )
            out.append(Answer(f"r{respondent}", question.key, value))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cities", type=int, default=1000)
    parser.add_argument("--cycles", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    setup_test_environment()
    call_command("migrate", verbosity=0)
    rng = random.Random(7)
    version = FrameworkVersion.objects.get(key="guide-2022", version=1)
    model = selectors.scoring_model(version)

    # 1. Scoring a full assessment with 20 respondents (pure function, and from the database)
    answers = answers_for(version, rng)
    report(
        f"score(): {len(answers)} answers, {RESPONDENTS} respondents",
        median_ms(lambda: score(model, answers), args.repeat),
        50,
    )
    city = Organisation.objects.create(slug="bench-city", name="Bench City", kind="city")
    admin = User.objects.create_user("admin@bench.example", "bench-password-1")
    Membership.objects.create(user=admin, organisation=city, role=Role.ADMIN)
    previous = AssessmentCycle.objects.create(organisation=city, year=2024, framework=version)
    cycle = AssessmentCycle.objects.create(organisation=city, year=2025, framework=version)
    for target in (previous, cycle):
        Response.objects.bulk_create(
            Response(
                cycle=target,
                question=a.question,
                respondent_key=f"imported-{a.respondent}",
                respondent_label=a.respondent,
                value=str(a.value),
            )
            for a in answers_for(version, rng)
        )
    for target in (previous, cycle):
        target.status = CycleStatus.VALIDATED
        target.scores = selectors.snapshot_scores(selectors.result_of(target))
        target.save()

    def score_from_db() -> None:
        selectors.result_of(AssessmentCycle.objects.select_related("framework").get(pk=cycle.pk))

    report(
        "result_of(cycle): load 1,200 answers from the database + score",
        median_ms(score_from_db, args.repeat),
        50,
    )

    # 2. Results page (test client, logged in, with charts and the previous cycle)
    client = Client()
    client.force_login(admin)
    url = f"/manage/{city.slug}/assessment/2025/results/"
    assert client.get(url).status_code == 200
    report(
        "results page (GET, with charts and comparison)",
        median_ms(lambda: client.get(url), args.repeat),
        200,
    )

    # 3. PDF report
    pdf_url = f"/manage/{city.slug}/assessment/2025/report.pdf"
    first = client.get(pdf_url)
    assert first.content.startswith(b"%PDF")
    report("PDF report (WeasyPrint)", median_ms(lambda: client.get(pdf_url), 3), 3000)

    # 4. Coalition benchmark over N cities x M validated cycles each
    start = time.perf_counter()
    coalition = Organisation.objects.create(
        slug="bench-coalition", name="Coalition", kind="coalition"
    )
    cities = Organisation.objects.bulk_create(
        Organisation(slug=f"bench-{i}", name=f"City {i}", kind="city") for i in range(args.cities)
    )
    cells = [f"{a}/{p}" for a, p in version.framework.cells()]
    cycles = []
    now = timezone.now()
    for organisation in cities:
        for year in range(2025 - args.cycles + 1, 2026):
            values = {key: rng.uniform(0, 100) for key in cells}
            cycles.append(
                AssessmentCycle(
                    organisation=organisation,
                    year=year,
                    framework=version,
                    status=CycleStatus.VALIDATED,
                    validated_at=now,
                    scores={
                        "overall": {"score": statistics.fmean(values.values()), "level": 3},
                        "cells": {k: {"score": v, "level": 3} for k, v in values.items()},
                        "areas": {
                            area.key: {"score": rng.uniform(0, 100), "level": 3}
                            for area in version.framework.areas
                        },
                        "pillars": {},
                    },
                )
            )
    AssessmentCycle.objects.bulk_create(cycles, batch_size=2000)
    CoalitionSharing.objects.bulk_create(
        CoalitionSharing(city=organisation, coalition=coalition) for organisation in cities
    )
    elapsed = time.perf_counter() - start
    print(f"(set-up of {args.cities} cities x {args.cycles} cycles: {elapsed:.1f} s)")
    bench = selectors.coalition_benchmark(coalition)
    assert bench.cities == args.cities and bench.shown
    report(
        f"coalition_benchmark(): {args.cities} cities x {args.cycles} cycles",
        median_ms(lambda: selectors.coalition_benchmark(coalition), max(3, args.repeat // 3)),
        2000,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
