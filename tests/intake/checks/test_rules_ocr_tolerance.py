"""Cross-document rules on OCR'd values (issue 9): a difference explained only by traditional glyphs or
stray punctuation, or read with low confidence, is a warning showing both values; real differences block."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from intake.types import Document, Severity
from ocr.types import DocType

CORPUS_NAME = "南京联锦家电销售有限公司"
CORPUS_ADDRESS = "江苏省南京市玄武区中山路150号商铺"


def _addressed(docs: list[Document], kit: SimpleNamespace, address: str) -> list[Document]:
    docs = kit.with_field(docs, "business_license", "address", address)
    return kit.with_field(docs, "application_form", "tax_address", address)


# ---------- names ----------
def test_traditional_glyph_name_on_the_form_is_a_warning(docs: list[Document], kit: SimpleNamespace) -> None:
    docs = kit.name_everywhere(docs, CORPUS_NAME)
    docs = kit.with_field(docs, "application_form", "customer_name", "南京联錦家電銷售有限公司")
    outcome = kit.run(docs)
    assert kit.rules_of(outcome) == [("name_mismatch", "warning", "OCR_VARIANT")]
    message = outcome.findings[0].message
    assert "南京联錦家電銷售有限公司" in message and CORPUS_NAME in message and "识别差异" in message


@pytest.mark.parametrize(
    "form_name",
    ["南京联绵家电销售有限公司", "南京联锦家电销售有限责任公司", "南京联锦电器销售有限公司"],
    ids=["one_character", "legal_form", "trade"],
)
def test_real_name_differences_stay_blockers(
    docs: list[Document], kit: SimpleNamespace, form_name: str
) -> None:
    docs = kit.with_field(
        kit.name_everywhere(docs, CORPUS_NAME), "application_form", "customer_name", form_name
    )
    assert kit.rules_of(kit.run(docs)) == [("name_mismatch", "blocker", "DIFFERENT")]


def test_traditional_glyphs_and_one_real_difference_stay_a_blocker(
    docs: list[Document], kit: SimpleNamespace
) -> None:
    docs = kit.with_field(
        kit.name_everywhere(docs, CORPUS_NAME),
        "application_form",
        "customer_name",
        "南京联綿家電銷售有限公司",
    )
    assert kit.rules_of(kit.run(docs)) == [("name_mismatch", "blocker", "DIFFERENT")]


# ---------- addresses ----------
def test_stray_punctuation_in_an_address_is_a_warning(docs: list[Document], kit: SimpleNamespace) -> None:
    docs = kit.with_field(
        _addressed(docs, kit, CORPUS_ADDRESS),
        "application_form",
        "tax_address",
        "江苏省南京市玄武区中山路150号.商铺",
    )
    outcome = kit.run(docs)
    assert kit.rules_of(outcome) == [("address_mismatch", "warning", "OCR_VARIANT")]
    assert "150号.商铺" in outcome.findings[0].message and CORPUS_ADDRESS in outcome.findings[0].message


@pytest.mark.parametrize(
    "form_address", ["江苏省南京市玄武区中山路158号商铺", "江苏省南京市玄武区中山路15-0号商铺"]
)
def test_house_number_differences_stay_blockers(
    docs: list[Document], kit: SimpleNamespace, form_address: str
) -> None:
    docs = kit.with_field(
        _addressed(docs, kit, CORPUS_ADDRESS), "application_form", "tax_address", form_address
    )
    assert kit.rules_of(kit.run(docs)) == [("address_mismatch", "blocker", "SIMILAR")]


# ---------- bank names ----------
def test_traditional_glyph_bank_name_is_a_warning(docs: list[Document], kit: SimpleNamespace) -> None:
    docs = kit.with_field(docs, "application_form", "bank_name", "中國工商銀行股份有限公司杭州西湖支行")
    assert kit.rules_of(kit.run(docs)) == [("bank_name_mismatch", "warning", "OCR_VARIANT")]


def test_a_note_read_as_the_bank_name_is_an_uncertain_reading(
    docs: list[Document], kit: SimpleNamespace
) -> None:
    garbage = "”、“银行账号”、“税务地址”、“税务电话”六项将印"
    outcome = kit.run(kit.with_field(docs, "application_form", "bank_name", garbage))
    assert kit.rules_of(outcome) == [("bank_name_mismatch", "warning", "UNCERTAIN_READING")]
    assert garbage in outcome.findings[0].message and kit.BANK in outcome.findings[0].message


# ---------- doubtful readings ----------
@pytest.mark.parametrize(
    ("doc_type", "field", "value", "rule"),
    [
        ("application_form", "customer_name", "杭州某某商贸有限公司", "name_mismatch"),
        ("application_form", "tax_id", "91350100M000100Y43", "tax_id_mismatch"),
        ("application_form", "bank_name", "中国银行股份有限公司杭州西湖支行", "bank_name_mismatch"),
        ("application_form", "bank_account", "1202020309900123465", "bank_account_mismatch"),
        ("application_form", "tax_address", "浙江省杭州市西湖区文三路108号", "address_mismatch"),
    ],
)
def test_doubtful_reading_that_differs_is_a_warning(
    docs: list[Document], kit: SimpleNamespace, doc_type: str, field: str, value: str, rule: str
) -> None:
    doubtful = kit.with_field(docs, doc_type, field, value, confidence=0.4)
    outcome = kit.run(doubtful)
    assert kit.rules_of(outcome) == [(rule, "warning", "UNCERTAIN_READING")]
    assert "读取不确定" in outcome.findings[0].message and value in outcome.findings[0].message
    # the same value read confidently is the defect the rule exists for
    confident = kit.run(kit.with_field(docs, doc_type, field, value, confidence=0.9))
    assert [f.severity for f in confident.findings if f.rule == rule] == [Severity.BLOCKER]


def test_doubtful_invoice_source_still_blocks(docs: list[Document], kit: SimpleNamespace) -> None:
    # the licence's name is what the invoice carries: a doubt about it does not excuse a difference
    docs = kit.with_field(
        docs, "business_license", "customer_name", "杭州某某贸易有限责任公司", confidence=0.4
    )
    blockers = {(f.rule, f.detail) for f in kit.run(docs).findings if f.severity is Severity.BLOCKER}
    assert ("name_mismatch", "DIFFERENT") in blockers


def test_doubted_permit_bank_name_one_character_off_a_sure_form_is_a_warning(
    docs: list[Document], kit: SimpleNamespace
) -> None:
    # the permit's 庄 read as 产 with the reader hesitating; the form, read surely, has the printed name
    form_value = next(d for d in docs if d.doc_type == "application_form").fields["bank_name"].value
    misread = form_value[:-3] + "乙" + form_value[-2:]
    docs = kit.with_field(docs, "bank_permit", "bank_name", misread, confidence=0.45)
    findings = [f for f in kit.run(docs).findings if f.rule == "bank_name_mismatch"]
    assert [(str(f.severity), f.detail) for f in findings] == [("warning", "UNCERTAIN_READING")]


def test_a_doubted_licence_name_the_other_documents_contradict_is_a_warning_not_a_blocker(
    docs: list[Document], kit: SimpleNamespace
) -> None:
    # 南昌 read as 南吕 on the licence, the reader unsure; form, seal card and contracts agree on the name
    printed = next(d for d in docs if d.doc_type == "business_license").fields["customer_name"].value
    misread = printed[:2] + "吕" + printed[3:]
    outcome = kit.run(kit.with_field(docs, "business_license", "customer_name", misread, confidence=0.66))
    assert [(f.rule, str(f.severity), f.detail) for f in outcome.findings if f.rule == "name_mismatch"] == [
        ("name_mismatch", "warning", "AGREED_BY_OTHERS")
    ]
    assert misread in outcome.findings[0].message and printed in outcome.findings[0].message
    # read surely, the licence's name is what the invoice carries: every other document then differs
    sure = kit.run(kit.with_field(docs, "business_license", "customer_name", misread, confidence=0.97))
    assert any(f.rule == "name_mismatch" and f.severity is Severity.BLOCKER for f in sure.findings)


# ---------- tax numbers ----------
def test_sole_traders_id_based_number_next_to_its_uscc_is_a_warning(
    docs: list[Document], kit: SimpleNamespace
) -> None:
    uscc = "92330106MA2CQK1B4U"
    docs = kit.with_field(docs, "business_license", "tax_id", uscc)
    docs = kit.with_field(docs, "application_form", "tax_id", "11010519491231002X00")
    outcome = kit.run(docs)
    assert kit.rules_of(outcome) == [("tax_id_mismatch", "warning", "LEGACY_ID_BASED")]
    assert "国家企业信用信息公示系统" in outcome.findings[0].message


def test_id_based_number_next_to_an_enterprise_code_stays_a_blocker(
    docs: list[Document], kit: SimpleNamespace
) -> None:
    # an enterprise (91) has no number built from a person's ID: that is another taxpayer
    cert = kit.make_doc(
        DocType.TAX_REGISTRATION,
        "tax.pdf",
        {"customer_name": kit.NAME, "tax_id": "11010519491231002X00", "address": kit.ADDRESS},
    )
    outcome = kit.run([*docs, cert])
    assert ("tax_id_mismatch", "blocker", "DIFFERENT") in kit.rules_of(outcome)
