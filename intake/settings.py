"""Every setting of Dossier Intake in one object, read from the environment once at each entry point.

`Settings.from_env()` is called by the entry points only (`dossier` commands, `dossier serve`, the Celery
worker's boot); everything below receives the object. Nothing reads `os.environ` at import time. The README's
table lists every variable.

- `DOSSIER_DATA_DIR`: holds `dossier.db` (the default SQLite database), `files/` (the content-addressed file
  store), `pages/` and `work/` (scratch space). Default: `./data`, relative to the working directory, so
  that a first run of the CLI keeps everything next to where it was started and nothing is hidden in the
  home directory.
- `DOSSIER_DATABASE_URL`: any SQLAlchemy URL, e.g. `postgresql+psycopg://postgres@127.0.0.1:5432/dossier`.
  Default: `sqlite:///<data dir>/dossier.db`.
- `DOSSIER_OCR_ENGINE`: `rapidocr` (default) or `tesseract`.
- `DOSSIER_BROKER_URL`: the Celery broker (Redis in production). Unset: the embedded process pool is used.
- `DOSSIER_WORKERS`: embedded pool size (default: min(2, cpu count)).
- `DOSSIER_STALE_MINUTES`: a page claimed this long ago and not finished is taken as abandoned (default 15).
- `DOSSIER_PAGE_SOFT_LIMIT` / `DOSSIER_PAGE_HARD_LIMIT`: seconds a page may take (default 300 / 360).
- `DOSSIER_VISIBILITY_TIMEOUT`: seconds before Redis hands an unacknowledged task (its worker died) to another
  worker (default 3600; it must exceed the hard limit, or slow pages are read twice).
- `DOSSIER_WORKER_MAX_MEMORY_KB`: a Celery worker process is replaced after using this much memory
  (default: never).
- `DOSSIER_SECRET_KEY`: signs the review UI's sessions (default: a random key kept in `work/secret_key`).
- `DOSSIER_SESSION_IDLE_MINUTES` / `DOSSIER_SESSION_MAX_HOURS`: a review UI session ends after this long
  without a request / this long after sign-in, whatever the activity (default 30 / 12).
- `DOSSIER_SECURE_COOKIES`: `1` when served over HTTPS (behind a TLS proxy): cookies get the `Secure` flag.
- `DOSSIER_TRUSTED_PROXIES`: how many reverse proxies stand in front of `dossier serve` (default 0); their
  `X-Forwarded-For`/`-Proto` are then believed, so sign-in throttling counts the client's address, not the
  proxy's (with 0, a proxy's clients would share one address and one lock).
- `DOSSIER_MAX_BACKLOG_PAGES`: pages waiting beyond which an upload is told it is queued behind a backlog
  (with the wait to expect); it is still accepted and queued (default 5000).
- `DOSSIER_TIMEZONE`: the IANA time zone every time is shown in (review UI, exports); stored times stay UTC.
  Default `Asia/Shanghai`, where the archive clerks work.
- `DOSSIER_DATA_KEYS`: the keys that encrypt level-1 data at rest (storage/crypto.py): comma-separated base64
  keys of 16/24/32 bytes, the first seals, all open (rotation). `DOSSIER_DATA_KEY_FILE`: a file holding them
  (one a line). Neither: a random key made once in `work/data_key` (production: keep it on another volume).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_DATA_DIR = Path("data")
DEFAULT_ENGINE = "rapidocr"
DEFAULT_TIMEZONE = "Asia/Shanghai"
TRUE_VALUES = frozenset({"1", "true", "yes", "on"})


def default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    database_url: str
    ocr_engine: str = DEFAULT_ENGINE
    broker_url: str | None = None
    workers: int = field(default_factory=default_workers)
    stale_minutes: float = 15.0
    page_soft_limit: int = 300
    page_hard_limit: int = 360
    visibility_timeout: int = 3600
    worker_max_memory_kb: int | None = None
    secret_key: str | None = field(default=None, repr=False)
    session_idle_minutes: float = 30.0
    session_max_hours: float = 12.0
    secure_cookies: bool = False
    trusted_proxies: int = 0
    max_backlog_pages: int = 5000
    read_batch: int = 8  # at most this many pages per read task, when a queue is waiting (1: one page a task)
    timezone: str = DEFAULT_TIMEZONE
    data_keys: str | None = field(default=None, repr=False)
    data_key_file: Path | None = None
    # /metrics and /healthz: no session; the addresses (exact, comma-separated) or a bearer token that may ask
    metrics_allow: tuple[str, ...] = ("127.0.0.1", "::1")
    metrics_token: str | None = field(default=None, repr=False)
    log_json: bool = False  # one JSON object per log line (with the dossier's id), for a log collector

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        data_dir = Path(environ.get("DOSSIER_DATA_DIR") or DEFAULT_DATA_DIR).expanduser().absolute()
        return cls(
            data_dir=data_dir,
            database_url=environ.get("DOSSIER_DATABASE_URL") or sqlite_url(data_dir / "dossier.db"),
            ocr_engine=environ.get("DOSSIER_OCR_ENGINE") or DEFAULT_ENGINE,
            broker_url=environ.get("DOSSIER_BROKER_URL") or None,
            workers=max(1, int(environ.get("DOSSIER_WORKERS") or default_workers())),
            stale_minutes=float(environ.get("DOSSIER_STALE_MINUTES") or 15.0),
            page_soft_limit=int(environ.get("DOSSIER_PAGE_SOFT_LIMIT") or 300),
            page_hard_limit=int(environ.get("DOSSIER_PAGE_HARD_LIMIT") or 360),
            visibility_timeout=int(environ.get("DOSSIER_VISIBILITY_TIMEOUT") or 3600),
            worker_max_memory_kb=int(environ.get("DOSSIER_WORKER_MAX_MEMORY_KB") or 0) or None,
            secret_key=environ.get("DOSSIER_SECRET_KEY") or None,
            session_idle_minutes=float(environ.get("DOSSIER_SESSION_IDLE_MINUTES") or 30.0),
            session_max_hours=float(environ.get("DOSSIER_SESSION_MAX_HOURS") or 12.0),
            secure_cookies=(environ.get("DOSSIER_SECURE_COOKIES") or "").strip().lower() in TRUE_VALUES,
            trusted_proxies=max(0, int(environ.get("DOSSIER_TRUSTED_PROXIES") or 0)),
            max_backlog_pages=max(1, int(environ.get("DOSSIER_MAX_BACKLOG_PAGES") or 5000)),
            read_batch=max(1, int(environ.get("DOSSIER_READ_BATCH") or 8)),
            timezone=checked_timezone(environ.get("DOSSIER_TIMEZONE") or DEFAULT_TIMEZONE),
            data_keys=environ.get("DOSSIER_DATA_KEYS") or None,
            data_key_file=Path(environ["DOSSIER_DATA_KEY_FILE"]).expanduser().absolute()
            if environ.get("DOSSIER_DATA_KEY_FILE")
            else None,
            metrics_allow=tuple(
                a.strip()
                for a in (environ.get("DOSSIER_METRICS_ALLOW") or "127.0.0.1,::1").split(",")
                if a.strip()
            ),
            metrics_token=environ.get("DOSSIER_METRICS_TOKEN") or None,
            log_json=(environ.get("DOSSIER_LOG_JSON") or "").strip().lower() in TRUE_VALUES,
        )

    @classmethod
    def for_data_dir(cls, data_dir: Path, **overrides: object) -> Settings:
        """Settings of a data directory with the defaults (tests, tools); `overrides` replace fields."""
        data_dir = data_dir.expanduser().absolute()
        values: dict[str, object] = {"database_url": sqlite_url(data_dir / "dossier.db"), **overrides}
        return cls(data_dir=data_dir, **values)  # type: ignore[arg-type]

    @property
    def database_path(self) -> Path:
        return self.data_dir / "dossier.db"

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def work_dir(self) -> Path:
        return self.data_dir / "work"

    def ensure_dirs(self) -> None:
        """Create the data directory tree; called by entry points, never on import."""
        for path in (self.data_dir, self.files_dir, self.work_dir):
            path.mkdir(parents=True, exist_ok=True)


def checked_timezone(name: str) -> str:
    """`name` when the system's time zone database knows it; else a Chinese error naming the variable."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"DOSSIER_TIMEZONE 不是已知的时区：“{name[:60]}”，例如 Asia/Shanghai") from None
    return name


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"
