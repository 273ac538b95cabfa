"""Request and response shapes of the show lifecycle and the organiser's views."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, BaseModel, Field, model_validator

from boxoffice.domain.show_changes import DESCRIPTIVE_FIELDS

from .booking_models import (
    CategoryCode,
    CategoryIn,
    Cursor,
    HoldSeconds,
    Identifier,
    Instant,
    Limit,
    SalesBound,
    ShowSummaryOut,
    Strict,
    distinct_codes,
)
from .validation import ShortText

NOT_NULL = ("title", "venue", "starts_at", "hold_seconds")
Capacity = Annotated[int, Field(ge=0, le=1_000_000)]


class ChangeShowIn(Strict):
    """Only the fields given change; ``sales_start``/``sales_end`` null removes that bound."""

    title: ShortText | None = None
    venue: ShortText | None = None
    starts_at: Annotated[Instant | None, Field(description="Must be in the future.")] = None
    sales_start: SalesBound = None
    sales_end: SalesBound = None
    hold_seconds: HoldSeconds | None = None
    add_categories: Annotated[
        list[CategoryIn], Field(max_length=50), AfterValidator(distinct_codes)
    ] = Field(default_factory=list)
    capacities: Annotated[
        dict[CategoryCode, Capacity],
        Field(
            max_length=50,
            description="New capacity by category code; never below the seats sold plus held.",
        ),
    ] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _something_and_no_nulls(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("give at least one field to change")
        nulls = [
            name
            for name in NOT_NULL
            if name in self.model_fields_set and getattr(self, name) is None
        ]
        if nulls:
            raise ValueError(f"{', '.join(nulls)} cannot be null")
        return self

    def details(self) -> dict[str, Any]:
        return {
            name: getattr(self, name)
            for name in DESCRIPTIVE_FIELDS
            if name in self.model_fields_set
        }


class ShowListQuery(Strict):
    q: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    from_: Annotated[Instant | None, Field(alias="from")] = None
    to: Instant | None = None
    on_sale: Annotated[
        bool | None,
        Field(description="true: within its sales window and not cancelled; false: the others."),
    ] = None
    include_past: Annotated[bool, Field(description="Also shows that have started.")] = False
    limit: Annotated[int, Field(ge=1, le=100)] = 20
    cursor: Cursor | None = None


class ShowListOut(BaseModel):
    items: list[ShowSummaryOut]
    next_cursor: str | None


class CancellationOut(BaseModel):
    show_id: str
    status: Literal["cancelling", "cancelled"]
    status_url: str


class MoneyOut(BaseModel):
    amount: str
    currency: str | None


class CategorySalesOut(BaseModel):
    category: str
    capacity: int
    held: int
    sold: int
    cancelled: int
    checked_in: int
    revenue: MoneyOut


class SalesOut(BaseModel):
    show_id: str
    categories: list[CategorySalesOut]


class BookingsQuery(Strict):
    show_id: Identifier | None = None
    user_id: Identifier | None = None
    status: Literal["pending", "confirmed", "rejected", "cancelled"] | None = None
    limit: Limit = 20
    cursor: Cursor | None = None
