"""A published version's PDFs are laid out at publication, stored with their SHA-256, served
from the stored file, and laid out again once when the file is missing or damaged."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client

from cityrights.core.pdf import PdfError
from cityrights.reporting import printing, services
from cityrights.reporting.models import AnnualReport, ReportPdf
from tests.printing import pdf_pages

from .conftest import YEAR

PDF = f"/cities/city-a/reports/{YEAR}/v1/report-%s.pdf"


def _approved(city_a, languages: str = "fr") -> AnnualReport:
    city_a.city.additional_languages = languages
    city_a.city.save()
    users = city_a.users
    report = services.generate_draft(organisation=city_a.city, year=YEAR, actor=users["editor"])
    services.update_texts(
        report=report,
        actor=users["editor"],
        foreword={"en": "A year of firsts.", "fr": "Une année de premières."},
        commentaries={},
    )
    return services.approve(report=report, actor=users["reviewer"])


def _refuse_layout(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("the PDF was laid out again")

    monkeypatch.setattr(printing, "render_pdf", refuse)


def test_publishing_lays_out_and_stores_each_language_and_downloads_serve_the_files(
    city_a, django_capture_on_commit_callbacks, monkeypatch
):
    approved = _approved(city_a)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.publish(report=approved, actor=city_a.users["reviewer"])
    stored = {item.language: item for item in ReportPdf.objects.filter(report=report)}
    assert sorted(stored) == ["en", "fr"]
    for item in stored.values():
        data = item.file.read()
        item.file.close()
        assert hashlib.sha256(data).hexdigest() == item.sha256 and len(data) == item.size
        assert str(report.year) in item.file.name and item.file.name.endswith(".pdf")
    _refuse_layout(monkeypatch)
    client = Client()
    for language in ("en", "fr"):
        response = client.get(PDF % language)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert hashlib.sha256(response.content).hexdigest() == stored[language].sha256
    assert "Une année de premières." in " ".join(pdf_pages(client.get(PDF % "fr").content))
    assert client.get(PDF % "nl").status_code == 404


def test_a_pdf_whose_file_is_gone_is_laid_out_once_and_then_served_from_the_new_file(
    city_a, django_capture_on_commit_callbacks, monkeypatch
):
    approved = _approved(city_a)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.publish(report=approved, actor=city_a.users["reviewer"])
    item = ReportPdf.objects.get(report=report, language="en")
    item.file.storage.delete(item.file.name)  # a restore without the media folder
    first = Client().get(PDF % "en")
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    again = ReportPdf.objects.get(report=report, language="en")
    assert again.file.storage.exists(again.file.name)
    assert again.sha256 == hashlib.sha256(first.content).hexdigest()
    _refuse_layout(monkeypatch)
    assert Client().get(PDF % "en").content == first.content


def test_a_damaged_file_or_a_lost_row_is_laid_out_again(city_a, django_capture_on_commit_callbacks):
    approved = _approved(city_a)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.publish(report=approved, actor=city_a.users["reviewer"])
    item = ReportPdf.objects.get(report=report, language="en")
    with item.file.storage.open(item.file.name, "wb") as handle:
        handle.write(b"%PDF-1.7 not the published file")
    served = Client().get(PDF % "en").content
    assert b"not the published file" not in served and pdf_pages(served)
    ReportPdf.objects.filter(report=report, language="fr").delete()  # a restored database
    assert Client().get(PDF % "fr").status_code == 200
    assert ReportPdf.objects.filter(report=report).count() == 2


def test_a_layout_that_fails_at_publication_leaves_the_report_published(
    city_a, django_capture_on_commit_callbacks, monkeypatch
):
    approved = _approved(city_a)
    real = printing.render_pdf

    def fails(*args, **kwargs):
        raise PdfError("no fonts")

    monkeypatch.setattr(printing, "render_pdf", fails)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.publish(report=approved, actor=city_a.users["reviewer"])
    assert AnnualReport.objects.get(pk=report.pk).is_published
    assert not ReportPdf.objects.filter(report=report).exists()
    monkeypatch.setattr(printing, "render_pdf", real)
    assert Client().get(PDF % "en").status_code == 200  # the first download lays it out


@pytest.mark.parametrize("language", ["en", "xx"])
def test_no_pdf_is_stored_or_served_before_publication(city_a, language):
    approved = _approved(city_a)
    assert Client().get(PDF % language).status_code == 404
    assert not ReportPdf.objects.filter(report=approved).exists()
