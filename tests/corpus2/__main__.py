"""CLI: `python -m tests.corpus2 --out DIR --dossiers N --split tune|holdout [--seed S]`."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from tests.corpus2.corpus import SPLITS, make_corpus


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m tests.corpus2", description="second, independent test dossiers"
    )
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--dossiers", type=int, default=20)
    ap.add_argument("--split", choices=sorted(SPLITS), required=True)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    paths = make_corpus(args.out, args.dossiers, args.split, args.seed)
    print(f"{len(paths)} {args.split} dossiers written to {args.out} in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
