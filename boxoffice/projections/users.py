"""Users: profile and role, never the password hash (login reads the user's stream).

``position`` (in the log) orders users registered within the same millisecond.
"""

from __future__ import annotations

from pymongo import ASCENDING, IndexModel

from boxoffice.domain.events import Event, RoleGranted, RoleRevoked, UserRegistered
from boxoffice.domain.users import CUSTOMER
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
        case RoleGranted():
            return [guarded(event.user_id, VERSION, recorded.version, {"role": event.role})]
        case RoleRevoked():
            # Admin is the only role granted on top of customer so far.
            return [guarded(event.user_id, VERSION, recorded.version, {"role": CUSTOMER})]
    return []


def user_out(doc: Document) -> Document:
    return {
        "user_id": doc["_id"],
        "email": doc["email"],
        "name": doc["name"],
        "role": doc["role"],
        "registered_at": iso_utc(doc["registered_us"]),
    }


USERS = ReadModel(
    name="users",
    event_types=frozenset({UserRegistered.__name__, RoleGranted.__name__, RoleRevoked.__name__}),
    indexes=(IndexModel([("registered_us", ASCENDING)], name="by_registration"),),
    project=project_user,
)
