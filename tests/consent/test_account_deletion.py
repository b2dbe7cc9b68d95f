"""A resident deletes their account: the consent app's eraser runs through the core registry,
every consent is withdrawn, the subjects are crypto-shredded, the ledger still verifies."""

from __future__ import annotations

import pytest

from cityrights.consent import ledger, services
from cityrights.consent.models import DataSubject, LedgerEvent
from cityrights.core.models import AuditEvent, User
from cityrights.core.registry import registry

from ..conftest import PASSWORD
from .conftest import GPS, RESEARCH, make_sharing
from .test_portal import PORTAL, change, check

pytestmark = pytest.mark.django_db


def test_the_consent_app_registers_its_eraser():
    assert ("consent", services.erase_account) in registry.account_erasers


def test_deleting_the_account_erases_the_subject_in_every_city_and_the_ledger_verifies(
    sharing, city_b, resident, resident_client
):
    other = make_sharing(city_b.city)
    change(resident_client, sharing.study, "grant")
    resident_client.post(
        f"/cities/city-b/my-data/agreements/{other.study.pk}/", {"action": "grant"}
    )
    subjects = list(DataSubject.objects.filter(user=resident))
    assert len(subjects) == 2
    services.link_identifier(subjects[0], "library-card", "LIB-7")
    ledger.checkpoint()
    pk = resident.pk

    answer = resident_client.post("/accounts/delete/", {"password": PASSWORD})
    assert answer.status_code == 302
    assert not User.objects.filter(pk=pk).exists()
    for subject in subjects:
        subject.refresh_from_db()
        assert subject.erased_at is not None
        assert subject.user is None and subject.wrapped_key == "" and subject.identity == ""
        assert not subject.identifiers.exists()
        assert LedgerEvent.objects.filter(subject=subject, kind="withdraw").exists()
    assert check(sharing, subjects[0].pseudonym, [GPS], purpose=RESEARCH)["decision"] == "deny"
    ledger.checkpoint()
    assert ledger.verify().ok
    event = AuditEvent.objects.get(object_type="core.user", object_id=str(pk))
    assert event.changes == {"erased": ["consent"]}
    assert resident.email not in str(event.changes) + event.object_repr + event.actor_label


def test_a_wrong_password_erases_nothing(sharing, resident, resident_client):
    change(resident_client, sharing.study, "grant")
    assert resident_client.post("/accounts/delete/", {"password": "wrong"}).status_code == 422
    subject = DataSubject.objects.get(user=resident)
    assert subject.erased_at is None
    assert resident_client.get(PORTAL).status_code == 200
