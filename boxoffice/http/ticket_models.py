"""Request and response shapes of the ticket and check-in routes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from .booking_models import Identifier, Strict

Secret = Annotated[str, Field(min_length=1, max_length=200)]
Nonce = Annotated[
    str,
    Field(
        pattern=r"^[!-~]{1,100}$",
        description="Chosen by the gate for each scan; a retry of a scan sends the same nonce.",
    ),
]


class CheckInIn(Strict):
    secret: Secret
    nonce: Nonce
    show_id: Identifier | None = None


class TicketOut(BaseModel):
    ticket_id: str
    secret: str
    status: Literal["valid", "checked_in", "revoked"]
    show_id: str
    category: str
    qr_url: str


class TicketsOut(BaseModel):
    items: list[TicketOut]


class CheckedInOut(BaseModel):
    ticket_id: str
    show_id: str
    category: str
    holder: str | None = Field(description="The holder's name; null when not known yet.")
    checked_in_at: str


class CategoryCheckinsOut(BaseModel):
    category: str
    checked_in: int
    issued: int


class CheckinsOut(BaseModel):
    show_id: str
    checked_in: int
    issued: int = Field(description="Tickets issued and not revoked.")
    categories: list[CategoryCheckinsOut]
