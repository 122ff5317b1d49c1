"""Identifiers with check characters computed by python-stdnum (and GB 11714 for the organisation code that
stdnum lacks), never by the product's own code, so a bug there cannot hide behind the same bug here."""

from __future__ import annotations

import random
from datetime import date

from stdnum import luhn
from stdnum.cn import ric, uscc

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code_check(body: str) -> str:
    """GB 11714-1997 check character of an 8-character organisation-code body."""
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    c9 = 11 - total % 11
    return "X" if c9 == 10 else "0" if c9 == 11 else str(c9)


def make_uscc(rng: random.Random, region: str, sole_trader: bool) -> str:
    """A USCC that passes both check characters: 91… for companies, 92… for 个体工商户."""
    while True:
        if rng.random() < 0.7:
            body = "MA" + "".join(rng.choice(USCC_ALPHABET) for _ in range(6))
        else:
            body = "".join(rng.choice("0123456789") for _ in range(8))
        check = org_code_check(body)
        if check == "X":  # X is not in the USCC alphabet
            continue
        head = ("92" if sole_trader else "91") + region + body + check
        return head + uscc.calc_check_digit(head)


def make_ric(rng: random.Random, county: str, born: date, male: bool) -> str:
    """An 18-digit resident ID number; the check digit from stdnum.cn.ric."""
    seq = rng.randrange(0, 99) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
    body = f"{county}{born:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "?")  # stdnum's function skips the last character


def spoil_ric(number: str) -> str:
    """The same number with a wrong check character (consignee_id_invalid)."""
    good = number[-1]
    bad = next(c for c in "7391X0" if c != good)
    return number[:-1] + bad


def legacy_tin(rng: random.Random, owner_id: str) -> str:
    """A sole trader's old 税务登记号: the owner's 18-digit ID, sometimes followed by 00/01."""
    return owner_id + rng.choice(("", "00", "00", "01"))


def corporate_account(rng: random.Random, length: int, prefix: str) -> str:
    """A corporate basic-deposit account: bank-specific length, no public check digit."""
    return prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix)))


def card_number(rng: random.Random, bin_: str, length: int) -> str:
    """A personal card / passbook number with a valid Luhn digit (stdnum.luhn)."""
    body = bin_ + "".join(rng.choice("0123456789") for _ in range(length - len(bin_) - 1))
    return body + luhn.calc_check_digit(body)


def approval_no(rng: random.Random, area4: str) -> str:
    """核准号 / 基本存款账户编号: J + 13 digits."""
    return f"J{area4}{rng.randrange(0, 10**7):07d}{rng.choice(('01', '01', '02'))}"


def mobile(rng: random.Random) -> str:
    return rng.choice(
        ("139", "138", "150", "151", "158", "186", "187", "135", "177", "199", "133")
    ) + "".join(rng.choice("0123456789") for _ in range(8))


def landline(rng: random.Random, area: str) -> str:
    return f"{area}-{rng.choice('5678')}{rng.randrange(0, 10**7):07d}"


def invalid_phone(rng: random.Random, area: str) -> str:
    """A phone no Chinese numbering plan allows: a short local part, or a 10-digit 'mobile'."""
    if rng.random() < 0.5:
        return f"{area}-{rng.choice('5678')}{rng.randrange(0, 10**5):05d}"
    return "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(8))
