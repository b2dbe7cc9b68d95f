"""Ed25519-signed ledger checkpoints and the key helpers they need.

A checkpoint states "the ledger had ``size`` events and this Merkle root at
this time", signed by the city's ledger key. Once a checkpoint has been handed
out (in a receipt, to an auditor, on the transparency page), the city cannot
quietly rewrite the events it covers: the recomputed root would differ, and a
new root for the same size would be a second, contradicting signed statement.

The text form follows the C2SP ``tlog-checkpoint`` and ``signed-note``
conventions so that existing transparency-log tooling can read it::

    cityrights.example.org/consent-ledger
    1024
    <base64 of the 32-byte root>
    time 2025-03-01T09:30:00Z

    — cityrights.example.org/consent-ledger <base64(key id || signature)>

The first three lines are the standard checkpoint body; ``time ...`` is our
single extension line (UTC, whole seconds). The signature covers the body
including its final newline; the key id is the first four bytes of
``SHA-256(name || "\\n" || 0x01 || public key)``, 0x01 being Ed25519 in the
signed-note registry. The same checkpoint also has a JSON form for APIs.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = [
    "CheckpointError",
    "SignedCheckpoint",
    "generate_private_key",
    "jwk_thumbprint",
    "note_key_id",
    "private_key_from_jwk",
    "private_key_from_pem",
    "private_key_to_jwk",
    "private_key_to_pem",
    "public_key_from_jwk",
    "public_key_from_pem",
    "public_key_to_jwk",
    "public_key_to_pem",
    "sign_checkpoint",
    "verifier_key",
    "verify_checkpoint",
]

_EM_DASH = "\u2014"
_ED25519_NOTE_ALG = b"\x01"
_NAME = re.compile(r"[!-*,-~]+")  # printable ASCII without space and "+": a signed-note key name
_SIZE = re.compile(r"0|[1-9][0-9]*")
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


class CheckpointError(ValueError):
    """A checkpoint or key that cannot be parsed (the message says why)."""


# --- keys -----------------------------------------------------------------------------
def generate_private_key() -> Ed25519PrivateKey:
    """A new Ed25519 signing key for checkpoints and receipts."""
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
        raise CheckpointError(f"not a readable PEM private key: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointError("the PEM key is not an Ed25519 key")
    return key


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
        raise CheckpointError(f"not a readable PEM public key: {exc}") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise CheckpointError("the PEM key is not an Ed25519 key")
    return key


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: Any, length: int, name: str) -> bytes:
    if not isinstance(text, str) or not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise CheckpointError(f"JWK {name}: expected base64url without padding")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError as exc:
        raise CheckpointError(f"JWK {name}: not base64url") from exc
    if len(data) != length or _b64url(data) != text:
        raise CheckpointError(f"JWK {name}: expected {length} bytes")
    return data


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def jwk_thumbprint(key: Ed25519PublicKey) -> str:
    """RFC 7638 thumbprint (SHA-256, base64url): a stable key id derived from the key itself."""
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
        "alg": "EdDSA",
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
    if not isinstance(jwk, dict):
        raise CheckpointError("a JWK must be a JSON object")
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise CheckpointError("expected a JWK with kty OKP and crv Ed25519")


def public_key_from_jwk(jwk: dict[str, Any]) -> Ed25519PublicKey:
    """Load an OKP/Ed25519 public JWK (a private one works too; ``d`` is ignored)."""
    _check_okp(jwk)
    return Ed25519PublicKey.from_public_bytes(_b64url_decode(jwk.get("x"), 32, "x"))


def private_key_from_jwk(jwk: dict[str, Any]) -> Ed25519PrivateKey:
    """Load an OKP/Ed25519 private JWK and check that ``x`` belongs to ``d``."""
    _check_okp(jwk)
    key = Ed25519PrivateKey.from_private_bytes(_b64url_decode(jwk.get("d"), 32, "d"))
    if "x" in jwk and _raw_public(key.public_key()) != _b64url_decode(jwk["x"], 32, "x"):
        raise CheckpointError("JWK x does not match d")
    return key


def note_key_id(name: str, key: Ed25519PublicKey) -> bytes:
    """The 4-byte signed-note key id of an Ed25519 key under ``name``."""
    material = name.encode("utf-8") + b"\n" + _ED25519_NOTE_ALG + _raw_public(key)
    return hashlib.sha256(material).digest()[:4]


def verifier_key(name: str, key: Ed25519PublicKey) -> str:
    """The signed-note verifier key string ``name+keyid+base64(0x01||key)`` for auditors."""
    encoded = base64.b64encode(_ED25519_NOTE_ALG + _raw_public(key)).decode("ascii")
    return f"{name}+{note_key_id(name, key).hex()}+{encoded}"


# --- checkpoints ----------------------------------------------------------------------
def _check_origin(origin: Any) -> str:
    if not isinstance(origin, str) or not _NAME.fullmatch(origin):
        raise CheckpointError("origin: printable ASCII without spaces or '+' is required")
    return origin


def _utc_seconds(time: datetime) -> datetime:
    if time.tzinfo is None or time.utcoffset() is None:
        raise CheckpointError("time: a time zone is required")
    return time.astimezone(UTC).replace(microsecond=0)


@dataclass(frozen=True)
class SignedCheckpoint:
    """A checkpoint with the log's Ed25519 signature over its note body."""

    origin: str
    size: int
    root: bytes
    time: datetime
    key_id: bytes
    signature: bytes

    def body(self) -> str:
        """The signed note text (what the signature covers)."""
        root_b64 = base64.b64encode(self.root).decode("ascii")
        stamp = self.time.strftime(_TIME_FORMAT)
        return f"{self.origin}\n{self.size}\n{root_b64}\ntime {stamp}\n"

    def to_note(self) -> str:
        """The full signed note: body, blank line, signature line."""
        signature = base64.b64encode(self.key_id + self.signature).decode("ascii")
        return f"{self.body()}\n{_EM_DASH} {self.origin} {signature}\n"

    def to_json(self) -> dict[str, Any]:
        """The JSON form (hex root, base64 signature) for APIs and storage."""
        return {
            "origin": self.origin,
            "size": self.size,
            "root": self.root.hex(),
            "time": self.time.strftime(_TIME_FORMAT),
            "key_id": self.key_id.hex(),
            "signature": base64.b64encode(self.signature).decode("ascii"),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SignedCheckpoint:
        """Parse the JSON form; raises :class:`CheckpointError` when malformed."""
        try:
            checkpoint = cls(
                origin=_check_origin(data["origin"]),
                size=data["size"],
                root=bytes.fromhex(data["root"]),
                time=datetime.strptime(data["time"], _TIME_FORMAT).replace(tzinfo=UTC),
                key_id=bytes.fromhex(data["key_id"]),
                signature=base64.b64decode(data["signature"], validate=True),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CheckpointError(f"not a checkpoint: {exc}") from exc
        checkpoint.check()
        return checkpoint

    @classmethod
    def from_note(cls, note: str) -> SignedCheckpoint:
        """Parse a signed note as produced by :meth:`to_note` (other signers' lines are ignored).

        Parsing is strict: the body must be exactly what :meth:`body` renders,
        so the fields read here are the fields the signature covers.
        """
        body, separator, signatures = note.partition("\n\n")
        if not separator:
            raise CheckpointError("a signed note needs a blank line before its signatures")
        lines = body.split("\n")
        if len(lines) != 4 or not lines[3].startswith("time "):
            raise CheckpointError("expected origin, size, root and time lines")
        origin, size, root_b64, time_line = lines
        if not _SIZE.fullmatch(size):
            raise CheckpointError("size: expected a decimal number without leading zeros")
        try:
            root = base64.b64decode(root_b64, validate=True)
            time = datetime.strptime(time_line[5:], _TIME_FORMAT).replace(tzinfo=UTC)
        except ValueError as exc:
            raise CheckpointError(f"malformed checkpoint: {exc}") from exc
        key_id, signature = _log_signature(signatures, _check_origin(origin))
        checkpoint = cls(_check_origin(origin), int(size), root, time, key_id, signature)
        checkpoint.check()
        if checkpoint.body() != body + "\n":
            raise CheckpointError("the checkpoint body is not in canonical form")
        return checkpoint

    def check(self) -> None:
        """Raise :class:`CheckpointError` if a field is out of shape."""
        _check_origin(self.origin)
        if not isinstance(self.size, int) or isinstance(self.size, bool) or self.size < 0:
            raise CheckpointError("size: expected a non-negative integer")
        if len(self.root) != 32:
            raise CheckpointError("root: expected 32 bytes")
        if len(self.key_id) != 4 or len(self.signature) != 64:
            raise CheckpointError("signature: expected a 4-byte key id and 64 bytes")


def _log_signature(signatures: str, origin: str) -> tuple[bytes, bytes]:
    """Find the signature line of the log itself (the one named after the origin)."""
    for line in signatures.split("\n"):
        if not line:
            continue
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != _EM_DASH:
            raise CheckpointError("malformed signature line")
        if parts[1] != origin:
            continue
        try:
            raw = base64.b64decode(parts[2], validate=True)
        except ValueError as exc:
            raise CheckpointError("signature: not base64") from exc
        if len(raw) != 68:
            raise CheckpointError("signature: expected a 4-byte key id and 64 bytes")
        return raw[:4], raw[4:]
    raise CheckpointError(f"no signature by {origin}")


def sign_checkpoint(
    private_key: Ed25519PrivateKey, origin: str, size: int, root: bytes, time: datetime
) -> SignedCheckpoint:
    """Sign the tree head ``(size, root)`` of the log ``origin`` at ``time`` (kept to seconds)."""
    unsigned = SignedCheckpoint(
        _check_origin(origin), size, bytes(root), _utc_seconds(time), b"\0" * 4, b"\0" * 64
    )
    unsigned.check()
    signature = private_key.sign(unsigned.body().encode("utf-8"))
    key_id = note_key_id(origin, private_key.public_key())
    return SignedCheckpoint(unsigned.origin, size, unsigned.root, unsigned.time, key_id, signature)


def verify_checkpoint(public_key: Ed25519PublicKey, signed: SignedCheckpoint | str) -> bool:
    """True when ``signed`` (object or note text) carries a valid signature by ``public_key``."""
    try:
        checkpoint = SignedCheckpoint.from_note(signed) if isinstance(signed, str) else signed
        checkpoint.check()
    except CheckpointError:
        return False
    if checkpoint.key_id != note_key_id(checkpoint.origin, public_key):
        return False
    try:
        public_key.verify(checkpoint.signature, checkpoint.body().encode("utf-8"))
    except InvalidSignature:
        return False
    return True
