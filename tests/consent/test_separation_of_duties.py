"""Separation of duties on agreement versions: nobody publishes terms they wrote.

The loophole this closes: an administrator (edit and review) could create a new version
of an agreement's terms, or change a colleague's draft, and publish it himself.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps as django_apps
from django.db import transaction
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from cityrights.consent import services
from cityrights.consent.models import AgreementVersion
from cityrights.core import audit
from cityrights.core.models import Contribution, Membership, Role, User

from .conftest import GPS, HEART, RESEARCH

pytestmark = pytest.mark.django_db

BASE = "/manage/city-a/consent/"
REFUSED = "Separation of duties"


def terms(description: str = "New terms for the study.") -> dict[str, Any]:
    return {
        "purposes": [RESEARCH],
        "data_categories": [GPS, HEART],
        "description_en": description,
        "retention_en": "one year",
        "expires_on": None,
        "consent_valid_days": 90,
    }


def refused(call: Any) -> services.ConsentError:
    with pytest.raises(services.ConsentError) as caught:
        call()
    assert caught.value.status == 403
    assert caught.value.code == "separation_of_duties"
    assert REFUSED in caught.value.message
    return caught.value


def test_an_administrator_cannot_publish_a_version_he_created(sharing, city_a):
    admin = city_a.users["admin"]
    draft = services.create_version(sharing.study, admin, terms())
    error = refused(lambda: services.publish_version(draft, admin))
    assert "creation" in error.message and "someone else has to publish it" in error.message
    assert AgreementVersion.objects.get(pk=draft.pk).status == "draft"
    services.publish_version(draft, city_a.users["reviewer"])
    assert sharing.study.current_version() == draft


def test_changing_a_colleagues_draft_makes_a_contributor(sharing, city_a):
    admin = city_a.users["admin"]
    draft = services.create_version(sharing.study, city_a.users["editor"], terms())
    services.update_draft(draft, admin, {"description_en": "Reworded by the administrator."})
    # The row still names the editor as its creator; the administrator is refused anyway.
    assert AgreementVersion.objects.get(pk=draft.pk).created_by == city_a.users["editor"]
    error = refused(lambda: services.publish_version(draft, admin))
    assert "editing" in error.message
    services.publish_version(draft, city_a.users["reviewer"])


def test_a_colleague_touching_the_draft_does_not_free_its_writer(sharing, city_a):
    admin = city_a.users["admin"]
    draft = services.create_version(sharing.study, admin, terms())
    services.update_draft(draft, city_a.users["editor"], {"retention_en": "two years"})
    refused(lambda: services.publish_version(draft, admin))


def test_a_new_agreement_is_published_by_someone_else(sharing, city_a):
    admin = city_a.users["admin"]
    agreement = services.create_agreement(
        city_a.city,
        admin,
        {
            "slug": "heat-study",
            "title_en": "Heat study",
            "controller": city_a.city,
            "recipient": sharing.lab,
            "legal_basis": "https://w3id.org/dpv#Consent",
        },
        terms("Heat sensors in homes."),
    )
    first = agreement.versions.get()
    refused(lambda: services.publish_version(first, admin))
    services.publish_version(first, city_a.users["reviewer"])


def test_an_unchanged_save_is_no_part(sharing, city_a):
    draft = services.create_version(sharing.study, city_a.users["editor"], terms())
    services.update_draft(draft, city_a.users["admin"], {})
    services.publish_version(draft, city_a.users["admin"])
    assert AgreementVersion.objects.get(pk=draft.pk).published_by == city_a.users["admin"]


@pytest.mark.parametrize(("role", "published"), [("viewer", False), ("editor", False)])
def test_roles_without_review_cannot_publish(sharing, city_a, role, published):
    draft = services.create_version(sharing.study, city_a.users["admin"], terms())
    response = city_a.client_for(role).post(f"{BASE}versions/{draft.pk}/publish/")
    assert response.status_code == 403
    assert AgreementVersion.objects.get(pk=draft.pk).is_published is published
    with pytest.raises(services.ConsentError) as caught:
        services.publish_version(draft, city_a.users[role])
    assert caught.value.status == 403 and caught.value.code == "forbidden"


def test_the_page_does_not_offer_publication_to_the_writer_and_says_why(sharing, city_a):
    draft = services.create_version(sharing.study, city_a.users["admin"], terms())
    page = f"{BASE}agreements/{sharing.study.pk}/"
    publish = f"{BASE}versions/{draft.pk}/publish/"
    admin = city_a.client_for("admin")
    shown = admin.get(page).content.decode()
    assert publish not in shown
    assert REFUSED in shown and "someone else has to publish it" in shown
    response = admin.post(publish, follow=True)
    assert REFUSED in response.content.decode()
    assert AgreementVersion.objects.get(pk=draft.pk).status == "draft"
    reviewer = city_a.client_for("reviewer")
    assert publish in reviewer.get(page).content.decode()
    assert reviewer.post(publish).status_code == 302
    assert AgreementVersion.objects.get(pk=draft.pk).status == "published"


def test_the_migration_derives_writers_from_the_row_and_the_audit_log(sharing, city_a):
    from importlib import import_module

    admin, editor = city_a.users["admin"], city_a.users["editor"]
    draft = AgreementVersion.objects.create(
        agreement=sharing.study, number=2, created_by=editor, **terms()
    )
    audit.record(actor=admin, organisation=city_a.city, action="update", obj=draft)
    assert not Contribution.objects.exists()
    migration = import_module("cityrights.consent.migrations.0009_contributors_from_history")
    migration.forwards(django_apps, None)
    found = services.contributors_of(draft)
    assert found.kinds_of(admin) == {"edited"} and found.kinds_of(editor) == {"created"}
    refused(lambda: services.publish_version(draft, admin))
    services.publish_version(draft, city_a.users["reviewer"])


# --- Any sequence of actions by anyone ----------------------------------------------------------

PEOPLE = ("admin", "admin2", "editor", "reviewer")
ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["new", "edit", "edit", "same", "publish", "publish"]),
        st.sampled_from(PEOPLE),
    ),
    min_size=1,
    max_size=14,
)


def _people(city: Any) -> dict[str, User]:
    people = dict(city.users)
    user, _created = User.objects.get_or_create(email="admin2@city-a.example")
    Membership.objects.get_or_create(
        user=user, organisation=city.city, defaults={"role": Role.ADMIN}
    )
    people["admin2"] = user
    return people


@given(steps=ACTIONS)
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_whoever_publishes_a_version_never_wrote_it(sharing, city_a, steps):
    note(f"steps: {steps}")
    with transaction.atomic():
        _run(sharing, city_a, steps)
        transaction.set_rollback(True)


def _run(sharing: Any, city: Any, steps: list[tuple[str, str]]) -> None:
    people = _people(city)
    wrote: dict[int, set[int]] = {}  # the model: who wrote each draft (version pk)
    for number, (action, name) in enumerate(steps):
        person = people[name]
        draft = sharing.study.versions.filter(status="draft").first()
        may_edit = name != "reviewer"
        if action == "new":
            if draft is not None or not may_edit:
                continue
            draft = services.create_version(sharing.study, person, terms(f"Terms {number}"))
            wrote[draft.pk] = {person.pk}
        elif action in {"edit", "same"} and draft is not None and may_edit:
            text = draft.description if action == "same" else f"Changed {number}"
            services.update_draft(draft, person, {"description_en": text})
            if action == "edit":
                wrote[draft.pk].add(person.pk)
        elif action == "publish" and draft is not None:
            try:
                services.publish_version(draft, person)
            except services.ConsentError as refusal:
                if refusal.code == "separation_of_duties":
                    event("refused a writer")
                    assert person.pk in wrote[draft.pk]
                else:
                    assert name == "editor"
                continue
            event("published")
            assert person.pk not in wrote[draft.pk]
    draft = sharing.study.versions.filter(status="draft").first()
    if draft is not None:
        outsider = User.objects.create_user(email="outsider@city-a.example", password="x" * 12)
        Membership.objects.create(user=outsider, organisation=city.city, role=Role.REVIEWER)
        services.publish_version(draft, outsider)
        assert AgreementVersion.objects.get(pk=draft.pk).published_by == outsider
