"""`make demo` as a user meets it (scripts/demo.sh on a small sample, read by the instant test engine).

Read as of today with a pickup date two weeks ahead; run twice, one dossier and a message saying so; a failed
step or a refused admin stops the demo with a message instead of printing a wrong password.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from datetime import date, timedelta
from pathlib import Path

from tests.workers.pages import known_lines_pages

ROOT = Path(__file__).resolve().parents[1]


def _demo(sample: Path, data: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "DEMO_SAMPLE": str(sample), "DOSSIER_DATA_DIR": str(data), "DEMO_SERVE": "0"}
    full_env |= {"DOSSIER_OCR_ENGINE": "known-lines", "DOSSIER_WORKERS": "1", **env}
    return subprocess.run(
        ["bash", "scripts/demo.sh"],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _dossiers(data: Path) -> int:
    with sqlite3.connect(data / "dossier.db") as db:
        return int(db.execute("SELECT count(*) FROM dossiers").fetchone()[0])


def test_the_demo_run_twice_reads_the_sample_once_with_a_deadline_ahead(tmp_path: Path) -> None:
    sample, data = tmp_path / "sample", tmp_path / "data"
    known_lines_pages(sample, 2)
    first = _demo(sample, data)
    assert first.returncode == 0, first.stdout + first.stderr
    pickup = date.today() + timedelta(days=14)
    assert f"预计提货日期：{pickup}" in first.stdout
    assert f"建档截止日期：{pickup - timedelta(days=7)}" in first.stdout  # a week ahead, not overdue
    assert "检查结果：" in first.stdout and _dossiers(data) == 1
    second = _demo(sample, data)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "样例档案已读取过" in second.stdout and "不再重复建档" in second.stdout
    assert _dossiers(data) == 1
    (sample / "page01.png").write_bytes((sample / "page01.png").read_bytes() + b"\0")  # another sample
    third = _demo(sample, data)
    assert third.returncode == 0 and "已读取过" not in third.stdout and _dossiers(data) == 2


def test_a_failed_step_stops_the_demo_with_a_message(tmp_path: Path) -> None:
    sample = tmp_path / "sample"
    sample.mkdir()
    (sample / "scan.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n")  # nothing readable: process exits non-zero
    run = _demo(sample, tmp_path / "data")
    assert run.returncode != 0
    assert "步骤失败" in run.stderr and "演示已停止" in run.stderr


def test_a_refused_admin_is_shown_and_no_password_printed(tmp_path: Path) -> None:
    sample = tmp_path / "sample"
    known_lines_pages(sample, 1)
    run = _demo(sample, tmp_path / "data", DEMO_SERVE="1", DEMO_PASSWORD="short")
    assert run.returncode == 1
    assert "无法创建用户 admin" in run.stderr
    assert "密码 short" not in run.stdout and "审核界面：" not in run.stdout
