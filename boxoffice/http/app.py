"""The application factory: resources live in cleanup_ctx, routes in routes.py."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import AsyncIterator

from aiohttp import web
from aiohttp.typedefs import Middleware

from boxoffice.commands.booking import BookingService
from boxoffice.commands.booking_queue import BookingQueues
from boxoffice.commands.booking_requests import BookingRequests
from boxoffice.commands.hold_sweeper import HoldSweeper
from boxoffice.commands.orders import OrderService
from boxoffice.commands.passwords import PasswordHasher
from boxoffice.commands.request_recovery import RequestRecovery
from boxoffice.commands.sessions import RefreshTokens
from boxoffice.commands.show_cancellation import ShowCancellations
from boxoffice.commands.shows import ShowCatalog
from boxoffice.commands.submission import Submission
from boxoffice.database import connect
from boxoffice.eventstore import MongoEventStore
from boxoffice.followers import cancel_until_done, last_write
from boxoffice.projections import order_queries, queries
from boxoffice.projections.app import projections_ctx
from boxoffice.projections.bookings import BOOKINGS
from boxoffice.projections.offers import OFFERS
from boxoffice.projections.orders import ORDERS
from boxoffice.seals.app import sealer_ctx
from boxoffice.settings import Settings
from boxoffice.store_monitoring import CommandCounter, StoreHealth
from boxoffice.tickets.app import tickets_ctx
from boxoffice.webhooks.app import webhooks_ctx

from . import keys
from .cors import cross_origin
from .login_failures import LoginFailures
from .metrics import setup_metrics
from .peers import TrustedProxies
from .problems import problem_middleware
from .ratelimit import rate_limits
from .request_log import request_log
from .request_metrics import request_metrics
from .routes import setup_routes
from .tokens import TokenService

log = logging.getLogger(__name__)


async def _mongo(app: web.Application) -> AsyncIterator[None]:
    health, commands = StoreHealth(), CommandCounter()
    app[keys.STORE_HEALTH], app[keys.STORE_COMMANDS] = health, commands
    client = connect(app[keys.STORE_URI], [health, commands])
    app[keys.MONGO_CLIENT] = client
    app[keys.DATABASE] = client[app[keys.SETTINGS].db_name]
    yield
    await last_write(client.close(), "closing the store's connections", log)


async def _event_store(app: web.Application) -> AsyncIterator[None]:
    store = MongoEventStore(app[keys.DATABASE])
    await store.ensure_indexes()
    app[keys.EVENT_STORE] = store
    yield


async def _sessions(app: web.Application) -> AsyncIterator[None]:
    tokens = RefreshTokens(app[keys.DATABASE], app[keys.SETTINGS].refresh_ttl_seconds)
    await tokens.ensure_indexes()
    app[keys.REFRESH_TOKENS] = tokens
    yield


async def _bookings(app: web.Application) -> AsyncIterator[None]:
    """Booking queues close first on shutdown: queued bookings finish, nothing half-written.

    Every process also recovers booking requests that no process decided (a crash).
    """
    settings = app[keys.SETTINGS]
    store = app[keys.EVENT_STORE]
    database = app[keys.DATABASE]
    requests = BookingRequests(
        database["booking_requests"], lease_seconds=settings.booking_wait_seconds + 5
    )
    await requests.ensure_indexes()
    queues = BookingQueues(store, settings.booking_batch_max)
    app[keys.BOOKING_REQUESTS] = requests
    submission = Submission(
        queues,
        requests,
        functools.partial(
            app[keys.PROJECTIONS].wait_for, projections=(BOOKINGS.name, OFFERS.name, ORDERS.name)
        ),
        settings.booking_wait_seconds,
    )
    catalog = ShowCatalog(store, settings.hold_seconds)
    app[keys.BOOKINGS] = BookingService(
        submission, catalog, functools.partial(queries.get_booking, database)
    )
    orders = OrderService(
        submission,
        catalog,
        functools.partial(order_queries.get_order, database),
    )
    app[keys.ORDERS] = orders
    app[keys.PAYMENT_WEBHOOK_SECRET] = settings.resolved_payment_webhook_secret()
    recovery = RequestRecovery(
        requests,
        queues,
        functools.partial(order_queries.known_requests, database),
        database["followers"],
        stale_seconds=settings.request_recovery_seconds,
        interval_seconds=min(2.0, settings.request_recovery_seconds / 2),
    )
    sweeper = HoldSweeper(
        orders, functools.partial(order_queries.due_orders, database), settings.hold_sweep_seconds
    )
    followers = [
        asyncio.create_task(recovery.run(), name="request-recovery"),
        asyncio.create_task(sweeper.run(), name="hold-sweeper"),
    ]
    yield
    await cancel_until_done(followers)
    await queues.close()


async def _show_cancellations(app: web.Application) -> AsyncIterator[None]:
    """Every process completes the show cancellations started, resuming where any got to."""
    settings = app[keys.SETTINGS]
    cancellations = ShowCancellations(
        app[keys.EVENT_STORE],
        app[keys.DATABASE]["followers"],
        batch=settings.show_cancel_batch,
        pause_seconds=settings.show_cancel_pause_seconds,
    )
    cancellations.start()
    yield
    await cancellations.stop()


async def _passwords(app: web.Application) -> AsyncIterator[None]:
    settings = app[keys.SETTINGS]
    app[keys.PASSWORDS] = await PasswordHasher.create(
        settings.bcrypt_rounds, settings.bcrypt_concurrency
    )
    yield


async def _rate_limits(app: web.Application) -> AsyncIterator[None]:
    settings = app[keys.SETTINGS]
    app[keys.RATE_LIMITS] = rate_limits(settings)
    app[keys.LOGIN_FAILURES] = LoginFailures(
        settings.login_failures_per_account, settings.login_failures_per_address
    )
    yield


async def _without_version_banner(request: web.Request, response: web.StreamResponse) -> None:
    """aiohttp announces its and Python's versions in ``Server``; a client needs neither."""
    response.headers["Server"] = "boxoffice"


def create_app(settings: Settings, store_uri: str) -> web.Application:
    middlewares: list[Middleware] = [request_log, request_metrics]
    if settings.cors_origins:
        middlewares.append(cross_origin(settings.cors_origins))
    middlewares.append(problem_middleware)
    app = web.Application(client_max_size=settings.max_body_bytes, middlewares=middlewares)
    app[keys.SETTINGS] = settings
    app[keys.STORE_URI] = store_uri
    app[keys.TOKENS] = TokenService(
        settings.resolved_jwt_secret(), settings.token_ttl_seconds, settings.token_leeway_seconds
    )
    app[keys.TRUSTED_PROXIES] = TrustedProxies(settings.trusted_proxies)
    app[keys.DRAINING] = asyncio.Event()
    app.cleanup_ctx.extend([_mongo, _event_store])
    app.cleanup_ctx.append(projections_ctx)
    app.cleanup_ctx.append(sealer_ctx)
    app.cleanup_ctx.append(webhooks_ctx)
    app.cleanup_ctx.append(tickets_ctx)
    app.cleanup_ctx.append(_bookings)
    app.cleanup_ctx.append(_show_cancellations)
    app.cleanup_ctx.extend([_sessions, _passwords, _rate_limits])
    app.on_response_prepare.append(_without_version_banner)
    setup_metrics(app)
    setup_routes(app)
    return app
