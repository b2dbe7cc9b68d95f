"""The writers of an organisation's set-up (core.services): rules, refusals, audit events."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cityrights.core import selectors, services
from cityrights.core.errors import ServiceError
from cityrights.core.models import ApiKey, AuditEvent, Department, Membership, Organisation, Role

pytestmark = pytest.mark.django_db


def events(organisation, object_type):
    return list(AuditEvent.objects.filter(organisation=organisation, object_type=object_type))


# Members ------------------------------------------------------------------------------


def test_adding_a_new_person_creates_the_account_and_welcomes_it(city_a, mailoutbox):
    admin = city_a.users["admin"]
    membership = services.add_member(
        organisation=city_a.city,
        actor=admin,
        email="  New.Colleague@City-A.example ",
        name="New Colleague",
        role=Role.EDITOR,
        department=city_a.department,
    )
    assert membership.user.email == "new.colleague@city-a.example"
    assert membership.user.name == "New Colleague"
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["new.colleague@city-a.example"]
    (event,) = events(city_a.city, "core.membership")
    assert event.action == "create" and event.actor == admin
    assert event.changes == {"role": "editor", "department": "Mobility"}


def test_a_new_colleague_of_a_dutch_speaking_city_is_welcomed_in_dutch(city_a, mailoutbox):
    """Until they choose a language under My account, the city's first language is theirs."""
    city_a.city.default_language = "nl"
    city_a.city.local_name_nl = "Stad A"
    city_a.city.save()
    membership = services.add_member(
        organisation=city_a.city,
        actor=city_a.users["admin"],
        email="nieuw@city-a.example",
        role=Role.VIEWER,
    )
    assert membership.user.language == "nl"
    assert "wachtwoord" in mailoutbox[0].body  # "password" in the Dutch welcome
    assert "Stad A" in mailoutbox[0].subject and "City A" not in mailoutbox[0].body


def test_adding_an_existing_account_sends_no_welcome(city_a, city_b, mailoutbox):
    someone = city_b.users["viewer"]
    membership = services.add_member(
        organisation=city_a.city, actor=city_a.users["admin"], email=someone.email, role="viewer"
    )
    assert membership.user == someone
    assert mailoutbox == []


def test_a_member_cannot_be_added_twice(city_a):
    with pytest.raises(ServiceError) as refused:
        services.add_member(
            organisation=city_a.city,
            actor=city_a.users["admin"],
            email=city_a.users["viewer"].email.upper(),
            role="viewer",
        )
    assert (refused.value.status, refused.value.field) == (409, "email")
    assert events(city_a.city, "core.membership") == []


def test_a_department_of_another_city_is_refused(city_a, city_b):
    membership = Membership.objects.get(user=city_a.users["viewer"])
    with pytest.raises(ServiceError) as refused:
        services.update_membership(
            membership=membership,
            actor=city_a.users["admin"],
            role="viewer",
            department=city_b.department,
        )
    assert (refused.value.status, refused.value.field) == (422, "department")


def test_a_role_change_is_audited_as_a_difference(city_a):
    membership = Membership.objects.get(user=city_a.users["viewer"])
    services.update_membership(
        membership=membership, actor=city_a.users["admin"], role="reviewer", department=None
    )
    membership.refresh_from_db()
    assert membership.role == "reviewer" and membership.department is None
    (event,) = events(city_a.city, "core.membership")
    assert event.changes == {
        "role": {"from": "viewer", "to": "reviewer"},
        "department": {"from": city_a.department.pk, "to": None},
    }


def test_the_last_administrator_keeps_the_role_and_the_membership(city_a):
    admin = Membership.objects.get(user=city_a.users["admin"])
    with pytest.raises(ServiceError, match="at least one administrator") as refused:
        services.update_membership(
            membership=admin, actor=admin.user, role="viewer", department=None
        )
    assert (refused.value.status, refused.value.field) == (409, "role")
    with pytest.raises(ServiceError, match="at least one administrator"):
        services.remove_member(membership=admin, actor=admin.user)
    admin.refresh_from_db()
    assert admin.role == "admin"
    # Keeping the role while changing the department is allowed.
    services.update_membership(membership=admin, actor=admin.user, role="admin", department=None)
    # With a second administrator, the first may step down.
    editor = Membership.objects.get(user=city_a.users["editor"])
    services.update_membership(
        membership=editor, actor=admin.user, role="admin", department=editor.department
    )
    services.remove_member(membership=admin, actor=editor.user)
    assert not Membership.objects.filter(pk=admin.pk).exists()
    assert AuditEvent.objects.filter(action="delete", object_type="core.membership").exists()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(["admin", "editor", "reviewer", "viewer"]),
            st.sampled_from([*Role.values, "remove"]),
        ),
        max_size=12,
    )
)
def test_no_sequence_of_changes_leaves_a_city_without_an_administrator(city_a, steps):
    """Whatever members are demoted or removed, in any order, one administrator remains;
    a change is refused exactly when it would take the role from the only one."""
    city, actor = city_a.city, city_a.users["admin"]
    with transaction.atomic():
        for who, change in steps:
            membership = Membership.objects.filter(
                user=city_a.users[who], organisation=city
            ).first()
            if membership is None:
                continue
            admins = Membership.objects.filter(organisation=city, role=Role.ADMIN).count()
            sole_admin = membership.role == Role.ADMIN and admins == 1
            try:
                if change == "remove":
                    services.remove_member(membership=membership, actor=actor)
                else:
                    services.update_membership(
                        membership=membership, actor=actor, role=change, department=None
                    )
            except ServiceError:
                assert sole_admin and change != Role.ADMIN
            else:
                assert not sole_admin or change == Role.ADMIN
            assert Membership.objects.filter(organisation=city, role=Role.ADMIN).exists()
        transaction.set_rollback(True)


# Departments --------------------------------------------------------------------------


def test_a_department_gets_its_short_name_from_its_name(city_a):
    department = services.create_department(
        organisation=city_a.city, actor=city_a.users["admin"], name="Parks & Green Spaces"
    )
    assert department.slug == "parks-green-spaces"
    (event,) = events(city_a.city, "core.department")
    assert (
        event.changes["slug"] == "parks-green-spaces"
        and event.object_repr == "Parks & Green Spaces"
    )


@pytest.mark.parametrize(
    ("name", "slug", "status"), [("Mobility two", "mobility", 409), ("!!!", "", 422)]
)
def test_a_taken_or_empty_short_name_is_refused(city_a, name, slug, status):
    with pytest.raises(ServiceError) as refused:
        services.create_department(
            organisation=city_a.city, actor=city_a.users["admin"], name=name, slug=slug
        )
    assert (refused.value.status, refused.value.field) == (status, "slug")
    assert Department.objects.filter(organisation=city_a.city).count() == 1


def test_the_same_short_name_may_serve_another_city(city_a, city_b):
    services.create_department(
        organisation=city_b.city, actor=city_b.users["admin"], name="Parks", slug="parks"
    )
    services.create_department(
        organisation=city_a.city, actor=city_a.users["admin"], name="Parks", slug="parks"
    )


def test_a_department_created_with_an_api_key_names_the_key(city_a):
    key, _secret = ApiKey.issue(city_a.city, "importer", ["write"])
    services.create_department(organisation=city_a.city, actor=None, name="Parks", api_key=key)
    (event,) = events(city_a.city, "core.department")
    assert event.object_repr == f"Parks (via API key {key.prefix})"
    assert event.actor_label == "system"


def test_editing_a_department_keeps_its_own_short_name_and_refuses_another(city_a):
    admin = city_a.users["admin"]
    parks = services.create_department(organisation=city_a.city, actor=admin, name="Parks")
    services.update_department(
        department=parks, actor=admin, name="Parks and trees", slug="parks", contact_email=""
    )
    with pytest.raises(ServiceError) as refused:
        services.update_department(
            department=parks, actor=admin, name="Parks", slug="mobility", contact_email=""
        )
    assert refused.value.status == 409
    parks.refresh_from_db()
    assert (parks.name, parks.slug) == ("Parks and trees", "parks")
    update = AuditEvent.objects.get(object_type="core.department", action="update")
    assert update.changes == {"name_en": {"from": "Parks", "to": "Parks and trees"}}


# Settings -----------------------------------------------------------------------------


def test_settings_are_stored_and_the_difference_audited(city_a):
    city = city_a.city
    services.update_settings(
        organisation=city,
        actor=city_a.users["admin"],
        values={"name": "City A", "primary_colour": "#123456", "website": "https://a.example"},
    )
    city.refresh_from_db()
    assert (city.primary_colour, city.website) == ("#123456", "https://a.example")
    (event,) = events(city, "core.organisation")
    assert set(event.changes) == {"primary_colour", "website"}


def test_a_colour_white_text_cannot_be_read_on_is_refused(city_a):
    with pytest.raises(ServiceError, match="contrast") as refused:
        services.update_settings(
            organisation=city_a.city,
            actor=city_a.users["admin"],
            values={"accent_colour": "#ffff00"},
        )
    assert (refused.value.status, refused.value.field) == (422, "accent_colour")
    assert Organisation.objects.get(pk=city_a.city.pk).accent_colour != "#ffff00"
    assert events(city_a.city, "core.organisation") == []


def test_only_the_settings_page_fields_can_be_changed(city_a):
    with pytest.raises(ValueError, match="slug"):
        services.update_settings(
            organisation=city_a.city, actor=city_a.users["admin"], values={"slug": "other"}
        )


# API keys -----------------------------------------------------------------------------


def test_an_issued_key_works_until_the_end_of_its_last_day(city_a):
    last_day = timezone.localdate() + timedelta(days=3)
    key, secret = services.issue_api_key(
        organisation=city_a.city,
        actor=city_a.users["admin"],
        name="sensor hub",
        scopes=["write", "read", "read"],
        expires_on=last_day,
    )
    assert ApiKey.authenticate(secret) == key
    assert key.scopes == ["read", "write"] and key.created_by == city_a.users["admin"]
    expires = timezone.localtime(key.expires_at)
    assert expires.date() == last_day and expires.hour == 23 and expires.minute == 59
    (event,) = events(city_a.city, "core.apikey")
    assert event.changes["scopes"] == ["read", "write"]
    assert secret not in str(event.changes) and secret not in event.object_repr


def test_a_revoked_key_is_refused_at_once_and_revoking_again_changes_nothing(city_a):
    key, secret = services.issue_api_key(
        organisation=city_a.city, actor=city_a.users["admin"], name="old", scopes=["read"]
    )
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    assert services.revoke_api_key(key=key, actor=city_a.users["admin"]) is True
    assert key.revoked_at is not None
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    assert services.revoke_api_key(key=key, actor=city_a.users["admin"]) is False
    revocations = AuditEvent.objects.filter(object_type="core.apikey", action="revoke")
    assert revocations.count() == 1 and revocations.get().organisation == city_a.city


def test_a_partner_key_is_revoked_in_its_city_audit_trail(city_a):
    partner = Organisation.objects.create(
        slug="lab", name="University lab", kind="ngo", city=city_a.city, is_public=False
    )
    key, _secret = ApiKey.issue(partner, "lab", ["consent:check"])
    assert services.revoke_api_key(key=key, actor=city_a.users["admin"])
    event = AuditEvent.objects.get(object_type="core.apikey", action="revoke")
    assert event.organisation == city_a.city
    assert event.object_repr.startswith("University lab: lab (")


# Reads --------------------------------------------------------------------------------


def test_audit_events_are_the_organisations_own_filtered_and_paged(city_a, city_b):
    for name in ("One", "Two", "Three"):
        services.create_department(organisation=city_a.city, actor=city_a.users["admin"], name=name)
    services.create_department(organisation=city_b.city, actor=city_b.users["admin"], name="B")
    found = list(selectors.audit_events(city_a.city, action="create"))
    assert [e.object_repr for e in found] == ["Three", "Two", "One"]
    older = list(selectors.audit_events(city_a.city, before_id=found[0].id))
    assert [e.object_repr for e in older] == ["Two", "One"]
    assert selectors.audit_filter_choices(city_a.city) == (["core.department"], ["create"])
    assert not selectors.audit_events(city_a.city, object_type="core.membership").exists()
