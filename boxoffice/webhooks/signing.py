"""``Boxoffice-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`` (Stripe's scheme).

The timestamp is signed with the body, so a receiver can refuse an old
delivery replayed to it; the ``v1`` names the scheme so it can change without
breaking receivers that check the one they know.
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
