"""A request body's bytes into a JSON object, strictly and at a bounded cost.

UTF-8 only; ``NaN`` and ``Infinity`` are not JSON; a key given twice in one
object is refused rather than silently taking the last value (which a proxy or
another parser may read differently); a number with a fraction or an exponent
stays a float, so ``1.0`` is no integer. Members (every key and array element)
and nesting are bounded before any validation runs, so a megabyte of keys costs
one parse, not a field error each. Keys are checked for repeats in a second
parse, once the body is known to be small: the check costs a Python call per
object, three times the C parser's own work on a flood of keys.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from .problems import Problem, invalid

MAX_MEMBERS = 2_000
MAX_DEPTH = 32


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _reject_infinities(constant: str) -> None:
    raise ValueError(f"{constant} is not JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    members = dict(pairs)
    if len(members) != len(pairs):
        counts = Counter(key for key, _ in pairs)
        raise _DuplicateKey(next(key for key, count in counts.items() if count > 1))
    return members


def _check_bounds(data: Any) -> None:
    members = 0
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise Problem(400, "Bad Request", f"The body nests deeper than {MAX_DEPTH} levels.")
        children = list(value.values()) if isinstance(value, dict) else value
        members += len(children)
        if members > MAX_MEMBERS:
            raise Problem(
                413, "Content Too Large", f"The body has more than {MAX_MEMBERS} JSON members."
            )
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


def _parsed(text: str, **hooks: Any) -> Any:
    try:
        return json.loads(text, parse_constant=_reject_infinities, **hooks)
    except _DuplicateKey as repeated:
        field = {"field": repeated.key, "message": "is given more than once"}
        raise invalid([field]) from None
    except ValueError:
        raise Problem(400, "Bad Request", "The body is not valid UTF-8 JSON.") from None
    except RecursionError:
        raise Problem(400, "Bad Request", "The body nests arrays or objects too deeply.") from None


def json_object(raw: bytes) -> dict[str, Any]:
    """The body as a dict: 400 if it is no JSON object, 413 if too big, 422 for a repeated key."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Problem(400, "Bad Request", "The body is not valid UTF-8 JSON.") from None
    data = _parsed(text)
    if not isinstance(data, dict):
        raise Problem(400, "Bad Request", "The body must be a JSON object.")
    _check_bounds(data)
    _parsed(text, object_pairs_hook=_unique_keys)
    return data
