"""The coordination ceiling: how many pages a second the database, the broker and the finish step can feed.

    python -m tests.bench.coordination [--workers 1,2,4,8,16] [--pages 2000] [--dossiers 250] [--per-worker 1]

The real pipeline (ingest, store, claim, classify, fields, seals, save, finish with the checks), real Celery
workers (`dossier worker`'s app) on the real Redis (127.0.0.1:6379, a random empty database) and the real
PostgreSQL (127.0.0.1:5432, a fresh schema per run, dropped after), with the test-only `known-lines` engine: a
page's OCR costs nothing, so what is left is the coordination. For each N (worker processes; N/per-worker
Celery workers of `--per-worker` pool processes each, concurrency above the cores is fine):

1. start the workers and wait until every one is ready;
2. store every dossier (`register_paths`, as an upload does; counted apart), nothing queued yet;
3. queue them all at once (`enqueue_dossier`: this is "submit") and wait until every dossier is review-ready.

It prints pages/s (all pages / first submit → last review-ready), the database statements and round trips per
page in the workers (SQLAlchemy engine events in every worker process: statements executed, plus transaction
begins, commits/rollbacks and the pings of idle connections, each a round trip of their own), the
statements per page of storing the uploads, the p50/p95 of submit → review-ready per dossier (from the
audit trail's `dossier.awaiting_review` time), and the CPU the pool processes spent per page (from their
start: the Celery main processes, PostgreSQL and Redis are counted apart): cores × 1000 / that is the ceiling
of this machine whatever the coordination. The Celery main processes' CPU over the run (/proc) and this
process's own (submitting, polling for the end) are printed last: they share the cores too. Reading a
page alone (decode, seals, classify, fields, the JPEG; no database, no broker) is timed first in this
process; worker CPU minus that is what the coordination costs a page in the workers, and cores × 1000 / it
the rate the coordination alone would allow. All dossiers are
submitted at once, so latency is mostly queueing: p95 ≈ the time to drain the whole batch.

On a fleet, each worker host brings its own CPU; what every page shares is the PostgreSQL server and Redis.
Their own CPU over the run (the postmaster, its live and reaped backends, from /proc; Redis's INFO) per page
is printed too, and cores × 1000 / it is the shared ceiling: the pages/s these two servers could feed on this
machine's cores if the workers ran elsewhere — the figure that says how many OCR cores one database feeds.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REDIS = ("127.0.0.1", 6379)
COUNTS_ENV = "BENCH_STATEMENT_COUNTS"  # the bench's own switch, read by its worker wrapper only


# ------------------------------------------------------------------------------------ counting statements


class StatementCounter:
    """Statements, transactions and checkouts of every engine in this process (and its forked children)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.pid = os.getpid()

    def install(self) -> None:
        from sqlalchemy import event
        from sqlalchemy.engine import Engine
        from sqlalchemy.pool import Pool

        def statement(*_: Any, **__: Any) -> None:
            self._own()
            self.counts["statements"] += 1

        def named(name: str) -> Any:
            def count(*_: Any, **__: Any) -> None:
                self._own()
                self.counts[name] += 1

            return count

        event.listen(Engine, "before_cursor_execute", statement)
        for name in ("begin", "commit", "rollback"):
            event.listen(Engine, name, named(name))
        event.listen(Pool, "checkout", named("checkouts"))

        def ping(_dbapi: Any, record: Any, _proxy: Any) -> None:
            # storage.db pings a PostgreSQL connection only after PING_AFTER_IDLE_S idle (pool_pre_ping was
            # a ping at every checkout before commit 2ec48c8)
            from storage.db import PING_AFTER_IDLE_S

            idle_since = record.info.get("idle_since")
            if idle_since is not None and time.monotonic() - idle_since >= PING_AFTER_IDLE_S:
                self._own()
                self.counts["pings"] += 1

        event.listen(Pool, "checkout", ping)

    def _own(self) -> None:
        if os.getpid() != self.pid:  # a forked pool child starts its own count
            self.pid = os.getpid()
            self.counts = Counter()

    def write(self, folder: Path) -> None:
        counts = {**self.counts, "cpu_ms": round(time.process_time() * 1000)}  # this process's CPU so far
        (folder / f"{os.getpid()}.json").write_text(json.dumps(counts))


def round_trips(counts: Counter[str]) -> int:
    return sum(counts[k] for k in ("statements", "begin", "commit", "rollback", "pings"))


def worker_child(name: str, concurrency: int) -> None:
    """A `dossier worker` whose processes count their statements into $BENCH_STATEMENT_COUNTS/<pid>.json."""
    from celery.signals import task_postrun, worker_process_shutdown

    from intake.lifecycle.context import open_context
    from intake.settings import Settings
    from workers.app import app_for

    folder = Path(os.environ[COUNTS_ENV])
    counter = StatementCounter()
    counter.install()
    last = [0.0]

    @task_postrun.connect(weak=False)
    def flush(**_: Any) -> None:
        if time.monotonic() - last[0] > 0.5:
            last[0] = time.monotonic()
            counter.write(folder)

    @worker_process_shutdown.connect(weak=False)
    def final(**_: Any) -> None:
        counter.write(folder)

    settings = Settings.from_env()
    open_context(settings)
    app = app_for(settings)
    argv = ["worker", "--queues", "ocr,light", "--loglevel", "INFO", "-n", f"{name}@%h"]
    app.worker_main([*argv, "--concurrency", str(concurrency), "--without-gossip", "--without-mingle"])


# ------------------------------------------------------------------------------ the shared servers' own CPU


def _proc_stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()  # fields from `state` on


def _cpu_s(fields: list[str], children: bool = False) -> float:
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if children:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime: the children it reaped
    return ticks / os.sysconf("SC_CLK_TCK")


def postgres_cpu_s(engine: Any) -> float | None:
    """CPU seconds the PostgreSQL server has spent so far: the postmaster with the backends it reaped, and
    its live children (backends, WAL writer, checkpointer…). None when the server is not on this machine.
    Other clients of the same server count too: the figure is an upper bound of the bench's own."""
    from sqlalchemy import text

    try:
        with engine.connect() as conn:
            backend = int(conn.scalar(text("SELECT pg_backend_pid()")))
        postmaster = int(_proc_stat(backend)[1])
        total = _cpu_s(_proc_stat(postmaster), children=True)
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = _proc_stat(int(entry.name))
                except OSError:  # gone meanwhile
                    continue
                if int(fields[1]) == postmaster:
                    total += _cpu_s(fields)
        return total
    except (OSError, ValueError, IndexError):
        return None


def _mains_cpu_s(procs: list[subprocess.Popen[bytes]]) -> float:
    """CPU seconds the Celery main processes have spent so far (receiving, handing out, acking, beating):
    not in the pool processes' own counts, yet on the same cores."""
    return sum(_cpu_s(_proc_stat(p.pid)) for p in procs)


def redis_cpu_s(client: Any) -> float:
    cpu = client.info("cpu")
    return float(cpu["used_cpu_sys"]) + float(cpu["used_cpu_user"])


# ------------------------------------------------------------------------------------------------- pages


def make_pages(folder: Path, dossiers: int, pages: int) -> list[list[Path]]:
    """`pages` known-lines pages spread over `dossiers` folders (every page different: stored by content)."""
    from tests.workers.pages import known_lines_pages

    per, extra = divmod(pages, dossiers)
    return [
        known_lines_pages(folder / f"d{n:04d}", per + (1 if n < extra else 0), prefix=f"档{n}")
        for n in range(dossiers)
    ]


# -------------------------------------------------------------------------------------------------- a run


def _schema(pg_url: str) -> tuple[str, str]:
    from sqlalchemy import text

    from storage.db import make_engine, migrate

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    url = f"{pg_url}?options=-csearch_path%3D{schema}"
    migrate(url)
    return schema, url


def _drop(pg_url: str, schema: str) -> None:
    from sqlalchemy import text

    from storage.db import make_engine

    admin = make_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def _start_workers(n: int, per: int, env: dict[str, str], logs: Path) -> list[subprocess.Popen[bytes]]:
    procs = []
    for i in range(max(1, -(-n // per))):
        concurrency = min(per, n - i * per)
        log = (logs / f"w{i}.log").open("ab")
        command = [sys.executable, "-m", "tests.bench.coordination", "--worker-child", f"w{i}:{concurrency}"]
        procs.append(
            subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        )
    return procs


def _wait_ready(procs: list[subprocess.Popen[bytes]], logs: Path, timeout: float = 300) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        texts = [(logs / f"w{i}.log").read_text(errors="replace") for i in range(len(procs))]
        if all(" ready." in t for t in texts):
            return
        if any(p.poll() is not None for p in procs):
            raise SystemExit("a worker exited:\n" + "\n".join(t[-2000:] for t in texts))
        time.sleep(0.2)
    raise SystemExit("workers not ready in time")


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def run_one(
    n: int,
    per: int,
    folders: list[list[Path]],
    pg_url: str,
    timeout: float,
    counter: StatementCounter,
    redis_port: int = REDIS[1],
) -> dict[str, float]:
    import redis
    from sqlalchemy import select

    from intake.lifecycle.context import open_context
    from intake.lifecycle.register import register_paths
    from intake.settings import Settings
    from storage.models import AuditEvent, Dossier, DossierStatus
    from workers.submit import enqueue_dossier

    schema, url = _schema(pg_url)
    db_number = random.randint(1, 15)
    broker = f"redis://{REDIS[0]}:{redis_port}/{db_number}"
    client = redis.Redis(host=REDIS[0], port=redis_port, db=db_number)
    client.flushdb()
    work = Path(tempfile.mkdtemp(prefix=f"coord{n}-"))
    counts_dir = work / "counts"
    counts_dir.mkdir()
    env = {
        **os.environ,
        "DOSSIER_DATABASE_URL": url,
        "DOSSIER_BROKER_URL": broker,
        "DOSSIER_DATA_DIR": str(work / "data"),
        "DOSSIER_OCR_ENGINE": "known-lines",
        "PYTHONPATH": str(ROOT),
        COUNTS_ENV: str(counts_dir),
    }
    settings = Settings.from_env(env)
    ctx = open_context(settings)
    procs = _start_workers(n, per, env, work)
    try:
        _wait_ready(procs, work)
        before = Counter(counter.counts)
        ids = [register_paths(ctx, paths, as_of=date(2026, 1, 5)) for paths in folders]
        stored = Counter(counter.counts)
        stored.subtract(before)
        submitted: dict[str, float] = {}
        pg_before, redis_before = postgres_cpu_s(ctx.sessions.kw["bind"]), redis_cpu_s(client)
        main_before, own_before = _mains_cpu_s(procs), time.process_time()
        started = time.time()
        for dossier_id in ids:
            submitted[dossier_id] = time.time()
            enqueue_dossier(ctx, dossier_id)
        waiting = select(Dossier.id).where(Dossier.status != DossierStatus.AWAITING_REVIEW).limit(1)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with ctx.sessions() as s:
                if s.scalar(waiting) is None:
                    break
            time.sleep(0.25)  # the rate is taken from the audit trail's times, not from this poll
        else:
            raise SystemExit(f"N={n}: not every dossier review-ready after {timeout} s (logs in {work})")
        pg_after, redis_after = postgres_cpu_s(ctx.sessions.kw["bind"]), redis_cpu_s(client)
        main_after, own_after = _mains_cpu_s(procs), time.process_time()
        with ctx.sessions() as s:
            ready = dict(
                s.execute(
                    select(AuditEvent.dossier_id, AuditEvent.at).where(
                        AuditEvent.action == "dossier.awaiting_review"
                    )
                ).all()
            )
    finally:
        _stop(procs)
    worker_counts: Counter[str] = Counter()
    for f in counts_dir.glob("*.json"):
        worker_counts.update(json.loads(f.read_text()))
    pages = sum(len(p) for p in folders)
    latencies = [ready[d].timestamp() - submitted[d] for d in ids]
    last = max(ready[d].timestamp() for d in ids)
    ctx.sessions.kw["bind"].dispose()
    client.flushdb()
    _drop(pg_url, schema)
    return {
        "n": n,
        "pages": pages,
        "pages_per_s": pages / (last - started),
        "statements_per_page": worker_counts["statements"] / pages,
        "round_trips_per_page": round_trips(worker_counts) / pages,
        "commits_per_page": worker_counts["commit"] / pages,
        "store_statements_per_page": stored["statements"] / pages,
        "worker_cpu_ms_per_page": worker_counts["cpu_ms"] / pages,
        "main_cpu_ms_per_page": (main_after - main_before) * 1000 / pages,
        "bench_cpu_ms_per_page": (own_after - own_before) * 1000 / pages,
        "pg_cpu_ms_per_page": (pg_after - pg_before) * 1000 / pages
        if pg_after is not None and pg_before is not None
        else float("nan"),
        "redis_cpu_ms_per_page": (redis_after - redis_before) * 1000 / pages,
        "p50": _percentile(latencies, 0.5),
        "p95": _percentile(latencies, 0.95),
    }


def read_cpu_ms(folders: list[list[Path]], sample: int = 100) -> float:
    """CPU per page of reading alone (lifecycle.reading.read_one + the JPEG the reviewer sees: decode,
    seals, classify, fields; no database, no broker), on the bench's own pages, in this process."""
    import io
    from dataclasses import replace

    from PIL import Image

    from intake.files import ingest
    from intake.lifecycle.context import open_context
    from intake.lifecycle.reading import read_one
    from intake.settings import Settings

    work = Path(tempfile.mkdtemp(prefix="coord-read-"))
    ctx = open_context(Settings.for_data_dir(work, ocr_engine="known-lines"))  # the database goes unused
    paths = [p for paths in folders for p in paths][:sample]
    # the originals are sealed at rest: read them in memory, as the workers do (lifecycle.reading._ingested)
    files = [replace(f, content=ctx.store.read(f.sha256)) for f in ingest(paths, ctx.store, ctx.limits).files]
    started = time.process_time()
    for f in files:
        _, pixels = read_one(ctx, f, 1)
        Image.fromarray(pixels).save(io.BytesIO(), format="JPEG", quality=85)
    return (time.process_time() - started) * 1000 / len(files)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", default="1,2,4,8,16")
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--dossiers", type=int, default=250)
    ap.add_argument("--per-worker", type=int, default=1, help="pool processes per Celery worker")
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--pg-url", default=PG_URL)
    ap.add_argument(
        "--redis-port",
        type=int,
        default=REDIS[1],
        help="a Redis of the bench's own (e.g. `redis-server --port 6390 --save ''`): tests of others that "
        "flush a shared Redis database mid-run would lose this run's queue",
    )
    ap.add_argument("--worker-child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker_child:
        name, concurrency = args.worker_child.split(":")
        worker_child(name, int(concurrency))
        return 0
    counter = StatementCounter()
    counter.install()
    folders = make_pages(Path(tempfile.mkdtemp(prefix="coord-pages-")), args.dossiers, args.pages)
    cores = os.cpu_count() or 1
    read_ms = read_cpu_ms(folders)
    print(f"{args.pages} pages in {args.dossiers} dossiers, {cores} cores, engine known-lines")
    print(f"reading alone (no database, no broker): {read_ms:.1f} ms CPU per page")
    print(
        "N  pages/s  stmts/page  round-trips/page  commits/page  store stmts/page  p50 s  p95 s"
        "  worker CPU ms/page  coordination ms/page  its ceiling pages/s"
        "  PostgreSQL+Redis CPU ms/page  shared ceiling pages/s  Celery main + bench CPU ms/page"
    )
    for n in (int(x) for x in args.workers.split(",")):
        r = run_one(n, args.per_worker, folders, args.pg_url, args.timeout, counter, args.redis_port)
        print(
            f"{n:<2} {r['pages_per_s']:8.1f}  {r['statements_per_page']:10.1f}"
            f"  {r['round_trips_per_page']:16.1f}"
            f"  {r['commits_per_page']:12.2f}  {r['store_statements_per_page']:16.1f}"
            f"  {r['p50']:5.1f}  {r['p95']:5.1f}  {r['worker_cpu_ms_per_page']:8.1f}"
            f"  {r['worker_cpu_ms_per_page'] - read_ms:8.1f}"
            f"  {cores * 1000 / max(0.1, r['worker_cpu_ms_per_page'] - read_ms):8.0f}"
            f"  {r['pg_cpu_ms_per_page']:5.1f}+{r['redis_cpu_ms_per_page']:.1f}"
            f"  {cores * 1000 / max(0.1, r['pg_cpu_ms_per_page'] + r['redis_cpu_ms_per_page']):8.0f}"
            f"  {r['main_cpu_ms_per_page']:5.1f}+{r['bench_cpu_ms_per_page']:.1f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    threading.current_thread().name = "bench"
    sys.exit(main())
