"""Every typed key the aiohttp application carries, in one place."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from prometheus_client import CollectorRegistry
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from boxoffice.commands.booking import BookingService
from boxoffice.commands.booking_requests import BookingRequests
from boxoffice.commands.orders import OrderService
from boxoffice.commands.passwords import PasswordHasher
from boxoffice.commands.sessions import RefreshTokens
from boxoffice.eventstore import MongoEventStore
from boxoffice.projections.metrics import ProjectionGauges
from boxoffice.projections.runner import ProjectionRunner
from boxoffice.settings import Settings
from boxoffice.store_monitoring import CommandCounter, StoreHealth
from boxoffice.webhooks.subscriptions import Subscriptions

from .instruments import BookingOutcomes, CheckInOutcomes, RequestMetrics
from .limiter import RateLimits
from .login_failures import LoginFailures
from .peers import TrustedProxies
from .tokens import TokenService

SETTINGS = web.AppKey("settings", Settings)
STORE_URI = web.AppKey("store_uri", str)
MONGO_CLIENT = web.AppKey("mongo_client", AsyncMongoClient[dict[str, Any]])
DATABASE = web.AppKey("database", AsyncDatabase[dict[str, Any]])
EVENT_STORE = web.AppKey("event_store", MongoEventStore)
PASSWORDS = web.AppKey("passwords", PasswordHasher)
TOKENS = web.AppKey("tokens", TokenService)
REFRESH_TOKENS = web.AppKey("refresh_tokens", RefreshTokens)
RATE_LIMITS = web.AppKey("rate_limits", RateLimits)
LOGIN_FAILURES = web.AppKey("login_failures", LoginFailures)
TRUSTED_PROXIES = web.AppKey("trusted_proxies", TrustedProxies)
PROJECTIONS = web.AppKey("projections", ProjectionRunner)
METRICS_REGISTRY = web.AppKey("metrics_registry", CollectorRegistry)
PROJECTION_GAUGES = web.AppKey("projection_gauges", ProjectionGauges)
REQUEST_METRICS = web.AppKey("request_metrics", RequestMetrics)
BOOKING_OUTCOMES = web.AppKey("booking_outcomes", BookingOutcomes)
CHECKIN_OUTCOMES = web.AppKey("checkin_outcomes", CheckInOutcomes)
BOOKINGS = web.AppKey("bookings", BookingService)
ORDERS = web.AppKey("orders", OrderService)
PAYMENT_WEBHOOK_SECRET = web.AppKey("payment_webhook_secret", str)
BOOKING_REQUESTS = web.AppKey("booking_requests", BookingRequests)
STORE_HEALTH = web.AppKey("store_health", StoreHealth)
STORE_COMMANDS = web.AppKey("store_commands", CommandCounter)
WEBHOOKS = web.AppKey("webhooks", Subscriptions)
DRAINING = web.AppKey("draining", asyncio.Event)
"""Set on SIGTERM: the server is about to stop, so /ready sends traffic elsewhere."""
