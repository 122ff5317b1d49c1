"""Key rotation of the sealed columns: what is under which key, and re-sealing under the current key.

The sealed columns are found from the models (every column typed SealedText or SealedJSON), so a column
sealed later is rotated without touching this module. A batch reads each row's stored form (to see the key
id) and its clear value (through the column's type, any key of the ring), and rewrites only the rows not yet
under the current key, in its own transaction: rotation is idempotent and resumable (run it again after an
interruption; finished rows are only read). Legacy clear rows are sealed on the way. Writes are Core
UPDATEs, which keep `updated_at` as it was and bypass the ORM's append-only guard of the audit trail: the
clear values stay the same, and the chain hashes clear values, so `dossier audit verify` still passes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import JSON, Column, Connection, Engine, Table, Text, bindparam, select, type_coerce, update
from sqlalchemy.dialects.postgresql import JSONB

from storage.crypto import SealedJSON, SealedText, ring_of, sealed_key_id
from storage.models import Base

BATCH = 500


@dataclass(frozen=True, slots=True)
class SealedTable:
    table: Table
    columns: tuple[Column[object], ...]

    @property
    def pk(self) -> Column[object]:
        (pk,) = self.table.primary_key.columns
        return pk


def sealed_tables() -> list[SealedTable]:
    """Every table with sealed columns, in a stable order."""
    out = []
    for table in Base.metadata.sorted_tables:
        columns = tuple(c for c in table.columns if isinstance(c.type, SealedText | SealedJSON))
        if columns:
            out.append(SealedTable(table, columns))
    return out


def _stored(conn: Connection, column: Column[object]) -> object:
    """The column as stored (sealed string or legacy clear value), not decrypted."""
    if isinstance(column.type, SealedText):
        return type_coerce(column, Text())
    return type_coerce(column, JSONB() if conn.dialect.name == "postgresql" else JSON())


def key_counts(engine: Engine, batch: int = BATCH) -> dict[str, Counter[str]]:
    """`table.column` → how many values are under each key id (crypto.CLEAR: legacy clear values)."""
    counts: dict[str, Counter[str]] = {}
    for sealed in sealed_tables():
        for pk, rows in _batches(engine, sealed, batch, decrypt=False):
            del pk
            for row in rows:
                for column, value in zip(sealed.columns, row[1:], strict=True):
                    kid = sealed_key_id(value)
                    if kid is not None:
                        counts.setdefault(f"{sealed.table.name}.{column.name}", Counter())[kid] += 1
    return counts


def _batches(
    engine: Engine, sealed: SealedTable, batch: int, *, decrypt: bool
) -> Iterator[tuple[object, list[tuple[object, ...]]]]:
    last: object = None
    while True:
        with engine.connect() as conn:
            stored = [_stored(conn, c).label(f"s_{c.name}") for c in sealed.columns]  # type: ignore[attr-defined]
            clear = [c.label(f"c_{c.name}") for c in sealed.columns] if decrypt else []
            query = select(sealed.pk, *stored, *clear).order_by(sealed.pk).limit(batch)
            if last is not None:
                query = query.where(sealed.pk > last)
            rows = [tuple(r) for r in conn.execute(query)]
        if not rows:
            return
        last = rows[-1][0]
        yield last, rows


def rotate(engine: Engine, batch: int = BATCH, progress: Callable[[str, int], None] | None = None) -> int:
    """Re-seal every value not under the ring's current key (legacy clear ones too); returns how many rows
    were rewritten. Each batch commits on its own."""
    ring = ring_of(engine.dialect)
    if ring is None:
        raise RuntimeError("rotation needs an engine with a key ring (storage.crypto.attach)")
    rewritten = 0
    for sealed in sealed_tables():
        n = len(sealed.columns)
        values = {c.name: bindparam(f"v_{c.name}", type_=c.type) for c in sealed.columns}
        if "updated_at" in sealed.table.c:
            values["updated_at"] = sealed.table.c.updated_at  # type: ignore[assignment]
        statement = update(sealed.table).where(sealed.pk == bindparam("k_pk")).values(values)
        for _, rows in _batches(engine, sealed, batch, decrypt=True):
            stale = [
                r for r in rows if any(sealed_key_id(v) not in (None, ring.current_id) for v in r[1 : 1 + n])
            ]
            if stale:
                params = [
                    {
                        "k_pk": r[0],
                        **{f"v_{c.name}": v for c, v in zip(sealed.columns, r[1 + n :], strict=True)},
                    }
                    for r in stale
                ]
                with engine.begin() as conn:
                    conn.execute(statement, params)
                rewritten += len(stale)
            if progress is not None:
                progress(sealed.table.name, len(stale))
    return rewritten
