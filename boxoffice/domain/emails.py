"""One spelling per e-mail address, so look-alike spellings are one account.

NFKC folds precomposed and decomposed accents and full-width letters into one
form; the address is then lower-cased, not case-folded, because case-folding
merges distinct addresses (``ß`` becomes ``ss``); the domain is written in IDNA
ASCII (UTS #46), so a Unicode domain, its punycode and a domain written with
ideographic dots are one domain. An ASCII address keeps the spelling it had
when addresses were only case-folded (lower-case is case-folding in ASCII), so
its user stream is unchanged.
"""

from __future__ import annotations

import contextlib
import unicodedata

import idna


def normalise_email(email: str) -> str:
    """The canonical spelling; a domain IDNA refuses is left as it is for validation to refuse."""
    text = unicodedata.normalize("NFKC", email).strip().lower()
    local, at, domain = text.rpartition("@")
    if not at:
        return text
    with contextlib.suppress(idna.IDNAError):
        domain = idna.encode(domain, uts46=True).decode("ascii")
    return f"{local}@{domain}"
