"""A seal: a signed checkpoint ``{position, running_hash, sealed_at, key_id}`` of the log.

What is signed is the canonical JSON of those four fields.  Ed25519 signatures
are deterministic, so equal checkpoints carry equal signatures, and a seal read
back from the store, a file or a saved copy is compared field for field.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .keys import key_id


class MalformedSeal(ValueError):
    """A stored or saved seal that lacks a field or has one of the wrong type."""


@dataclass(frozen=True)
class Seal:
    position: int
    running_hash: str
    sealed_at: str
    key_id: str
    signature: str

    def signed_part(self) -> bytes:
        fields = {
            "position": self.position,
            "running_hash": self.running_hash,
            "sealed_at": self.sealed_at,
            "key_id": self.key_id,
        }
        return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()

    def record(self) -> dict[str, Any]:
        return asdict(self)

    def json_line(self) -> str:
        return json.dumps(self.record(), sort_keys=True, separators=(",", ":"))

    def signed_by(self, public_key: Ed25519PublicKey) -> bool:
        try:
            public_key.verify(base64.b64decode(self.signature, validate=True), self.signed_part())
        except (InvalidSignature, binascii.Error, ValueError):
            return False
        return True


def seal(key: Ed25519PrivateKey, position: int, running_hash: str, sealed_at: str) -> Seal:
    unsigned = Seal(position, running_hash, sealed_at, key_id(key.public_key()), "")
    signature = base64.b64encode(key.sign(unsigned.signed_part())).decode()
    return Seal(position, running_hash, sealed_at, unsigned.key_id, signature)


def seal_from(record: Mapping[str, Any]) -> Seal:
    """A seal from its record (a stored document's ``_id`` is its position)."""
    position = record.get("position", record.get("_id"))
    texts = [record.get(name) for name in ("running_hash", "sealed_at", "key_id", "signature")]
    if type(position) is not int or not all(isinstance(text, str) for text in texts):
        raise MalformedSeal(f"not a seal: {dict(record)!r}"[:200])
    return Seal(position, *texts)  # type: ignore[arg-type]
