"""Throughput of the pipeline against the raw engine, and of the embedded pool against this machine's limit.

    python -m tests.bench.throughput [--dossiers 4] [--seed 21] [--repeat 3] [--no-baselines]

Fresh processes read the same generated scans (tests.synth, real-sized pages, no hostile extras):
  raw        lifecycle.reading.read_one on every page in a loop (orientation, OCR, fields, seals; no database)
  1 worker   `dossier process --workers 1` (ingest, store, read, save, group, record, checks)
  2 workers  `dossier process --workers 2` (the embedded pool: this process and one pool process read)
  2 independent  two `dossier process --workers 1` started at once, the dossiers split between them as evenly
             by pages as whole dossiers allow (this machine's limit)
Each is timed from process start to exit (imports and model loading included alike, each run in a fresh
data directory), and the peak RSS (VmHWM) of every process of its tree is sampled while it runs. Raw and
1 worker run once; 2 workers and 2 independent run `--repeat` times, alternating which goes first, and the
ratio is taken within each repetition: each run, then the median and the spread, are printed.
Targets: 1 worker ≤ 1.10 × raw; 2 workers ≥ 1.8 × the throughput of 1 (2 cores) and ≥ 0.97 × that of the two
independent processes; worker peak RSS < 600 MB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def run(cmds: list[list[str]], envs: list[dict[str, str]]) -> tuple[float, float]:
    """Wall seconds from the start of all the commands (side by side) to the end of the last, and the
    largest peak RSS (MB) of any process of their trees."""
    os.sync()  # the previous run's files written out now, not during this run (whichever side ran first)
    time.sleep(1)
    started = time.perf_counter()
    procs = [
        subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for cmd, env in zip(cmds, envs, strict=True)
    ]
    peak = 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            for proc in procs:
                for pid in {proc.pid, *_children(proc.pid)}:
                    peak = max(peak, _hwm_mb(pid))
            time.sleep(0.1)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    errors = [proc.communicate()[1] for proc in procs]
    elapsed = time.perf_counter() - started
    done.set()
    watcher.join()
    for cmd, proc, err in zip(cmds, procs, errors, strict=True):
        if proc.returncode != 0:
            raise SystemExit(f"{cmd[:4]} failed: {err.decode()[-2000:]}")
    return elapsed, peak


TEXT_LAYER_COST = 0.1
"""A text-layer page costs about a tenth of a scanned page (docs/benchmarks.md, fast paths)."""


def balanced_halves(cost: dict[str, float]) -> list[list[str]]:
    """The dossiers in the two groups whose estimated reading costs are the closest (every split tried):
    two independent processes can only split by whole dossier, and an uneven split would make their limit
    look worse than it is. A dossier's cost is its scanned pages plus a tenth of its text-layer pages."""
    names = sorted(cost)
    total = sum(cost.values())
    best: tuple[float, int] = (float("inf"), 0)
    for mask in range(1 << (len(names) - 1)):  # the last dossier always in the second group: no mirrors
        first = sum(cost[n] for i, n in enumerate(names) if mask >> i & 1)
        best = min(best, (abs(total - 2 * first), mask))
    mask = best[1]
    return [
        [n for i, n in enumerate(names) if mask >> i & 1],
        [n for i, n in enumerate(names) if not mask >> i & 1],
    ]


def dossier_cost(truth: dict[str, Any]) -> float:
    pages = [p for f in truth["files"] if not f.get("duplicate_of") for p in f["pages"]]
    return sum(TEXT_LAYER_COST if p.get("text_layer") else 1.0 for p in pages)


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


def process_cmd(inputs: list[str], workers: int) -> list[str]:
    return [sys.executable, "-m", "intake.cli", "process", *inputs, "--json", "--workers", str(workers)]


@dataclass
class Pair:
    """One repetition: the embedded pool and the two independent processes, run one after the other."""

    pool: float
    independent: float
    pool_mb: float
    first: str  # which side ran first in this repetition
    load: float  # 1-minute load average before the repetition (other sessions on the machine)

    @property
    def ratio(self) -> float:
        """The pool's throughput as a fraction of the two independent processes' (≥ 0.97 is the target)."""
        return self.independent / self.pool


def compare(folder: Path, inputs: list[str], halves: list[list[str]], env: dict[str, str], rep: int) -> Pair:
    """Repetition `rep`: the sides alternate which goes first, so a drift of the machine hits both."""
    load = os.getloadavg()[0]

    def pool() -> tuple[float, float]:
        return run([process_cmd(inputs, 2)], [{**env, "DOSSIER_DATA_DIR": str(folder / f"pool{rep}")}])

    def independent() -> tuple[float, float]:
        envs = [{**env, "DOSSIER_DATA_DIR": str(folder / f"independent{rep}-{n}")} for n in range(2)]
        return run([process_cmd(half, 1) for half in halves], envs)

    if rep % 2 == 0:
        (pooled, pool_mb), (alone, _) = pool(), independent()
    else:
        (alone, _), (pooled, pool_mb) = independent(), pool()
    return Pair(pooled, alone, pool_mb, "pool" if rep % 2 == 0 else "independent", load)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dossiers", type=int, default=4)
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--repeat", type=int, default=3, help="repetitions of pool vs independent (alternating)")
    ap.add_argument("--no-baselines", action="store_true", help="skip the raw engine and 1-worker runs")
    ap.add_argument("--raw-child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.raw_child:
        raw_child(args.raw_child)
        return 0

    from tests.synth import make_dossier

    folder = Path(tempfile.mkdtemp(prefix="throughput-"))
    per_dossier: dict[str, int] = {}
    cost: dict[str, float] = {}
    for n in range(args.dossiers):
        out = folder / "in" / f"d{n}"
        truth = make_dossier(out, args.seed + n, extras=False)
        (out / "truth.json").unlink()
        per_dossier[str(out)] = sum(len(f["pages"]) for f in truth["files"] if not f.get("duplicate_of"))
        cost[str(out)] = dossier_cost(truth)
    pages = sum(per_dossier.values())
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    for key in ("DOSSIER_DATABASE_URL", "DOSSIER_BROKER_URL", "DOSSIER_WORKERS"):
        env.pop(key, None)
    inputs = sorted(per_dossier)
    # the limit of this machine: two independent `dossier process --workers 1`, each on half the dossiers
    halves = balanced_halves(cost)
    print(
        f"pages: {pages} in {args.dossiers} dossiers, {os.cpu_count()} cores; independent halves: "
        f"{' + '.join(str(sum(per_dossier[p] for p in half)) for half in halves)} pages, "
        f"estimated cost {' + '.join(f'{sum(cost[p] for p in half):.1f}' for half in halves)} scanned pages"
    )
    # untimed: the interpreter and the packages' files in the page cache before the first timed run
    subprocess.run([sys.executable, "-c", "import workers.embedded, ocr.engines.rapid"], cwd=ROOT, check=True)

    one = 0.0
    if not args.no_baselines:
        raw, raw_mb = run(
            [[sys.executable, "-m", "tests.bench.throughput", "--raw-child", str(folder)]], [env]
        )
        one, one_mb = run([process_cmd(inputs, 1)], [{**env, "DOSSIER_DATA_DIR": str(folder / "data1")}])
        print(f"raw engine:  {raw:7.1f} s  ({raw / pages:.2f} s/page)   peak RSS {raw_mb:.0f} MB")
        print(f"1 worker:    {one:7.1f} s   ratio to raw {one / raw:5.2f} (target ≤ 1.10)", end="")
        print(f"   peak RSS {one_mb:.0f} MB")

    pairs: list[Pair] = []
    for rep in range(args.repeat):
        pair = compare(folder, inputs, halves, env, rep)
        pairs.append(pair)
        print(
            f"run {rep + 1} ({pair.first} first, load {pair.load:.1f}): 2 workers {pair.pool:6.1f} s,"
            f" 2 independent {pair.independent:6.1f} s -> 2 workers at {pair.ratio:.3f} of them"
            f"   peak RSS {pair.pool_mb:.0f} MB",
            flush=True,
        )
    ratios = sorted(p.ratio for p in pairs)
    pooled = statistics.median(p.pool for p in pairs)
    print(
        f"2 workers:   median {pooled:6.1f} s, 2 independent median "
        f"{statistics.median(p.independent for p in pairs):6.1f} s over {len(pairs)} alternating runs"
    )
    if one:
        print(f"             speed-up vs 1 worker {one / pooled:5.2f} (target ≥ 1.8)")
    print(
        f"2 workers at {statistics.median(ratios):.3f} of 2 independent processes (median; "
        f"min {ratios[0]:.3f}, max {ratios[-1]:.3f}; target ≥ 0.97)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
