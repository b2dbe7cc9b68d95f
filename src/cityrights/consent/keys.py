"""The consent ledger's own secrets, and the ledger's name and key id in checkpoints.

The signing key itself (``ledger-ed25519.pem``, which signs checkpoints and
receipts) belongs to the installation: see :mod:`cityrights.core.signing`.
Kept beside it, in the same key folder and created the same way (mode 0600):

* ``subject-master.key``: 32 random bytes that wrap every data subject's key
  (crypto-shredding: erasing a subject destroys its wrapped key).
* ``identifier-pepper.key``: 32 random bytes for keyed hashes of external
  identifiers, so a leaked table cannot be reversed by hashing guesses.

Back them up with the database: without the master key no identifying data
of any subject can be read again; without the pepper no external identifier
can be matched again.
"""

from __future__ import annotations

import secrets
import threading
from urllib.parse import urlparse

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings

from cityrights.core import signing

MASTER_KEY_FILE = "subject-master.key"
PEPPER_FILE = "identifier-pepper.key"


def _new_secret() -> bytes:
    return secrets.token_bytes(32)


def register() -> None:
    """Name the app's secret files to the installation (``create-keys``, ``check --deploy``)."""
    signing.register_secret(MASTER_KEY_FILE, _new_secret)
    signing.register_secret(PEPPER_FILE, _new_secret)


_lock = threading.Lock()
_cache: dict[tuple[str, str], bytes] = {}


def origin() -> str:
    """The ledger's name in checkpoints: ``<host of CITYRIGHTS_BASE_URL>/consent-ledger``."""
    host = urlparse(settings.CITYRIGHTS_BASE_URL).netloc or "localhost"
    return f"{host}/consent-ledger"


def note_id() -> bytes:
    """The signed-note key id with which the current key signs checkpoints."""
    return signing.signing_key().note_id(origin())


def public_key_for_note(key_id: bytes) -> Ed25519PublicKey | None:
    """The published key whose signed-note key id is ``key_id`` (for checkpoint verification)."""
    name = origin()
    for public in signing.public_keys().values():
        if signing.note_key_id(name, public) == key_id:
            return public
    return None


def _secret(name: str) -> bytes:
    cache_key = (str(signing.key_dir()), name)
    with _lock:
        cached = _cache.get(cache_key)
        if cached is None:
            cached = signing.read_or_create_secret(name, _new_secret)
            if len(cached) != 32:
                raise RuntimeError(f"{signing.key_dir() / name} must hold exactly 32 bytes")
            _cache[cache_key] = cached
    return cached


def master_key() -> bytes:
    return _secret(MASTER_KEY_FILE)


def pepper() -> bytes:
    return _secret(PEPPER_FILE)


def forget_cached_keys() -> None:
    """For tests and key rotation: read every key file again on next use."""
    with _lock:
        _cache.clear()
    signing.forget_cached_keys()
