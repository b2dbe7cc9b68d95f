"""The resident portal: grant and withdraw per agreement and per category, history, receipts,
access log, export and erasure; and that nobody sees anybody else's data."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from cityrights.consent import ledger, services
from cityrights.consent.models import ConsentState, DataSubject, LedgerEvent
from cityrights.core.models import User

from .conftest import GPS, HEART, RESEARCH, TAX

pytestmark = pytest.mark.django_db

PORTAL = "/cities/city-a/my-data/"


def change(client: Client, agreement, action: str, category: str | None = None):
    data = {"action": action}
    if category:
        data["category"] = category
    return client.post(f"{PORTAL}agreements/{agreement.pk}/", data)


def check(sharing, pseudonym: str, categories=(GPS,), purpose=RESEARCH, key=None):
    response = sharing.api(key).post(
        "/api/v1/consent/check",
        {
            "subject": pseudonym,
            "agreement": "mobility-study",
            "purpose": purpose,
            "categories": list(categories),
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()


def subject_of(user: User, sharing) -> DataSubject:
    return DataSubject.objects.get(user=user, organisation=sharing.city)


def test_portal_needs_a_login(sharing):
    response = Client().get(PORTAL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert (
        Client().post(f"{PORTAL}agreements/{sharing.study.pk}/", {"action": "grant"}).status_code
        == 302
    )


def test_overview_lists_consent_and_legal_agreements(sharing, resident_client):
    html = resident_client.get(PORTAL).content.decode()
    assert "Mobility Study" in html and "Tax Record" in html
    assert "Give consent for all data" in html
    assert "A legal obligation" in html or "Legal obligation" in html
    # The statutory agreement has no switch.
    assert f"agreements/{sharing.tax.pk}/" not in html


def test_grant_in_the_browser_is_seen_by_the_partner_then_withdraw(
    sharing, resident, resident_client
):
    response = change(resident_client, sharing.study, "grant")
    assert response.status_code == 302
    subject = subject_of(resident, sharing)
    answer = check(sharing, subject.pseudonym, [GPS, HEART])
    assert answer["decision"] == "permit"
    grant = LedgerEvent.objects.get(subject=subject, kind="grant")
    assert answer["event_id"] == grant.pk
    change(resident_client, sharing.study, "withdraw")
    answer = check(sharing, subject.pseudonym, [GPS])
    assert answer["decision"] == "deny"
    assert answer["reason"] == "consent withdrawn"
    assert answer["event_id"] == LedgerEvent.objects.get(subject=subject, kind="withdraw").pk


def test_consent_per_data_category(sharing, resident, resident_client):
    change(resident_client, sharing.study, "grant", GPS)
    subject = subject_of(resident, sharing)
    assert check(sharing, subject.pseudonym, [GPS])["decision"] == "permit"
    heart = check(sharing, subject.pseudonym, [HEART])
    assert heart["decision"] == "deny" and heart["reason"] == "no consent on record"
    assert check(sharing, subject.pseudonym, [GPS, HEART])["decision"] == "deny"
    change(resident_client, sharing.study, "grant", HEART)
    change(resident_client, sharing.study, "withdraw", GPS)
    assert check(sharing, subject.pseudonym, [HEART])["decision"] == "permit"
    assert check(sharing, subject.pseudonym, [GPS])["decision"] == "deny"
    states = dict(ConsentState.objects.filter(subject=subject).values_list("category", "status"))
    assert states == {GPS: "withdrawn", HEART: "granted"}


def test_non_consent_agreements_cannot_be_toggled(sharing, resident, resident_client):
    response = change(resident_client, sharing.tax, "grant")
    assert response.status_code == 302
    assert not LedgerEvent.objects.exists()
    messages = resident_client.get(PORTAL).content.decode()
    assert "cannot be granted or withdrawn" in messages
    subject = services.subject_for_user(sharing.city, resident, create=True)
    with pytest.raises(services.ConsentError):
        services.change_consent(subject, sharing.tax, action="withdraw")


def test_unknown_action_and_foreign_category_are_refused(sharing, resident_client):
    change(resident_client, sharing.study, "delete")
    change(resident_client, sharing.study, "grant", TAX)
    assert not LedgerEvent.objects.exists()


def test_history_receipt_and_access_log(sharing, resident, resident_client):
    change(resident_client, sharing.study, "grant")
    subject = subject_of(resident, sharing)
    check(sharing, subject.pseudonym, [GPS])
    event = LedgerEvent.objects.get(subject=subject)
    history = resident_client.get(f"{PORTAL}history/").content.decode()
    assert f"receipts/{event.pk}/" in history
    receipt = resident_client.get(f"{PORTAL}receipts/{event.pk}/")
    assert receipt.status_code == 200
    assert event.hash in receipt.content.decode()
    jws = resident_client.get(f"{PORTAL}receipts/{event.pk}.jws")
    assert jws["Content-Type"] == "application/jose"
    assert jws.content.count(b".") == 2
    log = resident_client.get(f"{PORTAL}access-log/").content.decode()
    assert "Mobility Lab of City A" in log and "Allowed" in log


def test_the_access_log_gives_each_reason_in_the_residents_language(
    sharing, resident, resident_client
):
    change(resident_client, sharing.study, "grant")
    subject = subject_of(resident, sharing)
    check(sharing, subject.pseudonym, [GPS])
    change(resident_client, sharing.study, "withdraw")
    check(sharing, subject.pseudonym, [GPS])
    resident_client.cookies["django_language"] = "nl"
    log = resident_client.get(f"{PORTAL}access-log/").content.decode()
    assert "toestemming gegeven" in log and "toestemming ingetrokken" in log
    assert "consent given" not in log and "consent withdrawn" not in log
    # The row itself keeps the API's fixed words.
    from cityrights.consent.models import ConsentCheck

    assert {row.reason for row in ConsentCheck.objects.all()} == {
        "consent given",
        "consent withdrawn",
    }


def test_reasons_are_translated_with_their_terms_and_unknown_ones_shown_as_they_are():
    from django.utils import translation

    from cityrights.consent import terms
    from cityrights.consent.reasons import reason_label

    with translation.override("fr"):
        assert reason_label("consent expired") == "consentement expiré"
        assert reason_label("the agreement has ended") == "l’accord a pris fin"
        assert reason_label("something new") == "something new"
        covered = reason_label(f"data category {GPS} is not covered by the agreement")
        assert covered == (
            f"la catégorie de données « {terms.label(GPS)} » n’est pas couverte par l’accord"
        )
        basis = "https://w3id.org/dpv#LegalObligation"
        rests = reason_label("processing rests on Legal Obligation, not on consent", basis)
        assert rests == f"le traitement repose sur {terms.label(basis)}, pas sur le consentement"


def test_export_holds_everything_about_me(sharing, resident, resident_client):
    change(resident_client, sharing.study, "grant")
    subject = subject_of(resident, sharing)
    check(sharing, subject.pseudonym, [HEART])
    response = resident_client.get(f"{PORTAL}export.json")
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["email"] == resident.email
    assert data["subject"]["pseudonym"] == subject.pseudonym
    assert data["subject"]["identifying_data"]["email"] == resident.email
    assert {c["category"] for c in data["consents"]} == {GPS, HEART}
    assert len(data["events"]) == 1 and data["events"][0]["receipt"].count(".") == 2
    assert len(data["checks"]) == 1


def test_resident_a_never_sees_resident_b(sharing, resident, resident_client):
    other = User.objects.create_user("other@example.org", "x" * 12, name="Otto Other")
    other_client = Client()
    other_client.force_login(other)
    change(other_client, sharing.study, "grant")
    other_subject = subject_of(other, sharing)
    check(sharing, other_subject.pseudonym, [GPS])
    event = LedgerEvent.objects.get(subject=other_subject)
    assert resident_client.get(f"{PORTAL}receipts/{event.pk}/").status_code == 404
    assert resident_client.get(f"{PORTAL}receipts/{event.pk}.jws").status_code == 404
    change(resident_client, sharing.study, "grant", GPS)
    for page in ("", "history/", "access-log/"):
        html = resident_client.get(f"{PORTAL}{page}").content.decode()
        assert other_subject.pseudonym not in html
        assert event.hash not in html
    export = json.loads(resident_client.get(f"{PORTAL}export.json").content)
    assert other.email not in json.dumps(export)
    assert [e["id"] for e in export["events"]] != [event.pk]
    assert export["checks"] == []


def test_another_citys_portal_is_separate(sharing, sharing_b, resident, resident_client):
    change(resident_client, sharing.study, "grant")
    html = resident_client.get("/cities/city-b/my-data/").content.decode()
    assert "Mobility Lab of City A" not in html
    response = resident_client.post(
        f"/cities/city-b/my-data/agreements/{sharing.study.pk}/", {"action": "withdraw"}
    )
    assert response.status_code == 404
    assert LedgerEvent.objects.filter(kind="withdraw").count() == 0


def test_erasure_withdraws_destroys_the_key_and_keeps_the_ledger_verifying(
    sharing, resident, resident_client
):
    change(resident_client, sharing.study, "grant")
    subject = subject_of(resident, sharing)
    services.link_identifier(subject, "library-card", "LIB-1")
    ledger.checkpoint()
    assert resident_client.get(f"{PORTAL}erase/").status_code == 200
    response = resident_client.post(f"{PORTAL}erase/", {"confirm": "on"})
    assert response.status_code == 302
    subject.refresh_from_db()
    assert subject.erased_at is not None
    assert subject.user is None and subject.wrapped_key == "" and subject.identity == ""
    assert services.identity_of(subject) is None
    assert not subject.identifiers.exists()
    assert LedgerEvent.objects.filter(subject=subject, kind="withdraw").exists()
    answer = check(sharing, subject.pseudonym, [GPS])
    assert answer["decision"] == "deny" and answer["reason"] == "no consent on record"
    ledger.checkpoint()
    assert ledger.verify().ok
    # A fresh start: the person's page no longer shows the erased history.
    resident_client.get(PORTAL)  # consume the flash message
    assert "Nothing yet." in resident_client.get(f"{PORTAL}history/").content.decode()


def test_erase_needs_the_confirmation(sharing, resident, resident_client):
    change(resident_client, sharing.study, "grant")
    response = resident_client.post(f"{PORTAL}erase/", {})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert subject_of(resident, sharing).erased_at is None


def test_renewal_after_a_new_version(sharing, resident, resident_client, city_a):
    change(resident_client, sharing.study, "grant")
    version = services.create_version(
        sharing.study,
        city_a.users["editor"],
        {
            "purposes": [RESEARCH],
            "data_categories": [GPS, HEART],
            "description_en": "v2",
            "retention_en": "one year",
            "expires_on": None,
            "consent_valid_days": 30,
        },
    )
    services.publish_version(version, city_a.users["reviewer"])
    assert "under earlier terms" in resident_client.get(PORTAL).content.decode()
    change(resident_client, sharing.study, "renew")
    subject = subject_of(resident, sharing)
    renew = LedgerEvent.objects.get(subject=subject, kind="renew")
    assert renew.agreement_version_id == version.pk
    state = ConsentState.objects.get(subject=subject, category=GPS)
    assert state.version_id == version.pk and state.expires_at is not None


def test_consent_refusals_say_what_kind_of_refusal_they_are(sharing, city_b, resident):
    subject = services.subject_for_user(sharing.city, resident, create=True)
    with pytest.raises(services.ConsentError) as refused:
        services.change_consent(subject, sharing.tax, action="grant")
    assert refused.value.status == 409  # the agreement's legal basis, not the input
    with pytest.raises(services.ConsentError) as refused:
        services.change_consent(subject, sharing.study, action="grant", categories=[TAX])
    assert (refused.value.status, refused.value.field) == (422, "categories")
    with pytest.raises(services.ConsentError) as refused:
        services.change_consent(subject, sharing.study, action="delete")
    assert (refused.value.status, refused.value.field) == (422, "action")
    elsewhere = services.subject_for_user(city_b.city, resident, create=True)
    with pytest.raises(services.ConsentError) as refused:
        services.change_consent(elsewhere, sharing.study, action="grant")
    assert refused.value.status == 404
