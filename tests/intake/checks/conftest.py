"""A consistent, clean dossier built as Document objects; tests inject one defect at a time into it."""

from __future__ import annotations

import dataclasses
from datetime import date
from types import SimpleNamespace

import pytest

from intake.checks import CheckOutcome, RulesConfig, check_dossier
from intake.checks.config import DEFAULT_RULES
from intake.record import assemble_record
from intake.types import CheckContext, Document, SourcedField, SourcedSeal
from ocr.types import DocType, SealKind

AS_OF = date(2025, 6, 1)
PICKUP = date(2025, 6, 20)  # deadline 2025-06-13

NAME = "杭州某某贸易有限公司"
USCC = "91110000600037341L"
ADDRESS = "浙江省杭州市西湖区文三路100号"
BANK = "中国工商银行股份有限公司杭州西湖支行"
ACCOUNT = "1202020309900123456"
RECEIVING_SEAL = "杭州某某贸易有限公司收货专用章"

CLEAN_FIELDS: dict[DocType, dict[str, str]] = {
    DocType.BUSINESS_LICENSE: {
        "customer_name": NAME,
        "tax_id": USCC,
        "legal_representative": "张三",
        "address": ADDRESS,
        "valid_from": "2015-03-01",
        "valid_to": "long_term",
        "license_type": "有限责任公司(自然人投资或控股)",
    },
    DocType.BANK_PERMIT: {
        "account_holder": NAME,
        "bank_name": BANK,
        "bank_account": ACCOUNT,
        "approval_no": "J3310012345601",
    },
    DocType.SEAL_CARD: {"customer_name": NAME},
    DocType.APPLICATION_FORM: {
        "customer_name": NAME,
        "tax_id": USCC,
        "tax_address": ADDRESS,
        "tax_phone": "0571-87654321",
        "bank_name": BANK,
        "bank_account": ACCOUNT,
        "business_type": "企业",
        "pickup_date": PICKUP.isoformat(),
    },
    DocType.DISTRIBUTION_CONTRACT: {"customer_name": NAME, "signing_date": "2025-05-20"},
    DocType.LOGISTICS_CONTRACT: {"customer_name": NAME, "signing_date": "2025-05-20"},
    DocType.CONSIGNEE_ID: {
        "consignee_name": "李四",
        "consignee_id_number": "360426199101010071",  # born 1991-01-01
        "id_valid_from": "2020-03-01",  # age 29 at issue → 20 years
        "id_valid_to": "2040-03-01",
        "consignee_phone": "13812345678",
    },
}


def sf(
    doc_type: str, file: str, name: str, value: str, confidence: float = 0.95, page: int = 1
) -> SourcedField:
    return SourcedField(
        name=name,
        value=value,
        confidence=confidence,
        bbox=(10, 10 * page, 200, 10 * page + 20),
        file=file,
        page=page,
        doc_type=DocType(doc_type),
    )


def seal(kind: SealKind, text: str, file: str, page: int = 1) -> SourcedSeal:
    return SourcedSeal(kind=kind, text=text, bbox=(300, 300, 400, 400), confidence=0.9, file=file, page=page)


def make_doc(
    doc_type: DocType, file: str, fields: dict[str, str], seals: tuple[SourcedSeal, ...] = ()
) -> Document:
    return Document(
        doc_type=doc_type,
        file=file,
        pages=(1,),
        fields={k: sf(doc_type, file, k, v) for k, v in fields.items()},
        seals=seals,
    )


def clean_documents() -> list[Document]:
    docs = []
    for doc_type, fields in CLEAN_FIELDS.items():
        copies = 3 if doc_type in (DocType.DISTRIBUTION_CONTRACT, DocType.LOGISTICS_CONTRACT) else 1
        for i in range(copies):
            file = f"{doc_type}_{i + 1}.pdf"
            seals: tuple[SourcedSeal, ...] = ()
            if doc_type == DocType.SEAL_CARD or doc_type == DocType.LOGISTICS_CONTRACT:
                seals = (seal(SealKind.COMPANY, NAME, file), seal(SealKind.RECEIVING, RECEIVING_SEAL, file))
            elif doc_type == DocType.CONSIGNEE_ID:
                seals = (seal(SealKind.RECEIVING, RECEIVING_SEAL, file),)
            docs.append(make_doc(doc_type, file, dict(fields), seals))
    return docs


def with_field(
    docs: list[Document],
    doc_type: str,
    name: str,
    value: str | None,
    *,
    confidence: float = 0.95,
    copy: int = 0,
) -> list[Document]:
    """Set (or with None remove) one field on the `copy`-th document of `doc_type`."""
    out, seen = [], 0
    for doc in docs:
        if str(doc.doc_type) == doc_type:
            if seen == copy:
                fields = dict(doc.fields)
                if value is None:
                    fields.pop(name, None)
                else:
                    fields[name] = sf(doc_type, doc.file, name, value, confidence)
                doc = dataclasses.replace(doc, fields=fields)
            seen += 1
        out.append(doc)
    return out


def with_seals(
    docs: list[Document], doc_type: str, seals: tuple[SourcedSeal, ...], copy: int = 0
) -> list[Document]:
    """The dossier with the seals of the `copy`-th document of `doc_type` replaced."""
    out, seen = [], 0
    for doc in docs:
        if str(doc.doc_type) == doc_type:
            if seen == copy:
                doc = dataclasses.replace(doc, seals=seals)
            seen += 1
        out.append(doc)
    return out


def name_everywhere(docs: list[Document], name: str, *, licence: bool = True) -> list[Document]:
    """Give every name-bearing reading of the clean dossier (the licence's too, unless told) another name."""
    readings = ((("business_license", "customer_name", 1),) if licence else ()) + (
        ("application_form", "customer_name", 1),
        ("bank_permit", "account_holder", 1),
        ("seal_card", "customer_name", 1),
        ("distribution_contract", "customer_name", 3),
        ("logistics_contract", "customer_name", 3),
    )
    for doc_type, field, copies in readings:
        for i in range(copies):
            docs = with_field(docs, doc_type, field, name, copy=i)
    return docs


def without(docs: list[Document], *doc_types: str) -> list[Document]:
    return [d for d in docs if str(d.doc_type) not in doc_types]


def run(
    docs: list[Document],
    as_of: date = AS_OF,
    pickup: date | None = PICKUP,
    config: RulesConfig = DEFAULT_RULES,
) -> CheckOutcome:
    return check_dossier(docs, assemble_record(docs), CheckContext(as_of=as_of, pickup_date=pickup), config)


def rules_of(outcome: CheckOutcome, severity: str | None = None) -> list[tuple[str, str, str]]:
    return [
        (f.rule, str(f.severity), f.detail)
        for f in outcome.findings
        if severity is None or str(f.severity) == severity
    ]


@pytest.fixture
def docs() -> list[Document]:
    """A clean dossier: every required document, consistent values, valid identifiers, seals that match."""
    return clean_documents()


@pytest.fixture
def kit() -> SimpleNamespace:
    """The builders and constants above, reachable from tests without importing conftest by name."""
    return SimpleNamespace(
        with_field=with_field,
        with_seals=with_seals,
        name_everywhere=name_everywhere,
        without=without,
        run=run,
        rules_of=rules_of,
        seal=seal,
        make_doc=make_doc,
        clean_documents=clean_documents,
        AS_OF=AS_OF,
        PICKUP=PICKUP,
        NAME=NAME,
        USCC=USCC,
        ADDRESS=ADDRESS,
        BANK=BANK,
        ACCOUNT=ACCOUNT,
        RECEIVING_SEAL=RECEIVING_SEAL,
    )
