"""Every typed key the aiohttp application carries, in one place."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.eventstore import MongoEventStore
from boxoffice.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
STORE_URI = web.AppKey("store_uri", str)
MONGO_CLIENT = web.AppKey("mongo_client", AsyncMongoClient[dict[str, Any]])
DATABASE = web.AppKey("database", AsyncDatabase[dict[str, Any]])
EVENT_STORE = web.AppKey("event_store", MongoEventStore)
