"""Identifiers pass (or, when spoiled, fail) the check characters python-stdnum computes."""

import random
from datetime import date

import pytest
from stdnum import luhn
from stdnum.cn import ric, uscc

from tests.corpus2 import ids


@pytest.mark.parametrize(
    ("body", "check"),
    [("60003734", "1"), ("MJX17369", "9"), ("10000396", "2"), ("10000000", "8"), ("MA01X0PP", "1")],
)
def test_org_code_check_matches_gb11714_vectors(body: str, check: str) -> None:
    assert ids.org_code_check(body) == check


@pytest.mark.parametrize("sole", [False, True])
def test_uscc_valid_for_stdnum_and_embedded_org_code(sole: bool) -> None:
    rng = random.Random(5)
    for _ in range(200):
        code = ids.make_uscc(rng, "320115", sole)
        assert uscc.is_valid(code)
        assert code.startswith("92" if sole else "91")
        assert ids.org_code_check(code[8:16]) == code[16]


def test_resident_id_valid_and_spoiled_invalid() -> None:
    rng = random.Random(2)
    for _ in range(100):
        number = ids.make_ric(rng, "320106", date(1988, 7, 3), male=rng.random() < 0.5)
        assert ric.calc_check_digit(number) == number[17]
        bad = ids.spoil_ric(number)
        assert bad[:17] == number[:17]
        assert ric.calc_check_digit(bad) != bad[17]


def test_legacy_tin_is_owner_id_plus_sequence() -> None:
    rng = random.Random(3)
    owner = ids.make_ric(rng, "420103", date(1979, 1, 30), male=True)
    for _ in range(20):
        tin = ids.legacy_tin(rng, owner)
        assert tin[:18] == owner and tin[18:] in ("", "00", "01")


def test_card_numbers_pass_luhn() -> None:
    rng = random.Random(4)
    assert all(luhn.is_valid(ids.card_number(rng, "622848", 19)) for _ in range(50))


def test_phones_valid_and_invalid_shapes() -> None:
    import re

    rng = random.Random(6)
    for _ in range(50):
        assert re.fullmatch(r"1[3-9]\d{9}", ids.mobile(rng))
        assert re.fullmatch(
            r"0(10|2\d)-\d{8}|0[3-9]\d{2}-\d{8}", ids.landline(rng, rng.choice(("025", "0512")))
        )
        bad = ids.invalid_phone(rng, "0512").replace("-", "")
        assert not re.fullmatch(r"1[3-9]\d{9}|0(10|2\d)\d{8}|0[3-9]\d{2}\d{7,8}", bad)
    assert re.fullmatch(r"J\d{13}", ids.approval_no(rng, "3010"))


def test_every_person_has_a_resident_id_stdnum_accepts() -> None:
    """Check digit, birth date and an address code in force at birth (stdnum knows the county history)."""
    from tests.corpus2.identity import make_identity

    for seed in range(60):
        who = make_identity(random.Random(seed), date(2026, 1, 15), seed % 3 == 0, seed % 6 == 0)
        for p in (who.rep, who.contact, who.consignee):
            assert ric.is_valid(p.id_number), (seed, p.id_number)
