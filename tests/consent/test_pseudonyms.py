"""Keyed identifier hashes and crypto-shredding: erasure leaves the ledger verifiable."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cityrights.consent.events import chain_events, verify_chain
from cityrights.consent.pseudonyms import (
    DecryptionError,
    ErasedError,
    decrypt_field,
    encrypt_field,
    identifier_hash,
    new_subject_id,
    new_subject_key,
    normalise_identifier,
    unwrap_subject_key,
    wrap_subject_key,
)

PEPPER = b"p" * 32
MASTER = bytes(range(32))


@pytest.mark.parametrize(
    ("kind", "spellings", "normal"),
    [
        (
            "email",
            [" Rita@Example.ORG ", "rita@example.org", "RITA@EXAMPLE.ORG"],
            "rita@example.org",
        ),
        ("phone", ["+31 6 1234-5678", "0031 (6) 12345678", "+31612345678"], "+31612345678"),
        ("library_card", ["ab-123 456", "AB123456", "ab.123.456"], "AB123456"),
        ("email", ["ｒｉｔａ@example.org"], "rita@example.org"),  # full-width letters (NFKC)
    ],
)
def test_spellings_of_one_identifier_hash_alike(
    kind: str, spellings: list[str], normal: str
) -> None:
    assert {normalise_identifier(kind, s) for s in spellings} == {normal}
    assert len({identifier_hash(PEPPER, kind, s) for s in spellings}) == 1


def test_identifier_hash_is_an_hmac_bound_to_kind_and_pepper() -> None:
    expected = hmac.new(
        PEPPER, b"cityrights.identifier.v1\0email\0rita@example.org", hashlib.sha256
    ).hexdigest()
    assert identifier_hash(PEPPER, "email", "Rita@example.org") == expected
    assert identifier_hash(b"q" * 32, "email", "rita@example.org") != expected
    assert identifier_hash(PEPPER, "library_card", "12345") != identifier_hash(
        PEPPER, "member_number", "12345"
    )
    # Without the pepper, hashing guesses does not find the identifier.
    assert hashlib.sha256(b"rita@example.org").hexdigest() != expected


@pytest.mark.parametrize(
    ("kind", "value"), [("email", "   "), ("phone", "call me"), ("Email", "x@y.z"), ("a b", "1")]
)
def test_bad_identifiers_are_refused(kind: str, value: str) -> None:
    with pytest.raises(ValueError):
        normalise_identifier(kind, value)


def test_short_pepper_is_refused() -> None:
    with pytest.raises(ValueError, match="pepper"):
        identifier_hash(b"short", "email", "rita@example.org")


def test_subject_ids_are_random_and_opaque() -> None:
    ids = {new_subject_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(i.startswith("subj-") and len(i) == 31 for i in ids)


@settings(max_examples=50, deadline=None)
@given(text=st.text())
def test_fields_round_trip(text: str) -> None:
    key, subject = new_subject_key(), "subj-a"
    token = encrypt_field(key, subject, "name", text)
    assert decrypt_field(key, subject, "name", token) == text


def test_ciphertexts_cannot_be_moved_or_altered() -> None:
    key, subject = new_subject_key(), "subj-a"
    token = encrypt_field(key, subject, "name", "Rita Resident")
    assert "Rita" not in token
    assert token != encrypt_field(key, subject, "name", "Rita Resident"), "random nonce"
    with pytest.raises(DecryptionError):
        decrypt_field(key, "subj-b", "name", token)
    with pytest.raises(DecryptionError):
        decrypt_field(key, subject, "email", token)
    with pytest.raises(DecryptionError):
        decrypt_field(new_subject_key(), subject, "name", token)
    altered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(DecryptionError):
        decrypt_field(key, subject, "name", altered)
    with pytest.raises(DecryptionError):
        decrypt_field(key, subject, "name", "plain text")


def test_subject_keys_are_wrapped_per_subject() -> None:
    key = new_subject_key()
    wrapped = wrap_subject_key(MASTER, "subj-a", key)
    assert unwrap_subject_key(MASTER, "subj-a", wrapped) == key
    with pytest.raises(DecryptionError):
        unwrap_subject_key(MASTER, "subj-b", wrapped)
    with pytest.raises(DecryptionError):
        unwrap_subject_key(bytes(32), "subj-a", wrapped)
    with pytest.raises(ValueError):
        wrap_subject_key(b"short", "subj-a", key)


def test_erasure_destroys_the_data_but_not_the_ledger() -> None:
    subject = new_subject_id()
    vault = {subject: wrap_subject_key(MASTER, subject, new_subject_key())}
    key = unwrap_subject_key(MASTER, subject, vault[subject])
    stored_name = encrypt_field(key, subject, "witnessed_name", "Rita Resident")
    events = chain_events(
        [
            {
                "seq": n,
                "subject": subject,
                "kind": "grant",
                "agreement": "library",
                "agreement_version": 1,
                "scope": ["https://w3id.org/dpv/pd#Age"],
                "method": "paper",
                "witness": "staff-17",
                "time": datetime(2025, 1, n, tzinfo=UTC),
            }
            for n in (1, 2)
        ]
    )
    assert "Rita" not in repr(events)

    del vault[subject], key  # erasure: the only copy of the subject key is gone
    remaining_key = None if subject not in vault else b""
    with pytest.raises(ErasedError):
        decrypt_field(remaining_key, subject, "witnessed_name", stored_name)
    with pytest.raises(DecryptionError):  # nor does any other key open it
        decrypt_field(new_subject_key(), subject, "witnessed_name", stored_name)
    assert verify_chain(events) is None
