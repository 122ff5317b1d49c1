"""Chinese phone numbers: validity and kind (mobile, fixed line, 400/800 service numbers) via `phonenumbers`.

`phonenumbers` cannot parse `转` extensions and reads `-8001` as part of the number, so extensions are split
off first, and only when what precedes them is already a complete number (domain-rules.md §6).
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from typing import NamedTuple

__all__ = ["ParsedPhone", "PhoneKind", "parse_phone", "split_addr_phone"]


class PhoneKind(StrEnum):
    MOBILE = "MOBILE"
    FIXED = "FIXED"
    SERVICE_400 = "SERVICE_400"
    TOLLFREE_800 = "TOLLFREE_800"
    OTHER = "OTHER"


class ParsedPhone(NamedTuple):
    """(kind, E.164, extension); all None when the text is not a valid Chinese number."""

    kind: PhoneKind | None
    e164: str | None
    ext: str | None


INVALID = ParsedPhone(None, None, None)
_EXT = re.compile(r"\s*(?:转|分机|ext\.?|x|#|-)\s*(\d{1,6})$", re.IGNORECASE)


def parse_phone(raw: str) -> ParsedPhone:
    import phonenumbers as pn  # imported here: the OCR code importing this package does not need it

    s = unicodedata.normalize("NFKC", raw).strip()
    ext: str | None = None
    m = _EXT.search(s)
    if m:
        head = s[: m.start()]
        try:
            if pn.is_valid_number(pn.parse(head, "CN")):
                s, ext = head, m.group(1)
        except pn.NumberParseException:
            pass
    try:
        number = pn.parse(s, "CN")
    except pn.NumberParseException:
        return INVALID
    if not pn.is_valid_number(number):
        return INVALID
    kind = {
        pn.PhoneNumberType.MOBILE: PhoneKind.MOBILE,
        pn.PhoneNumberType.FIXED_LINE: PhoneKind.FIXED,
        pn.PhoneNumberType.FIXED_LINE_OR_MOBILE: PhoneKind.FIXED,
        pn.PhoneNumberType.SHARED_COST: PhoneKind.SERVICE_400,
        pn.PhoneNumberType.TOLL_FREE: PhoneKind.TOLLFREE_800,
    }.get(pn.number_type(number), PhoneKind.OTHER)
    return ParsedPhone(kind, pn.format_number(number, pn.PhoneNumberFormat.E164), ext or number.extension)


def split_addr_phone(text: str) -> tuple[str, str | None]:
    """Invoice 「地址、电话」 field → (address, phone). The phone is the last number and must end the text
    (an extension may follow); otherwise we do not guess and return the whole text as address."""
    import phonenumbers as pn

    s = unicodedata.normalize("NFKC", text).strip()
    last = None
    for match in pn.PhoneNumberMatcher(s, "CN", leniency=pn.Leniency.VALID):
        last = match
    if last is None:
        return (s, None)
    tail = s[last.end :].strip()
    if tail and not _EXT.fullmatch(tail if tail[0] in "转-#xX分e" else " " + tail):
        return (s, None)
    return (s[: last.start].rstrip(" ,，;；、"), s[last.start :].strip())
