"""``replay``: the selected events, in global order, written as they are read."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, TextIO

from pymongo.asynchronous.collection import AsyncCollection

from boxoffice.eventstore import RecordedEvent

from .chain import ChainVerifier
from .reading import MalformedCommit, SealedPosition, read_events
from .selection import Selection
from .violations import Violation

Document = dict[str, Any]


async def replay(
    commits: AsyncCollection[Document],
    selection: Selection,
    out: TextIO,
    render: Callable[[RecordedEvent], str],
    *,
    verify: bool,
    report: Callable[[Violation], None],
) -> int:
    """Write one line per selected event; return how many problems were reported.

    With ``verify`` every printed event's hash is recomputed and linked to the
    events of its stream printed before it (see ``ChainVerifier``).  A commit
    that cannot be decoded is always reported.
    """
    chain = ChainVerifier(complete=selection.whole_streams)
    problems = 0
    async with contextlib.aclosing(read_events(commits, selection)) as events:
        async for item in events:
            if isinstance(item, SealedPosition):
                continue
            if isinstance(item, MalformedCommit):
                report(item.violation())
                problems += 1
                continue
            if verify:
                for violation in chain.check(item):
                    report(violation)
                    problems += 1
            out.write(render(item) + "\n")
    return problems
