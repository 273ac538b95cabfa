"""Opaque page cursors: the sort key of the last item shown, so the next page starts after it."""

from __future__ import annotations

import base64
import binascii
import json


class InvalidCursor(ValueError):
    """The cursor was not made by ``encode_cursor`` (or was altered)."""


def encode_cursor(starts_us: int, offer_id: str) -> str:
    raw = json.dumps([starts_us, offer_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        starts_us, offer_id = json.loads(raw)
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
        raise InvalidCursor(cursor) from None
    if type(starts_us) is not int or not isinstance(offer_id, str):
        raise InvalidCursor(cursor)
    if not -(2**63) <= starts_us < 2**63:  # beyond what BSON (and any stored time) holds
        raise InvalidCursor(cursor)
    return starts_us, offer_id
