"""core.signing: the installation's Ed25519 key, its JWK forms and compact JWS.

Tokens are checked with two independent JOSE libraries (PyJWT and jwcrypto),
and a key file written before signing moved into core keeps its key ids and
still verifies what it signed then.
"""

from __future__ import annotations

import base64
import json
import os
import stat
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jws as jwcrypto_jws

from cityrights.core import signing
from cityrights.core.signing import (
    JWSError,
    KeyFormatError,
    generate_private_key,
    jwk_thumbprint,
    private_key_from_jwk,
    private_key_from_pem,
    private_key_to_jwk,
    private_key_to_pem,
    public_key_from_jwk,
    public_key_from_pem,
    public_key_to_jwk,
    public_key_to_pem,
)

# RFC 8032 section 7.1, test 1.
RFC8032_SECRET = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC8032_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"

# Written by cityrights before the move (consent/keys.py at 8dfec09, CITYRIGHTS_CONSENT_KEY_DIR,
# base URL http://testserver): the key file, its ids, a receipt and a checkpoint it signed.
OLD_PEM = (
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJX0bhfAf3Po824nhUa0Wmy6u775yiVbwQXI83N8g+Zb\n"
    "-----END PRIVATE KEY-----\n"
)
OLD_KID = "V4Pr78r4872tBuU1F_UxH20IqcM8vM4DOVF6tPafnOw"
OLD_NOTE_ID = "d8b243d5"
OLD_PAYLOAD = {
    "header": {"schemaVersion": "cityrights-consent-receipt/1", "receiptId": "r-1"},
    "iss": "https://city.example/organisations/city",
    "sub": "subj-abc",
    "jti": "r-1",
    "iat": 1740821400,
    "note": "Liège",
}
OLD_RECEIPT = (
    "eyJhbGciOiAiRWREU0EiLCAia2lkIjogIlY0UHI3OHI0ODcydEJ1VTFGX1V4SDIwSXFjTTh2TTRET1ZGNnRQYWZuT3ci"
    "LCAidHlwIjogIkpXVCJ9.eyJoZWFkZXIiOnsicmVjZWlwdElkIjoici0xIiwic2NoZW1hVmVyc2lvbiI6ImNpdHlyaWd"
    "odHMtY29uc2VudC1yZWNlaXB0LzEifSwiaWF0IjoxNzQwODIxNDAwLCJpc3MiOiJodHRwczovL2NpdHkuZXhhbXBsZS9"
    "vcmdhbmlzYXRpb25zL2NpdHkiLCJqdGkiOiJyLTEiLCJub3RlIjoiTGnDqGdlIiwic3ViIjoic3Viai1hYmMifQ.vDBB"
    "oklHc66OhwRK1GhIHKsgSrSdf37z8yEekjpOwWBnrLBLXmBoak7qDgLXvshCUlxXh58QPxDlyoUWRYSMAA"
)
OLD_CHECKPOINT = (
    "testserver/consent-ledger\n3\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"
    "time 2025-03-01T09:30:00Z\n\n\u2014 testserver/consent-ledger 2LJD1UwwC8uToXe4Ob/g8sTYfLi"
    "tI+Ay/axB/wRMuBEA2ziJpezanFBPzVxSGbztDTQX59ksL7hnW751apIhwEIBQQ4=\n"
)


@pytest.fixture
def key_dir(settings, tmp_path):
    for name in ("CITYRIGHTS_KEY_DIR", "CITYRIGHTS_CONSENT_KEY_DIR"):
        if hasattr(settings, name):
            delattr(settings, name)
    settings.CITYRIGHTS_KEY_DIR = str(tmp_path / "keys")
    signing.forget_cached_keys()
    yield tmp_path / "keys"
    signing.forget_cached_keys()


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(RFC8032_SECRET)


def _pyjwt_decode(token: str, document: dict[str, Any]) -> dict[str, Any]:
    """What an outside verifier does: find the kid in the published JWKS, verify with PyJWT."""
    kid = jwt.get_unverified_header(token)["kid"]
    jwk = next(k for k in document["keys"] if k["kid"] == kid)
    return jwt.decode(token, key=jwt.PyJWK(jwk).key, algorithms=["EdDSA"])


# --- key formats --------------------------------------------------------------------------
def test_pem_round_trip_with_and_without_password(key: Ed25519PrivateKey) -> None:
    for password in (None, b"correct horse"):
        pem = private_key_to_pem(key, password)
        assert (b"ENCRYPTED" in pem) is (password is not None)
        loaded = private_key_from_pem(pem, password)
        assert loaded.public_key() == key.public_key()
    assert public_key_from_pem(public_key_to_pem(key.public_key())) == key.public_key()
    with pytest.raises(KeyFormatError):
        private_key_from_pem(b"garbage")
    with pytest.raises(KeyFormatError):
        public_key_from_pem(b"garbage")


def test_jwk_round_trip_matches_rfc8037_and_jwcrypto(key: Ed25519PrivateKey) -> None:
    public = public_key_to_jwk(key.public_key())
    x = base64.urlsafe_b64encode(bytes.fromhex(RFC8032_PUBLIC)).rstrip(b"=").decode()
    assert public["x"] == x == "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    # RFC 8037 appendix A.3 gives this thumbprint for the same key.
    assert public["kid"] == jwk_thumbprint(key.public_key())
    assert public["kid"] == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    assert jwcrypto_jwk.JWK(**public).thumbprint() == public["kid"]
    private = private_key_to_jwk(key, kid="ledger-2025")
    assert private["kid"] == "ledger-2025" and "d" in private
    assert private_key_from_jwk(private).public_key() == key.public_key()
    assert public_key_from_jwk(public) == key.public_key()
    for broken in [
        {**public, "crv": "X25519"},
        {**public, "kty": "EC"},
        {**public, "x": public["x"][:-2]},
        {**public, "x": public["x"] + "="},
        {**private, "x": public_key_to_jwk(generate_private_key().public_key())["x"]},
    ]:
        with pytest.raises(KeyFormatError):
            (private_key_from_jwk if "d" in broken else public_key_from_jwk)(broken)
    with pytest.raises(KeyFormatError, match="private"):
        private_key_from_jwk(public)


# --- the installation's key ---------------------------------------------------------------
def test_the_key_is_created_once_with_mode_0600(key_dir) -> None:
    first = signing.signing_key()
    path = key_dir / signing.SIGNING_KEY_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert first.kid == jwk_thumbprint(first.public)
    assert first.private.public_key() == first.public
    assert first.private_jwk["d"] and first.private_jwk["kid"] == first.kid
    signing.forget_cached_keys()
    assert signing.signing_key().kid == first.kid  # read back, not made anew
    assert signing.jwks() == {"keys": [public_key_to_jwk(first.public)]}
    assert all("d" not in entry for entry in signing.jwks()["keys"])


def test_secret_files_are_created_once_with_mode_0600(key_dir) -> None:
    made = signing.read_or_create_secret("some.key", lambda: b"first")
    assert made == signing.read_or_create_secret("some.key", lambda: b"second") == b"first"
    assert stat.S_IMODE(os.stat(key_dir / "some.key").st_mode) == 0o600


def test_general_key_dir_wins_and_the_consent_name_is_still_honoured(settings, tmp_path) -> None:
    settings.CITYRIGHTS_KEY_DIR = ""
    settings.CITYRIGHTS_CONSENT_KEY_DIR = str(tmp_path / "consent")
    assert signing.key_dir() == tmp_path / "consent"
    settings.CITYRIGHTS_KEY_DIR = str(tmp_path / "general")
    assert signing.key_dir() == tmp_path / "general"
    settings.CITYRIGHTS_KEY_DIR = ""
    settings.CITYRIGHTS_CONSENT_KEY_DIR = ""
    os.environ["CITYRIGHTS_KEY_DIR"] = str(tmp_path / "from-env")
    try:
        assert signing.key_dir() == tmp_path / "from-env"
    finally:
        del os.environ["CITYRIGHTS_KEY_DIR"]
    assert signing.key_dir() == settings.DATA_DIR / "keys"


def test_a_key_file_from_before_the_move_keeps_its_ids_and_verifies_old_tokens(
    settings, tmp_path
) -> None:
    """The consent app's key folder and file as they were: same kid, same note id, old
    receipts and checkpoints verify, and the same payload still signs to the same bytes."""
    from cityrights.consent import keys
    from cityrights.consent.checkpoints import SignedCheckpoint, verify_checkpoint
    from cityrights.consent.receipts import verify_receipt

    folder = tmp_path / "consent-keys"
    folder.mkdir()
    (folder / "ledger-ed25519.pem").write_text(OLD_PEM)
    settings.CITYRIGHTS_KEY_DIR = ""
    settings.CITYRIGHTS_CONSENT_KEY_DIR = str(folder)
    keys.forget_cached_keys()
    try:
        assert signing.signing_key().kid == OLD_KID
        assert keys.note_id().hex() == OLD_NOTE_ID
        assert signing.verify_jws(OLD_RECEIPT, typ="JWT") == OLD_PAYLOAD
        assert verify_receipt(OLD_RECEIPT, signing.jwks()) == OLD_PAYLOAD
        assert signing.sign_jws(OLD_PAYLOAD, typ="JWT") == OLD_RECEIPT
        note = SignedCheckpoint.from_note(OLD_CHECKPOINT)
        public = keys.public_key_for_note(note.key_id)
        assert public is not None and verify_checkpoint(public, note)
        assert _pyjwt_decode(OLD_RECEIPT, Client().get("/.well-known/jwks.json").json())
    finally:
        keys.forget_cached_keys()


def test_rotation_keeps_old_signatures_verifiable(key_dir) -> None:
    old_token = signing.sign_jws({"n": 1}, typ="test+jws")
    old_kid, new_kid = signing.rotate_signing_key()
    assert old_kid != new_kid == signing.signing_key().kid
    assert (key_dir / "retired" / f"{old_kid}.pem").exists()
    assert list(signing.public_keys()) == [new_kid, old_kid]
    assert signing.verify_jws(old_token) == {"n": 1}
    new_token = signing.sign_jws({"n": 2}, typ="test+jws")
    assert jwt.get_unverified_header(new_token)["kid"] == new_kid
    for token in (old_token, new_token):
        assert _pyjwt_decode(token, signing.jwks())
    # A retired key that disappears takes its signatures with it: back up retired/ too.
    (key_dir / "retired" / f"{old_kid}.pem").unlink()
    with pytest.raises(JWSError, match="unknown signing key"):
        signing.verify_jws(old_token)


# --- compact JWS ---------------------------------------------------------------------------
def test_sign_jws_header_and_two_independent_libraries(key_dir) -> None:
    payload = {"certificate": "CR-2025-001", "city": "Liège", "score": 3}
    token = signing.sign_jws(payload, typ="certificate+jws", extra_headers={"cty": "json"})
    header = jwt.get_unverified_header(token)
    assert header == {
        "alg": "EdDSA",
        "kid": signing.signing_key().kid,
        "typ": "certificate+jws",
        "cty": "json",
    }
    assert signing.verify_jws(token, typ="certificate+jws") == payload
    assert _pyjwt_decode(token, signing.jwks()) == payload
    jose_key = jwcrypto_jwk.JWK(**signing.jwks()["keys"][0])
    parsed = jwcrypto_jws.JWS()
    parsed.deserialize(token)
    parsed.verify(jose_key, alg="EdDSA")
    assert json.loads(parsed.payload) == payload


def test_verify_jws_refuses_clearly(key_dir) -> None:
    token = signing.sign_jws({"a": 1}, typ="report+jws")
    head, body, sig = token.split(".")
    other = signing.sign_compact({"a": 1}, generate_private_key(), kid="x", typ="report+jws")
    forged_body = base64.urlsafe_b64encode(b'{"a":2}').rstrip(b"=").decode()

    def header(**members: Any) -> str:
        raw = json.dumps(members).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    kid = signing.signing_key().kid
    cases = {
        f"{head}.{forged_body}.{sig}": "does not verify",
        other: "unknown signing key",
        f"{header(alg='none', kid=kid, typ='report+jws')}.{body}.": "not EdDSA",
        f"{header(alg='HS256', kid=kid)}.{body}.{sig}": "not EdDSA",
        f"{header(alg='EdDSA', kid=kid, crit=['b64'])}.{body}.{sig}": "critical",
        f"{header(alg='EdDSA')}.{body}.{sig}": "no key id",
        f"{head}.{body}.{sig[:-4]}": "signature is not 64",
        f"{head}.{body}": "three base64url parts",
        "": "three base64url parts",
        "!!.!!.!!": "header is not base64url",
        f"{head}.{body}.{sig}=": "signature is not 64",
    }
    for bad, reason in cases.items():
        with pytest.raises(JWSError, match=reason):
            signing.verify_jws(bad)
    with pytest.raises(JWSError, match="expected typ 'certificate\\+jws'"):
        signing.verify_jws(token, typ="certificate+jws")
    with pytest.raises(JWSError, match="cannot set"):
        signing.sign_jws({"a": 1}, typ="x", extra_headers={"alg": "none"})


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@hsettings(max_examples=60, deadline=None)
@given(payload=st.dictionaries(st.text(max_size=10), json_values, max_size=6))
def test_any_json_object_round_trips_and_pyjwt_agrees(payload: dict[str, Any]) -> None:
    private = Ed25519PrivateKey.from_private_bytes(RFC8032_SECRET)
    keys = {"k": private.public_key()}
    token = signing.sign_compact(payload, private, kid="k", typ="test+jws")
    assert signing.verify_compact(token, keys) == payload
    public_jwk = signing.jwks_document(keys)["keys"][0]
    decoded = jwt.api_jws.decode(token, key=jwt.PyJWK(public_jwk).key, algorithms=["EdDSA"])
    assert json.loads(decoded) == payload


def test_jwks_is_served_at_one_city_independent_address(key_dir, db) -> None:
    response = Client().get(signing.JWKS_PATH)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jwk-set+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json() == signing.jwks()
    assert Client().get("/api/v1/consent/jwks.json").json() == signing.jwks()
    assert Client().post(signing.JWKS_PATH).status_code == 405


def test_the_signing_key_command_shows_and_rotates(key_dir) -> None:
    from io import StringIO

    from django.core.management import call_command

    before = signing.signing_key().kid
    out = StringIO()
    call_command("signing-key", stdout=out)
    assert f"Current key id (kid): {before}" in out.getvalue()
    assert "Retired keys still published: none" in out.getvalue()
    out = StringIO()
    call_command("signing-key", "--rotate", stdout=out)
    after = signing.signing_key().kid
    assert after != before
    assert f"Retired key {before}; now signing with {after}." in out.getvalue()
    assert f"Retired keys still published: {before}" in out.getvalue()
