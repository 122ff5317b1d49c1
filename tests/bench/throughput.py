"""Throughput of the pipeline against the raw engine, on the same pages, measured in one run.

    python -m tests.bench.throughput [--dossiers 4] [--seed 21]

Three fresh processes read the same generated scans (tests.synth, real-sized pages, no hostile extras):
  raw        lifecycle.reading.read_one on every page in a loop (orientation, OCR, fields, seals; no database)
  1 worker   `dossier process --workers 1` (ingest, store, read, save, group, record, checks)
  2 workers  `dossier process --workers 2` (the embedded process pool)
  2 independent  two `dossier process --workers 1` side by side, half the dossiers each (this machine's limit)
Each is timed from process start to exit (imports and model loading included for all three alike), and the
peak RSS (VmHWM) of every process of its tree is sampled while it runs.
Targets: 1 worker ≤ 1.10 × raw; 2 workers ≥ 1.8 × the throughput of 1 (2 cores) and ≥ 0.97 × that of the two
independent processes; worker peak RSS < 600 MB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _children(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        try:
            kids = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            continue
        for k in kids:
            found.add(int(k))
            todo.append(int(k))
    return found


def _hwm_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and the largest peak RSS (MB) of any process in the command's tree."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            for pid in {proc.pid, *_children(proc.pid)}:
                peak = max(peak, _hwm_mb(pid))
            time.sleep(0.1)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    _, err = proc.communicate()
    done.set()
    watcher.join()
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[:4]} failed: {err.decode()[-2000:]}")
    return time.perf_counter() - started, peak


def run_two(cmds: list[list[str]], envs: list[dict[str, str]]) -> float:
    """Wall seconds of two commands run side by side, from the start of both to the end of the last."""
    started = time.perf_counter()
    procs = [
        subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for cmd, env in zip(cmds, envs, strict=True)
    ]
    for proc in procs:
        _, err = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"independent run failed: {err.decode()[-2000:]}")
    return time.perf_counter() - started


def raw_child(folder: Path) -> None:
    """The engine called directly on every page: no database, no pool."""
    from dataclasses import replace

    from intake.files import ingest
    from intake.lifecycle.context import Context
    from intake.lifecycle.reading import read_one
    from intake.settings import Settings
    from storage.db import make_engine, make_session_factory
    from storage.filestore import FileStore

    settings = Settings(folder / "raw", "sqlite://")
    unused = make_session_factory(make_engine("sqlite://"))  # a Context needs one; nothing is stored
    ctx = Context(settings, unused, FileStore(folder / "raw" / "files"))
    files = ingest(sorted((folder / "in").rglob("*.*")), ctx.store, ctx.limits).files
    for f in files:
        if f.duplicate_of is None:
            f = replace(f, content=ctx.store.read(f.sha256))  # sealed at rest: read in memory, as workers do
            for page in range(1, f.page_count + 1):
                read_one(ctx, f, page)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dossiers", type=int, default=4)
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--raw-child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.raw_child:
        raw_child(args.raw_child)
        return 0

    from tests.synth import make_dossier

    folder = Path(tempfile.mkdtemp(prefix="throughput-"))
    pages = 0
    for n in range(args.dossiers):
        out = folder / "in" / f"d{n}"
        truth = make_dossier(out, args.seed + n, extras=False)
        (out / "truth.json").unlink()
        pages += sum(len(f["pages"]) for f in truth["files"] if not f.get("duplicate_of"))
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    for key in ("DOSSIER_DATABASE_URL", "DOSSIER_BROKER_URL", "DOSSIER_WORKERS"):
        env.pop(key, None)
    inputs = [str(p) for p in sorted((folder / "in").iterdir())]
    raw, raw_mb = run([sys.executable, "-m", "tests.bench.throughput", "--raw-child", str(folder)], env)
    timings, peaks = {}, {}
    for workers in (1, 2):
        env_w = {**env, "DOSSIER_DATA_DIR": str(folder / f"data{workers}")}
        cmd = [sys.executable, "-m", "intake.cli", "process", *inputs, "--json", "--workers", str(workers)]
        timings[workers], peaks[workers] = run(cmd, env_w)

    # the limit of this machine: two independent `dossier process --workers 1`, each on half the dossiers
    halves = [inputs[0::2], inputs[1::2]]
    cmds = [
        [sys.executable, "-m", "intake.cli", "process", *half, "--json", "--workers", "1"] for half in halves
    ]
    envs = [{**env, "DOSSIER_DATA_DIR": str(folder / f"independent{n}")} for n in range(2)]
    independent = run_two(cmds, envs)

    print(f"pages: {pages} in {args.dossiers} dossiers, {os.cpu_count()} cores")
    print(f"raw engine:  {raw:7.1f} s  ({raw / pages:.2f} s/page)   peak RSS {raw_mb:.0f} MB")
    print(
        f"1 worker:    {timings[1]:7.1f} s   ratio to raw {timings[1] / raw:5.2f} (target ≤ 1.10)"
        f"   peak RSS {peaks[1]:.0f} MB"
    )
    print(
        f"2 workers:   {timings[2]:7.1f} s   speed-up vs 1 {timings[1] / timings[2]:5.2f} (target ≥ 1.8)"
        f"   peak RSS of any process {peaks[2]:.0f} MB"
    )
    print(
        f"2 independent processes (half the dossiers each, side by side): {independent:7.1f} s"
        f"   2 workers at {independent / timings[2]:5.2f} of them (target ≥ 0.97)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
