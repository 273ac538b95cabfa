"""Request and response shapes of the show and booking routes (strict: no coercion, no extras)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from .validation import ShortText

Identifier = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
CategoryCode = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,32}$")]


def _utc_instant(value: str) -> str:
    """An ISO 8601 time with a zone, normalised to UTC (``...Z``)."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("must be an ISO 8601 date-time") from None
    if moment.tzinfo is None:
        raise ValueError("must carry a time zone, e.g. 2027-01-31T19:30:00Z")
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00:00+01:00 is before year 1 in UTC
        raise ValueError("must be a time between the years 1 and 9999 in UTC") from None
    return utc.isoformat().replace("+00:00", "Z")


Instant = Annotated[
    str,
    Field(max_length=40, json_schema_extra={"format": "date-time"}),
    AfterValidator(_utc_instant),
]


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class CategoryIn(Strict):
    code: CategoryCode
    name: ShortText
    price: Annotated[str, Field(pattern=r"^(0|[1-9][0-9]{0,8})(\.[0-9]{1,2})?$")]
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    capacity: Annotated[int, Field(ge=1, le=1_000_000)]


def distinct_codes(categories: list[CategoryIn]) -> list[CategoryIn]:
    if len({c.code for c in categories}) != len(categories):
        raise ValueError("category codes must be distinct")
    return categories


Categories = Annotated[
    list[CategoryIn], Field(min_length=1, max_length=50), AfterValidator(distinct_codes)
]
HoldSeconds = Annotated[
    int,
    Field(
        ge=5,
        le=7 * 86400,
        description="How long an order holds its seats unpaid; default BOXOFFICE_HOLD_SECONDS.",
    ),
]
SalesBound = Annotated[
    Instant | None,
    Field(description="Sales open at sales_start and close at sales_end (null: no bound)."),
]


class CreateShowIn(Strict):
    title: ShortText
    venue: ShortText
    starts_at: Annotated[Instant, Field(description="Must be in the future.")]
    categories: Categories
    sales_start: SalesBound = None
    sales_end: SalesBound = None
    hold_seconds: HoldSeconds | None = None
    per_user_limit: (
        Annotated[
            int,
            Field(
                ge=1,
                le=10_000,
                description="Most seats one user may hold in this show, counted across every "
                "category: confirmed bookings (cancelled ones give their seats back).",
            ),
        ]
        | None
    ) = None


class BookIn(Strict):
    show_id: Identifier
    category: CategoryCode
    quantity: Annotated[int, Field(ge=1)]


class CancelIn(Strict):
    booking_id: Identifier


class SearchQuery(Strict):
    show_id: Identifier | None = None
    q: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    from_: Annotated[Instant | None, Field(alias="from")] = None
    to: Instant | None = None
    available_only: bool = False
    limit: Annotated[int, Field(ge=1, le=100)] = 20
    cursor: Annotated[str, Field(max_length=500)] | None = None


Limit = Annotated[int, Field(ge=1, le=100)]
Cursor = Annotated[str, Field(max_length=500)]


class StatusQuery(Strict):
    booking_id: Identifier | None = None
    limit: Limit = 100
    cursor: Cursor | None = None


class CategoryOut(BaseModel):
    code: str
    name: str
    price: str
    currency: str
    capacity: int
    available: int


class ShowSummaryOut(BaseModel):
    show_id: str
    title: str
    venue: str
    starts_at: str
    sales_start: str | None
    sales_end: str | None
    hold_seconds: int
    per_user_limit: int | None
    status: Literal["active", "cancelling", "cancelled"]


class ShowOut(ShowSummaryOut):
    categories: list[CategoryOut]


class BookingOut(BaseModel):
    booking_id: str
    status: Literal["pending", "confirmed", "rejected", "cancelled"]
    show_id: str
    category: str
    quantity: int
    reason: str | None = None
    status_url: str | None = None


class OfferOut(BaseModel):
    show_id: str
    title: str
    venue: str
    starts_at: str
    category: str
    name: str
    price: str
    currency: str
    capacity: int
    available: int


class OffersOut(BaseModel):
    items: list[OfferOut]
    next_cursor: str | None


class BookingStatusOut(BaseModel):
    booking_id: str
    status: Literal["pending", "confirmed", "rejected", "cancelled"]
    show_id: str
    category: str
    quantity: int
    reason: str | None = None
    created_at: str
    updated_at: str


class BookingListOut(BaseModel):
    items: list[BookingStatusOut]
    next_cursor: str | None
