"""A resident deletes their account: their places go to the people waiting, the survey's
counts stay, and their certificates stay verifiable without their name (capacity's eraser)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from cityrights.capacity import certificates, credentials, erasure, selectors, services
from cityrights.capacity.models import (
    Certificate,
    Registration,
    RegistrationStatus,
    Session,
    SurveyParticipation,
)
from cityrights.core.models import AuditEvent, User
from cityrights.core.registry import registry

from ..conftest import PASSWORD
from .conftest import attend, new_programme, open_round

pytestmark = pytest.mark.django_db


def test_the_capacity_app_registers_its_eraser():
    assert ("capacity", erasure.erase_account) in registry.account_erasers


def test_a_deleted_account_frees_its_places_and_leaves_certificates_without_a_name(
    city_a, resident, django_capture_on_commit_callbacks
):
    admin = city_a.users["admin"]
    completed = new_programme(city_a, modules=3, audience="residents")
    attend(completed, resident, 3, admin)
    certificates.start_issuing(programme=completed, actor=city_a.users["reviewer"])
    certificate = Certificate.objects.get(person=resident)
    token = certificate.credential
    assert certificate.recipient_name == "Rita Resident" and token

    workshop = new_programme(city_a, modules=1, audience="residents", capacity=1)
    session = Session.objects.get(module__programme=workshop)
    services.register(session=session, person=resident, actor=resident)
    waiting = User.objects.create_user("wim@example.org", PASSWORD, name="Wim Waiting")
    queued = services.register(session=session, person=waiting, actor=waiting)
    assert queued.status == RegistrationStatus.WAITING

    survey_round = open_round(city_a)
    SurveyParticipation.objects.create(round=survey_round, person=resident)
    answered = selectors.response(survey_round).answered

    client = Client()
    client.force_login(resident)
    mail.outbox.clear()
    pk = resident.pk
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/accounts/delete/", {"password": PASSWORD}).status_code == 302

    assert not User.objects.filter(pk=pk).exists()
    assert not Registration.objects.filter(person_id=pk).exists()
    queued.refresh_from_db()
    assert queued.status == RegistrationStatus.REGISTERED
    assert [m.to for m in mail.outbox] == [["wim@example.org"]]
    assert selectors.response(survey_round).answered == answered

    certificate.refresh_from_db()
    assert certificate.person is None and certificate.recipient_name == ""
    assert certificate.credential == "" and certificate.is_valid
    public = Client().get(f"/v/{certificate.code}").content.decode()
    assert "Valid certificate" in public and "the holder deleted their account" in public
    assert "Rita" not in public
    api = Client().get(f"/api/v1/capacity/certificates/{certificate.code}").json()
    assert api["status"] == "valid" and api["name"] == ""
    check = credentials.verify(token)  # the copy the holder downloaded still verifies
    assert check.valid and check.certificate == certificate
    staff = city_a.client_for("viewer")
    page = staff.get(f"/manage/city-a/capacity/certificates/{certificate.pk}/")
    assert page.status_code == 200 and "the holder deleted their account" in page.content.decode()
    assert "Rita" not in page.content.decode()
    for suffix in ("pdf", "jwt"):
        download = f"/cities/city-a/capacity/certificates/{certificate.pk}.{suffix}"
        assert staff.get(download).status_code == 404
    assert certificates.valid_certificates(completed) == []
    listing = staff.get(f"/manage/city-a/capacity/programmes/{completed.pk}/").content.decode()
    assert "Rita" not in listing

    attend(completed, waiting, 3, admin)  # later corrections never touch the unnamed one
    certificate.refresh_from_db()
    assert certificate.is_valid and certificate.recipient_name == ""
    event = AuditEvent.objects.get(object_type="core.user", object_id=str(pk))
    assert "capacity" in event.changes["erased"]
