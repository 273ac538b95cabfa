"""Every route of the HTTP API, in one place."""

from __future__ import annotations

from aiohttp import web

from . import (
    booking,
    feed,
    metrics,
    openapi,
    ops,
    organiser,
    sessions,
    show_lifecycle,
    shows,
    users,
    webhooks,
)


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/health", ops.health)
    app.router.add_get("/ready", ops.ready)
    app.router.add_get("/metrics", metrics.metrics)
    app.router.add_get("/openapi.json", openapi.openapi)
    app.router.add_post("/auth/register", users.register)
    app.router.add_post("/auth/login", users.login)
    app.router.add_post("/auth/refresh", sessions.refresh)
    app.router.add_post("/auth/logout", sessions.logout)
    app.router.add_post("/auth/password", sessions.change_password)
    app.router.add_post("/shows", shows.create_show)
    app.router.add_get("/shows", shows.list_shows)
    app.router.add_get("/shows/{show_id}", shows.get_show)
    app.router.add_patch("/shows/{show_id}", show_lifecycle.change)
    app.router.add_post("/shows/{show_id}/cancel", show_lifecycle.cancel)
    app.router.add_get("/shows/{show_id}/sales", organiser.sales)
    app.router.add_get("/bookings", organiser.bookings)
    app.router.add_get("/booking/tickets", shows.search_offers)
    app.router.add_post("/booking/tickets/book", booking.book)
    app.router.add_get("/booking/tickets/status", booking.status)
    app.router.add_post("/booking/tickets/cancel", booking.cancel)
    app.router.add_get("/events", feed.events)
    app.router.add_post("/webhooks", webhooks.create_webhook)
    app.router.add_get("/webhooks", webhooks.list_webhooks)
    app.router.add_delete("/webhooks/{webhook_id}", webhooks.delete_webhook)
