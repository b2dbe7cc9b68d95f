"""Separation of duties on publication: nobody who took part in the version publishes it.

The loophole this closes: the rule used to compare the publisher with the three names on
the row (author, last editor, submitter), so a rewrite became "someone else's" as soon as
a colleague changed one character and submitted it.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps as django_apps
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cityrights.core import audit
from cityrights.core.models import Contribution, Membership, Role, User
from cityrights.register import services
from cityrights.register.models import Entry, State

from .conftest import entry_columns, entry_data, make_entry

pytestmark = pytest.mark.django_db

REFUSED = "Separation of duties"


def rewrite_then_touch(entry: Entry, writer: User, colleague: User) -> Entry:
    """``writer`` rewrites the draft; ``colleague`` changes one character and submits it."""
    services.update_entry(entry, actor=writer, data={"summary": "Completely rewritten text."})
    services.update_entry(
        Entry.objects.get(pk=entry.pk),
        actor=colleague,
        data={"summary": "Completely rewritten text!"},
    )
    return services.submit(Entry.objects.get(pk=entry.pk), actor=colleague)


def test_the_rewriter_of_a_working_copy_cannot_publish_it_after_a_colleague_touched_it(city_a):
    published = make_entry(city_a)
    admin, editor = city_a.users["admin"], city_a.users["editor"]
    revision = services.start_revision(published, actor=editor)
    revision = rewrite_then_touch(revision, admin, editor)
    # The row names the editor three times (author, last editor, submitter): the old check
    # let the administrator through.
    assert {revision.author, revision.last_edited_by, revision.submitted_by} == {editor}
    with pytest.raises(services.WorkflowError) as refused:
        services.publish(revision, actor=admin)
    assert refused.value.status == 403 and refused.value.code == "separation_of_duties"
    assert REFUSED in refused.value.message and "editing" in refused.value.message
    assert not services.may_publish(revision, admin)
    assert Entry.objects.get(pk=published.pk).version == 1
    public = services.publish(revision, actor=city_a.users["reviewer"])
    assert public.version == 2 and public.summary == "Completely rewritten text!"


def test_the_rewriter_of_a_new_draft_cannot_publish_it_either(city_a):
    entry = make_entry(city_a, state="draft")
    admin = city_a.users["admin"]
    entry = rewrite_then_touch(entry, admin, city_a.users["editor"])
    with pytest.raises(services.WorkflowError, match=REFUSED):
        services.publish(entry, actor=admin)
    assert Entry.objects.get(pk=entry.pk).state == State.IN_REVIEW


def test_a_place_changed_by_someone_makes_them_a_contributor(city_a):
    entry = make_entry(city_a, state="draft")
    admin = city_a.users["admin"]
    services.save_location(
        entry, actor=admin, latitude="50.86", longitude="4.36", description="Second pole"
    )
    services.update_entry(entry, actor=city_a.users["editor"], data={"name": "Air sensors"})
    entry = services.submit(Entry.objects.get(pk=entry.pk), actor=city_a.users["editor"])
    with pytest.raises(services.WorkflowError, match=REFUSED):
        services.publish(entry, actor=admin)


def test_a_reviewer_who_sends_back_and_edits_becomes_a_contributor(city_a):
    admin = city_a.users["admin"]
    entry = make_entry(city_a, state="in_review")
    entry = services.send_back(entry, actor=admin, note="The summary is unclear.")
    services.update_entry(entry, actor=admin, data={"summary": "Clearer."})
    entry = services.submit(Entry.objects.get(pk=entry.pk), actor=city_a.users["editor"])
    with pytest.raises(services.WorkflowError, match=REFUSED):
        services.publish(entry, actor=admin)
    services.publish(entry, actor=city_a.users["reviewer"])


def test_sending_back_alone_does_not_make_a_contributor(city_a):
    entry = make_entry(city_a, state="in_review")
    reviewer = city_a.users["reviewer"]
    entry = services.send_back(entry, actor=reviewer, note="Name the provider.")
    services.update_entry(entry, actor=city_a.users["editor"], data={"provider": "Acme"})
    entry = services.submit(Entry.objects.get(pk=entry.pk), actor=city_a.users["editor"])
    assert services.publish(entry, actor=reviewer).state == State.PUBLISHED


def test_the_publish_page_refuses_the_rewriter_and_says_why(city_a):
    entry = make_entry(city_a, state="draft")
    entry = rewrite_then_touch(entry, city_a.users["admin"], city_a.users["editor"])
    url = reverse("register:staff_entry_publish", kwargs={"org": "city-a", "pk": entry.pk})
    page = reverse("register:staff_entry", kwargs={"org": "city-a", "pk": entry.pk})
    admin = city_a.client_for("admin")
    shown = admin.get(page).content.decode()
    assert "You took part in this version" in shown
    assert url not in shown
    response = admin.post(url, {"publish-text": ""}, follow=True)
    assert REFUSED in response.content.decode()
    assert Entry.objects.get(pk=entry.pk).state == State.IN_REVIEW
    for role, status in (("viewer", 403), ("editor", 403)):
        assert city_a.client_for(role).post(url).status_code == status
    assert Entry.objects.get(pk=entry.pk).state == State.IN_REVIEW
    assert url in city_a.client_for("reviewer").get(page).content.decode()
    city_a.client_for("reviewer").post(url, {"publish-text": "First."})
    assert Entry.objects.get(pk=entry.pk).state == State.PUBLISHED


def test_the_migration_derives_contributors_from_fields_and_the_audit_log(city_a):
    """Entries written before contributions were recorded keep an honest check."""
    from importlib import import_module

    editor, admin = city_a.users["editor"], city_a.users["admin"]
    entry = Entry.objects.create(
        organisation=city_a.city,
        author=editor,
        last_edited_by=editor,
        submitted_by=editor,
        state=State.IN_REVIEW,
        **entry_columns(city_a.department, kind="service"),
    )
    audit.record(actor=admin, organisation=city_a.city, action="update", obj=entry)
    audit.record(
        actor=city_a.users["reviewer"], organisation=city_a.city, action="send_back", obj=entry
    )
    assert not Contribution.objects.exists()
    migration = import_module("cityrights.register.migrations.0004_contributors_from_history")
    migration.forwards(django_apps, None)
    assert services.contributors_of(entry).ids == {editor.pk, admin.pk}
    with pytest.raises(services.WorkflowError, match=REFUSED):
        services.publish(entry, actor=admin)
    services.publish(entry, actor=city_a.users["reviewer"])


# --- Any sequence of actions by anyone ------------------------------------------------------

PEOPLE = ("admin", "editor", "editor2", "reviewer", "reviewer2")
# The administrator holds edit and review, so comes up more often: the interesting case.
ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(
            ["edit", "place", "submit", "submit", "send_back", "publish", "publish", "revise"]
        ),
        st.sampled_from((*PEOPLE, "admin", "admin")),
    ),
    max_size=16,
)


def _people(city: Any) -> dict[str, User]:
    people = dict(city.users)
    for name, role in (("editor2", Role.EDITOR), ("reviewer2", Role.REVIEWER)):
        user, _created = User.objects.get_or_create(email=f"{name}@city-a.example")
        Membership.objects.get_or_create(user=user, organisation=city.city, defaults={"role": role})
        people[name] = user
    return people


@given(creator=st.sampled_from(("admin", "editor", "editor2")), steps=ACTIONS)
@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_whoever_publishes_never_took_part_and_someone_else_always_can(city_a, creator, steps):
    with transaction.atomic():
        _run(city_a, creator, steps)
        transaction.set_rollback(True)


def _run(city: Any, creator: str, steps: list[tuple[str, str]]) -> None:
    people = _people(city)
    entry = services.create_entry(
        organisation=city.city,
        actor=people[creator],
        data=entry_data(city.department, kind="service"),
        terms={"purpose": ["dpv:ServiceProvision"]},
    )
    took_part = {people[creator].pk}  # the model: who took part in the version under way
    for number, (action, name) in enumerate(steps):
        person = people[name]
        entry = Entry.objects.get(pk=entry.pk)
        try:
            if action == "edit":
                services.update_entry(entry, actor=person, data={"summary": f"Text {number}"})
            elif action == "place":
                services.save_location(
                    entry, actor=person, latitude="50.8", longitude="4.3", description=f"P{number}"
                )
            elif action == "submit":
                services.submit(entry, actor=person)
            elif action == "send_back":
                services.send_back(entry, actor=person, note="Again.")
            elif action == "revise":
                if entry.state == State.PUBLISHED:
                    entry = services.start_revision(entry, actor=person)
                    took_part = {person.pk}
                continue
            else:
                in_review = entry.state == State.IN_REVIEW
                may_review = name in ("admin", "reviewer", "reviewer2")
                try:
                    public = services.publish(entry, actor=person)
                except services.WorkflowError as refusal:
                    if refusal.code == "separation_of_duties":
                        event("refused a contributor")
                        assert person.pk in took_part
                    else:
                        assert not (in_review and may_review and person.pk not in took_part)
                    continue
                assert person.pk not in took_part
                event("published")
                entry, took_part = public, set()
                continue
        except services.WorkflowError:
            continue
        if action != "send_back":
            took_part.add(person.pk)
    entry = Entry.objects.get(pk=entry.pk)
    if entry.state == State.IN_REVIEW:
        outsider = User.objects.create_user(email="outsider@city-a.example", password="x" * 12)
        Membership.objects.create(user=outsider, organisation=city.city, role=Role.REVIEWER)
        assert services.publish(entry, actor=outsider).state == State.PUBLISHED
