"""Verifying the log against its seals: one pass over ``EventStore.read_all``, the seals merged in.

The pass reads the log exactly as the sealer does (through the port), so
whatever the store's positions look like, sealer and audit chain the same
events.  The seals stream from the store in position order; the auditor's
saved checkpoints (``--checkpoints``) are few and sorted in memory.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, AsyncIterator, Sequence

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from boxoffice.eventstore import EventStore
from boxoffice.seals.records import SealRecords
from boxoffice.seals.seal import MalformedSeal, Seal

from .seal_checks import SealCheck
from .violations import MALFORMED_COMMIT, MALFORMED_SEAL, Violation

STORED, SAVED = "stored", "saved"


class NoPublicKey(Exception):
    """There are seals to verify but no key to verify them with."""


async def audit_seals(
    store: EventStore,
    records: SealRecords,
    public_key: Ed25519PublicKey | None,
    saved: Sequence[Seal | MalformedSeal] = (),
) -> tuple[list[str], list[Violation]]:
    """(notes, violations); events after the last seal are a note, not a violation."""
    found = [_malformed(problem) for problem in saved if isinstance(problem, MalformedSeal)]
    checkpoints = sorted(
        {seal for seal in saved if isinstance(seal, Seal)}, key=lambda seal: seal.position
    )
    if not checkpoints and not await records.exist():
        return ["seals: none, the log is not sealed"], found
    if public_key is None:
        raise NoPublicKey("there are seals but no public key: pass --public-key FILE")
    check = SealCheck(public_key)
    ordered = _in_position_order(records.all(), checkpoints, found)
    async with contextlib.aclosing(ordered) as seals:
        pending = await anext(seals, None)
        try:
            async for event in store.read_all():
                while pending is not None and pending[1].position < event.position:
                    found += _check(check, *pending)
                    pending = await anext(seals, None)
                check.event(event.hash, event.position)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            detail = f"the log cannot be read after position {check.position}: {exc!r}"
            found.append(Violation(MALFORMED_COMMIT, (check.position,), detail))
        while pending is not None:
            found += _check(check, *pending)
            pending = await anext(seals, None)
    found += check.finish()
    return _notes(check, tampered=bool(found)), found


def _check(check: SealCheck, source: str, seal: Seal) -> list[Violation]:
    return check.stored(seal) if source == STORED else check.saved(seal)


async def _in_position_order(
    stored: AsyncIterator[Seal | MalformedSeal], saved: Sequence[Seal], found: list[Violation]
) -> AsyncGenerator[tuple[str, Seal]]:
    """Stored and saved seals merged by position, the stored one first at equal positions.

    An unreadable stored seal is appended to ``found`` and skipped.
    """
    rest = iter(saved)
    next_saved = next(rest, None)
    async for seal in stored:
        if isinstance(seal, MalformedSeal):
            found.append(_malformed(seal))
            continue
        while next_saved is not None and next_saved.position < seal.position:
            yield SAVED, next_saved
            next_saved = next(rest, None)
        yield STORED, seal
    while next_saved is not None:
        yield SAVED, next_saved
        next_saved = next(rest, None)


def _malformed(problem: MalformedSeal) -> Violation:
    return Violation(MALFORMED_SEAL, (), str(problem))


def _notes(check: SealCheck, *, tampered: bool) -> list[str]:
    """How far the seals vouch for the log; what lies after the last seal only when none failed."""
    if tampered:
        return [f"seals: {check.seals} checked, some do not vouch for the log (see above)"]
    notes = [f"seals: {check.seals} checked, the log is sealed up to position {check.sealed_up_to}"]
    if check.unsealed_events:
        notes.append(
            f"seals: {check.unsealed_events} event(s) after position {check.sealed_up_to} "
            "not yet sealed (a seal follows within seconds while a server runs)"
        )
    return notes
