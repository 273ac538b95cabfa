"""Users: profile and role, never the password hash (login reads the user's stream).

``position`` (in the log) orders users registered within the same millisecond.
A grant or revocation sets a flag per role (``has_admin``, ``has_scanner``): a
user may hold several roles, and ``role`` as shown is the most privileged one,
as in an access token.  ``role`` itself stays the role registered with (a read
model built before flags may hold a granted role there: rebuild it).
"""

from __future__ import annotations

from pymongo import ASCENDING, IndexModel

from boxoffice.domain.events import Event, RoleGranted, RoleRevoked, UserRegistered
from boxoffice.domain.users import ROLES
from boxoffice.eventstore import RecordedEvent

from .instants import epoch_us, iso_utc
from .model import Document, ReadModel, Write, created, guarded

VERSION = "v"


def project_user(recorded: RecordedEvent, event: Event) -> list[Write]:
    match event:
        case UserRegistered():
            return [
                created(
                    event.user_id,
                    VERSION,
                    {
                        "email": event.email,
                        "name": event.name,
                        "role": event.role,
                        "registered_us": epoch_us(recorded.recorded_at),
                        "position": recorded.position,
                        VERSION: recorded.version,
                    },
                )
            ]
        case RoleGranted() | RoleRevoked():
            held = isinstance(event, RoleGranted)
            flag = {_flag(event.role): held}
            return [guarded(event.user_id, VERSION, recorded.version, flag)]
    return []


def _flag(role: str) -> str:
    return f"has_{role}"


def _role(doc: Document) -> str:
    """The most privileged role the user holds."""
    held: list[str] = [doc["role"], *(role for role in ROLES if doc.get(_flag(role)))]
    return max(held, key=lambda role: ROLES.index(role) if role in ROLES else -1)


def user_out(doc: Document) -> Document:
    return {
        "user_id": doc["_id"],
        "email": doc["email"],
        "name": doc["name"],
        "role": _role(doc),
        "registered_at": iso_utc(doc["registered_us"]),
    }


USERS = ReadModel(
    name="users",
    event_types=frozenset({UserRegistered.__name__, RoleGranted.__name__, RoleRevoked.__name__}),
    indexes=(IndexModel([("registered_us", ASCENDING)], name="by_registration"),),
    project=project_user,
)
