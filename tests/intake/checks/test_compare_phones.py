"""Names, addresses, banks (domain-rules §5.5, §7) and phones (§6): the Appendix B vectors and the tables."""

from __future__ import annotations

import pytest

from intake.checks.compare import (
    account_key,
    addr_compare,
    addr_key,
    bank_compare,
    name_compare,
    name_key,
    parse_bank_name,
)
from intake.identifiers.phones import PhoneKind, parse_phone, split_addr_phone


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("某某科技有限公司（北京分公司）", "某某科技有限公司(北京分公司)", "FORMAT_ONLY"),
        ("北京某某 科技有限公司", "北京某某科技有限公司", "FORMAT_ONLY"),
        ("ＡＢＣ贸易有限公司", "ABC贸易有限公司", "FORMAT_ONLY"),
        ("北京某某科技有限公司", "北京某某科技有限责任公司", "DIFFERENT"),
        ("杭州某某贸易有限公司", "杭州某某商贸有限公司", "DIFFERENT"),
        ("某某有限公司【北京】", "某某有限公司(北京)", "FORMAT_ONLY"),
        ("杭州某某贸易有限公司", "杭州某某贸易有限公司", "EXACT"),
    ],
)
def test_name_compare(a: str, b: str, expected: str) -> None:
    assert name_compare(a, b) == expected


def test_name_key_keeps_legal_forms() -> None:
    assert name_key("某某股份有限公司") != name_key("某某有限公司")


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("北京市海淀区中关村大街1号", "北京海淀区中关村大街一号", "PREFIX_ONLY"),
        ("浙江省杭州市西湖区文三路100号3幢1201室", "杭州市西湖区文三路100号3栋1201", "PREFIX_ONLY"),
        ("北京市海淀区中关村大街1号", "北京市朝阳区中关村大街1号", "DIFFERENT_DISTRICT"),
        ("北京市海淀区中关村大街1号", "海淀区中关村大街1号", "PREFIX_ONLY"),
        ("北京市海淀区中关村大街1号", "北京市海淀区中关村大街 1 号", "FORMAT_ONLY"),
        ("北京市海淀区中关村大街1号", "北京市海淀区中关村大街1号", "EXACT"),
    ],
)
def test_addr_compare(a: str, b: str, expected: str) -> None:
    assert addr_compare(a, b) == expected


def test_addr_compare_similar() -> None:
    assert addr_compare("浙江省杭州市西湖区文三路100号", "浙江省杭州市西湖区文三路108号").startswith(
        "SIMILAR"
    )
    assert addr_compare("某某路1号", "某某路1号院").startswith("SIMILAR")


def test_addr_key_numerals_only_before_units() -> None:
    assert addr_key("二里庄三号楼五层") == "二里庄3栋5层"
    assert addr_key("中国北京市一百零八号") == "北京市108号"
    assert addr_key("3楼") != addr_key("3栋")


BANK = "中国工商银行股份有限公司北京海淀支行"


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        (BANK, "EXACT"),
        ("中国工商银行股份有限公司 北京海淀支行", "FORMAT_ONLY"),
        ("工行北京海淀支行", "SAME_BRANCH_DIFFERENT_SPELLING"),
        ("中国工商银行北京海淀支行", "SAME_BRANCH_DIFFERENT_SPELLING"),
        ("中国工商银行北京市海淀支行", "PROBABLY_SAME_BRANCH"),
        ("中国工商银行股份有限公司北京中关村支行", "DIFFERENT_BRANCH"),
        ("中国银行股份有限公司北京海淀支行", "DIFFERENT_BANK"),
        ("中国农业银行股份有限公司北京海淀支行", "DIFFERENT_BANK"),
    ],
)
def test_bank_compare(other: str, expected: str) -> None:
    assert bank_compare(BANK, other) == expected


def test_parse_bank_name() -> None:
    assert parse_bank_name(BANK) == ("102", "中国工商银行", True, "北京海淀支行")
    assert parse_bank_name("北京银行股份有限公司中关村分行").bank is None
    assert parse_bank_name("中国农业发展银行某某支行").bank is None  # not 中国农业银行


def test_account_key() -> None:
    assert account_key("1202 0203-0990 0123 456") == "1202020309900123456"


def test_parse_phone_vectors() -> None:
    assert parse_phone("010-62345678") == ("FIXED", "+861062345678", None)
    assert parse_phone("0571-87654321转8001") == ("FIXED", "+8657187654321", "8001")
    assert parse_phone("13812345678").kind is PhoneKind.MOBILE
    assert parse_phone("400-800-1234").kind is PhoneKind.SERVICE_400
    assert parse_phone("0891-6123456").kind is PhoneKind.FIXED  # Lhasa keeps 7-digit local numbers


@pytest.mark.parametrize("text", ["0571-8765432", "12345678901", "62345678", "1381234567", "电话"])
def test_invalid_phones(text: str) -> None:
    assert parse_phone(text) == (None, None, None)


def test_split_addr_phone() -> None:
    assert split_addr_phone("杭州市西湖区文三路100号0571-87654321") == (
        "杭州市西湖区文三路100号",
        "0571-87654321",
    )
    assert split_addr_phone("北京市海淀区中关村大街1号 010-62345678 A座")[1] is None
