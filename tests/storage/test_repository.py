"""Repository functions on both backends: files, pages, idempotent page saves, documents, outcome, audit."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intake.types import Completeness, Evidence, Finding, Severity, SourcedField
from ocr.types import DocType, SealKind
from storage import repository as repo
from storage import search
from storage.contract_json import pages_in_order
from storage.models import (
    AuditAppendOnlyError,
    AuditEvent,
    Dossier,
    DossierStatus,
    Field,
    FindingRow,
    FindingStatus,
    Page,
    PageStatus,
    RecordField,
    SearchDocument,
    SearchKey,
)

from .builders import AS_OF, reading, seal

Tx = Callable[[], AbstractContextManager[Session]]


def _new_dossier(tx: Tx, pages: int = 2, name: str = "permit.jpg") -> tuple[str, list[int]]:
    with tx() as s:
        dossier = repo.create_dossier(s, reference="REF-1", pickup_date=date(2026, 12, 8), as_of=AS_OF)
        repo.add_file(s, dossier.id, name=name, sha256="a" * 64, kind="jpeg", size=10, page_count=pages)
        return dossier.id, repo.page_ids(s, dossier.id)


def _counters(tx: Tx, dossier_id: str) -> tuple[int, int, int]:
    with tx() as s:
        d = repo.get_dossier(s, dossier_id)
        return d.pages_total, d.pages_done, d.pages_failed


def test_create_dossier_is_received_and_audited(tx: Tx) -> None:
    with tx() as s:
        dossier = repo.create_dossier(s, pickup_date=date(2026, 12, 8), as_of=AS_OF, actor="alice")
        dossier_id = dossier.id
    with tx() as s:
        loaded = repo.get_dossier(s, dossier_id)
        assert loaded.status == "received"
        assert loaded.as_of == AS_OF
        assert loaded.created_at.tzinfo is not None
        assert loaded.created_at.utcoffset() == UTC.utcoffset(None)
        (event,) = repo.audit_trail(s, dossier_id)
        assert (event.actor, event.action) == ("alice", "dossier.created")
        assert event.after == {"reference": None, "pickup_date": "2026-12-08", "as_of": AS_OF.isoformat()}


def test_add_file_makes_pending_pages_but_not_for_duplicates(tx: Tx) -> None:
    dossier_id, page_ids = _new_dossier(tx, pages=3)
    with tx() as s:
        dup = repo.add_file(
            s, dossier_id, name="copy.jpg", sha256="a" * 64, kind="jpeg", size=10, page_count=3,
            duplicate_of="permit.jpg",
        )  # fmt: skip
        rejected = repo.add_rejected_file(
            s, dossier_id, name="broken.pdf", code="encrypted_pdf", reason="加密"
        )
        assert (dup.position, rejected.position) == (2, 3)
        assert rejected.rejected and rejected.reject_code == "encrypted_pdf"
        pages = s.scalars(select(Page).where(Page.dossier_id == dossier_id).order_by(Page.page_no)).all()
    assert [p.page_no for p in pages] == [1, 2, 3]
    assert {p.status for p in pages} == {PageStatus.PENDING}
    assert len(page_ids) == 3
    assert _counters(tx, dossier_id) == (3, 0, 0)


def test_claim_page_marks_reading_and_counts_attempts(tx: Tx) -> None:
    dossier_id, (page_id, _) = _new_dossier(tx)
    assert _counters(tx, dossier_id) == (2, 0, 0)
    with tx() as s:
        page = repo.claim_page(s, page_id)
        assert page is not None
        assert (page.status, page.attempts) == (PageStatus.READING, 1)
    with tx() as s:
        assert repo.claim_page(s, page_id, max_attempts=1) is None  # gave up after one attempt
        repo.save_page_reading(s, page_id, reading(DocType.BANK_PERMIT))
    with tx() as s:
        assert repo.claim_page(s, page_id) is None  # already read


def test_save_page_reading_twice_leaves_the_same_rows_and_counts_once(tx: Tx) -> None:
    dossier_id, (page_id, _) = _new_dossier(tx)
    permit = reading(
        DocType.BANK_PERMIT,
        {"bank_account": ("1202020309900123456", 0.98), "bank_name": ("中国工商银行北京分行", 0.91)},
        seals=(seal(SealKind.OTHER, (500, 900, 700, 1100)),),
    )

    def snapshot() -> list[tuple[int, str, str, float, list[int] | None]]:
        with tx() as s:
            rows = s.scalars(select(Field).where(Field.page_id == page_id).order_by(Field.id))
            return [(f.id, f.name, f.value, f.confidence, f.bbox) for f in rows]

    with tx() as s:
        repo.claim_page(s, page_id)
        repo.save_page_reading(s, page_id, permit)
    first = snapshot()
    with tx() as s:
        repo.save_page_reading(s, page_id, permit)
    assert snapshot() == first
    assert [row[1] for row in first] == ["bank_account", "bank_name"]
    assert first[0][4] == [10, 40, 400, 70]
    assert _counters(tx, dossier_id) == (2, 1, 0)
    with tx() as s:
        page = s.get(Page, page_id)
        assert page is not None
        assert page.status == PageStatus.DONE
        assert (page.doc_type, page.source, page.engine, page.rotation) == (
            "bank_permit",
            "ocr",
            "rapidocr",
            90,
        )
        assert page.lines is not None and page.lines[0]["text"] == "bank_account: 1202020309900123456"
        assert page.seals == [
            {"kind": "other", "text": "", "bbox": [500, 900, 700, 1100], "confidence": 0.9, "shape": "round"}
        ]


def test_a_new_reading_replaces_the_fields_of_the_page(tx: Tx) -> None:
    _, (page_id, _) = _new_dossier(tx)
    with tx() as s:
        repo.save_page_reading(s, page_id, reading(DocType.UNKNOWN, {"customer_name": ("北京某某", 0.5)}))
    with tx() as s:
        repo.save_page_reading(s, page_id, reading(DocType.BANK_PERMIT, {"bank_account": ("123", 0.9)}))
    with tx() as s:
        names = s.scalars(select(Field.name).where(Field.page_id == page_id)).all()
        assert names == ["bank_account"]


def test_failed_then_read_page_moves_between_counters(tx: Tx) -> None:
    dossier_id, (first, second) = _new_dossier(tx)
    with tx() as s:
        repo.mark_page_failed(s, first, "decoder error")
        repo.mark_page_failed(s, second, "decoder error")
    assert _counters(tx, dossier_id) == (2, 0, 2)
    with tx() as s:
        repo.claim_page(s, first)
    assert _counters(tx, dossier_id) == (2, 0, 1)
    with tx() as s:
        repo.save_page_reading(s, first, reading(DocType.BANK_PERMIT))
        repo.save_page_reading(s, second, reading(DocType.BANK_PERMIT))
    assert _counters(tx, dossier_id) == (2, 2, 0)
    with tx() as s:
        repo.mark_page_failed(s, first, "late failure of a duplicate task")
        page = s.get(Page, first)
        assert page is not None and page.status == PageStatus.DONE and page.error is None
    assert _counters(tx, dossier_id) == (2, 2, 0)


def test_a_re_read_replaces_fields_but_keeps_a_reviewers_correction(tx: Tx) -> None:
    _, (page_id, _) = _new_dossier(tx)
    first = {"bank_account": ("12O2", 0.55), "bank_name": ("工商银行", 0.9), "license_no": ("J1", 0.8)}
    with tx() as s:
        repo.save_page_reading(s, page_id, reading(DocType.BANK_PERMIT, first))
        ids = dict(s.execute(select(Field.name, Field.id).where(Field.page_id == page_id)).tuples().all())
    with tx() as s:
        repo.correct_field(s, ids["bank_account"], "1202", actor="reviewer1")
    again = {"bank_account": ("9999", 0.99), "bank_name": ("中国工商银行", 0.95), "approval_no": ("J2", 0.7)}
    with tx() as s:
        repo.save_page_reading(s, page_id, reading(DocType.BANK_PERMIT, again))
    with tx() as s:
        rows = s.scalars(select(Field).where(Field.page_id == page_id)).all()
        got = {f.name: (f.id, f.value, f.confidence, f.corrected) for f in rows}
    assert got == {
        "bank_account": (ids["bank_account"], "1202", 1.0, True),  # the correction survives the re-read
        "bank_name": (ids["bank_name"], "中国工商银行", 0.95, False),  # updated in place
        "approval_no": (got["approval_no"][0], "J2", 0.7, False),  # new
    }  # license_no, no longer read and never corrected, is gone


def test_correct_field_keeps_the_previous_value_in_the_audit(tx: Tx) -> None:
    dossier_id, (page_id, _) = _new_dossier(tx)
    with tx() as s:
        repo.save_page_reading(s, page_id, reading(DocType.BANK_PERMIT, {"bank_account": ("12O2", 0.55)}))
        field_id = s.scalars(select(Field.id).where(Field.page_id == page_id)).one()
    with tx() as s:
        field = repo.correct_field(s, field_id, "1202", actor="reviewer1", reason="O read for 0")
        assert (field.value, field.confidence, field.corrected, field.corrected_by) == (
            "1202", 1.0, True, "reviewer1"
        )  # fmt: skip
    with tx() as s:
        event = repo.audit_trail(s, dossier_id)[-1]
        assert (event.action, event.actor, event.reason) == ("field.corrected", "reviewer1", "O read for 0")
        assert event.entity == f"field:{field_id}"
        assert event.before is not None and event.after is not None
        assert (event.before["value"], event.before["confidence"]) == ("12O2", 0.55)
        assert event.after["value"] == "1202"
    with tx() as s:  # a re-read does not undo the reviewer's correction
        repo.save_page_reading(s, page_id, reading(DocType.BANK_PERMIT, {"bank_account": ("12O2", 0.55)}))
    with tx() as s:
        corrected = s.get(Field, field_id)
        assert corrected is not None and corrected.value == "1202"


def test_audit_events_are_append_only(tx: Tx) -> None:
    dossier_id, _ = _new_dossier(tx)
    with pytest.raises(AuditAppendOnlyError), tx() as s:
        repo.audit_trail(s, dossier_id)[0].actor = "mallory"
        s.flush()
    with pytest.raises(AuditAppendOnlyError), tx() as s:
        s.delete(repo.audit_trail(s, dossier_id)[0])
        s.flush()
    with tx() as s:
        assert [e.actor for e in repo.audit_trail(s, dossier_id)] == ["system"]
        assert (
            s.scalars(select(AuditEvent).where(AuditEvent.dossier_id == dossier_id)).one().actor == "system"
        )


def test_documents_group_consecutive_pages_of_one_file_and_type(tx: Tx) -> None:
    with tx() as s:
        dossier_id = repo.create_dossier(s, as_of=AS_OF).id
        contract = repo.add_file(
            s, dossier_id, name="合同.pdf", sha256="b" * 64, kind="pdf", size=1, page_count=4
        )
        repo.add_file(s, dossier_id, name="licence.png", sha256="c" * 64, kind="png", size=1, page_count=1)
        repo.add_file(
            s, dossier_id, name="again.pdf", sha256="b" * 64, kind="pdf", size=1, page_count=4,
            duplicate_of="合同.pdf",
        )  # fmt: skip
        ids = repo.page_ids(s, dossier_id)
    pages = [
        reading(DocType.LOGISTICS_CONTRACT, {"customer_name": ("北京甲公司", 0.7)}),
        reading(
            DocType.LOGISTICS_CONTRACT,
            {"customer_name": ("北京甲乙公司", 0.95)},
            seals=(seal(SealKind.RECEIVING, (100, 100, 300, 300), legend="收货专用章"),),
        ),
        reading(DocType.SEAL_CARD, {"customer_name": ("北京甲乙公司", 0.9)}),
        None,  # page 4 of the contract file failed
        reading(DocType.BUSINESS_LICENSE, {"tax_id": ("91110108MA01ABCD1X", 0.99)}),
    ]
    with tx() as s:
        for page_id, page_reading in zip(ids, pages, strict=True):
            if page_reading is None:
                repo.mark_page_failed(s, page_id, "unreadable")
            else:
                repo.save_page_reading(s, page_id, page_reading)
    with tx() as s:
        documents = repo.documents_of(s, dossier_id)

    assert [(d.doc_type, d.file, d.pages) for d in documents] == [
        (DocType.LOGISTICS_CONTRACT, "合同.pdf", (1, 2)),
        (DocType.SEAL_CARD, "合同.pdf", (3,)),
        (DocType.BUSINESS_LICENSE, "licence.png", (1,)),
    ]
    name = documents[0].fields["customer_name"]
    assert name == SourcedField(
        name="customer_name", value="北京甲乙公司", confidence=0.95, bbox=(10, 40, 400, 70),
        file="合同.pdf", page=2, doc_type=DocType.LOGISTICS_CONTRACT,
    )  # fmt: skip
    (receiving,) = documents[0].seals
    assert (receiving.kind, receiving.text, receiving.page, receiving.bbox) == (
        SealKind.RECEIVING, "收货专用章", 2, (100, 100, 300, 300)
    )  # fmt: skip
    assert contract.page_count == 4


def _record(file: str, page: int) -> dict[str, SourcedField]:
    def sourced(name: str, value: str) -> SourcedField:
        return SourcedField(name, value, 0.97, (1, 2, 3, 4), file, page, DocType.APPLICATION_FORM)

    return {"customer_name": sourced("customer_name", "北京甲乙公司"), "tax_id": sourced("tax_id", "9111")}


def test_save_outcome_stores_record_findings_and_counts(tx: Tx) -> None:
    dossier_id, (page_id, _) = _new_dossier(tx, name="form.pdf")
    with tx() as s:
        repo.save_page_reading(s, page_id, reading(DocType.APPLICATION_FORM, {"tax_phone": ("010", 0.4)}))
    mismatch = Finding(
        "name_mismatch",
        Severity.BLOCKER,
        "名称不一致",
        (Evidence(file="form.pdf", page=1, field="customer_name"),),
    )
    missing = Finding("document_missing", Severity.BLOCKER, "缺少印鉴卡", (Evidence(doc_type="seal_card"),))
    phone = Finding("phone_invalid", Severity.WARNING, "电话无效", detail="TOO_SHORT")
    notice = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    completeness = Completeness(complete=False, missing=("seal_card",))
    with tx() as s:
        repo.save_outcome(
            s,
            dossier_id,
            _record("form.pdf", 1),
            [mismatch, missing, phone],
            completeness,
            date(2026, 12, 1),
            notice,
        )
    with tx() as s:
        dossier = s.get(Dossier, dossier_id)
        assert dossier is not None
        assert (dossier.complete, dossier.missing, dossier.blockers) == (False, ["seal_card"], 2)
        assert (dossier.deadline, dossier.notice_due_at, dossier.low_confidence) == (
            date(2026, 12, 1),
            notice,
            1,
        )
        rows = {r.name: r for r in s.scalars(select(RecordField).where(RecordField.dossier_id == dossier_id))}
        assert len(rows) == 6
        assert rows["bank_name"].value is None
        assert (rows["customer_name"].value, rows["customer_name"].source_page_id) == (
            "北京甲乙公司",
            page_id,
        )
        overridden = s.scalars(
            select(FindingRow).where(FindingRow.dossier_id == dossier_id, FindingRow.rule == "name_mismatch")
        ).one()
        repo.override_finding(s, overridden.id, actor="lead", reason="trade name on the form")
        assert dossier.blockers == 1
    with tx() as s:  # checks run again: the override survives, the resolved finding goes away
        repo.save_outcome(
            s, dossier_id, _record("form.pdf", 1), [mismatch, phone], Completeness(True), None, None
        )
    with tx() as s:
        rows = s.scalars(
            select(FindingRow).where(FindingRow.dossier_id == dossier_id).order_by(FindingRow.id)
        )
        assert [(r.rule, r.status) for r in rows] == [
            ("name_mismatch", FindingStatus.OVERRIDDEN),
            ("phone_invalid", FindingStatus.OPEN),
        ]
        dossier = repo.get_dossier(s, dossier_id)
        assert (dossier.complete, dossier.blockers, dossier.notice_due_at) == (True, 0, None)
        assert repo.audit_trail(s, dossier_id)[-1].action == "finding.overridden"


def _search_rows(s: Session, dossier_id: str) -> list[tuple[object, ...]]:
    """The dossier's search documents and their keys, without ids or times."""
    docs = s.scalars(select(SearchDocument).where(SearchDocument.dossier_id == dossier_id)).all()
    keys = {
        doc_id: sorted(
            key for d, key in s.execute(select(SearchKey.document_id, SearchKey.key)) if d == doc_id
        )
        for doc_id in (d.id for d in docs)
    }
    return sorted(
        (d.ref, d.kind, d.title, d.body, d.customer_id, d.page_id, d.file_name, d.page_no, keys[d.id])
        for d in docs
    )


def test_save_outcome_on_the_loaded_pages_counts_and_indexes_as_the_queries_do(tx: Tx) -> None:
    """The finish hands save_outcome the pages it loaded: the record's source pages, the doubtful fields
    and the search documents of the dossier and its read pages are then taken from them, and the open
    blockers from the findings' rows at hand, instead of read back. They must be what the queries say."""
    dossier_id, (first, second) = _new_dossier(tx, name="form.pdf")
    with tx() as s:
        repo.save_page_reading(s, first, reading(DocType.APPLICATION_FORM, {"tax_phone": ("010", 0.4)}))
        repo.save_page_reading(
            s, second, reading(DocType.BANK_PERMIT, {"bank_account": ("6222 0202 0001", 0.5)})
        )
        account = s.scalars(select(Field).where(Field.page_id == second)).one()
        repo.correct_field(s, account.id, "6222020200011", actor="lead")  # corrected: no longer doubtful
    mismatch = Finding("name_mismatch", Severity.BLOCKER, "名称不一致", (Evidence(file="form.pdf", page=2),))
    missing = Finding("document_missing", Severity.BLOCKER, "缺少印鉴卡", (Evidence(doc_type="seal_card"),))
    phone = Finding("phone_invalid", Severity.WARNING, "电话无效", detail="TOO_SHORT")
    late = Finding("deadline_passed", Severity.BLOCKER, "已逾期")
    gaps = Completeness(complete=False, missing=("seal_card",))
    with tx() as s:
        repo.save_outcome(s, dossier_id, _record("form.pdf", 2), [mismatch, missing], gaps, None, None)
        mine = select(FindingRow).where(FindingRow.dossier_id == dossier_id)
        overridden = s.scalars(mine.where(FindingRow.rule == "name_mismatch")).one()
        repo.override_finding(s, overridden.id, actor="lead", reason="trade name")
    with tx() as s:  # again, as the finish does: one finding gone, two new, the override kept
        repo.save_outcome(
            s,
            dossier_id,
            _record("form.pdf", 2),
            [mismatch, phone, late],
            gaps,
            None,
            None,
            pages=pages_in_order(s, dossier_id),
            index_pages=True,
        )
    with tx() as s:
        dossier = repo.get_dossier(s, dossier_id)
        saved = (dossier.blockers, dossier.low_confidence)
        rows = s.scalars(select(RecordField).where(RecordField.dossier_id == dossier_id))
        sources = {r.name: r.source_page_id for r in rows if r.value}
        findings = s.execute(
            select(FindingRow.rule, FindingRow.status).where(FindingRow.dossier_id == dossier_id)
        )
        indexed = _search_rows(s, dossier_id)
    assert saved == (1, 1)  # the deadline open, the mismatch overridden; 010 doubtful, the account corrected
    assert sources == {"customer_name": second, "tax_id": second}
    assert sorted(findings) == [
        ("deadline_passed", FindingStatus.OPEN),
        ("name_mismatch", FindingStatus.OVERRIDDEN),
        ("phone_invalid", FindingStatus.OPEN),
    ]
    assert [row[0] for row in indexed] == sorted([f"d:{dossier_id}", f"p:{first}", f"p:{second}"])
    with tx() as s:  # what the queries say, and the documents indexed from the rows
        open_blockers = s.scalar(
            select(func.count(FindingRow.id)).where(
                FindingRow.dossier_id == dossier_id,
                FindingRow.severity == str(Severity.BLOCKER),
                FindingRow.status == FindingStatus.OPEN,
            )
        )
        assert saved == (open_blockers, repo.count_low_confidence(s, dossier_id))
        search.index_dossier(s, dossier_id)
        search.index_pages(s, s.scalars(select(Page).where(Page.dossier_id == dossier_id)).all())
    with tx() as s:
        assert _search_rows(s, dossier_id) == indexed


def test_set_status_is_audited(tx: Tx) -> None:
    dossier_id, _ = _new_dossier(tx)
    with tx() as s:
        repo.set_status(s, dossier_id, DossierStatus.AWAITING_REVIEW)
        repo.set_status(s, dossier_id, DossierStatus.AWAITING_REVIEW)  # no change, no event
    with tx() as s:
        assert repo.get_dossier(s, dossier_id).status == "awaiting_review"
        events = [(e.action, e.before, e.after) for e in repo.audit_trail(s, dossier_id)]
        assert events[1:] == [
            ("dossier.awaiting_review", {"status": "received"}, {"status": "awaiting_review"})
        ]


def test_unknown_ids_raise(tx: Tx) -> None:
    with tx() as s, pytest.raises(repo.NotFoundError):
        repo.get_dossier(s, "0" * 32)
    with tx() as s, pytest.raises(repo.NotFoundError):
        repo.save_page_reading(s, 987654321, reading(DocType.UNKNOWN))
    with tx() as s:
        assert repo.claim_page(s, 987654321) is None
