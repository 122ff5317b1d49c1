"""The UI process, alone in embedded mode, resumes what an earlier run of it left half-read."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from intake.lifecycle.context import Context
from intake.lifecycle.register import register_paths as create_dossier
from intake.settings import Settings
from review_ui import jobs
from storage import repository as repo
from storage.db import make_engine, make_session_factory, migrate
from storage.filestore import FileStore
from storage.models import DossierStatus, PageStatus
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
