"""Dates as printed on Chinese certificates and ID cards, validity ranges, and what "expired" means.

Handles every form of domain-rules.md §8.1: `2015年03月01日`, `2015.03.01`, `2015-03-01`, `2015/3/1`,
`20150301`, full-width digits, `二〇一五年三月一日`, and the open-ended words (长期, 永久 …). The contract
value `long_term` reads as open-ended too. Pure functions, standard library only (the OCR field extractor
imports them).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Final, Literal

from intake.identifiers.numerals import CN_DIGIT

__all__ = [
    "OPEN",
    "OPEN_ENDED",
    "Validity",
    "add_years",
    "age_on",
    "id_term_problems",
    "is_expired",
    "parse_cn_date",
    "parse_time_window",
    "parse_validity",
    "to_iso",
]

OPEN: Final = "OPEN"
"""End of a validity that never ends (长期)."""

Validity = date | Literal["OPEN"]

OPEN_ENDED = ("长期有效", "长期", "永久", "无固定期限", "不约定期限", "long_term")


_CN_DATE = re.compile(
    r"([〇零○ＯOo0一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十廿卅]{1,3})\s*月\s*"
    r"([一二三四五六七八九十廿卅]{1,3})\s*日"
)
_NUM_DATE = re.compile(r"(\d{4})\s*(?:年|\.|-|/)\s*(\d{1,2})\s*(?:月|\.|-|/)\s*(\d{1,2})\s*日?")
_COMPACT = re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)")
_OPEN_RE = "|".join(re.escape(k) for k in OPEN_ENDED)
_ANY_DATE = re.compile("|".join([_CN_DATE.pattern, _NUM_DATE.pattern, _COMPACT.pattern, _OPEN_RE]))
_LABEL = re.compile(r"^(营业期限|经营期限|合伙期限|有效期限|有效期|期限)\s*[:：]?\s*")
_END_ONLY = re.compile(r"^自?\s*(至|到|有效期至|截至|止于)")


def _cn_small(s: str) -> int:
    """'三十一' → 31, '十二' → 12, '二十' → 20, '十' → 10, '九' → 9, '廿一' → 21."""
    s = s.replace("廿", "二十").replace("卅", "三十")
    if "十" in s:
        tens, _, units = s.partition("十")
        return (CN_DIGIT[tens] if tens else 1) * 10 + (CN_DIGIT[units] if units else 0)
    return CN_DIGIT[s]


def _cn_year(s: str) -> int:
    """Years are read digit by digit: 二〇一五 → 2015."""
    return int("".join(str(CN_DIGIT[c]) for c in s))


def parse_cn_date(text: str) -> Validity | None:
    """The first date in `text`: a `date`, `OPEN` for 长期 and friends, or None when there is no date.

    Raises ValueError for something shaped like a date that is not one (`2015年13月01日`): that is a misread
    to send back to OCR or the reviewer, not an absent date.
    """
    s = unicodedata.normalize("NFKC", text).strip()
    if any(k in s for k in OPEN_ENDED):
        return OPEN
    m = _CN_DATE.search(s)
    if m:
        try:
            return date(_cn_year(m[1]), _cn_small(m[2]), _cn_small(m[3]))
        except KeyError as exc:  # e.g. 月 written '一二'
            raise ValueError(f"not a date: {text!r}") from exc
    m = _NUM_DATE.search(s) or _COMPACT.search(s)
    if m:
        return date(int(m[1]), int(m[2]), int(m[3]))
    return None


def parse_validity(text: str) -> tuple[date | None, Validity | None]:
    """(start, end) of a printed validity range; either may be None when not printed, end may be OPEN.

    `2015年03月01日至长期` → (2015-03-01, OPEN); `至2035年02月28日` → (None, 2035-02-28). Dates are found as
    whole tokens, so `2015-03-01至2035-02-28` is not split on its hyphens.
    """
    s = _LABEL.sub("", unicodedata.normalize("NFKC", text).strip())
    tokens = [parse_cn_date(m.group(0)) for m in _ANY_DATE.finditer(s)]
    if not tokens:
        return (None, None)
    if len(tokens) == 1:
        only = tokens[0]
        if only == OPEN or _END_ONLY.match(s):
            return (None, only)
        return (only, None) if isinstance(only, date) else (None, None)
    start = tokens[0] if isinstance(tokens[0], date) else None
    return (start, tokens[1])


def is_expired(end: Validity | None, on: date) -> bool:
    """Whether a validity ending on `end` (the LAST valid day, inclusive) has run out on `on`.

    OPEN never expires. An unknown end raises ValueError: "cannot verify" must not read as "valid".
    """
    if end == OPEN:
        return False
    if end is None:
        raise ValueError("validity end unknown")
    assert isinstance(end, date)
    return on > end


def to_iso(value: Validity | None) -> str | None:
    """Contract form of a parsed date: ISO `YYYY-MM-DD`, `long_term` for OPEN."""
    if value is None:
        return None
    if value == OPEN:
        return "long_term"
    assert isinstance(value, date)
    return value.isoformat()


def add_years(d: date, years: int) -> date:
    """Same month and day `years` later; 29 Feb falls back to 28 Feb."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def id_term_problems(birth: date, start: date, end: Validity) -> list[str]:
    """Plausibility of an ID card's term against 居民身份证法 §5 (age at issue <16: 5 y, 16-25: 10 y,
    26-45: 20 y, ≥46: 长期). A problem is a reason to look, not proof of forgery (domain-rules §4.4)."""
    age = age_on(birth, start)
    if age >= 46:
        return [] if end == OPEN else [f"term: age {age} at issue -> expected 长期"]
    expected = 5 if age < 16 else 10 if age <= 25 else 20
    if end == OPEN:
        return [f"term: 长期 only for age >= 46 at issue (age {age})"]
    if end != add_years(start, expected):
        return [f"term: expected {expected} years ({add_years(start, expected)}), got {end}"]
    return []


# ---------- receiving time window 收货时间 (§12) ----------
_TIME_WINDOW = re.compile(
    r"(上午|下午|晚上)?\s*(\d{1,2})(?:[:：点时](\d{1,2})?分?)?\s*(?:-|~|～|—|至|到)\s*"
    r"(上午|下午|晚上)?\s*(\d{1,2})(?:[:：点时](\d{1,2})?分?)?"
)


def parse_time_window(text: str) -> tuple[str, str] | None:
    """`周一至周五 9:00-17:00` → ('09:00', '17:00'); `每天9点-5点` reads the end as afternoon; overnight
    windows and free text (`随时`) give None so a person looks at them."""
    s = unicodedata.normalize("NFKC", text)
    if re.search(r"全天|24小时", s):
        return ("00:00", "24:00")
    m = _TIME_WINDOW.search(s)
    if not m:
        return None

    def hm(ampm: str | None, h: str, mi: str | None) -> tuple[int, int]:
        hour = int(h)
        if ampm in ("下午", "晚上") and hour < 12:
            hour += 12
        return (hour, int(mi or 0))

    a = hm(m[1], m[2], m[3])
    b = hm(m[4] or (m[1] if m[1] == "下午" else None), m[5], m[6])
    if b <= a and not m[4] and a[0] < 12 and b[0] < 12:
        b = (b[0] + 12, b[1])  # '9点-5点' → 17:00
    if not (0 <= a[0] <= 24 and 0 <= b[0] <= 24 and a[1] < 60 and b[1] < 60 and a < b):
        return None
    return (f"{a[0]:02d}:{a[1]:02d}", f"{b[0]:02d}:{b[1]:02d}")
