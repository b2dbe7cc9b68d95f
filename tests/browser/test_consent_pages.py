"""Every consent page passes axe's WCAG 2.x A/AA rules, and the grant → check → withdraw →
check journey works in a real browser."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect

from cityrights.consent import ledger, services
from cityrights.consent.demo import DEMO_KEY
from cityrights.consent.models import (
    AgreementVersion,
    LedgerEvent,
    NoticeOutbox,
    ProcessingAgreement,
)
from cityrights.core.models import User
from cityrights.core.vocab import DPV, PD

from .conftest import assert_accessible, login_as

PUBLIC_PAGES = ["/cities/demo-city/", "/cities/demo-city/data-sharing/"]
RESIDENT_PAGES = [
    "/cities/demo-city/my-data/",
    "/cities/demo-city/my-data/history/",
    "/cities/demo-city/my-data/access-log/",
    "/cities/demo-city/my-data/receipts/{event}/",
    "/cities/demo-city/my-data/erase/",
]
STAFF_PAGES = [
    "/manage/demo-city/",
    "/manage/demo-city/consent/",
    "/manage/demo-city/consent/agreements/new/",
    "/manage/demo-city/consent/agreements/{agreement}/",
    "/manage/demo-city/consent/agreements/{statutory}/",
    "/manage/demo-city/consent/agreements/{agreement_without_draft}/versions/new/",
    "/manage/demo-city/consent/versions/{draft}/",
    "/manage/demo-city/consent/paper/",
    "/manage/demo-city/consent/partners/",
    "/manage/demo-city/consent/webhooks/",
    "/manage/demo-city/consent/outbox/",
    "/manage/demo-city/consent/ledger/",
]


def _ids(context) -> dict[str, int]:
    study = ProcessingAgreement.objects.get(slug="mobility-study")
    library = ProcessingAgreement.objects.get(slug="library-services")
    draft = AgreementVersion.objects.filter(agreement=study, status="draft").first()
    if draft is None:
        draft = services.create_version(
            study,
            context.users["editor"],
            {
                "purposes": study.current_version().purposes,
                "data_categories": study.current_version().data_categories,
                "description_en": "Draft of new terms",
                "retention_en": "one year",
                "expires_on": None,
                "consent_valid_days": None,
            },
        )
    resident = context.users["resident"]
    event = LedgerEvent.objects.filter(subject__user=resident).order_by("-id").first()
    return {
        "agreement": study.pk,
        "statutory": ProcessingAgreement.objects.get(slug="tax-record").pk,
        "agreement_without_draft": library.pk,
        "draft": draft.pk,
        "event": event.pk,
    }


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_are_accessible(page, demo_city, path):
    assert_accessible(page, path)


@pytest.mark.parametrize("path", RESIDENT_PAGES)
def test_resident_pages_are_accessible(page, demo_city, path):
    login_as(page, demo_city.users["resident"])
    assert_accessible(page, path.format(**_ids(demo_city)))


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_pages_are_accessible(page, demo_city, path):
    login_as(page, User.objects.get(email="admin@demo-city.example"))
    assert_accessible(page, path.format(**_ids(demo_city)))


def test_outbox_with_notices_and_form_errors_are_accessible(page, demo_city):
    resident = demo_city.users["resident"]
    person = services.subject_for_user(demo_city.city, resident)
    services.change_consent(
        person, ProcessingAgreement.objects.get(slug="mobility-study"), action="withdraw"
    )
    assert NoticeOutbox.objects.exists()
    login_as(page, User.objects.get(email="admin@demo-city.example"))
    assert_accessible(page, "/manage/demo-city/consent/outbox/")
    page.goto("/manage/demo-city/consent/paper/")
    page.get_by_role("button", name="Record in the ledger").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    assert_accessible(page, page.url)


def _check(pseudonym: str, categories: list[str]) -> dict:
    response = Client(HTTP_AUTHORIZATION=f"Bearer {DEMO_KEY}").post(
        "/api/v1/consent/check",
        {
            "subject": pseudonym,
            "agreement": "mobility-study",
            "purpose": DPV + "AcademicResearch",
            "categories": categories,
        },
        content_type="application/json",
    )
    assert response.status_code == 200
    return response.json()


def test_grant_check_withdraw_check_in_the_browser(page, demo_city):
    resident = demo_city.users["resident"]
    person = services.subject_for_user(demo_city.city, resident)
    heart = PD + "PhysicalHealth"
    # The demo history withdrew heart rate: the partner is refused.
    assert _check(person.pseudonym, [heart])["decision"] == "deny"
    login_as(page, resident)
    page.goto("/cities/demo-city/my-data/")
    card = page.locator(
        "section", has=page.get_by_role("heading", name="Crowd-sensing mobility study")
    )
    card.get_by_role("button", name="Give consent Physical health (such as heart rate)").click()
    expect(page.get_by_text("Your consent was recorded.")).to_be_visible()
    answer = _check(person.pseudonym, [heart])
    assert answer["decision"] == "permit"
    assert LedgerEvent.objects.get(pk=answer["event_id"]).kind == "grant"
    assert_accessible(page, page.url.split("#")[0])
    card = page.locator(
        "section", has=page.get_by_role("heading", name="Crowd-sensing mobility study")
    )
    card.get_by_role(
        "button", name="Withdraw all consent for “Crowd-sensing mobility study”"
    ).click()
    expect(page.get_by_text("Your consent was withdrawn.")).to_be_visible()
    answer = _check(person.pseudonym, [heart])
    assert answer["decision"] == "deny" and answer["reason"] == "consent withdrawn"
    # The checks show up in the resident's access log.
    page.goto("/cities/demo-city/my-data/access-log/")
    expect(page.get_by_role("cell", name="University Mobility Lab").first).to_be_visible()
    ledger.checkpoint()
    assert ledger.verify().ok


def test_receipt_download_in_the_browser(page, demo_city):
    login_as(page, demo_city.users["resident"])
    ids = _ids(demo_city)
    page.goto(f"/cities/demo-city/my-data/receipts/{ids['event']}/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the signed receipt").click()
    token = Path(download_info.value.path()).read_text()
    assert token.count(".") == 2
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["alg"] == "EdDSA"
