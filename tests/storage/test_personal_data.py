"""Erasing a consignee's personal data (storage.personal_data through intake.lifecycle.maintenance and
`dossier personal-data erase`): the data is gone everywhere, other dossiers lose nothing, the request and the
audit event are written, and the tamper-evident audit chain still verifies.
"""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import make_url, select

from intake.cli import ExitCode, main
from intake.lifecycle.context import Context, open_context
from intake.lifecycle.filing import verify_archive
from intake.lifecycle.maintenance import (
    ErasureError,
    erase_personal_data,
    personal_data_preview,
    personal_data_requests,
)
from intake.lifecycle.reading import page_image_path
from intake.lifecycle.review import correct_field
from storage import audit_chain
from storage.models import ArchiveDocument, AuditEvent, Field, Page, PersonalDataRequest, StoredFile
from storage.personal_data import erased_document_ids
from storage.repository import NotFoundError
from tests.review_ui.conftest import CONSIGNEE_ID
from tests.storage.maintenance_kit import (
    SettingsFor,
    archive,
    archived_dossier,
    read_without_ocr,
    settings_for,
    upload,
)
from tests.workers.pages import tiny_page

__all__ = ["settings_for"]  # the backend fixture (SQLite, PostgreSQL), from the kit

MISREAD_ID = "110101199003071239"  # what the reader saw before the reviewer corrected it


@pytest.fixture
def ctx(tmp_path: Path, settings_for: SettingsFor) -> Context:
    return open_context(settings_for(tmp_path / "data"))


def _database_text(ctx: Context) -> str:
    """Every row of the database as SQL text (SQLite's iterdump, PostgreSQL's pg_dump --data-only)."""
    url = make_url(ctx.settings.database_url)
    ctx.sessions.kw["bind"].dispose()
    if url.get_backend_name() == "sqlite":
        return "\n".join(sqlite3.connect(ctx.settings.database_path).iterdump())
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    done = subprocess.run(["pg_dump", "--data-only", "-d", dsn], capture_output=True, text=True, check=True)
    return done.stdout


def _pages(ctx: Context, dossier_id: str) -> list[Page]:
    with ctx.sessions() as s:
        return list(s.scalars(select(Page).where(Page.dossier_id == dossier_id).order_by(Page.id)))


def _fields(ctx: Context, dossier_id: str) -> dict[str, str]:
    with ctx.sessions() as s:
        rows = s.scalars(select(Field).where(Field.dossier_id == dossier_id))
        return {f.name: f.value for f in rows}


def _files(ctx: Context, dossier_id: str) -> list[StoredFile]:
    with ctx.sessions() as s:
        return list(s.scalars(select(StoredFile).where(StoredFile.dossier_id == dossier_id)))


def _snapshot(ctx: Context, dossier_id: str) -> dict[str, object]:
    """Everything of a dossier an erasure elsewhere must leave alone, file bytes included."""
    images = {
        p.id: hashlib.sha256(page_image_path(ctx.settings, dossier_id, p.id).read_bytes()).hexdigest()
        for p in _pages(ctx, dossier_id)
    }
    originals = {f.sha256: ctx.store.verify(f.sha256) for f in _files(ctx, dossier_id) if f.sha256}
    with ctx.sessions() as s:
        filed = [
            (d.pdf_path, (ctx.settings.data_dir / d.pdf_path).is_file())
            for d in s.scalars(select(ArchiveDocument).where(ArchiveDocument.dossier_id == dossier_id))
        ]
    lines = [p.lines for p in _pages(ctx, dossier_id)]
    return {"fields": _fields(ctx, dossier_id), "images": images, "originals": originals, "filed": filed,
            "lines": lines}  # fmt: skip


def _archived_with_a_correction(ctx: Context, folder: Path, reference: str) -> str:
    """Read with the ID number misread, corrected by the reviewer (an audit entry holds both), archived."""
    dossier_id = upload(ctx, folder, reference)
    read_without_ocr(ctx, dossier_id)
    with ctx.sessions() as s:
        field = s.scalars(
            select(Field).where(Field.dossier_id == dossier_id, Field.name == "consignee_id_number")
        ).one()
    correct_field(ctx, field.id, MISREAD_ID, actor="reviewer", reason="误读")
    correct_field(ctx, field.id, CONSIGNEE_ID, actor="reviewer", reason="对照原件")
    archive(ctx, dossier_id)
    return dossier_id


def test_the_consignees_data_is_gone_and_the_chain_still_verifies(ctx: Context, tmp_path: Path) -> None:
    dossier_id = _archived_with_a_correction(ctx, tmp_path / "in", "R-erase")
    pages = _pages(ctx, dossier_id)
    id_page = next(p for p in pages if p.doc_type == "consignee_id")
    id_file = next(f for f in _files(ctx, dossier_id) if f.id == id_page.file_id)
    assert id_file.sha256 and ctx.store.exists(id_file.sha256)
    assert personal_data_preview(ctx, dossier_id) == {"pages": 1, "fields": 2}

    done = erase_personal_data(
        ctx,
        dossier_id,
        requester="张三（收货人本人）",
        reason="本人申请删除身份证信息",
        operator="administrator",
    )

    assert done.fields == 2 and done.pages == 1 and len(done.originals) == 1
    assert done.audit_entries_redacted >= 2  # both corrections held the number
    fields = _fields(ctx, dossier_id)
    assert "consignee_name" not in fields and "consignee_id_number" not in fields
    assert fields["customer_name"] == "杭州明达贸易有限公司"  # the rest of the dossier is untouched
    assert not page_image_path(ctx.settings, dossier_id, id_page.id).exists()
    assert all(page_image_path(ctx.settings, dossier_id, p.id).exists() for p in pages if p.id != id_page.id)
    assert not ctx.store.exists(id_file.sha256)
    assert all(ctx.store.verify(f.sha256) for f in _files(ctx, dossier_id) if f.sha256)
    assert next(p for p in _pages(ctx, dossier_id) if p.id == id_page.id).lines == []

    with ctx.sessions() as s:
        request = s.scalars(select(PersonalDataRequest)).one()
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "personal_data.erased")).one()
        verified = audit_chain.verify(s)
        filed = list(s.scalars(select(ArchiveDocument).where(ArchiveDocument.dossier_id == dossier_id)))
    assert (request.requester, request.operator, request.dossier_id) == (
        "张三（收货人本人）", "administrator", dossier_id,
    )  # fmt: skip
    assert event.actor == "administrator" and event.reason == "本人申请删除身份证信息"
    assert event.after is not None and event.after["fields"] == 2
    assert verified.intact, verified.broken
    assert {d.doc_type for d in filed} >= {"consignee_id", "business_license"}
    with ctx.sessions() as s:
        assert erased_document_ids(s) == {d.id for d in filed if d.doc_type == "consignee_id"}
    for document in filed:  # the ID copy's filed PDF and its originals are gone, the others are kept
        exists = (ctx.settings.data_dir / document.pdf_path).is_file()
        assert exists == (document.doc_type != "consignee_id"), document.pdf_path
        copies = [(ctx.settings.data_dir / o["path"]).is_file() for o in document.originals]
        assert copies and all(c == (document.doc_type != "consignee_id") for c in copies)
    assert personal_data_requests(ctx, dossier_id)[0]["requester"] == "张三（收货人本人）"
    check = verify_archive(ctx)  # the erased ID copy is accounted for, not reported as a damaged archive
    assert (check.damaged, check.problems) == (0, [])
    assert check.erased == sum(d.doc_type == "consignee_id" for d in filed) >= 1

    # nowhere in the database: not in fields, lines, findings, search index or old audit payloads
    dump = _database_text(ctx)
    assert (
        CONSIGNEE_ID not in dump
        and MISREAD_ID not in dump
        and "张三" not in dump.replace("张三（收货人本人）", "")
    )


def test_other_dossiers_sharing_nothing_lose_nothing(ctx: Context, tmp_path: Path) -> None:
    erased = archived_dossier(ctx, tmp_path / "in", "R-1")
    other = archived_dossier(ctx, tmp_path / "in", "R-2")
    before = _snapshot(ctx, other)

    erase_personal_data(ctx, erased, requester="张三", reason="本人申请", operator="administrator")

    assert _snapshot(ctx, other) == before
    assert _fields(ctx, other)["consignee_id_number"] == CONSIGNEE_ID


def test_an_original_another_dossier_holds_is_kept_and_said_so(ctx: Context, tmp_path: Path) -> None:
    scan = tiny_page(tmp_path / "身份证.png", "同一份收货人身份证复印件")
    erased = archived_dossier(ctx, tmp_path / "in", "R-1", consignee_scan=scan)
    other = archived_dossier(ctx, tmp_path / "in", "R-2", consignee_scan=scan)
    sha = hashlib.sha256(scan.read_bytes()).hexdigest()

    done = erase_personal_data(ctx, erased, requester="张三", reason="本人申请", operator="administrator")

    assert done.originals == [] and "其他档案引用了同一原件" in done.kept_originals[0]["why"]
    assert ctx.store.verify(sha)  # the other dossier still has its original
    assert any(f.sha256 == sha for f in _files(ctx, other))


def test_bad_requests_are_refused_in_chinese(ctx: Context, tmp_path: Path) -> None:
    dossier_id = archived_dossier(ctx, tmp_path / "in", "R-1")
    being_read = upload(ctx, tmp_path / "in", "R-reading")
    with pytest.raises(ErasureError, match="正在识别中"):
        erase_personal_data(ctx, being_read, requester="张三", reason="本人申请", operator="administrator")
    with pytest.raises(ErasureError, match="请填写删除原因"):
        erase_personal_data(ctx, dossier_id, requester="张三", reason="  ", operator="administrator")
    with pytest.raises(ErasureError, match="请填写提出请求的人"):
        erase_personal_data(ctx, dossier_id, requester="", reason="本人申请", operator="administrator")
    with pytest.raises(NotFoundError):
        erase_personal_data(ctx, "0" * 32, requester="张三", reason="本人申请", operator="administrator")
    erase_personal_data(ctx, dossier_id, requester="张三", reason="本人申请", operator="administrator")
    with pytest.raises(ErasureError, match="没有收货人的个人信息"):
        erase_personal_data(ctx, dossier_id, requester="张三", reason="再次申请", operator="administrator")


def test_the_cli_erases_and_names_bad_arguments(
    ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    dossier_id = archived_dossier(ctx, tmp_path / "in", "R-1")
    monkeypatch.setenv("DOSSIER_DATA_DIR", str(ctx.settings.data_dir))
    monkeypatch.setenv("DOSSIER_DATABASE_URL", ctx.settings.database_url)
    args = ["personal-data", "erase", "--requester", "张三", "--reason", "本人申请"]
    assert main([*args, "--dossier", "nope"]) == ExitCode.USAGE
    assert "档案不存在" in capsys.readouterr().err
    assert main([*args, "--dossier", dossier_id]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "已删除" in out and "字段 2 个" in out
    assert "consignee_id_number" not in _fields(ctx, dossier_id)
