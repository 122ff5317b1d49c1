"""Backup and restore of a data dir: time, throughput and the Python heap's peak (which must stay flat).

Run: `python -m tests.bench.backup [--dossiers 20] [--extra-mb 200]`. Archives `--dossiers` dossiers without
OCR (tests/storage/maintenance_kit.py: originals, page images, filed PDFs), adds `--extra-mb` one-megabyte
originals to the file store, then times `back_up` and `restore` (SQLite) into temporary directories. The
heap's peak is measured with tracemalloc: files are streamed in 1 MiB chunks and the file list is read line
by line, so it must not grow with the store. Read-only originals are hard-linked when the backup shares the
file system, so the same run also shows how much a backup on the same disk costs.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from intake.lifecycle.context import open_context
from intake.lifecycle.maintenance import back_up, restore
from intake.settings import Settings
from tests.storage.maintenance_kit import archived_dossier


def _timed(label: str, run: object) -> object:
    tracemalloc.start()
    started = time.perf_counter()
    result = run()  # type: ignore[operator]
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label}: {elapsed:.2f} s, Python heap peak {peak / 2**20:.1f} MiB")
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dossiers", type=int, default=20)
    ap.add_argument("--extra-mb", type=int, default=200)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        ctx = open_context(Settings.for_data_dir(tmp / "data"))
        started = time.perf_counter()
        for n in range(args.dossiers):
            archived_dossier(ctx, tmp / "in", f"B-{n}")
        for _ in range(args.extra_mb):
            ctx.store.put_bytes(os.urandom(1 << 20), "bin")
        filled = time.perf_counter() - started
        print(f"filled: {args.dossiers} archived dossiers + {args.extra_mb} MiB in {filled:.1f} s")

        summary = _timed("backup (same file system)", lambda: back_up(ctx.settings, tmp / "backup"))
        mib = summary.bytes / 2**20  # type: ignore[attr-defined]
        print(f"  {summary.files} files, {mib:.0f} MiB, {summary.linked} hard-linked")  # type: ignore[attr-defined]
        target = Settings.for_data_dir(tmp / "restored")
        restored = _timed("restore (verify, copy, re-hash)", lambda: restore(target, tmp / "backup"))
        print(f"  {restored.files} files, tables {sum(restored.tables.values())} rows")  # type: ignore[attr-defined]
    return 0


if __name__ == "__main__":
    sys.exit(main())
