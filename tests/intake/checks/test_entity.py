"""Entity type from every signal (intake/checks/entity.py) and its use by the acceptance rules of §9.

The corpus case of issue 9: a sole trader's old 税务登记证 was refused as an enterprise's although the name
ended in …店, the legacy number was built from the owner's ID and the form said 个体工商户.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from intake.checks.entity import (
    EntityKind,
    entity_of,
    signal_from_business_type,
    signal_from_license_type,
    signal_from_name,
    signal_from_tax_id,
)
from intake.types import Document, Severity
from ocr.types import DocType

AS_OF_2026 = date(2026, 3, 2)
PICKUP_2026 = date(2026, 3, 30)
SOLE_USCC = "92330106MA2CQK1B4U"  # valid USCC, 92 = 个体工商户
ID20 = "11010519491231002X00"  # 18-digit ID of the owner + 00 (§2.5)
ID18 = "11010519491231002X"
ID17 = "11010549123100201"
ORG15 = "110000600037341"  # area code + valid organisation code (§2.5)
TAX15 = "110000600037342"  # 15 digits, organisation-code check fails: says nothing about the entity
NEUTRAL_NAME = "杭州某某贸易"  # neither a shop suffix nor a legal form


# ---------- single signals ----------
@pytest.mark.parametrize(
    ("tax_id", "kind"),
    [
        (SOLE_USCC, EntityKind.SOLE_TRADER),
        ("91110000600037341L", EntityKind.ENTERPRISE),
        ("9111OOOO6OOO3734IL", None),  # unrepaired OCR confusion: not a code yet
        (ID20, EntityKind.SOLE_TRADER),
        (ID18, EntityKind.SOLE_TRADER),
        (ID17, EntityKind.SOLE_TRADER),
        (ORG15, EntityKind.ENTERPRISE),
        (TAX15, None),
        ("", None),
    ],
)
def test_signal_from_tax_id(tax_id: str, kind: EntityKind | None) -> None:
    signal = signal_from_tax_id(tax_id)
    assert (signal.kind if signal else None) == kind


def test_uscc_prefix_survives_one_misread_check_character() -> None:
    signal = signal_from_tax_id(SOLE_USCC[:-1] + "X")
    assert signal is not None and signal.kind is EntityKind.SOLE_TRADER
    assert "92" in signal.reason


def test_cooperative_uscc_is_other() -> None:
    from intake.identifiers.codes import uscc_check_char

    body = "93330106MA2CQK1B4"
    signal = signal_from_tax_id(body + uscc_check_char(body))
    assert signal is not None and signal.kind is EntityKind.OTHER


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("个体工商户", EntityKind.SOLE_TRADER),
        ("有限责任公司(自然人投资或控股)", EntityKind.ENTERPRISE),
        ("个人独资企业", EntityKind.ENTERPRISE),  # in law an enterprise, not a 个体工商户
        ("股份有限公司(上市)", EntityKind.ENTERPRISE),
        ("农民专业合作社", EntityKind.OTHER),
        ("", None),
    ],
)
def test_signal_from_license_type(value: str, kind: EntityKind | None) -> None:
    signal = signal_from_license_type(value)
    assert (signal.kind if signal else None) == kind


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("个体", EntityKind.SOLE_TRADER),
        ("个体户", EntityKind.SOLE_TRADER),
        ("个体工商户", EntityKind.SOLE_TRADER),
        ("企业", EntityKind.ENTERPRISE),
        ("公司", EntityKind.ENTERPRISE),
        ("有限责任", EntityKind.ENTERPRISE),
        ("零售", None),
    ],
)
def test_signal_from_business_type(value: str, kind: EntityKind | None) -> None:
    signal = signal_from_business_type(value)
    assert (signal.kind if signal else None) == kind


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("南京市玄武区联锦家电店", EntityKind.SOLE_TRADER),
        ("杭州西湖某某商行", EntityKind.SOLE_TRADER),
        ("某某日用品经营部", EntityKind.SOLE_TRADER),
        ("某某门市部", EntityKind.SOLE_TRADER),
        ("某某便利店（个体工商户）", EntityKind.SOLE_TRADER),
        ("某某超市", EntityKind.SOLE_TRADER),
        ("南京联锦家电销售有限公司", EntityKind.ENTERPRISE),
        ("某某超市有限公司", EntityKind.ENTERPRISE),  # 公司 wins over the shop word
        ("某某集团股份有限公司", EntityKind.ENTERPRISE),
        (NEUTRAL_NAME, None),
    ],
)
def test_signal_from_name(name: str, kind: EntityKind | None) -> None:
    signal = signal_from_name(name)
    assert (signal.kind if signal else None) == kind


# ---------- precedence over a dossier ----------
def _docs(kit: SimpleNamespace, **fields: dict[str, str]) -> list[Document]:
    return [kit.make_doc(DocType(t), f"{t}.pdf", f) for t, f in fields.items()]


def test_uscc_outranks_everything(kit: SimpleNamespace) -> None:
    docs = _docs(
        kit,
        business_license={
            "tax_id": SOLE_USCC,
            "license_type": "有限责任公司",
            "customer_name": "某某有限公司",
        },
        application_form={"business_type": "企业"},
    )
    entity = entity_of(docs)
    assert entity.kind is EntityKind.SOLE_TRADER
    assert entity.reasons[0].startswith("统一社会信用代码以92开头")
    assert len(entity.signals) == 4


def test_legacy_number_outranks_licence_type_form_and_name(kit: SimpleNamespace) -> None:
    docs = _docs(
        kit,
        tax_registration={"tax_id": ID20, "customer_name": "某某有限公司"},
        application_form={"business_type": "企业"},
    )
    assert entity_of(docs).kind is EntityKind.SOLE_TRADER


def test_form_outranks_name(kit: SimpleNamespace) -> None:
    docs = _docs(kit, application_form={"business_type": "个体工商户", "customer_name": "某某贸易有限公司"})
    entity = entity_of(docs)
    assert entity.kind is EntityKind.SOLE_TRADER
    assert entity.reasons == ("申请表营业属性为「个体工商户」",)


def test_agreeing_signals_are_all_reasons(kit: SimpleNamespace) -> None:
    docs = _docs(
        kit,
        tax_registration={"tax_id": ID20, "customer_name": "南京市玄武区联锦家电店"},
        application_form={"business_type": "个体工商户", "tax_id": ID20},
    )
    entity = entity_of(docs)
    assert entity.kind is EntityKind.SOLE_TRADER
    assert len(entity.reasons) == 3  # the number (once, read twice), the form, the name
    assert "依据" in entity.because()


def test_no_signal_is_unknown(kit: SimpleNamespace) -> None:
    docs = _docs(kit, tax_registration={"tax_id": TAX15, "customer_name": NEUTRAL_NAME})
    entity = entity_of(docs)
    assert entity.kind is EntityKind.UNKNOWN and entity.reasons == ()
    assert not entity.is_sole_trader


# ---------- §9 acceptance: the old tax registration certificate in 2026 ----------
def _legacy_dossier(
    docs: list[Document], kit: SimpleNamespace, *, tax_id: str, name: str, business_type: str | None
) -> list[Document]:
    """The clean dossier with an old 税务登记证 instead of the licence and only the given signals."""
    cert = kit.make_doc(
        DocType.TAX_REGISTRATION, "tax.pdf", {"customer_name": name, "tax_id": tax_id, "address": kit.ADDRESS}
    )
    docs = [*kit.without(docs, "business_license"), cert]
    docs = kit.with_field(docs, "application_form", "tax_id", tax_id)
    docs = kit.with_field(docs, "application_form", "business_type", business_type)
    return kit.name_everywhere(docs, name, licence=False)


@pytest.mark.parametrize(
    ("tax_id", "name", "business_type"),
    [
        (SOLE_USCC, NEUTRAL_NAME, None),  # the 92 code alone
        (ID20, NEUTRAL_NAME, None),  # 18-digit ID + 2-digit sequence alone
        (TAX15, NEUTRAL_NAME, "个体工商户"),  # the form's 营业属性 alone
        (TAX15, "杭州西湖区某某家电店", None),  # the name alone
    ],
    ids=["uscc92", "id_based_number", "business_type", "name_shop"],
)
def test_sole_traders_old_certificate_accepted_in_2026(
    docs: list[Document], kit: SimpleNamespace, tax_id: str, name: str, business_type: str | None
) -> None:
    docs = _legacy_dossier(docs, kit, tax_id=tax_id, name=name, business_type=business_type)
    outcome = kit.run(docs, as_of=AS_OF_2026, pickup=PICKUP_2026)
    assert outcome.completeness.complete
    assert not [f for f in outcome.findings if f.rule == "document_missing"]
    assert not [f for f in outcome.findings if "企业的旧证件" in f.message]
    assert outcome.blockers == ()


def test_enterprises_old_certificate_refused_in_2026(docs: list[Document], kit: SimpleNamespace) -> None:
    docs = _legacy_dossier(docs, kit, tax_id=ORG15, name=kit.NAME, business_type="企业")
    outcome = kit.run(docs, as_of=AS_OF_2026, pickup=PICKUP_2026)
    assert outcome.completeness.missing == ("business_license",)
    refusal = [f for f in outcome.findings if f.rule == "document_missing"]
    assert [(f.severity, f.detail) for f in refusal] == [(Severity.BLOCKER, "OLD_TAX_CERTIFICATE")]
    assert "企业的旧证件仅在2017-12-31前有效" in refusal[0].message
    assert "组织机构代码" in refusal[0].message  # says why it took the customer for an enterprise


def test_enterprise_by_name_alone_still_refused(docs: list[Document], kit: SimpleNamespace) -> None:
    docs = _legacy_dossier(docs, kit, tax_id=TAX15, name=kit.NAME, business_type=None)
    outcome = kit.run(docs, as_of=AS_OF_2026, pickup=PICKUP_2026)
    assert ("document_missing", "blocker", "OLD_TAX_CERTIFICATE") in kit.rules_of(outcome)


def test_unknown_entity_old_certificate_is_a_warning(docs: list[Document], kit: SimpleNamespace) -> None:
    docs = _legacy_dossier(docs, kit, tax_id=TAX15, name=NEUTRAL_NAME, business_type=None)
    outcome = kit.run(docs, as_of=AS_OF_2026, pickup=PICKUP_2026)
    refusal = [f for f in outcome.findings if f.rule == "document_missing"]
    assert [(f.severity, f.detail) for f in refusal] == [(Severity.WARNING, "ENTITY_TYPE_UNKNOWN")]
    assert "本客户为企业" not in refusal[0].message and "确认主体类型" in refusal[0].message
    assert outcome.blockers == ()


def test_passbook_accepted_for_sole_trader_by_name(docs: list[Document], kit: SimpleNamespace) -> None:
    docs = _legacy_dossier(docs, kit, tax_id=ID20, name="杭州西湖区某某家电店", business_type="个体工商户")
    passbook = kit.make_doc(
        DocType.PASSBOOK,
        "passbook.jpg",
        {"account_holder": "杭州西湖区某某家电店", "bank_name": kit.BANK, "bank_account": kit.ACCOUNT},
    )
    outcome = kit.run([*kit.without(docs, "bank_permit"), passbook], as_of=AS_OF_2026, pickup=PICKUP_2026)
    assert outcome.completeness.complete
    assert not [f for f in outcome.findings if f.rule == "document_missing"]


def test_passbook_for_unknown_entity_does_not_claim_enterprise(
    docs: list[Document], kit: SimpleNamespace
) -> None:
    docs = kit.with_field(docs, "application_form", "business_type", None)
    docs = kit.name_everywhere(docs, NEUTRAL_NAME, licence=False)
    docs = kit.with_field(docs, "business_license", "customer_name", NEUTRAL_NAME)
    docs = kit.with_field(docs, "business_license", "license_type", None)
    for t in ("business_license", "application_form"):
        docs = kit.with_field(docs, t, "tax_id", TAX15)
    passbook = kit.make_doc(
        DocType.PASSBOOK,
        "passbook.jpg",
        {"account_holder": NEUTRAL_NAME, "bank_name": kit.BANK, "bank_account": kit.ACCOUNT},
    )
    outcome = kit.run([*kit.without(docs, "bank_permit"), passbook])
    warning = next(f for f in outcome.findings if f.detail == "PASSBOOK_NOT_SOLE_TRADER")
    assert warning.severity is Severity.WARNING
    assert "未能确定" in warning.message and "本客户为企业" not in warning.message
