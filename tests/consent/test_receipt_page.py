"""The resident's receipt page says in plain words what the signed receipt (schema 2) says:
the notice and where it stays published, the kind of consent, until when it lasts, which
data are special categories, the controller's postal address, the witness of a paper
consent, and the notice's fingerprint under "Technical details"."""

from __future__ import annotations

import hashlib
import json
import re

import pytest
from django.test import Client

from cityrights.consent import issuing, services, terms
from cityrights.consent.models import LedgerEvent

from .conftest import GPS, HEART
from .test_portal import PORTAL, change

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_receipt_page_tells_what_the_signed_receipt_says(sharing, resident, resident_client):
    sharing.city.postal_address = "City Hall\nMarket Square 1\n1000 City A"
    sharing.city.contact_email = "privacy@city-a.example"
    sharing.city.save()
    change(resident_client, sharing.study, "grant")
    event = LedgerEvent.objects.get(kind="grant")
    payload = issuing.payload_for(event)
    assert payload["header"]["schemaVersion"] == "cityrights-consent-receipt/3"

    html = resident_client.get(f"{PORTAL}receipts/{event.pk}/").content.decode()
    text = _text(html)
    version = sharing.study.versions.get()
    notice = payload["processing"]["agreement"]
    assert f'<a href="{notice["url"]}">' in html and "Mobility Study" in text
    assert f"{terms.label(HEART)} — special category" in text
    assert f"{terms.label(GPS)} — special category" not in text
    assert "data the law protects more strictly" in text
    assert "Explicit: you gave it yourself" in text
    assert "Valid until" in text and "2099, unless you withdraw it earlier." in text
    assert "City Hall" in html and "Market Square 1" in html and "1000 City A" in html
    assert "<address>" in html and "privacy@city-a.example" in text
    # Every language of the terms (City A writes English only), as canonical JSON.
    wording = {"en": {"description": version.description_en, "retention": version.retention_en}}
    canonical = json.dumps(wording, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    assert digest == notice["textHash"]["value"] and notice["textHash"]["languages"] == ["en"]
    details = html[html.index("<details>") : html.index("</details>")]
    assert "<summary>Technical details</summary>" in details and digest in details
    assert digest not in html.replace(details, "")  # the hash only under the disclosure
    assert "Witness" not in text


def test_a_withdrawal_has_no_expiry_and_a_paper_consent_names_its_witness(
    sharing, city_a, resident, resident_client
):
    services.paper_consent(
        sharing.city,
        city_a.users["editor"],
        agreement=sharing.study,
        action="grant",
        categories=None,
        witness="Wendy Witness",
        email=resident.email,
    )
    paper = LedgerEvent.objects.get(kind="grant")
    text = _text(resident_client.get(f"{PORTAL}receipts/{paper.pk}/").content.decode())
    assert "Wendy Witness saw you sign the paper form." in text
    change(resident_client, sharing.study, "withdraw", HEART)
    withdrawal = LedgerEvent.objects.get(kind="withdraw")
    text = _text(resident_client.get(f"{PORTAL}receipts/{withdrawal.pk}/").content.decode())
    assert "Valid until" not in text and "Until you withdraw it." not in text
    assert "Witness" not in text


def test_the_page_is_translated(sharing, resident, resident_client):
    change(resident_client, sharing.study, "grant")
    event = LedgerEvent.objects.get(kind="grant")
    resident.language = "fr"
    resident.save(update_fields=["language"])
    client = Client()
    client.force_login(resident)
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    html = client.get(f"{PORTAL}receipts/{event.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content
    text = _text(html.decode())
    assert "Détails techniques" in text and "Qui est responsable" in text
