"""Agreements and their terms in the city's languages: entry, fallback with ``lang``, the
reviewer's list of missing translations, frozen published wording, receipts that commit to
every language (and older receipts that still verify), notices, the migration, the demo."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import jwt
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from cityrights.consent import issuing, ledger, services
from cityrights.consent.models import AgreementVersion, LedgerEvent, NoticeOutbox, Webhook
from cityrights.consent.receipts import ReceiptError, terms_digest, verify_receipt
from cityrights.core.translation import missing_fingerprint, set_translations

from .conftest import GPS, HEART, RESEARCH
from .test_portal import PORTAL

BASE = "/manage/city-a/consent/"
DATA = Path(__file__).parent / "data"

FRENCH = {
    "description": "Le laboratoire reçoit vos trajets à vélo pour étudier les rues stressantes.",
    "retention": "deux ans",
}
DUTCH = {
    "description": "Het lab krijgt uw fietsritten om stressvolle straten te bestuderen.",
    "retention": "twee jaar",
}


@pytest.fixture
def brussels(sharing, brussels):
    """Brussels (tests/conftest.py) whose study, made before it chose French, is in French
    and Dutch."""
    study = sharing.study
    set_translations(study, "title", {"en": "", "fr": "Étude vélo", "nl": "Fietsstudie"})
    study.save()
    # The published version as it would have been written in both languages (the fixture's
    # English text is replaced directly: published terms refuse a save()).
    AgreementVersion.objects.filter(agreement=study).update(
        description_en="",
        retention_en="",
        description_fr=FRENCH["description"],
        retention_fr=FRENCH["retention"],
        description_nl=DUTCH["description"],
        retention_nl=DUTCH["retention"],
    )
    return brussels


def client_in(user: Any, language: str) -> Client:
    user.language = language
    user.save(update_fields=["language"])
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    return client


def terms(**texts: Any) -> dict[str, Any]:
    return {
        "purposes": [RESEARCH],
        "data_categories": [GPS, HEART],
        "expires_on": None,
        "consent_valid_days": None,
        **texts,
    }


def pyjwt(token: str) -> dict[str, Any]:
    """Verify with PyJWT against the published JWKS (an independent JOSE library)."""
    keys = Client().get("/.well-known/jwks.json").json()
    kid = jwt.get_unverified_header(token)["kid"]
    key = jwt.PyJWK.from_dict(next(k for k in keys["keys"] if k["kid"] == kid))
    return jwt.decode(token, key=key.key, algorithms=["EdDSA"])


def digest_of(wording: dict[str, dict[str, str]]) -> str:
    """The schema-3 text hash, recomputed here from the definition in docs/consent.md."""
    text = json.dumps(wording, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- staff: entry and review --------------------------------------------------------------


def test_the_forms_have_one_input_per_city_language_and_require_the_first(brussels, sharing):
    editor = brussels.client_for("editor")
    html = editor.get(f"{BASE}agreements/new/").content.decode()
    for name in ("agreement-title", "version-description", "version-retention"):
        assert f'name="{name}_fr"' in html and f'name="{name}_nl"' in html
        assert f'name="{name}_en"' not in html  # not a language of this city
    assert 'lang="nl"' in html and "(Dutch)" in html
    data = {
        "agreement-title_nl": "Nieuwsbrief",
        "agreement-slug": "newsletter",
        "agreement-controller": sharing.city.pk,
        "agreement-recipient": sharing.lab.pk,
        "agreement-legal_basis": "https://w3id.org/dpv#Consent",
        "version-purposes": [RESEARCH],
        "version-data_categories": [GPS],
        "version-description_nl": "We sturen nieuws.",
        "version-retention_nl": "een jaar",
    }
    response = editor.post(f"{BASE}agreements/new/", data)
    assert response.status_code == 200  # French, the first language, is required
    data.update({"agreement-title_fr": "Lettre d'info", "version-description_fr": "Des nouvelles."})
    data["version-retention_fr"] = "un an"
    assert editor.post(f"{BASE}agreements/new/", data).status_code == 302
    version = AgreementVersion.objects.get(agreement__slug="newsletter")
    assert (version.description_fr, version.description_nl) == (
        "Des nouvelles.",
        "We sturen nieuws.",
    )
    assert version.agreement.title_nl == "Nieuwsbrief"


def test_the_reviewer_sees_the_missing_translations_and_confirms_them(brussels, sharing):
    editor, reviewer = brussels.users["editor"], brussels.users["reviewer"]
    draft = services.create_version(
        sharing.study, editor, terms(description_fr="Nouveau texte", retention_fr="un an")
    )
    assert services.missing_translations(draft) == {"description": ["nl"], "retention": ["nl"]}
    page = brussels.client_for("reviewer").get(sharing.study.get_absolute_url()).content.decode()
    review = page[page.index("Review of translations") : page.index("</fieldset>")]
    assert "Plain-language description: missing in Dutch" in review
    assert "Retention: missing in Dutch" in review
    assert f'value="{missing_fingerprint(services.missing_translations(draft))}"' in review
    drafted = page[page.index(f'id="draft-{draft.pk}"') :]
    assert '<dd lang="fr">Nouveau texte</dd>' in drafted  # the texts the reviewer approves
    assert drafted.split("<h3>Dutch</h3>")[1].count("Not written in this language yet.") == 2
    publish = f"{BASE}versions/{draft.pk}/publish/"
    client = brussels.client_for("reviewer")
    assert client.post(publish).status_code == 302  # refused with a message: not confirmed
    draft.refresh_from_db()
    assert not draft.is_published
    with pytest.raises(services.ConsentError) as refused:
        services.publish_version(draft, reviewer, missing_seen="retention:nl")  # another state
    assert refused.value.status == 422 and refused.value.code == "missing_translations"
    # The editor translates one text; the list the reviewer confirmed is no longer current.
    seen = missing_fingerprint(services.missing_translations(draft))
    services.update_draft(draft, editor, {"description_nl": "Nieuwe tekst"})
    with pytest.raises(services.ConsentError):
        services.publish_version(draft, reviewer, missing_seen=seen)
    seen = missing_fingerprint(services.missing_translations(draft))
    assert seen == "retention:nl"
    assert client.post(publish, {"missing_seen": seen}).status_code == 302
    draft.refresh_from_db()
    assert draft.is_published


def test_a_complete_version_publishes_without_a_confirmation(brussels, sharing):
    draft = services.create_version(
        sharing.study,
        brussels.users["editor"],
        terms(
            description_fr="Texte",
            retention_fr="un an",
            description_nl="Tekst",
            retention_nl="een jaar",
        ),
    )
    services.publish_version(draft, brussels.users["reviewer"])
    draft.refresh_from_db()
    assert draft.is_published


def test_no_language_of_a_published_version_can_change(brussels, sharing):
    version = sharing.study.current_version()
    editor = brussels.users["editor"]
    with pytest.raises(services.ConsentError):
        services.update_draft(version, editor, {"description_nl": "Andere tekst"})
    response = brussels.client_for("editor").post(
        f"{BASE}versions/{version.pk}/", {"description_nl": "Andere tekst"}
    )
    assert response.status_code == 302
    version = AgreementVersion.objects.get(pk=version.pk)
    version.retention_nl = "drie jaar"
    with pytest.raises(PermissionError):
        version.save()
    version = AgreementVersion.objects.get(pk=version.pk)
    version.description_en = "A translation added later"  # adding a language is a change too
    with pytest.raises(PermissionError):
        version.save()
    version = AgreementVersion.objects.get(pk=version.pk)
    assert (version.retention_nl, version.description_en) == ("twee jaar", "")
    version.save()  # saving without a change is allowed


def test_a_title_can_be_translated_after_publication(brussels, sharing):
    """The title is the agreement's name, no part of the frozen wording: staff complete it."""
    sharing.study.title_nl = ""
    sharing.study.save()
    url = sharing.study.get_absolute_url()
    page = brussels.client_for("viewer").get(url).content.decode()
    assert "The title is missing in Dutch." in page
    editor = brussels.client_for("editor")
    form = editor.get(f"{url}title/").content.decode()
    assert 'name="title_fr"' in form and 'name="title_nl"' in form
    response = editor.post(f"{url}title/", {"title_fr": "Étude vélo", "title_nl": "Fietsstudie"})
    assert response.status_code == 302
    sharing.study.refresh_from_db()
    assert sharing.study.title_nl == "Fietsstudie"
    assert "The title is missing" not in editor.get(url).content.decode()
    assert brussels.client_for("viewer").post(f"{url}title/", {"title_fr": "X"}).status_code == 403


# --- residents: their language, with the city's fallback marked ---------------------------


def test_residents_read_their_language_else_the_first_marked_with_lang(brussels, sharing, resident):
    dutch = client_in(resident, "nl")
    html = dutch.get(PORTAL).content.decode()
    assert "Fietsstudie" in html and DUTCH["description"] in html
    assert "Étude vélo" not in html  # nothing falls back: the study has Dutch texts
    english = client_in(resident, "en")  # the city does not write English: French stands in
    html = english.get(PORTAL).content.decode()
    assert '<span lang="fr">Étude vélo</span>' in html
    assert f'<p lang="fr">{FRENCH["description"]}</p>' in html.replace("&#x27;", "'")
    public = Client(HTTP_ACCEPT_LANGUAGE="nl").get("/cities/city-a/data-sharing/").content.decode()
    assert "Fietsstudie" in public and DUTCH["retention"] in public


# --- receipts ------------------------------------------------------------------------------


def test_a_receipt_is_in_the_residents_language_and_hashes_every_language(
    brussels, sharing, resident
):
    dutch = client_in(resident, "nl")
    dutch.post(f"{PORTAL}agreements/{sharing.study.pk}/", {"action": "grant"})
    event = LedgerEvent.objects.get(kind="grant")
    payload = pyjwt(dutch.get(f"{PORTAL}receipts/{event.pk}.jws").content.decode())
    assert payload["header"]["schemaVersion"] == "cityrights-consent-receipt/3"
    assert payload["header"]["language"] == "nl"
    notice = payload["processing"]["agreement"]
    assert notice["title"] == "Fietsstudie"
    assert payload["processing"]["retention"] == DUTCH["retention"]
    wording = {"fr": FRENCH, "nl": DUTCH}
    assert notice["textHash"] == {
        "alg": "SHA-256",
        "value": digest_of(wording),
        "canonicalization": "RFC 8785",
        "languages": ["fr", "nl"],
    }
    # The same event's receipt in French pins the same wording.
    french = client_in(resident, "fr")
    other = pyjwt(french.get(f"{PORTAL}receipts/{event.pk}.jws").content.decode())
    assert other["header"]["language"] == "fr" and other["processing"]["agreement"]["title"] == (
        "Étude vélo"
    )
    assert other["processing"]["agreement"]["textHash"] == notice["textHash"]
    assert other["ledger"]["eventHash"] == payload["ledger"]["eventHash"] == event.hash
    # An English reader gets the city's first language: the terms have no English.
    assert issuing.payload_for(event, "en")["header"]["language"] == "fr"
    page = french.get(f"{PORTAL}receipts/{event.pk}/").content.decode()
    assert "Languages of the terms" in page or "Langues des conditions" in page
    assert notice["textHash"]["value"] in page


@pytest.mark.filterwarnings("ignore:EdDSA is deprecated")
def test_receipts_old_and_new_verify_with_joserfc(brussels, sharing, resident):
    """A second JOSE library that core.signing does not use, holding only the served key set."""
    from joserfc import jws
    from joserfc.errors import BadSignatureError
    from joserfc.jwk import KeySet

    dutch = client_in(resident, "nl")
    dutch.post(f"{PORTAL}agreements/{sharing.study.pk}/", {"action": "grant"})
    event = LedgerEvent.objects.get(kind="grant")
    token = dutch.get(f"{PORTAL}receipts/{event.pk}.jws").content.decode()
    keys = KeySet.import_key_set(Client().get("/.well-known/jwks.json").json())
    claims = json.loads(jws.deserialize_compact(token, keys, algorithms=["EdDSA"]).payload)
    assert claims["header"]["language"] == "nl"
    assert claims["processing"]["agreement"]["textHash"]["value"] == digest_of(
        {"fr": FRENCH, "nl": DUTCH}
    )
    header, _payload, signature = token.split(".")
    claims["processing"]["agreement"]["textHash"]["value"] = digest_of({"fr": FRENCH})
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(BadSignatureError):
        jws.deserialize_compact(f"{header}.{forged}.{signature}", keys, algorithms=["EdDSA"])
    fixture = json.loads((DATA / "receipt_schema_2.json").read_text())
    old = jws.deserialize_compact(
        fixture["token"], KeySet.import_key_set(fixture["jwks"]), algorithms=["EdDSA"]
    )
    assert json.loads(old.payload)["header"]["schemaVersion"] == "cityrights-consent-receipt/2"


def test_a_receipt_gives_the_controllers_address_in_the_receipts_language(brussels, sharing):
    city = sharing.city
    city.postal_address_fr = "Hôtel de ville\nGrand-Place 1"
    city.postal_address_nl = "Stadhuis\nGrote Markt 1"
    city.save()
    subject = services.create_subject(city)
    event = services.change_consent(subject, sharing.study, action="grant")
    dutch = issuing.payload_for(event, "nl")  # asked from an English page (the test's language)
    assert dutch["header"]["language"] == "nl"
    assert dutch["parties"]["controller"]["address"] == "Stadhuis\nGrote Markt 1"
    french = issuing.payload_for(event, "fr")
    assert french["parties"]["controller"]["address"] == "Hôtel de ville\nGrand-Place 1"


def test_the_receipt_page_marks_a_title_in_another_language(brussels, sharing, resident):
    sharing.study.title_nl = ""
    sharing.study.save()
    dutch = client_in(resident, "nl")
    dutch.post(f"{PORTAL}agreements/{sharing.study.pk}/", {"action": "grant"})
    event = LedgerEvent.objects.get(kind="grant")
    page = dutch.get(f"{PORTAL}receipts/{event.pk}/").content.decode()
    assert '<span lang="fr">Étude vélo</span>' in page
    assert f'<p lang="nl">{DUTCH["description"]}</p>' not in page  # Dutch text, Dutch page


def test_a_receipt_of_schema_2_still_verifies():
    """Signed before agreements had several languages (see data/receipt_schema_2.json)."""
    fixture = json.loads((DATA / "receipt_schema_2.json").read_text())
    payload = verify_receipt(fixture["token"], fixture["jwks"])
    assert payload["header"]["schemaVersion"] == "cityrights-consent-receipt/2"
    assert payload["header"]["language"] == "en"
    text_hash = payload["processing"]["agreement"]["textHash"]
    assert text_hash == {"alg": "SHA-256", "value": terms_digest(fixture["description"])}
    key = jwt.PyJWK.from_dict(fixture["jwks"]["keys"][0])
    assert jwt.decode(fixture["token"], key=key.key, algorithms=["EdDSA"]) == payload
    head, body, signature = fixture["token"].split(".")
    changed = json.loads(base64.urlsafe_b64decode(body + "=="))
    changed["processing"]["retention"] = "forever"
    forged = base64.urlsafe_b64encode(json.dumps(changed).encode()).rstrip(b"=").decode()
    with pytest.raises(ReceiptError):
        verify_receipt(f"{head}.{forged}.{signature}", fixture["jwks"])


def test_a_receipt_issued_before_a_translation_still_verifies(brussels, sharing, resident):
    """A token handed out while the terms had one language keeps verifying, and so does the
    receipt the city gives for the same event afterwards (published texts cannot change)."""
    client = client_in(resident, "fr")
    client.post(f"{PORTAL}agreements/{sharing.study.pk}/", {"action": "grant"})
    event = LedgerEvent.objects.get(kind="grant")
    before = client.get(f"{PORTAL}receipts/{event.pk}.jws").content.decode()
    ledger.checkpoint()
    after = client.get(f"{PORTAL}receipts/{event.pk}.jws").content.decode()
    first, second = pyjwt(before), pyjwt(after)
    assert "inclusion" in second["ledger"] and "inclusion" not in first["ledger"]
    assert (
        first["processing"]["agreement"]["textHash"]
        == (second["processing"]["agreement"]["textHash"])
    )


# --- partners ------------------------------------------------------------------------------


def test_the_partner_api_gives_the_terms_in_every_language(brussels, sharing, resident):
    """All languages, whatever Accept-Language asks; the text hash is the receipts' one."""
    response = sharing.api().get("/api/v1/consent/agreements", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    study = next(item for item in response.json() if item["agreement"] == sharing.study.slug)
    assert study["title"] == {"fr": "Étude vélo", "nl": "Fietsstudie"}
    assert study["description"] == {"fr": FRENCH["description"], "nl": DUTCH["description"]}
    assert study["retention"] == {"fr": FRENCH["retention"], "nl": DUTCH["retention"]}
    assert study["languages"] == ["fr", "nl"] and study["version"] == 1
    assert study["text_hash"] == digest_of({"fr": FRENCH, "nl": DUTCH})
    assert {item["agreement"] for item in response.json()} == {
        a.slug for a in sharing.lab.agreements_as_recipient.all()
    }  # only the agreements the partner receives data under
    subject = services.subject_for_user(sharing.city, resident, create=True)
    event = services.change_consent(subject, sharing.study, action="grant")
    receipt = issuing.payload_for(event, "nl")
    assert receipt["processing"]["agreement"]["textHash"]["value"] == study["text_hash"]
    assert Client().get("/api/v1/consent/agreements").status_code == 401


# --- notices to recipients -----------------------------------------------------------------


def test_a_withdrawal_notice_names_the_agreement_in_every_language(brussels, sharing, resident):
    Webhook.objects.create(recipient=sharing.lab, url="https://hooks.lab.example/n", secret="s")
    subject = services.subject_for_user(sharing.city, resident, create=True)
    services.change_consent(subject, sharing.study, action="grant")
    services.change_consent(subject, sharing.study, action="withdraw")
    payload = NoticeOutbox.objects.get().payload
    assert payload["agreement_title"] == {"fr": "Étude vélo", "nl": "Fietsstudie"}
    assert "language" not in payload  # the resident's language is not the recipient's business


# --- the migration ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_existing_texts_as_the_citys_first_language():
    """Titles and terms written before translations move into the first language, byte for
    byte: the text hash of a schema-2 receipt still matches that language's description."""
    # Core as of 0007: from core 0008 on, the organisation's postal address is per language.
    core = ("core", "0007_department_name_in_city_languages")
    before = [core, ("consent", "0009_contributors_from_history")]
    after = [core, ("consent", "0010_texts_in_city_languages")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    Organisation = apps.get_model("core", "Organisation")
    OldAgreement = apps.get_model("consent", "ProcessingAgreement")
    OldVersion = apps.get_model("consent", "AgreementVersion")
    ghent = Organisation.objects.create(
        slug="ghent", name="Ghent", kind="city", default_language="nl"
    )
    lab = Organisation.objects.create(slug="ghent-lab", name="Lab", kind="public_body")
    agreement = OldAgreement.objects.create(
        organisation=ghent,
        slug="fiets",
        title="Fietsstudie",
        controller=ghent,
        recipient=lab,
        legal_basis="https://w3id.org/dpv#Consent",
    )
    description = "Het lab krijgt uw ritten.\nNiemand ziet waar u woont."
    OldVersion.objects.create(
        agreement=agreement,
        number=1,
        status="published",
        purposes=[RESEARCH],
        data_categories=[GPS],
        description=description,
        retention="twee jaar",
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    version = AgreementVersion.objects.get(agreement__slug="fiets")
    assert (version.agreement.title_nl, version.agreement.title_en) == ("Fietsstudie", "")
    assert (version.description_nl, version.retention_nl) == (description, "twee jaar")
    assert (version.description_en, version.description_fr) == ("", "")
    assert terms_digest(version.description_nl) == terms_digest(description)
    assert version.wording() == {"nl": {"description": description, "retention": "twee jaar"}}
