"""The reviewer's lifecycle without Flask: register an upload, correct, override, assign and decide through
intake.lifecycle only, against SQLite in a temporary data directory.

The reader is stood in for by saving page readings (the review UI tests' READINGS, built with
tests/storage/builders.py) on the registered pages and checking the dossier as the end of reading does;
everything after that is the lifecycle's own code.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from intake.lifecycle.checking import NoticePolicy, check_and_save
from intake.lifecycle.context import Context, open_context
from intake.lifecycle.register import register_uploads
from intake.lifecycle.review import (
    CONFIRMED_AS_READ,
    DecisionError,
    UnconfirmedDoubtsError,
    approve,
    assign_reviewer,
    confirm_field,
    correct_field,
    decide,
    doubts,
    override_finding,
    reject,
    send_back,
)
from intake.settings import Settings
from ocr.types import DocType
from storage import queries
from storage import repository as repo
from storage.models import AuditEvent, DossierStatus, Field, FindingRow, FindingStatus, PageStatus
from tests.review_ui.conftest import ACCOUNT, FORM_ACCOUNT, READINGS
from tests.storage.builders import reading
from tests.workers.pages import tiny_pages

RECEIVED = date(2026, 11, 20)


@pytest.fixture
def ctx(tmp_path: Path) -> Context:
    return open_context(Settings.for_data_dir(tmp_path / "data"))


def _upload(ctx: Context, tmp_path: Path, *, extra: list[tuple[str, bytes]] | None = None) -> str:
    pages = tiny_pages(tmp_path / "in", len(READINGS))
    uploads = [(p.name, io.BytesIO(p.read_bytes())) for p in pages]
    uploads += [(name, io.BytesIO(data)) for name, data in extra or []]
    return register_uploads(
        ctx, uploads, as_of=RECEIVED, pickup_date=date(2026, 12, 10), reference="R-7", actor="admin"
    )


def _read(ctx: Context, dossier_id: str) -> None:
    """What the reader leaves behind: every page read, the dossier checked and waiting for review."""
    with ctx.sessions.begin() as s:
        for page_id, page_reading in zip(repo.page_ids(s, dossier_id), READINGS, strict=True):
            repo.save_page_reading(s, page_id, page_reading)
        check_and_save(s, dossier_id, ctx.rules, as_of=RECEIVED, notice=NoticePolicy.START)
        repo.set_status(s, dossier_id, DossierStatus.AWAITING_REVIEW)


@pytest.fixture
def dossier_id(ctx: Context, tmp_path: Path) -> str:
    dossier_id = _upload(ctx, tmp_path)
    _read(ctx, dossier_id)
    return dossier_id


def _status(ctx: Context, dossier_id: str) -> DossierStatus:
    with ctx.sessions() as s:
        return repo.get_dossier(s, dossier_id).status


def _open(ctx: Context, dossier_id: str, severity: str = "blocker") -> list[tuple[str, int]]:
    """Open findings of a severity: (rule, finding id)."""
    with ctx.sessions() as s:
        rows = s.scalars(
            select(FindingRow).where(
                FindingRow.dossier_id == dossier_id,
                FindingRow.status == FindingStatus.OPEN,
                FindingRow.severity == severity,
            )
        )
        return [(row.rule, row.id) for row in rows]


def _actions(ctx: Context, dossier_id: str) -> list[str]:
    with ctx.sessions() as s:
        return [e.action for e in repo.audit_trail(s, dossier_id)]


def _field_id(ctx: Context, dossier_id: str, doc_type: DocType, name: str) -> int:
    with ctx.sessions() as s:
        data = queries.review_data(s, dossier_id)
    assert data is not None
    return next(
        f.id for doc in data.documents if doc.doc_type == doc_type for f in doc.fields if f.name == name
    )


def _override_all(ctx: Context, dossier_id: str) -> None:
    for _rule, finding_id in _open(ctx, dossier_id):
        override_finding(ctx, finding_id, actor="administrator", reason="原件已核对")


def _confirm_all(ctx: Context, dossier_id: str) -> None:
    for doubt in doubts(ctx, dossier_id):
        confirm_field(ctx, doubt.field_id, actor="reviewer")


def test_an_upload_is_registered_with_its_pages_pending_and_its_refusals(
    ctx: Context, tmp_path: Path
) -> None:
    dossier_id = _upload(ctx, tmp_path, extra=[("notes.txt", b"not a scan")])
    with ctx.sessions() as s:
        status = queries.status_of(s, dossier_id)
        created = s.scalar(select(AuditEvent).where(AuditEvent.action == "dossier.created"))
    assert status is not None
    assert status["status"] == "reading" and status["reference"] == "R-7" and not status["finished"]
    assert [p["status"] for p in status["pages"]] == [PageStatus.PENDING.value] * len(READINGS)
    assert [r["file"] for r in status["rejected_files"]] == ["notes.txt"]
    assert created is not None and created.actor == "admin" and created.dossier_id == dossier_id


def test_a_correction_clears_its_blocker_at_once_and_moves_nothing_else(
    ctx: Context, dossier_id: str
) -> None:
    before = _open(ctx, dossier_id)
    assert "bank_account_mismatch" in dict(before)
    with ctx.sessions() as s:
        promised = repo.get_dossier(s, dossier_id).notice_due_at
    assert promised is not None  # documents are missing: the customer was promised a notice

    field_id = _field_id(ctx, dossier_id, DocType.APPLICATION_FORM, "bank_account")
    corrected = correct_field(ctx, field_id, f" {ACCOUNT} ", actor="reviewer", reason="对照原件")

    assert corrected.dossier_id == dossier_id
    after = _open(ctx, dossier_id)
    assert "bank_account_mismatch" not in dict(after) and corrected.blockers == len(after) == len(before) - 1
    with ctx.sessions() as s:
        dossier = repo.get_dossier(s, dossier_id)
        assert dossier.status == DossierStatus.AWAITING_REVIEW and dossier.blockers == corrected.blockers
        assert dossier.notice_due_at == promised  # the promise already made is kept
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "field.corrected"))
    assert event is not None and event.actor == "reviewer" and event.reason == "对照原件"
    assert event.before is not None and event.before["value"] == FORM_ACCOUNT
    assert event.after is not None and event.after["value"] == ACCOUNT


def test_approval_is_refused_while_a_blocker_is_open_then_archives(ctx: Context, dossier_id: str) -> None:
    with pytest.raises(DecisionError, match="阻断问题未解决"):
        approve(ctx, dossier_id, actor="reviewer", today=date(2026, 11, 23))
    assert _status(ctx, dossier_id) == DossierStatus.AWAITING_REVIEW

    blockers = _open(ctx, dossier_id)
    _override_all(ctx, dossier_id)
    _confirm_all(ctx, dossier_id)
    with pytest.raises(DecisionError, match="纸质份数"):
        approve(ctx, dossier_id, actor="reviewer", today=date(2026, 11, 23), copies=0)
    decided = decide(ctx, dossier_id, "approve", actor="reviewer", today=date(2026, 11, 23), copies=2)

    assert decided.status == DossierStatus.ARCHIVED
    assert decided.customer_no == "C20261123001" and decided.archive_no == "GD20261123001"
    with ctx.sessions() as s:
        listing = queries.archive_records(s, "C20261123")
    assert listing.total == 1
    record = listing.rows[0]
    assert record["dossier_id"] == dossier_id and record["copies"] == 2
    assert record["handler"] == "admin" and record["reviewer"] == "reviewer"  # 经办人: who uploaded it
    trail = _actions(ctx, dossier_id)
    filed = ["archive.document_filed"] * 4  # one per document (intake.lifecycle.filing)
    assert trail[-6:] == ["archive.created", *filed, "dossier.archived"]
    assert trail.index("dossier.approved") < trail.index("dossier.customer_no_assigned") < len(trail) - 6
    assert trail.count("finding.overridden") == len(blockers) > 1
    with pytest.raises(DecisionError, match="已归档"):
        decide(ctx, dossier_id, "reject", actor="reviewer", today=date(2026, 11, 24), reason="late")


def test_sent_back_dossier_gets_a_notice_within_24_hours_and_can_still_be_decided(
    ctx: Context, dossier_id: str
) -> None:
    decided = send_back(ctx, dossier_id, actor="reviewer", reason="缺少物流合同")
    assert decided.status == DossierStatus.SENT_BACK and decided.notice_due_at is not None
    assert timedelta(hours=23) < decided.notice_due_at - datetime.now(UTC) <= timedelta(hours=24)
    with ctx.sessions() as s:
        assert repo.get_dossier(s, dossier_id).notice_due_at == decided.notice_due_at
    assert _actions(ctx, dossier_id)[-2:] == ["dossier.sent_back", "dossier.notice_scheduled"]

    rejected = reject(ctx, dossier_id, actor="reviewer", reason="  客户放弃  ")
    assert rejected.status == DossierStatus.REJECTED == _status(ctx, dossier_id)
    with ctx.sessions() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "dossier.rejected"))
    assert event is not None and event.reason == "客户放弃"


def test_refusals_change_nothing(ctx: Context, dossier_id: str) -> None:
    trail = _actions(ctx, dossier_id)
    with pytest.raises(DecisionError, match="拒绝档案必须填写理由"):
        decide(ctx, dossier_id, "reject", actor="reviewer", today=RECEIVED, reason="  ")
    with pytest.raises(DecisionError, match="未知的决定"):
        decide(ctx, dossier_id, "archive", actor="reviewer", today=RECEIVED)
    finding_id = _open(ctx, dossier_id)[0][1]
    with pytest.raises(DecisionError, match="豁免检查结果必须填写理由"):
        override_finding(ctx, finding_id, actor="administrator", reason=" ")
    with pytest.raises(repo.NotFoundError):
        correct_field(ctx, 10**6, "x", actor="reviewer", reason=None)
    with pytest.raises(repo.NotFoundError):
        override_finding(ctx, 10**6, actor="administrator", reason="ok")
    with pytest.raises(repo.NotFoundError):
        decide(ctx, "no-such-dossier", "send_back", actor="reviewer", today=RECEIVED)
    assert _actions(ctx, dossier_id) == trail
    assert _status(ctx, dossier_id) == DossierStatus.AWAITING_REVIEW


def test_an_override_lowers_the_blocker_count(ctx: Context, dossier_id: str) -> None:
    before = _open(ctx, dossier_id)
    finding_id = dict(before)["bank_account_mismatch"]
    assert override_finding(ctx, finding_id, actor="administrator", reason=" 原件已核对 ") == dossier_id
    with ctx.sessions() as s:
        row = s.get_one(FindingRow, finding_id)
        assert row.status == FindingStatus.OVERRIDDEN
        assert (row.override_by, row.override_reason) == ("administrator", "原件已核对")
        assert repo.get_dossier(s, dossier_id).blockers == len(before) - 1
    assert _actions(ctx, dossier_id)[-1] == "finding.overridden"


def test_a_dossier_is_assigned_to_a_reviewer_and_taken_back(ctx: Context, dossier_id: str) -> None:
    assign_reviewer(ctx, dossier_id, "li", actor="administrator")
    with ctx.sessions() as s:
        mine = queries.review_queue(s, queries.QueueFilter(reviewer="li"), RECEIVED)
    assert [row["id"] for row in mine.rows] == [dossier_id]
    assign_reviewer(ctx, dossier_id, "", actor="administrator")
    with ctx.sessions() as s:
        assert repo.get_dossier(s, dossier_id).assigned_reviewer is None
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "dossier.assigned"))
        changes = [(e.before, e.after) for e in events]
    assert changes == [
        ({"assigned_reviewer": None}, {"assigned_reviewer": "li"}),
        ({"assigned_reviewer": "li"}, {"assigned_reviewer": None}),
    ]


def test_the_review_page_cuts_documents_like_the_checks_but_keeps_unread_pages(ctx: Context) -> None:
    # GIVEN one file of four pages: a permit over two pages, a page that could not be read, the permit again
    with ctx.sessions.begin() as s:
        dossier_id = repo.create_dossier(s, reference="R-8", pickup_date=None, as_of=RECEIVED).id
        repo.add_file(s, dossier_id, name="scan.pdf", sha256=f"{1:064x}", kind="pdf", size=1, page_count=4)
        first, second, third, fourth = repo.page_ids(s, dossier_id)
        for page_id in (first, second, fourth):
            repo.save_page_reading(s, page_id, READINGS[1])
        repo.mark_page_failed(s, third, "unreadable")
    with ctx.sessions() as s:
        data = queries.review_data(s, dossier_id)
        checked = repo.documents_of(s, dossier_id)
    assert data is not None
    # THEN the reviewer sees every page, and the unread one cuts the permit in two (runs over all pages)
    assert [p["id"] for p in data.pages] == [first, second, third, fourth]
    assert [p["status"] for p in data.pages] == ["done", "done", "failed", "done"]
    assert sorted(doc.page_ids for doc in data.documents) == [[first, second], [fourth]]
    # while the checks skip what was not read (runs over the read pages only)
    assert [(doc.doc_type, doc.pages) for doc in checked] == [(DocType.BANK_PERMIT, (1, 2, 4))]


# ---------- nothing doubtful approved unseen (issue 13) ----------


def test_approval_waits_for_every_doubtful_field_to_be_confirmed_or_corrected(
    ctx: Context, dossier_id: str
) -> None:
    # GIVEN a dossier whose blockers were overridden, but whose doubtful fields nobody looked at
    _override_all(ctx, dossier_id)
    waiting = doubts(ctx, dossier_id)
    names = {(d.doc_type, d.name) for d in waiting}
    assert {("business_license", "tax_id"), ("application_form", "bank_account")} <= names  # 55 %, 71 %
    tax_id = next(d for d in waiting if d.name == "tax_id")
    assert "识别置信度低（55%）" in tax_id.reasons and "税号的格式或校验位不对" in tax_id.reasons

    # WHEN the reviewer approves THEN it is refused, naming each field, its document and why
    with pytest.raises(UnconfirmedDoubtsError) as refused:
        approve(ctx, dossier_id, actor="reviewer", today=date(2026, 11, 23))
    message = str(refused.value)
    assert f"还有 {len(waiting)} 个存疑字段未确认" in message
    assert (
        "营业执照·税务登记号（识别置信度低（55%），检查未通过：" in message
        and "检查未通过：税务登记号无效" in message
    )
    assert "客户建档申请表·银行账号（识别置信度低（71%））" in message
    assert refused.value.field_ids == [d.field_id for d in waiting]
    assert _status(ctx, dossier_id) == DossierStatus.AWAITING_REVIEW

    # one correction and the rest confirmed ✓: each is recorded (who, when, why), then approval goes through
    first, *rest = waiting
    correct_field(ctx, first.field_id, "91330100MA27ABCD1N", actor="reviewer", reason="对照原件")
    assert [d.field_id for d in doubts(ctx, dossier_id)] == [d.field_id for d in rest]
    for doubt in rest:
        confirm_field(ctx, doubt.field_id, actor="reviewer")
    assert doubts(ctx, dossier_id) == []
    with ctx.sessions() as s:
        corrections = s.scalars(select(AuditEvent).where(AuditEvent.action == "field.corrected")).all()
        confirmed = [e for e in corrections if e.reason == CONFIRMED_AS_READ]  # reasons are sealed at rest
        field = s.get_one(Field, rest[0].field_id)
        assert field.corrected_by == "reviewer" and field.corrected_at is not None
    assert len(confirmed) == len(rest)
    assert all(e.before and e.after and e.before["value"] == e.after["value"] for e in confirmed)
    assert (
        approve(ctx, dossier_id, actor="reviewer", today=date(2026, 11, 23)).status == DossierStatus.ARCHIVED
    )


def test_a_clause_read_as_an_address_is_doubtful_however_sure_the_reader_was(
    ctx: Context, tmp_path: Path
) -> None:
    # GIVEN a logistics contract whose 收货地址 was read, at 99 %, as the clause text beside it
    dossier_id = _upload(ctx, tmp_path)
    clause = "或收货专用章的，应提前五个工作日书面通知甲方并"
    readings = [*READINGS[:3], reading(DocType.LOGISTICS_CONTRACT, {"receiving_address": (clause, 0.99)})]
    with ctx.sessions.begin() as s:
        for page_id, page_reading in zip(repo.page_ids(s, dossier_id), readings, strict=True):
            repo.save_page_reading(s, page_id, page_reading)
        check_and_save(s, dossier_id, ctx.rules, as_of=RECEIVED, notice=NoticePolicy.START)
        repo.set_status(s, dossier_id, DossierStatus.AWAITING_REVIEW)
    address = next(d for d in doubts(ctx, dossier_id) if d.name == "receiving_address")
    assert address.reasons == ("像合同条款或说明文字，不是地址",)
    _override_all(ctx, dossier_id)
    for doubt in doubts(ctx, dossier_id):
        if doubt.name != "receiving_address":
            confirm_field(ctx, doubt.field_id, actor="reviewer")
    with pytest.raises(
        UnconfirmedDoubtsError, match="物流配送合同·收货地址（像合同条款或说明文字，不是地址）"
    ):
        approve(ctx, dossier_id, actor="reviewer", today=date(2026, 11, 23))
    # corrected to the address on the paper contract, it no longer waits
    correct_field(
        ctx, address.field_id, "浙江省杭州市余杭区仓前街道文一西路1500号", actor="reviewer", reason="对照原件"
    )
    assert doubts(ctx, dossier_id) == []


def test_confirming_an_unknown_field_is_not_found(ctx: Context) -> None:
    with pytest.raises(repo.NotFoundError):
        confirm_field(ctx, 10**6, actor="reviewer")
    with pytest.raises(repo.NotFoundError):
        doubts(ctx, "no-such-dossier")
