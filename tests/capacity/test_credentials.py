"""Open Badges 3.0 credentials: valid against 1EdTech's published JSON Schema, verified by
a second JOSE library (PyJWT) with nothing but the published JWKS, revocation visible in
the signed status list, and a tampered credential refused with the reason."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import jsonschema
import jwt
import pytest
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from cityrights.capacity import certificates, credentials
from cityrights.capacity.models import STATUS_LIST_SIZE, Certificate

from .conftest import issued_programme

pytestmark = pytest.mark.django_db

SCHEMA = json.loads(
    (Path(__file__).parent / "ob_v3p0_achievementcredential_schema.json").read_text("utf-8")
)


def _published_jwks() -> jwt.PyJWKSet:
    """The key set exactly as a verifier downloads it from the installation."""
    response = Client().get("/.well-known/jwks.json")
    assert response.status_code == 200
    return jwt.PyJWKSet.from_dict(json.loads(response.content))


def _verify_offline(token: str, keys: jwt.PyJWKSet) -> dict:
    """What any verifier does with PyJWT: key by kid, EdDSA only, required claims."""
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in keys.keys if k.key_id == kid)
    return jwt.decode(
        token,
        key=key.key,
        algorithms=["EdDSA"],
        options={"require": ["iss", "sub", "jti", "nbf"], "verify_aud": False},
    )


def test_every_issued_credential_is_a_valid_open_badge_by_the_published_schema(city_a):
    issued_programme(city_a, people=3)
    validator = jsonschema.Draft201909Validator(
        SCHEMA, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER
    )
    found = list(Certificate.objects.all())
    assert {c.kind for c in found} == {"completion", "attendance"}
    for certificate in found:
        payload = jwt.decode(certificate.credential, options={"verify_signature": False})
        errors = sorted(validator.iter_errors(payload), key=lambda e: list(e.path))
        assert errors == [], [f"{list(e.path)}: {e.message}" for e in errors]
        assert payload["type"] == ["VerifiableCredential", "OpenBadgeCredential"]


def test_a_downloaded_credential_verifies_with_pyjwt_and_the_published_keys_only(city_a):
    _programme, people = issued_programme(city_a, people=1)
    certificate = Certificate.objects.get(person=people[0])
    client = Client()
    client.force_login(people[0])
    response = client.get(f"/cities/{city_a.city.slug}/capacity/certificates/{certificate.pk}.jwt")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    token = response.content.decode()
    keys = _published_jwks()  # the only thing taken from the server
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "EdDSA", "kid": header["kid"], "typ": "JWT"}
    claims = _verify_offline(token, keys)
    # OB 3.0, 8.2.4: the JWT claims mirror the credential.
    assert claims["iss"] == claims["issuer"]["id"]
    assert claims["sub"] == claims["credentialSubject"]["id"]
    assert claims["jti"] == claims["id"] == f"http://testserver/v/{certificate.code}"
    assert claims["nbf"] == int(certificate.issued_at.timestamp())
    achievement = claims["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "CertificateOfCompletion"
    assert "3" in achievement["criteria"]["narrative"]
    names = [i for i in claims["credentialSubject"]["identifier"] if i["identityType"] == "name"]
    assert names[0]["identityHash"] == "Learner 0"


def test_a_tampered_credential_fails_pyjwt_and_the_check_page_says_why(city_a):
    issued_programme(city_a, people=1)
    certificate = Certificate.objects.get()
    head, body, signature = certificate.credential.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["credentialSubject"]["identifier"][0]["identityHash"] = "Mallory"
    forged_body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    forged = f"{head}.{forged_body}.{signature}"
    with pytest.raises(jwt.InvalidSignatureError):
        _verify_offline(forged, _published_jwks())
    response = Client().post("/v/", {"credential": forged})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Not valid" in html and "signature does not verify" in html
    garbage = Client().post("/v/", {"credential": "not a token"})
    assert garbage.status_code == 422 and "Not valid" in garbage.content.decode()
    genuine = Client().post("/v/", {"credential": certificate.credential})
    assert genuine.status_code == 200
    assert "Valid credential" in genuine.content.decode()


def test_revocation_is_visible_in_the_signed_status_list(city_a):
    issued_programme(city_a, people=2)
    kept, revoked = Certificate.objects.order_by("recipient_name")
    certificates.revoke(certificate=revoked, actor=city_a.users["reviewer"], note="Duplicate.")
    payload = jwt.decode(revoked.credential, options={"verify_signature": False})
    entry = payload["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry"
    assert entry["statusPurpose"] == "revocation"
    url = entry["statusListCredential"].removeprefix("http://testserver")
    response = Client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    status_list = _verify_offline(response.content.decode(), _published_jwks())
    assert "BitstringStatusListCredential" in status_list["type"]
    subject = status_list["credentialSubject"]
    assert subject["statusPurpose"] == "revocation"
    bits = credentials.decode_bits(subject["encodedList"])
    assert len(bits) * 8 == STATUS_LIST_SIZE
    assert credentials.bit(bits, int(entry["statusListIndex"])) is True
    kept_index = int(
        jwt.decode(kept.credential, options={"verify_signature": False})["credentialStatus"][
            "statusListIndex"
        ]
    )
    assert credentials.bit(bits, kept_index) is False
    check = Client().post("/v/", {"credential": revoked.credential})
    assert check.status_code == 422 and "revoked" in check.content.decode()


def test_issuer_profile_and_achievement_are_public_documents(city_a):
    programme, _people = issued_programme(city_a, people=1)
    profile = json.loads(Client().get(f"/cities/{city_a.city.slug}/capacity/issuer").content)
    assert profile["type"] == ["Profile"] and profile["name"] == "City A"
    found = Client().get(
        f"/cities/{city_a.city.slug}/capacity/achievements/{programme.pk}-completion"
    )
    achievement = json.loads(found.content)
    assert achievement["type"] == ["Achievement"]
    assert "Learner" not in found.content.decode()
    missing = Client().get(
        f"/cities/{city_a.city.slug}/capacity/achievements/{programme.pk}-nonsense"
    )
    assert missing.status_code == 404


@settings(max_examples=50, deadline=None)
@given(st.sets(st.integers(min_value=0, max_value=STATUS_LIST_SIZE - 1), max_size=40))
def test_status_list_encoding_round_trips(positions):
    encoded = credentials.encode_bits(positions)
    assert encoded.startswith("u") and "=" not in encoded
    bits = credentials.decode_bits(encoded)
    assert {i for i in range(STATUS_LIST_SIZE) if credentials.bit(bits, i)} == positions


def test_status_list_positions_are_random_and_unique(city_a):
    issued_programme(city_a, people=3)
    indexes = list(Certificate.objects.values_list("status_index", flat=True))
    assert len(set(indexes)) == len(indexes)
    assert sorted(indexes) != list(range(len(indexes)))
