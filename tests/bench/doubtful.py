"""Doubtful-field benchmark (issue 13): does "doubtful" catch the values the reader got wrong, and how much
does it ask a reviewer to confirm that was right?

Generates held-out dossiers with the independent generator (tests/corpus2), runs `dossier process --json` on
each (tests/bench/accuracy.py's runner), marks the doubtful fields with intake.checks.doubtful exactly as the
review page and the approval do, and compares with the ground truth:

- recall: of the page fields read wrong, the share marked doubtful (approval lets none through unseen);
- review load: of the fields read right, the share marked doubtful (✓ presses for nothing), per dossier;
- the reasons' counts (low confidence, failed check, each shape rule) and every wrong value NOT marked.

    python tests/bench/doubtful.py --dossiers 6 [--split holdout] [--seed 0] [--workers 2]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from intake.checks.doubtful import doubts_in_contract  # noqa: E402
from tests.bench.accuracy import run_one  # noqa: E402
from tests.corpus2.corpus import make_corpus  # noqa: E402


def _reason_kind(reason: str) -> str:
    """识别置信度低（55%） → 识别置信度低; 检查未通过：税务登记号无效 → 检查未通过：税务登记号无效."""
    return reason.split("（")[0] if reason.startswith("识别置信度低") else reason


def score(results: list[dict]) -> dict:
    counts: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    per_dossier: list[int] = []
    unflagged: list[str] = []
    for r in results:
        truth, out = r["truth"], r["out"]
        if "error" in out:
            unflagged.append(f"{truth['dossier']}: run failed")
            continue
        doubtful = {(Path(d.file).name, d.page, d.name): d for d in doubts_in_contract(out)}
        per_dossier.append(len(doubtful))
        for d in doubtful.values():
            reasons.update(_reason_kind(x) for x in d.reasons)
        got = {(Path(p["file"]).name, p["page"]): p for p in out.get("pages", [])}
        for f in truth["files"]:
            if f.get("rejected"):
                continue
            for tp in f["pages"]:
                fields = (got.get((Path(f["file"]).name, tp["page"])) or {}).get("fields") or {}
                for name, want in tp.get("fields", {}).items():
                    read = fields.get(name)
                    if read is None:
                        counts["not read (a finding says so)"] += 1
                        continue
                    right = read.get("value") == want
                    flagged = (Path(f["file"]).name, tp["page"], name) in doubtful
                    counts[f"{'right' if right else 'wrong'}:{'doubtful' if flagged else 'passed'}"] += 1
                    if not right and not flagged:
                        unflagged.append(
                            f"{truth['dossier']} {f['file']} p{tp['page']} {name}: {read.get('value')!r} "
                            f"!= {want!r} ({read.get('confidence')})"
                        )
    return {"counts": counts, "reasons": reasons, "per_dossier": per_dossier, "unflagged": unflagged}


def _share(n: int, of: int) -> str:
    return f"{n}/{of} = {n / of:.1%}" if of else "-"


def report(sc: dict, seconds: float) -> None:
    c = sc["counts"]
    wrong = c["wrong:doubtful"] + c["wrong:passed"]
    right = c["right:doubtful"] + c["right:passed"]
    per = sorted(sc["per_dossier"]) or [0]
    print(f"dossiers {len(sc['per_dossier'])}, page fields read {wrong + right}, wrong {wrong}")
    print(f"fields not read at all (field_unreadable says so): {c['not read (a finding says so)']}")
    print(f"recall: wrong values marked doubtful {_share(c['wrong:doubtful'], wrong)}")
    print(f"review load: right values marked doubtful {_share(c['right:doubtful'], right)}")
    print(f"doubtful fields per dossier: min {per[0]}, median {per[len(per) // 2]}, max {per[-1]}")
    print("reasons:")
    for reason, n in sc["reasons"].most_common():
        print(f"  {n:4d}  {reason}")
    print(f"wrong values not marked ({len(sc['unflagged'])}):")
    for line in sc["unflagged"][:40]:
        print("  " + line)
    print(f"{seconds:.0f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dossiers", type=int, default=6)
    ap.add_argument("--split", default="holdout")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--engine", default="rapidocr")
    args = ap.parse_args()
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        dossiers = make_corpus(Path(tmp) / "corpus", args.dossiers, args.split, args.seed)
        with ProcessPoolExecutor(args.workers) as pool:
            futures = [pool.submit(run_one, str(d), args.engine, str(Path(tmp) / "data")) for d in dossiers]
            results = [f.result() for f in futures]
    report(score(results), time.perf_counter() - t0)


if __name__ == "__main__":
    main()
