"""Check characters and forms of Chinese identifiers: USCC, organisation code, resident ID, taxpayer numbers.

Pure functions over strings (standard library only) so the OCR field extractor can import them to repair and
validate what it reads, and the dossier rules can grade what was extracted. The algorithms and their test
vectors are those of domain-rules.md §1-§5 (Appendix A). Nothing here decides a severity: that is the rules'.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from enum import StrEnum

__all__ = [
    "PROVINCES",
    "TinKind",
    "approval_no_valid",
    "canonical_code",
    "classify_tin",
    "id15_to_18",
    "id_birth_date",
    "id_check_char",
    "id_errors",
    "legacy_matches_uscc",
    "luhn_check_digit",
    "luhn_ok",
    "org_check_char",
    "org_code_valid",
    "regno_check_digit",
    "regno_valid",
    "uscc_check_char",
    "uscc_errors",
    "uscc_repair",
]

_SEPARATORS = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff\-_.·]+")


def canonical_code(raw: str) -> str:
    """Comparison form of a printed code: full-width folded, separators and spaces dropped, upper-cased.

    OCR and people print codes as `９１１…`, `60003734-1` or in groups; the check characters only make sense
    on the bare code.
    """
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw)).upper()


# ---------- GB 11714-1997 organisation code (§3) ----------
ORG_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # value = index (A=10 .. Z=35): the full 36-char alphabet
ORG_W = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_RE = re.compile(r"[0-9A-Z]{8}[0-9X]")


def org_check_char(body8: str) -> str:
    """Check character of an 8-character organisation-code body (`11 - sum mod 11`, 10 → X, 11 → 0)."""
    total = sum(ORG_CHARS.index(c) * w for c, w in zip(body8.upper(), ORG_W, strict=True))
    c9 = 11 - total % 11
    return {10: "X", 11: "0"}.get(c9, str(c9))


def org_code_valid(code: str) -> bool:
    """True for a well-formed organisation code, bare (9 chars) or printed `XXXXXXXX-X`.

    A hyphen anywhere but before the last character is a misprint, not a separator, so it fails.
    """
    code = unicodedata.normalize("NFKC", code).strip().upper()
    if len(code) == 10 and code[8] == "-":
        code = code[:8] + code[9]
    return _ORG_RE.fullmatch(code) is not None and org_check_char(code[:8]) == code[8]


# ---------- GB 32100-2015 unified social credit code (§1) ----------
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I O S V Z
USCC_W = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)  # 3^i mod 31
USCC_RE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}")
AUTH_TYPES = {
    "1": "1239",
    "2": "19",
    "3": "123459",
    "4": "19",
    "5": "1239",
    "6": "129",
    "7": "129",
    "8": "19",
    "9": "123",
    "A": "19",
    "N": "1239",
    "Y": "1",
}
"""Registration authority (pos 1) → allowed organisation types (pos 2), GB 32100 table (§1.1)."""


def uscc_check_char(body17: str) -> str:
    """Check character 18 (mod 31 over the 31-character alphabet; a remainder of 0 maps to '0')."""
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(body17, USCC_W, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def uscc_errors(code: str) -> list[str]:
    """Problems of a USCC, empty when valid.

    Codes: `length`, `charset/format`, `registration-authority`, `org-type`, `check18`, `orgcode-check`.
    Both check characters are verified: the mod-31 check alone accepts 1 in 31 random strings (even ID
    numbers, hutool#1367). The input is canonicalised first (full-width, spaces, hyphens, lower case).
    """
    code = canonical_code(code)
    if len(code) != 18:
        return ["length"]
    if not USCC_RE.fullmatch(code):
        return ["charset/format"]
    errs: list[str] = []
    if code[0] not in AUTH_TYPES:
        errs.append("registration-authority")
    elif code[1] not in AUTH_TYPES[code[0]]:
        errs.append("org-type")
    if uscc_check_char(code[:17]) != code[17]:
        errs.append("check18")
    if not org_code_valid(code[8:17]):
        errs.append("orgcode-check")
    return errs


_TO_DIGIT = {"O": "0", "D": "0", "Q": "0", "I": "1", "L": "1", "Z": "2", "S": "5", "B": "8", "G": "6"}
_TO_USCC = {"O": "0", "I": "1", "Z": "2", "S": "5", "V": "U"}


def uscc_repair(raw: str) -> str | None:
    """Undo typical OCR confusions in a USCC; the result only if it then passes BOTH check characters.

    Safe because a wrong repair would have to satisfy two independent checks (§0.2). Returns the canonical
    code (also when `raw` needed no repair but only canonicalisation), or None when no valid code results.
    """
    s = canonical_code(raw)
    if len(s) != 18:
        return None
    s = "".join(
        _TO_DIGIT.get(c, c) if 2 <= i <= 7 else _TO_USCC.get(c, c)  # positions 3-8 are digits only
        for i, c in enumerate(s)
    )
    return s if not uscc_errors(s) else None


# ---------- GB 11643-1999 resident ID number (§4) ----------
ID_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # 2^(17-i) mod 11
_ID18_RE = re.compile(r"\d{17}[0-9X]")


def id_check_char(body17: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(body17, ID_W, strict=True))
    return "10X98765432"[total % 11]


def id_birth_date(number: str) -> date | None:
    """Birth date encoded in an 18- or 15-digit ID number (15-digit: year 19YY), None if not a real date."""
    num = canonical_code(number)
    try:
        if len(num) == 15 and num.isdigit():
            return date(1900 + int(num[6:8]), int(num[8:10]), int(num[10:12]))
        if _ID18_RE.fullmatch(num):
            return date(int(num[6:10]), int(num[10:12]), int(num[12:14]))
    except ValueError:
        return None
    return None


def id_errors(number: str, today: date | None = None) -> list[str]:
    """Problems of a resident ID number, empty when valid.

    Codes: `format`, `birthdate` (not a calendar date), `birthdate-range` (future or before 1900), `check`.
    The 15-digit legacy form has no check character; only its date is checked (callers decide whether a
    15-digit number on a current card is itself suspicious). The county code is deliberately not checked
    against a list: numbers keep the code of first registration (§10, python-stdnum false negatives).
    """
    today = today or date.today()
    num = canonical_code(number)
    if len(num) == 15:
        if not num.isdigit():
            return ["format"]
        return [] if id_birth_date(num) is not None else ["birthdate"]
    if not _ID18_RE.fullmatch(num):
        return ["format"]
    errs: list[str] = []
    born = id_birth_date(num)
    if born is None:
        errs.append("birthdate")
    elif born > today or born.year < 1900:
        errs.append("birthdate-range")
    if id_check_char(num[:17]) != num[17]:
        errs.append("check")
    return errs


def id15_to_18(num15: str) -> str:
    """The 18-digit form of a 15-digit ID number (insert 19, append the check character)."""
    body = num15[:6] + "19" + num15[6:]
    return body + id_check_char(body)


# ---------- Luhn (personal bank cards only, SOFT; §5.2) ----------
def luhn_ok(number: str) -> bool:
    """Luhn check. Not for corporate accounts or passbooks, and only a hint for UnionPay cards."""
    if not number.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def luhn_check_digit(body: str) -> str:
    return next(d for d in "0123456789" if luhn_ok(body + d))


# ---------- old business-licence 注册号 (GS 15-2006), ISO 7064 MOD 11,10 (§2.4) ----------
_REGNO_RE = re.compile(r"\d{15}")


def regno_valid(number: str) -> bool:
    if not _REGNO_RE.fullmatch(number):
        return False
    p = 10
    for ch in number[:14]:
        s = (int(ch) + p) % 10 or 10
        p = (s * 2) % 11
    return (p + int(number[14])) % 10 == 1


def regno_check_digit(body14: str) -> str:
    return next(d for d in "0123456789" if regno_valid(body14 + d))


# ---------- bank permit approval number 核准号 / 基本存款账户编号 (§5.3) ----------
_APPROVAL_RE = re.compile(r"J\d{13}")


def approval_no_valid(number: str) -> bool:
    return _APPROVAL_RE.fullmatch(canonical_code(number)) is not None


# ---------- taxpayer identification number 税务登记号 / 纳税人识别号 (§2) ----------
PROVINCES = frozenset(
    {
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42",
        "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
        "83",
    }
)  # fmt: skip


class TinKind(StrEnum):
    """Form of a taxpayer number; compares equal to the reference's plain strings ("USCC" …)."""

    USCC = "USCC"
    ORG15 = "ORG15"  # 6-digit area code + organisation code (pre-2015 enterprises)
    TAX15_UNVERIFIED = "TAX15_UNVERIFIED"  # 15 characters whose org-code check fails: maybe SAT-assigned
    ID17 = "ID17"  # 15-digit old ID + 2-digit sequence (个体工商户)
    ID18 = "ID18"  # the resident ID number itself
    ID20 = "ID20"  # 18-digit ID + 2-digit sequence, or 15-digit ID + 00000
    UNKNOWN = "UNKNOWN"


ID_BASED_TIN_KINDS = frozenset({TinKind.ID17, TinKind.ID18, TinKind.ID20})
"""Taxpayer numbers built from a person's ID number: the holder is an individual / sole trader."""


def classify_tin(raw: str) -> tuple[TinKind, list[str]]:
    """(kind, problems) of a taxpayer number. An 18-character value is tried as USCC first, then as ID."""
    s = canonical_code(raw)
    n = len(s)
    if n == 18:
        u = uscc_errors(s) if USCC_RE.fullmatch(s) else ["format"]
        i = id_errors(s) if _ID18_RE.fullmatch(s) else ["format"]
        if not u:
            return (TinKind.USCC, [])
        if not i:
            return (TinKind.ID18, [])
        return (TinKind.UNKNOWN, ["uscc:" + ",".join(u), "id:" + ",".join(i)])
    if n == 15 and re.fullmatch(r"\d{6}[0-9A-Z]{8}[0-9X]", s):
        probs = [] if s[:2] in PROVINCES else ["area-code"]
        if org_code_valid(s[6:]):
            return (TinKind.ORG15, probs)
        return (TinKind.TAX15_UNVERIFIED, [*probs, "org-check"])
    if n == 17 and s.isdigit() and not id_errors(s[:15]):
        return (TinKind.ID17, [])
    if n == 20 and re.fullmatch(r"\d{17}[\dX]\d{2}", s):
        if not id_errors(s[:18]):
            return (TinKind.ID20, [])
        if s.endswith("00000") and not id_errors(s[:15]):
            return (TinKind.ID20, [])
        return (TinKind.UNKNOWN, ["id-part"])
    return (TinKind.UNKNOWN, ["length/format"])


def legacy_matches_uscc(old15: str, uscc: str) -> tuple[bool, bool]:
    """(org_code_equal, area_equal) of an old 15-character tax number and a USCC; only the first matters."""
    old15, uscc = canonical_code(old15), canonical_code(uscc)
    return (old15[6:15] == uscc[8:17], old15[:6] == uscc[2:8])
