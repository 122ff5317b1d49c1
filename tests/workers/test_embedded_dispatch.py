"""How `dossier process --workers N` shares out a dossier's pages: this process reads beside a pool of N - 1
forked processes, pages are handed out one at a time biggest first, and a reader that dies stops the read
instead of hanging it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from intake.lifecycle.context import Context
from storage.contract_json import dossier_json
from storage.models import Page
from tests.ocr.textpdf import text_pdf
from workers import embedded
from workers.embedded import PageCost, biggest_first, process_embedded, surely_ocr

from .conftest import sqlite_context
from .pages import tiny_page, tiny_pages


@pytest.fixture
def ctx(tmp_path: Path) -> Context:
    return sqlite_context(tmp_path)


@pytest.fixture
def readers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Notes which process read which page (the real step still reads it): one line `pid page_id` each.

    The pool's processes are forked from this one, so they run the same wrapped function."""
    log = tmp_path / "readers.txt"
    real = embedded.read_page_until_settled

    def noted(ctx: Context, page_id: int) -> embedded.PageOutcome:
        outcome = real(ctx, page_id)
        with log.open("a", encoding="utf-8") as f:
            f.write(f"{os.getpid()} {page_id}\n")
        return outcome

    monkeypatch.setattr(embedded, "read_page_until_settled", noted)
    yield log


def test_this_process_reads_beside_one_pool_process_and_every_page_is_read_once(
    ctx: Context, tmp_path: Path, readers: Path
) -> None:
    paths = tiny_pages(tmp_path / "in", 8)
    dossier_id = process_embedded(ctx, paths, as_of=date(2026, 1, 5), workers=2)
    rows = [line.split() for line in readers.read_text(encoding="utf-8").splitlines()]
    pids = {int(pid) for pid, _ in rows}
    with ctx.sessions() as s:
        page_ids = set(s.scalars(select(Page.id).where(Page.dossier_id == dossier_id)))
        out = dossier_json(s, dossier_id)["dossier"]
    assert sorted(int(page) for _, page in rows) == sorted(page_ids)  # each page read once
    assert len(pids) == 2 and os.getpid() in pids  # this process and one pool process
    assert (out["status"], out["pages_done"], out["pages_failed"]) == ("awaiting_review", 8, 0)


def test_a_pool_process_that_dies_stops_the_read_with_the_error(
    ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker killed mid-page (out of memory, a crash in the engine) must surface, not hang the command."""
    parent = os.getpid()
    real = embedded.read_page_until_settled

    def dies_in_the_pool(ctx: Context, page_id: int) -> embedded.PageOutcome:
        if os.getpid() != parent:
            os._exit(9)
        return real(ctx, page_id)

    monkeypatch.setattr(embedded, "read_page_until_settled", dies_in_the_pool)
    with pytest.raises(BrokenProcessPool):
        process_embedded(ctx, tiny_pages(tmp_path / "in", 6), as_of=date(2026, 1, 5), workers=2)


def test_pages_are_handed_out_biggest_first_scans_before_pdf_pages() -> None:
    """Whatever is read last decides how long the other reader idles: the cheap pages go last."""
    pages = [
        PageCost(1, "pdf", 900_000),  # a large PDF page may still be a text layer: after every scan
        PageCost(2, "jpeg", 200_000),
        PageCost(3, "png", 400_000),
        PageCost(4, "pdf", 30_000),
        PageCost(5, "tiff", 200_000),
    ]
    assert biggest_first(pages) == [3, 2, 5, 1, 4]


def test_uploads_holding_a_scan_are_known_to_need_ocr_by_their_bytes(tmp_path: Path) -> None:
    pdf_only = tmp_path / "pdf_only"
    pdf_only.mkdir()
    text_pdf(pdf_only / "申请表.pdf")
    (pdf_only / "说明.txt").write_text("不是扫描件", encoding="utf-8")
    assert not surely_ocr([pdf_only])  # a PDF may carry a text layer: the models must not load for it

    misnamed = tmp_path / "misnamed"
    misnamed.mkdir()
    tiny_page(misnamed / "scan.png").rename(misnamed / "scan.bin")  # a PNG whatever its name says
    text_pdf(tmp_path / "photo.jpg")  # a PDF named like a photo
    assert surely_ocr([pdf_only, misnamed])
    assert not surely_ocr([tmp_path / "photo.jpg"])

    nested = tmp_path / "nested" / "客户" / "扫描"
    nested.mkdir(parents=True)
    tiny_page(nested / "营业执照.png")
    assert surely_ocr([tmp_path / "nested"])
