"""The OCR fold and the OCR_VARIANT classes of the compare functions (issue 9: comparisons that know OCR)."""

from __future__ import annotations

import pytest

from intake.checks.compare import (
    BankMatch,
    NameMatch,
    addr_compare,
    bank_compare,
    looks_like_bank_name,
    name_compare,
    ocr_fold,
    seal_key,
)


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("南京联錦家電銷售有限公司", "南京联锦家电销售有限公司"),  # traditional glyphs of a Kai form
        ("南京市玄武区中山路150号.商铺", "南京市玄武区中山路150号商铺"),  # an OCR dot
        ("杭州·某某、贸易,有限公司", "杭州某某贸易有限公司"),
        ("某某-科技有限公司", "某某科技有限公司"),
        ("某某科技有限公司（北京分公司）", "某某科技有限公司(北京分公司)"),  # brackets stay
        ("文三路1-2号", "文三路1-2号"),  # a separator between digits is part of the house number
        ("文三路1..2号", "文三路1..2号"),
        ("3.5层", "3.5层"),
    ],
)
def test_ocr_fold(raw: str, folded: str) -> None:
    assert ocr_fold(raw) == folded


def test_fold_never_touches_digits() -> None:
    for raw in ("1-2号", "12号", "100号", "108号", "A.B座"):
        assert [c for c in ocr_fold(raw) if c.isdigit()] == [c for c in raw if c.isdigit()]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("南京联錦家電銷售有限公司", "南京联锦家电销售有限公司", NameMatch.OCR_VARIANT),
        ("杭州某某.贸易有限公司", "杭州某某贸易有限公司", NameMatch.OCR_VARIANT),
        ("某某科技有限公司（北京分公司）", "某某科技有限公司(北京分公司)", NameMatch.FORMAT_ONLY),
        ("南京联锦家电销售有限公司", "南京联锦家电销售有限公司", NameMatch.EXACT),
        # real differences stay different
        ("南京联绵家电销售有限公司", "南京联锦家电销售有限公司", NameMatch.DIFFERENT),
        ("南京联锦家电销售有限责任公司", "南京联锦家电销售有限公司", NameMatch.DIFFERENT),
        ("某某科技有限公司(北京分公司)", "某某科技有限公司北京分公司", NameMatch.DIFFERENT),
    ],
)
def test_name_compare_ocr_variant(a: str, b: str, expected: NameMatch) -> None:
    assert name_compare(a, b) is expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("江苏省南京市玄武区中山路150号.商铺", "江苏省南京市玄武区中山路150号商铺", "OCR_VARIANT"),
        ("江苏省南京市玄武區中山路150號商鋪", "江苏省南京市玄武区中山路150号商铺", "OCR_VARIANT"),
        ("江苏省南京市玄武区中山路 150 号商铺", "江苏省南京市玄武区中山路150号商铺", "FORMAT_ONLY"),
    ],
)
def test_addr_compare_ocr_variant(a: str, b: str, expected: str) -> None:
    assert addr_compare(a, b) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("江苏省南京市玄武区中山路158号商铺", "江苏省南京市玄武区中山路150号商铺"),
        ("江苏省南京市玄武区中山路1-2号", "江苏省南京市玄武区中山路12号"),
    ],
)
def test_addr_compare_house_numbers_stay_different(a: str, b: str) -> None:
    assert addr_compare(a, b).startswith("SIMILAR")


def test_bank_compare_ocr_variant() -> None:
    assert (
        bank_compare("中國工商銀行股份有限公司杭州西湖支行", "中国工商银行股份有限公司杭州西湖支行")
        is BankMatch.OCR_VARIANT
    )
    assert (
        bank_compare("中国工商银行股份有限公司杭州文三支行", "中国工商银行股份有限公司杭州西湖支行")
        is BankMatch.DIFFERENT_BRANCH
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("中国工商银行股份有限公司杭州西湖支行", True),
        ("南京银行股份有限公司城南支行", True),
        ("江苏江宁农村商业银行营业部", True),
        ("工行西湖支行", True),
        ("”、“银行账号”、“税务地址”、“税务电话”六项将印", False),  # a form's note quoting the label
        ("或收货专用章的，应提前五个工作日书面通知甲方并", False),
    ],
)
def test_looks_like_bank_name(value: str, expected: bool) -> None:
    assert looks_like_bank_name(value) is expected


def test_seal_key_folds_legends() -> None:
    assert seal_key("杭州某某貿易有限公司 收貨專用章") == seal_key("杭州某某贸易有限公司收货专用章")
    assert seal_key("宁波远航贸易有限公司") != seal_key("杭州某某贸易有限公司")
