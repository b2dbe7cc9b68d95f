"""Signed checkpoints: the signature covers every field, and keys survive PEM and JWK."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cityrights.consent.checkpoints import (
    CheckpointError,
    SignedCheckpoint,
    sign_checkpoint,
    verify_checkpoint,
)
from cityrights.core.signing import generate_private_key, note_key_id, verifier_key

ORIGIN = "cityrights.example.org/consent-ledger"
ROOT = hashlib.sha256(b"some root").digest()
WHEN = datetime(2025, 3, 1, 9, 30, 15, 999, tzinfo=UTC)
# RFC 8032 section 7.1, test 1: a fixed key makes the note bytes reproducible.
RFC8032_SECRET = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC8032_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"


@pytest.fixture(scope="module")
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(RFC8032_SECRET)


def test_note_has_the_checkpoint_layout(key: Ed25519PrivateKey) -> None:
    signed = sign_checkpoint(key, ORIGIN, 1024, ROOT, WHEN)
    note = signed.to_note()
    body, signature_line = note.split("\n\n")
    assert body.split("\n") == [
        ORIGIN,
        "1024",
        base64.b64encode(ROOT).decode(),
        "time 2025-03-01T09:30:15Z",
    ]
    dash, name, blob = signature_line.rstrip("\n").split(" ")
    assert (dash, name) == ("\u2014", ORIGIN)
    raw = base64.b64decode(blob)
    expected_id = hashlib.sha256(
        ORIGIN.encode() + b"\n\x01" + bytes.fromhex(RFC8032_PUBLIC)
    ).digest()[:4]
    assert raw[:4] == expected_id == note_key_id(ORIGIN, key.public_key())
    # The signature is a plain Ed25519 signature over the body and its final newline.
    key.public_key().verify(raw[4:], (body + "\n").encode())
    encoded_key = base64.b64encode(b"\x01" + bytes.fromhex(RFC8032_PUBLIC)).decode()
    assert verifier_key(ORIGIN, key.public_key()) == f"{ORIGIN}+{expected_id.hex()}+{encoded_key}"


def test_sign_verify_and_both_forms_round_trip(key: Ed25519PrivateKey) -> None:
    signed = sign_checkpoint(key, ORIGIN, 7, ROOT, WHEN.astimezone(timezone(timedelta(hours=2))))
    assert signed.time == WHEN.replace(microsecond=0)
    assert verify_checkpoint(key.public_key(), signed)
    assert verify_checkpoint(key.public_key(), signed.to_note())
    assert SignedCheckpoint.from_note(signed.to_note()) == signed
    assert SignedCheckpoint.from_json(signed.to_json()) == signed


@pytest.mark.parametrize(
    "change",
    [
        {"size": 8},
        {"root": hashlib.sha256(b"other").digest()},
        {"time": WHEN.replace(microsecond=0) + timedelta(seconds=1)},
        {"origin": "evil.example/ledger"},
    ],
)
def test_any_changed_field_fails_verification(key: Ed25519PrivateKey, change: dict) -> None:
    signed = sign_checkpoint(key, ORIGIN, 7, ROOT, WHEN)
    tampered = replace(signed, **change)
    assert not verify_checkpoint(key.public_key(), tampered)
    assert not verify_checkpoint(key.public_key(), tampered.to_note())


def test_wrong_key_and_mangled_notes_fail(key: Ed25519PrivateKey) -> None:
    signed = sign_checkpoint(key, ORIGIN, 7, ROOT, WHEN)
    assert not verify_checkpoint(generate_private_key().public_key(), signed)
    note = signed.to_note()
    bad_signature = bytearray(signed.signature)
    bad_signature[10] ^= 1
    assert not verify_checkpoint(key.public_key(), replace(signed, signature=bytes(bad_signature)))
    for mangled in [
        note.replace("\n7\n", "\n07\n"),
        note.replace("\n\n", "\n"),
        note.replace("time ", "when "),
        note.replace(ORIGIN + " ", "someone-else "),
        note.replace("\u2014", "-"),
        "",
    ]:
        assert not verify_checkpoint(key.public_key(), mangled)
        with pytest.raises(CheckpointError):
            SignedCheckpoint.from_note(mangled)


def test_cosignature_lines_are_tolerated(key: Ed25519PrivateKey) -> None:
    signed = sign_checkpoint(key, ORIGIN, 7, ROOT, WHEN)
    witness = "\u2014 witness.example " + base64.b64encode(b"w" * 68).decode() + "\n"
    body, sig = signed.to_note().split("\n\n")
    assert verify_checkpoint(key.public_key(), body + "\n\n" + witness + sig)


def test_invalid_inputs_are_refused(key: Ed25519PrivateKey) -> None:
    with pytest.raises(CheckpointError):
        sign_checkpoint(key, "has space", 1, ROOT, WHEN)
    with pytest.raises(CheckpointError):
        sign_checkpoint(key, "a+b", 1, ROOT, WHEN)
    with pytest.raises(CheckpointError):
        sign_checkpoint(key, ORIGIN, -1, ROOT, WHEN)
    with pytest.raises(CheckpointError):
        sign_checkpoint(key, ORIGIN, 1, ROOT[:31], WHEN)
    with pytest.raises(CheckpointError):
        sign_checkpoint(key, ORIGIN, 1, ROOT, datetime(2025, 1, 1))
    with pytest.raises(CheckpointError):
        SignedCheckpoint.from_json({"origin": ORIGIN})
