"""How far each read-model collection has applied the log, one document per collection.

A checkpoint is keyed by the collection (``offers_g3``), so every generation of
a read model has its own.  It only moves forward (``$max``): several processes
may project into the same collection, and the furthest one speaks for all,
since it writes its read-model batch before its checkpoint.
"""

from __future__ import annotations

from pymongo.asynchronous.database import AsyncDatabase

from .model import Document

CHECKPOINTS = "projection_checkpoints"


async def load_checkpoint(database: AsyncDatabase[Document], collection: str) -> int:
    doc = await database[CHECKPOINTS].find_one({"_id": collection})
    return int(doc["position"]) if doc else 0


async def save_checkpoint(
    database: AsyncDatabase[Document], collection: str, position: int
) -> None:
    await database[CHECKPOINTS].update_one(
        {"_id": collection}, {"$max": {"position": position}}, upsert=True
    )


async def delete_checkpoint(database: AsyncDatabase[Document], collection: str) -> None:
    await database[CHECKPOINTS].delete_one({"_id": collection})
