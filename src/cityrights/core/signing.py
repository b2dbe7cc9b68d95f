"""The installation's signing key: one Ed25519 key, its JWK forms, and compact JWS.

Everything cityrights signs for the outside world (consent receipts, ledger
checkpoints, and the certificates and annual reports that other apps issue)
is signed with **one** Ed25519 key, so a verifier needs one published key
set: the JSON Web Key Set at ``/.well-known/jwks.json`` (:data:`JWKS_PATH`),
the same for every city of the installation.

Where the keys live
    ``CITYRIGHTS_KEY_DIR`` (setting or environment variable); the older
    ``CITYRIGHTS_CONSENT_KEY_DIR`` is still read when the general one is not
    set; otherwise ``CITYRIGHTS_DATA_DIR/keys``. In that folder:

    * ``ledger-ed25519.pem``: the current private key (PKCS#8 PEM, mode 0600),
      created on first use. Its name is historical: the consent ledger was
      the first app to sign.
    * ``retired/*.pem``: public keys of earlier signing keys. They stay in
      the JWKS so that everything they signed keeps verifying after a
      rotation (:func:`rotate_signing_key`).

Key ids
    A JWS names its key by the RFC 7638 thumbprint of the public JWK
    (:func:`jwk_thumbprint`); a signed note (a ledger checkpoint) by the
    4-byte signed-note key id (:func:`note_key_id`). Both are derived from
    the key alone, so a key file keeps its ids wherever it is moved.

Signing and verifying
    :func:`sign_jws` makes a compact JWS (RFC 7515) with ``alg`` EdDSA
    (RFC 8037), the ``kid`` and a ``typ`` of the caller's choosing; the
    payload is canonical JSON (sorted keys, no spaces, UTF-8), so the same
    payload always gives the same token. :func:`verify_jws` accepts only
    EdDSA with a published key, whatever a token's header claims, and raises
    :class:`JWSError` with the reason. Any JOSE library verifies these tokens
    from the JWKS alone (the tests use PyJWT and jwcrypto).

Secret files
    :func:`read_or_create_secret` creates a file of random bytes exclusively
    with mode 0600 (a concurrent creator's file wins) in the key folder. Apps
    use it for their own secrets (the consent app's subject master key and
    identifier pepper) and name them with :func:`register_secret`.

Never a new key in place of a lost one
    A key that is missing where one was expected (a key folder not restored, a
    service started from another folder, a typo in ``CITYRIGHTS_KEY_DIR``) must not
    be replaced silently: a new pepper matches no resident's identifier (every
    consent check would answer "no consent on record"), a new signing key signs
    checkpoints nobody can check against the published keys. With
    ``CITYRIGHTS_CREATE_KEYS`` off (the production profile) a missing key file
    raises :class:`MissingKeyError` naming the file; a new installation creates its
    keys once with ``cityrights create-keys``, and ``check --deploy`` lists the
    files that are missing (``cityrights.E002``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

__all__ = [
    "ALGORITHM",
    "JWKS_PATH",
    "SIGNING_KEY_FILE",
    "JWSError",
    "KeyFormatError",
    "SigningKey",
    "canonical_json",
    "forget_cached_keys",
    "generate_private_key",
    "jwk_thumbprint",
    "jwks",
    "jwks_document",
    "key_dir",
    "note_key_id",
    "private_key_from_jwk",
    "private_key_from_pem",
    "private_key_to_jwk",
    "private_key_to_pem",
    "public_key_from_jwk",
    "public_key_from_pem",
    "public_key_to_jwk",
    "public_key_to_pem",
    "public_keys",
    "read_or_create_secret",
    "rotate_signing_key",
    "sign_compact",
    "sign_jws",
    "signing_key",
    "unverified_header",
    "verifier_key",
    "verify_compact",
    "verify_jws",
]

#: The one JOSE algorithm used and accepted: Ed25519 signatures (RFC 8037).
ALGORITHM = "EdDSA"
#: Where the installation publishes its JWKS (city-independent; cite it in verifiers).
JWKS_PATH = "/.well-known/jwks.json"
SIGNING_KEY_FILE = "ledger-ed25519.pem"
RETIRED_DIR = "retired"

_ED25519_NOTE_ALG = b"\x01"
_B64URL = re.compile(r"[A-Za-z0-9_-]*")

_lock = threading.Lock()
_cache: dict[tuple[str, str], object] = {}


class MissingKeyError(RuntimeError):
    """A key file is missing and may not be created here (see the module docstring)."""


class KeyFormatError(ValueError):
    """A key (PEM or JWK) that cannot be read; the message says why."""


class JWSError(ValueError):
    """A JWS that is malformed or does not verify; the message says why."""


# --- where the keys live --------------------------------------------------------------
def key_dir() -> Path:
    """The folder of the signing key and of the apps' secret files."""
    for name in ("CITYRIGHTS_KEY_DIR", "CITYRIGHTS_CONSENT_KEY_DIR"):
        configured = getattr(settings, name, "") or os.environ.get(name, "")
        if configured:
            return Path(configured)
    return Path(settings.DATA_DIR) / "keys"


def _create_exclusive(path: Path, data: bytes) -> None:
    """Write a new secret file with mode 0600; a concurrent creator's file wins."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def may_create_keys() -> bool:
    """Whether a missing key file may be created on first use (not in production)."""
    return bool(getattr(settings, "CITYRIGHTS_CREATE_KEYS", True))


def missing_key_message(paths: list[Path]) -> str:
    names = ", ".join(str(path) for path in paths)
    return (
        f"Key file missing: {names}. Restore the key folder from your backup (or point "
        "CITYRIGHTS_KEY_DIR / CITYRIGHTS_DATA_DIR at it); only for a new installation, "
        "create the keys with `cityrights create-keys`."
    )


def read_or_create_secret(name: str, make: Callable[[], bytes]) -> bytes:
    """The bytes of the secret file ``name`` in :func:`key_dir`, created from ``make()`` if absent
    and :func:`may_create_keys` (else :class:`MissingKeyError`).

    The file is created exclusively with mode 0600, so two processes starting
    at once agree on one secret. Results are not cached here; callers cache.
    """
    path = key_dir() / name
    if not path.exists():
        if not may_create_keys():
            raise MissingKeyError(missing_key_message([path]))
        _create_exclusive(path, make())
    return path.read_bytes()


#: The apps' secret files (name → how a new one is made), see :func:`register_secret`.
_SECRETS: dict[str, Callable[[], bytes]] = {}


def register_secret(name: str, make: Callable[[], bytes]) -> None:
    """Name a secret file an app keeps in the key folder, so that ``create-keys`` makes it and
    ``check --deploy`` misses it."""
    _SECRETS[name] = make


def key_files() -> dict[str, Callable[[], bytes]]:
    """Every key file of the installation: the signing key and the apps' secrets."""
    return {SIGNING_KEY_FILE: _new_signing_key_pem, **_SECRETS}


def missing_key_files() -> list[Path]:
    folder = key_dir()
    return [folder / name for name in key_files() if not (folder / name).exists()]


def create_missing_keys() -> list[Path]:
    """Create the key files that are missing (a new installation); the paths created."""
    created = []
    for name, make in key_files().items():
        path = key_dir() / name
        if not path.exists():
            _create_exclusive(path, make())
            created.append(path)
    forget_cached_keys()
    return created


def forget_cached_keys() -> None:
    """Read the key files again on next use (for tests, and after a rotation)."""
    with _lock:
        _cache.clear()


# --- key formats ----------------------------------------------------------------------
def generate_private_key() -> Ed25519PrivateKey:
    """A new Ed25519 signing key."""
    return Ed25519PrivateKey.generate()


def private_key_to_pem(key: Ed25519PrivateKey, password: bytes | None = None) -> bytes:
    """PKCS#8 PEM, encrypted when a password is given (for files and secret stores)."""
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def private_key_from_pem(data: bytes, password: bytes | None = None) -> Ed25519PrivateKey:
    """Load a PKCS#8 PEM private key; refuses keys of other types."""
    try:
        key = serialization.load_pem_private_key(data, password=password)
    except (ValueError, TypeError) as exc:
        raise KeyFormatError(f"not a readable PEM private key: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFormatError("the PEM key is not an Ed25519 key")
    return key


def _new_signing_key_pem() -> bytes:
    return private_key_to_pem(generate_private_key())


def public_key_to_pem(key: Ed25519PublicKey) -> bytes:
    """SubjectPublicKeyInfo PEM, the form most tools accept."""
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def public_key_from_pem(data: bytes) -> Ed25519PublicKey:
    """Load a SubjectPublicKeyInfo PEM public key; refuses keys of other types."""
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise KeyFormatError(f"not a readable PEM public key: {exc}") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFormatError("the PEM key is not an Ed25519 key")
    return key


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_bytes(text: Any) -> bytes | None:
    """Strict base64url without padding, or None."""
    if not isinstance(text, str) or not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        return None
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, binascii.Error):
        return None
    return data if _b64url(data) == text else None


def _jwk_bytes(text: Any, length: int, name: str) -> bytes:
    data = _b64url_bytes(text)
    if data is None:
        raise KeyFormatError(f"JWK {name}: expected base64url without padding")
    if len(data) != length:
        raise KeyFormatError(f"JWK {name}: expected {length} bytes")
    return data


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def jwk_thumbprint(key: Ed25519PublicKey) -> str:
    """RFC 7638 thumbprint (SHA-256, base64url): the key id of a JWS, derived from the key."""
    members = f'{{"crv":"Ed25519","kty":"OKP","x":"{_b64url(_raw_public(key))}"}}'
    return _b64url(hashlib.sha256(members.encode("ascii")).digest())


def public_key_to_jwk(key: Ed25519PublicKey, kid: str | None = None) -> dict[str, str]:
    """RFC 8037 OKP JWK for publication in a JWKS; ``kid`` defaults to the thumbprint."""
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": _b64url(_raw_public(key)),
        "kid": kid or jwk_thumbprint(key),
        "use": "sig",
        "alg": ALGORITHM,
    }


def private_key_to_jwk(key: Ed25519PrivateKey, kid: str | None = None) -> dict[str, str]:
    """The private JWK (with ``d``); keep it secret, publish :func:`public_key_to_jwk` instead."""
    raw = key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    return {**public_key_to_jwk(key.public_key(), kid), "d": _b64url(raw)}


def _check_okp(jwk: Any) -> None:
    if not isinstance(jwk, Mapping):
        raise KeyFormatError("a JWK must be a JSON object")
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise KeyFormatError("expected a JWK with kty OKP and crv Ed25519")


def public_key_from_jwk(jwk: Mapping[str, Any]) -> Ed25519PublicKey:
    """Load an OKP/Ed25519 public JWK (a private one works too; ``d`` is ignored)."""
    _check_okp(jwk)
    return Ed25519PublicKey.from_public_bytes(_jwk_bytes(jwk.get("x"), 32, "x"))


def private_key_from_jwk(jwk: Mapping[str, Any]) -> Ed25519PrivateKey:
    """Load an OKP/Ed25519 private JWK and check that ``x`` belongs to ``d``."""
    _check_okp(jwk)
    if "d" not in jwk:
        raise KeyFormatError("JWK d: a private key is required")
    key = Ed25519PrivateKey.from_private_bytes(_jwk_bytes(jwk.get("d"), 32, "d"))
    if "x" in jwk and _raw_public(key.public_key()) != _jwk_bytes(jwk["x"], 32, "x"):
        raise KeyFormatError("JWK x does not match d")
    return key


def note_key_id(name: str, key: Ed25519PublicKey) -> bytes:
    """The 4-byte C2SP signed-note key id of an Ed25519 key under the signer ``name``."""
    material = name.encode("utf-8") + b"\n" + _ED25519_NOTE_ALG + _raw_public(key)
    return hashlib.sha256(material).digest()[:4]


def verifier_key(name: str, key: Ed25519PublicKey) -> str:
    """The signed-note verifier key string ``name+keyid+base64(0x01||key)`` for auditors."""
    encoded = base64.b64encode(_ED25519_NOTE_ALG + _raw_public(key)).decode("ascii")
    return f"{name}+{note_key_id(name, key).hex()}+{encoded}"


# --- the installation's key -----------------------------------------------------------
@dataclass(frozen=True)
class SigningKey:
    """The current signing key and the ids under which it is published."""

    private: Ed25519PrivateKey
    public: Ed25519PublicKey
    kid: str  # RFC 7638 thumbprint: the JWS key id and the JWKS entry

    @property
    def private_jwk(self) -> dict[str, str]:
        """The private JWK (with ``d``): never publish or log it."""
        return private_key_to_jwk(self.private, self.kid)

    def note_id(self, name: str) -> bytes:
        """The signed-note key id of this key for the signer ``name`` (a log's origin)."""
        return note_key_id(name, self.public)


def _signing_key_from_pem(pem: bytes) -> SigningKey:
    private = private_key_from_pem(pem)
    public = private.public_key()
    return SigningKey(private=private, public=public, kid=jwk_thumbprint(public))


def signing_key() -> SigningKey:
    """The current Ed25519 key of the installation, created on first use."""
    cache_key = (str(key_dir()), "signing")
    with _lock:
        cached = _cache.get(cache_key)
        if cached is None:
            pem = read_or_create_secret(SIGNING_KEY_FILE, _new_signing_key_pem)
            try:
                cached = _signing_key_from_pem(pem)
            except KeyFormatError as exc:
                raise KeyFormatError(f"{key_dir() / SIGNING_KEY_FILE}: {exc}") from exc
            _cache[cache_key] = cached
    assert isinstance(cached, SigningKey)
    return cached


def public_keys() -> dict[str, Ed25519PublicKey]:
    """``{kid: public key}`` for every key a published signature may use: current, then retired."""
    current = signing_key()
    keys = {current.kid: current.public}
    retired = key_dir() / RETIRED_DIR
    if retired.is_dir():
        for path in sorted(retired.glob("*.pem")):
            try:
                public = public_key_from_pem(path.read_bytes())
            except KeyFormatError as exc:
                raise KeyFormatError(f"{path}: {exc}") from exc
            keys.setdefault(jwk_thumbprint(public), public)
    return keys


def jwks_document(keys: Mapping[str, Ed25519PublicKey]) -> dict[str, Any]:
    """A JSON Web Key Set (``{"keys": [...]}``) of the given ``{kid: public key}``."""
    return {"keys": [public_key_to_jwk(key, kid) for kid, key in keys.items()]}


def jwks() -> dict[str, Any]:
    """The installation's JWKS: the document served at :data:`JWKS_PATH`."""
    return jwks_document(public_keys())


def rotate_signing_key() -> tuple[str, str]:
    """Retire the current key and make a new one; returns ``(old kid, new kid)``.

    The old public key is written to ``retired/<kid>.pem`` *before* the
    private key file is replaced, so at no moment is a published signature
    without its key. Other processes read the new key when they restart (or
    call :func:`forget_cached_keys`).
    """
    old = signing_key()
    retired = key_dir() / RETIRED_DIR
    retired.mkdir(parents=True, exist_ok=True, mode=0o700)
    (retired / f"{old.kid}.pem").write_bytes(public_key_to_pem(old.public))
    path = key_dir() / SIGNING_KEY_FILE
    fresh = key_dir() / f".{SIGNING_KEY_FILE}.new"
    fresh.unlink(missing_ok=True)
    _create_exclusive(fresh, _new_signing_key_pem())
    os.replace(fresh, path)
    forget_cached_keys()
    return old.kid, signing_key().kid


# --- compact JWS ----------------------------------------------------------------------
def canonical_json(value: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8, no NaN: the bytes that are signed."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def sign_compact(
    payload: Mapping[str, Any],
    private: Ed25519PrivateKey,
    *,
    kid: str,
    typ: str,
    extra_headers: Mapping[str, Any] | None = None,
) -> str:
    """Sign ``payload`` with any Ed25519 key as a compact JWS (``alg`` EdDSA, ``kid``, ``typ``).

    ``extra_headers`` may add protected header members but not replace
    ``alg``, ``kid`` or ``typ``, nor add ``crit`` (a verifier would have to
    refuse a token whose critical extensions it does not know).
    """
    extra = dict(extra_headers or {})
    clash = sorted({"alg", "kid", "typ", "crit"} & set(extra))
    if clash:
        raise JWSError(f"extra_headers cannot set {', '.join(clash)}")
    if not kid or not typ:
        raise JWSError("a kid and a typ are required")
    # json.dumps' default separators: the bytes receipts have always carried.
    header = json.dumps({"alg": ALGORITHM, "kid": kid, "typ": typ, **extra})
    signing_input = f"{_b64url(header.encode('utf-8'))}.{_b64url(canonical_json(payload))}"
    signature = private.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{_b64url(signature)}"


def _json_part(part: str, name: str) -> Any:
    data = _b64url_bytes(part)
    if data is None:
        raise JWSError(f"malformed JWS: the {name} is not base64url")
    try:
        return json.loads(data)
    except ValueError as exc:
        raise JWSError(f"malformed JWS: the {name} is not JSON") from exc


def unverified_header(token: Any) -> dict[str, Any]:
    """The protected header of a compact JWS, not yet verified (to find its ``kid``)."""
    if not isinstance(token, str) or token.count(".") != 2:
        raise JWSError("malformed JWS: expected three base64url parts separated by dots")
    header = _json_part(token.split(".")[0], "header")
    if not isinstance(header, dict):
        raise JWSError("malformed JWS: the header is not a JSON object")
    return header


def verify_compact(
    token: Any, keys: Mapping[str, Ed25519PublicKey], *, typ: str | None = None
) -> dict[str, Any]:
    """Verify a compact JWS against ``{kid: public key}`` and return its JSON object payload.

    Only EdDSA is accepted, whatever the header says, so a forged header
    cannot switch the check to another algorithm; a ``crit`` header is
    refused; ``typ``, when given, must match.
    """
    header = unverified_header(token)
    if header.get("alg") != ALGORITHM:
        raise JWSError(f"algorithm {header.get('alg')!r} is not {ALGORITHM}")
    if "crit" in header:
        raise JWSError("critical header extensions are not supported")
    kid = header.get("kid")
    if not isinstance(kid, str):
        raise JWSError("malformed JWS: the header names no key id")
    if typ is not None and header.get("typ") != typ:
        raise JWSError(f"expected typ {typ!r}, the token says {header.get('typ')!r}")
    key = keys.get(kid)
    if key is None:
        raise JWSError(f"unknown signing key {kid!r}")
    head, body, signature_part = token.split(".")
    signature = _b64url_bytes(signature_part)
    if signature is None or len(signature) != 64:
        raise JWSError("malformed JWS: the signature is not 64 base64url bytes")
    try:
        key.verify(signature, f"{head}.{body}".encode("ascii"))
    except InvalidSignature as exc:
        raise JWSError("the signature does not verify") from exc
    payload = _json_part(body, "payload")
    if not isinstance(payload, dict):
        raise JWSError("malformed JWS: the payload is not a JSON object")
    return payload


def sign_jws(
    payload: dict[str, Any], *, typ: str, extra_headers: Mapping[str, Any] | None = None
) -> str:
    """Sign ``payload`` with the installation's key: a compact JWS that the JWKS verifies.

    ``typ`` says what the token is (``"JWT"`` for consent receipts, e.g.
    ``"certificate+jws"`` for a certificate), so a token of one kind cannot
    be passed off as another when verifiers check it.
    """
    key = signing_key()
    return sign_compact(payload, key.private, kid=key.kid, typ=typ, extra_headers=extra_headers)


def verify_jws(token: str, *, typ: str | None = None) -> dict[str, Any]:
    """The payload of a token signed by the current or a retired key; raises :class:`JWSError`."""
    return verify_compact(token, public_keys(), typ=typ)
