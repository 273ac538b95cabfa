"""Folding a batch's writes to a document into one write, per version field.

A batch of the booking pipeline holds, for one inventory, dozens of
BookingRequested + BookingConfirmed: one ``$inc`` per confirmation on the same
offer, two updates per booking.  Folded, the offer gets one write with the net
``$inc``, each booking one upsert of its final state.

A *lane* is one document's changes from one stream (one version field; an offer
has two).  Its writes fold into one that is guarded by the lane's first version
and sets its last: applied to a document that has seen none of the lane's
events it gives exactly what the writes one by one would.  A document that has
seen some but not all of them (another runner got there first) is not matched;
``apply.apply_batch`` notices and replays the remaining writes one by one.
"""

from __future__ import annotations

from collections.abc import Iterable

from .model import Write


def coalesce(writes: Iterable[Write]) -> list[Write] | None:
    """One write per (document, version field), in order of first appearance.

    None when the writes do not fold: a lane that starts a document twice, goes
    back in version, or both sets and increments one field (a malformed log).
    """
    lanes: dict[tuple[str, str], Write] = {}
    for write in writes:
        lane = (write.doc_id, write.version_field)
        earlier = lanes.get(lane)
        if earlier is None:
            lanes[lane] = write
        elif folds(earlier, write):
            lanes[lane] = fold(earlier, write)
        else:
            return None
    return list(lanes.values())


def folds(earlier: Write, later: Write) -> bool:
    """Whether ``later`` can be folded into ``earlier`` (same lane) without changing the outcome."""
    if later.creates or later.first_version <= earlier.version:
        return False
    if earlier.creates:
        return True
    return not (earlier.fields.keys() & later.increments.keys()) and not (
        earlier.increments.keys() & later.fields.keys()
    )


def fold(earlier: Write, later: Write) -> Write:
    """``earlier`` then ``later`` as one write; a creation absorbs the changes into the new document."""
    versions = (earlier.first_version, later.version)
    if earlier.creates:
        document = {**earlier.fields, **later.fields, earlier.version_field: later.version}
        for name, step in later.increments.items():
            document[name] = document.get(name, 0) + step
        return Write(earlier.doc_id, earlier.version_field, versions, document, {}, creates=True)
    increments = dict(earlier.increments)
    for name, step in later.increments.items():
        increments[name] = increments.get(name, 0) + step
    fields = {**earlier.fields, **later.fields}
    return Write(earlier.doc_id, earlier.version_field, versions, fields, increments, creates=False)
