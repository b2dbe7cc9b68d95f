"""Speed of the annual report on PostgreSQL: taking the figures, the published page, the PDF.

Run (PostgreSQL must be reachable; the database given is dropped and re-created)::

    python benchmarks/bench_report.py [--entries 10000] [--events 1000000]
        [--subjects 100000] [--years 10] [--repeat 5]
        [--database-url postgres://postgres@127.0.0.1:5432/cr_report_bench]

(or ``cityrights bench report …``). What it loads, for one city whose content is in
English, French and Dutch, the report's year being 2025:

* the consent ledger of ``benchmarks/bench_consent.py`` (same COPY loader): ``--events``
  chained, hashed events of ``--subjects`` data subjects in 2025, its Merkle tree and two
  signed checkpoints, plus partner checks;
* ``--entries`` register entries over ten departments, first published between 2016 and
  2025, some withdrawn, with places and residents' questions;
* ``--years`` yearly self-assessments (20 respondents, every question) validated with their
  scores frozen, and a roadmap of 60 actions with measurements.

Targets (issue 14), each printed next to a baseline measured in the same run:

* generating the report (a draft: every app's section in each of the three languages):
  at most 10 s. Baseline: counting the rows it reads (one ``count(*)`` per source table).
  Publishing it (document, SHA-256, signature) is printed too.
* the published report's HTML page: at most 100 ms (it is read from the frozen snapshot).
  Baseline: the how-to-verify page of the same app, which reads no report.
* the report as PDF (WeasyPrint): at most 5 s. Baseline: a one-line page laid out by the
  same helper with the same page settings. Printed as wall-clock time and as the process's
  CPU time, with the machine's load: on a shared machine the first grows with the load.

A published version never changes: publishing lays out each language's PDF and stores it
(the publishing figure includes them), and a download reads the stored file. Its page body
is rendered once per language and kept in the cache; the first view and the downloads are
printed too.

Figures are medians of ``--repeat`` runs (generation and PDF after a warm-up run).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

import bench_consent  # noqa: E402 - the consent ledger loader, shared
from common import (  # noqa: E402
    line,
    load_average,
    median_ms,
    median_wall_and_cpu_ms,
    once_ms,
    recreate_database,
    setup_django,
)

YEAR = 2025
TARGETS = {"generate": 10_000.0, "page": 100.0, "pdf": 5_000.0}


def moment(rng: random.Random, year: int) -> datetime:
    start = datetime(year, 1, 1, tzinfo=UTC)
    return start + timedelta(seconds=rng.randrange(365 * 86400))


def people(city: Any) -> dict[str, Any]:
    from cityrights.core.models import Membership, User

    found = {}
    for role in ("admin", "editor", "reviewer"):
        user = User.objects.create_user(f"{role}@bench.example", "x" * 12, name=f"Bench {role}")
        Membership.objects.create(user=user, organisation=city, role=role)
        found[role] = user
    return found


def checks(city: Any, agreement_id: int, count: int) -> None:
    """Partner checks logged through 2025 (the section counts them per agreement)."""
    from cityrights.consent.models import ConsentCheck, ProcessingAgreement

    recipient_id = ProcessingAgreement.objects.get(pk=agreement_id).recipient_id
    rng = random.Random(3)
    ConsentCheck.objects.bulk_create(
        (
            ConsentCheck(
                organisation=city,
                recipient_id=recipient_id,
                agreement_id=agreement_id,
                purpose=bench_consent.PURPOSE,
                categories=[bench_consent.GPS],
                decision="permit" if n % 3 else "deny",
                reason="bench",
                at=moment(rng, YEAR),
            )
            for n in range(count)
        ),
        batch_size=5000,
    )


def register(city: Any, entries: int) -> None:
    from cityrights.core.models import Department
    from cityrights.register.models import Entry, Location, Question

    departments = [
        Department.objects.create(organisation=city, slug=f"d{n}", name_en=f"Department {n}")
        for n in range(10)
    ]
    kinds = ["algorithm", "sensor", "service", "platform", "dataset"]
    rng = random.Random(4)
    rows = []
    for n in range(entries):
        published = moment(rng, YEAR - 9 + n % 10)
        retired = published + timedelta(days=rng.randrange(200, 3000)) if n % 17 == 0 else None
        rows.append(
            Entry(
                organisation=city,
                code=f"be{n:08d}",
                kind=kinds[n % len(kinds)],
                name_en=f"Entry {n}",
                summary_en=f"What entry {n} does for the city.",
                department=departments[n % len(departments)],
                risk_level=["low", "medium", "high"][n % 3],
                state="retired" if retired else "published",
                published_at=published,
                last_published_at=published,
                retired_at=retired,
                version=1,
            )
        )
    made = Entry.objects.bulk_create(rows, batch_size=2000)
    Location.objects.bulk_create(
        (
            Location(
                entry=entry,
                code=f"bl{n:08d}",
                latitude=50.8 + n * 1e-5,
                longitude=4.3,
                description_en="pole",
            )
            for n, entry in enumerate(made[: entries // 4])
        ),
        batch_size=5000,
    )
    questions = Question.objects.bulk_create(
        (
            Question(
                organisation=city,
                entry=made[n * 7 % entries],
                message=f"Question {n}",
                status=["answered", "answered", "closed", "open"][n % 4],
            )
            for n in range(2000)
        ),
        batch_size=2000,
    )
    from django.db import connection

    with connection.cursor() as cursor:  # one statement: asked in 2025, handled days later
        cursor.execute(
            "UPDATE register_question SET created_at = %s + mod(id, 360) * interval '1 day', "
            "handled_at = CASE WHEN status = 'open' THEN NULL "
            "ELSE %s + (mod(id, 360) + mod(id, 40)) * interval '1 day' END WHERE id >= %s",
            [datetime(YEAR, 1, 1, tzinfo=UTC), datetime(YEAR, 1, 1, tzinfo=UTC), questions[0].pk],
        )


def assessments(city: Any, years: int, admin: Any) -> None:
    from cityrights.assessment import selectors
    from cityrights.assessment.models import (
        ActionStatus,
        AssessmentCycle,
        CycleStatus,
        FrameworkVersion,
        Measurement,
        Response,
        RoadmapAction,
    )

    rng = random.Random(7)
    version = FrameworkVersion.objects.get(key="guide-2022", version=1)
    framework = version.framework
    last = None
    for year in range(YEAR - years + 1, YEAR + 1):
        cycle = AssessmentCycle.objects.create(organisation=city, year=year, framework=version)
        Response.objects.bulk_create(
            Response(
                cycle=cycle,
                question=question.key,
                respondent_key=f"imported-r{respondent}",
                respondent_label=f"r{respondent}",
                value=str(min(5, max(1, rng.randint(1, 3) + (year - YEAR + years) // 4))),
            )
            for respondent in range(20)
            for question in framework.questions
            if question.show_if is None
        )
        cycle.status = CycleStatus.VALIDATED
        cycle.validated_at = datetime(year, 11, 30, tzinfo=UTC)
        cycle.scores = selectors.snapshot_scores(selectors.result_of(cycle))
        cycle.save()
        last = cycle
    statuses = [ActionStatus.DONE, ActionStatus.IN_PROGRESS, ActionStatus.PLANNED]
    actions = RoadmapAction.objects.bulk_create(
        RoadmapAction(
            organisation=city,
            cycle=last,
            title=f"Action {n}",
            status=statuses[n % 3],
            due_date=date(YEAR, 1 + n % 12, 1) + timedelta(days=200 * (n % 2)),
            kpi_key=f"kpi-{n}" if n % 2 else "",
            kpi_name=f"Indicator {n}" if n % 2 else "",
            baseline=0.0 if n % 2 else None,
            target=100.0 if n % 2 else None,
            created_by=admin,
        )
        for n in range(60)
    )
    RoadmapAction.objects.filter(pk__in=[a.pk for a in actions]).update(
        created_at=datetime(YEAR, 1, 15, tzinfo=UTC)
    )
    Measurement.objects.bulk_create(
        Measurement(action=action, date=date(YEAR, month, 1), value=month * 8.0)
        for action in actions
        if action.kpi_key
        for month in (3, 6, 9)
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/cr_report_bench"
    )
    args = parser.parse_args()
    key_dir = tempfile.mkdtemp(prefix="cr-report-keys-")
    recreate_database(args.database_url)
    setup_django(args.database_url, key_dir=key_dir)
    loaded = bench_consent.load(args.subjects, args.events)
    return run(args, loaded)


def run(args: argparse.Namespace, loaded: dict[str, Any]) -> int:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from cityrights.core import pdf
    from cityrights.core.models import Organisation
    from cityrights.reporting import content, printing, services
    from cityrights.reporting.models import AnnualReport, ReportPdf
    from cityrights.reporting.selectors import published_content as content_of

    started = time.perf_counter()
    city = Organisation.objects.get(pk=loaded["city"])
    city.additional_languages = "fr,nl"
    city.is_public = True
    city.save()
    users = people(city)
    checks(city, loaded["agreement"], 5000)
    register(city, args.entries)
    assessments(city, args.years, users["admin"])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"Loaded the rest in {time.perf_counter() - started:.0f} s.", flush=True)

    tables = [
        "register_entry",
        "register_question",
        "register_location",
        "consent_ledgerevent",
        "consent_consentcheck",
        "assessment_response",
        "assessment_roadmapaction",
    ]

    def count_rows() -> None:
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
                cursor.fetchone()

    languages = services._languages(city)

    def take() -> None:
        content.take_sections(city, YEAR, languages)

    print(
        f"\nThe report of {YEAR} for {args.entries:,} register entries, {args.events:,} "
        f"consent events, {args.years} years of assessments, in {', '.join(languages)}:"
    )
    take()  # warm-up: framework files, translations
    count_rows()
    baseline = median_ms(count_rows, args.repeat)
    line("taking every section's figures", median_ms(take, args.repeat), baseline)
    draft = None

    def generate() -> None:
        nonlocal draft
        AnnualReport.objects.filter(organisation=city, year=YEAR).delete()
        draft = services.generate_draft(organisation=city, year=YEAR, actor=users["editor"])

    line(
        "generating the draft (figures + saving)", once_ms(generate), baseline, TARGETS["generate"]
    )
    assert draft is not None
    draft = services.update_texts(
        report=draft,
        actor=users["editor"],
        foreword={code: f"Foreword ({code})." for code in languages},
        commentaries={},
    )
    draft = services.approve(report=draft, actor=users["reviewer"])
    published = None

    def publish() -> None:
        nonlocal published
        published = services.publish(report=draft, actor=users["admin"])

    publish_ms = once_ms(publish)
    assert published is not None
    stored = ReportPdf.objects.filter(report=published).count()
    assert stored == len(languages), stored  # laid out and stored when it was published
    line(f"publishing (document, signature, {stored} PDFs)", publish_ms, baseline)

    client = Client()
    page = f"/cities/{city.slug}/reports/{YEAR}/v{published.version}/"
    verify = f"/cities/{city.slug}/reports/how-to-verify/"
    assert client.get(verify).status_code == 200
    cache.clear()
    first_page = once_ms(lambda: client.get(page))
    assert client.get(page).status_code == 200
    line("published report page, first view", first_page, once_ms(lambda: client.get(verify)))
    line(
        "published report page (HTML)",
        median_ms(lambda: client.get(page), args.repeat * 4),
        median_ms(lambda: client.get(verify), args.repeat * 4),
        TARGETS["page"],
    )
    view = content.read(content_of(published), "en")
    printing.render_pdf(view, city)  # warm-up: fonts and stylesheets
    plain = "<html><body><p>One line.</p></body></html>"
    pdf.render(plain, page=printing.REPORT_PAGE)
    times = max(3, args.repeat // 2)
    print(f"  ({load_average()}; wall-clock time, then the process's CPU time)")
    wall, cpu = median_wall_and_cpu_ms(lambda: printing.render_pdf(view, city), times)
    plain_wall, plain_cpu = median_wall_and_cpu_ms(
        lambda: pdf.render(plain, page=printing.REPORT_PAGE), times
    )
    line("report as PDF (en), laying it out", wall, plain_wall, TARGETS["pdf"])
    line("report as PDF (en), laying it out, CPU", cpu, plain_cpu, TARGETS["pdf"])
    pdf_url = f"/cities/{city.slug}/reports/{YEAR}/v{published.version}/report-en.pdf"
    assert client.get(pdf_url).status_code == 200  # served from the file stored at publication
    line(
        "report as PDF, downloads (stored file)",
        median_ms(lambda: client.get(pdf_url), args.repeat * 4),
        median_ms(lambda: client.get(verify), args.repeat * 4),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
