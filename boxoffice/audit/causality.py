"""Events out of causal order across streams, as a pure object fed the log in global order.

Within a stream, versions and the hash chain fix the order.  Across streams
the system only ever writes an event after the events it depends on, so the
global order must show:

* a user's registration before anything the user does (books, cancels, creates a show);
* a show's creation before any booking of it (the booking path looks the show up);
* an admin's grant before the shows the admin creates.

Ids that never appear in a registration (or a show that is never created) are
not judged here: only an order that the log itself contradicts.  Memory: one
entry per user, show and not-yet-registered actor.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .violations import CAUSAL_ORDER, Violation

BOOKING_TYPES = frozenset(
    {"BookingRequested", "BookingConfirmed", "BookingRejected", "BookingCancelled"}
)
ADMIN = "admin"


class CausalOrder:
    def __init__(self) -> None:
        self._roles: dict[str, str] = {}
        self._first_actions: dict[str, tuple[int, str]] = {}
        self._created_shows: set[str] = set()
        self._first_bookings: dict[str, int] = {}

    def observe(self, position: int, type_: str, data: Mapping[str, Any]) -> list[Violation]:
        if type_ == "UserRegistered":
            return self._registered(position, data)
        if type_ == "RoleGranted":
            user_id = data.get("user_id")
            if isinstance(user_id, str) and user_id in self._roles:
                self._roles[user_id] = str(data.get("role"))
            return []
        if type_ == "ShowCreated":
            return self._show_created(position, data)
        if type_ in BOOKING_TYPES:
            show_id = data.get("show_id")
            if isinstance(show_id, str) and show_id not in self._created_shows:
                self._first_bookings.setdefault(show_id, position)
            self._acted(data.get("user_id"), position, type_)
            self._acted(data.get("cancelled_by"), position, type_)
        return []

    def _acted(self, user_id: object, position: int, type_: str) -> None:
        if isinstance(user_id, str) and user_id not in self._roles:
            self._first_actions.setdefault(user_id, (position, type_))

    def _registered(self, position: int, data: Mapping[str, Any]) -> list[Violation]:
        user_id = str(data.get("user_id"))
        self._roles[user_id] = str(data.get("role"))
        earlier = self._first_actions.pop(user_id, None)
        if earlier is None:
            return []
        acted_at, type_ = earlier
        return [
            Violation(
                CAUSAL_ORDER,
                (acted_at, position),
                f"user {user_id} is registered at {position}, after its own {type_} at {acted_at}",
            )
        ]

    def _show_created(self, position: int, data: Mapping[str, Any]) -> list[Violation]:
        found = []
        show_id = str(data.get("show_id"))
        self._created_shows.add(show_id)
        booked_at = self._first_bookings.pop(show_id, None)
        if booked_at is not None:
            detail = (
                f"show {show_id} is created at {position}, after a booking of it at {booked_at}"
            )
            found.append(Violation(CAUSAL_ORDER, (booked_at, position), detail))
        creator = data.get("created_by")
        role = self._roles.get(creator) if isinstance(creator, str) else None
        if role is not None and role != ADMIN:
            detail = f"show {show_id} is created by user {creator}, who is not an admin yet"
            found.append(Violation(CAUSAL_ORDER, (position,), detail))
        else:
            self._acted(creator, position, "ShowCreated")
        return found
