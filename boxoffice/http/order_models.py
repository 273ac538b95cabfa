"""Request and response shapes of the order and payment routes (strict: no coercion, no extras)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from .booking_models import CategoryCode, Identifier, Strict

ORDER_STATUSES = ("awaiting_payment", "paid", "expired", "cancelled", "refund_due", "rejected")
OrderStatus = Literal["awaiting_payment", "paid", "expired", "cancelled", "refund_due", "rejected"]


class OrderItemIn(Strict):
    category: CategoryCode
    quantity: Annotated[int, Field(ge=1)]


class PlaceOrderIn(Strict):
    show_id: Identifier
    items: Annotated[
        list[OrderItemIn],
        Field(
            min_length=1,
            max_length=50,
            description="A category named twice is one item of the quantities added up.",
        ),
    ]

    def quantities(self) -> tuple[tuple[str, int], ...]:
        """(category, quantity) in the order first named, repeated categories added up."""
        wanted: dict[str, int] = {}
        for item in self.items:
            wanted[item.category] = wanted.get(item.category, 0) + item.quantity
        return tuple(wanted.items())


class OrdersQuery(Strict):
    show_id: Identifier | None = None
    status: OrderStatus | None = None
    user_id: Annotated[
        Identifier | None, Field(description="Admins only: another user's orders.")
    ] = None
    limit: Annotated[int, Field(ge=1, le=100)] = 20
    cursor: Annotated[str, Field(max_length=500)] | None = None


class PaymentData(BaseModel):
    """What boxoffice reads of a provider's payment event; other fields are ignored."""

    order_id: Annotated[str, Field(min_length=1, max_length=64)]
    amount: Annotated[str, Field(pattern=r"^(0|[1-9][0-9]{0,11})(\.[0-9]{1,2})?$")]
    currency: Annotated[str, Field(pattern=r"^[A-Za-z]{3}$")]
    payment_id: Annotated[str, Field(min_length=1, max_length=200)]


class PaymentEventIn(BaseModel):
    id: Annotated[str, Field(min_length=1, max_length=200)]
    type: Annotated[str, Field(min_length=1, max_length=100)]
    data: PaymentData


class MoneyOut(BaseModel):
    amount: str
    currency: str


class OrderItemOut(BaseModel):
    category: str
    quantity: int
    unit_price: str


class RefusedItemOut(BaseModel):
    category: str
    quantity: int


class OrderOut(BaseModel):
    order_id: str
    status: Literal[
        "pending", "awaiting_payment", "paid", "expired", "cancelled", "refund_due", "rejected"
    ]
    show_id: str
    items: list[OrderItemOut]
    total: MoneyOut
    expires_at: str | None = None
    status_url: str | None = None
    reason: str | None = None
    refused: list[RefusedItemOut] | None = None
    refund_reason: str | None = None
    last_payment_problem: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


class OrderPageOut(BaseModel):
    items: list[OrderOut]
    next_cursor: str | None


class PaymentReceivedOut(BaseModel):
    received: bool
    order_id: str | None = None
    status: str | None = None
    applied: bool
