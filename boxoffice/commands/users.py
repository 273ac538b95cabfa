"""Registering, authenticating, promoting users and changing passwords, straight on their streams.

The user stream is keyed by the normalised e-mail, so the event store's
NO_STREAM check is the uniqueness check, and login reads the stream itself
(strongly consistent) rather than a read model that may lag.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence

from boxoffice.domain import users
from boxoffice.domain.events import Event, from_stored
from boxoffice.domain.streams import user_stream
from boxoffice.domain.users import ADMIN, SCANNER, User
from boxoffice.eventstore import (
    NO_STREAM,
    EventStore,
    NewEvent,
    StoreUnavailable,
    WrongExpectedVersion,
)
from boxoffice.eventstore.model import new_id

from .passwords import PasswordHasher


class EmailTaken(Exception):
    pass


class WrongPassword(Exception):
    pass


class RegistrationUnsettled(Exception):
    """The store stopped answering after the registration was sent: the account may exist."""


REGISTER_ATTEMPTS = 3
REGISTER_RETRY_SECONDS = 0.5


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
    """Raises EmailTaken when the e-mail's stream already exists, StoreUnavailable when
    nothing was written, and RegistrationUnsettled when the outcome cannot be learnt.

    An append whose answer was lost is sent again under the same commit id: if the
    first one landed, the store says so instead of refusing the stream.
    """
    user_id = uuid.uuid4().hex
    events = users.register(user_id, email, name, await hasher.hash(password))
    stored, commit_id = _stored(events, user_id=user_id), new_id()
    for attempt in range(1, REGISTER_ATTEMPTS + 1):
        try:
            await store.append(user_stream(email), stored, NO_STREAM, commit_id=commit_id)
            break
        except WrongExpectedVersion:
            raise EmailTaken(email) from None
        except StoreUnavailable as failure:
            if not failure.maybe_written and attempt == 1:
                raise
            if attempt == REGISTER_ATTEMPTS:
                raise RegistrationUnsettled(email) from None
            await asyncio.sleep(REGISTER_RETRY_SECONDS)
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
    return await _record(store, email, users.grant_role(user, ADMIN), version)


async def revoke_admin(store: EventStore, email: str) -> bool:
    """True if the role was revoked now, False if the user did not have it (raises as grant_admin)."""
    user, version = await load_user(store, email)
    return await _record(store, email, users.revoke_role(user, ADMIN), version)


async def grant_scanner(store: EventStore, email: str) -> bool:
    """True if the scanner role was granted now, False if the user had it (raises as grant_admin)."""
    user, version = await load_user(store, email)
    return await _record(store, email, users.grant_role(user, SCANNER), version)


async def revoke_scanner(store: EventStore, email: str) -> bool:
    """True if the scanner role was revoked now, False if the user did not have it."""
    user, version = await load_user(store, email)
    return await _record(store, email, users.revoke_role(user, SCANNER), version)


async def change_password(
    store: EventStore, hasher: PasswordHasher, email: str, current: str, new: str
) -> None:
    """Raises WrongPassword unless ``current`` is the password, then UnknownUser or
    WrongExpectedVersion as grant_admin (the user changed meanwhile: nothing written)."""
    user, version = await load_user(store, email)
    if not await hasher.verify(current, user.password_hash if user else None):
        raise WrongPassword()
    events = users.change_password(user, await hasher.hash(new))
    await _record(store, email, events, version)


async def _record(store: EventStore, email: str, events: Sequence[Event], version: int) -> bool:
    if events:
        await store.append(user_stream(email), _stored(events), version)
    return bool(events)
