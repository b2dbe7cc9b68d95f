"""The publication workflow: drafts, review, four-eyes publication, revisions, withdrawal, audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from cityrights.core.models import AuditEvent, Membership, Role
from cityrights.register import services
from cityrights.register.models import Entry, EntryVersion, Location, State

from .conftest import entry_data, make_entry

pytestmark = pytest.mark.django_db


def test_editor_drafts_submits_and_another_reviewer_publishes(city_a):
    entry = make_entry(city_a, state="in_review")
    assert entry.state == State.IN_REVIEW
    published = services.publish(entry, actor=city_a.users["reviewer"], change_summary="New.")
    assert published.state == State.PUBLISHED
    assert published.version == 1
    assert published.published_at is not None
    version = EntryVersion.objects.get(entry=published)
    assert version.number == 1
    assert version.change_summary == "New."
    assert version.snapshot["name"] == {"en": "Air sensor"}
    assert version.snapshot["locations"][0]["code"] == published.locations.get().code
    actions = list(
        AuditEvent.objects.filter(object_id=str(entry.pk), object_type="register.entry")
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "submit", "publish"]


def test_author_may_not_publish_own_entry_even_as_admin(city_a):
    admin = city_a.users["admin"]
    entry = services.create_entry(
        organisation=city_a.city,
        actor=admin,
        data=entry_data(city_a.department, kind="service"),
        terms={"purpose": ["dpv:ServiceProvision"]},
    )
    services.submit(entry, actor=admin)
    with pytest.raises(services.WorkflowError, match="Separation of duties"):
        services.publish(entry, actor=admin)
    assert not services.may_publish(entry, admin)
    services.publish(entry, actor=city_a.users["reviewer"])


def test_whoever_edited_or_submitted_may_not_publish(city_a):
    entry = make_entry(city_a, state="draft")
    admin = city_a.users["admin"]
    services.update_entry(entry, actor=admin, data={"summary": "Edited by the admin."})
    services.submit(Entry.objects.get(pk=entry.pk), actor=city_a.users["editor"])
    with pytest.raises(services.WorkflowError):
        services.publish(Entry.objects.get(pk=entry.pk), actor=admin)


def test_roles_without_capability_are_refused(city_a):
    entry = make_entry(city_a, state="in_review")
    with pytest.raises(services.WorkflowError):
        services.publish(entry, actor=city_a.users["editor"])
    with pytest.raises(services.WorkflowError):
        services.publish(entry, actor=city_a.users["viewer"])
    with pytest.raises(services.WorkflowError):
        services.create_entry(
            organisation=city_a.city,
            actor=city_a.users["reviewer"],
            data=entry_data(city_a.department),
        )


def test_member_of_another_city_cannot_publish(city_a, city_b):
    entry = make_entry(city_a, state="in_review")
    with pytest.raises(services.WorkflowError):
        services.publish(entry, actor=city_b.users["reviewer"])


def test_submit_requires_purpose_location_and_legal_basis(city_a):
    editor = city_a.users["editor"]
    entry = services.create_entry(
        organisation=city_a.city,
        actor=editor,
        data=entry_data(city_a.department),
        terms={"data_category": ["pd:Picture"]},
    )
    with pytest.raises(services.WorkflowError) as error:
        services.submit(entry, actor=editor)
    message = str(error.value)
    assert "purpose" in message
    assert "legal basis" in message
    assert "location" in message
    assert Entry.objects.get(pk=entry.pk).state == State.DRAFT


def test_send_back_needs_a_note_and_returns_to_draft(city_a):
    entry = make_entry(city_a, state="in_review")
    reviewer = city_a.users["reviewer"]
    with pytest.raises(services.WorkflowError):
        services.send_back(entry, actor=reviewer, note="  ")
    services.send_back(entry, actor=reviewer, note="Explain the retention.")
    entry.refresh_from_db()
    assert entry.state == State.DRAFT
    assert entry.review_note == "Explain the retention."
    services.submit(entry, actor=city_a.users["editor"])
    entry.refresh_from_db()
    assert entry.review_note == ""


def test_published_entries_are_not_edited_directly(city_a, published):
    with pytest.raises(services.WorkflowError):
        services.update_entry(published, actor=city_a.users["editor"], data={"name": "X"})
    with pytest.raises(services.WorkflowError):
        services.discard(published, actor=city_a.users["editor"])


def test_revision_keeps_codes_and_adds_a_version(city_a, published):
    editor, reviewer = city_a.users["editor"], city_a.users["reviewer"]
    code = published.code
    location = published.locations.get()
    revision = services.start_revision(published, actor=editor)
    assert services.start_revision(published, actor=editor) == revision  # one working copy
    assert revision.code != code
    services.update_entry(revision, actor=editor, data={"name": "Renamed camera"})
    copy = revision.locations.get()
    assert copy.origin == location
    services.save_location(
        revision, actor=editor, location=copy, latitude=50.9, longitude=4.4, description="Moved"
    )
    services.save_location(
        revision, actor=editor, latitude=50.95, longitude=4.45, description="New place"
    )
    # The public row is untouched while the revision is being prepared.
    published.refresh_from_db()
    assert published.name == "Published camera"
    services.submit(Entry.objects.get(pk=revision.pk), actor=editor)
    public = services.publish(
        Entry.objects.get(pk=revision.pk), actor=reviewer, change_summary="Renamed."
    )
    assert public.pk == published.pk
    assert public.code == code
    assert public.name == "Renamed camera"
    assert public.version == 2
    assert not Entry.objects.filter(pk=revision.pk).exists()
    places = {loc.code: loc for loc in public.locations.all()}
    assert location.code in places
    assert places[location.code].description == "Moved"
    assert len(places) == 2
    versions = list(public.versions.values_list("number", "change_summary"))
    assert versions == [(2, "Renamed."), (1, "First publication.")]
    event = AuditEvent.objects.filter(action="publish", object_id=str(public.pk)).first()
    assert "name" in event.changes["fields"]


def test_location_removed_in_revision_disappears_on_publish(city_a, published):
    editor = city_a.users["editor"]
    revision = services.start_revision(published, actor=editor)
    services.save_location(revision, actor=editor, latitude=1, longitude=2, description="Other")
    services.delete_location(revision.locations.get(origin__isnull=False), actor=editor)
    services.submit(Entry.objects.get(pk=revision.pk), actor=editor)
    public = services.publish(Entry.objects.get(pk=revision.pk), actor=city_a.users["reviewer"])
    assert list(public.locations.values_list("description_en", flat=True)) == ["Other"]


def test_retire_keeps_entry_readable_and_records_a_version(city_a, published):
    reviewer = city_a.users["reviewer"]
    with pytest.raises(services.WorkflowError):
        services.retire(published, actor=reviewer, reason="")
    retired = services.retire(published, actor=reviewer, reason="Replaced by a new system.")
    assert retired.state == State.RETIRED
    assert retired.status == "retired"
    assert retired.end_date is not None
    assert retired.versions.first().change_summary == "Replaced by a new system."
    with pytest.raises(services.WorkflowError):
        services.start_revision(retired, actor=city_a.users["editor"])


def test_versions_are_immutable(published):
    version = published.versions.get()
    version.change_summary = "Rewritten history"
    with pytest.raises(PermissionError):
        version.save()
    with pytest.raises(PermissionError):
        EntryVersion.objects.filter(pk=version.pk).update(change_summary="x")


def test_unknown_iri_is_a_clear_error(city_a):
    with pytest.raises(ValidationError) as error:
        services.create_entry(
            organisation=city_a.city,
            actor=city_a.users["editor"],
            data=entry_data(city_a.department),
            terms={"purpose": ["dpv:ServiceProvison"], "area": ["moon"]},
        )
    messages = error.value.message_dict
    assert "Did you mean “dpv:ServiceProvision”" in messages["purpose"][0]
    assert "moon" in messages["area"][0]
    assert not Entry.objects.exists()  # nothing half-written


def test_a_purpose_in_the_legal_basis_field_is_refused(city_a):
    with pytest.raises(ValidationError, match="is a purpose"):
        services.create_entry(
            organisation=city_a.city,
            actor=city_a.users["editor"],
            data=entry_data(city_a.department),
            terms={"legal_basis": ["dpv:ServiceProvision"]},
        )


def test_compact_ids_are_stored_as_full_iris(city_a):
    entry = make_entry(city_a, state="draft", purposes=["dpv:PublicBenefit"])
    assert entry.purposes == ["https://w3id.org/dpv#PublicBenefit"]


@pytest.mark.parametrize(
    ("lat", "lon"), [(91, 0), (0, 181), (-90.5, 0), ("abc", 1), ("nan", 1), ("inf", 0)]
)
def test_invalid_coordinates_are_refused(city_a, lat, lon):
    entry = make_entry(city_a, state="draft", locations=0)
    with pytest.raises(ValidationError):
        services.save_location(
            entry, actor=city_a.users["editor"], latitude=lat, longitude=lon, description="x"
        )
    assert not Location.objects.filter(entry=entry).exists()


def test_department_of_another_city_is_refused(city_a, city_b):
    with pytest.raises(ValidationError):
        services.create_entry(
            organisation=city_a.city,
            actor=city_a.users["editor"],
            data=entry_data(city_b.department),
        )


def test_end_date_before_start_date_is_refused(city_a):
    from datetime import date

    with pytest.raises(ValidationError, match="before the start"):
        services.create_entry(
            organisation=city_a.city,
            actor=city_a.users["editor"],
            data=entry_data(
                city_a.department, start_date=date(2024, 1, 2), end_date=date(2024, 1, 1)
            ),
        )


def test_discarding_a_revision_leaves_the_published_entry(city_a, published):
    revision = services.start_revision(published, actor=city_a.users["editor"])
    services.discard(revision, actor=city_a.users["editor"])
    assert Entry.objects.filter(pk=published.pk, state=State.PUBLISHED).exists()
    assert Location.objects.filter(entry=published).count() == 1


def test_a_reviewer_who_becomes_editor_keeps_the_rule(city_a):
    """Roles change; the rule looks at who wrote the entry, not at today's role."""
    entry = make_entry(city_a, state="in_review")
    membership = Membership.objects.get(user=city_a.users["editor"], organisation=city_a.city)
    membership.role = Role.ADMIN
    membership.save()
    editor = type(city_a.users["editor"]).objects.get(pk=city_a.users["editor"].pk)
    with pytest.raises(services.WorkflowError):
        services.publish(entry, actor=editor)
