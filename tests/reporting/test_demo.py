"""Demo City's reports: last year's published in three languages by people who did not write
it, this year's a draft, both loaded once however often the demo runs."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from cityrights.core import demo
from cityrights.register.models import Question
from cityrights.reporting import content
from cityrights.reporting.demo import FOREWORD_LAST_YEAR
from cityrights.reporting.models import AnnualReport, ReportStatus

pytestmark = pytest.mark.django_db


def _figures(document, language, key):
    section = next(s for s in document["sections"][language] if s["key"] == key)
    return {figure["key"]: figure["value"] for figure in section["figures"]}


def test_the_demo_publishes_last_year_and_drafts_this_year():
    context = demo.load()
    demo.load()  # idempotent
    this_year = timezone.localdate().year
    reports = AnnualReport.objects.filter(organisation=context.city)
    assert sorted(reports.values_list("year", "version", "status")) == [
        (this_year - 1, 1, ReportStatus.PUBLISHED),
        (this_year, 1, ReportStatus.DRAFT),
    ]
    published = reports.get(year=this_year - 1)
    people = {published.created_by_id, published.approved_by_id, published.published_by_id}
    assert len(people) == 3 and None not in people
    document = published.content
    assert document["languages"] == ["en", "fr", "nl"]
    assert published.digest == content.digest(document)
    forewords = document["foreword"]
    assert all(forewords[code] for code in ("en", "fr", "nl"))
    assert len(set(forewords.values())) == 3
    for code in ("en", "fr", "nl"):
        commented = [s["key"] for s in document["sections"][code] if s["commentary"]]
        assert {"maturity", "transparency", "capacity"} <= set(commented)
    # Last year's report has something to say about the register and its residents.
    register = _figures(document, "en", "transparency")
    questions = Question.objects.filter(organisation=context.city, created_at__year=this_year - 1)
    assert register["entries"] > 0
    assert register["questions"] == questions.count() > 0
    assert register["answered"] == questions.filter(status="answered").count()
    assert _figures(document, "en", "maturity")["overall-score"] is not None
    draft = reports.get(year=this_year)
    assert draft.foreword_fr and draft.foreword_nl and draft.foreword_en


def test_residents_read_the_demo_report_in_each_language():
    demo.load()
    year = timezone.localdate().year - 1
    client = Client()
    for code in ("en", "fr", "nl"):
        page = client.get(f"/cities/demo-city/reports/{year}/?language={code}")
        assert page.status_code == 200
        first_line = FOREWORD_LAST_YEAR[code].split("\n")[0]
        assert escape(first_line) in page.content.decode()
    pdf = client.get(f"/cities/demo-city/reports/{year}/v1/report-fr.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
