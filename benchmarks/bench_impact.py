"""Speed of the impact assessments: repository search, an assessment's pages, exports.

Run: ``python benchmarks/bench_impact.py [--assessments 2000] [--repeat 10]``

Uses an in-memory SQLite database (the test settings), migrated and filled by the script.
Issue 6 sets no numeric targets; these figures are a baseline so regressions show up.
Figures are medians of ``--repeat`` runs (the PDF: of 3 runs, after one warm-up).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from pathlib import Path

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

from cityrights.core.models import Department, Membership, Organisation, User  # noqa: E402
from cityrights.impact import content, exports, selectors, services  # noqa: E402
from cityrights.impact.models import (  # noqa: E402
    ImpactAssessment,
    RiskItem,
    TemplateKind,
)

RIGHTS = ["privacy", "equality", "expression-assembly", "access-inclusion"]


def fill(count: int, rng: random.Random) -> tuple[Organisation, User, ImpactAssessment]:
    city = Organisation.objects.create(slug="bench", name="Bench City", kind="city")
    department = Department.objects.create(organisation=city, slug="d", name_en="Department")
    editor = User.objects.create_user("editor@bench.example", "x" * 12)
    Membership.objects.create(user=editor, organisation=city, role="admin", department=department)
    template = services.latest_template(TemplateKind.ASSESSMENT)
    rows = [
        ImpactAssessment(
            organisation=city,
            template=template,
            title=f"System {n}",
            kind="both",
            department=department,
            author=editor,
            highest_band=rng.choice(["low", "medium", "high", "very-high"]),
        )
        for n in range(count)
    ]
    ImpactAssessment.objects.bulk_create(rows, batch_size=500)
    risks = []
    for assessment in ImpactAssessment.objects.filter(organisation=city):
        for _ in range(rng.randint(1, 6)):
            risks.append(
                RiskItem(
                    assessment=assessment,
                    right=rng.choice(RIGHTS),
                    description="A possible harm to residents.",
                    likelihood=rng.randint(1, 4),
                    severity=rng.randint(1, 4),
                )
            )
    RiskItem.objects.bulk_create(risks, batch_size=1000)
    full = services.create_assessment(city, editor, title="Full one", kind="both")
    for section in content.sections_for(full.template.template, "both"):
        answers = {
            q.key: (
                "An answer."
                if q.type == "text"
                else "no"
                if q.type == "yes-no"
                else [q.options[0].key]
                if q.multiple
                else q.options[0].key
            )
            for q in section.questions
        }
        services.save_section(full, editor, section.key, answers)
    for n in range(12):
        services.add_risk(
            full,
            editor,
            {
                "right": RIGHTS[n % 4],
                "description": "Risk",
                "likelihood": 1 + n % 4,
                "severity": 1 + (n // 4) % 4,
            },
        )
    return city, editor, full


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assessments", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    setup_test_environment()
    call_command("migrate", verbosity=0)
    rng = random.Random(6)
    city, editor, full = fill(args.assessments, rng)
    client = Client()
    client.force_login(editor)
    base = f"/manage/{city.slug}/impact/"
    print(f"impact benchmark: {args.assessments} assessments, medians of {args.repeat} runs")
    figures = {
        "search (risk >= high, right = equality), count": lambda: selectors.search(
            city, risk="high", right="equality"
        ).count(),
        "repository page, filtered": lambda: client.get(base + "?risk=high&right=equality"),
        "repository page, unfiltered": lambda: client.get(base),
        "assessment overview page": lambda: client.get(f"{base}{full.pk}/"),
        "risks page (two matrices)": lambda: client.get(f"{base}{full.pk}/risks/"),
        "JSON export": lambda: exports.assessment_json(full, "en"),
        "dashboard flags": lambda: selectors.flagged_entries(city),
    }
    for name, function in figures.items():
        print(f"  {name:50s} {median_ms(function, args.repeat):8.1f} ms")
    exports.assessment_pdf(full, "en", "http://localhost/")
    pdf_ms = median_ms(lambda: exports.assessment_pdf(full, "en", "http://localhost/"), 3)
    print(f"  {'PDF export':50s} {pdf_ms:8.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
