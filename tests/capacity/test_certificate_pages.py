"""Certificate PDFs (WeasyPrint, for real), the public check page that shows only name,
programme, kind, date and status, and codes that do not exist."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from cityrights.capacity import certificates
from cityrights.capacity.models import Certificate

from .conftest import issued_programme

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_holder_downloads_a_pdf_with_the_verification_address(city_a):
    _programme, people = issued_programme(city_a, people=1)
    certificate = Certificate.objects.get()
    client = Client()
    client.force_login(people[0])
    response = client.get(
        f"/cities/{city_a.city.slug}/capacity/certificates/{certificate.pk}.pdf",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    assert "Learner 0" in text
    assert "Certificat de réussite" in text
    assert f"/v/{certificate.code}" in text
    assert PdfReader(io.BytesIO(response.content)).trailer["/Root"]["/Lang"] == "fr"
    stranger = Client()
    stranger.force_login(people[0].__class__.objects.create_user("other@example.org", "x"))
    assert (
        stranger.get(
            f"/cities/{city_a.city.slug}/capacity/certificates/{certificate.pk}.pdf"
        ).status_code
        == 404
    )


def test_the_batch_pdf_has_one_page_per_valid_certificate(city_a):
    programme, _people = issued_programme(city_a, people=3)
    valid = Certificate.objects.filter(revoked_at__isnull=True).count()
    response = city_a.client_for("viewer").get(
        f"/manage/{city_a.city.slug}/capacity/programmes/{programme.pk}/certificates.pdf"
    )
    assert response.status_code == 200
    assert len(PdfReader(io.BytesIO(response.content)).pages) == valid == 2


def test_the_check_page_shows_only_name_programme_kind_date_and_status(city_a):
    _programme, people = issued_programme(city_a, people=1)
    certificate = Certificate.objects.get()
    html = Client().get(f"/v/{certificate.code}").content.decode()
    assert "Valid certificate" in html
    for shown in ("Learner 0", "Digital rights for staff", "Certificate of completion"):
        assert shown in html
    assert people[0].email not in html
    assert "modules attended" not in html.lower()
    certificates.revoke(certificate=certificate, actor=city_a.users["admin"], note="Secret reason")
    revoked = Client().get(f"/v/{certificate.code}").content.decode()
    assert "Not valid: this certificate was revoked" in revoked
    assert "Secret reason" not in revoked


def test_codes_are_read_forgivingly_and_unknown_codes_are_not_valid(city_a):
    issued_programme(city_a, people=1)
    certificate = Certificate.objects.get()
    typed = certificate.display_code.lower().replace("1", "l").replace("0", "o")
    response = Client().get("/v/", {"code": typed})
    assert response.status_code == 302 and response["Location"] == f"/v/{certificate.code}"
    missing = Client().get("/v/ZZZZZZZZZZ")
    assert missing.status_code == 404
    assert "Not valid" in missing.content.decode()
