"""Roles on the server: who may read, write programmes, set rules, record attendance,
issue and revoke. A trainer records attendance for their own sessions and nothing else."""

from __future__ import annotations

import pytest
from django.test import Client

from cityrights.capacity import certificates
from cityrights.capacity.models import Certificate, CertificateRule, Programme, Registration

from .conftest import add_staff, issued_programme, new_programme

pytestmark = pytest.mark.django_db

ROLES = ["viewer", "editor", "reviewer", "admin"]


def _base(city) -> str:
    return f"/manage/{city.city.slug}/capacity/"


@pytest.mark.parametrize("role", ROLES)
def test_every_member_reads_programmes_sessions_and_certificates(city_a, role):
    programme, _people = issued_programme(city_a, people=1)
    session = programme.modules.first().sessions.get()
    certificate = Certificate.objects.get()
    client = city_a.client_for(role)
    for path in [
        "",
        "programmes/",
        f"programmes/{programme.pk}/",
        f"sessions/{session.pk}/",
        f"certificates/{certificate.pk}/",
    ]:
        assert client.get(_base(city_a) + path).status_code == 200, path


def test_people_without_a_role_in_the_city_are_refused(city_a, city_b, resident):
    programme = new_programme(city_a, modules=1)
    for client in (city_b.client_for("admin"), _logged_in(resident)):
        assert client.get(_base(city_a) + f"programmes/{programme.pk}/").status_code == 403
    anonymous = Client().get(_base(city_a) + "programmes/")
    assert anonymous.status_code == 302


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("role", "allowed"), [("viewer", False), ("reviewer", False), ("editor", True), ("admin", True)]
)
def test_only_editors_and_administrators_write_programmes(city_a, role, allowed):
    client = city_a.client_for(role)
    response = client.post(
        _base(city_a) + "programmes/new/", {"title_en": "New one", "audience": "staff"}
    )
    assert (response.status_code == 302) is allowed
    assert Programme.objects.exists() is allowed


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("viewer", False), ("editor", False), ("reviewer", False), ("admin", True)],
)
def test_only_administrators_change_certificate_rules(city_a, role, allowed):
    programme = new_programme(city_a, modules=1)
    response = city_a.client_for(role).post(
        _base(city_a) + f"programmes/{programme.pk}/rules/",
        {"completion": "on", "completion_min": "1"},
    )
    assert (response.status_code == 302) is allowed
    changed = not CertificateRule.objects.filter(programme=programme, kind="attendance").exists()
    assert changed is allowed


@pytest.mark.parametrize(
    ("role", "allowed"), [("viewer", False), ("editor", False), ("reviewer", True), ("admin", True)]
)
def test_reviewers_and_administrators_issue_and_revoke_certificates(city_a, role, allowed):
    programme, _people = issued_programme(city_a, people=1)
    Programme.objects.filter(pk=programme.pk).update(issuing_started_at=None)
    Certificate.objects.all().delete()
    client = city_a.client_for(role)
    issue = client.post(_base(city_a) + f"programmes/{programme.pk}/certificates/")
    assert (issue.status_code == 302) is allowed
    assert Certificate.objects.exists() is allowed
    if not allowed:
        certificates.start_issuing(programme=programme, actor=city_a.users["admin"])
    certificate = Certificate.objects.get()
    revoke = client.post(_base(city_a) + f"certificates/{certificate.pk}/", {"note": "Mistake."})
    assert (revoke.status_code == 302) is allowed
    certificate.refresh_from_db()
    assert certificate.is_valid is not allowed


def test_a_trainer_records_attendance_for_their_own_session_only(city_a):
    programme = new_programme(city_a, modules=2)
    own, other = [m.sessions.get() for m in programme.modules.order_by("position")]
    trainer = city_a.users["viewer"]  # reads only, except for their own session
    own.trainer = trainer
    own.save()
    learner = add_staff(city_a.city, city_a.department, 1)[0]
    registration = Registration.objects.create(session=own, person=learner, status="registered")
    other_registration = Registration.objects.create(
        session=other, person=learner, status="registered"
    )
    client = city_a.client_for("viewer")
    page = client.get(_base(city_a) + f"sessions/{own.pk}/attendance/")
    assert page.status_code == 200
    saved = client.post(
        _base(city_a) + f"sessions/{own.pk}/attendance/", {"present": [registration.pk]}
    )
    assert saved.status_code == 302
    registration.refresh_from_db()
    assert registration.attended is True
    refused = client.post(
        _base(city_a) + f"sessions/{other.pk}/attendance/", {"present": [other_registration.pk]}
    )
    assert refused.status_code == 403
    other_registration.refresh_from_db()
    assert other_registration.attended is None
    # A trainer does not change rules, programmes or sessions.
    assert client.post(_base(city_a) + f"programmes/{programme.pk}/rules/", {}).status_code == 403
    assert client.get(_base(city_a) + f"programmes/{programme.pk}/edit/").status_code == 403
    csv = f"email,present\n{learner.email},no\n".encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    imported = client.post(
        _base(city_a) + f"sessions/{own.pk}/attendance/import/",
        {"file": SimpleUploadedFile("list.csv", csv, content_type="text/csv")},
    )
    assert imported.status_code == 302
    registration.refresh_from_db()
    assert registration.attended is False


def test_an_editor_records_attendance_and_a_bad_list_changes_nothing(city_a):
    programme = new_programme(city_a, modules=1)
    session = programme.modules.get().sessions.get()
    learner = add_staff(city_a.city, city_a.department, 1)[0]
    registration = Registration.objects.create(session=session, person=learner, status="registered")
    client = city_a.client_for("editor")
    bad = client.post(_base(city_a) + f"sessions/{session.pk}/attendance/", {"present": ["x"]})
    assert bad.status_code == 400
    stranger = client.post(
        _base(city_a) + f"sessions/{session.pk}/attendance/", {"present": [99999]}
    )
    assert stranger.status_code == 422
    registration.refresh_from_db()
    assert registration.attended is None
