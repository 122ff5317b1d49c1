"""The generator's identifiers are valid by the domain rules (and invalid exactly where a defect wants)."""

import random
import re
from datetime import date

import pytest
from stdnum.cn import ric, uscc

from tests.synth import geo, ids


@pytest.mark.parametrize(
    ("code", "errors"),
    [
        ("91110000600037341L", []),
        ("91350100M000100Y43", []),
        ("92330106MA2B3C4D1X", []),
        ("91110000600037341M", ["check18"]),
        ("91110000600037342P", ["orgcode-check"]),
        ("362322198709086409", ["org-type", "orgcode-check"]),
        ("9111000060003734IL", ["charset/format"]),
    ],
)
def test_ported_uscc_check_matches_domain_rules_vectors(code: str, errors: list[str]) -> None:
    assert ids.uscc_errors(code) == errors


def test_ported_id_and_org_checks_match_domain_rules_vectors() -> None:
    today = date(2025, 6, 1)
    assert ids.id_errors("11010519491231002X", today) == []
    assert ids.id_errors("110105194912310021", today) == ["check"]
    assert ids.id_errors("11010519490231002X", today) == ["birthdate", "check"]
    assert ids.org_code_valid("60003734-1") and not ids.org_code_valid("60003734-2")
    assert ids.org_check_char("MA01X0PP") == "1"


def test_generated_uscc_pass_both_checks_and_python_stdnum() -> None:
    rng = random.Random(1)
    for i in range(300):
        city = rng.choice(geo.CITIES)
        adcode = rng.choice(city.districts)[1]
        code = ids.make_uscc(rng, adcode, sole_trader=i % 5 == 0, modern=i % 2 == 0)
        assert ids.uscc_errors(code) == [], code
        assert uscc.is_valid(code), code
        assert code[2:8] == adcode
        assert code[:2] == ("92" if i % 5 == 0 else "91")


def test_corrupted_uscc_fails_only_check18() -> None:
    rng = random.Random(2)
    for _ in range(100):
        good = ids.make_uscc(rng, "330106", sole_trader=False)
        bad = ids.corrupt_uscc(rng, good)
        assert bad[:17] == good[:17]
        assert ids.uscc_errors(bad) == ["check18"]


def test_id_numbers_valid_and_corruption_breaks_only_the_check_char() -> None:
    rng = random.Random(3)
    for _ in range(200):
        born = date(rng.randint(1950, 2005), rng.randint(1, 12), rng.randint(1, 28))
        male = rng.random() < 0.5
        num = ids.make_id_number(rng, "330106", born, male=male)
        assert ids.id_errors(num, date(2026, 1, 1)) == []
        assert ric.calc_check_digit(num) == num[17]
        assert int(num[16]) % 2 == (1 if male else 0)
        assert ids.id_errors(ids.corrupt_id_number(num), date(2026, 1, 1)) == ["check"]


def test_legacy_tax_numbers_classify_as_their_kind() -> None:
    rng = random.Random(4)
    for _ in range(100):
        assert ids.tin_kind(ids.make_org15(rng, "330106")) == "ORG15"
        num = ids.make_id_number(rng, "110105", date(1980, 5, 1), male=True)
        assert ids.tin_kind(num + "00") == "ID20"


def test_phones_are_valid_for_their_area_and_the_invalid_one_is_not() -> None:
    rng = random.Random(5)
    for city in geo.CITIES:
        for _ in range(5):
            phone = ids.make_fixed_phone(rng, city.area_code)
            assert ids.phone_valid(phone), phone
            assert phone.replace("(", "").startswith(city.area_code)
        bad = ids.make_invalid_fixed_phone(rng, city.area_code)
        assert not ids.phone_valid(bad), bad
    for _ in range(50):
        assert ids.phone_valid(ids.make_mobile(rng))


def test_bank_identifiers_have_their_published_shapes() -> None:
    rng = random.Random(6)
    for _ in range(100):
        assert re.fullmatch(r"J\d{13}", ids.make_approval_no(rng, "3310"))
        card = ids.make_card_number(rng)
        assert card.startswith("62") and len(card) in (16, 19) and ids.luhn_ok(card)
        assert re.fullmatch(r"\d{12,21}", ids.make_corporate_account(rng, "102"))
