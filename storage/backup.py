"""Backup and restore of a whole installation: the database and every directory of the data dir but work/.

004 says backups are kept and nothing is lost by a crash, so a backup must be consistent while web and workers
keep writing, and a restore must never start from a backup that is damaged or only half written:

- The database is copied first, as one snapshot: SQLite through its online backup API (one step, one read
  transaction: WAL writers are not blocked), PostgreSQL with ``pg_dump -Fc`` on a snapshot exported by a
  REPEATABLE READ transaction that also counts the rows and reads the schema revision, so the counts in the
  manifest describe exactly what the dump holds.
- The files are copied after the database. Files are written before the rows that name them are committed,
  so every file the dumped rows refer to already exists when the copy starts; files added later are copied
  too and do no harm. A file that changes while it is copied (a page image read again) is copied again.
- Files nobody may write (the content-addressed originals, mode 0444) are hard-linked when the backup is on
  the same file system; everything else is copied. Nothing in the data dir is ever moved or changed.
- ``files.jsonl`` lists every file (relative path, size, SHA-256); ``manifest.json`` names the list's and the
  dump's SHA-256, the schema revision, the row counts and the time, and is written last (temp file, fsync,
  rename): a backup without it is recognisably incomplete.

Restore checks every checksum before it touches anything, refuses a data dir or database that holds data
unless forced (forced, the directories it replaces are kept under work/, never deleted), restores the
database and the files, then hashes the restored files and counts the restored rows again.

Every path is checked: entries of a manifest must be plain relative paths (no ``..``, no absolute paths, no
symlinks) inside the backup dir and the data dir. Memory stays flat: files are streamed in chunks and the file
list is read line by line. The errors' messages are Chinese: they are shown to the archive staff as they are.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine, inspect, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from intake.settings import Settings
from storage.crypto import default_key_file
from storage.db import alembic_config, make_engine
from storage.models import Base

FORMAT = "dossier-backup/1"
MANIFEST = "manifest.json"
FILE_LIST = "files.jsonl"
DATA = "data"  # the copied directories of the data dir, under their own names
SQLITE_DUMP = "database.sqlite3"
DATA_KEY = "data_key"  # the generated data key (storage/crypto.py), only when it lives in the data dir
PG_DUMP = "database.pgdump"
SKIPPED_DIRS = frozenset({"work"})  # scratch space, the secret key, the beat schedule: not data
CHUNK = 1 << 20
COPY_ATTEMPTS = 5  # a file still changing after this many copies is reported, not copied torn
PG_TIMEOUT_S = 6 * 3600
_VERSION_RE = re.compile(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?")


class BackupError(RuntimeError):
    """A backup or restore that cannot go on; the message (Chinese) is shown as it is."""


class BackupInvalidError(BackupError):
    """The backup is incomplete, damaged or altered: a checksum, size or path does not hold."""


class RestoreRefusedError(BackupError):
    """The target data dir or database already holds data and --force was not given."""


class DatabaseToolError(BackupError):
    """pg_dump / pg_restore missing, failing, or older than the server."""


@dataclass(frozen=True, slots=True)
class BackupSummary:
    path: Path
    files: int
    bytes: int
    linked: int  # of `files`, hard-linked instead of copied
    schema_revision: str | None
    tables: dict[str, int]


@dataclass(frozen=True, slots=True)
class RestoreSummary:
    files: int
    bytes: int
    schema_revision: str | None
    tables: dict[str, int]
    set_aside: Path | None  # forced: where the directories that were replaced now are


@dataclass(slots=True)
class _Listing:
    files: int = 0
    bytes: int = 0
    linked: int = 0
    digest: Any = field(default_factory=hashlib.sha256)


# ------------------------------------------------------------------------------------------------ helpers


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    with contextlib.suppress(OSError):  # directories cannot be opened on every platform
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def safe_relative(entry: object, what: str) -> PurePosixPath:
    """A manifest path as a plain relative path: refuse absolute paths, ``..``, empty and odd parts."""
    if not isinstance(entry, str) or not entry or "\\" in entry or "\x00" in entry:
        raise BackupInvalidError(f"备份清单中的路径无效（{what}）：{entry!r}")
    path = PurePosixPath(entry)
    if path.is_absolute() or any(part in ("", ".", "..") for part in entry.split("/")):
        raise BackupInvalidError(f"备份清单中的路径越出目录（{what}）：{entry}")
    return path


def _inside(root: Path, relative: PurePosixPath, what: str) -> Path:
    """root/relative, refusing symlinks on the way and anything that resolves outside root."""
    root = root.resolve()
    candidate = root.joinpath(*relative.parts)
    probe = root
    for part in relative.parts:
        probe = probe / part
        if probe.is_symlink():
            raise BackupInvalidError(f"{what}中有符号链接，已拒绝：{probe}")
    if not candidate.resolve().is_relative_to(root):
        raise BackupInvalidError(f"{what}中的路径越出目录：{relative}")
    return candidate


def _check_apart(backup_dir: Path, data_dir: Path) -> None:
    backup, data = backup_dir.resolve(), data_dir.resolve()
    if backup == data or backup.is_relative_to(data) or data.is_relative_to(backup):
        raise BackupError(f"备份目录与数据目录不能相互包含：备份目录 {backup_dir}，数据目录 {data_dir}")


def _database_kind(url: URL) -> str:
    backend = url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupError(f"不支持备份此类数据库：{backend}（仅支持 SQLite 和 PostgreSQL）")
    return backend


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("内存数据库无法备份：请设置 DOSSIER_DATABASE_URL 为数据库文件")
    return Path(url.database).absolute()


def model_tables(conn: Connection) -> list[str]:
    """The application's tables present in this database (others' helper tables are not counted)."""
    present = set(inspect(conn).get_table_names())
    return [t.name for t in Base.metadata.sorted_tables if t.name in present]


def _counts_and_revision(conn: Connection) -> tuple[dict[str, int], str | None]:
    counts = {
        name: int(conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one())
        for name in model_tables(conn)
    }
    revision = None
    if inspect(conn).has_table("alembic_version"):
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return counts, revision


# ------------------------------------------------------------------------------------------ the data dir


def data_directories(data_dir: Path) -> list[Path]:
    """The directories of the data dir that are backed up: all but work/ (files/, pages/, archive/ …)."""
    if not data_dir.is_dir():
        return []
    return sorted(
        p for p in data_dir.iterdir() if p.is_dir() and not p.is_symlink() and p.name not in SKIPPED_DIRS
    )


def _skipped(name: str) -> bool:
    """Temporary files of the file store (spools, half-written originals) are never data."""
    return name.startswith(".tmp")


def _walk(directory: Path) -> Iterator[Path]:
    """Regular files under `directory`, depth first in name order, symlinks and temporary files left out."""
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except FileNotFoundError:
        return
    for entry in entries:
        if _skipped(entry.name) or entry.is_symlink():
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(Path(entry.path))
        elif entry.is_file(follow_symlinks=False):
            yield Path(entry.path)


def _copy_hashing(source: Path, target: Path) -> tuple[str, int]:
    """Copy in chunks to a temp file beside target, then rename: the target is never seen half written."""
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-copy-")
    tmp = Path(tmp_name)
    try:
        digest = hashlib.sha256()
        size = 0
        with source.open("rb") as src, os.fdopen(fd, "wb") as out:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        shutil.copymode(source, tmp)
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return digest.hexdigest(), size


def _read_only(stat: os.stat_result) -> bool:
    return not stat.st_mode & 0o222


def _back_up_file(source: Path, target: Path) -> tuple[str, int, bool] | None:
    """Link or copy one file; None when it vanished meanwhile (a spool committed, personal data erased)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for _attempt in range(COPY_ATTEMPTS):
        try:
            before = source.stat()
            if _read_only(before):
                with contextlib.suppress(OSError):  # another file system, or links not allowed: copy
                    os.link(source, target)
                    return sha256_of(target), target.stat().st_size, True
            sha, size = _copy_hashing(source, target)
            after = source.stat()
        except FileNotFoundError:
            target.unlink(missing_ok=True)
            return None
        if (after.st_mtime_ns, after.st_size) == (
            before.st_mtime_ns,
            before.st_size,
        ) and size == after.st_size:
            return sha, size, False
    raise BackupError(f"文件在备份过程中不断被改写，无法得到一致的副本：{source}")


# ---------------------------------------------------------------------------------------------- database


def _pg_major(tool: str) -> tuple[str, int]:
    path = shutil.which(tool)
    if path is None:
        raise DatabaseToolError(
            f"未找到 {tool}：PostgreSQL 数据库的备份与恢复需要 PostgreSQL 客户端工具"
            "（如 apt install postgresql-client）"
        )
    try:
        out = subprocess.run(
            [path, "--version"], capture_output=True, text=True, check=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise DatabaseToolError(f"无法运行 {tool}：{exc}") from exc
    match = _VERSION_RE.search(out)
    if match is None:
        raise DatabaseToolError(f"无法识别 {tool} 的版本：{out.strip()}")
    return path, int(match.group(1))


def _server_major(conn: Connection) -> int:
    return int(conn.execute(text("SHOW server_version_num")).scalar_one()) // 10000


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The libpq form of a SQLAlchemy URL; the password goes through the environment, not the command line."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    dsn = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return dsn, env


def _run_pg(args: list[str], env: dict[str, str], tool: str) -> None:
    try:
        done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=PG_TIMEOUT_S)
    except (OSError, subprocess.SubprocessError) as exc:
        raise DatabaseToolError(f"{tool} 运行失败：{exc}") from exc
    if done.returncode != 0:
        raise DatabaseToolError(f"{tool} 运行失败（退出码 {done.returncode}）：{done.stderr.strip()[-2000:]}")


def _dump_sqlite(url: URL, target: Path) -> tuple[dict[str, int], str | None]:
    source_path = _sqlite_path(url)
    if not source_path.is_file():
        raise BackupError(f"数据库文件不存在：{source_path}")
    source = sqlite3.connect(source_path, timeout=30)
    try:
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)  # one step: one read transaction, a consistent snapshot
            dest.execute("PRAGMA journal_mode=DELETE")  # the copy is one self-contained file
        finally:
            dest.close()
    finally:
        source.close()
    engine = create_engine(f"sqlite:///{target}")  # plain: make_engine would switch the copy to WAL
    try:
        with engine.connect() as conn:
            return _counts_and_revision(conn)
    finally:
        engine.dispose()


def _dump_postgresql(url: URL, target: Path) -> tuple[dict[str, int], str | None, int]:
    tool, tool_major = _pg_major("pg_dump")
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        with engine.connect() as conn:
            server = _server_major(conn)
            conn.rollback()  # the snapshot's transaction starts below, at REPEATABLE READ
            if tool_major < server:
                raise DatabaseToolError(
                    f"pg_dump 版本 {tool_major} 低于数据库服务器版本 {server}："
                    f"请安装 {server} 或更新版本的 PostgreSQL 客户端"
                )
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                counts, revision = _counts_and_revision(conn)
                dsn, env = _libpq(url)
                _run_pg(
                    [tool, "-Fc", f"--snapshot={snapshot}", "--no-password", "-f", str(target), "-d", dsn],
                    env,
                    "pg_dump",
                )
    finally:
        engine.dispose()
    return counts, revision, tool_major


# ------------------------------------------------------------------------------------------------ backup


@contextlib.contextmanager
def _database_errors(what: str) -> Iterator[None]:
    """A database that cannot be reached or read is the user's problem to fix: say so in Chinese."""
    try:
        yield
    except (sqlite3.Error, SQLAlchemyError) as exc:
        first = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [""])[0]
        raise BackupError(f"{what}时无法访问数据库：{first[:300]}") from exc


def create_backup(settings: Settings, backup_dir: Path) -> BackupSummary:
    """Back up the database and the data dir into `backup_dir` (new, or an empty directory)."""
    with _database_errors("备份"):
        return _create_backup(settings, backup_dir)


def _create_backup(settings: Settings, backup_dir: Path) -> BackupSummary:
    backup_dir = backup_dir.absolute()
    _check_apart(backup_dir, settings.data_dir)
    if backup_dir.is_symlink() or (backup_dir.exists() and not backup_dir.is_dir()):
        raise BackupError(f"备份路径不是目录：{backup_dir}")
    if backup_dir.is_dir() and any(backup_dir.iterdir()):
        raise BackupError(f"备份目录不为空，请指定新的目录：{backup_dir}")
    backup_dir.mkdir(parents=True, exist_ok=True)
    url = make_url(settings.database_url)
    kind = _database_kind(url)
    started = _now()
    database: dict[str, Any] = {"kind": kind}
    if kind == "sqlite":
        dump = backup_dir / SQLITE_DUMP
        counts, revision = _dump_sqlite(url, dump)
    else:
        dump = backup_dir / PG_DUMP
        counts, revision, database["pg_dump_major"] = _dump_postgresql(url, dump)
    _fsync(dump)
    database.update(file=dump.name, size=dump.stat().st_size, sha256=sha256_of(dump))

    listing = _copy_data_dir(settings, backup_dir)
    data_key = _back_up_data_key(settings, backup_dir)
    manifest = {
        "format": FORMAT,
        "started_at": started,
        "finished_at": _now(),
        "schema_revision": revision,
        "tables": counts,
        "database": database,
        "files": {
            "list": FILE_LIST,
            "count": listing.files,
            "bytes": listing.bytes,
            "sha256": listing.digest.hexdigest(),
        },
        **({"data_key": data_key} if data_key else {}),
    }
    _write_last(backup_dir / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2).encode())
    return BackupSummary(backup_dir, listing.files, listing.bytes, listing.linked, revision, counts)


def _default_data_key(settings: Settings) -> Path | None:
    """work/data_key when the data key is the generated one kept in the data dir (no DOSSIER_DATA_KEYS or
    DOSSIER_DATA_KEY_FILE): then the backup carries it, or its sealed values could never be read again. A key
    given by the environment or kept on another volume is never copied: back it up apart from the data."""
    if settings.data_keys or settings.data_key_file:
        return None
    path = default_key_file(settings)
    return path if path.is_file() else None


def _back_up_data_key(settings: Settings, backup_dir: Path) -> dict[str, Any] | None:
    source = _default_data_key(settings)
    if source is None:
        return None
    target = backup_dir / DATA_KEY
    sha, size = _copy_hashing(source, target)
    target.chmod(0o600)
    return {"file": DATA_KEY, "sha256": sha, "size": size}


def _restore_data_key(settings: Settings, manifest: Manifest) -> None:
    """Put the backed-up generated key in place (the one there, if different, is kept beside it)."""
    entry = manifest.data.get("data_key")
    if not isinstance(entry, dict) or settings.data_keys or settings.data_key_file:
        return
    source = _inside(manifest.path, safe_relative(entry.get("file"), "数据密钥文件"), "备份目录")
    _check_file(source, int(entry.get("size") or 0), str(entry.get("sha256")), DATA_KEY)
    target = default_key_file(settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_file() and sha256_of(target) != entry.get("sha256"):
        target.replace(target.with_name(f"{DATA_KEY}.before-restore-{_now().replace(':', '')}"))
    _copy_hashing(source, target)
    target.chmod(0o600)


def _excluded_database_files(settings: Settings) -> set[Path]:
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return set()
    base = _sqlite_path(url).resolve()
    return {base, *(base.with_name(base.name + suffix) for suffix in ("-wal", "-shm", "-journal"))}


def _copy_data_dir(settings: Settings, backup_dir: Path) -> _Listing:
    listing = _Listing()
    data_root = settings.data_dir.resolve()
    excluded = _excluded_database_files(settings)
    list_path = backup_dir / FILE_LIST
    with list_path.open("wb") as out:
        for directory in data_directories(settings.data_dir):
            for source in _walk(directory):
                if source.resolve() in excluded:
                    continue
                relative = source.resolve().relative_to(data_root).as_posix()
                copied = _back_up_file(source, backup_dir / DATA / relative)
                if copied is None:
                    continue
                sha, size, linked = copied
                line = json.dumps({"path": relative, "size": size, "sha256": sha}, ensure_ascii=False)
                data = (line + "\n").encode()
                out.write(data)
                listing.digest.update(data)
                listing.files += 1
                listing.bytes += size
                listing.linked += linked
        out.flush()
        os.fsync(out.fileno())
    return listing


def _write_last(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.partial")
    with tmp.open("wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    tmp.replace(path)
    _fsync(path.parent)


# ------------------------------------------------------------------------------------------------ verify


@dataclass(frozen=True, slots=True)
class Manifest:
    path: Path  # the backup directory
    data: dict[str, Any]

    @property
    def schema_revision(self) -> str | None:
        revision = self.data.get("schema_revision")
        return revision if isinstance(revision, str) else None

    @property
    def tables(self) -> dict[str, int]:
        tables = self.data.get("tables")
        return dict(tables) if isinstance(tables, dict) else {}

    @property
    def database(self) -> dict[str, Any]:
        return dict(self.data["database"])

    def dump_path(self) -> Path:
        relative = safe_relative(self.database.get("file"), "数据库备份文件")
        return _inside(self.path, relative, "备份目录")

    def entries(self) -> Iterator[tuple[PurePosixPath, int, str]]:
        """The file list, line by line (relative path in the data dir, size, SHA-256)."""
        list_path = _inside(self.path, safe_relative(self.data["files"].get("list"), "文件清单"), "备份目录")
        with list_path.open("rb") as fh:
            for number, raw in enumerate(fh, 1):
                try:
                    entry = json.loads(raw)
                    relative = safe_relative(entry["path"], f"{FILE_LIST} 第 {number} 行")
                    size, sha = int(entry["size"]), str(entry["sha256"])
                except (ValueError, KeyError, TypeError) as exc:
                    raise BackupInvalidError(f"文件清单 {FILE_LIST} 第 {number} 行无法解析") from exc
                if relative.parts[0] in SKIPPED_DIRS:
                    raise BackupInvalidError(
                        f"文件清单 {FILE_LIST} 第 {number} 行指向不应恢复的目录：{relative}"
                    )
                yield relative, size, sha


def read_manifest(backup_dir: Path) -> Manifest:
    """The manifest of a backup; BackupInvalidError when there is none (an unfinished backup) or it is bad."""
    backup_dir = backup_dir.absolute()
    if not backup_dir.exists():
        raise BackupInvalidError(f"备份目录不存在：{backup_dir}")
    if not backup_dir.is_dir():
        raise BackupInvalidError(f"备份路径不是目录：{backup_dir}")
    path = backup_dir / MANIFEST
    if path.is_symlink() or not path.is_file():
        raise BackupInvalidError(f"备份不完整：缺少 {MANIFEST}（备份可能没有写完）：{backup_dir}")
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise BackupInvalidError(f"{MANIFEST} 无法读取或不是有效的 JSON：{path}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupInvalidError(f"{MANIFEST} 不是本系统的备份清单（格式应为 {FORMAT}）：{path}")
    database, files = data.get("database"), data.get("files")
    if (
        not isinstance(database, dict)
        or not isinstance(files, dict)
        or database.get("kind")
        not in (
            "sqlite",
            "postgresql",
        )
    ):
        raise BackupInvalidError(f"{MANIFEST} 缺少数据库或文件清单的说明：{path}")
    return Manifest(backup_dir, data)


def _check_file(path: Path, size: int, sha: str, name: str) -> None:
    if path.is_symlink() or not path.is_file():
        raise BackupInvalidError(f"备份文件缺失：{name}")
    if path.stat().st_size != size or sha256_of(path) != sha:
        raise BackupInvalidError(f"备份文件已损坏或被改动（校验和不符）：{name}")


def verify_backup(backup_dir: Path) -> Manifest:
    """Check every checksum of a backup (dump, file list, every file) without writing anything."""
    manifest = read_manifest(backup_dir)
    database = manifest.database
    _check_file(
        manifest.dump_path(),
        int(database.get("size", -1)),
        str(database.get("sha256")),
        str(database.get("file")),
    )
    files = manifest.data["files"]
    list_path = _inside(manifest.path, safe_relative(files.get("list"), "文件清单"), "备份目录")
    if list_path.is_symlink() or not list_path.is_file() or sha256_of(list_path) != files.get("sha256"):
        raise BackupInvalidError(f"文件清单已损坏或被改动（校验和不符）：{FILE_LIST}")
    count = 0
    for relative, size, sha in manifest.entries():
        _check_file(_inside(manifest.path / DATA, relative, "备份目录"), size, sha, f"{DATA}/{relative}")
        count += 1
    if count != files.get("count"):
        raise BackupInvalidError(f"文件清单的条目数 {count} 与 {MANIFEST} 记载的 {files.get('count')} 不符")
    return manifest


# ----------------------------------------------------------------------------------------------- restore


def _known_revision(revision: str | None) -> None:
    if revision is None:
        return
    scripts = ScriptDirectory.from_config(alembic_config())
    try:
        scripts.get_revision(revision)
    except Exception as exc:  # alembic raises several kinds for an unknown id
        raise BackupError(
            f"备份的数据库结构版本 {revision} 是更新的程序写的，本程序无法恢复：请用相应版本恢复"
        ) from exc


def database_holds_data(database_url: str) -> bool:
    """True when any application table has a row (a migrated but empty schema counts as empty)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and not _sqlite_path(url).exists():
        return False
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            for name in model_tables(conn):
                if conn.execute(text(f'SELECT 1 FROM "{name}" LIMIT 1')).first() is not None:
                    return True
    finally:
        engine.dispose()
    return False


def data_dir_holds_files(settings: Settings) -> list[Path]:
    """The data dir's directories (work/ aside) that hold at least one file."""
    return [d for d in data_directories(settings.data_dir) if next(_walk(d), None) is not None]


def restore_backup(
    settings: Settings,
    backup_dir: Path,
    *,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
) -> RestoreSummary:
    """Verify, then restore the database and the data dir's directories; verify what was restored."""
    with _database_errors("恢复"):
        return _restore_backup(settings, backup_dir, force=force, progress=progress)


def _restore_backup(
    settings: Settings, backup_dir: Path, *, force: bool, progress: Callable[[str], None] | None
) -> RestoreSummary:
    say = progress or (lambda _message: None)
    backup_dir = backup_dir.absolute()
    _check_apart(backup_dir, settings.data_dir)
    say("校验备份……")
    manifest = verify_backup(backup_dir)
    _known_revision(manifest.schema_revision)
    url = make_url(settings.database_url)
    kind = _database_kind(url)
    if kind != manifest.database["kind"]:
        raise BackupError(
            f"备份的数据库类型（{manifest.database['kind']}）与当前配置的数据库（{kind}）不同，无法恢复"
        )
    occupied = data_dir_holds_files(settings)
    holds_rows = database_holds_data(settings.database_url)
    if (occupied or holds_rows) and not force:
        what = [f"数据目录 {', '.join(d.name + '/' for d in occupied)} 中已有文件"] if occupied else []
        what += ["数据库中已有数据"] if holds_rows else []
        raise RestoreRefusedError(
            "；".join(what) + "。如确需覆盖，请加 --force（原有目录将移至 work/ 下保留）"
        )

    say("恢复数据库……")
    if kind == "sqlite":
        _restore_sqlite(manifest.dump_path(), _sqlite_path(url))
    else:
        _restore_postgresql(manifest, url)
    set_aside = _set_aside(settings, occupied) if occupied else None

    say("恢复文件……")
    files = total = 0
    data_root = settings.data_dir.resolve()
    for relative, size, _sha in manifest.entries():
        target = _inside(data_root, relative, "数据目录")
        target.parent.mkdir(parents=True, exist_ok=True)
        _copy_hashing(_inside(backup_dir / DATA, relative, "备份目录"), target)
        files += 1
        total += size

    _restore_data_key(settings, manifest)

    say("核对恢复结果……")
    for relative, size, sha in manifest.entries():
        _check_restored(_inside(data_root, relative, "数据目录"), size, sha, relative)
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            counts, revision = _counts_and_revision(conn)
    finally:
        engine.dispose()
    expected = manifest.tables
    if {k: counts.get(k) for k in expected} != expected or revision != manifest.schema_revision:
        raise BackupError(f"恢复后的数据库与备份不符：表行数 {counts}，应为 {expected}")
    return RestoreSummary(files, total, revision, counts, set_aside)


def _check_restored(path: Path, size: int, sha: str, relative: PurePosixPath) -> None:
    if not path.is_file() or path.stat().st_size != size or sha256_of(path) != sha:
        raise BackupError(f"恢复后的文件与备份不符（校验和不符）：{relative}")


def _set_aside(settings: Settings, directories: list[Path]) -> Path:
    """Forced restore: the directories being replaced go under work/ (not backed up), never deleted."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    aside = settings.work_dir / f"before-restore-{stamp}"
    aside.mkdir(parents=True)
    for directory in directories:
        directory.rename(aside / directory.name)
    return aside


def _restore_sqlite(dump: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"{dump.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        dest = sqlite3.connect(target, timeout=30)
        try:
            source.backup(dest)  # page by page into the live file: its WAL and locks stay coherent
        finally:
            dest.close()
    finally:
        source.close()


def _restore_postgresql(manifest: Manifest, url: URL) -> None:
    tool, tool_major = _pg_major("pg_restore")
    made_by = int(manifest.database.get("pg_dump_major") or 0)
    if tool_major < made_by:
        raise DatabaseToolError(
            f"pg_restore 版本 {tool_major} 低于写出备份的 pg_dump 版本 {made_by}："
            f"请安装 {made_by} 或更新版本的 PostgreSQL 客户端"
        )
    dsn, env = _libpq(url)
    args = [tool, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"]
    _run_pg([*args, "--no-password", "-d", dsn, str(manifest.dump_path())], env, "pg_restore")
