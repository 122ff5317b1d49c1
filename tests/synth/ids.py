"""Valid (and deliberately invalid) identifiers for synthetic dossiers: USCC, organisation codes, resident ID
numbers, legacy tax numbers, bank accounts, approval numbers and phones.

The check functions are a small port of domain-rules.md Appendix A, kept here so the generator never imports
the code it is meant to test (intake/). Generators take a `random.Random` so that a seed reproduces a dossier.
"""

from __future__ import annotations

import random
import re
from datetime import date

import phonenumbers

from tests.synth.textfmt import words

ORG_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ORG_W = (3, 7, 9, 10, 5, 8, 4, 2)
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_W = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
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
ID_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
APPROVAL_RE = re.compile(r"J\d{13}")


# ---------- checks (ported from domain-rules Appendix A) ----------


def org_check_char(body8: str) -> str:
    s = sum(ORG_CHARS.index(c) * w for c, w in zip(body8, ORG_W, strict=True))
    c9 = 11 - s % 11
    return {10: "X", 11: "0"}.get(c9, str(c9))


def org_code_valid(code: str) -> bool:
    code = code.upper()
    if len(code) == 10 and code[8] == "-":
        code = code[:8] + code[9]
    return re.fullmatch(r"[0-9A-Z]{8}[0-9X]", code) is not None and org_check_char(code[:8]) == code[8]


def uscc_check_char(body17: str) -> str:
    s = sum(USCC_CHARS.index(c) * w for c, w in zip(body17, USCC_W, strict=True))
    return USCC_CHARS[(31 - s % 31) % 31]


def uscc_errors(code: str) -> list[str]:
    if len(code) != 18:
        return ["length"]
    if not USCC_RE.fullmatch(code):
        return ["charset/format"]
    errs = []
    if code[0] not in AUTH_TYPES:
        errs.append("registration-authority")
    elif code[1] not in AUTH_TYPES[code[0]]:
        errs.append("org-type")
    if uscc_check_char(code[:17]) != code[17]:
        errs.append("check18")
    if not org_code_valid(code[8:17]):
        errs.append("orgcode-check")
    return errs


def id_check_char(body17: str) -> str:
    s = sum(int(c) * w for c, w in zip(body17, ID_W, strict=True))
    return "10X98765432"[s % 11]


def id_errors(num: str, today: date | None = None) -> list[str]:
    today = today or date.today()
    num = num.upper()
    if not re.fullmatch(r"\d{17}[0-9X]", num):
        return ["format"]
    errs = []
    try:
        born = date(int(num[6:10]), int(num[10:12]), int(num[12:14]))
        if born > today or born.year < 1900:
            errs.append("birthdate-range")
    except ValueError:
        errs.append("birthdate")
    if id_check_char(num[:17]) != num[17]:
        errs.append("check")
    return errs


def luhn_ok(num: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(num)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def luhn_check_digit(body: str) -> str:
    return next(d for d in "0123456789" if luhn_ok(body + d))


def phone_valid(raw: str) -> bool:
    """True when `phonenumbers` accepts the number for region CN (what the phone rule will use)."""
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(raw, "CN"))
    except phonenumbers.NumberParseException:
        return False


def tin_kind(raw: str) -> str:
    """A reduced classify_tin: the kinds this generator produces (USCC, ORG15, ID20) or UNKNOWN."""
    s = raw.upper()
    if len(s) == 18 and not uscc_errors(s):
        return "USCC"
    if len(s) == 15 and re.fullmatch(r"\d{6}[0-9A-Z]{8}[0-9X]", s) and org_code_valid(s[6:]):
        return "ORG15"
    if len(s) == 20 and re.fullmatch(r"\d{17}[\dX]\d{2}", s) and not id_errors(s[:18]):
        return "ID20"
    return "UNKNOWN"


# ---------- generators ----------


def make_org_code(rng: random.Random, *, modern: bool) -> str:
    """A 9-char organisation code (body + check) whose chars all fit the USCC alphabet.

    Post-2015 registrations get `MA…` style bodies; older ones are all digits, as on real licences.
    """
    while True:
        if modern:
            body = "MA" + "".join(rng.choice(USCC_CHARS) for _ in range(6))
        else:
            body = "".join(rng.choice("0123456789") for _ in range(8))
            if body[0] == "0":
                continue
        code = body + org_check_char(body)
        if all(c in USCC_CHARS for c in code):
            return code


def make_uscc(rng: random.Random, adcode: str, *, sole_trader: bool, modern: bool = True) -> str:
    head = ("92" if sole_trader else "91") + adcode + make_org_code(rng, modern=modern)
    return head + uscc_check_char(head)


def corrupt_uscc(rng: random.Random, code: str) -> str:
    """Same code with a wrong 18th character (check18 fails, everything else intact)."""
    wrong = [c for c in USCC_CHARS if c != code[17]]
    return code[:17] + rng.choice(wrong)


def make_org15(rng: random.Random, adcode: str) -> str:
    """Legacy 15-char 税务登记号: 6-digit area + organisation code without the hyphen."""
    return adcode + make_org_code(rng, modern=False)


def make_id_number(rng: random.Random, adcode: str, born: date, *, male: bool) -> str:
    seq = rng.randrange(0, 100) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
    body = f"{adcode}{born:%Y%m%d}{seq:03d}"
    return body + id_check_char(body)


def corrupt_id_number(num: str) -> str:
    right = num[17]
    wrong = next(c for c in "0123456789X" if c != right and c != id_check_char(num[:17]))
    return num[:17] + wrong


def make_approval_no(rng: random.Random, region4: str) -> str:
    return "J" + region4 + "".join(rng.choice("0123456789") for _ in range(9))


def make_serial_no(rng: random.Random) -> str:
    return str(rng.randrange(1000, 9999)) + "-" + "".join(rng.choice("0123456789") for _ in range(8))


def make_corporate_account(rng: random.Random, bank_code: str) -> str:
    """Corporate accounts have no public structure; lengths follow what is commonly seen per bank."""
    length = {"102": 19, "105": 20, "301": 21, "104": 12, "308": 15, "103": 19}.get(bank_code)
    length = length or rng.choice((16, 17, 18, 19, 20, 21))
    first = rng.choice("123456789")
    return first + "".join(rng.choice("0123456789") for _ in range(length - 1))


def make_card_number(rng: random.Random) -> str:
    """A UnionPay-style personal card number (62…, 16 or 19 digits) with a Luhn check digit."""
    length = rng.choice((16, 19, 19))
    body = "62" + "".join(rng.choice("0123456789") for _ in range(length - 3))
    return body + luhn_check_digit(body)


def make_passbook_account(rng: random.Random) -> str:
    length = rng.choice((17, 18, 19))
    return rng.choice("123456789") + "".join(rng.choice("0123456789") for _ in range(length - 1))


def make_fixed_phone(rng: random.Random, area_code: str, *, style: int | None = None) -> str:
    """A valid fixed line for the area; style picks the printed form (0571-87654321, (0571)87654321 …)."""
    style = rng.randrange(4) if style is None else style
    for _ in range(200):
        n_local = 8
        local = rng.choice("2345678") + "".join(rng.choice("0123456789") for _ in range(n_local - 1))
        if not phone_valid(area_code + local):
            local = local[:7]
            if not phone_valid(area_code + local):
                continue
        if style == 1:
            return f"({area_code}){local}"
        return f"{area_code}-{local}"
    raise RuntimeError(f"no valid phone for area {area_code}")


def make_invalid_fixed_phone(rng: random.Random, area_code: str) -> str:
    """A number that looks right but is one digit short (0571-8765432 style) and fails phonenumbers."""
    for _ in range(200):
        local = rng.choice("2345678") + "".join(rng.choice("0123456789") for _ in range(6))
        if not phone_valid(area_code + local):
            return f"{area_code}-{local}"
    return f"{area_code}-{rng.randrange(100000, 999999)}"


MOBILE_PREFIXES = words(
    "130 131 132 133 135 136 137 138 139 150 151 152 155 156 158 159 166 170 176 177 180 181 182 "
    "185 186 187 188 189 191 198 199"
)


def make_mobile(rng: random.Random) -> str:
    for _ in range(200):
        num = rng.choice(MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))
        if phone_valid(num):
            return num
    raise RuntimeError("no valid mobile")


def format_mobile(rng: random.Random, num: str) -> str:
    return rng.choice((num, num, num, f"{num[:3]}-{num[3:7]}-{num[7:]}"))
