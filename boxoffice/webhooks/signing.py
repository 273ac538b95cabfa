"""``Boxoffice-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`` (Stripe's scheme).

The timestamp is signed with the body, so a receiver can refuse an old
delivery replayed to it; the ``v1`` names the scheme so it can change without
breaking receivers that check the one they know.  boxoffice signs its own
webhooks this way and checks its payment provider's the same way.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "Boxoffice-Signature"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The header's value for ``body`` sent at ``timestamp`` under ``secret``."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class InvalidSignature(ValueError):
    """The header is missing or malformed, too old or too new, or no signature matches."""


def verify(secret: str, header: str | None, body: bytes, now: int, tolerance: int) -> None:
    """Raise InvalidSignature unless ``header`` signs ``body`` under ``secret`` within
    ``tolerance`` seconds of ``now``.  Several ``v1`` values are allowed (a rotated secret);
    each is compared in constant time."""
    if not header:
        raise InvalidSignature(f"no {HEADER} header")
    parts = [part.partition("=") for part in header.split(",")]
    timestamps = [value for name, _, value in parts if name.strip() == "t"]
    candidates = [value.strip() for name, _, value in parts if name.strip() == "v1"]
    if len(timestamps) != 1 or not timestamps[0].strip().isdigit() or not candidates:
        raise InvalidSignature(f"{HEADER} must be t=<unix time>,v1=<hex signature>")
    timestamp = int(timestamps[0])
    if abs(now - timestamp) > tolerance:
        raise InvalidSignature(f"the signature's time is more than {tolerance}s from now")
    expected = signature(secret, timestamp, body).rpartition("v1=")[2]
    if not any(hmac.compare_digest(expected.encode(), c.encode()) for c in candidates):
        raise InvalidSignature("no signature matches the body under the webhook secret")
