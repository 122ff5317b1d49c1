"""Data keys (level-1 data at rest, storage/crypto.py): which key seals how much, and rotation onto the
current key — the sealed database columns, the sealed files (page images, filed PDFs and originals), then
the search tokens (they are keyed
by the current key), then, on SQLite, the free pages and the WAL, so no value sealed under an old key (or a
legacy clear one) lingers in the file. The rotation is written in the audit trail."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from intake.lifecycle.context import Context
from storage import audit_chain, rotation, sealed_files, search
from storage.crypto import CryptoError, KeyRing, ring_of


@dataclass(frozen=True, slots=True)
class KeyStatus:
    current: str
    live: tuple[str, ...]
    columns: dict[str, dict[str, int]]  # "table.column" → key id → values
    files: dict[str, int]  # key id → sealed files (page images, filed PDFs and originals)

    def totals(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for counts in (*self.columns.values(), self.files):
            for kid, n in counts.items():
                out[kid] = out.get(kid, 0) + n
        return out


@dataclass(frozen=True, slots=True)
class Rotated:
    current: str
    rows: int
    files: int
    indexed: int


def _engine(ctx: Context) -> tuple[Engine, KeyRing]:
    engine = ctx.sessions.kw["bind"]
    ring = ring_of(engine.dialect)
    if ring is None:
        raise CryptoError("数据库连接没有数据密钥")
    return engine, ring


def key_status(ctx: Context) -> KeyStatus:
    engine, ring = _engine(ctx)
    counts = rotation.key_counts(engine)
    files = dict(sealed_files.key_counts(ctx.settings.data_dir))
    return KeyStatus(ring.current_id, ring.ids, {k: dict(v) for k, v in sorted(counts.items())}, files)


def rotate_keys(
    ctx: Context,
    *,
    actor: str,
    batch: int = rotation.BATCH,
    progress: Callable[[str, int], None] | None = None,
) -> Rotated:
    """Re-seal everything under the current key (idempotent, resumable), rebuild the search tokens, and
    compact SQLite so that nothing sealed under an old key stays in free pages; then an audit entry."""
    engine, ring = _engine(ctx)
    rows = rotation.rotate(engine, batch, progress)
    files = sealed_files.reseal(ctx.settings.data_dir, ring)
    with ctx.sessions.begin() as s:
        indexed = search.reindex_all(s, batch=batch)
        audit_chain.append(
            s,
            actor,
            "keys.rotated",
            entity=f"key:{ring.current_id}",
            after={"rows": rows, "files": files, "indexed": indexed},
        )
    if engine.dialect.name == "sqlite":
        _compact_sqlite(engine)
    return Rotated(ring.current_id, rows, files, indexed)


def _compact_sqlite(engine: Engine) -> None:
    """VACUUM (rewrites the file without free pages) and truncate the WAL, outside any transaction."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        with contextlib.suppress(Exception):  # another process reading: the next rotation compacts
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.close()
    finally:
        raw.close()
