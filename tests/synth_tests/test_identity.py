"""Customer identities are consistent and in force: places resolve, numbers match places, terms are legal."""

import random
from datetime import date

import cpca
import pytest

from tests.synth import geo, ids
from tests.synth.docs.idcard import id_issue_valid
from tests.synth.identity import make_identity


def test_every_district_resolves_to_its_adcode_with_cpca() -> None:
    names, codes = [], []
    for city in geo.CITIES:
        for district, code in city.districts:
            names.append(f"{city.province}{city.city}{district}人民路1号")
            codes.append(code)
    got = cpca.transform(names)["adcode"].tolist()
    assert got == codes


@pytest.mark.parametrize("seed", range(40))
def test_identity_is_valid_on_its_as_of_date(seed: int) -> None:
    rng = random.Random(seed)
    as_of = date(2025, 1, 1) if seed % 2 else date(2026, 8, 1)
    who = make_identity(rng, as_of)
    kind = ids.tin_kind(who.tax_id)
    if who.certificate == "business_license":
        assert kind == "USCC"
        assert who.tax_id[1] == ("2" if who.sole_trader else "1")
        assert who.tax_id[2:8] in (who.adcode, who.city.city_adcode)
    else:
        assert kind == ("ID20" if who.sole_trader else "ORG15")
    assert who.valid_to in (None, "long_term") or who.valid_to > as_of
    p = who.consignee
    assert ids.id_errors(p.id_number, as_of) == []
    assert p.id_number[6:14] == f"{p.born:%Y%m%d}"
    assert id_issue_valid(p.born, p.id_valid_from, p.id_valid_to)
    assert p.id_valid_to == "long_term" or p.id_valid_to > as_of
    assert ids.phone_valid(who.tax_phone)
    assert ids.phone_valid(who.contact_phone)
    assert who.address.find(who.district) > 0
    kinds = [s.kind for s in who.seals]
    assert kinds.count("company") == 1 and 1 <= kinds.count("receiving") <= 2
    if who.bank_proof == "passbook":
        assert who.sole_trader and who.account_holder == who.legal_representative
    else:
        assert who.account_holder == who.customer_name
        assert who.bank_name.startswith(
            ("中国", "交通", "中信", "华夏", "广发", "平安", "招商", "兴业", "上海", "浙商")
        )


def test_addresses_resolve_to_the_customers_district() -> None:
    rng = random.Random(9)
    whos = [make_identity(rng, date(2025, 6, 1)) for _ in range(30)]
    got = cpca.transform([w.address for w in whos])["adcode"].tolist()
    assert got == [w.adcode for w in whos]
