"""Each contract rule id catches one defect injected into an otherwise clean dossier (see conftest)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from intake.checks import RULES, CheckOutcome, RulesConfig, check_dossier
from intake.record import assemble_record
from intake.types import CheckContext, Document, Severity
from ocr.types import DocType, SealKind

CONTRACT_RULES = {
    "document_missing",
    "field_unreadable",
    "tax_id_invalid",
    "name_mismatch",
    "tax_id_mismatch",
    "bank_name_mismatch",
    "bank_account_mismatch",
    "address_mismatch",
    "phone_invalid",
    "certificate_expired",
    "seal_mismatch",
    "consignee_id_invalid",
    "deadline_at_risk",
    "deadline_overdue",
}


def only(outcome: CheckOutcome) -> tuple[str, str, str]:
    """The single finding of an outcome as (rule, severity, detail)."""
    assert len(outcome.findings) == 1, [f.as_json() for f in outcome.findings]
    f = outcome.findings[0]
    return (f.rule, str(f.severity), f.detail)


# ---------- the clean dossier ----------
def test_clean_dossier_has_no_findings(docs: list[Document], kit: SimpleNamespace) -> None:
    outcome = kit.run(docs)
    assert outcome.findings == ()
    assert outcome.completeness.complete and outcome.completeness.missing == ()
    assert outcome.deadline == date(2025, 6, 13)
    assert outcome.notice is None


def test_all_findings_carry_chinese_messages_and_evidence(docs: list[Document], kit: SimpleNamespace) -> None:
    broken = kit.with_field(docs, "application_form", "customer_name", "别的公司")
    broken = kit.without(broken, "seal_card")
    outcome = kit.run(broken, as_of=date(2025, 6, 14))
    rules = {f.rule for f in outcome.findings}
    assert {"name_mismatch", "document_missing", "deadline_overdue"} <= rules
    for f in outcome.findings:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in f.message)
        assert f.evidence
        assert f.as_json()["severity"] in ("blocker", "warning")


# ---------- document_missing / completeness ----------
def test_missing_seal_card(docs: list[Document], kit: SimpleNamespace) -> None:
    outcome = kit.run(kit.without(docs, "seal_card"))
    assert only(outcome) == ("document_missing", "blocker", "")
    assert outcome.findings[0].evidence[0].doc_type == "seal_card"
    assert outcome.completeness.complete is False
    assert outcome.completeness.missing == ("seal_card",)


def test_alternative_slot_names_primary(docs: list[Document], kit: SimpleNamespace) -> None:
    outcome = kit.run(kit.without(docs, "bank_permit", "business_license"))
    assert outcome.completeness.missing == ("business_license", "bank_permit")
    missing = [f for f in outcome.findings if f.rule == "document_missing"]
    assert [f.evidence[0].doc_type for f in missing] == ["business_license", "bank_permit"]
    assert all(f.severity == Severity.BLOCKER for f in missing)


def test_pos_binding_is_optional(docs: list[Document], kit: SimpleNamespace) -> None:
    assert not any(d.doc_type == DocType.POS_BINDING for d in docs)
    assert kit.run(docs).completeness.complete


def _old_tax_certificate(kit: SimpleNamespace, tax_id: str) -> Document:
    return kit.make_doc(
        DocType.TAX_REGISTRATION,
        "tax.pdf",
        {"customer_name": kit.NAME, "tax_id": tax_id, "address": kit.ADDRESS},
    )


def test_old_tax_certificate_for_enterprise_after_2017(docs: list[Document], kit: SimpleNamespace) -> None:
    docs = [*kit.without(docs, "business_license"), _old_tax_certificate(kit, "110000600037341")]
    outcome = kit.run(docs)
    assert outcome.completeness.missing == ("business_license",)
    assert only(outcome) == ("document_missing", "blocker", "OLD_TAX_CERTIFICATE")


def test_old_tax_certificate_for_enterprise_before_2018(docs: list[Document], kit: SimpleNamespace) -> None:
    docs = [*kit.without(docs, "business_license"), _old_tax_certificate(kit, "110000600037341")]
    outcome = kit.run(docs, as_of=date(2017, 12, 1), pickup=date(2017, 12, 20))
    assert outcome.completeness.complete
    assert not [f for f in outcome.findings if f.rule == "document_missing"]


def test_old_tax_certificate_for_sole_trader_any_time(docs: list[Document], kit: SimpleNamespace) -> None:
    docs = [*kit.without(docs, "business_license"), _old_tax_certificate(kit, "11010519491231002X00")]
    docs = kit.with_field(docs, "application_form", "tax_id", "11010519491231002X00")
    outcome = kit.run(docs)
    assert outcome.completeness.complete
    assert outcome.findings == ()


def _passbook(kit: SimpleNamespace, holder: str) -> Document:
    return kit.make_doc(
        DocType.PASSBOOK,
        "passbook.jpg",
        {"account_holder": holder, "bank_name": kit.BANK, "bank_account": kit.ACCOUNT},
    )


def test_passbook_for_enterprise_is_a_warning(docs: list[Document], kit: SimpleNamespace) -> None:
    outcome = kit.run([*kit.without(docs, "bank_permit"), _passbook(kit, kit.NAME)])
    assert outcome.completeness.complete
    assert only(outcome) == ("document_missing", "warning", "PASSBOOK_NOT_SOLE_TRADER")


SOLE_TRADER_USCC = "92330106MA2CQK1B4U"  # valid; 92 = 个体工商户


def _sole_trader(docs: list[Document], kit: SimpleNamespace) -> list[Document]:
    """The clean dossier's customer as a 个体工商户: a 92 USCC on licence and form, the licence's type.

    (A 91 USCC outranks every other signal of the entity type, so the 91 code of the clean dossier must go.)
    """
    docs = kit.with_field(docs, "business_license", "license_type", "个体工商户")
    docs = kit.with_field(docs, "business_license", "tax_id", SOLE_TRADER_USCC)
    return kit.with_field(docs, "application_form", "tax_id", SOLE_TRADER_USCC)


def test_passbook_for_sole_trader_in_operator_name(docs: list[Document], kit: SimpleNamespace) -> None:
    docs = _sole_trader(docs, kit)
    outcome = kit.run([*kit.without(docs, "bank_permit"), _passbook(kit, "张三")])
    assert outcome.completeness.complete
    assert outcome.findings == ()


def test_passbook_in_a_stranger_name(docs: list[Document], kit: SimpleNamespace) -> None:
    docs = _sole_trader(docs, kit)
    outcome = kit.run([*kit.without(docs, "bank_permit"), _passbook(kit, "王五")])
    assert only(outcome) == ("name_mismatch", "blocker", "DIFFERENT")


def test_required_documents_configurable(docs: list[Document], kit: SimpleNamespace) -> None:
    config = RulesConfig.from_dict(
        {"required_documents": [["business_license", "tax_registration"], "pos_binding"]}
    )
    outcome = kit.run(kit.without(docs, "seal_card"), config=config)
    assert outcome.completeness.missing == ("pos_binding",)


# ---------- field_unreadable ----------
def test_low_confidence_record_field(docs: list[Document], kit: SimpleNamespace) -> None:
    outcome = kit.run(kit.with_field(docs, "business_license", "tax_id", kit.USCC, confidence=0.3))
    assert only(outcome) == ("field_unreadable", "warning", "LOW_CONFIDENCE")
    assert outcome.findings[0].evidence[0].field == "tax_id"
    assert outcome.notice is not None and outcome.notice.items == ("business_license.tax_id",)


def test_confidence_threshold_configurable(docs: list[Document], kit: SimpleNamespace) -> None:
    low = kit.with_field(docs, "business_license", "tax_id", kit.USCC, confidence=0.5)
    assert kit.run(low, config=RulesConfig(confidence_threshold=0.4)).findings == ()
    assert only(kit.run(low))[0] == "field_unreadable"


def test_field_absent_on_source_but_on_form(docs: list[Document], kit: SimpleNamespace) -> None:
    outcome = kit.run(kit.with_field(docs, "business_license", "address", None))
    assert only(outcome) == ("field_unreadable", "warning", "ABSENT")


def test_record_field_absent_everywhere_is_blocker(docs: list[Document], kit: SimpleNamespace) -> None:
    outcome = kit.run(kit.with_field(docs, "application_form", "tax_phone", None))
    assert only(outcome) == ("field_unreadable", "blocker", "ABSENT_EVERYWHERE")
    assert outcome.notice is not None
    assert outcome.notice.due_hours == 24
    assert outcome.notice.items == ("application_form.tax_phone",)
    assert "24小时" in outcome.notice.message


def test_consignee_id_number_required(docs: list[Document], kit: SimpleNamespace) -> None:
    outcome = kit.run(kit.with_field(docs, "consignee_id", "consignee_id_number", None))
    assert only(outcome) == ("field_unreadable", "warning", "ABSENT")


def test_licence_validity_required_except_sole_traders(docs: list[Document], kit: SimpleNamespace) -> None:
    no_term = kit.with_field(docs, "business_license", "valid_to", None)
    assert only(kit.run(no_term)) == ("field_unreadable", "warning", "ABSENT")
    sole = kit.with_field(_sole_trader(no_term, kit), "application_form", "business_type", "个体工商户")
    assert kit.run(sole).findings == ()


# ---------- tax_id_invalid ----------
def _both_tax_ids(docs: list[Document], kit: SimpleNamespace, value: str) -> list[Document]:
    docs = kit.with_field(docs, "business_license", "tax_id", value)
    return kit.with_field(docs, "application_form", "tax_id", value)


def test_uscc_check_failure_is_registry_lookup_warning(docs: list[Document], kit: SimpleNamespace) -> None:
    outcome = kit.run(_both_tax_ids(docs, kit, "91110000600037341M"))
    assert {(f.rule, str(f.severity), f.detail) for f in outcome.findings} == {
        ("tax_id_invalid", "warning", "CHECK_FAILED")
    }
    assert "国家企业信用信息公示系统" in outcome.findings[0].message


def test_uscc_ocr_confusion_is_repairable(docs: list[Document], kit: SimpleNamespace) -> None:
    outcome = kit.run(kit.with_field(docs, "application_form", "tax_id", "9111OOOO6OOO3734IL"))
    found = {(f.rule, f.detail) for f in outcome.findings}
    assert ("tax_id_invalid", "REPAIRABLE") in found
    assert "91110000600037341L" in next(f.message for f in outcome.findings if f.detail == "REPAIRABLE")


def test_malformed_tax_id_is_blocker(docs: list[Document], kit: SimpleNamespace) -> None:
    outcome = kit.run(_both_tax_ids(docs, kit, "9111000060003734"))
    assert {(f.rule, str(f.severity), f.detail) for f in outcome.findings} == {
        ("tax_id_invalid", "blocker", "MALFORMED")
    }


# ---------- name_mismatch ----------
def test_form_name_different_legal_form(docs: list[Document], kit: SimpleNamespace) -> None:
    outcome = kit.run(kit.with_field(docs, "application_form", "customer_name", "杭州某某贸易有限责任公司"))
    assert only(outcome) == ("name_mismatch", "blocker", "DIFFERENT")
    ev = outcome.findings[0].evidence
    assert (ev[0].doc_type, ev[0].value) == ("application_form", "杭州某某贸易有限责任公司")
    assert (ev[1].doc_type, ev[1].value) == ("business_license", kit.NAME)
    assert ev[0].bbox is not None and ev[0].page == 1


def test_form_name_format_only(docs: list[Document], kit: SimpleNamespace) -> None:
    docs = kit.with_field(docs, "business_license", "customer_name", "某某科技有限公司（杭州分公司）")
    for doc_type in ("bank_permit",):
        docs = kit.with_field(docs, doc_type, "account_holder", "某某科技有限公司（杭州分公司）")
    for doc_type, copies in (("seal_card", 1), ("distribution_contract", 3), ("logistics_contract", 3)):
        for i in range(copies):
            docs = kit.with_field(docs, doc_type, "customer_name", "某某科技有限公司（杭州分公司）", copy=i)
    docs = kit.with_field(docs, "application_form", "customer_name", "某某科技有限公司(杭州分公司)")
    outcome = kit.run(docs)
    assert only(outcome) == ("name_mismatch", "warning", "FORMAT_ONLY")
    assert "原样" in outcome.findings[0].message


@pytest.mark.parametrize(
    ("doc_type", "field", "copy"),
    [
        ("bank_permit", "account_holder", 0),
        ("seal_card", "customer_name", 0),
        ("distribution_contract", "customer_name", 1),
        ("logistics_contract", "customer_name", 2),
    ],
)
def test_name_on_every_document_is_compared(
    docs: list[Document], kit: SimpleNamespace, doc_type: str, field: str, copy: int
) -> None:
    outcome = kit.run(kit.with_field(docs, doc_type, field, "杭州某某商贸有限公司", copy=copy))
    assert only(outcome) == ("name_mismatch", "blocker", "DIFFERENT")
    assert outcome.findings[0].evidence[0].file == f"{doc_type}_{copy + 1}.pdf"


def test_name_on_pos_binding(docs: list[Document], kit: SimpleNamespace) -> None:
    pos = kit.make_doc(
        DocType.POS_BINDING, "pos.pdf", {"customer_name": "别家公司", "bank_account": kit.ACCOUNT}
    )
    assert only(kit.run([*docs, pos])) == ("name_mismatch", "blocker", "DIFFERENT")


# ---------- tax_id_mismatch ----------
def test_form_tax_id_different(docs: list[Document], kit: SimpleNamespace) -> None:
    outcome = kit.run(kit.with_field(docs, "application_form", "tax_id", "91350100M000100Y43"))
    assert only(outcome) == ("tax_id_mismatch", "blocker", "DIFFERENT")


def test_form_tax_id_format_only(docs: list[Document], kit: SimpleNamespace) -> None:
    outcome = kit.run(kit.with_field(docs, "application_form", "tax_id", "9111 0000 6000 3734 1L"))
    assert only(outcome) == ("tax_id_mismatch", "warning", "FORMAT_ONLY")


def test_old_certificate_with_other_org_code(docs: list[Document], kit: SimpleNamespace) -> None:
    same = kit.run([*docs, _old_tax_certificate(kit, "110108600037341")])
    assert same.findings == ()
    other = kit.run([*docs, _old_tax_certificate(kit, "110108100003962")])
    assert only(other) == ("tax_id_mismatch", "blocker", "LEGACY_ORG_CODE")


# ---------- bank_name_mismatch / bank_account_mismatch ----------
@pytest.mark.parametrize(
    ("form_bank", "severity", "detail"),
    [
        ("中国工商银行股份有限公司 杭州西湖支行", "warning", "FORMAT_ONLY"),
        ("工行杭州西湖支行", "warning", "SAME_BRANCH_DIFFERENT_SPELLING"),
        ("中国工商银行杭州市西湖支行", "blocker", "PROBABLY_SAME_BRANCH"),
        ("中国工商银行股份有限公司杭州文三支行", "blocker", "DIFFERENT_BRANCH"),
        ("中国银行股份有限公司杭州西湖支行", "blocker", "DIFFERENT_BANK"),
    ],
)
def test_bank_name_classes(
    docs: list[Document], kit: SimpleNamespace, form_bank: str, severity: str, detail: str
) -> None:
    outcome = kit.run(kit.with_field(docs, "application_form", "bank_name", form_bank))
    assert only(outcome) == ("bank_name_mismatch", severity, detail)


def test_bank_account_digits_differ(docs: list[Document], kit: SimpleNamespace) -> None:
    outcome = kit.run(kit.with_field(docs, "application_form", "bank_account", "1202020309900123465"))
    assert only(outcome) == ("bank_account_mismatch", "blocker", "DIFFERENT")


def test_bank_account_separators_are_not_a_difference(docs: list[Document], kit: SimpleNamespace) -> None:
    assert (
        kit.run(kit.with_field(docs, "application_form", "bank_account", "1202 0203 0990 0123 456")).findings
        == ()
    )


def test_pos_binding_account_is_compared(docs: list[Document], kit: SimpleNamespace) -> None:
    pos = kit.make_doc(
        DocType.POS_BINDING, "pos.pdf", {"customer_name": kit.NAME, "bank_account": "6222021234"}
    )
    assert only(kit.run([*docs, pos])) == ("bank_account_mismatch", "blocker", "DIFFERENT")


# ---------- address_mismatch ----------
@pytest.mark.parametrize(
    ("form_address", "severity", "detail"),
    [
        ("浙江省杭州市西湖区文三路 100 号", "warning", "FORMAT_ONLY"),
        ("杭州市西湖区文三路100号", "warning", "PREFIX_ONLY"),
        ("浙江省杭州市上城区文三路100号", "blocker", "DIFFERENT_DISTRICT"),
        ("浙江省杭州市西湖区文三路108号", "blocker", "SIMILAR"),
    ],
)
def test_address_classes(
    docs: list[Document], kit: SimpleNamespace, form_address: str, severity: str, detail: str
) -> None:
    outcome = kit.run(kit.with_field(docs, "application_form", "tax_address", form_address))
    assert only(outcome) == ("address_mismatch", severity, detail)


# ---------- phone_invalid ----------
@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("0571-8765432", ("phone_invalid", "blocker", "INVALID")),
        ("87654321", ("phone_invalid", "blocker", "INVALID")),
        ("400-800-1234", ("phone_invalid", "warning", "SERVICE_NUMBER")),
        ("800-810-1234", ("phone_invalid", "warning", "SERVICE_NUMBER")),
    ],
)
def test_tax_phone(
    docs: list[Document], kit: SimpleNamespace, phone: str, expected: tuple[str, str, str]
) -> None:
    assert only(kit.run(kit.with_field(docs, "application_form", "tax_phone", phone))) == expected


@pytest.mark.parametrize("phone", ["0571-87654321转8001", "13812345678", "010-62345678"])
def test_valid_tax_phones(docs: list[Document], kit: SimpleNamespace, phone: str) -> None:
    assert kit.run(kit.with_field(docs, "application_form", "tax_phone", phone)).findings == ()


def test_consignee_phone_invalid_is_warning(docs: list[Document], kit: SimpleNamespace) -> None:
    outcome = kit.run(kit.with_field(docs, "consignee_id", "consignee_phone", "1381234567"))
    assert only(outcome) == ("phone_invalid", "warning", "CONSIGNEE")


# ---------- certificate_expired ----------
def test_licence_expired(docs: list[Document], kit: SimpleNamespace) -> None:
    outcome = kit.run(kit.with_field(docs, "business_license", "valid_to", "2025-05-31"))
    assert only(outcome) == ("certificate_expired", "blocker", "EXPIRED")
    assert outcome.findings[0].evidence[0].field == "valid_to"


def test_licence_valid_on_its_last_day(docs: list[Document], kit: SimpleNamespace) -> None:
    outcome = kit.run(kit.with_field(docs, "business_license", "valid_to", "2025-06-01"))
    assert only(outcome) == ("certificate_expiring", "warning", "EXPIRES_SOON")


def test_licence_printed_chinese_date(docs: list[Document], kit: SimpleNamespace) -> None:
    expired = kit.with_field(docs, "business_license", "valid_to", "二〇二五年五月三十一日")
    assert only(kit.run(expired))[0] == "certificate_expired"
    far = kit.with_field(docs, "business_license", "valid_to", "二〇三五年二月二十八日")
    assert kit.run(far).findings == ()


def test_licence_impossible_date(docs: list[Document], kit: SimpleNamespace) -> None:
    outcome = kit.run(kit.with_field(docs, "business_license", "valid_to", "2035年13月01日"))
    assert only(outcome) == ("field_unreadable", "warning", "BAD_DATE")


def test_consignee_id_card_expired(docs: list[Document], kit: SimpleNamespace) -> None:
    docs = kit.with_field(docs, "consignee_id", "id_valid_from", "2000-03-01")
    docs = kit.with_field(
        docs, "consignee_id", "id_valid_to", "2010-03-01"
    )  # age 9 → 10 y is also implausible
    outcome = kit.run(docs)
    found = {(f.rule, str(f.severity), f.detail) for f in outcome.findings}
    assert ("certificate_expired", "blocker", "EXPIRED") in found


# ---------- seal_mismatch ----------
def test_logistics_contract_with_extra_receiving_seal(docs: list[Document], kit: SimpleNamespace) -> None:
    f = "logistics_contract_2.pdf"
    seals = (
        kit.seal(SealKind.RECEIVING, kit.RECEIVING_SEAL, f),
        kit.seal(SealKind.RECEIVING, kit.RECEIVING_SEAL, f),
    )
    outcome = kit.run(kit.with_seals(docs, "logistics_contract", seals, copy=1))
    assert only(outcome) == ("seal_mismatch", "blocker", "COUNT")
    assert outcome.findings[0].evidence[0].file == f


def test_logistics_contract_with_other_receiving_seal_text(
    docs: list[Document], kit: SimpleNamespace
) -> None:
    seals = (kit.seal(SealKind.RECEIVING, "别家公司收货专用章", "logistics_contract_1.pdf"),)
    outcome = kit.run(kit.with_seals(docs, "logistics_contract", seals))
    assert only(outcome) == ("seal_mismatch", "blocker", "TEXT")


def test_seal_text_compared_by_name_key(docs: list[Document], kit: SimpleNamespace) -> None:
    seals = (kit.seal(SealKind.RECEIVING, "杭州某某贸易有限公司 收货专用章", "logistics_contract_1.pdf"),)
    assert kit.run(kit.with_seals(docs, "logistics_contract", seals)).findings == ()


def test_unread_seal_text_is_not_a_mismatch(docs: list[Document], kit: SimpleNamespace) -> None:
    seals = (kit.seal(SealKind.RECEIVING, "", "logistics_contract_1.pdf"),)
    assert kit.run(kit.with_seals(docs, "logistics_contract", seals)).findings == ()


def test_contract_seal_kind_not_receiving(docs: list[Document], kit: SimpleNamespace) -> None:
    # no receiving seal found on a copy (issue 9: zero on one side is a detector miss more often than a
    # wrong seal): a warning asking for a comparison by eye, no longer a blocker
    seals = (kit.seal(SealKind.CONTRACT, kit.RECEIVING_SEAL, "logistics_contract_3.pdf"),)
    assert only(kit.run(kit.with_seals(docs, "logistics_contract", seals, copy=2))) == (
        "seal_mismatch",
        "warning",
        "COUNT_UNCERTAIN",
    )


def test_seal_card_without_receiving_seal(docs: list[Document], kit: SimpleNamespace) -> None:
    docs = kit.with_seals(docs, "seal_card", (kit.seal(SealKind.COMPANY, kit.NAME, "seal_card_1.pdf"),))
    for i in range(3):
        docs = kit.with_seals(docs, "logistics_contract", (), copy=i)
    assert only(kit.run(docs)) == ("seal_mismatch", "warning", "NO_RECEIVING_SEAL")


# ---------- consignee_id_invalid ----------
@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("360426199101010072", ("consignee_id_invalid", "blocker", "check")),
        ("36042619910230007X", ("consignee_id_invalid", "blocker", "birthdate,check")),
        ("3604261991010100", ("consignee_id_invalid", "blocker", "format")),
    ],
)
def test_consignee_id_hard(
    docs: list[Document], kit: SimpleNamespace, number: str, expected: tuple[str, str, str]
) -> None:
    assert only(kit.run(kit.with_field(docs, "consignee_id", "consignee_id_number", number))) == expected


def test_consignee_id_15_digits_is_warning(docs: list[Document], kit: SimpleNamespace) -> None:
    docs = kit.with_field(docs, "consignee_id", "consignee_id_number", "360426910101007")
    assert only(kit.run(docs)) == ("consignee_id_invalid", "warning", "LEGACY_15")


def test_consignee_id_term_implausible(docs: list[Document], kit: SimpleNamespace) -> None:
    docs = kit.with_field(
        docs, "consignee_id", "id_valid_to", "2030-03-01"
    )  # age 29 at issue: 20 years expected
    assert only(kit.run(docs)) == ("consignee_id_invalid", "warning", "TERM")


# ---------- deadline ----------
def test_deadline_at_risk(docs: list[Document], kit: SimpleNamespace) -> None:
    incomplete = kit.without(docs, "seal_card")
    for as_of in (date(2025, 6, 10), date(2025, 6, 13)):
        found = [(f.rule, str(f.severity)) for f in kit.run(incomplete, as_of=as_of).findings]
        assert ("deadline_at_risk", "warning") in found, as_of
    assert "deadline_at_risk" not in {f.rule for f in kit.run(incomplete, as_of=date(2025, 6, 9)).findings}


def test_deadline_overdue(docs: list[Document], kit: SimpleNamespace) -> None:
    found = [
        (f.rule, str(f.severity))
        for f in kit.run(kit.without(docs, "seal_card"), as_of=date(2025, 6, 14)).findings
    ]
    assert ("deadline_overdue", "blocker") in found


def test_open_blocker_counts_like_incomplete(docs: list[Document], kit: SimpleNamespace) -> None:
    broken = kit.with_field(docs, "application_form", "bank_account", "999")
    rules = {f.rule for f in kit.run(broken, as_of=date(2025, 6, 12)).findings}
    assert "deadline_at_risk" in rules


def test_clean_dossier_near_deadline_is_fine(docs: list[Document], kit: SimpleNamespace) -> None:
    assert kit.run(docs, as_of=date(2025, 6, 12)).findings == ()


def test_pickup_date_from_form_when_not_given(docs: list[Document], kit: SimpleNamespace) -> None:
    outcome = kit.run(docs, pickup=None)
    assert outcome.deadline == kit.PICKUP - timedelta(days=7)
    no_pickup = kit.with_field(docs, "application_form", "pickup_date", None)
    assert kit.run(no_pickup, pickup=None).deadline is None


def test_at_risk_window_configurable(docs: list[Document], kit: SimpleNamespace) -> None:
    incomplete = kit.without(docs, "seal_card")
    config = RulesConfig(at_risk_days=5)
    assert "deadline_at_risk" in {
        f.rule for f in kit.run(incomplete, as_of=date(2025, 6, 8), config=config).findings
    }


# ---------- configuration ----------
def test_severity_configurable(docs: list[Document], kit: SimpleNamespace) -> None:
    broken = kit.with_field(docs, "application_form", "customer_name", "杭州某某贸易有限责任公司")
    config = RulesConfig.from_dict({"severities": {"name_mismatch:DIFFERENT": "warning"}})
    assert only(kit.run(broken, config=config)) == ("name_mismatch", "warning", "DIFFERENT")
    config = RulesConfig.from_dict(
        {"severities": {"name_mismatch": "warning", "name_mismatch:DIFFERENT": "warning"}}
    )
    assert only(kit.run(broken, config=config))[1] == "warning"


def test_config_from_dict() -> None:
    config = RulesConfig.from_dict(
        {
            "confidence_threshold": 0.8,
            "at_risk_days": 2,
            "required_fields": {"consignee_id": ["consignee_id_number", "consignee_phone"]},
            "old_tax_certificate_until": "2018-06-30",
        }
    )
    assert config.confidence_threshold == 0.8
    assert config.required_fields == {"consignee_id": ("consignee_id_number", "consignee_phone")}
    assert config.old_tax_certificate_until == date(2018, 6, 30)
    assert config.severity("deadline_overdue") is Severity.BLOCKER
    with pytest.raises(ValueError, match="unknown"):
        RulesConfig.from_dict({"at_risk_dayz": 2})


def test_every_contract_rule_has_a_default_severity() -> None:
    defaults = {key.split(":")[0] for key in RulesConfig().severities}
    assert defaults >= CONTRACT_RULES
    assert len(RULES) >= 10


def test_outcome_json(docs: list[Document], kit: SimpleNamespace) -> None:
    outcome = kit.run(kit.without(docs, "consignee_id"))
    data = outcome.as_json()
    assert data["completeness"] == {"complete": False, "missing": ["consignee_id"]}
    assert data["deadline"] == "2025-06-13"
    assert data["notice"]["items"] == ["consignee_id"]  # type: ignore[index]


def test_check_dossier_with_explicit_record(docs: list[Document], kit: SimpleNamespace) -> None:
    """The caller's record is the reference: a record built elsewhere is honoured as given."""
    record = assemble_record(docs)
    record["customer_name"] = dataclasses.replace(record["customer_name"], value="另一家公司")
    outcome = check_dossier(docs, record, CheckContext(as_of=kit.AS_OF, pickup_date=kit.PICKUP))
    assert {f.rule for f in outcome.findings} == {"name_mismatch"}


def test_unstamped_part_of_a_split_contract_is_not_compared(
    docs: list[Document], kit: SimpleNamespace
) -> None:
    # GIVEN the clauses of a logistics contract scanned into a file of their own, without any seal
    outcome = kit.run(kit.with_seals(docs, "logistics_contract", (), copy=0))
    # THEN only the stamped copies are compared with the seal card
    assert outcome.findings == ()


def test_no_stamped_logistics_contract_at_all_is_a_mismatch(
    docs: list[Document], kit: SimpleNamespace
) -> None:
    stripped = [dataclasses.replace(d, seals=()) if d.doc_type == "logistics_contract" else d for d in docs]
    # issue 9: 0 receiving seals on the contract vs 1 on the card is a warning to compare by eye
    assert only(kit.run(stripped)) == ("seal_mismatch", "warning", "COUNT_UNCERTAIN")


def test_count_differs_with_an_unread_legend_asks_a_person(
    docs: list[Document], kit: SimpleNamespace
) -> None:
    # a round seal whose legend was not read may be the receiving seal the count misses
    unsure = dataclasses.replace(kit.seal(SealKind.COMPANY, "", "logistics_contract_1.pdf"), confidence=0.6)
    outcome = kit.run(kit.with_seals(docs, "logistics_contract", (unsure,)))
    assert only(outcome) == ("seal_mismatch", "warning", "COUNT_UNCERTAIN")


def test_one_character_off_on_a_contract_is_a_likely_misread(
    docs: list[Document], kit: SimpleNamespace
) -> None:
    contract = next(d for d in docs if d.doc_type == "distribution_contract")
    name = contract.fields["customer_name"]
    misread = dataclasses.replace(name, value=name.value[:-2] + "可" + name.value[-1:], confidence=0.93)
    changed = dataclasses.replace(contract, fields={**contract.fields, "customer_name": misread})
    outcome = kit.run([changed if d is contract else d for d in docs])
    assert only(outcome) == ("name_mismatch", "warning", "LIKELY_MISREAD")


def test_characters_lost_under_a_seal_on_a_contract_ask_a_person(
    docs: list[Document], kit: SimpleNamespace
) -> None:
    contract = next(d for d in docs if d.doc_type == "logistics_contract")
    name = contract.fields["customer_name"]
    hidden = dataclasses.replace(name, value=name.value[3:], confidence=0.9)  # the head under the seal
    changed = dataclasses.replace(contract, fields={**contract.fields, "customer_name": hidden})
    outcome = kit.run([changed if d is contract else d for d in docs])
    assert only(outcome) == ("name_mismatch", "warning", "LIKELY_MISREAD")
    assert "印章遮盖" in outcome.findings[0].message


def test_another_name_on_a_contract_stays_a_blocker_even_when_shorter(
    docs: list[Document], kit: SimpleNamespace
) -> None:
    contract = next(d for d in docs if d.doc_type == "logistics_contract")
    name = contract.fields["customer_name"]
    other = dataclasses.replace(name, value="宏达" + name.value[4:], confidence=0.9)  # not a part of the name
    changed = dataclasses.replace(contract, fields={**contract.fields, "customer_name": other})
    outcome = kit.run([changed if d is contract else d for d in docs])
    rules = {(f.rule, str(f.severity)) for f in outcome.findings}
    assert ("name_mismatch", "blocker") in rules


def test_one_character_off_on_the_application_form_stays_a_blocker(
    docs: list[Document], kit: SimpleNamespace
) -> None:
    form = next(d for d in docs if d.doc_type == "application_form")
    name = form.fields["customer_name"]
    other = dataclasses.replace(name, value="X" + name.value[1:], confidence=0.93)
    changed = dataclasses.replace(form, fields={**form.fields, "customer_name": other})
    rules = {(f.rule, str(f.severity)) for f in kit.run([changed if d is form else d for d in docs]).findings}
    assert ("name_mismatch", "blocker") in rules


def test_unread_card_legend_then_the_contract_seal_must_name_the_customer(
    docs: list[Document], kit: SimpleNamespace
) -> None:
    card = next(d for d in docs if d.doc_type == "seal_card")
    blank = tuple(dataclasses.replace(x, text="") for x in card.seals)
    docs = [dataclasses.replace(d, seals=blank) if d is card else d for d in docs]
    assert kit.run(docs).findings == ()  # the contract's receiving seal names the customer
    other = (kit.seal(SealKind.RECEIVING, "宁波远航贸易有限公司", "logistics_contract_1.pdf"),)
    assert only(kit.run(kit.with_seals(docs, "logistics_contract", other))) == (
        "seal_mismatch",
        "blocker",
        "TEXT",
    )
