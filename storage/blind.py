"""Level-1 numbers in the search index as keyed hash tokens (storage/crypto.py: KeyRing.blind).

The index must find a customer by the full bank account, ID number or phone, yet hold none of them in
clear: every run of ten or more digits (spaces and dashes inside allowed, an ID number's final X too) in a
search document's text and keys is replaced by its token, and a query for such a number is turned into the
same token. A part of a number no longer finds it (substring search of level-1 numbers is given up on
purpose); names, addresses, tax numbers with letters and short numbers (dates, customer numbers) stay
searchable as before.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from storage.crypto import KeyRing

LEVEL1_NUMBER = re.compile(r"[0-9](?:[0-9]|[ \-‐‑‒–—－](?=[0-9])){8,}[0-9Xx]?(?![0-9])")
"""A run of digits (single spaces or dashes between them) as printed or typed; at least 9 digits."""
MIN_DIGITS = 10
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—－_]+")


TOKEN = re.compile(r"L1H[A-Z2-7]{0,24}")
"""A search token as KeyRing.blind makes it (or its start, where a snippet cuts it)."""
SHOWN = "［已加密号码］"


def shown(text: str, revealed: Mapping[str, str]) -> str:
    """Text of the index as a person sees it (a snippet): the token of the number searched for becomes that
    number again (`revealed`: token → what was typed); any other says what it stands for, not its letters."""
    return TOKEN.sub(lambda m: revealed.get(m.group(), SHOWN), text)


def normal(number: str) -> str:
    return _SEPARATORS.sub("", number).upper()


def is_level1_number(value: str) -> bool:
    """Digits only (an ID number may end in X), at least MIN_DIGITS of them, separators ignored."""
    key = normal(value)
    return len(key) >= MIN_DIGITS and key[:-1].isdigit() and (key[-1].isdigit() or key[-1] == "X")


def blind_key(ring: KeyRing | None, key: str) -> str:
    """A search key as stored: its token when it is a level-1 number and the engine has a ring."""
    return ring.blind(key) if ring is not None and is_level1_number(key) else key


def blind_text(ring: KeyRing | None, text: str) -> tuple[str, list[str]]:
    """The text with every level-1 number replaced by its token, and the tokens of the separate groups of
    spaced numbers (so `6222 0202 … 2026` still finds the account alone)."""
    if ring is None:
        return text, []
    extra: list[str] = []

    def token(match: re.Match[str]) -> str:
        run = match.group()
        if not is_level1_number(run):
            return run
        parts = [p for p in _SEPARATORS.split(run) if p]
        extra.extend(ring.blind(p) for p in parts if len(parts) > 1 and is_level1_number(p))
        return ring.blind(run)

    return LEVEL1_NUMBER.sub(token, text), extra
