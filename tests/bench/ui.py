"""Server time of the review UI's busiest pages over a database of 100 000 dossiers and 1 000 000 pages.

Run: `python -m tests.bench.ui [--backend postgresql|sqlite] [--dossiers 100000] [--pages-per-dossier 10]
[--requests 200] [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]`. PostgreSQL (the
default): a fresh database is created on the server at that URL, migrated, and dropped at the end; SQLite: a
temporary file. The rows are generated in bulk, not by the pipeline (no OCR): dossiers with their counters,
two findings each, archive records for the archived ones, one file per dossier with its pages (COPY on
PostgreSQL), plus one fully read dossier for the review page. Then the queue, the dashboard (HTML and JSON),
the review page and the archive search are timed with the Flask test client, signed in as a reviewer, after
ANALYZE. Prints p50/p95 per page; the target is p95 < 50 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert, text

from intake.lifecycle.context import Context, open_context
from intake.settings import Settings
from review_ui import create_app
from storage.db import make_engine
from storage.models import ArchiveRecord, Dossier, DossierStatus, FindingRow, new_id, utcnow
from tests.review_ui.conftest import TODAY, csrf_of, seed_dossier

TARGET_MS = 50.0
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BATCH = 20_000  # dossiers per bulk insert
DOC_TYPES = ["business_license", "bank_permit", "application_form", "seal_card", "logistics_contract"]
STATUSES = [
    (DossierStatus.AWAITING_REVIEW, 0.45),
    (DossierStatus.ARCHIVED, 0.3),
    (DossierStatus.SENT_BACK, 0.1),
    (DossierStatus.READING, 0.05),
    (DossierStatus.REJECTED, 0.05),
    (DossierStatus.FAILED, 0.05),
]
MISSING = ["seal_card", "logistics_contract", "consignee_id", "bank_permit"]
CITIES = ["佛山市南海", "广州市天河", "深圳市南山", "东莞市长安", "杭州市西湖"]
NO_DEADLINE_SHARE = 0.05  # no application form read, no pickup date: the dashboard's own alarm
PASSWORD = "Bench-Pw-2026-x"  # the password policy refuses one containing the user name


def fill(ctx: Context, n: int, rng: random.Random, pages_per_dossier: int) -> None:
    """`n` dossiers in batches of BATCH, each with its findings, archive record and pages."""
    for start in range(0, n, BATCH):
        fill_batch(ctx, range(start, min(n, start + BATCH)), rng, pages_per_dossier)


def fill_batch(ctx: Context, numbers: range, rng: random.Random, pages_per_dossier: int) -> None:
    statuses, weights = zip(*STATUSES, strict=True)
    rows: list[dict[str, Any]] = []
    findings: list[dict[str, Any]] = []
    records: list[dict[str, Any]] = []
    now = utcnow()
    for i in numbers:
        deadline = TODAY + timedelta(days=rng.randint(-10, 30))
        no_deadline = rng.random() < NO_DEADLINE_SHARE
        dossier_id = new_id()
        rows.append(
            {
                "id": dossier_id,
                "reference": f"REF-{i:05d}",
                "status": rng.choices(statuses, weights)[0],
                "pickup_date": None if no_deadline else deadline + timedelta(days=7),
                "deadline": None if no_deadline else deadline,
                "customer_name": f"{rng.choice(CITIES)}{i:05d}贸易有限公司",
                "customer_tax_id": f"9144{i:014d}",
                "as_of": TODAY - timedelta(days=rng.randint(0, 20)),
                "created_at": now,
                "updated_at": now,
                "pages_total": pages_per_dossier,
                "pages_done": pages_per_dossier,
                "pages_failed": 0,
                "complete": rng.random() < 0.5,
                "missing": rng.sample(MISSING, rng.randint(0, 2)),
                "blockers": rng.randint(0, 3),
                "low_confidence": rng.randint(0, 6),
                "assigned_reviewer": rng.choice([None, "reviewer", "王审核"]),
            }
        )
        if rows[-1]["status"] == DossierStatus.ARCHIVED:  # the archive list joins its dossier and customer
            rows[-1]["customer_no"] = f"C20261120{i:05d}"
            records.append(
                {
                    "archive_no": f"GD20261120{i:05d}",
                    "dossier_id": dossier_id,
                    "customer_no": rows[-1]["customer_no"],
                    "archived_at": now,
                    "doc_category": "资质",
                    "copies": 1,
                    "location": "电子",
                    "handler": "admin",
                    "reviewer": "reviewer",
                }
            )
        findings.extend(
            {
                "dossier_id": dossier_id,
                "rule": "document_missing",
                "severity": "blocker",
                "message": "缺少客户印鉴卡，请客户补交。",
                "evidence": [{"doc_type": "seal_card"}],
                "detail": "",
                "status": "open",
                "created_at": now,
            }
            for _ in range(2)
        )
    with ctx.sessions.begin() as s:
        s.execute(insert(Dossier), rows)
        s.execute(insert(FindingRow), findings)
        s.execute(insert(ArchiveRecord), records)
        if pages_per_dossier:
            copy_pages(s, [r["id"] for r in rows], numbers.start, pages_per_dossier, now)


def copy_pages(s: Any, dossier_ids: list[str], first: int, per_dossier: int, now: Any) -> None:
    """One file per dossier and its read pages; COPY on PostgreSQL, executemany on SQLite. Ids are given
    (file i of the whole fill is id i + 1) so the pages can name their file without reading it back."""
    files = [
        (first + k + 1, dossier_id, 1, f"扫描{first + k}.pdf", "pdf", 1_000_000, per_dossier, False, now)
        for k, dossier_id in enumerate(dossier_ids)
    ]
    pages = [
        (
            dossier_id,
            file_id,
            n,
            "done",
            DOC_TYPES[n % len(DOC_TYPES)],
            "ocr",
            "rapidocr",
            1654,
            2339,
            now - timedelta(seconds=3),
            now,
            1,
        )
        for file_id, dossier_id, *_ in files
        for n in range(1, per_dossier + 1)
    ]
    file_cols = "id, dossier_id, position, name, kind, size, page_count, rejected, created_at"
    page_cols = (
        "dossier_id, file_id, page_no, status, doc_type, source, engine, width, height, claimed_at, read_at,"
        " attempts"
    )
    conn = s.connection()
    if conn.dialect.name == "postgresql":
        cursor = conn.connection.driver_connection.cursor()
        for table, cols, rows in (("files", file_cols, files), ("pages", page_cols, pages)):
            with cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    raw = conn.connection.driver_connection
    sqlite_files = [(*f[:8], f[8].replace(tzinfo=None)) for f in files]
    raw.executemany(f"INSERT INTO files ({file_cols}) VALUES ({','.join('?' * 9)})", sqlite_files)
    sqlite_pages = [(*p[:9], p[9].replace(tzinfo=None), p[10].replace(tzinfo=None), p[11]) for p in pages]
    raw.executemany(f"INSERT INTO pages ({page_cols}) VALUES ({','.join('?' * 12)})", sqlite_pages)


@contextmanager
def database(
    backend: str, pg_url: str, tmp: Path, keep: str | None = None
) -> Iterator[tuple[Settings, bool]]:
    """Settings on a database and whether it must be filled: a temporary SQLite file, or a new PostgreSQL
    database dropped after; `keep` names a PostgreSQL database that is kept, and reused (not refilled) when
    it exists already (for trying indexes on the same rows)."""
    if backend == "sqlite":
        yield Settings.for_data_dir(tmp), True
        return
    name = keep or f"dossier_bench_ui_{uuid.uuid4().hex[:8]}"
    admin = make_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT count(*) FROM pg_database WHERE datname = :n"), {"n": name})
        if not exists:
            conn.execute(text(f"CREATE DATABASE {name}"))
    url = pg_url.rsplit("/", 1)[0] + "/" + name
    try:
        yield Settings.for_data_dir(tmp, database_url=url), not exists
    finally:
        if not keep:
            with admin.connect() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def vacuum(ctx: Context) -> None:
    """VACUUM ANALYZE on PostgreSQL (as autovacuum would after a bulk load): planner statistics, and the
    visibility map that lets counts be answered from an index alone."""
    engine = ctx.sessions.kw["bind"]
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))


def fix_sequences(ctx: Context) -> None:
    """COPY with explicit ids leaves the files' sequence behind them; the review page's dossier needs ids."""
    with ctx.sessions.begin() as s:
        if s.get_bind().dialect.name == "postgresql":
            s.execute(
                text("SELECT setval(pg_get_serial_sequence('files', 'id'), (SELECT max(id) FROM files))")
            )
            s.execute(text("ANALYZE"))


class SqlClock:
    """Time spent inside the database driver per request (statements and their seconds), so a slow page can be
    told apart from a slow query on a machine whose other work makes wall times noisy; the slowest
    statement is kept for --explain."""

    def __init__(self, engine: Any) -> None:
        self.ms = 0.0
        self.statements = 0
        self.slowest: tuple[float, str, Any] = (0.0, "", None)
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        conn.info["bench_t0"] = time.perf_counter()

    def _after(self, conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        ms = (time.perf_counter() - conn.info.pop("bench_t0")) * 1000
        self.ms += ms
        self.statements += 1
        if ms > self.slowest[0]:
            self.slowest = (ms, statement, params)

    def reset(self) -> None:
        self.ms, self.statements, self.slowest = 0.0, 0, (0.0, "", None)


def timed(client: Any, url: str, requests: int, clock: SqlClock) -> tuple[list[float], list[float], int]:
    """Wall ms and SQL ms of each request, and the statements of the last one."""
    times, sql = [], []
    statements = 0
    for _ in range(requests):
        clock.reset()
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        sql.append(clock.ms)
        statements = clock.statements
        assert response.status_code == 200, (url, response.status_code)
    return times, sql, statements


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(0.95 * len(ordered)) - 1)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", choices=("postgresql", "sqlite"), default="postgresql")
    ap.add_argument("--pg-url", default=PG_URL, help="a server where a database may be created and dropped")
    ap.add_argument("--dossiers", type=int, default=100_000)
    ap.add_argument("--pages-per-dossier", type=int, default=10)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--explain", action="store_true", help="print each page's slowest statement")
    ap.add_argument("--keep", metavar="NAME", help="PostgreSQL: keep the database NAME (reused if it exists)")
    args = ap.parse_args(argv)
    with (
        tempfile.TemporaryDirectory() as tmp,
        database(args.backend, args.pg_url, Path(tmp), args.keep) as (settings, empty),
    ):
        ctx = open_context(settings)
        try:
            return run(ctx, args, empty)
        finally:
            ctx.sessions.kw["bind"].dispose()


def run(ctx: Context, args: argparse.Namespace, empty: bool = True) -> int:
    from review_ui.auth import add_user
    from storage.models import Role

    if empty:
        with ctx.sessions.begin() as s:
            add_user(s, "reviewer", PASSWORD, Role.REVIEWER)
        started = time.perf_counter()
        fill(ctx, args.dossiers, random.Random(1), args.pages_per_dossier)
        fix_sequences(ctx)
        seeded = seed_dossier(ctx, reference="BENCH", pickup=date(2026, 12, 10)).dossier_id
        vacuum(ctx)
        print(
            f"{args.backend}: filled {args.dossiers} dossiers, {args.dossiers * args.pages_per_dossier} pages"
            f" in {time.perf_counter() - started:.1f}s"
        )
    else:  # a fresh review dossier: this run's data key seals its values
        reference = f"BENCH-{uuid.uuid4().hex[:6]}"
        seeded = seed_dossier(ctx, reference=reference, pickup=date(2026, 12, 10)).dossier_id
        vacuum(ctx)
        with ctx.sessions() as s:
            counts = s.execute(
                text("SELECT (SELECT count(*) FROM dossiers), (SELECT count(*) FROM pages)")
            ).one()
        print(f"{args.backend}: reusing {args.keep}: {counts[0]} dossiers, {counts[1]} pages")
    app = create_app(ctx, start_reading=lambda *_: None, today=lambda: TODAY)
    client = app.test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"name": "reviewer", "password": PASSWORD, "csrf_token": token})
    pages = {
        "queue": "/queue",
        "queue (filtered, page 5)": "/queue?status=awaiting_review&reviewer=reviewer&days_left=10&page=5",
        "dashboard": "/dashboard",
        "dashboard JSON": "/api/dashboard",
        "dashboard (无截止日期)": "/dashboard?bucket=none",
        "queue (search 南海)": "/queue?q=南海",
        "queue (search tax no.)": "/queue?q=9144000000000123",
        "archive": "/archive",
        "archive (search 南海)": "/archive?q=南海",
        "archive (search GD no.)": "/archive?q=GD2026112000123",
        "review page": f"/dossiers/{seeded}",
    }
    worst = 0.0
    clock = SqlClock(ctx.sessions.kw["bind"])
    print(f"{'page':28} {'p50 ms':>8} {'p95 ms':>8} {'SQL p95':>8} {'stmts':>6}  ({args.requests} requests)")
    for name, url in pages.items():
        timed(client, url, 5, clock)  # warm caches and template compilation
        times, sql, statements = timed(client, url, args.requests, clock)
        worst = max(worst, p95(times))
        print(f"{name:28} {statistics.median(times):8.1f} {p95(times):8.1f} {p95(sql):8.1f} {statements:6d}")
        if args.explain:
            clock.reset()
            client.get(url)
            ms, statement, _params = clock.slowest
            print(f"   slowest statement {ms:.1f} ms: {' '.join(statement.split())[:300]}")
    verdict = "OK" if worst < TARGET_MS else "SLOW"
    print(f"worst p95 {worst:.1f} ms (target < {TARGET_MS:.0f} ms): {verdict}")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
