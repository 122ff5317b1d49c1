"""CLI: `python -m tests.synth --out DIR --dossiers 40 --seed 1 [--defect-rate 0.5] [--degrade 0.6]`
and `python -m tests.synth sample --out DIR`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tests.synth.dossier import make_corpus, make_sample


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "sample":
        parser = argparse.ArgumentParser(prog="python -m tests.synth sample")
        parser.add_argument("--out", type=Path, required=True)
        args = parser.parse_args(argv[1:])
        truth = make_sample(args.out)
        print(f"sample dossier written to {args.out} ({len(truth['files'])} files)")
        return 0
    parser = argparse.ArgumentParser(prog="python -m tests.synth", description="synthetic scanned dossiers")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--dossiers", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--defect-rate", type=float, default=0.0)
    parser.add_argument("--degrade", type=float, default=None, help="0..1; default: varies per dossier")
    args = parser.parse_args(argv)
    paths = make_corpus(
        args.out, args.dossiers, args.seed, defect_rate=args.defect_rate, degrade=args.degrade
    )
    print(f"{len(paths)} dossiers written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
