"""`dossier serve` stopped as a service manager stops it (SIGTERM) takes its OCR worker processes with it.

In embedded mode serve starts a pool of reader processes (and the fork server they come from); a stopped UI
that leaves them running would hold memory and the data dir's database after every restart.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.review_ui.outside import DOSSIER, free_port

pytestmark = pytest.mark.ocr  # the pool's workers load the OCR models as they start


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == parent and int(entry.name) not in found:
                found.add(int(entry.name))
                todo.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_sigterm_stops_serve_and_its_worker_processes(tmp_path: Path) -> None:
    env = {**os.environ, "DOSSIER_DATA_DIR": str(tmp_path / "data"), "DOSSIER_WORKERS": "2"}
    env.pop("DOSSIER_DATABASE_URL", None)
    env.pop("DOSSIER_BROKER_URL", None)
    process = subprocess.Popen(
        [DOSSIER, "serve", "--port", str(free_port())],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        started: set[int] = set()
        while time.monotonic() < deadline and len(started) < 4:  # resource tracker, fork server, two readers
            started = _descendants(process.pid)
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            time.sleep(0.3)
        assert len(started) >= 4, started
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(_alive(pid) for pid in started):
            time.sleep(0.2)
        assert not [pid for pid in started if _alive(pid)]
    finally:
        if process.poll() is None:
            process.kill()
