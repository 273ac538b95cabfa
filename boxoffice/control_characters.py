"""Characters that steer a terminal or a text layout instead of showing something.

C0 and C1 controls (NUL, ESC, ...), line and paragraph separators, the
bidirectional embeddings, overrides and isolates (which reorder what follows
them on screen) and lone surrogates (not characters at all). Input refuses
them; anything printed for people shows them as ``\\x1b``-style escapes.
"""

from __future__ import annotations

import re

CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def has_control(text: str) -> bool:
    return CONTROL.search(text) is not None


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    """``text`` with every control character written as an escape, safe to print."""
    return CONTROL.sub(_escape, text)
