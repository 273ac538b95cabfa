"""Group commit: concurrent callers share one write; failures reach every caller of the batch."""

from __future__ import annotations

import asyncio

import pytest

from boxoffice.group_commit import GroupCommit


async def test_concurrent_callers_share_one_write() -> None:
    writes: list[list[int]] = []

    async def write(items: list[int]) -> list[int]:
        writes.append(items)
        return [i * 2 for i in items]

    group: GroupCommit[int, int] = GroupCommit(write)
    results = await asyncio.gather(*(group.submit(i) for i in range(10)))
    assert results == [i * 2 for i in range(10)] and len(writes) == 1


async def test_callers_arriving_during_a_write_form_the_next_batch() -> None:
    writes: list[list[int]] = []
    gate = asyncio.Event()

    async def write(items: list[int]) -> list[int]:
        writes.append(items)
        await gate.wait()
        return items

    group: GroupCommit[int, int] = GroupCommit(write)
    first = asyncio.create_task(group.submit(0))
    await asyncio.sleep(0.01)
    later = [asyncio.create_task(group.submit(i)) for i in (1, 2, 3)]
    await asyncio.sleep(0.01)
    gate.set()
    await asyncio.gather(first, *later)
    assert writes == [[0], [1, 2, 3]]


async def test_a_batch_never_exceeds_its_maximum() -> None:
    sizes: list[int] = []

    async def write(items: list[int]) -> list[int]:
        sizes.append(len(items))
        return items

    group: GroupCommit[int, int] = GroupCommit(write, max_batch=4)
    await asyncio.gather(*(group.submit(i) for i in range(10)))
    assert sizes == [4, 4, 2]


async def test_a_failed_write_fails_every_caller_of_that_batch() -> None:
    async def write(items: list[int]) -> list[int]:
        raise ConnectionError("down")

    group: GroupCommit[int, int] = GroupCommit(write)
    outcomes = await asyncio.gather(*(group.submit(i) for i in range(3)), return_exceptions=True)
    assert all(isinstance(o, ConnectionError) for o in outcomes)


async def test_a_later_batch_still_runs_after_a_failed_one() -> None:
    calls = 0

    async def write(items: list[int]) -> list[int]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("down")
        return items

    group: GroupCommit[int, int] = GroupCommit(write)
    with pytest.raises(ConnectionError):
        await group.submit(1)
    assert await group.submit(2) == 2


async def test_an_exception_in_place_of_a_result_fails_that_caller_alone() -> None:
    async def write(items: list[int]) -> list[int | Exception]:
        return [ValueError(i) if i == 2 else i for i in items]

    group: GroupCommit[int, int] = GroupCommit(write)
    results = await asyncio.gather(*(group.submit(i) for i in range(4)), return_exceptions=True)
    assert [type(r).__name__ for r in results] == ["int", "int", "ValueError", "int"]
