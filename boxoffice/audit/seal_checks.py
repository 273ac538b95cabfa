"""Checking seals against the running hash recomputed from the log, as a pure object.

Feed it every event in global order and, between them, each seal once the log
has reached its position: the seals in the store (``stored``) and those an
auditor saved earlier (``saved``), in position order, a stored seal before a
saved one at the same position.  A seal is checked for its signature, then for
the running hash at its position.  Once the log disagrees with one seal, every
later seal disagrees too: those are counted, not listed.  A saved seal must
still be in the store, unchanged.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from boxoffice.seals.keys import key_id
from boxoffice.seals.running_hash import Chain
from boxoffice.seals.seal import Seal

from .violations import (
    LOG_TRUNCATED,
    SEAL_MISMATCH,
    SEAL_MISSING,
    SEAL_SIGNATURE_INVALID,
    Violation,
)


class SealCheck:
    def __init__(self, public_key: Ed25519PublicKey) -> None:
        self._public_key = public_key
        self._key_id = key_id(public_key)
        self._chain = Chain()
        self._last_stored: Seal | None = None
        self._beyond_the_log: list[Seal] = []
        self._diverged = False
        self._later_disagreements = 0
        self.sealed_up_to = 0
        self.seals = 0
        self.unsealed_events = 0

    @property
    def position(self) -> int:
        """The position the recomputed running hash has reached."""
        return self._chain.position

    def event(self, event_hash: str, position: int) -> None:
        self._chain = self._chain.add(event_hash, position)
        self.unsealed_events += 1

    def stored(self, seal: Seal) -> list[Violation]:
        self._last_stored = seal
        return self._check(seal, "the seal")

    def saved(self, seal: Seal) -> list[Violation]:
        found = self._check(seal, "the saved seal")
        kept = self._last_stored
        if kept is None or kept.position != seal.position:
            detail = "the store no longer holds it: seals were deleted"
        elif kept != seal:
            detail = f"the store holds another seal there: {kept.json_line()}"
        else:
            return found
        return [*found, Violation(SEAL_MISSING, (seal.position,), f"saved seal: {detail}")]

    def finish(self) -> list[Violation]:
        found = []
        if self._beyond_the_log:
            last = self._beyond_the_log[-1].position
            found.append(
                Violation(
                    LOG_TRUNCATED,
                    (last,),
                    f"the log ends at {self.position} but was sealed up to {last}: "
                    "events after it were deleted",
                )
            )
        if self._later_disagreements:
            found.append(
                Violation(
                    SEAL_MISMATCH,
                    (),
                    f"{self._later_disagreements} later seal(s) disagree with the log as well",
                )
            )
        return found

    def _check(self, seal: Seal, name: str) -> list[Violation]:
        """The seal's position is at or before the events fed so far, or the log ended first."""
        self.seals += 1
        signature = self._signature_violation(seal, name)
        if signature is not None:
            return [signature]
        if seal.position > self.position:
            self._beyond_the_log.append(seal)
            return []
        self.sealed_up_to = max(self.sealed_up_to, seal.position)
        self.unsealed_events = 0
        problem = self._disagreement(seal)
        if problem is None:
            return []
        if self._diverged:
            self._later_disagreements += 1
            return []
        self._diverged = True
        return [Violation(SEAL_MISMATCH, (seal.position,), f"{name}: {problem}")]

    def _signature_violation(self, seal: Seal, name: str) -> Violation | None:
        if seal.key_id != self._key_id:
            detail = f"signed by key {seal.key_id}, not by the audit's key {self._key_id}"
        elif not seal.signed_by(self._public_key):
            detail = "its signature does not verify: it was forged or altered"
        else:
            return None
        return Violation(SEAL_SIGNATURE_INVALID, (seal.position,), f"{name}: {detail}")

    def _disagreement(self, seal: Seal) -> str | None:
        if self.position < seal.position:
            return (
                f"the log has no event at the sealed position (it goes from {self.position} "
                "to a later one): events were deleted"
            )
        if self._chain.running_hash != seal.running_hash:
            return (
                "the log up to here does not hash to what was sealed: "
                "an event at or before it was inserted, deleted or changed"
            )
        return None
