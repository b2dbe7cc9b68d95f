"""Staff pages: who may see and do what, every change audited, other cities kept out."""

from __future__ import annotations

import pytest
from django.test import Client

from cityrights.consent import ledger, services
from cityrights.consent.models import (
    AgreementVersion,
    LedgerEvent,
    NoticeOutbox,
    ProcessingAgreement,
    Webhook,
)
from cityrights.core.models import ApiKey, AuditEvent, Organisation

from .conftest import GPS, HEART, RESEARCH

pytestmark = pytest.mark.django_db
BASE = "/manage/city-a/consent/"
ROLES = ["admin", "editor", "reviewer", "viewer"]


def pages(sharing) -> list[str]:
    version = sharing.study.versions.get()
    return [
        BASE,
        f"{BASE}agreements/{sharing.study.pk}/",
        f"{BASE}partners/",
        f"{BASE}webhooks/",
        f"{BASE}outbox/",
        f"{BASE}ledger/",
    ], version


@pytest.mark.parametrize("role", ROLES)
def test_every_member_reads_the_staff_pages(sharing, city_a, role):
    urls, _version = pages(sharing)
    client = city_a.client_for(role)
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_outsiders_are_kept_out(sharing, city_a, city_b, resident):
    urls, _version = pages(sharing)
    resident_client = Client()
    resident_client.force_login(resident)
    for url in [*urls, f"{BASE}paper/", f"{BASE}agreements/new/"]:
        assert Client().get(url).status_code == 302
        assert resident_client.get(url).status_code == 403
        assert city_b.client_for("admin").get(url).status_code == 403
    # City B's admin cannot reach City A's agreement through their own city either.
    other = city_b.client_for("admin")
    assert other.get(f"/manage/city-b/consent/agreements/{sharing.study.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("role", "allowed"), [("admin", True), ("editor", True), ("reviewer", False), ("viewer", False)]
)
def test_who_creates_agreements(sharing, city_a, role, allowed):
    client = city_a.client_for(role)
    data = {
        "agreement-title_en": "Library newsletter",
        "agreement-slug": "library-newsletter",
        "agreement-controller": sharing.city.pk,
        "agreement-recipient": sharing.lab.pk,
        "agreement-legal_basis": "https://w3id.org/dpv#Consent",
        "version-purposes": [RESEARCH],
        "version-data_categories": [GPS],
        "version-description_en": "We send news.",
        "version-retention_en": "one year",
    }
    response = client.post(f"{BASE}agreements/new/", data)
    if not allowed:
        assert response.status_code == 403
        assert not ProcessingAgreement.objects.filter(slug="library-newsletter").exists()
        return
    assert response.status_code == 302
    agreement = ProcessingAgreement.objects.get(slug="library-newsletter")
    assert agreement.consent_based
    assert agreement.versions.get().status == "draft"
    assert AuditEvent.objects.filter(
        action="create", object_type="consent.processingagreement"
    ).exists()


def test_agreement_form_errors_are_shown(sharing, city_a):
    response = city_a.client_for("editor").post(
        f"{BASE}agreements/new/", {"agreement-slug": "mobility-study", "version-purposes": ["x"]}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Another agreement of the city uses this short name." in html
    assert "errorlist" in html


def test_controller_must_belong_to_the_city(sharing, city_a, city_b):
    response = city_a.client_for("editor").post(
        f"{BASE}agreements/new/",
        {
            "agreement-title_en": "X",
            "agreement-slug": "x",
            "agreement-controller": city_b.city.pk,
            "agreement-recipient": sharing.lab.pk,
            "agreement-legal_basis": "https://w3id.org/dpv#Consent",
        },
    )
    assert response.status_code == 200 and not ProcessingAgreement.objects.filter(slug="x").exists()


def test_editor_drafts_reviewer_publishes(sharing, city_a, resident):
    editor, reviewer = city_a.client_for("editor"), city_a.client_for("reviewer")
    url = f"{BASE}agreements/{sharing.study.pk}/versions/new/"
    response = editor.post(
        url,
        {
            "purposes": [RESEARCH],
            "data_categories": [GPS, HEART],
            "description_en": "New terms",
            "retention_en": "a year",
            "consent_valid_days": "90",
        },
    )
    assert response.status_code == 302
    draft = sharing.study.versions.get(number=2)
    assert editor.get(url).status_code == 302  # a second draft is refused: edit the first one
    assert (
        editor.post(
            f"{BASE}versions/{draft.pk}/",
            {
                "purposes": [RESEARCH],
                "data_categories": [GPS],
                "description_en": "Fixed",
                "retention_en": "a year",
            },
        ).status_code
        == 302
    )
    draft.refresh_from_db()
    assert draft.description == "Fixed" and draft.data_categories == [GPS]
    publish = f"{BASE}versions/{draft.pk}/publish/"
    assert editor.post(publish).status_code == 403
    assert reviewer.post(publish).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published" and draft.published_by == city_a.users["reviewer"]
    assert sharing.study.current_version() == draft
    # Published versions are frozen.
    response = editor.post(f"{BASE}versions/{draft.pk}/", {"description_en": "sneaky"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.description == "Fixed"
    assert AuditEvent.objects.filter(action="publish").count() == 1


def test_paper_consent_with_witness(sharing, city_a, resident):
    client = city_a.client_for("editor")
    response = client.post(
        f"{BASE}paper/",
        {
            "agreement": sharing.study.pk,
            "action": "grant",
            "categories": [GPS],
            "email": resident.email,
            "witness": "Wanda Witness",
        },
    )
    assert response.status_code == 302
    event = LedgerEvent.objects.get()
    assert event.method == "paper" and event.witness == "Wanda Witness" and event.scope == [GPS]
    assert event.subject.user == resident
    assert AuditEvent.objects.filter(action="paper-consent").exists()
    # Without an account: an identifier from the form.
    response = client.post(
        f"{BASE}paper/",
        {
            "agreement": sharing.study.pk,
            "action": "grant",
            "identifier_kind": "library-card",
            "identifier_value": "LIB-77",
            "name": "Paula Paper",
            "witness": "Wanda Witness",
        },
    )
    assert response.status_code == 302
    person = services.subject_by_identifier(sharing.city, "library-card", "lib 77")
    assert services.identity_of(person) == {"name": "Paula Paper"}


def test_paper_consent_validation(sharing, city_a):
    client = city_a.client_for("editor")
    response = client.post(f"{BASE}paper/", {"agreement": sharing.study.pk, "action": "grant"})
    html = response.content.decode()
    assert response.status_code == 200 and "errorlist" in html
    response = client.post(
        f"{BASE}paper/",
        {
            "agreement": sharing.tax.pk,
            "action": "grant",
            "email": "a@b.example",
            "witness": "W",
        },
    )
    assert response.status_code == 200  # a statutory agreement is not offered
    response = client.post(
        f"{BASE}paper/",
        {
            "agreement": sharing.study.pk,
            "action": "grant",
            "email": "nobody@b.example",
            "witness": "W",
        },
    )
    assert "No account has this e-mail address" in response.content.decode()
    assert city_a.client_for("viewer").get(f"{BASE}paper/").status_code == 403
    assert not LedgerEvent.objects.exists()


def test_webhooks_page(sharing, city_a):
    editor = city_a.client_for("editor")
    response = editor.post(
        f"{BASE}webhooks/", {"recipient": sharing.lab.pk, "url": "https://lab.example/h"}
    )
    assert response.status_code == 200 and "whsec_" in response.content.decode()
    hook = Webhook.objects.get()
    assert (
        editor.post(
            f"{BASE}webhooks/", {"recipient": sharing.lab.pk, "url": "http://lab.example/h"}
        ).status_code
        == 200
    )
    assert Webhook.objects.count() == 1
    assert (
        city_a.client_for("viewer")
        .post(f"{BASE}webhooks/", {"recipient": sharing.lab.pk, "url": "https://x.example"})
        .status_code
        == 403
    )
    assert editor.post(f"{BASE}webhooks/{hook.pk}/toggle/").status_code == 302
    hook.refresh_from_db()
    assert not hook.active
    assert city_a.client_for("viewer").post(f"{BASE}webhooks/{hook.pk}/toggle/").status_code == 403


def test_partners_and_their_keys(sharing, city_a):
    admin = city_a.client_for("admin")
    response = admin.post(
        f"{BASE}partners/",
        {
            "partner-name": "Sports Centre",
            "partner-slug": "sports-a",
            "partner-kind": "company",
        },
    )
    assert response.status_code == 302
    partner = Organisation.objects.get(slug="sports-a")
    assert partner.city == sharing.city and not partner.is_public
    response = admin.post(
        f"{BASE}partners/",
        {
            "key-partner": partner.pk,
            "key-name": "checks",
            "key-scopes": ["consent:check"],
        },
    )
    assert "crk_" in response.content.decode()
    assert ApiKey.objects.get(organisation=partner).scopes == ["consent:check"]
    assert (
        city_a.client_for("editor").post(f"{BASE}partners/", {"partner-name": "X"}).status_code
        == 403
    )


def test_outbox_and_retry(sharing, city_a, resident):
    services.create_webhook(sharing.lab, "https://lab.example/h", actor=None)
    person = services.subject_for_user(sharing.city, resident, create=True)
    services.change_consent(person, sharing.study, action="grant")
    services.change_consent(person, sharing.study, action="withdraw")
    row = NoticeOutbox.objects.get()
    NoticeOutbox.objects.update(status="failed", attempts=15, last_error="HTTP 500")
    html = city_a.client_for("viewer").get(f"{BASE}outbox/?status=failed").content.decode()
    assert "HTTP 500" in html
    assert city_a.client_for("viewer").post(f"{BASE}outbox/{row.pk}/retry/").status_code == 403
    assert city_a.client_for("editor").post(f"{BASE}outbox/{row.pk}/retry/").status_code == 302
    assert NoticeOutbox.objects.get().status == "pending"
    assert city_a.client_for("viewer").get(f"{BASE}outbox/?status=bogus").status_code == 200


def test_checkpoint_on_demand(sharing, city_a, resident):
    person = services.subject_for_user(sharing.city, resident, create=True)
    services.change_consent(person, sharing.study, action="grant")
    assert city_a.client_for("editor").post(f"{BASE}ledger/checkpoint/").status_code == 403
    assert city_a.client_for("reviewer").post(f"{BASE}ledger/checkpoint/").status_code == 302
    assert ledger.latest_checkpoint().size == 1
    assert "1 events" in city_a.client_for("viewer").get(f"{BASE}ledger/").content.decode()


def test_ledger_status_counts_only_this_citys_events_and_subjects(sharing, sharing_b):
    from cityrights.consent import selectors

    ours = [services.create_subject(sharing.city) for _ in range(2)]
    theirs = services.create_subject(sharing_b.city)
    for action in ("grant", "withdraw", "grant"):
        services.change_consent(ours[0], sharing.study, action=action)
    services.change_consent(theirs, sharing_b.study, action="grant")
    status = selectors.ledger_status(sharing.city)
    assert (status.city_events, status.city_subjects, status.pending) == (3, 2, 4)
    other = selectors.ledger_status(sharing_b.city)
    assert (other.city_events, other.city_subjects) == (1, 1)


def test_dashboard_panel_nav_and_public_section(sharing, city_a):
    html = city_a.client_for("viewer").get("/manage/city-a/").content.decode()
    assert "Consent and data sharing" in html and BASE in html
    public = Client().get("/cities/city-a/").content.decode()
    assert "Your consent to data sharing" in public
    page = Client().get("/cities/city-a/data-sharing/").content.decode()
    assert "Mobility Study" in page and "Tax Record" in page


def test_agreement_page_shows_counts_without_names(sharing, city_a, resident):
    person = services.subject_for_user(sharing.city, resident, create=True)
    services.change_consent(person, sharing.study, action="grant")
    html = city_a.client_for("viewer").get(f"{BASE}agreements/{sharing.study.pk}/").content.decode()
    assert resident.email not in html and person.pseudonym not in html
    assert AgreementVersion.objects.count() == 2


# --- an administrator cuts a partner off ---------------------------------------------------
@pytest.mark.parametrize("role", ROLES)
def test_only_administrators_revoke_a_partners_key(sharing, city_a, role):
    key = ApiKey.objects.get(organisation=sharing.lab)
    url = f"{BASE}partners/keys/{key.pk}/revoke/"
    page = city_a.client_for(role).get(f"{BASE}partners/").content.decode()
    assert (url in page) == (role == "admin")
    response = city_a.client_for(role).post(url)
    key.refresh_from_db()
    if role != "admin":
        assert response.status_code == 403 and key.revoked_at is None
        assert sharing.api().post(
            "/api/v1/consent/check",
            {"subject": "subj-x", "agreement": "mobility-study", "purpose": RESEARCH,
             "categories": [GPS]},
            content_type="application/json",
        ).status_code != 401  # fmt: skip
        return
    assert response.status_code == 302 and key.revoked_at is not None
    event = AuditEvent.objects.get(action="revoke")
    assert event.organisation == sharing.city and event.actor == city_a.users["admin"]
    # The partner's software is refused at once.
    refused = sharing.api().post(
        "/api/v1/consent/check",
        {"subject": "subj-x", "agreement": "mobility-study", "purpose": RESEARCH,
         "categories": [GPS]},
        content_type="application/json",
    )  # fmt: skip
    assert refused.status_code == 401
    assert "revoked" in city_a.client_for("admin").get(f"{BASE}partners/").content.decode()
    assert url not in city_a.client_for("admin").get(f"{BASE}partners/").content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_only_administrators_switch_off_all_webhooks_of_a_partner(sharing, city_a, role):
    first, _ = services.create_webhook(sharing.lab, "https://lab.example/a", actor=None)
    second, _ = services.create_webhook(sharing.lab, "https://lab.example/b", actor=None)
    other, _ = services.create_webhook(sharing.tax_office, "https://tax.example/a", actor=None)
    url = f"{BASE}partners/{sharing.lab.pk}/webhooks-off/"
    response = city_a.client_for(role).post(url)
    active = set(Webhook.objects.filter(active=True).values_list("pk", flat=True))
    if role != "admin":
        assert response.status_code == 403 and active == {first.pk, second.pk, other.pk}
        return
    assert response.status_code == 302 and active == {other.pk}
    assert AuditEvent.objects.filter(action="update", object_type__icontains="webhook").count() == 2


def test_another_citys_partner_cannot_be_cut_off(sharing, sharing_b, city_a):
    key = ApiKey.objects.get(organisation=sharing_b.lab)
    admin = city_a.client_for("admin")
    assert admin.post(f"{BASE}partners/keys/{key.pk}/revoke/").status_code == 404
    assert admin.post(f"{BASE}partners/{sharing_b.lab.pk}/webhooks-off/").status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None
