"""Backup and restore (storage.backup through intake.lifecycle.maintenance and the `dossier` command).

Every round trip restores onto an empty data dir (and, on PostgreSQL, an empty database created for the test)
and compares what matters: each dossier's contract JSON, the audit trail, the archive records, the row counts
of every table and the SHA-256 of every file under the data dir.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from intake.cli import ExitCode, main
from intake.lifecycle.context import Context, open_context
from intake.lifecycle.maintenance import back_up, restore
from intake.settings import Settings
from storage.backup import (
    FILE_LIST,
    MANIFEST,
    BackupError,
    BackupInvalidError,
    RestoreRefusedError,
    verify_backup,
)
from storage.contract_json import dossier_json
from storage.models import ArchiveRecord, AuditEvent, Dossier, StoredFile
from tests.storage.maintenance_kit import SettingsFor, archived_dossier, settings_for, upload

__all__ = ["settings_for"]  # the backend fixture, shared with the other maintenance tests through the kit


def _file_hashes(data_dir: Path) -> dict[str, str]:
    hashes = {}
    for path in sorted(data_dir.rglob("*")):
        relative = path.relative_to(data_dir)
        skipped = relative.parts[0] == "work" or path.name.startswith(("dossier.db", ".tmp"))
        if path.is_file() and not skipped:
            hashes[relative.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def _records(ctx: Context) -> dict[str, Any]:
    """Everything a user sees of the archive, in a form two databases can be compared by."""
    with ctx.sessions() as s:
        ids = sorted(s.scalars(select(Dossier.id)))
        return {
            "dossiers": {i: dossier_json(s, i) for i in ids},
            "audit": [
                (e.id, e.actor, e.action, e.dossier_id, e.entity, e.before, e.after, e.reason)
                for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))
            ],
            "archive": [
                (r.archive_no, r.dossier_id, r.customer_no, r.archived_at, r.copies, r.handler, r.reviewer)
                for r in s.scalars(select(ArchiveRecord).order_by(ArchiveRecord.id))
            ],
        }


@pytest.fixture
def source(tmp_path: Path, settings_for: SettingsFor) -> Context:
    ctx = open_context(settings_for(tmp_path / "data"))
    for n in range(2):
        archived_dossier(ctx, tmp_path / "in", f"R-{n}")
    upload(ctx, tmp_path / "in", "R-waiting")  # registered, not read: pages pending
    (ctx.settings.data_dir / "archive" / "C1" / "2026-Q4").mkdir(parents=True)
    (ctx.settings.data_dir / "archive" / "C1" / "2026-Q4" / "a.pdf").write_bytes(b"%PDF-1.7 filed")
    (ctx.settings.work_dir / "scratch.tmp").write_bytes(b"not backed up")
    return ctx


def test_backup_then_restore_on_an_empty_data_dir_gives_identical_records_and_files(
    source: Context, tmp_path: Path, settings_for: SettingsFor
) -> None:
    summary = back_up(source.settings, tmp_path / "backup")
    assert summary.files == len(_file_hashes(source.settings.data_dir)) > 0
    assert summary.linked > 0  # the read-only originals are hard-linked, not copied
    assert summary.tables["dossiers"] == 3 and summary.tables["archive_records"] == 2

    target_settings = settings_for(tmp_path / "restored")
    restored = restore(target_settings, tmp_path / "backup")

    assert restored.tables == summary.tables and restored.files == summary.files
    target = open_context(target_settings)
    assert _records(target) == _records(source)
    assert _file_hashes(target_settings.data_dir) == _file_hashes(source.settings.data_dir)
    assert not (target_settings.work_dir / "scratch.tmp").exists()  # work/ is not data
    with target.sessions() as s:  # every original the records name is in the restored store, intact
        shas = set(s.scalars(select(StoredFile.sha256).where(StoredFile.sha256.is_not(None))))
    assert shas and all(target.store.verify(sha) for sha in shas if sha)


def test_a_tampered_backup_file_is_refused_naming_it_and_nothing_is_touched(
    source: Context, tmp_path: Path
) -> None:
    back_up(source.settings, tmp_path / "backup")
    listed = [json.loads(line)["path"] for line in (tmp_path / "backup" / FILE_LIST).read_text().splitlines()]
    victim = next(p for p in listed if p.startswith("pages/"))
    (tmp_path / "backup" / "data" / victim).write_bytes(b"tampered")
    target = Settings.for_data_dir(tmp_path / "restored")

    with pytest.raises(BackupInvalidError, match=victim):
        restore(target, tmp_path / "backup")
    assert not (target.data_dir / "pages").exists()
    assert not target.database_path.exists()


def test_a_tampered_database_dump_is_refused(source: Context, tmp_path: Path) -> None:
    back_up(source.settings, tmp_path / "backup")
    manifest = json.loads((tmp_path / "backup" / MANIFEST).read_text())
    dump = tmp_path / "backup" / manifest["database"]["file"]
    data = bytearray(dump.read_bytes())
    data[-10] ^= 0xFF
    dump.write_bytes(bytes(data))
    with pytest.raises(BackupInvalidError, match=manifest["database"]["file"]):
        verify_backup(tmp_path / "backup")


def test_an_unfinished_backup_without_its_manifest_is_refused(source: Context, tmp_path: Path) -> None:
    back_up(source.settings, tmp_path / "backup")
    (tmp_path / "backup" / MANIFEST).unlink()
    with pytest.raises(BackupInvalidError, match="备份不完整"):
        restore(Settings.for_data_dir(tmp_path / "restored"), tmp_path / "backup")


@pytest.mark.parametrize("hostile", ["../outside.txt", "/etc/passwd", "work/secret_key", "files/../../x"])
def test_a_manifest_naming_paths_outside_is_refused(source: Context, tmp_path: Path, hostile: str) -> None:
    backup = tmp_path / "backup"
    back_up(source.settings, backup)
    line = json.dumps({"path": hostile, "size": 1, "sha256": "0" * 64}) + "\n"
    with (backup / FILE_LIST).open("a") as fh:
        fh.write(line)
    manifest = json.loads((backup / MANIFEST).read_text())
    manifest["files"]["sha256"] = hashlib.sha256((backup / FILE_LIST).read_bytes()).hexdigest()
    manifest["files"]["count"] += 1
    (backup / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(BackupInvalidError, match=r"路径|不应恢复的目录"):
        restore(Settings.for_data_dir(tmp_path / "restored"), backup)
    assert not (tmp_path / "outside.txt").exists() and not (tmp_path / "x").exists()


def test_a_symlink_in_the_backup_is_refused(source: Context, tmp_path: Path) -> None:
    backup = tmp_path / "backup"
    back_up(source.settings, backup)
    listed = json.loads((backup / FILE_LIST).read_text().splitlines()[0])["path"]
    victim = backup / "data" / listed
    victim.unlink()
    victim.symlink_to(source.settings.data_dir / listed)  # same bytes, but a link out of the backup
    with pytest.raises(BackupInvalidError, match="符号链接"):
        verify_backup(backup)


def test_restore_refuses_a_data_dir_or_database_holding_data_unless_forced(
    source: Context, tmp_path: Path, settings_for: SettingsFor
) -> None:
    backup = tmp_path / "backup"
    back_up(source.settings, backup)
    target_settings = settings_for(tmp_path / "busy")
    busy = open_context(target_settings)
    archived_dossier(busy, tmp_path / "other", "R-other")
    before = _records(busy)

    with pytest.raises(RestoreRefusedError, match="--force"):
        restore(target_settings, backup)
    assert _records(busy) == before  # refused: nothing changed

    summary = restore(target_settings, backup, force=True)
    assert _records(open_context(target_settings)) == _records(source)
    assert summary.set_aside is not None and (summary.set_aside / "files").is_dir()  # kept, not deleted


def test_backup_refuses_a_target_inside_the_data_dir_or_not_empty(source: Context, tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="相互包含"):
        back_up(source.settings, source.settings.data_dir / "backup")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    with pytest.raises(BackupError, match="不为空"):
        back_up(source.settings, tmp_path / "full")


def test_backup_while_another_thread_writes_is_consistent(
    source: Context, tmp_path: Path, settings_for: SettingsFor
) -> None:
    """Dossiers keep arriving during the backup: what the dump holds is complete, files included."""
    stop = threading.Event()
    errors: list[BaseException] = []

    def keep_writing() -> None:
        n = 0
        try:
            while not stop.is_set():
                upload(source, tmp_path / "busy-in", f"W-{n}")
                n += 1
        except BaseException as exc:  # the test must see a failing writer
            errors.append(exc)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        summaries = [back_up(source.settings, tmp_path / f"backup-{n}") for n in range(3)]
    finally:
        stop.set()
        writer.join()
    assert not errors
    with source.sessions() as s:
        total = s.scalar(select(text("count(*)")).select_from(Dossier))
    assert total is not None and total > summaries[0].tables["dossiers"]  # the writer did write meanwhile

    for n, summary in enumerate(summaries):
        target_settings = settings_for(tmp_path / f"restored-{n}")
        restored = restore(target_settings, tmp_path / f"backup-{n}")
        assert restored.tables == summary.tables
        target = open_context(target_settings)
        with target.sessions() as s:
            shas = [sha for sha in s.scalars(select(StoredFile.sha256)) if sha]
        assert shas and all(target.store.verify(sha) for sha in shas)  # no row names a missing file


def test_the_cli_backs_up_restores_and_exits_with_its_codes(
    source: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DOSSIER_DATA_DIR", str(source.settings.data_dir))
    monkeypatch.setenv("DOSSIER_DATABASE_URL", source.settings.database_url)
    assert main(["backup", str(tmp_path / "backup")]) == ExitCode.OK
    assert "备份完成" in capsys.readouterr().out

    monkeypatch.setenv("DOSSIER_DATA_DIR", str(tmp_path / "restored"))
    monkeypatch.delenv("DOSSIER_DATABASE_URL")
    assert main(["restore", str(tmp_path / "nowhere")]) == ExitCode.BACKUP_INVALID
    assert "备份目录不存在" in capsys.readouterr().err
    if source.settings.database_url.startswith("sqlite"):
        assert main(["restore", str(tmp_path / "backup")]) == ExitCode.OK
        assert "恢复完成" in capsys.readouterr().out
        assert main(["restore", str(tmp_path / "backup")]) == ExitCode.RESTORE_REFUSED
        assert "拒绝恢复" in capsys.readouterr().err


def test_a_missing_pg_dump_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings_for: SettingsFor
) -> None:
    settings = settings_for(tmp_path / "data")
    if settings.database_url.startswith("sqlite"):
        pytest.skip("pg_dump is used for PostgreSQL only")
    open_context(settings)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(BackupError, match="未找到 pg_dump"):
        back_up(settings, tmp_path / "backup")


def test_a_pg_dump_older_than_the_server_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings_for: SettingsFor
) -> None:
    settings = settings_for(tmp_path / "data")
    if settings.database_url.startswith("sqlite"):
        pytest.skip("pg_dump is used for PostgreSQL only")
    open_context(settings)
    fake = tmp_path / "old-bin" / "pg_dump"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(fake.parent))
    with pytest.raises(BackupError, match=r"pg_dump 版本 9 低于数据库服务器版本"):
        back_up(settings, tmp_path / "backup")


def test_the_cli_names_a_backup_path_it_cannot_use(
    source: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DOSSIER_DATA_DIR", str(source.settings.data_dir))
    monkeypatch.setenv("DOSSIER_DATABASE_URL", source.settings.database_url)
    a_file = tmp_path / "not-a-dir"
    a_file.write_text("x")
    assert main(["backup", str(a_file)]) == ExitCode.BACKUP_FAILED
    assert "不是目录" in capsys.readouterr().err
    assert main(["restore", str(a_file)]) == ExitCode.BACKUP_INVALID
    assert "不是目录" in capsys.readouterr().err
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    if os.access(locked / "x", os.W_OK) or os.geteuid() == 0:
        return  # root writes anywhere: nothing more to show here
    assert main(["backup", str(locked / "b")]) == ExitCode.BACKUP_FAILED
    assert "备份失败" in capsys.readouterr().err


def test_an_unreachable_database_is_a_clear_error(tmp_path: Path) -> None:
    settings = Settings.for_data_dir(
        tmp_path / "data", database_url="postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    )
    with pytest.raises(BackupError, match="无法访问数据库"):
        back_up(settings, tmp_path / "backup")
