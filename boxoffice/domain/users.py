"""Users: registration, roles and passwords. Passwords arrive here already hashed.

A user holds a set of roles: every user is a customer, and roles such as admin
or scanner (who checks tickets in at the door) are granted and revoked on top.
``role`` is the one an access token carries.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from .emails import normalise_email
from .events import Event, PasswordChanged, RoleGranted, RoleRevoked, UserRegistered

CUSTOMER = "customer"
SCANNER = "scanner"
ADMIN = "admin"
ROLES = (CUSTOMER, SCANNER, ADMIN)
"""Least to most privileged: an admin may do whatever a scanner may."""


class UnknownUser(Exception):
    pass


@dataclass(frozen=True)
class User:
    user_id: str
    email: str
    name: str
    password_hash: str
    roles: frozenset[str]

    @property
    def role(self) -> str:
        """The most privileged role held: what an access token carries."""
        return max(self.roles, key=ROLES.index)


def user_from(events: Iterable[Event]) -> User | None:
    user: User | None = None
    for event in events:
        match event:
            case UserRegistered():
                roles = frozenset({CUSTOMER, event.role})
                user = User(event.user_id, event.email, event.name, event.password_hash, roles)
            case RoleGranted() if user is not None:
                user = dataclasses.replace(user, roles=user.roles | {event.role})
            case RoleRevoked() if user is not None:
                user = dataclasses.replace(user, roles=user.roles - {event.role})
            case PasswordChanged() if user is not None:
                user = dataclasses.replace(user, password_hash=event.password_hash)
    return user


def register(user_id: str, email: str, name: str, password_hash: str) -> list[Event]:
    return [UserRegistered(user_id, normalise_email(email), name, password_hash, CUSTOMER)]


def _known(user: User | None, role: str) -> User:
    if user is None:
        raise UnknownUser()
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    return user


def grant_role(user: User | None, role: str) -> list[Event]:
    """Nothing to record when the user already has the role."""
    known = _known(user, role)
    return [] if role in known.roles else [RoleGranted(known.user_id, role)]


def revoke_role(user: User | None, role: str) -> list[Event]:
    """Nothing to record when the user does not have the role; every user stays a customer."""
    known = _known(user, role)
    if role == CUSTOMER:
        raise ValueError("every user is a customer")
    return [RoleRevoked(known.user_id, role)] if role in known.roles else []


def change_password(user: User | None, password_hash: str) -> list[Event]:
    if user is None:
        raise UnknownUser()
    return [PasswordChanged(user.user_id, password_hash)]
