"""Pseudonymous subject ids, keyed identifier hashes and crypto-shredding of personal fields.

The ledger must stay verifiable forever, yet a resident has the right to be
erased. We reconcile the two by never putting anything identifying into the
ledger:

* A data subject is known to the ledger only by a random pseudonym
  (:func:`new_subject_id`). Events and receipts carry that pseudonym.
* External identifiers (an e-mail address, a library card number) are stored
  only as keyed hashes (:func:`identifier_hash`, HMAC-SHA256 with a secret
  pepper kept outside the database), so a partner can say "the subject with
  this card number" without us storing the number, and a leaked table cannot
  be reversed by hashing guesses.
* Identifying fields we must keep (a name for a paper consent, contact
  details) are encrypted with a key of that subject only (AES-256-GCM,
  :func:`encrypt_field`). Subject keys are stored wrapped under a master key
  (:func:`wrap_subject_key`). Erasure destroys the subject's wrapped key and
  identifier hashes: the ciphertexts become unreadable noise, while every
  ledger hash, chain and checkpoint still verifies because none of them ever
  contained the plaintext.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import unicodedata

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = [
    "DecryptionError",
    "ErasedError",
    "decrypt_field",
    "encrypt_field",
    "identifier_hash",
    "new_subject_id",
    "new_subject_key",
    "normalise_identifier",
    "unwrap_subject_key",
    "wrap_subject_key",
]

KEY_SIZE = 32
NONCE_SIZE = 12
MIN_PEPPER_SIZE = 32
_TOKEN_PREFIX = "v1:"  # noqa: S105 - a format tag, not a secret
_KIND = re.compile(r"[a-z][a-z0-9_-]{0,39}")
_WHITESPACE = re.compile(r"\s+")
_PHONE_NOISE = re.compile(r"[\s().\-/]")
_CODE_NOISE = re.compile(r"[\s.\-/]")


class DecryptionError(ValueError):
    """A ciphertext that does not open with this key, subject and field (tampered or moved)."""


class ErasedError(LookupError):
    """The subject's key was destroyed: the field is erased for good."""


def new_subject_id() -> str:
    """A random pseudonym (128 bits) that says nothing about the person."""
    token = base64.b32encode(secrets.token_bytes(16)).decode("ascii").rstrip("=").lower()
    return f"subj-{token}"


def normalise_identifier(kind: str, value: str) -> str:
    """Bring an identifier to one spelling, so the same person always hashes the same.

    Unicode NFKC, trimmed, inner whitespace collapsed; then per kind: ``email``
    is case-folded, ``phone`` keeps digits and a leading ``+`` (``00`` becomes
    ``+``), other kinds (card and record numbers) drop separators and are
    upper-cased.
    """
    if not _KIND.fullmatch(kind):
        raise ValueError("kind: expected a short lower-case slug such as 'email'")
    text = _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", value)).strip()
    if kind == "email":
        text = text.replace(" ", "").casefold()
    elif kind == "phone":
        text = _PHONE_NOISE.sub("", text)
        if text.startswith("00"):
            text = "+" + text[2:]
        if not re.fullmatch(r"\+?[0-9]+", text):
            raise ValueError("phone: expected digits with an optional leading +")
    else:
        text = _CODE_NOISE.sub("", text).upper()
    if not text:
        raise ValueError("identifier: empty after normalisation")
    return text


def identifier_hash(pepper: bytes, kind: str, value: str) -> str:
    """Hex HMAC-SHA256 of the normalised identifier, bound to its kind."""
    if len(pepper) < MIN_PEPPER_SIZE:
        raise ValueError(f"pepper: at least {MIN_PEPPER_SIZE} random bytes are required")
    message = b"cityrights.identifier.v1\0" + kind.encode() + b"\0"
    message += normalise_identifier(kind, value).encode("utf-8")
    return hmac.new(pepper, message, hashlib.sha256).hexdigest()


def new_subject_key() -> bytes:
    """A fresh 256-bit AES key for one subject."""
    return AESGCM.generate_key(bit_length=256)


def _check_key(key: bytes, name: str) -> None:
    if not isinstance(key, bytes) or len(key) != KEY_SIZE:
        raise ValueError(f"{name}: expected {KEY_SIZE} bytes")


def _seal(key: bytes, plaintext: bytes, context: bytes) -> str:
    nonce = os.urandom(NONCE_SIZE)
    sealed = nonce + AESGCM(key).encrypt(nonce, plaintext, context)
    return _TOKEN_PREFIX + base64.urlsafe_b64encode(sealed).decode("ascii").rstrip("=")


def _open(key: bytes, token: str, context: bytes) -> bytes:
    if not isinstance(token, str) or not token.startswith(_TOKEN_PREFIX):
        raise DecryptionError("not an encrypted field of this version")
    body = token[len(_TOKEN_PREFIX) :]
    try:
        sealed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        return AESGCM(key).decrypt(sealed[:NONCE_SIZE], sealed[NONCE_SIZE:], context)
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError("the field does not open with this key, subject and field") from exc


def _field_context(subject_id: str, field: str) -> bytes:
    # The associated data binds a ciphertext to its subject and field, so a
    # ciphertext copied to another resident's row or column fails to open.
    return b"cityrights.field.v1\0" + subject_id.encode() + b"\0" + field.encode()


def encrypt_field(subject_key: bytes, subject_id: str, field: str, plaintext: str) -> str:
    """Encrypt one identifying field of a subject (AES-256-GCM, random nonce)."""
    _check_key(subject_key, "subject_key")
    return _seal(subject_key, plaintext.encode("utf-8"), _field_context(subject_id, field))


def decrypt_field(subject_key: bytes | None, subject_id: str, field: str, token: str) -> str:
    """Decrypt a field; ``subject_key=None`` means the subject was erased (:class:`ErasedError`)."""
    if subject_key is None:
        raise ErasedError(f"the data of subject {subject_id} was erased")
    _check_key(subject_key, "subject_key")
    return _open(subject_key, token, _field_context(subject_id, field)).decode("utf-8")


def wrap_subject_key(master_key: bytes, subject_id: str, subject_key: bytes) -> str:
    """Encrypt a subject key under the master key, so the database alone reveals nothing."""
    _check_key(master_key, "master_key")
    _check_key(subject_key, "subject_key")
    return _seal(master_key, subject_key, b"cityrights.subject-key.v1\0" + subject_id.encode())


def unwrap_subject_key(master_key: bytes, subject_id: str, wrapped: str) -> bytes:
    """Recover a subject key wrapped by :func:`wrap_subject_key` for the same subject."""
    _check_key(master_key, "master_key")
    return _open(master_key, wrapped, b"cityrights.subject-key.v1\0" + subject_id.encode())
