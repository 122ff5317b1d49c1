"""A real `dossier worker` on the real Redis and PostgreSQL: processing, a worker killed, Redis down."""

from __future__ import annotations

import base64
import json
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select

from intake.lifecycle.backlog import backlog
from intake.lifecycle.recovery import stale_work
from intake.lifecycle.register import register_paths
from storage.models import AuditEvent, Dossier, DossierStatus, Page, PageStatus, StoredFile
from workers.submit import enqueue_dossier

from .conftest import ROOT, Services, start_worker, stop, wait_until
from .pages import known_lines_pages, tiny_pages

pytestmark = pytest.mark.services
AS_OF = "2026-01-05"


def _submit(
    services: Services, paths: list[Path], *extra: str, **env: str
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "intake.cli", "submit", *map(str, paths), "--as-of", AS_OF, *extra]
    return subprocess.run(
        command, cwd=ROOT, env=services.env(**env), capture_output=True, text=True, timeout=600
    )


def _dossier(services: Services, dossier_id: str) -> Dossier:
    with services.ctx.sessions() as s:
        return s.get_one(Dossier, dossier_id)


def _finished_events(services: Services, dossier_id: str) -> int:
    query = select(func.count(AuditEvent.id)).where(
        AuditEvent.dossier_id == dossier_id, AuditEvent.action == "dossier.awaiting_review"
    )
    with services.ctx.sessions() as s:
        return int(s.scalar(query) or 0)


def test_submitted_dossier_is_read_and_checked(services: Services, tmp_path: Path) -> None:
    worker = start_worker(services, tmp_path / "worker.log")
    try:
        done = _submit(services, tiny_pages(tmp_path / "in", 2), "--wait", "--json", "--timeout", "400")
    finally:
        stop(worker, signal.SIGTERM)
    assert done.returncode == 0, done.stderr + (tmp_path / "worker.log").read_text()
    out = json.loads(done.stdout)
    assert out["dossier"]["status"] == "awaiting_review"
    assert [p["doc_type"] for p in out["pages"]] == ["bank_permit", "bank_permit"]
    assert _finished_events(services, out["dossier"]["id"]) == 1


def test_worker_killed_mid_page_is_replaced_within_two_minutes(services: Services, tmp_path: Path) -> None:
    """Default settings (visibility timeout 1 h, stale window 15 min), no beat: the killed worker's claim
    is tied to its heartbeat, so the next worker takes the page up within STALE_AFTER + RECLAIM_EVERY."""
    first = start_worker(services, tmp_path / "first.log")
    try:
        submitted = _submit(services, tiny_pages(tmp_path / "in", 3))
        assert submitted.returncode == 0, submitted.stderr
        dossier_id = submitted.stdout.strip()

        def reading() -> bool:
            query = select(Page.id).where(Page.dossier_id == dossier_id, Page.status == PageStatus.READING)
            with services.ctx.sessions() as s:
                return s.scalar(query) is not None

        assert wait_until(reading, timeout=180), (tmp_path / "first.log").read_text()
    finally:
        stop(first, signal.SIGKILL)  # the worker and its pool child die mid-page, nothing acknowledged

    killed_at = time.monotonic()
    second = start_worker(services, tmp_path / "second.log")
    try:
        finished = wait_until(
            lambda: _dossier(services, dossier_id).status == DossierStatus.AWAITING_REVIEW,
            timeout=120,
            step=1,
        )
        assert finished, (tmp_path / "second.log").read_text()
        assert time.monotonic() - killed_at <= 120
        time.sleep(2)  # a duplicate finish, if one were queued, would land now
    finally:
        stop(second, signal.SIGTERM)

    dossier = _dossier(services, dossier_id)
    assert (dossier.pages_total, dossier.pages_done, dossier.pages_failed) == (3, 3, 0)
    with services.ctx.sessions() as s:
        pages = s.execute(select(Page.status, Page.attempts).where(Page.dossier_id == dossier_id)).all()
    assert {status for status, _ in pages} == {PageStatus.DONE}
    # the page being read when the worker died was read once more, every other page exactly once
    assert sorted(attempts for _, attempts in pages) == [1, 1, 2]
    assert _finished_events(services, dossier_id) == 1


def _unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_submit_with_redis_down_fails_clearly_and_keeps_the_dossier(
    services: Services, tmp_path: Path
) -> None:
    broker = f"redis://127.0.0.1:{_unused_port()}/0"
    started = time.monotonic()
    result = _submit(services, tiny_pages(tmp_path / "in", 2), DOSSIER_BROKER_URL=broker)
    assert time.monotonic() - started < 60
    assert result.returncode == 3
    assert broker in result.stderr

    with services.ctx.sessions() as s:
        received = s.scalars(select(Dossier).where(Dossier.status == DossierStatus.RECEIVED)).all()
        assert len(received) == 1
        dossier_id = received[0].id
        files = s.scalars(select(StoredFile).where(StoredFile.dossier_id == dossier_id)).all()
        assert [f.name for f in files] == ["page01.png", "page02.png"]
        assert all(services.ctx.store.path(f.sha256 or "").exists() for f in files)
    # The next worker to start queues it: both pages come back as work.
    work = stale_work(services.ctx.sessions, older_than=timedelta(minutes=15))
    assert len(work.pages) == 2
    assert _dossier(services, dossier_id).status == DossierStatus.READING


def test_an_urgent_dossier_is_read_ahead_of_a_bulk_import_already_queued(
    services: Services, tmp_path: Path
) -> None:
    """500 pages of a bulk import are queued first, then one dossier due tomorrow; one worker (the instant
    known-lines engine) starts only then: the urgent one is review-ready before a fifth of the bulk is."""
    settings = replace(services.ctx.settings, broker_url=services.broker_url, ocr_engine="known-lines")
    ctx = replace(services.ctx, settings=settings, engine="known-lines")
    today = date.today()
    already = backlog(ctx).pages_waiting  # earlier tests of this module may leave a dossier unread
    bulk = register_paths(ctx, known_lines_pages(tmp_path / "bulk", 500, prefix="批量"), as_of=today)
    urgent = register_paths(
        ctx, known_lines_pages(tmp_path / "urgent", 3, prefix="加急"), as_of=today,
        pickup_date=today + timedelta(days=8),  # deadline (pickup − 7 days) tomorrow
    )  # fmt: skip
    assert enqueue_dossier(ctx, bulk, today) == 500
    assert enqueue_dossier(ctx, urgent, today) == 3
    waiting = backlog(ctx)
    assert waiting.pages_waiting == already + 503 and waiting.est_wait_seconds > 0

    worker = start_worker(services, tmp_path / "worker.log", DOSSIER_OCR_ENGINE="known-lines")
    try:
        ready = wait_until(
            lambda: _dossier(services, urgent).status == DossierStatus.AWAITING_REVIEW, timeout=300
        )
        bulk_read = _dossier(services, bulk).pages_done
    finally:
        stop(worker, signal.SIGTERM)
        redis.Redis.from_url(services.broker_url).flushdb()  # the rest of the bulk is not for later tests
    assert ready, (tmp_path / "worker.log").read_text()
    assert bulk_read < 100, f"{bulk_read} bulk pages were read before the urgent dossier"


def _queued_reads(client: redis.Redis, pages: set[int]) -> list[tuple[str, list[int], list[int | None]]]:
    """The read tasks waiting in Redis (every priority's list) for these pages: task name, page ids and the
    time limits the message carries (hard, soft)."""
    found = []
    for key in client.keys("ocr*"):
        for raw in client.lrange(key, 0, -1):
            message = json.loads(raw)
            args = json.loads(base64.b64decode(message["body"]))[0]
            ids = args[0] if isinstance(args[0], list) else [args[0]]
            if set(ids) & pages:
                found.append((message["headers"]["task"], ids, message["headers"]["timelimit"]))
    return found


def test_a_bulk_import_is_queued_in_batches_and_every_page_is_read_once(
    services: Services, tmp_path: Path
) -> None:
    """Six dossiers of six pages queued while no worker runs: a queue, so the pages go in batches (at most
    `read_batch`), each page in exactly one task; one worker then reads them all once and finishes each
    dossier once."""
    settings = replace(
        services.ctx.settings, broker_url=services.broker_url, ocr_engine="known-lines", read_batch=4
    )
    ctx = replace(services.ctx, settings=settings, engine="known-lines")
    today = date.today()
    ids = [
        register_paths(ctx, known_lines_pages(tmp_path / f"d{n}", 6, prefix=f"批{n}"), as_of=today)
        for n in range(6)
    ]
    for dossier_id in ids:
        assert enqueue_dossier(ctx, dossier_id, today) == 6
    with services.ctx.sessions() as s:
        pages = set(s.scalars(select(Page.id).where(Page.dossier_id.in_(ids))))
    client = redis.Redis.from_url(services.broker_url)
    queued = _queued_reads(client, pages)
    assert Counter(i for _, batch, _ in queued for i in batch) == Counter(pages)  # each page in one task
    batches = [(batch, limits) for name, batch, limits in queued if name == "workers.tasks.read_pages"]
    assert batches and all(1 < len(batch) <= 4 for batch, _ in batches)
    for batch, limits in batches:  # a batch may take as long as its pages one by one
        assert limits == [settings.page_hard_limit * len(batch), settings.page_soft_limit * len(batch)]

    worker = start_worker(services, tmp_path / "worker.log", DOSSIER_OCR_ENGINE="known-lines")
    try:
        done = wait_until(
            lambda: all(_dossier(services, d).status == DossierStatus.AWAITING_REVIEW for d in ids),
            timeout=300,
        )
    finally:
        stop(worker, signal.SIGTERM)
    assert done, (tmp_path / "worker.log").read_text()
    with services.ctx.sessions() as s:
        attempts = s.scalars(select(Page.attempts).where(Page.id.in_(pages))).all()
    assert sorted(attempts) == [1] * 36
    assert [_finished_events(services, d) for d in ids] == [1] * 6
