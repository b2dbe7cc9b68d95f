"""Speed of capacity building: survey results, a certificate PDF, a programme's bulk issue.

Run: ``python benchmarks/bench_capacity.py [--answers 10000] [--participants 2000]``
(or ``cityrights bench capacity …``). Uses the test settings: an in-memory SQLite
database unless ``DATABASE_URL`` points at PostgreSQL (the script then migrates a fresh
``<name>_bench`` database and drops it).

Targets (issue 12), each printed next to a baseline measured in the same run:

* results of a closed survey round with 10,000 answers (aggregation with suppression,
  charts and tables): at most 300 ms. Baseline: reading the same rows into a list.
  The answers are counted once, when the round closes (its figures never change
  afterwards); that counting is printed too.
* one certificate as PDF (WeasyPrint through ``core.pdf``): at most 1 s. Baseline: a
  one-line page laid out by the same helper.
* issuing certificates for a programme of 2,000 participants (rules, certificates,
  signed Open Badges credentials, audit event, e-mails to the in-memory outbox): at
  most 30 s. Baseline: inserting the same number of certificate rows, unsigned.

Figures are medians of ``--repeat`` runs (the PDF of 5, after a warm-up; the bulk issue
runs once, it changes the data).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import line as common_line
from common import median_ms, once_ms

if TYPE_CHECKING:
    from cityrights.capacity.models import SurveyRound
    from cityrights.core.models import Department, Organisation, User


def line(name: str, value: float, baseline: float, target: float | None = None) -> None:
    common_line(name, value, baseline, target, width=46)  # this benchmark's longer names


TARGETS = {"results": 300.0, "pdf": 1000.0, "issue": 30_000.0}


def city() -> tuple[Organisation, User, list[Department]]:
    from cityrights.core.models import Department, Membership, Organisation, User

    organisation = Organisation.objects.create(slug="bench", name="Bench City", kind="city")
    departments = [
        Department.objects.create(
            organisation=organisation, slug=f"d{n}", name_en=f"Department {n}"
        )
        for n in range(12)
    ]
    admin = User.objects.create_user("admin@bench.example", "x" * 12, name="Bench Admin")
    Membership.objects.create(
        user=admin, organisation=organisation, role="admin", department=departments[0]
    )
    return organisation, admin, departments


def survey_round(
    organisation: Organisation, admin: User, departments: list[Department], count: int
) -> SurveyRound:
    """A closed round with ``count`` answers spread over the departments (one of them small)."""
    from django.utils import timezone

    from cityrights.capacity import services
    from cityrights.capacity.models import SurveyAnswer

    rng = random.Random(12)
    today = timezone.localdate()
    created = services.open_round(
        organisation=organisation,
        actor=admin,
        title={"en": "Benchmark round"},
        opens_on=today - timedelta(days=20),
        closes_on=today + timedelta(days=1),
    )
    survey = created.survey.survey
    topics = [t.key for t in survey.topics]
    weights = [1] + [10] * (len(departments) - 1)  # the first department stays small
    rows = []
    for number in range(count):
        department = rng.choices(departments, weights=weights)[0]
        rows.append(
            SurveyAnswer(
                round=created,
                department=department if rng.random() > 0.02 else None,
                answers={
                    "knowledge": rng.choice(["none", "basic", "general", "good"]),
                    "digital-projects": rng.choice(["regularly", "sometimes", "never"]),
                    "prior-training": rng.choice([["none"], ["data-protection"]]),
                    "concerns": sorted(rng.sample(["cybercrime", "children", "data-use"], 2)),
                    "training-need": {key: rng.randint(1, 4) for key in topics},
                    "formats": sorted(rng.sample(["in-person", "video", "virtual", "text"], 2)),
                },
                others={"concerns": f"Remark {number}"} if number % 50 == 0 else {},
            )
        )
    SurveyAnswer.objects.bulk_create(rows, batch_size=2000)
    return created


def programme_with(organisation: Organisation, admin: User, participants: int) -> Any:
    """A published programme of four modules whose sessions lie in the past, attended by
    ``participants`` people: a quarter four modules, a quarter three, a quarter two, the rest one.
    """
    from django.utils import timezone

    from cityrights.capacity import services
    from cityrights.capacity.models import Registration
    from cityrights.core.models import User

    programme = services.create_programme(
        organisation=organisation, actor=admin, title={"en": "Benchmark programme"}
    )
    start = timezone.now() + timedelta(days=1)
    sessions = []
    for number in range(4):
        module = services.save_module(
            programme=programme, actor=admin, texts={"title": {"en": f"Module {number}"}}
        )
        sessions.append(
            services.save_session(
                module=module,
                actor=admin,
                starts_at=start + timedelta(days=number),
                ends_at=start + timedelta(days=number, hours=2),
                session_format="online",
                capacity=participants,
                language="en",
                link="https://meet.example.org/bench",
            )
        )
    services.publish_programme(programme=programme, actor=admin)
    people = [
        User(email=f"p{n}@bench.example", name=f"Participant {n}", password="!")
        for n in range(participants)
    ]
    User.objects.bulk_create(people, batch_size=1000)
    people = list(User.objects.filter(email__endswith="@bench.example").exclude(pk=admin.pk))
    registrations = []
    for index, person in enumerate(people):
        for session in sessions[: 4 - index % 4]:
            registrations.append(
                Registration(session=session, person=person, status="registered", attended=True)
            )
    Registration.objects.bulk_create(registrations, batch_size=2000)
    return programme


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=10_000)
    parser.add_argument("--participants", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    # Django is set up here, not when the module is imported.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cityrights.settings.test")
    os.environ.setdefault("CITYRIGHTS_DATA_DIR", "/tmp/cityrights-bench")  # noqa: S108
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # No setup_test_environment(): its template instrumentation copies every context and
    # would be timed with the page. The test settings already allow "testserver" and keep
    # mail in memory.
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        from django.test.utils import get_runner

        runner = get_runner(settings)(verbosity=0, interactive=False)
        old = runner.setup_databases()
    else:
        old = None
    try:
        call_command("migrate", verbosity=0)
        return run(args)
    finally:
        if old is not None:
            runner.teardown_databases(old)


def run(args: argparse.Namespace) -> int:
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from cityrights.capacity import certificates, printing, selectors, services
    from cityrights.capacity.models import Certificate, SurveyRound
    from cityrights.core import pdf

    organisation, admin, departments = city()
    print(
        f"capacity benchmark on {connection.vendor}: {args.answers:,} answers, "
        f"{args.participants:,} participants; medians of {args.repeat} runs"
    )

    # --- survey results --------------------------------------------------------------
    answered = survey_round(organisation, admin, departments, args.answers)
    read = median_ms(
        lambda: list(answered.answers.values_list("department_id", "answers", "others")),
        args.repeat,
    )
    counting = median_ms(lambda: selectors.tallies(answered), args.repeat)
    line(f"counting {args.answers:,} answers (once, at closing)", counting, read)
    closing = once_ms(lambda: services.close_round(survey_round=answered, actor=admin))
    line("closing the round (counting included)", closing, read)
    closed = SurveyRound.objects.get(pk=answered.pk)
    found = selectors.round_results(closed)
    assert found.city is not None and found.city.respondents == args.answers
    results = median_ms(
        lambda: selectors.round_results(SurveyRound.objects.get(pk=closed.pk)), args.repeat
    )
    line(f"survey results ({args.answers:,} answers)", results, read, TARGETS["results"])
    client = Client()
    client.force_login(admin)
    page_url = f"/manage/{organisation.slug}/capacity/surveys/{closed.pk}/"
    assert client.get(page_url).status_code == 200
    page = median_ms(lambda: client.get(page_url), args.repeat)
    line("results page (charts and tables, HTTP)", page, read, TARGETS["results"])

    # --- bulk issue ------------------------------------------------------------------
    programme = programme_with(organisation, admin, args.participants)
    baseline_rows = [
        Certificate(
            organisation=organisation,
            programme=programme,
            person=None,
            recipient_name=f"Baseline {n}",
            kind="attendance",
            code=f"BASE{n:06d}",
            modules_attended=2,
            issued_at=timezone.now(),
            revoked_at=timezone.now(),
            status_index=10_000_000 + n,
        )
        for n in range(args.participants)
    ]
    inserted = once_ms(lambda: Certificate.objects.bulk_create(baseline_rows, batch_size=1000))
    Certificate.objects.filter(code__startswith="BASE").delete()
    elapsed = once_ms(lambda: certificates.start_issuing(programme=programme, actor=admin))
    count = Certificate.objects.filter(programme=programme, revoked_at__isnull=True).count()
    assert count == sum(1 for n in range(args.participants) if n % 4 != 3), count
    line(
        f"bulk issue ({args.participants:,} people, {count:,} certificates)",
        elapsed,
        inserted,
        TARGETS["issue"],
    )

    # --- one certificate PDF ---------------------------------------------------------
    certificate = Certificate.objects.filter(programme=programme).first()
    assert certificate is not None
    printing.certificate_pdf(certificate, "en")  # warm-up: fonts and stylesheets
    plain = "<!DOCTYPE html><html lang='en'><body><p>One line.</p></body></html>"
    pdf.render(plain, page=printing.PAGE)
    baseline_pdf = median_ms(lambda: pdf.render(plain, page=printing.PAGE), 5)
    one = median_ms(lambda: printing.certificate_pdf(certificate, "en"), 5)
    line("certificate PDF", one, baseline_pdf, TARGETS["pdf"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
