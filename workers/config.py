"""Worker settings read from the environment once at start-up (never at import time).

- `DOSSIER_BROKER_URL`: the Celery broker (Redis in production). Unset: the embedded process pool is used.
- `DOSSIER_WORKERS`: embedded pool size (default: min(2, cpu count)).
- `DOSSIER_STALE_MINUTES`: a page claimed this long ago and not finished is taken as abandoned (default 15).
- `DOSSIER_PAGE_SOFT_LIMIT` / `DOSSIER_PAGE_HARD_LIMIT`: seconds a page may take (default 300 / 360).
- `DOSSIER_VISIBILITY_TIMEOUT`: seconds before Redis hands an unacknowledged task (its worker died) to another
  worker (default 3600; it must exceed the hard limit, or slow pages are read twice).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

OCR_QUEUE = "ocr"
LIGHT_QUEUE = "light"


def default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


@dataclass(frozen=True, slots=True)
class WorkerSettings:
    broker_url: str | None
    workers: int
    stale_minutes: float = 15.0
    page_soft_limit: int = 300
    page_hard_limit: int = 360
    visibility_timeout: int = 3600

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> WorkerSettings:
        workers = int(environ.get("DOSSIER_WORKERS") or default_workers())
        return cls(
            broker_url=environ.get("DOSSIER_BROKER_URL") or None,
            workers=max(1, workers),
            stale_minutes=float(environ.get("DOSSIER_STALE_MINUTES") or 15.0),
            page_soft_limit=int(environ.get("DOSSIER_PAGE_SOFT_LIMIT") or 300),
            page_hard_limit=int(environ.get("DOSSIER_PAGE_HARD_LIMIT") or 360),
            visibility_timeout=int(environ.get("DOSSIER_VISIBILITY_TIMEOUT") or 3600),
        )
