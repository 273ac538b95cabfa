"""Every route of the HTTP API, in one place."""

from __future__ import annotations

from aiohttp import web

from . import (
    booking,
    checkin,
    feed,
    metrics,
    openapi,
    ops,
    orders,
    organiser,
    payments,
    sessions,
    show_lifecycle,
    shows,
    tickets,
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
    app.router.add_post("/orders", orders.place_order)
    app.router.add_get("/orders", orders.list_orders)
    app.router.add_get("/orders/{order_id}", orders.get_order)
    app.router.add_post("/orders/{order_id}/cancel", orders.cancel_order)
    app.router.add_post("/orders/{order_id}/mark-paid", orders.mark_paid)
    app.router.add_post("/payments/webhook", payments.payment_webhook)
    app.router.add_get("/booking/tickets/{booking_id}/tickets", tickets.booking_tickets)
    app.router.add_get("/orders/{order_id}/tickets", tickets.order_tickets)
    app.router.add_get("/tickets/{ticket_id}/qr.svg", tickets.ticket_qr)
    app.router.add_post("/checkin", checkin.check_in)
    app.router.add_get("/shows/{show_id}/checkins", checkin.show_checkins)
    app.router.add_get("/events", feed.events)
    app.router.add_post("/webhooks", webhooks.create_webhook)
    app.router.add_get("/webhooks", webhooks.list_webhooks)
    app.router.add_delete("/webhooks/{webhook_id}", webhooks.delete_webhook)
