"""Stream names: each one is a consistency boundary."""

from __future__ import annotations

import hashlib

from .emails import normalise_email


def user_stream(email: str) -> str:
    """One stream per normalised e-mail, so registering twice is a NO_STREAM conflict."""
    digest = hashlib.sha256(normalise_email(email).encode()).hexdigest()[:32]
    return f"user-{digest}"


def show_stream(show_id: str) -> str:
    return f"show-{show_id}"


def inventory_stream(show_id: str, category: str) -> str:
    """Capacity is enforced per show and category: the unit one booking batch appends to."""
    return f"inventory-{show_id}-{category}"
