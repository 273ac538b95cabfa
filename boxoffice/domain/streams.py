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


def inventory_stream(show_id: str) -> str:
    """Every seat of a show, all categories: the unit one booking batch appends to, so a
    per-user limit counts across categories and an order of several is one append."""
    return f"inventory-{show_id}"


def ticket_stream(ticket_id: str) -> str:
    """One stream per ticket: the boundary that admits a ticket at most once."""
    return f"ticket-{ticket_id}"
