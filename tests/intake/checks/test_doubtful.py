"""What makes a field doubtful (intake.checks.doubtful): shape rules per field kind, low confidence, failed
checks. Good values come from the independent generator's customers (tests/corpus2, which shares no code with
the product), bad ones from its contract clauses and from misreads a reader really returns."""

from __future__ import annotations

import random
from datetime import date

import pytest

from intake.checks.doubtful import (
    KINDS,
    LOW_CONFIDENCE_BELOW,
    Kind,
    doubt_reasons,
    doubtful_fields,
    doubts_in_contract,
    shape_problem,
)
from intake.identifiers.codes import id_check_char
from intake.types import Evidence, Finding, Severity, SourcedField
from ocr.types import DocType
from tests.corpus2.docs.contracts import DIST, LOGI, LOGI_HEAD
from tests.corpus2.identity import Identity, make_identity

CLAUSES = (*DIST, *LOGI, LOGI_HEAD)
ISSUE_CLAUSE = "或收货专用章的，应提前五个工作日书面通知甲方并"  # read as 收货地址 in issue 13


def _customers(n: int = 60) -> list[Identity]:
    return [
        make_identity(
            random.Random(seed), date(2026, 11, 20), sole_trader=seed % 3 == 0, legacy_cert=seed % 4 == 0
        )
        for seed in range(n)
    ]


def _good_values(who: Identity) -> dict[str, str]:
    """Every shaped field of one generated customer, as printed on its documents."""
    return {
        "customer_name": who.name,
        "account_holder": who.name,
        "tax_id": who.tax_id,
        "bank_name": who.bank_name,
        "bank_account": who.bank_account,
        "tax_address": who.address,
        "address": who.rep.address,
        "receiving_address": who.receiving_address,
        "tax_phone": who.phone,
        "consignee_phone": who.consignee_phone,
        "contact_phone": who.contact_phone,
        "legal_representative": who.rep.name,
        "consignee_name": who.consignee.name,
        "contact_name": who.contact.name,
        "consignee_id_number": who.consignee.id_number,
        "established": who.established.isoformat(),
        "account_opened": who.account_opened.isoformat(),
        "valid_to": who.valid_to.isoformat() if who.valid_to else "long_term",
    }


def test_real_looking_values_of_every_kind_are_not_doubtful() -> None:
    problems = [
        (name, value, shape_problem(name, value))
        for who in _customers()
        for name, value in _good_values(who).items()
        if shape_problem(name, value)
    ]
    assert problems == []
    covered = {KINDS[name] for name in _good_values(_customers(1)[0])}
    assert covered == set(Kind)  # every kind was exercised


@pytest.mark.parametrize("clause", [ISSUE_CLAUSE, *CLAUSES])
def test_clause_text_is_no_address_name_or_bank(clause: str) -> None:
    assert "条款" in (shape_problem("receiving_address", clause) or "")
    assert shape_problem("tax_address", clause)
    assert shape_problem("consignee_name", clause[:12])
    assert shape_problem("customer_name", clause[:24])
    assert shape_problem("bank_name", clause)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("receiving_address", "详见附件"),  # names no place
        ("tax_address", "“税务地址”"),  # a note quoting the label
        ("tax_address", "广州"),  # too short
        ("legal_representative", "法定代表人签字"),  # a signature line
        ("consignee_name", "张"),
        ("contact_name", "李四五六七八"),
        ("customer_name", "请填写客户名称，并加盖公章。"),
        ("bank_name", "开户银行、银行账号"),  # labels, not a bank
        ("bank_name", "杭州明达贸易有限公司"),  # no bank word
        ("tax_phone", "0571-8888"),
        ("consignee_phone", "1381234567"),  # one digit short
        ("contact_phone", "联系电话"),
        ("bank_account", "6222 0202 0011 2233 44X"),
        ("bank_account", "123456"),
        ("tax_id", "91330100MA27XXXX1N"),
        ("tax_id", "9133010MA27"),
        ("established", "2015年13月01日"),
        ("account_opened", "二〇一五年"),
        ("signing_date", "1899-01-01"),
        ("valid_from", "长期"),  # a start is a date, never open-ended
    ],
)
def test_misreads_of_each_kind_are_doubtful(name: str, value: str) -> None:
    problem = shape_problem(name, value)
    assert problem and any("\u4e00" <= ch <= "\u9fff" for ch in problem)  # said in Chinese


def test_checked_identifiers_must_pass_their_check_characters() -> None:
    good = "91110000600037341L"  # a valid USCC (its org code and its own check character)
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert shape_problem("tax_id", good) is None and shape_problem("tax_id", wrong)
    person = "11010119900307123"
    assert shape_problem("consignee_id_number", person + id_check_char(person)) is None
    assert shape_problem("consignee_id_number", person + ("0" if id_check_char(person) != "0" else "1"))


def test_dates_in_printed_forms_and_open_ended_validity() -> None:
    for value in ("2026-11-20", "2026年11月20日", "2026.11.20", "二〇二六年十一月二十日"):
        assert shape_problem("issue_date", value) is None
    assert shape_problem("valid_to", "long_term") is None and shape_problem("id_valid_to", "长期") is None


def test_fields_without_a_shape_are_judged_by_confidence_and_findings_only() -> None:
    assert shape_problem("contract_no", "第三条") is None
    assert doubt_reasons("contract_no", "HT-2026-001", 0.99) == ()
    assert doubt_reasons("contract_no", "HT-2026-001", 0.5) == ("识别置信度低（50%）",)


def test_reasons_name_low_confidence_failed_checks_and_shape_together() -> None:
    reasons = doubt_reasons(
        "receiving_address", ISSUE_CLAUSE, 0.75, rules=["address_mismatch", "address_mismatch"]
    )
    assert reasons == ("识别置信度低（75%）", "检查未通过：税务地址不一致", "像合同条款或说明文字，不是地址")
    assert doubt_reasons("receiving_address", "  ", 0.99) == ("未读取到内容",)
    assert doubt_reasons("receiving_address", "浙江省杭州市西湖区文三路100号", LOW_CONFIDENCE_BELOW) == ()


def _field(name: str, value: str, confidence: float, page: int = 1) -> SourcedField:
    return SourcedField(name, value, confidence, None, "物流合同.pdf", page, DocType.LOGISTICS_CONTRACT)


def test_doubtful_fields_lists_only_the_doubtful_ones_in_order_with_the_findings_that_name_them() -> None:
    fields = [
        _field("consignee_name", "王五", 0.97),
        _field("receiving_address", ISSUE_CLAUSE, 0.75, page=2),
        _field("consignee_phone", "13812345678", 0.99, page=2),
    ]
    finding = Finding(
        "phone_invalid",
        Severity.WARNING,
        "…",
        (Evidence(file="物流合同.pdf", page=2, field="consignee_phone"),),
    )
    doubts = doubtful_fields(fields, [finding])
    assert [(d.name, d.page) for d in doubts] == [("receiving_address", 2), ("consignee_phone", 2)]
    assert doubts[1].reasons == ("检查未通过：电话号码无效",)
    assert doubts[0].value == ISSUE_CLAUSE and len(doubts[0].reasons) == 2


def test_doubts_in_the_contract_json_skip_seals_and_closed_findings() -> None:
    out = {
        "pages": [
            {
                "file": "a.pdf",
                "page": 1,
                "fields": {
                    "receiving_address": {"value": ISSUE_CLAUSE, "confidence": 0.9, "bbox": None},
                    "consignee_name": {"value": "王五", "confidence": 0.95, "bbox": None},
                    "seals": {"value": ["receiving"], "confidence": 0.4, "bbox": None},
                },
            }
        ],
        "findings": [
            {"rule": "name_mismatch", "evidence": [{"file": "a.pdf", "page": 1, "field": "consignee_name"}],
             "status": "overridden"},
        ],
    }  # fmt: skip
    doubts = doubts_in_contract(out)
    assert [d.name for d in doubts] == ["receiving_address"]
