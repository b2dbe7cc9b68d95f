"""Roles are enforced on the server, per role, and another city's ids are 404s."""

from __future__ import annotations

import pytest
from django.test import Client

from cityrights.core.models import AuditEvent
from cityrights.participation import contributions, principles, services
from cityrights.participation.models import Consultation, DataInitiative, Phase, PrinciplesVersion

from .conftest import make_consultation

pytestmark = pytest.mark.django_db
STAFF = "/manage/city-a/participation/"


@pytest.mark.parametrize(
    ("role", "status"), [("viewer", 200), ("editor", 200), ("reviewer", 200), ("admin", 200)]
)
def test_every_member_reads_the_staff_pages(city_a, role, status):
    consultation = make_consultation(city_a)
    client = city_a.client_for(role)
    for path in [
        "consultations/",
        f"consultations/{consultation.pk}/",
        "moderation/",
        "principles/",
        "initiatives/",
        "population/",
        f"consultations/{consultation.pk}/response/",
    ]:
        assert client.get(STAFF + path).status_code == status, path


def test_residents_and_strangers_are_kept_out_of_the_staff_area(city_a, resident):
    consultation = make_consultation(city_a)
    client = Client()
    assert client.get(STAFF + "consultations/").status_code == 302
    client.force_login(resident)
    assert client.get(STAFF + "consultations/").status_code == 403
    assert client.get(STAFF + f"consultations/{consultation.pk}/export.csv").status_code == 403


@pytest.mark.parametrize(
    ("role", "allowed"), [("viewer", False), ("reviewer", False), ("editor", True), ("admin", True)]
)
def test_only_editors_prepare_consultations_and_move_phases(city_a, role, allowed):
    client = city_a.client_for(role)
    response = client.post(STAFF + "consultations/new/", {"slug": "new", "title_en": "New one"})
    assert (response.status_code == 302) is allowed
    assert Consultation.objects.filter(slug="new").exists() is allowed
    consultation = make_consultation(city_a, phase=Phase.DISCUSSION)
    moved = client.post(STAFF + f"consultations/{consultation.pk}/phase/", {"phase": Phase.CLOSED})
    consultation.refresh_from_db()
    assert (consultation.phase == Phase.CLOSED) is allowed
    assert moved.status_code == (302 if allowed else 403)


@pytest.mark.parametrize(
    ("role", "allowed"), [("viewer", False), ("editor", False), ("reviewer", True), ("admin", True)]
)
def test_only_reviewers_moderate(city_a, resident, role, allowed):
    consultation = make_consultation(city_a)
    section = consultation.versions.get(number=1).sections.first()
    comment, _ = contributions.submit_comment(
        consultation=consultation,
        section=section,
        participant=contributions.Participant(user=resident),
        body="Hello",
    )
    response = city_a.client_for(role).post(
        STAFF + f"moderation/{comment.pk}/", {"action": "hide", "reason": "Off topic."}
    )
    comment.refresh_from_db()
    assert comment.is_hidden is allowed
    assert response.status_code == (302 if allowed else 403)


def test_another_citys_ids_are_not_found(city_a, city_b):
    mine = make_consultation(city_a)
    other = city_b.client_for("admin")
    assert other.get(f"/manage/city-b/participation/consultations/{mine.pk}/").status_code == 404
    assert (
        other.post(
            f"/manage/city-b/participation/consultations/{mine.pk}/phase/", {"phase": "closed"}
        ).status_code
        == 404
    )


def test_a_consultation_in_preparation_is_not_public(city_a):
    make_consultation(city_a, phase=Phase.PREPARING)
    base = "/cities/city-a/participation/consultations/declaration/"
    assert Client().get(base).status_code == 404
    assert Client().get(base + "comments.csv").status_code == 404
    assert city_a.client_for("viewer").get(base).status_code == 200


@pytest.mark.parametrize(("role", "allowed"), [("editor", False), ("reviewer", True)])
def test_adopting_the_principles_needs_the_reviewer_role(city_a, role, allowed):
    admin = city_a.users["admin"]
    version = principles.new_version(organisation=city_a.city, actor=admin)
    principles.update_version(version=version, actor=admin, values={"title_en": "Principles"})
    section = principles.save_section(
        version=version, actor=admin, values={"title_en": "Inclusion"}
    )
    principles.save_principle(section=section, actor=admin, values={"title_en": "Access for all"})
    response = city_a.client_for(role).post(
        STAFF + f"principles/{version.pk}/adopt/",
        {"adopt-adopted_by_en": "City council", "adopt-adopted_on": "2026-01-26"},
    )
    version.refresh_from_db()
    assert version.is_adopted is allowed
    assert response.status_code in ((302,) if allowed else (403,))


def test_staff_changes_are_audited(city_a):
    before = AuditEvent.objects.count()
    consultation = make_consultation(city_a)
    services.move_phase(
        consultation=consultation, actor=city_a.users["admin"], to_phase=Phase.CLOSED
    )
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True)[before:])
    assert actions.count("create") >= 3 and "publish" in actions and actions.count("phase") == 2
    assert not PrinciplesVersion.objects.exists() and not DataInitiative.objects.exists()
