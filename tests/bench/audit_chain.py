"""Audit chain benchmark: what chaining costs a writing transaction, and how fast `verify` walks a long trail.

For each backend: N transactions each writing one audit entry (the hot path: one status change), timed with
the chain's commit hook and without it (the hook removed for the run), so the difference is the chain's
cost per transaction; then M entries written in batches of 1000 and verified, with the walk's time and (in a
second walk) its peak Python memory (tracemalloc), to show it stays flat whatever the trail's length.

    python tests/bench/audit_chain.py [--transactions 300] [--entries 50000] [--pg URL]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, event, text  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from storage import audit_chain  # noqa: E402
from storage import repository as repo  # noqa: E402
from storage.db import make_engine, make_session_factory, migrate  # noqa: E402

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _one_per_transaction(sessions: sessionmaker[Session], n: int) -> list[float]:
    times = []
    for i in range(n):
        start = time.perf_counter()
        with sessions.begin() as s:
            repo.audit(
                s, "reviewer", "dossier.awaiting_review", dossier_id=f"{i:032x}", entity=f"dossier:{i}",
                before={"status": "checking"}, after={"status": "awaiting_review"},
            )  # fmt: skip
        times.append((time.perf_counter() - start) * 1000)
    return times


def _fill(sessions: sessionmaker[Session], n: int) -> None:
    done = 0
    while done < n:
        with sessions.begin() as s:
            for i in range(done, min(n, done + 1000)):
                repo.audit(s, "system", "page.read", dossier_id=f"{i:032x}", after={"page": i, "conf": 0.93})
        done = min(n, done + 1000)


def _p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1]


def run(name: str, make: Callable[[], Engine], transactions: int, entries: int) -> None:
    engine = make()
    migrate(engine)
    sessions = make_session_factory(engine)
    _one_per_transaction(sessions, 20)  # warm up connections and caches
    chained = _one_per_transaction(sessions, transactions)
    event.remove(Session, "before_commit", audit_chain._chain_on_commit)
    try:
        plain = _one_per_transaction(sessions, transactions)
    finally:
        event.listen(Session, "before_commit", audit_chain._chain_on_commit)
    print(
        f"{name}: one audit entry per transaction, median {statistics.median(chained):.2f} ms chained vs "
        f"{statistics.median(plain):.2f} ms unchained (p95 {_p(chained, 95):.2f} vs {_p(plain, 95):.2f} ms)"
    )
    engine.dispose()

    engine = make()  # a fresh trail (the unchained entries above would be reported as outside the chain)
    migrate(engine)
    sessions = make_session_factory(engine)
    _fill(sessions, entries)
    start = time.perf_counter()
    with sessions() as s:
        result = audit_chain.verify(s)
    seconds = time.perf_counter() - start
    assert result.intact and result.entries == entries, result
    tracemalloc.start()  # a second walk for memory: tracemalloc slows Python down several times
    with sessions() as s:
        audit_chain.verify(s)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"{name}: verify {entries} entries in {seconds:.1f} s ({entries / seconds:,.0f}/s), "
        f"peak Python memory {peak / 2**20:.1f} MB"
    )
    engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--transactions", type=int, default=300)
    ap.add_argument("--entries", type=int, default=50_000)
    ap.add_argument("--pg", default=PG_URL, help="PostgreSQL URL ('' to skip)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        counter = iter(range(10**6))
        run(
            "SQLite",
            lambda: make_engine(f"sqlite:///{tmp}/bench{next(counter)}.db"),
            args.transactions,
            args.entries,
        )
    if args.pg:
        admin = make_engine(args.pg)
        schemas: list[str] = []

        def make_pg() -> Engine:
            schema = f"bench_{uuid.uuid4().hex[:10]}"
            with admin.begin() as conn:
                conn.execute(text(f"CREATE SCHEMA {schema}"))
            schemas.append(schema)
            return make_engine(args.pg, connect_args={"options": f"-csearch_path={schema}"})

        try:
            run("PostgreSQL", make_pg, args.transactions, args.entries)
        finally:
            with admin.begin() as conn:
                for schema in schemas:
                    conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()


if __name__ == "__main__":
    main()
