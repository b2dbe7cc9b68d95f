"""Ed25519-signed ledger checkpoints.

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
    prev <base64 of SHA-256 of the previous checkpoint's note>

    — cityrights.example.org/consent-ledger <base64(key id || signature)>

The first three lines are the standard checkpoint body; ``time ...`` (UTC,
whole seconds) and ``prev ...`` are our extension lines. ``prev`` chains the
checkpoints: it is :func:`note_hash` of the previous checkpoint's whole note,
or :data:`GENESIS_PREV` (32 zero bytes) for the first one, so a deleted or
reordered checkpoint breaks the chain. Notes signed before the chain existed
have no ``prev`` line and still verify. The signature covers the body
including its final newline; the key id is the first four bytes of
``SHA-256(name || "\\n" || 0x01 || public key)``, 0x01 being Ed25519 in the
signed-note registry. The same checkpoint also has a JSON form for APIs.
Keys, their PEM and JWK forms and key ids live in :mod:`cityrights.core.signing`.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from cityrights.core.signing import note_key_id

__all__ = [
    "GENESIS_PREV",
    "CheckpointError",
    "SignedCheckpoint",
    "note_hash",
    "sign_checkpoint",
    "verify_checkpoint",
]

_EM_DASH = "\u2014"
_NAME = re.compile(r"[!-*,-~]+")  # printable ASCII without space and "+": a signed-note key name
_SIZE = re.compile(r"0|[1-9][0-9]*")
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


class CheckpointError(ValueError):
    """A checkpoint that cannot be parsed (the message says why)."""


#: The ``prev`` of a ledger's first checkpoint.
GENESIS_PREV = bytes(32)


def note_hash(note: str) -> bytes:
    """SHA-256 of a checkpoint's whole signed note (UTF-8): what the next checkpoint's prev is."""
    return hashlib.sha256(note.encode("utf-8")).digest()


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
    prev: bytes | None = None  # None: signed before checkpoints were chained

    def body(self) -> str:
        """The signed note text (what the signature covers)."""
        root_b64 = base64.b64encode(self.root).decode("ascii")
        stamp = self.time.strftime(_TIME_FORMAT)
        body = f"{self.origin}\n{self.size}\n{root_b64}\ntime {stamp}\n"
        if self.prev is not None:
            body += f"prev {base64.b64encode(self.prev).decode('ascii')}\n"
        return body

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
            **({"prev": self.prev.hex()} if self.prev is not None else {}),
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
                prev=bytes.fromhex(data["prev"]) if "prev" in data else None,
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
        if len(lines) not in (4, 5) or not lines[3].startswith("time "):
            raise CheckpointError("expected origin, size, root, time and prev lines")
        if len(lines) == 5 and not lines[4].startswith("prev "):
            raise CheckpointError("expected a prev line after the time line")
        origin, size, root_b64, time_line = lines[:4]
        if not _SIZE.fullmatch(size):
            raise CheckpointError("size: expected a decimal number without leading zeros")
        try:
            root = base64.b64decode(root_b64, validate=True)
            time = datetime.strptime(time_line[5:], _TIME_FORMAT).replace(tzinfo=UTC)
            prev = base64.b64decode(lines[4][5:], validate=True) if len(lines) == 5 else None
        except ValueError as exc:
            raise CheckpointError(f"malformed checkpoint: {exc}") from exc
        key_id, signature = _log_signature(signatures, _check_origin(origin))
        checkpoint = cls(_check_origin(origin), int(size), root, time, key_id, signature, prev)
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
        if self.prev is not None and len(self.prev) != 32:
            raise CheckpointError("prev: expected 32 bytes")
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
    private_key: Ed25519PrivateKey,
    origin: str,
    size: int,
    root: bytes,
    time: datetime,
    prev: bytes | None = None,
) -> SignedCheckpoint:
    """Sign the tree head ``(size, root)`` of the log ``origin`` at ``time`` (kept to seconds).

    ``prev`` is :func:`note_hash` of the previous checkpoint's note (or
    :data:`GENESIS_PREV`); the ledger always gives it. Without it the note has
    the older four-line form.
    """
    unsigned = SignedCheckpoint(
        _check_origin(origin),
        size,
        bytes(root),
        _utc_seconds(time),
        b"\0" * 4,
        b"\0" * 64,
        None if prev is None else bytes(prev),
    )
    unsigned.check()
    signature = private_key.sign(unsigned.body().encode("utf-8"))
    key_id = note_key_id(origin, private_key.public_key())
    return replace(unsigned, key_id=key_id, signature=signature)


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
