"""Structured logs: every line says which dossier it is about (`dossier=…`), as text or as one JSON object.

The dossier is carried in a context variable, set by `dossier_context` around a step (a page read, a web
request about one dossier), so log calls anywhere below need not pass it. `install` is called once by an entry
point (the `dossier` command, the web app) with DOSSIER_LOG_JSON from the Settings. No value of a dossier is
logged here, only its id.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from datetime import UTC, datetime

_dossier: ContextVar[str] = ContextVar("dossier", default="-")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s dossier=%(dossier)s %(message)s"


@contextmanager
def dossier_context(dossier_id: str | None) -> Iterator[None]:
    """Log lines inside the block carry `dossier_id`."""
    token = _dossier.set(dossier_id or "-")
    try:
        yield
    finally:
        _dossier.reset(token)


def current_dossier() -> str:
    return _dossier.get()


def enter(dossier_id: str | None) -> Token[str]:
    """`dossier_context` for code that cannot hold a block open (a web request's before/teardown hooks)."""
    return _dossier.set(dossier_id or "-")


def leave(token: Token[str]) -> None:
    try:
        _dossier.reset(token)
    except ValueError:  # ended in another context (a streamed response): just stop naming the dossier
        _dossier.set("-")


class DossierFilter(logging.Filter):
    """Adds `record.dossier` (the current dossier's id, `-` outside one) to every record it sees."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "dossier"):
            record.dossier = _dossier.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, dossier, message and the exception if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "dossier": getattr(record, "dossier", _dossier.get()),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def install(level: int = logging.WARNING, *, json_lines: bool = False, stream: object = None) -> None:
    """Route the root logger's lines through one handler that adds the dossier id (text or JSON)."""
    handler = logging.StreamHandler(stream or sys.stderr)  # type: ignore[arg-type]
    handler.addFilter(DossierFilter())
    handler.setFormatter(JsonFormatter() if json_lines else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_dossier_handler", False)]:
        root.removeHandler(old)
    handler._dossier_handler = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
