"""Users: registration and roles. Passwords arrive here already hashed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .emails import normalise_email
from .events import Event, RoleGranted, UserRegistered

CUSTOMER = "customer"
ADMIN = "admin"
ROLES = (CUSTOMER, ADMIN)


class UnknownUser(Exception):
    pass


@dataclass(frozen=True)
class User:
    user_id: str
    email: str
    name: str
    password_hash: str
    role: str


def user_from(events: Iterable[Event]) -> User | None:
    user: User | None = None
    for event in events:
        match event:
            case UserRegistered():
                user = User(event.user_id, event.email, event.name, event.password_hash, event.role)
            case RoleGranted() if user is not None:
                user = User(user.user_id, user.email, user.name, user.password_hash, event.role)
    return user


def register(user_id: str, email: str, name: str, password_hash: str) -> list[Event]:
    return [UserRegistered(user_id, normalise_email(email), name, password_hash, CUSTOMER)]


def grant_role(user: User | None, role: str) -> list[Event]:
    """Nothing to record when the user already has the role."""
    if user is None:
        raise UnknownUser()
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    return [] if user.role == role else [RoleGranted(user.user_id, role)]
