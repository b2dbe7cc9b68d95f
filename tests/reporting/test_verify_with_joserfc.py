"""A resident verifies a downloaded report with joserfc, a JOSE library that core.signing
does not use, holding only the published file and the key set the site serves."""

from __future__ import annotations

import base64
import copy
import hashlib
import json

import pytest
from django.test import Client
from joserfc import jws
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet

from cityrights.reporting import content, services

from .conftest import YEAR

# RFC 9864 prefers the name "Ed25519"; "EdDSA" is what the report's signature says, on purpose.
pytestmark = pytest.mark.filterwarnings("ignore:EdDSA is deprecated")


def _published(city_a):
    users = city_a.users
    report = services.generate_draft(organisation=city_a.city, year=YEAR, actor=users["editor"])
    services.update_texts(
        report=report,
        actor=users["editor"],
        foreword={"en": "What the city did with digital rights."},
        commentaries={"transparency": {"en": "More entries than last year."}},
    )
    report = services.approve(report=report, actor=users["reviewer"])
    return services.publish(report=report, actor=users["admin"])


def _sha256_of(document) -> str:
    """The canonical JSON rebuilt here by hand: sorted keys, no spaces, UTF-8."""
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _download(city_a):
    report = _published(city_a)
    client = Client()
    url = f"/cities/city-a/reports/{YEAR}/v{report.version}/report.json"
    downloaded = client.get(url)
    assert downloaded.status_code == 200
    key_set = client.get("/.well-known/jwks.json")
    assert key_set.status_code == 200
    return downloaded.json(), KeySet.import_key_set(key_set.json())


def test_the_downloaded_report_verifies_with_joserfc_against_the_served_key_set(city_a):
    body, keys = _download(city_a)
    token = jws.deserialize_compact(body["signature"], keys, algorithms=["EdDSA"])
    assert token.headers()["alg"] == "EdDSA"
    assert token.headers()["typ"] == content.JWS_TYPE
    claims = json.loads(token.payload)
    assert (claims["city"], claims["year"], claims["version"]) == ("city-a", YEAR, 1)
    assert claims["sha256"] == body["sha256"] == _sha256_of(body["report"])
    assert body["jwks"].endswith("/.well-known/jwks.json")


def test_a_tampered_copy_fails(city_a):
    body, keys = _download(city_a)
    changed = copy.deepcopy(body["report"])
    changed["sections"]["en"][2]["commentary"] = "Fewer entries than last year."
    token = jws.deserialize_compact(body["signature"], keys, algorithms=["EdDSA"])
    assert _sha256_of(changed) != json.loads(token.payload)["sha256"]
    # A signature whose payload was swapped for one naming the tampered copy fails too.
    header, _payload, signature = body["signature"].split(".")
    forged = dict(json.loads(token.payload), sha256=_sha256_of(changed))
    payload = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    with pytest.raises(BadSignatureError):
        jws.deserialize_compact(f"{header}.{payload}.{signature}", keys, algorithms=["EdDSA"])
