"""Refresh tokens: rotated on every use, a reused one revokes its family (OAuth 2.0 Security BCP).

A refresh token is an opaque random secret; the store keeps only its SHA-256
digest (``refresh_tokens``: family, user, expiry, used). Every token descends
from one login, its *family* (``refresh_families``: user, e-mail, revoked).

A refresh reads the token, then its family, then claims the token with one
guarded ``find_one_and_update`` (``used: false -> true``): of any number of
concurrent refreshes of one token, in any processes, exactly one wins. A token
presented again after its claim is reuse, so its family is revoked, and because
every refresh reads its family first, the tokens the family issued since stop
working too. A refresh that claimed its token before the revocation still
succeeds; the token it issued dies with the family.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.database import Document

TOKENS = "refresh_tokens"
FAMILIES = "refresh_families"
SECRET_BYTES = 32


class InvalidRefreshToken(Exception):
    """Unknown, expired, already used (reuse: the family is now revoked) or revoked."""


@dataclass(frozen=True)
class Session:
    """Whose refresh token it is; the e-mail names the user's stream."""

    user_id: str
    email: str
    family: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class RefreshTokens:
    def __init__(self, database: AsyncDatabase[Document], ttl_seconds: int) -> None:
        self._tokens = database[TOKENS]
        self._families = database[FAMILIES]
        self.ttl_seconds = ttl_seconds

    async def ensure_indexes(self) -> None:
        """Expired tokens and families are purged by MongoDB's TTL monitor (not by the embedded store)."""
        for collection in (self._tokens, self._families):
            await collection.create_index(
                [("expires_at", ASCENDING)], expireAfterSeconds=0, name="expiry"
            )
        await self._families.create_index([("user_id", ASCENDING)], name="by_user")

    async def start(self, user_id: str, email: str) -> str:
        """A new family for a login, and its first refresh token."""
        family = uuid.uuid4().hex
        await self._families.insert_one(
            {
                "_id": family,
                "user_id": user_id,
                "email": email,
                "revoked": False,
                "expires_at": self._expiry(),
            }
        )
        return await self._issue(family, user_id)

    async def rotate(self, secret: str) -> tuple[Session, str]:
        """The session and its next refresh token; the presented one is used up."""
        token = await self._tokens.find_one({"_id": _digest(secret)})
        if token is None or token["expires_at"] <= datetime.now(UTC):
            raise InvalidRefreshToken()
        family = await self._families.find_one_and_update(
            {"_id": token["family"], "revoked": False},
            {"$set": {"expires_at": self._expiry()}},
            return_document=ReturnDocument.AFTER,
        )
        if family is None:
            raise InvalidRefreshToken()
        claimed = await self._tokens.find_one_and_update(
            {"_id": token["_id"], "used": False}, {"$set": {"used": True}}
        )
        if claimed is None:
            await self._revoke_family(token["family"])
            raise InvalidRefreshToken()
        session = Session(family["user_id"], family["email"], family["_id"])
        return session, await self._issue(session.family, session.user_id)

    async def revoke(self, secret: str) -> None:
        """Revoke the token's family (a logout); raises InvalidRefreshToken for an unknown token."""
        token = await self._tokens.find_one({"_id": _digest(secret)}, {"family": 1})
        if token is None:
            raise InvalidRefreshToken()
        await self._revoke_family(token["family"])

    async def revoke_user(self, user_id: str) -> None:
        """Revoke every family of the user (a password change)."""
        await self._families.update_many({"user_id": user_id}, {"$set": {"revoked": True}})

    async def _revoke_family(self, family: str) -> None:
        await self._families.update_one({"_id": family}, {"$set": {"revoked": True}})

    async def _issue(self, family: str, user_id: str) -> str:
        secret = secrets.token_urlsafe(SECRET_BYTES)
        await self._tokens.insert_one(
            {
                "_id": _digest(secret),
                "family": family,
                "user_id": user_id,
                "used": False,
                "expires_at": self._expiry(),
            }
        )
        return secret

    def _expiry(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=self.ttl_seconds)
