"""Throughput of the embedded worker pool against the raw engine, on the same pages in one run.

    python -m tests.bench.throughput [--dossiers 2] [--seed 21]

The pages are real-sized generated scans (tests.synth, no hostile extras), so the figures include
orientation, OCR, fields and seals exactly as `dossier process` runs them.

Prints: raw engine time (intake.pipeline.read_one on each page in a loop, in this process), pipeline time with
1 and 2 workers, their ratios, and the peak RSS of a worker process. Targets: 1 worker ≤ 1.10 × raw;
2 workers ≥ 1.8 × the throughput of 1 (on 2 cores); worker peak RSS < 600 MB.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from intake.files import ingest
from intake.pipeline import Context, read_one
from storage.config import Settings
from storage.db import make_engine, make_session_factory, migrate
from storage.filestore import FileStore
from tests.synth import make_dossier
from workers.embedded import process_embedded


def _context(folder: Path) -> Context:
    settings = Settings(folder / "data", f"sqlite:///{folder}/dossier.db")
    settings.ensure_dirs()
    engine = make_engine(settings.database_url)
    migrate(engine)
    return Context(settings, make_session_factory(engine), FileStore(settings.files_dir))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dossiers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=21)
    args = ap.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="throughput-"))
    paths: list[Path] = []
    for n in range(args.dossiers):
        out = folder / "in" / f"d{n}"
        make_dossier(out, args.seed + n, extras=False)
        (out / "truth.json").unlink()
        paths += sorted(out.iterdir())
    ctx = _context(folder)

    files = [f for f in ingest(paths, ctx.store, ctx.limits).files if f.duplicate_of is None]
    read_one(ctx, files[0], 1)  # load the models: the pool's workers load theirs before their first page too
    started = time.perf_counter()
    pages = 0
    for f in files:
        for page in range(1, f.page_count + 1):
            read_one(ctx, f, page)
            pages += 1
    raw = time.perf_counter() - started

    timings = {}
    for workers in (1, 2):
        started = time.perf_counter()
        process_embedded(ctx, paths, as_of=date.today(), workers=workers)
        timings[workers] = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    own_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"pages: {pages}  ({raw / pages:.2f} s/page raw)")
    print(f"raw engine:  {raw:7.2f} s")
    print(f"1 worker:    {timings[1]:7.2f} s   ratio to raw {timings[1] / raw:5.2f}   (target ≤ 1.10)")
    print(f"2 workers:   {timings[2]:7.2f} s   speed-up vs 1 {timings[1] / timings[2]:5.2f}   (target ≥ 1.8)")
    print(f"worker peak RSS: pool processes {peak_mb:.0f} MB, this process (1 worker) {own_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
