"""How values are printed (dates in several Chinese styles, full-width digits) and how truth is canonicalised.

Truth always holds the canonical value of what is printed (contract.md): surrounding whitespace removed,
full-width ASCII letters/digits made half-width, Chinese punctuation kept; dates ISO.
"""

from __future__ import annotations

import random
from datetime import date

CN_DIGITS = "〇一二三四五六七八九"
_FULLWIDTH_ALNUM = {
    **{0xFF10 + i: 0x30 + i for i in range(10)},
    **{0xFF21 + i: 0x41 + i for i in range(26)},
    **{0xFF41 + i: 0x61 + i for i in range(26)},
}


def words(text: str) -> tuple[str, ...]:
    """Word lists written as one space-separated string (long CJK tuples are unreadable one per line)."""
    return tuple(text.split())


def canonical(value: str) -> str:
    return value.strip().translate(_FULLWIDTH_ALNUM)


def to_fullwidth_digits(value: str) -> str:
    return "".join(chr(ord(c) - 0x30 + 0xFF10) if c.isdigit() and c.isascii() else c for c in value)


def _cn_small(n: int) -> str:
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def cn_date(d: date, *, zero: str = "〇") -> str:
    """二〇一五年三月一日 (the style of licences and official seals)."""
    year = "".join(CN_DIGITS[int(c)] for c in str(d.year)).replace("〇", zero)
    return f"{year}年{_cn_small(d.month)}月{_cn_small(d.day)}日"


DATE_STYLES = ("ymd_zh_pad", "ymd_zh", "dot", "dash", "cn", "slash")


def format_date(d: date, style: str) -> str:
    if style == "ymd_zh_pad":
        return f"{d.year}年{d.month:02d}月{d.day:02d}日"
    if style == "ymd_zh":
        return f"{d.year}年{d.month}月{d.day}日"
    if style == "dot":
        return f"{d:%Y.%m.%d}"
    if style == "dash":
        return d.isoformat()
    if style == "slash":
        return f"{d.year}/{d.month}/{d.day}"
    if style == "cn":
        return cn_date(d)
    raise ValueError(style)


def pick_date_style(rng: random.Random, *, official: bool = False) -> str:
    if official:
        return rng.choice(("ymd_zh_pad", "ymd_zh_pad", "ymd_zh", "cn"))
    return rng.choice(("ymd_zh_pad", "ymd_zh", "dot", "dash", "slash", "ymd_zh_pad"))


def spaced_label(label: str, width: int) -> str:
    """名称 → 名　　称: pad a short label with ideographic spaces to `width` characters, as forms do."""
    if len(label) >= width or len(label) < 2:
        return label
    gaps = len(label) - 1
    total = width - len(label)
    out = label[0]
    for i, ch in enumerate(label[1:]):
        n = total // gaps + (1 if i < total % gaps else 0)
        out += "\u3000" * n + ch
    return out
