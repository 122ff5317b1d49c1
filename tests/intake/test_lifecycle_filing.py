"""Approval files the dossier (intake.lifecycle.filing): one archive record per document with the standard's
fields, a searchable PDF per document holding the reviewed values, the originals beside it, versions when the
same customer's documents are archived again, and a clear refusal when an original is missing.

Dossiers are registered and read as in test_lifecycle_review.py (readings saved without OCR); the page images
are then drawn again from the originals by the filing itself.
"""

from __future__ import annotations

import hashlib
import io
import json
from datetime import date
from pathlib import Path

import pdfplumber
import pytest
from sqlalchemy import func, select

from intake.lifecycle.context import Context, data_ring
from intake.lifecycle.filing import text_layer, verify_archive
from intake.lifecycle.review import DecisionError, approve, confirm_field, correct_field, doubts
from ocr.types import DocType
from storage import filing as stored
from storage import repository as repo
from storage.crypto import FILE_MAGIC
from storage.filing import SourcePage
from storage.models import ArchiveDocument, ArchiveRecord, DossierStatus
from storage.sealed_files import read_file
from tests.intake.test_lifecycle_review import (
    RECEIVED,
    _field_id,
    _override_all,
    _read,
    _status,
    _upload,
    ctx,
    dossier_id,
)
from tests.review_ui.conftest import ACCOUNT, FORM_ACCOUNT

__all__ = ["ctx", "dossier_id"]  # fixtures shared with the review lifecycle's tests

TODAY = date(2026, 11, 23)
FOLDER = "archive/C20261123001/2026-Q4"


def _approve(ctx: Context, dossier_id: str) -> str:
    field_id = _field_id(ctx, dossier_id, DocType.APPLICATION_FORM, "bank_account")
    correct_field(ctx, field_id, ACCOUNT, actor="reviewer", reason="对照开户许可证")
    _override_all(ctx, dossier_id)
    for doubt in doubts(ctx, dossier_id):
        confirm_field(ctx, doubt.field_id, actor="reviewer")
    decided = approve(ctx, dossier_id, actor="reviewer", today=TODAY, copies=2)
    assert decided.archive_no is not None
    return decided.archive_no


def _documents(ctx: Context, dossier_id: str) -> list[dict]:
    with ctx.sessions() as s:
        return stored.dossier_documents(s, dossier_id)


def _clear(ctx: Context, path: Path) -> bytes:
    """A filed file's content: sealed on disk with the data key (storage/sealed_files.py)."""
    return read_file(path, data_ring(ctx))


def _text(ctx: Context, path: Path) -> tuple[int, str]:
    with pdfplumber.open(io.BytesIO(_clear(ctx, path))) as pdf:
        return len(pdf.pages), "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_approval_files_each_document_with_its_own_archive_record(ctx: Context, dossier_id: str) -> None:
    archive_no = _approve(ctx, dossier_id)

    assert archive_no == "GD20261123001"
    documents = _documents(ctx, dossier_id)
    assert [d["archive_no"] for d in documents] == [f"{archive_no}-{n:02d}" for n in range(1, 5)]
    assert [d["doc_type"] for d in documents] == [
        "business_license", "bank_permit", "application_form", "consignee_id",
    ]  # fmt: skip
    assert [d["doc_category"] for d in documents] == ["资质", "资质", "记录", "资质"]
    assert [d["copies"] for d in documents] == [1, 1, 1, 1]  # the standard's copies of these types
    for d in documents:
        assert (d["customer_no"], d["archived_on"], d["location"]) == ("C20261123001", TODAY, "电子")
        assert (d["handler"], d["reviewer"], d["version"]) == ("admin", "reviewer", 1)
        assert len(d["pages"]) == 1 and d["pages"][0]["page_no"] == 1
    with ctx.sessions() as s:
        record = s.scalars(select(ArchiveRecord).where(ArchiveRecord.dossier_id == dossier_id)).one()
    assert (record.archive_no, record.copies) == (archive_no, 2)  # the reviewer's paper count stays here

    form = documents[2]
    assert form["pdf_path"] == f"{FOLDER}/C20261123001_客户建档申请表_2026-11-23.pdf"
    pdf = ctx.settings.data_dir / form["pdf_path"]
    assert pdf.read_bytes().startswith(FILE_MAGIC)  # sealed at rest: it carries the account in its text
    assert hashlib.sha256(_clear(ctx, pdf)).hexdigest() == form["pdf_sha256"]
    pages, text = _text(ctx, pdf)
    assert pages == 1
    assert ACCOUNT in text and FORM_ACCOUNT not in text  # the corrected value, not the misreading
    assert "杭州明达贸易有限公司" in text and "中国工商银行杭州分行" in text
    assert "6222020200112233445" in _text(ctx, ctx.settings.data_dir / documents[1]["pdf_path"])[1]

    manifest = json.loads((ctx.settings.data_dir / form["manifest_path"]).read_text(encoding="utf-8"))
    assert manifest["archive_no"] == form["archive_no"] and manifest["dossier_archive_no"] == archive_no
    assert manifest["pdf"]["sha256"] == form["pdf_sha256"]
    (original,) = manifest["originals"]
    assert original["display_name"] == form["pages"][0]["file"]
    copy = ctx.settings.data_dir / original["path"]
    assert hashlib.sha256(_clear(ctx, copy)).hexdigest() == original["sha256"]
    assert ctx.store.read(original["sha256"]) == _clear(ctx, copy)  # untouched


def test_a_second_dossier_of_the_customer_gets_its_own_number_and_files_version_2(
    ctx: Context, dossier_id: str, tmp_path: Path
) -> None:
    first_no = _approve(ctx, dossier_id)
    first = _documents(ctx, dossier_id)
    first_bytes = [(ctx.settings.data_dir / d["pdf_path"]).read_bytes() for d in first]

    again = _upload(ctx, tmp_path / "again")
    _read(ctx, again)
    second_no = _approve(ctx, again)

    assert (first_no, second_no) == ("GD20261123001", "GD20261123002")
    second = _documents(ctx, again)
    assert {d["customer_no"] for d in first + second} == {"C20261123001"}  # one customer for life
    assert [d["version"] for d in second] == [2, 2, 2, 2]
    assert second[0]["pdf_path"] == f"{FOLDER}/C20261123001_营业执照_2026-11-23_v2.pdf"
    assert [(ctx.settings.data_dir / d["pdf_path"]).read_bytes() for d in first] == first_bytes
    with ctx.sessions() as s:
        numbers = s.scalars(select(ArchiveDocument.archive_no)).all()
    assert len(numbers) == len(set(numbers)) == 8


def test_approval_without_the_originals_is_refused_and_archives_nothing(ctx: Context) -> None:
    with ctx.sessions.begin() as s:
        dossier_id = repo.create_dossier(s, reference="R-9", pickup_date=None, as_of=RECEIVED).id
        repo.add_file(s, dossier_id, name="lost.pdf", sha256=f"{7:064x}", kind="pdf", size=1, page_count=4)
    _read(ctx, dossier_id)
    _override_all(ctx, dossier_id)
    for doubt in doubts(ctx, dossier_id):
        confirm_field(ctx, doubt.field_id, actor="reviewer")

    with pytest.raises(DecisionError, match=r"原件缺失，无法归档：lost\.pdf"):
        approve(ctx, dossier_id, actor="reviewer", today=TODAY)

    assert _status(ctx, dossier_id) == DossierStatus.AWAITING_REVIEW
    with ctx.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ArchiveRecord)) == 0
        assert s.scalar(select(func.count()).select_from(ArchiveDocument)) == 0


def test_the_text_layer_carries_reviewed_values_in_place_of_the_raw_reading() -> None:
    page = SourcePage(
        page_id=1,
        page_no=1,
        lines=[
            {"text": "账号：6222999", "bbox": [10, 10, 400, 40]},
            {"text": "户名：杭州明逹贸易", "bbox": [10, 50, 400, 80]},
            {"text": "地址：杭州市", "bbox": [10, 90, 400, 120]},
            {"text": "", "bbox": [1, 1, 2, 2]},
            {"text": "broken box", "bbox": [5, 5]},
        ],
        fields=[
            # corrected, its raw text in the line: replaced there
            {"name": "bank_account", "value": "6222111", "raw": "6222999", "bbox": [80, 10, 400, 40],
             "corrected": True},
            # corrected, the line holds another spelling: the line under the box gives way to the value
            {"name": "account_holder", "value": "杭州明达贸易有限公司", "raw": "杭州明达贸易",
             "bbox": [0, 45, 410, 85], "corrected": True},
            # not corrected and already in a line: nothing added
            {"name": "address", "value": "杭州市", "raw": "杭州市", "bbox": [80, 90, 400, 120],
             "corrected": False},
        ],
    )  # fmt: skip
    words = [(w.text, w.bbox) for w in text_layer(page)]
    assert words == [
        ("账号：6222111", (10, 10, 400, 40)),
        ("地址：杭州市", (10, 90, 400, 120)),
        ("杭州明达贸易有限公司", (0, 45, 410, 85)),
    ]


def test_archive_verify_finds_altered_and_missing_files(
    ctx: Context, dossier_id: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from intake.cli import ExitCode, main

    _approve(ctx, dossier_id)
    monkeypatch.setenv("DOSSIER_DATA_DIR", str(ctx.settings.data_dir))
    monkeypatch.delenv("DOSSIER_DATABASE_URL", raising=False)
    assert main(["archive", "verify"]) == ExitCode.OK
    assert "校验通过：4 份" in capsys.readouterr().out

    licence, permit = _documents(ctx, dossier_id)[:2]
    copy = ctx.settings.data_dir / licence["originals"][0]["path"]
    copy.chmod(0o644)
    copy.write_bytes(b"edited")
    (ctx.settings.data_dir / permit["manifest_path"]).unlink()

    check = verify_archive(ctx)
    assert (check.documents, check.damaged) == (4, 2)
    assert check.problems == [
        f"{licence['archive_no']}：文件已被改动（SHA-256 不符）{licence['originals'][0]['path']}",
        f"{permit['archive_no']}：清单缺失 {permit['manifest_path']}",
    ]
    assert main(["archive", "verify"]) == ExitCode.ARCHIVE_DAMAGED
    assert "4 份中 2 份有问题" in capsys.readouterr().err
