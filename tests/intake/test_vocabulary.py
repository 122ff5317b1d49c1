"""One vocabulary: every code the product can show a clerk has one Chinese name, in intake.vocabulary, and the
CLI summary, the review UI and the finding messages all take their names from it.

The codes are derived from where they are made (the enums, the extractors' label tables, the rules' source
and a run of the checks), so a new code without a name fails here rather than reaching a clerk in English.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path

import pytest

import intake.checks
from intake import vocabulary
from intake.checks import check_dossier
from intake.checks import messages as msg
from intake.checks.config import DEFAULT_REQUIRED_FIELDS, DEFAULT_SEVERITIES
from intake.cli.reading import _summary
from intake.record import RECORD_SOURCES
from intake.types import RECORD_FIELDS, CheckContext, Severity
from ocr.fields import labels as field_labels
from ocr.fields.values import CLEANERS
from ocr.types import DocType, SealKind, TextSource
from storage.models import (
    ChangeRequestStatus,
    CustomerStatus,
    DossierStatus,
    FindingStatus,
    PageStatus,
    Role,
)

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")
PRODUCT = ("intake", "ocr", "storage", "workers", "review_ui")
ACRONYMS = ("POS", "3C")  # as the contract and the documents name them: POS绑定申请, 经销合同（3C协议）


def _extracted_fields() -> set[str]:
    """Every field name an extractor in ocr/fields can yield; pseudo-fields stand for the fields they give."""
    pseudo = {
        field_labels.VALIDITY: ("valid_from", "valid_to"),
        field_labels.ID_VALIDITY: ("id_valid_from", "id_valid_to"),
        field_labels.ADDR_PHONE: ("tax_address", "tax_phone"),
    }
    names: set[str] = set()
    for spec in field_labels.LABELS.values():
        for name in spec:
            names.update(pseudo.get(name, (name,)))
    names.update(field_labels.PARTY_LABELS)
    names.update(CLEANERS)
    for path in (ROOT / "ocr" / "fields").glob("*.py"):  # fields["issue_date"] = … and the like
        names.update(re.findall(r"fields\[\"([a-z_]+)\"\]", path.read_text(encoding="utf-8")))
    return names


def _rule_ids() -> set[str]:
    """Every rule id the checks can emit: the severities' table, the rule modules' source, and a real run."""
    rules = {key.partition(":")[0] for key in DEFAULT_SEVERITIES}
    checks_dir = Path(intake.checks.__file__).parent
    emitted = re.compile(r"(?:\bd\.finding\(\s*|\b_finding\(\s*d,\s*)\"([a-z_]+)\"")
    for path in checks_dir.glob("*.py"):
        rules.update(emitted.findall(path.read_text(encoding="utf-8")))
    outcome = check_dossier([], {}, CheckContext(as_of=date(2026, 11, 20), pickup_date=date(2026, 11, 25)))
    rules.update(f.rule for f in outcome.findings)
    return rules


CODES: dict[str, tuple[Mapping[str, str], set[str]]] = {
    "doc_types": (vocabulary.DOC_TYPES, {str(t) for t in DocType}),
    "statuses": (
        vocabulary.STATUSES,
        {
            str(s)
            for enum in (DossierStatus, PageStatus, FindingStatus, CustomerStatus, ChangeRequestStatus)
            for s in enum
        },
    ),
    "roles": (vocabulary.ROLES, {str(r) for r in Role}),
    "severities": (vocabulary.SEVERITIES, {str(s) for s in Severity}),
    "text_sources": (vocabulary.TEXT_SOURCES, {str(s) for s in TextSource}),
    "seal_kinds": (vocabulary.SEAL_KINDS, {str(s) for s in SealKind}),
}


def test_the_derived_code_sets_are_not_empty() -> None:
    """A guard on the derivations themselves: a refactor that hides the codes must not pass vacuously."""
    fields = _extracted_fields()
    assert {"valid_from", "id_valid_to", "issue_date", "contract_no", "consignee_id_number"} <= fields
    rules = _rule_ids()
    assert {"document_missing", "field_unreadable", "seal_mismatch", "certificate_expiring"} <= rules
    assert "deadline_overdue" in rules  # the run: pickup in five days, so the 7-day deadline has passed


@pytest.mark.parametrize("kind", sorted(CODES))
def test_every_code_of_an_enum_has_a_name(kind: str) -> None:
    table, codes = CODES[kind]
    assert codes, kind
    assert sorted(codes - set(table)) == []


def test_every_extracted_and_record_field_has_a_name() -> None:
    wanted = _extracted_fields() | set(RECORD_FIELDS) | set(RECORD_SOURCES)
    wanted |= {name for names in DEFAULT_REQUIRED_FIELDS.values() for name in names}
    wanted.add("seals")  # the contract's per-page list of seal kinds
    assert sorted(wanted - set(vocabulary.FIELDS)) == []


def test_every_rule_id_has_a_name() -> None:
    assert sorted(_rule_ids() - set(vocabulary.RULES)) == []


def _tables() -> dict[str, Mapping[str, str]]:
    return {
        "DOC_TYPES": vocabulary.DOC_TYPES,
        "FIELDS": vocabulary.FIELDS,
        "STATUSES": vocabulary.STATUSES,
        "ROLES": vocabulary.ROLES,
        "RULES": vocabulary.RULES,
        "SEVERITIES": vocabulary.SEVERITIES,
        "TEXT_SOURCES": vocabulary.TEXT_SOURCES,
        "SEAL_KINDS": vocabulary.SEAL_KINDS,
    }


@pytest.mark.parametrize("table", sorted(_tables()))
def test_every_name_is_chinese(table: str) -> None:
    """Chinese characters and no Latin letters (bar the acronyms the documents themselves print)."""
    names = dict(_tables()[table])
    bad = {}
    for code, name in names.items():
        bare = name
        for acronym in ACRONYMS:
            bare = bare.replace(acronym, "")
        if not CJK.search(name) or re.search(r"[A-Za-z]", bare):
            bad[code] = name
    assert bad == {}


def test_one_name_per_code_and_no_two_codes_share_a_name() -> None:
    for table in _tables().values():
        names = list(table.values())
        assert len(names) == len(set(names))


def test_lookups_fall_back_to_the_code() -> None:
    assert vocabulary.doc_name("passbook") == vocabulary.DOC_TYPES["passbook"]
    assert vocabulary.doc_name(DocType.SEAL_CARD) == "客户印鉴卡"  # an enum member is its code
    assert vocabulary.doc_name(None) == vocabulary.DOC_TYPES["unknown"]
    assert vocabulary.field_name("no_such_field") == "no_such_field"
    assert vocabulary.rule_name("no_such_rule") == "no_such_rule"
    assert vocabulary.status_name(DossierStatus.ARCHIVED) == "已归档"
    assert vocabulary.role_name(Role.REVIEWER) == vocabulary.ROLES["reviewer"]
    assert vocabulary.severity_name(Severity.BLOCKER) == "阻断"
    assert vocabulary.source_name(TextSource.TEXT_LAYER) == vocabulary.TEXT_SOURCES["text_layer"]
    assert vocabulary.seal_name(SealKind.RECEIVING) == "收货专用章"


def test_the_vocabulary_imports_nothing_from_the_project() -> None:
    source = Path(vocabulary.__file__).read_text(encoding="utf-8")
    imported = re.findall(r"^\s*(?:from|import)\s+([a-zA-Z_.]+)", source, re.MULTILINE)
    assert [m for m in imported if m.split(".")[0] in PRODUCT] == []


def test_messages_name_documents_and_fields_as_the_vocabulary_does() -> None:
    for code in DocType:
        assert msg.doc_label(code) == vocabulary.doc_name(code)
    for code in vocabulary.FIELDS:
        assert msg.field_label(code) == vocabulary.field_name(code)
    text = msg.document_missing("bank_permit", ("passbook",))
    assert vocabulary.doc_name("bank_permit") in text and vocabulary.doc_name("passbook") in text
    assert msg.where("business_license", "tax_id") == "营业执照的" + vocabulary.field_name("tax_id")


def test_the_cli_summary_shows_the_vocabularys_names() -> None:
    out = {
        "dossier": {"id": "d1", "status": "awaiting_review", "pickup_date": None, "deadline": None},
        "pages": [
            {"file": "a.pdf", "page": 1, "doc_type": "passbook", "source": "ocr", "fields": {}},
            {"file": "b.pdf", "page": 1, "doc_type": None, "source": "text_layer", "fields": {}},
        ],
        "record": {"tax_id": "91330100MA27XXXX1N"},
        "completeness": {"complete": False, "missing": ["distribution_contract"]},
        "findings": [{"rule": "seal_mismatch", "severity": "warning", "message": "…"}],
        "rejected_files": [],
    }
    text = _summary(out)
    for name in (
        vocabulary.status_name("awaiting_review"),
        vocabulary.doc_name("passbook"),
        vocabulary.doc_name("unknown"),
        vocabulary.source_name("ocr"),
        vocabulary.source_name("text_layer"),
        vocabulary.doc_name("distribution_contract"),
        vocabulary.severity_name("warning"),
        vocabulary.rule_name("seal_mismatch"),
        *(vocabulary.field_name(f) for f in RECORD_FIELDS),
    ):
        assert name in text
    assert not re.search(r"awaiting_review|passbook|seal_mismatch|warning|text_layer", text)


def test_the_review_ui_shows_the_vocabularys_names(tmp_path: Path) -> None:
    from flask import render_template_string

    from review_ui import create_app
    from tests.review_ui.conftest import make_context

    app = create_app(make_context(tmp_path), start_reading=lambda ctx, dossier_id: None)
    template = (
        "{{ doc_name('passbook') }}|{{ field_name('tax_id') }}|{{ status_name('sent_back') }}|"
        "{{ role_name('administrator') }}|{{ rule_name('name_mismatch') }}|{{ severity_name('blocker') }}|"
        "{{ status_names['archived'] }}|{{ doc_names['seal_card'] }}"
    )
    with app.test_request_context():
        shown = render_template_string(template).split("|")
    assert shown == [
        vocabulary.doc_name("passbook"),
        vocabulary.field_name("tax_id"),
        vocabulary.status_name("sent_back"),
        vocabulary.role_name("administrator"),
        vocabulary.rule_name("name_mismatch"),
        vocabulary.severity_name("blocker"),
        vocabulary.status_name("archived"),
        vocabulary.doc_name("seal_card"),
    ]


def test_no_second_table_of_names_in_the_product() -> None:
    """A code mapped to a Chinese string anywhere but the vocabulary is a second table that will drift."""
    codes: set[str] = set()
    for table in _tables().values():
        codes.update(table)
    alternatives = "|".join(sorted(codes))
    second = re.compile(rf"[\"']({alternatives})[\"']\s*:\s*[rf]?[\"'][^\"'\n]*[\u4e00-\u9fff]")
    found = []
    for top in PRODUCT:
        for path in (ROOT / top).rglob("*"):
            if path.suffix not in {".py", ".html", ".js"} or path.name == "vocabulary.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if second.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []
    assert not (ROOT / "review_ui" / "labels.py").exists()
