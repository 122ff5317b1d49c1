"""Identifier checks against the verified vectors of domain-rules.md Appendix B (§1-§5) and python-stdnum."""

from __future__ import annotations

import random
import re
from datetime import date

import pytest
from stdnum import luhn as std_luhn
from stdnum.cn import ric, uscc
from stdnum.iso7064 import mod_11_10

from intake.identifiers.codes import (
    USCC_CHARS,
    TinKind,
    approval_no_valid,
    canonical_code,
    classify_tin,
    id15_to_18,
    id_birth_date,
    id_check_char,
    id_errors,
    legacy_matches_uscc,
    luhn_check_digit,
    luhn_ok,
    org_check_char,
    org_code_valid,
    regno_check_digit,
    regno_valid,
    uscc_check_char,
    uscc_errors,
    uscc_repair,
)

T = date(2025, 6, 1)


@pytest.mark.parametrize(
    "code",
    [
        "91110000600037341L",
        "53640000MJX1736997",
        "914403001922038216",
        "91440300708461136T",
        "91100000100003962T",
        "91350100M000100Y43",
        "12440600MB2C07549J",
        "N2330106MA2B3C4D1G",
        "92330106MA2B3C4D1X",
    ],
)
def test_valid_uscc(code: str) -> None:
    assert uscc_errors(code) == []


@pytest.mark.parametrize(
    ("code", "errors"),
    [
        ("91110000600037341M", ["check18"]),
        ("91110000600O37341L", ["charset/format"]),
        ("9111000060003734IL", ["charset/format"]),
        ("91110000600037341", ["length"]),
        ("91110000600037342P", ["orgcode-check"]),
        ("99110000600037341L", ["org-type", "check18"]),
        ("362322198709086409", ["org-type", "orgcode-check"]),
        ("91350203M0001QKT19", ["check18"]),
    ],
)
def test_invalid_uscc(code: str, errors: list[str]) -> None:
    assert uscc_errors(code) == errors


def test_uscc_full_width_and_spaces_are_canonicalised() -> None:
    assert uscc_errors("９１１１００００６０００３７３４１Ｌ") == []
    assert uscc_errors("9111 0000 6000 3734 1l") == []


def test_uscc_repair() -> None:
    assert uscc_repair("9111OOOO6OOO3734IL") == "91110000600037341L"
    assert uscc_repair("９１１１００００６０００３７３４１Ｌ") == "91110000600037341L"
    assert uscc_repair("91110000600037341M") is None
    assert uscc_repair("91110000600037341") is None


@pytest.mark.parametrize(
    "code", ["60003734-1", "MJX17369-9", "19220382-1", "70846113-6", "10000396-2", "M000100Y-4"]
)
def test_valid_org_code(code: str) -> None:
    assert org_code_valid(code)
    assert org_code_valid(code.replace("-", ""))


@pytest.mark.parametrize("code", ["60003734-2", "MJX17369-X", "1922038-21", "6000373A-1"])
def test_invalid_org_code(code: str) -> None:
    assert not org_code_valid(code)


def test_org_check_char() -> None:
    assert org_check_char("MA01X0PP") == "1"
    assert org_check_char("10000000") == "8"


@pytest.mark.parametrize(
    "number", ["11010519491231002X", "11010519491231002x", "360426199101010071", "440524198001010013"]
)
def test_valid_id18(number: str) -> None:
    assert id_errors(number, T) == []


@pytest.mark.parametrize("number", ["440524800101001", "110105491231002"])
def test_valid_id15(number: str) -> None:
    assert id_errors(number, T) == []


def test_id15_to_18() -> None:
    assert id15_to_18("440524800101001") == "440524198001010013"
    assert id15_to_18("110105491231002") == "11010519491231002X"


@pytest.mark.parametrize(
    ("number", "errors"),
    [
        ("110105194912310021", ["check"]),
        ("11010519490231002X", ["birthdate", "check"]),
        ("110105205012310025", ["birthdate-range"]),
        ("11010519491231002", ["format"]),
        ("440524800230001", ["birthdate"]),
    ],
)
def test_invalid_id(number: str, errors: list[str]) -> None:
    assert id_errors(number, T) == errors


def test_id_birth_date() -> None:
    assert id_birth_date("11010519491231002X") == date(1949, 12, 31)
    assert id_birth_date("440524800101001") == date(1980, 1, 1)
    assert id_birth_date("11010519490231002X") is None


@pytest.mark.parametrize(
    ("tin", "kind"),
    [
        ("91110000600037341L", "USCC"),
        ("110000600037341", "ORG15"),
        ("110000600037342", "TAX15_UNVERIFIED"),
        ("11010519491231002X", "ID18"),
        ("11010519491231002X00", "ID20"),
        ("11010549123100201", "ID17"),
        ("11010549123100200000", "ID20"),
        ("110105194912310021", "UNKNOWN"),
        ("11010519491231002101", "UNKNOWN"),
        ("91110000600037341", "UNKNOWN"),
    ],
)
def test_classify_tin(tin: str, kind: str) -> None:
    assert classify_tin(tin)[0] == kind
    assert classify_tin(tin)[0] is TinKind(kind)


def test_legacy_matches_uscc() -> None:
    assert legacy_matches_uscc("110108600037341", "91110000600037341L") == (True, False)


@pytest.mark.parametrize(
    "number",
    [
        "6240008631401148",
        "6212345678901232",
        "6222021001123456789",
        "621700123456789011",
        "6212260000123456",
        "9558801234567890128",
    ],
)
def test_luhn_pass(number: str) -> None:
    assert luhn_ok(number)


@pytest.mark.parametrize("number", ["6222021234567890", "6222021234567890123", "6240008631401147", "62x0"])
def test_luhn_fail(number: str) -> None:
    assert not luhn_ok(number)


@pytest.mark.parametrize("number", ["110108000000016", "440301103097413", "330106000123458"])
def test_regno_valid(number: str) -> None:
    assert regno_valid(number)


@pytest.mark.parametrize("number", ["110108000000012", "440301103097414", "44030110309741"])
def test_regno_invalid(number: str) -> None:
    assert not regno_valid(number)


def test_approval_number() -> None:
    assert approval_no_valid("J1000012345601")
    assert not approval_no_valid("J100001234560")
    assert not approval_no_valid("1000012345601")


def test_canonical_code() -> None:
    assert canonical_code(" ６０００３７３４－１ ") == "600037341"


# ---------- cross-checks against python-stdnum on random inputs ----------
RNG_N = 3000


def test_uscc_check_char_agrees_with_stdnum() -> None:
    rng = random.Random(32100)
    for _ in range(RNG_N):
        body = "9" + rng.choice("123") + "".join(rng.choice("0123456789") for _ in range(6))
        body += "".join(rng.choice(USCC_CHARS) for _ in range(9))
        assert uscc_check_char(body) == uscc.calc_check_digit(body), body


def test_valid_uscc_is_valid_for_stdnum() -> None:
    """Codes we build with both check characters pass stdnum (which checks only the mod-31 one)."""
    rng = random.Random(7)
    for _ in range(RNG_N):
        org8 = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
        org = org8 + org_check_char(org8)
        body = "91" + f"{rng.randrange(110000, 660000):06d}" + org
        code = body + uscc_check_char(body)
        assert uscc_errors(code) == [], code
        assert uscc.is_valid(code), code


def test_id_check_char_agrees_with_stdnum() -> None:
    rng = random.Random(11643)
    for _ in range(RNG_N):
        body = "".join(rng.choice("0123456789") for _ in range(17))
        # stdnum's calc_check_digit expects the number including a (placeholder) check character
        assert id_check_char(body) == ric.calc_check_digit(body + "0"), body


def test_id_errors_agree_with_stdnum_on_check_char() -> None:
    """For a real date and a known county, our verdict on the check character is stdnum's."""
    rng = random.Random(5)
    for _ in range(RNG_N):
        born = date.fromordinal(rng.randrange(date(1960, 1, 1).toordinal(), date(2000, 1, 1).toordinal()))
        body = "110105" + born.strftime("%Y%m%d") + f"{rng.randrange(1000):03d}"
        last = rng.choice("0123456789X")
        number = body + last
        ours = "check" not in id_errors(number, T)
        assert ours == ric.is_valid(number), number


def test_luhn_and_regno_agree_with_stdnum() -> None:
    rng = random.Random(7812)
    for _ in range(RNG_N):
        card = "".join(rng.choice("0123456789") for _ in range(rng.randrange(16, 20)))
        assert luhn_ok(card) == std_luhn.is_valid(card), card
        assert luhn_ok(card[:-1] + luhn_check_digit(card[:-1]))
        regno = "".join(rng.choice("0123456789") for _ in range(15))
        assert regno_valid(regno) == mod_11_10.is_valid(regno), regno
        assert regno_valid(regno[:14] + regno_check_digit(regno[:14]))


def test_mod31_alone_would_accept_an_id_number() -> None:
    """Why both checks matter (hutool#1367): stdnum accepts this ID number as a USCC; we do not."""
    assert uscc.is_valid("362322198709086409")
    assert uscc_errors("362322198709086409") != []
    assert re.fullmatch(r"\d{18}", "362322198709086409")
