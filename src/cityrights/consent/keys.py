"""The consent ledger's secrets, kept as files outside the database.

* ``ledger-ed25519.pem``: the Ed25519 key that signs checkpoints and receipts.
  Anyone with the database but without this file cannot forge a checkpoint.
* ``subject-master.key``: 32 random bytes that wrap every data subject's key
  (crypto-shredding: erasing a subject destroys its wrapped key).
* ``identifier-pepper.key``: 32 random bytes for keyed hashes of external
  identifiers, so a leaked table cannot be reversed by hashing guesses.
* ``retired/*.pem``: public keys of earlier ledger keys, still published in
  the JWKS so old receipts and checkpoints keep verifying after a rotation.

All live in ``CITYRIGHTS_DATA_DIR/keys/`` (or ``CITYRIGHTS_CONSENT_KEY_DIR``)
and are created on first use with mode 0600. Back them up with the database:
without the signing key no new checkpoint matches the old key id; without
the master key no identifying data of any subject can be read again.
"""

from __future__ import annotations

import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from .checkpoints import (
    generate_private_key,
    jwk_thumbprint,
    note_key_id,
    private_key_from_pem,
    private_key_to_jwk,
    private_key_to_pem,
    public_key_from_pem,
)

SIGNING_KEY_FILE = "ledger-ed25519.pem"
MASTER_KEY_FILE = "subject-master.key"
PEPPER_FILE = "identifier-pepper.key"

_lock = threading.Lock()
_cache: dict[tuple[str, str], object] = {}


def key_dir() -> Path:
    configured = getattr(settings, "CITYRIGHTS_CONSENT_KEY_DIR", "") or os.environ.get(
        "CITYRIGHTS_CONSENT_KEY_DIR", ""
    )
    return Path(configured) if configured else Path(settings.DATA_DIR) / "keys"


def origin() -> str:
    """The ledger's name in checkpoints: ``<host of CITYRIGHTS_BASE_URL>/consent-ledger``."""
    host = urlparse(settings.CITYRIGHTS_BASE_URL).netloc or "localhost"
    return f"{host}/consent-ledger"


def _create_exclusive(path: Path, data: bytes) -> None:
    """Write a new secret file with mode 0600; a concurrent creator's file wins."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _read_or_create(name: str, make: bytes) -> bytes:
    path = key_dir() / name
    if not path.exists():
        _create_exclusive(path, make)
    return path.read_bytes()


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey
    kid: str  # RFC 7638 thumbprint, the JWS key id
    note_id: bytes  # 4-byte signed-note key id for checkpoints

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    def private_jwk(self) -> dict[str, str]:
        return private_key_to_jwk(self.private, self.kid)


def signing_key() -> SigningKey:
    """The current Ed25519 ledger key, created on first use."""
    cache_key = (str(key_dir()), "signing")
    with _lock:
        cached = _cache.get(cache_key)
        if cached is None:
            pem = _read_or_create(SIGNING_KEY_FILE, private_key_to_pem(generate_private_key()))
            private = private_key_from_pem(pem)
            cached = SigningKey(
                private=private,
                kid=jwk_thumbprint(private.public_key()),
                note_id=note_key_id(origin(), private.public_key()),
            )
            _cache[cache_key] = cached
    assert isinstance(cached, SigningKey)
    return cached


def public_keys() -> dict[str, Ed25519PublicKey]:
    """Every key a receipt or checkpoint may be signed with: the current one and retired ones."""
    current = signing_key()
    keys = {current.kid: current.public}
    retired = key_dir() / "retired"
    if retired.is_dir():
        for path in sorted(retired.glob("*.pem")):
            public = public_key_from_pem(path.read_bytes())
            keys.setdefault(jwk_thumbprint(public), public)
    return keys


def public_key_for_note(note_id: bytes) -> Ed25519PublicKey | None:
    """The public key whose signed-note key id is ``note_id`` (for checkpoint verification)."""
    for public in public_keys().values():
        if note_key_id(origin(), public) == note_id:
            return public
    return None


def _secret(name: str) -> bytes:
    cache_key = (str(key_dir()), name)
    with _lock:
        cached = _cache.get(cache_key)
        if cached is None:
            cached = _read_or_create(name, secrets.token_bytes(32))
            if len(cached) != 32:
                raise RuntimeError(f"{key_dir() / name} must hold exactly 32 bytes")
            _cache[cache_key] = cached
    assert isinstance(cached, bytes)
    return cached


def master_key() -> bytes:
    return _secret(MASTER_KEY_FILE)


def pepper() -> bytes:
    return _secret(PEPPER_FILE)


def forget_cached_keys() -> None:
    """For tests and key rotation: read the files again on next use."""
    with _lock:
        _cache.clear()
