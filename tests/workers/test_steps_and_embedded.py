"""The worker steps on SQLite: finish exactly once, retries and giving up, recovery, the embedded pool."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select, update

from intake.lifecycle.backlog import NORMAL, SECONDS_PER_PAGE, URGENT, backlog, read_priority
from intake.lifecycle.context import Context
from intake.lifecycle.finishing import finish_step
from intake.lifecycle.reading import MAX_ATTEMPTS, PageResult, claim, claim_finish, read_page_step
from intake.lifecycle.recovery import orphaned_pages, stale_work, worker_stopped
from intake.lifecycle.register import register_paths
from intake.lifecycle.scheduled import NOTICE_ACTION, send_due_notices
from ocr.types import DocType
from storage import repository as repo
from storage import work
from storage.contract_json import dossier_json
from storage.models import (
    AuditEvent,
    Dossier,
    DossierStatus,
    Page,
    PageStatus,
    SearchDocument,
    WorkerBeat,
)
from tests.storage.builders import reading
from workers.embedded import PagePool, process_embedded

from .conftest import sqlite_context
from .pages import tiny_pages

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def ctx(tmp_path: Path) -> Context:
    return sqlite_context(tmp_path)


def _dossier(
    ctx: Context, pages: int = 2, status: DossierStatus = DossierStatus.READING
) -> tuple[str, list[int]]:
    with ctx.sessions.begin() as s:
        dossier_id = repo.create_dossier(s, as_of=date(2026, 1, 5)).id
        repo.add_file(s, dossier_id, name="a.pdf", sha256="a" * 64, kind="pdf", size=1, page_count=pages)
        repo.set_status(s, dossier_id, status)
        return dossier_id, repo.page_ids(s, dossier_id)


def _save(ctx: Context, page_id: int) -> None:
    with ctx.sessions.begin() as s:
        repo.claim_page(s, page_id)
        repo.save_page_reading(s, page_id, reading(DocType.BANK_PERMIT, {"bank_account": ("123", 0.9)}))


def test_finish_is_claimed_once_and_only_when_no_page_is_outstanding(ctx: Context) -> None:
    dossier_id, (first, second) = _dossier(ctx)
    _save(ctx, first)
    assert not claim_finish(ctx.sessions, dossier_id)  # the second page is still pending
    _save(ctx, second)
    assert [claim_finish(ctx.sessions, dossier_id) for _ in range(3)] == [True, False, False]
    assert finish_step(ctx, dossier_id)
    assert not finish_step(ctx, dossier_id)  # a redelivered finish does nothing
    with ctx.sessions() as s:
        assert repo.get_dossier(s, dossier_id).status == DossierStatus.AWAITING_REVIEW


def test_a_failing_page_is_retried_then_fails_and_the_dossier_still_finishes(ctx: Context) -> None:
    # The stored file does not exist in the file store: every read of its page fails.
    dossier_id, (page_id,) = _dossier(ctx, pages=1)
    outcomes = [read_page_step(ctx, page_id) for _ in range(MAX_ATTEMPTS)]
    assert [o.result for o in outcomes] == [PageResult.RETRY] * (MAX_ATTEMPTS - 1) + [PageResult.FAILED]
    assert [o.finish for o in outcomes] == [False] * (MAX_ATTEMPTS - 1) + [True]
    assert finish_step(ctx, dossier_id)
    with ctx.sessions() as s:
        out = dossier_json(s, dossier_id)
    assert out["dossier"]["status"] == "awaiting_review"
    assert out["dossier"]["pages_failed"] == 1
    assert out["pages"][0]["error"]


def test_a_page_whose_worker_kept_dying_is_given_up(ctx: Context) -> None:
    _, (page_id,) = _dossier(ctx, pages=1)
    with ctx.sessions.begin() as s:  # three workers claimed it and died mid-page
        s.execute(
            update(Page).where(Page.id == page_id).values(status=PageStatus.READING, attempts=MAX_ATTEMPTS)
        )
    outcome = read_page_step(ctx, page_id)
    assert (outcome.result, outcome.finish) == (PageResult.SKIPPED, True)
    with ctx.sessions() as s:
        page = s.get_one(Page, page_id)
        assert page.status == PageStatus.FAILED
        assert "gave up" in (page.error or "")


def test_recovery_queues_received_dossiers_and_stale_pages_only(ctx: Context) -> None:
    received, received_pages = _dossier(ctx, status=DossierStatus.RECEIVED)
    stuck, (stuck_done, stuck_reading) = _dossier(ctx)
    active, _ = _dossier(ctx)
    _save(ctx, stuck_done)
    long_ago = datetime.now(UTC) - timedelta(hours=1)
    with ctx.sessions.begin() as s:
        s.execute(
            update(Page)
            .where(Page.id == stuck_reading)
            .values(status=PageStatus.READING, claimed_at=long_ago)
        )
        s.execute(update(Dossier).where(Dossier.id == stuck).values(updated_at=long_ago))
    work = stale_work(ctx.sessions, older_than=timedelta(minutes=15))
    assert sorted(work.pages) == sorted([*received_pages, stuck_reading])
    assert work.finish == ()
    with ctx.sessions() as s:
        assert repo.get_dossier(s, received).status == DossierStatus.READING
        assert repo.get_dossier(s, active).status == DossierStatus.READING


def test_missing_information_notice_is_recorded_once(ctx: Context) -> None:
    dossier_id, _ = _dossier(ctx, status=DossierStatus.AWAITING_REVIEW)
    with ctx.sessions.begin() as s:
        dossier = repo.get_dossier(s, dossier_id)
        dossier.notice_due_at = datetime.now(UTC) - timedelta(minutes=1)
        dossier.missing = ["seal_card"]
    assert send_due_notices(ctx) == [dossier_id]
    assert send_due_notices(ctx) == []
    query = select(func.count(AuditEvent.id)).where(AuditEvent.action == NOTICE_ACTION)
    with ctx.sessions() as s:
        assert s.scalar(query) == 1


def test_embedded_pool_reads_every_page_once_and_reports_progress(ctx: Context, tmp_path: Path) -> None:
    paths = tiny_pages(tmp_path / "in", 2)
    seen: list[tuple[int, int]] = []
    dossier_id = process_embedded(
        ctx, paths, as_of=date(2026, 1, 5), workers=2, progress=lambda n, total: seen.append((n, total))
    )
    assert seen == [(1, 2), (2, 2)]
    with ctx.sessions() as s:
        out = dossier_json(s, dossier_id)
        attempts = s.scalars(select(Page.attempts).where(Page.dossier_id == dossier_id)).all()
        page_ids = set(s.scalars(select(Page.id).where(Page.dossier_id == dossier_id)))
        of_pages = select(SearchDocument.page_id).where(
            SearchDocument.dossier_id == dossier_id, SearchDocument.page_id.is_not(None)
        )
        assert set(s.scalars(of_pages)) == page_ids  # the finish indexed every page read for search
    assert out["dossier"]["status"] == "awaiting_review"
    assert (out["dossier"]["pages_done"], out["dossier"]["pages_failed"]) == (2, 0)
    assert [p["doc_type"] for p in out["pages"]] == ["bank_permit", "bank_permit"]
    assert list(attempts) == [1, 1]


def test_one_pool_reads_several_dossiers_and_is_started_once(ctx: Context, tmp_path: Path) -> None:
    """The watched folder's pool: kept across dossiers, so its workers load the OCR models once."""
    as_of = date(2026, 1, 5)
    one_page = register_paths(ctx, tiny_pages(tmp_path / "a", 1), as_of=as_of)
    dossiers = [register_paths(ctx, tiny_pages(tmp_path / name, 2), as_of=as_of) for name in ("b", "c")]
    with PagePool(ctx, 2) as pool:
        pool.run_dossier(ctx, one_page)
        assert pool.starts == 0  # a single page is read in this process: no workers, no model loads
        for dossier_id in dossiers:
            pool.run_dossier(ctx, dossier_id)
        assert pool.starts == 1
    for dossier_id, pages in ((one_page, 1), *((d, 2) for d in dossiers)):
        with ctx.sessions() as s:
            out = dossier_json(s, dossier_id)["dossier"]
            attempts = s.scalars(select(Page.attempts).where(Page.dossier_id == dossier_id)).all()
        assert (out["status"], out["pages_done"], out["pages_failed"]) == ("awaiting_review", pages, 0)
        assert list(attempts) == [1] * pages


def test_a_pool_stops_handing_out_pages_when_asked_and_a_second_run_reads_the_rest(
    ctx: Context, tmp_path: Path
) -> None:
    """`dossier serve` pauses a long dossier for an urgent upload (review_ui.jobs): the pages in flight
    end, the others stay pending, no finish; running it again reads exactly those."""
    dossier_id = register_paths(ctx, tiny_pages(tmp_path / "长", 5), as_of=date(2026, 1, 5))
    with PagePool(ctx, 2) as pool:
        assert pool.run_dossier(ctx, dossier_id, stop=lambda: _done(ctx, dossier_id) >= 1) is False
        paused = _done(ctx, dossier_id)
        with ctx.sessions() as s:
            pending = repo.page_ids(s, dossier_id, status=PageStatus.PENDING)
            assert repo.get_dossier(s, dossier_id).status == DossierStatus.READING
        assert 1 <= paused <= 3 and len(pending) == 5 - paused  # at most the 2 in flight after the first
        assert pool.run_dossier(ctx, dossier_id) is True
    with ctx.sessions() as s:
        out = dossier_json(s, dossier_id)["dossier"]
        attempts = s.scalars(select(Page.attempts).where(Page.dossier_id == dossier_id)).all()
    assert (out["status"], out["pages_done"], out["pages_failed"]) == ("awaiting_review", 5, 0)
    assert list(attempts) == [1] * 5  # nothing read twice


def _done(ctx: Context, dossier_id: str) -> int:
    with ctx.sessions() as s:
        return repo.get_dossier(s, dossier_id).pages_done


def test_a_dossier_without_readable_pages_still_finishes(ctx: Context, tmp_path: Path) -> None:
    """A dossier whose files were all rejected ends `failed` with its refusals, never awaiting review as a
    dossier missing every document (issue 13)."""
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"not a pdf")
    dossier_id = process_embedded(ctx, [bad], as_of=date(2026, 1, 5), workers=2)
    with ctx.sessions() as s:
        out = dossier_json(s, dossier_id)
    assert out["dossier"]["status"] == "failed"
    assert [r["file"] for r in out["rejected_files"]] == ["broken.pdf"]
    assert out["findings"] == []  # no "缺少…" blockers for a dossier nobody could read


def test_compose_file_defines_the_production_services() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"web", "worker", "beat", "watch", "redis", "postgres"}
    assert services["worker"]["command"][:2] == ["dossier", "worker"]
    assert services["beat"]["command"] == ["dossier", "beat"]
    assert services["web"]["command"][:2] == ["dossier", "serve"]
    assert "ports" not in services["worker"]  # `--scale worker=N` needs no fixed host port
    assert services["worker"]["environment"]["DOSSIER_BROKER_URL"].startswith("redis://redis:")
    assert {"dossier-data", "postgres-data"} <= set(compose["volumes"])
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "FROM python:3.11-slim" in dockerfile
    assert all(pkg in dockerfile for pkg in ("tesseract-ocr-chi-sim", "fonts-noto-cjk"))


def test_pages_of_a_worker_that_stopped_beating_are_handed_back_once(ctx: Context) -> None:
    _, (dead_page, live_page) = _dossier(ctx)
    now = datetime.now(UTC)
    for name, page_id, beat_at in (("dead", dead_page, now - timedelta(minutes=5)), ("live", live_page, now)):
        assert claim(ctx, page_id, worker=name) is not None
        with ctx.sessions.begin() as s:
            work.beat(s, name, beat_at)
    assert orphaned_pages(ctx.sessions, stale_after=timedelta(seconds=60), now=now) == [dead_page]
    assert orphaned_pages(ctx.sessions, stale_after=timedelta(seconds=60), now=now) == []
    with ctx.sessions() as s:
        dead, live = (s.get_one(Page, p) for p in (dead_page, live_page))
        assert (dead.status, dead.attempts, dead.claimed_by) == (PageStatus.PENDING, 1, None)
        assert (live.status, live.claimed_by) == (PageStatus.READING, "live")
        assert s.scalars(select(WorkerBeat.name)).all() == ["live"]
    outcome = read_page_step(ctx, dead_page)  # a later attempt: the file is gone here, so RETRY, not lost
    assert outcome.result is PageResult.RETRY
    worker_stopped(ctx.sessions, "live")  # a cold shutdown left its page `reading`: the next reclaim takes it
    assert orphaned_pages(ctx.sessions, stale_after=timedelta(seconds=60), now=now) == [live_page]


def test_backlog_counts_the_pages_waiting_and_says_when_it_is_over_the_limit(ctx: Context) -> None:
    _dossier(ctx, pages=4)
    small = replace(ctx, settings=replace(ctx.settings, max_backlog_pages=3, workers=2))
    found = backlog(small)
    assert (found.pages_waiting, found.over_limit) == (4, True)
    assert found.est_wait_seconds == round(4 * SECONDS_PER_PAGE / 2)
    assert backlog(ctx).over_limit is False


def test_a_dossier_due_within_two_days_is_read_first() -> None:
    today = date(2026, 1, 5)
    due_soon = Dossier(pickup_date=today + timedelta(days=8), as_of=today)  # deadline: tomorrow
    later = Dossier(pickup_date=today + timedelta(days=30), as_of=today)
    priorities = [read_priority(d, today) for d in (due_soon, later, Dossier(as_of=today))]
    assert priorities == [URGENT, NORMAL, NORMAL]
