"""`dossier watch` as a process (issue 14, "Done when"): a dossier folder copied in slowly, a ZIP written
under a temporary name and renamed, a loose file and a corrupt file; the watcher is killed with SIGKILL after
it has claimed and registered the folder but before moving it, then started again. Each dossier exists once,
the corrupt file is in failed/ with its reason, done/ holds the others, nothing is lost.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from intake.settings import sqlite_url
from tests.intake.test_watching import text_pdf

ROOT = Path(__file__).resolve().parents[2]
QUIET = 3.0  # seconds; the folder is copied in with pauses well below it


def _start(root: Path, data: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DOSSIER_DATA_DIR": str(data), "DOSSIER_WORKERS": "1"}
    env.pop("DOSSIER_DATABASE_URL", None)
    env.pop("DOSSIER_BROKER_URL", None)
    args = ["watch", str(root), "--quiet-seconds", str(QUIET), "--poll-seconds", "0.2", "--workers", "1"]
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "intake.cli", *args], env=env, cwd=ROOT, stdout=out, stderr=out
        )


def _until(what: str, check: Callable[[], bool], timeout: float, log: Path) -> None:
    end = time.monotonic() + timeout
    while not check():
        if time.monotonic() > end:
            pytest.fail(f"timed out waiting for {what}; watcher log:\n{log.read_text(errors='replace')}")
        time.sleep(0.01)


def _registered(data: Path) -> list[tuple[str, str, int]]:
    """(item name, source, number of files) of every dossier in the watcher's database."""
    db = data / "dossier.db"
    if not db.exists():
        return []
    engine = create_engine(sqlite_url(db))
    try:
        with engine.connect() as c:
            rows = c.execute(
                text(
                    "SELECT d.intake_name, d.intake_source, COUNT(f.id) FROM dossiers d "
                    "LEFT JOIN files f ON f.dossier_id = d.id GROUP BY d.id ORDER BY d.intake_name"
                )
            ).all()
    except Exception:  # the watcher is still creating the schema
        return []
    finally:
        engine.dispose()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def _digests(folder: Path) -> list[str]:
    return sorted(
        hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file() and not p.name.endswith(".txt") and ".processing" not in p.parts
    )


def test_watch_survives_sigkill_mid_item_and_reads_every_dossier_once(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    folder_files = [
        text_pdf(src / "营业执照.pdf", "business_license", 11),
        text_pdf(src / "申请表.pdf", "application_form", 11),
        text_pdf(src / "开户许可证.pdf", "bank_permit", 11),
    ]
    zipped = src / "李四.zip"
    with zipfile.ZipFile(zipped, "w") as z:
        z.write(text_pdf(src / "z1.pdf", "business_license", 12), "营业执照.pdf")
        z.write(text_pdf(src / "z2.pdf", "application_form", 12), "申请表.pdf")
    loose = text_pdf(src / "王五_营业执照.pdf", "business_license", 13)
    corrupt = src / "坏文件.pdf"
    corrupt.write_bytes(b"%PDF-1.4\n1 0 obj\n<< truncated")
    dropped = sorted(
        hashlib.sha256(p.read_bytes()).hexdigest() for p in [*folder_files, zipped, loose, corrupt]
    )

    root, data, log = tmp_path / "scans", tmp_path / "data", tmp_path / "watch.log"
    root.mkdir()
    first = _start(root, data, log)
    try:
        # a folder copied in slowly, file by file: never taken before the last file stayed quiet
        (root / "张三").mkdir()
        for path in folder_files:
            (root / "张三" / path.name).write_bytes(path.read_bytes())
            time.sleep(QUIET / 4)
            assert (root / "张三").exists(), "the folder was taken while it was still being copied"
        # killed after the claim and the registration, before the move to done/
        _until("the folder's dossier", lambda: bool(_registered(data)), 120, log)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        assert not (root / "done" / "张三").exists(), "the watcher finished the item before it was killed"
        assert any((root / ".processing").iterdir())
    finally:
        if first.poll() is None:
            first.kill()
    # dropped while no watcher runs: a ZIP written under a temporary name then renamed, a loose and a bad file
    (root / "李四.zip.part").write_bytes(zipped.read_bytes())
    (root / "李四.zip.part").rename(root / "李四.zip")
    (root / loose.name).write_bytes(loose.read_bytes())
    (root / corrupt.name).write_bytes(corrupt.read_bytes())

    second = _start(root, data, log)
    try:
        expected = ["张三", "张三.结果.txt", "李四.zip", "李四.zip.结果.txt", "王五", "王五.结果.txt"]

        def settled() -> bool:
            done = sorted(p.name for p in (root / "done").iterdir()) if (root / "done").exists() else []
            failed = (root / "failed" / "坏文件.原因.txt").exists()
            return done == expected and failed and not any((root / ".processing").iterdir())

        _until("done/ and failed/", settled, 120, log)
    finally:
        second.send_signal(signal.SIGINT)
        second.wait(20)
    assert second.returncode == 0, log.read_text(errors="replace")

    assert _registered(data) == [
        ("scans/张三", "folder", 3),
        ("scans/李四.zip", "folder", 2),
        ("scans/王五", "folder", 1),
    ]
    reason = (root / "failed" / "坏文件.原因.txt").read_text(encoding="utf-8")
    assert "坏文件.pdf" in reason and "未建立档案" in reason
    assert (root / "failed" / "坏文件" / "坏文件.pdf").exists()
    assert "待审核" in (root / "done" / "张三.结果.txt").read_text(encoding="utf-8")
    assert list((root / ".processing").iterdir()) == []
    assert sorted(p.name for p in root.iterdir()) == [".processing", "done", "failed"]
    assert _digests(root) == dropped  # nothing lost, nothing duplicated
