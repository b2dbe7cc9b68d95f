"""The audit log: written for staff changes, visible to admins, never editable."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from cityrights.core import audit
from cityrights.core.models import AuditEvent, Department, Membership


@pytest.mark.django_db
def test_adding_changing_and_removing_a_member_is_audited(city_a):
    client = city_a.client_for("admin")
    response = client.post(
        "/manage/city-a/members/",
        {"email": "new.colleague@city-a.example", "name": "New Colleague", "role": "editor"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="new.colleague@city-a.example")
    created = AuditEvent.objects.get(action="create", object_type="core.membership")
    assert created.actor == city_a.users["admin"]
    assert created.organisation == city_a.city
    assert created.changes["role"] == "editor"

    client.post(f"/manage/city-a/members/{membership.pk}/", {"role": "reviewer"})
    updated = AuditEvent.objects.get(action="update", object_type="core.membership")
    assert updated.changes == {"role": {"from": "editor", "to": "reviewer"}}

    client.post(f"/manage/city-a/members/{membership.pk}/", {"remove": "1"})
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.filter(action="delete", object_type="core.membership").exists()


@pytest.mark.django_db
def test_new_member_gets_a_welcome_mail_with_a_password_link(city_a, mailoutbox):
    city_a.client_for("admin").post(
        "/manage/city-a/members/", {"email": "fresh@city-a.example", "role": "viewer"}
    )
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/" in mailoutbox[0].body
    assert "within 3 days" in mailoutbox[0].body  # how long the link works


@pytest.mark.django_db
def test_the_administrator_chooses_the_new_members_language(city_a, mailoutbox):
    """A French-speaking colleague of an English-speaking city is welcomed in French and
    reads their pages in French; the form offers the city's default language first."""
    client = city_a.client_for("admin")
    form = client.get("/manage/city-a/members/").context["form"]
    assert form["language"].value() == city_a.city.default_language == "en"
    client.post(
        "/manage/city-a/members/",
        {"email": "francophone@city-a.example", "role": "viewer", "language": "fr"},
    )
    membership = Membership.objects.get(user__email="francophone@city-a.example")
    assert membership.user.language == "fr"
    assert "mot de passe" in mailoutbox[0].body


@pytest.mark.django_db
def test_an_unknown_language_is_refused_on_its_field(city_a, mailoutbox):
    response = city_a.client_for("admin").post(
        "/manage/city-a/members/",
        {"email": "someone@city-a.example", "role": "viewer", "language": "xx"},
    )
    assert response.status_code == 200 and "language" in response.context["form"].errors
    assert mailoutbox == []
    assert not Membership.objects.filter(user__email="someone@city-a.example").exists()


@pytest.mark.django_db
def test_last_admin_cannot_be_removed_or_demoted(city_a):
    admin_membership = Membership.objects.get(user=city_a.users["admin"])
    client = city_a.client_for("admin")
    response = client.post(f"/manage/city-a/members/{admin_membership.pk}/", {"role": "viewer"})
    assert response.status_code == 200
    assert "at least one administrator" in response.content.decode()
    client.post(f"/manage/city-a/members/{admin_membership.pk}/", {"remove": "1"})
    assert Membership.objects.filter(pk=admin_membership.pk, role="admin").exists()


@pytest.mark.django_db
def test_theme_change_is_audited_and_checks_contrast(city_a):
    client = city_a.client_for("admin")
    data = {
        "name": "City A",
        "default_language": "en",
        "is_public": "on",
        "primary_colour": "#ffff00",
        "accent_colour": "#8a1c4a",
    }
    response = client.post("/manage/city-a/settings/", data)
    assert response.status_code == 200
    assert "contrast" in response.content.decode()
    data["primary_colour"] = "#123456"
    assert client.post("/manage/city-a/settings/", data).status_code == 302
    event = AuditEvent.objects.get(object_type="core.organisation", action="update")
    assert event.changes["primary_colour"] == {"from": "#1d4f91", "to": "#123456"}
    css = client.get("/cities/city-a/theme.css").content.decode()
    assert "--colour-primary:#123456" in css


@pytest.mark.django_db
def test_audit_events_cannot_be_changed_or_deleted(city_a):
    event = audit.record(
        actor=city_a.users["admin"], organisation=city_a.city, action="test", obj=city_a.city
    )
    event.action = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test"


@pytest.mark.django_db
def test_audit_log_page_lists_and_filters(city_a, city_b):
    audit.record(
        actor=city_a.users["admin"],
        organisation=city_a.city,
        action="publish",
        object_type="register.entry",
        object_repr="Parking sensors",
    )
    audit.record(
        actor=city_b.users["admin"],
        organisation=city_b.city,
        action="publish",
        object_type="register.entry",
        object_repr="Secret of city B",
    )
    html = city_a.client_for("admin").get("/manage/city-a/audit/?action=publish").content.decode()
    assert "Parking sensors" in html
    assert "Secret of city B" not in html


@pytest.mark.django_db
def test_admin_site_shows_audit_events_read_only(city_a, admin_client):
    event = audit.record(actor=None, organisation=city_a.city, action="test", obj=city_a.city)
    response = admin_client.get(f"/admin/core/auditevent/{event.pk}/change/")
    assert response.status_code == 200
    assert b'name="action"' not in response.content
    assert admin_client.post(f"/admin/core/auditevent/{event.pk}/delete/").status_code == 403


@pytest.mark.postgres
@pytest.mark.django_db
def test_database_trigger_refuses_update_and_delete(city_a):
    event = audit.record(actor=None, organisation=city_a.city, action="test", obj=city_a.city)
    for statement in (
        "UPDATE core_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, action="test").exists()


@pytest.mark.django_db
def test_update_saves_the_given_fields_and_records_what_changed(city_a):
    department = city_a.department
    department.contact_email = "not saved@example.org"  # a field not given stays unsaved
    changes = audit.update(
        department,
        {"name_en": "Mobility and parking", "slug": "mobility"},
        actor=city_a.users["admin"],
        organisation=city_a.city,
    )
    assert changes == {"name_en": {"from": "Mobility", "to": "Mobility and parking"}}
    stored = Department.objects.get(pk=department.pk)
    assert (stored.name, stored.contact_email) == ("Mobility and parking", "")
    event = AuditEvent.objects.get(object_type="core.department", action="update")
    assert event.changes == changes and event.actor == city_a.users["admin"]
