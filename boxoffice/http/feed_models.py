"""Request and response shapes of the event feed and the webhook routes."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field

from boxoffice.domain.events import EVENT_TYPES
from boxoffice.webhooks.destinations import MAX_URL_LENGTH

from .validation import StrictModel


def _known_type(value: str) -> str:
    if value not in EVENT_TYPES:
        raise ValueError(f"must be one of {', '.join(EVENT_TYPES)}")
    return value


def _distinct(values: list[str]) -> list[str]:
    if len(set(values)) != len(values):
        raise ValueError("event types must be distinct")
    return values


EventType = Annotated[
    str, Field(json_schema_extra={"enum": list(EVENT_TYPES)}), AfterValidator(_known_type)
]


class FeedQuery(StrictModel):
    after: Annotated[int, Field(ge=0, description="the next_after of the previous page")] = 0
    limit: Annotated[int, Field(ge=1, le=1000)] = 100


class PublicEventOut(BaseModel):
    id: str
    position: int
    stream: str
    type: str
    data: dict[str, Any]
    recorded_at: str


class FeedOut(BaseModel):
    items: list[PublicEventOut]
    next_after: int = Field(description="pass it back as after; equal to after when no item")


class WebhookIn(StrictModel):
    url: Annotated[
        str,
        Field(
            min_length=1,
            max_length=MAX_URL_LENGTH,
            json_schema_extra={"format": "uri"},
            description="http or https; see BOXOFFICE_WEBHOOK_ALLOW_PRIVATE",
        ),
    ]
    events: Annotated[
        list[EventType],
        Field(min_length=1, max_length=len(EVENT_TYPES), json_schema_extra={"uniqueItems": True}),
        AfterValidator(_distinct),
    ]


class WebhookCreatedOut(BaseModel):
    webhook_id: str
    secret: str = Field(description="signs every delivery; shown only here")


class WebhookOut(BaseModel):
    webhook_id: str
    url: str
    events: list[str]
    status: str = Field(description="active, or disabled (see disabled_reason)")
    disabled_reason: str | None = Field(description="gone (the receiver answered 410) or failing")
    delivered_up_to: int = Field(description="every event up to this position was handled")
    failed_attempts: int
    next_attempt_at: str | None
    last_error: str | None
    created_at: str


class WebhookListOut(BaseModel):
    items: list[WebhookOut]
