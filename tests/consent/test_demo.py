"""The consent part of ``cityrights demo``: residents with histories a partner can check."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from cityrights.consent import ledger, services
from cityrights.consent.demo import DEMO_KEY, VOLUNTEERS
from cityrights.consent.models import (
    ConsentCheck,
    DataSubject,
    LedgerEvent,
    ProcessingAgreement,
    Webhook,
)
from cityrights.core.vocab import DPV, PD

from .test_api import BATCH, post

pytestmark = pytest.mark.django_db


def participant(number: int, categories=(PD + "GPSCoordinate",)) -> dict:
    return {
        "identifier": {"kind": "participant", "value": f"MS-2026-{number:03d}"},
        "agreement": "mobility-study",
        "purpose": DPV + "AcademicResearch",
        "categories": list(categories),
    }


def test_the_demo_has_residents_with_histories_a_partner_can_check(consent_keys):
    call_command("demo")
    call_command("demo")  # idempotent: nothing written twice
    assert DataSubject.objects.count() == 1 + VOLUNTEERS
    assert LedgerEvent.objects.count() == 4 + VOLUNTEERS + VOLUNTEERS // 4
    assert Webhook.objects.count() == 1
    logged = ConsentCheck.objects.count()
    assert logged == 2 + VOLUNTEERS

    client = Client(HTTP_AUTHORIZATION=f"Bearer {DEMO_KEY}")
    items = [participant(1), participant(3, [PD + "PhysicalHealth"]), participant(4)]
    results = post(client, BATCH, {"items": items}).json()["results"]
    assert [(r["decision"], r["reason"]) for r in results] == [
        ("permit", "consent given"),
        ("deny", "no consent on record"),  # number 3 gave GPS only
        ("deny", "consent withdrawn"),
    ]
    assert ConsentCheck.objects.count() == logged + 3
    assert ledger.verify().ok


def test_the_demo_agreements_are_in_english_french_and_dutch(consent_keys):
    call_command("demo")
    for agreement in ProcessingAgreement.objects.filter(organisation__slug="demo-city"):
        version = agreement.current_version()
        assert version is not None and sorted(version.wording()) == ["en", "fr", "nl"]
        assert services.missing_translations(version) == {}, agreement.slug
        texts = {code: wording["description"] for code, wording in version.wording().items()}
        assert len(set(texts.values())) == 3  # really translated, not copied
