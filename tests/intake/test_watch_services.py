"""`dossier watch` in production mode: DOSSIER_BROKER_URL set, the Celery workers read what the watcher
registers (real Redis and PostgreSQL). With the broker down the item waits in .processing — not failed/,
not registered twice — and the next run hands it to the workers.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.models import Dossier, DossierStatus
from tests.intake.test_watching import text_pdf
from tests.workers.conftest import ROOT, Services, services, start_worker, stop

pytestmark = pytest.mark.services
__all__ = ["services"]  # the fixture, imported for this module


def _watch_once(s: Services, root: Path, broker_url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = s.env() if broker_url is None else s.env(DOSSIER_BROKER_URL=broker_url)
    command = [
        sys.executable,
        "-m",
        "intake.cli",
        "watch",
        str(root),
        "--once",
        "--quiet-seconds",
        "1",
        "--poll-seconds",
        "0.5",
    ]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def _folder_dossiers(s: Services, name: str) -> list[tuple[str, DossierStatus]]:
    with s.ctx.sessions() as session:
        rows = session.execute(select(Dossier.id, Dossier.status).where(Dossier.intake_name == name)).all()
    return [(r[0], r[1]) for r in rows]


def test_with_the_broker_down_the_item_waits_then_the_workers_read_it_once(
    services: Services, tmp_path: Path
) -> None:
    root = tmp_path / f"scans-{tmp_path.name}"
    (root / "张三").mkdir(parents=True)
    text_pdf(root / "张三" / "营业执照.pdf", "business_license", 21)
    text_pdf(root / "张三" / "申请表.pdf", "application_form", 21)
    name = f"{root.name}/张三"

    down = _watch_once(services, root, broker_url="redis://127.0.0.1:1/0")
    assert down.returncode == 0, down.stderr
    assert not (root / "done").exists() and not (root / "failed").exists()
    (claim,) = (p for p in (root / ".processing").iterdir() if not p.name.startswith("."))
    assert (claim / "张三" / "营业执照.pdf").exists()
    ((first_id, status),) = _folder_dossiers(services, name)
    assert status == DossierStatus.RECEIVED  # stored, to be queued when a broker answers

    worker = start_worker(services, tmp_path / "worker.log")
    try:
        up = _watch_once(services, root)
    finally:
        stop(worker, signal.SIGTERM)
    assert up.returncode == 0, up.stderr + (tmp_path / "worker.log").read_text(errors="replace")
    assert _folder_dossiers(services, name) == [(first_id, DossierStatus.AWAITING_REVIEW)]
    assert sorted(p.name for p in (root / "done" / "张三").iterdir()) == ["申请表.pdf", "营业执照.pdf"]
    assert first_id in (root / "done" / "张三.结果.txt").read_text(encoding="utf-8")
    assert list((root / ".processing").iterdir()) == []
