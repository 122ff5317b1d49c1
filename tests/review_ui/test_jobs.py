"""The UI process, alone in embedded mode: it resumes what an earlier run of it left half-read, and reads the
uploads waiting for it most urgent first."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from intake.lifecycle.context import Context
from intake.lifecycle.register import register_paths as create_dossier
from intake.settings import Settings
from review_ui import jobs
from storage import repository as repo
from storage.db import make_engine, make_session_factory, migrate
from storage.filestore import FileStore
from storage.models import AuditEvent, DossierStatus, PageStatus
from tests.workers.pages import tiny_pages


@pytest.fixture
def ctx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Context:
    monkeypatch.delenv("DOSSIER_BROKER_URL", raising=False)
    settings = Settings(tmp_path / "data", f"sqlite:///{tmp_path}/dossier.db")
    settings.ensure_dirs()
    engine = make_engine(settings.database_url)
    migrate(engine)
    return Context(settings, make_session_factory(engine), FileStore(settings.files_dir))


def test_a_dossier_left_half_read_is_resumed_at_start_up(ctx: Context, tmp_path: Path) -> None:
    # GIVEN a dossier stored and registered, then the process died before any page was read
    dossier_id = create_dossier(ctx, tiny_pages(tmp_path / "in", 2), as_of=date(2026, 1, 5))
    # WHEN the UI process starts again
    assert jobs.resume_unfinished(ctx) == [dossier_id]
    jobs._reader.submit(lambda: None).result(timeout=300)  # the single reader thread has drained its queue
    # THEN every page is read and the dossier waits for review
    with ctx.sessions() as s:
        assert repo.get_dossier(s, dossier_id).status == DossierStatus.AWAITING_REVIEW
        assert repo.page_ids(s, dossier_id, status=PageStatus.PENDING) == []
    # and a second start finds nothing to do
    assert jobs.resume_unfinished(ctx) == []


def test_an_urgent_upload_is_read_before_the_uploads_waiting_ahead_of_it(
    ctx: Context, tmp_path: Path
) -> None:
    # GIVEN the reader thread busy, and two ordinary uploads waiting, then one due for pickup in 8 days
    # (its deadline, 7 days before, is tomorrow: urgent)
    today = date.today()
    first, second = (
        create_dossier(ctx, tiny_pages(tmp_path / name, 1), as_of=today, pickup_date=today + timedelta(30))
        for name in ("甲", "乙")
    )
    urgent = create_dossier(
        ctx, tiny_pages(tmp_path / "急", 1), as_of=today, pickup_date=today + timedelta(8)
    )
    busy = threading.Event()
    jobs._reader.submit(busy.wait, 60)
    for dossier_id in (first, second, urgent):
        jobs.start_reading(ctx, dossier_id)
    # WHEN the thread is free again
    busy.set()
    jobs._reader.submit(lambda: None).result(timeout=300)
    # THEN the urgent one was read first, the others in the order they came
    assert _ready_in_order(ctx) == [urgent, first, second]


def test_a_long_dossier_being_read_pauses_for_an_urgent_upload_then_resumes(
    ctx: Context, tmp_path: Path
) -> None:
    # GIVEN an ordinary 6-page dossier whose reading has begun (a tiny page takes the OCR ~1 s here)
    today = date.today()
    long = create_dossier(ctx, tiny_pages(tmp_path / "长", 6), as_of=today, pickup_date=today + timedelta(30))
    urgent = create_dossier(
        ctx, tiny_pages(tmp_path / "急", 1), as_of=today, pickup_date=today + timedelta(8)
    )
    jobs.start_reading(ctx, long)
    deadline = time.monotonic() + 120
    while _pages_done(ctx, long) == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    # WHEN an urgent upload arrives
    jobs.start_reading(ctx, urgent)
    while _status(ctx, long) != DossierStatus.AWAITING_REVIEW and time.monotonic() < deadline + 300:
        time.sleep(0.05)  # the paused dossier's job is queued after this test's: wait for the state
    # THEN it was ready for review before the long one, which was paused, not abandoned: every page read once
    assert _ready_in_order(ctx) == [urgent, long]
    with ctx.sessions() as s:
        dossier = repo.get_dossier(s, long)
        assert (dossier.pages_done, dossier.pages_failed) == (6, 0)
        assert repo.page_ids(s, long, status=PageStatus.PENDING) == []


def _ready_in_order(ctx: Context) -> list[str]:
    """The dossiers handed over to review, in the order they were (the audit trail's ids)."""
    with ctx.sessions() as s:
        return list(
            s.scalars(
                select(AuditEvent.dossier_id)
                .where(AuditEvent.action == f"dossier.{DossierStatus.AWAITING_REVIEW.value}")
                .order_by(AuditEvent.id)
            )
        )


def _pages_done(ctx: Context, dossier_id: str) -> int:
    with ctx.sessions() as s:
        return repo.get_dossier(s, dossier_id).pages_done


def _status(ctx: Context, dossier_id: str) -> DossierStatus:
    with ctx.sessions() as s:
        return repo.get_dossier(s, dossier_id).status
