"""Generations of a read model: versioned collections and the pointer naming the live one.

``read_models`` holds ``{_id: "offers", collection: "offers_g3", generation: 3}``.
A rebuild fills ``offers_g4`` while readers keep using ``offers_g3``, then moves
the pointer in one update.  Collections are never renamed: nx-27017 loses the
documents of a renamed collection.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from .checkpoints import delete_checkpoint
from .model import Document, ReadModel

POINTERS = "read_models"
FIRST_GENERATION = 1


class GenerationConflict(RuntimeError):
    """The pointer moved while a rebuild was running: another rebuild switched it."""


@dataclass(frozen=True)
class Generation:
    name: str
    generation: int

    @property
    def collection(self) -> str:
        return collection_name(self.name, self.generation)


def collection_name(name: str, generation: int) -> str:
    return f"{name}_g{generation}"


async def current_generation(database: AsyncDatabase[Document], name: str) -> Generation:
    """The live generation; the first one when the read model was never built."""
    pointer = await database[POINTERS].find_one({"_id": name})
    return Generation(name, int(pointer["generation"]) if pointer else FIRST_GENERATION)


async def live_collection(
    database: AsyncDatabase[Document], name: str
) -> AsyncCollection[Document]:
    """The collection queries read for ``name`` now (one lookup by ``_id``)."""
    return database[(await current_generation(database, name)).collection]


async def ensure_generation(database: AsyncDatabase[Document], model: ReadModel) -> Generation:
    """The live generation, with its pointer recorded and its indexes in place."""
    first = Generation(model.name, FIRST_GENERATION)
    await database[POINTERS].update_one(
        {"_id": model.name},
        {"$setOnInsert": {"collection": first.collection, "generation": first.generation}},
        upsert=True,
    )
    live = await current_generation(database, model.name)
    await database[live.collection].create_indexes(list(model.indexes))
    return live


async def prepare_next_generation(
    database: AsyncDatabase[Document], model: ReadModel
) -> tuple[Generation, Generation]:
    """(live, next): ``next`` is an empty collection with indexes, leftovers of a failed rebuild gone."""
    live = await ensure_generation(database, model)
    following = Generation(model.name, live.generation + 1)
    await database.drop_collection(following.collection)
    await delete_checkpoint(database, following.collection)
    await database[following.collection].create_indexes(list(model.indexes))
    return live, following


async def switch_generation(
    database: AsyncDatabase[Document], live: Generation, following: Generation
) -> None:
    """Point readers at ``following`` in one update, only if ``live`` is still the live one."""
    result = await database[POINTERS].update_one(
        {"_id": live.name, "generation": live.generation},
        {"$set": {"collection": following.collection, "generation": following.generation}},
    )
    if result.matched_count != 1:
        raise GenerationConflict(f"{live.name}: the live generation is no longer {live.generation}")


async def drop_older_generations(database: AsyncDatabase[Document], live: Generation) -> list[str]:
    """Drop every generation of ``live.name`` below the live one, and their checkpoints."""
    pattern = re.compile(rf"^{re.escape(live.name)}_g(\d+)$")
    dropped = []
    for collection in await database.list_collection_names():
        found = pattern.match(collection)
        if found and int(found.group(1)) < live.generation:
            await database.drop_collection(collection)
            await delete_checkpoint(database, collection)
            dropped.append(collection)
    return dropped
