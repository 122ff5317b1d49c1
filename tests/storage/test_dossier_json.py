"""dossier_json gives exactly the shape of `dossier process --json` (shared/contract.md), on both backends."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from intake.types import RECORD_FIELDS, Completeness, Evidence, Finding, Severity, SourcedField
from ocr.types import DocType, SealKind, TextSource
from storage import repository as repo
from storage.models import DossierStatus

from .builders import AS_OF, reading, seal

Tx = Callable[[], AbstractContextManager[Session]]

CONTRACT_DOC_TYPES = {str(t) for t in DocType}


def _processed_dossier(tx: Tx) -> str:
    with tx() as s:
        dossier_id = repo.create_dossier(s, pickup_date=date(2026, 12, 8), as_of=AS_OF).id
        repo.add_file(s, dossier_id, name="form.pdf", sha256="f" * 64, kind="pdf", size=9, page_count=2)
        repo.add_rejected_file(s, dossier_id, name="broken.pdf", code="encrypted_pdf", reason="PDF 已加密")
        repo.add_file(s, dossier_id, name="permit.jpg", sha256="e" * 64, kind="jpeg", size=9, page_count=1)
        repo.add_file(
            s, dossier_id, name="permit (1).jpg", sha256="e" * 64, kind="jpeg", size=9, page_count=1,
            duplicate_of="permit.jpg",
        )  # fmt: skip
        form_1, form_2, permit = repo.page_ids(s, dossier_id)
        repo.save_page_reading(
            s,
            permit,
            reading(DocType.BANK_PERMIT, {"bank_account": ("1202020309900123456", 0.98)}),
        )
        repo.save_page_reading(
            s,
            form_2,
            reading(
                DocType.APPLICATION_FORM,
                {"customer_name": ("北京甲乙商贸有限公司", 0.96)},
                seals=(
                    seal(SealKind.COMPANY, (100, 1200, 300, 1400), 0.9),
                    seal(SealKind.FINANCE, (350, 1250, 500, 1380), 0.7),
                ),
                source=TextSource.TEXT_LAYER,
                engine="pdfplumber",
            ),
        )
        repo.mark_page_failed(s, form_1, "render failed")
        record = {
            "customer_name": SourcedField(
                "customer_name", "北京甲乙商贸有限公司", 0.96, (10, 40, 400, 70), "form.pdf", 2,
                DocType.APPLICATION_FORM,
            )
        }  # fmt: skip
        finding = Finding(
            "document_missing",
            Severity.BLOCKER,
            "缺少客户印鉴卡",
            (Evidence(doc_type="seal_card"),),
            "ABSENT",
        )
        completeness = Completeness(complete=False, missing=("seal_card",))
        repo.save_outcome(s, dossier_id, record, [finding], completeness, date(2026, 12, 1), None)
        repo.set_status(s, dossier_id, DossierStatus.AWAITING_REVIEW)
    return dossier_id


def _assert_bbox(value: Any) -> None:
    assert value is None or (
        isinstance(value, list) and len(value) == 4 and all(isinstance(v, int) for v in value)
    )


def test_dossier_json_has_the_contract_shape(tx: Tx) -> None:
    dossier_id = _processed_dossier(tx)
    with tx() as s:
        out = repo.dossier_json(s, dossier_id)
    assert json.loads(json.dumps(out, ensure_ascii=False)) == out  # plain JSON types only

    assert {"dossier", "pages", "record", "completeness", "findings", "rejected_files"} <= out.keys()
    head = out["dossier"]
    assert (head["id"], head["status"]) == (dossier_id, "awaiting_review")
    assert (head["pickup_date"], head["deadline"]) == ("2026-12-08", "2026-12-01")

    for page in out["pages"]:
        assert {"file", "page", "doc_type", "source", "engine", "fields"} <= page.keys()
        assert isinstance(page["page"], int) and page["page"] >= 1
        assert page["doc_type"] in CONTRACT_DOC_TYPES
        for field in page["fields"].values():
            assert {"value", "confidence", "bbox"} <= field.keys()
            assert isinstance(field["confidence"], float)
            _assert_bbox(field["bbox"])

    assert list(out["record"]) == list(RECORD_FIELDS)
    assert all(v is None or isinstance(v, str) for v in out["record"].values())
    assert out["completeness"] == {"complete": False, "missing": ["seal_card"]}
    assert out["findings"] == [
        {
            "rule": "document_missing",
            "severity": "blocker",
            "message": "缺少客户印鉴卡",
            "evidence": [{"doc_type": "seal_card"}],
            "detail": "ABSENT",
        }
    ]
    assert out["rejected_files"] == [{"file": "broken.pdf", "reason": "PDF 已加密", "code": "encrypted_pdf"}]


def test_pages_follow_file_order_and_a_duplicate_repeats_the_reading_of_its_original(tx: Tx) -> None:
    dossier_id = _processed_dossier(tx)
    with tx() as s:
        out = repo.dossier_json(s, dossier_id)
    assert [(p["file"], p["page"]) for p in out["pages"]] == [
        ("form.pdf", 1),
        ("form.pdf", 2),
        ("permit.jpg", 1),
        ("permit (1).jpg", 1),
    ]
    assert out["duplicate_files"] == [{"file": "permit (1).jpg", "duplicate_of": "permit.jpg"}]
    failed, form, permit, copy = out["pages"]
    assert copy["duplicate_of"] == "permit.jpg"
    assert copy["fields"] == permit["fields"] and "duplicate_of" not in permit
    assert (failed["status"], failed["error"], failed["fields"]) == ("failed", "render failed", {})
    assert (form["source"], form["engine"], form["rotation"]) == ("text_layer", "pdfplumber", 90)
    assert permit["fields"]["bank_account"] == {
        "value": "1202020309900123456",
        "confidence": 0.98,
        "bbox": [10, 40, 400, 70],
    }
    assert out["record"]["customer_name"] == "北京甲乙商贸有限公司"
    assert out["record"]["bank_account"] is None


def test_seals_field_lists_kinds_with_the_weakest_confidence_and_one_box(tx: Tx) -> None:
    dossier_id = _processed_dossier(tx)
    with tx() as s:
        form = repo.dossier_json(s, dossier_id)["pages"][1]
    seals = form["fields"]["seals"]
    assert seals["value"] == ["company", "finance"]
    assert seals["confidence"] == 0.7
    assert seals["bbox"] == [100, 1200, 500, 1400]
    assert [item["kind"] for item in seals["items"]] == ["company", "finance"]
    assert form["seals"] == seals["items"]


def test_a_fresh_dossier_serialises_with_empty_results(tx: Tx) -> None:
    with tx() as s:
        dossier_id = repo.create_dossier(s, as_of=AS_OF).id
        out = repo.dossier_json(s, dossier_id)
    assert out["dossier"]["status"] == "received"
    assert out["dossier"]["pickup_date"] is None
    assert out["pages"] == [] and out["findings"] == [] and out["rejected_files"] == []
    assert out["record"] == dict.fromkeys(RECORD_FIELDS)
