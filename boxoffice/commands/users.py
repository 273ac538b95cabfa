"""Registering, authenticating and promoting users, straight on their streams.

The user stream is keyed by the normalised e-mail, so the event store's
NO_STREAM check is the uniqueness check, and login reads the stream itself
(strongly consistent) rather than a read model that may lag.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from boxoffice.domain import users
from boxoffice.domain.events import Event, from_stored
from boxoffice.domain.streams import user_stream
from boxoffice.domain.users import ADMIN, User
from boxoffice.eventstore import NO_STREAM, EventStore, NewEvent, WrongExpectedVersion

from .passwords import PasswordHasher


class EmailTaken(Exception):
    pass


def _stored(events: Sequence[Event], **metadata: str) -> list[NewEvent]:
    return [NewEvent(type=type(e).__name__, data=e.to_data(), metadata=metadata) for e in events]


async def load_user(store: EventStore, email: str) -> tuple[User | None, int]:
    """The user with this e-mail (None if unknown) and their stream's version."""
    recorded = await store.read_stream(user_stream(email))
    user = users.user_from(from_stored(r.type, r.data) for r in recorded)
    return user, recorded[-1].version if recorded else 0


async def register(
    store: EventStore, hasher: PasswordHasher, email: str, password: str, name: str
) -> User:
    """Raises EmailTaken when the e-mail's stream already exists."""
    user_id = uuid.uuid4().hex
    events = users.register(user_id, email, name, await hasher.hash(password))
    try:
        await store.append(user_stream(email), _stored(events, user_id=user_id), NO_STREAM)
    except WrongExpectedVersion:
        raise EmailTaken(email) from None
    user = users.user_from(events)
    assert user is not None
    return user


async def authenticate(
    store: EventStore, hasher: PasswordHasher, email: str, password: str
) -> User | None:
    """The user if the password matches; an unknown e-mail costs the same bcrypt work."""
    user, _ = await load_user(store, email)
    matches = await hasher.verify(password, user.password_hash if user else None)
    return user if matches else None


async def grant_admin(store: EventStore, email: str) -> bool:
    """True if the role was granted now, False if the user already had it.

    Raises boxoffice.domain.users.UnknownUser, or WrongExpectedVersion when the
    user changed meanwhile.
    """
    user, version = await load_user(store, email)
    events = users.grant_role(user, ADMIN)
    if events:
        await store.append(user_stream(email), _stored(events), version)
    return bool(events)
