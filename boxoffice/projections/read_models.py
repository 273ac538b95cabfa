"""Every read model the runner keeps and ``boxoffice rebuild`` can rebuild, by name."""

from __future__ import annotations

from .bookings import BOOKINGS
from .model import ReadModel
from .offers import OFFERS
from .orders import ORDERS
from .sales import SALES
from .shows import SHOWS
from .tickets import TICKETS
from .users import USERS

READ_MODELS: dict[str, ReadModel] = {
    model.name: model for model in (OFFERS, BOOKINGS, ORDERS, USERS, TICKETS, SHOWS, SALES)
}
