"""Accuracy benchmark: run `dossier process` on a generated corpus of degraded scans and score it.

Prints page doc-type accuracy, exact-match rates of the six record fields and of every page field (clean vs
degraded pages), defect recall and false blockers on clean dossiers, seconds per page and peak memory.

    python tests/bench/accuracy.py --dossiers 40 [--workers 2] [--engine rapidocr] [--corpus DIR]

A corpus directory is one sub-folder per dossier with its truth.json (tests/synth writes them); the same
scorer runs a held-out corpus made elsewhere (`--corpus DIR --no-generate`).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def run_one(dossier_dir: str, engine: str, data_root: str) -> dict:
    truth = json.loads((Path(dossier_dir) / "truth.json").read_text("utf-8"))
    inputs = [str(p) for p in sorted(Path(dossier_dir).iterdir()) if p.name != "truth.json"]
    env = {
        **os.environ,
        "DOSSIER_DATA_DIR": str(Path(data_root) / Path(dossier_dir).name),
        "DOSSIER_OCR_ENGINE": engine,
        "OMP_THREAD_LIMIT": "1",
        "DOSSIER_WORKERS": "1",
    }
    env.pop("DOSSIER_DATABASE_URL", None)
    cmd = [sys.executable, "-m", "intake.cli", "process", *inputs, "--json", "--as-of", truth["as_of"]]
    if truth.get("pickup_date"):
        cmd += ["--pickup-date", truth["pickup_date"]]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT, check=False)
    elapsed = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    try:
        out = json.loads(proc.stdout)
    except json.JSONDecodeError:
        out = {"error": proc.stderr[-2000:]}
    return {"truth": truth, "out": out, "seconds": elapsed, "rss_kb": rss}


def _key(name: str) -> str:
    return Path(name).name


def score(results: list[dict]) -> dict:
    s: dict = defaultdict(Counter)
    seconds = pages = 0.0
    misses: list[str] = []
    for r in results:
        truth, out = r["truth"], r["out"]
        seconds += r["seconds"]
        if "error" in out:
            misses.append(f"{truth['dossier']}: run failed: {out['error'][-300:]}")
            continue
        got = {(_key(p["file"]), p["page"]): p for p in out.get("pages", [])}
        for f in truth["files"]:
            if f.get("rejected"):
                rejected = {_key(x["file"]) for x in out.get("rejected_files", [])}
                s["rejected"]["ok" if _key(f["file"]) in rejected else "miss"] += 1
                continue
            for tp in f["pages"]:
                pages += 1
                page = got.get((_key(f["file"]), tp["page"]))
                cond = "degraded" if tp.get("degraded") else "clean"
                ok = page is not None and page.get("doc_type") == tp["doc_type"]
                s["doc_type"]["ok" if ok else "miss"] += 1
                if not ok:
                    misses.append(
                        f"{truth['dossier']} {f['file']} p{tp['page']}: doc_type "
                        f"{page and page.get('doc_type')} != {tp['doc_type']}"
                    )
                fields = (page or {}).get("fields") or {}
                for name, want in tp.get("fields", {}).items():
                    have = (fields.get(name) or {}).get("value")
                    hit = have == want
                    s[f"field:{cond}"]["ok" if hit else "miss"] += 1
                    s[f"field:{name}"]["ok" if hit else "miss"] += 1
                    if not hit:
                        misses.append(
                            f"{truth['dossier']} {f['file']} p{tp['page']} {name}: {have!r} != {want!r}"
                        )
                if "seals" in tp:
                    have_seals = sorted(((fields.get("seals") or {}).get("value")) or [])
                    s["seals"]["ok" if have_seals == sorted(tp["seals"]) else "miss"] += 1
                    if have_seals != sorted(tp["seals"]):
                        misses.append(
                            f"{truth['dossier']} {f['file']} p{tp['page']} seals: {have_seals} != "
                            f"{sorted(tp['seals'])}"
                        )
        for name, want in truth.get("record", {}).items():
            have = out.get("record", {}).get(name)
            s["record"]["ok" if have == want else "miss"] += 1
            s[f"record:{name}"]["ok" if have == want else "miss"] += 1
            if have != want:
                misses.append(f"{truth['dossier']} record {name}: {have!r} != {want!r}")
        want_missing = sorted(truth.get("missing_doc_types") or [])
        have_missing = sorted((out.get("completeness") or {}).get("missing") or [])
        s["completeness"]["ok" if have_missing == want_missing else "miss"] += 1
        if have_missing != want_missing:
            misses.append(f"{truth['dossier']} completeness: missing {have_missing} != {want_missing}")
        rules = {f["rule"] for f in out.get("findings", [])}
        blockers = {f["rule"] for f in out.get("findings", []) if f["severity"] == "blocker"}
        if truth.get("defects"):
            for d in truth["defects"]:
                s["defects"]["found" if d["rule"] in rules else "missed"] += 1
                s[f"defect:{d['rule']}"]["found" if d["rule"] in rules else "missed"] += 1
                if d["rule"] not in rules:
                    misses.append(f"{truth['dossier']} defect {d['rule']} not reported")
        else:
            s["clean_dossiers"]["with_blocker" if blockers else "no_blocker"] += 1
            if blockers:
                misses.append(f"{truth['dossier']} clean but blockers: {sorted(blockers)}")
                for rule in blockers:
                    s["false_blocker"][rule] += 1
    return {"counts": s, "seconds": seconds, "pages": pages, "misses": misses}


def _rate(c: Counter, good: str = "ok") -> str:
    n = sum(c.values())
    return f"{100 * c[good] / n:6.2f} % ({c[good]}/{n})" if n else "   n/a"


def report(sc: dict, peak_rss_kb: int) -> None:
    c = sc["counts"]
    print(f"page doc_type accuracy      {_rate(c['doc_type'])}")
    print(f"record fields exact (six)   {_rate(c['record'])}")
    for name in ("customer_name", "tax_id", "bank_name", "bank_account", "tax_address", "tax_phone"):
        print(f"  record {name:<20} {_rate(c['record:' + name])}")
    print(f"page fields exact, clean    {_rate(c['field:clean'])}")
    print(f"page fields exact, degraded {_rate(c['field:degraded'])}")
    for key in sorted(k for k in c if k.startswith("field:") and k not in ("field:clean", "field:degraded")):
        print(f"  {key:<30} {_rate(c[key])}")
    print(f"seal kinds exact per page   {_rate(c['seals'])}")
    print(f"rejected files reported     {_rate(c['rejected'])}")
    print(f"injected defects found      {_rate(c['defects'], 'found')}")
    for key in sorted(k for k in c if k.startswith("defect:")):
        print(f"  {key:<30} {_rate(c[key], 'found')}")
    print(f"clean dossiers w/o blocker  {_rate(c['clean_dossiers'], 'no_blocker')}")
    for rule, n in sorted(c["false_blocker"].items()):
        print(f"  false blocker {rule:<24} {n}")
    print(f"completeness exact          {_rate(c['completeness'])}")
    if sc["pages"]:
        per_page = sc["seconds"] / sc["pages"]
        print(f"seconds per page (wall, per process) {per_page:.2f}  pages={int(sc['pages'])}")
    print(f"peak RSS of one dossier process      {peak_rss_kb / 1024:.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dossiers", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--engine", default="rapidocr")
    ap.add_argument("--defect-rate", type=float, default=0.0)
    ap.add_argument("--corpus", type=Path, help="existing corpus dir (one sub-folder per dossier)")
    ap.add_argument("--no-generate", action="store_true")
    ap.add_argument("--misses", type=int, default=60, help="how many misses to list")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dossier-bench-"))
    corpus = args.corpus or work / "corpus"
    if not args.no_generate:
        from tests.synth import make_corpus

        t0 = time.perf_counter()
        make_corpus(corpus, args.dossiers, seed=args.seed, defect_rate=args.defect_rate)
        print(f"generated {args.dossiers} dossiers in {time.perf_counter() - t0:.0f} s under {corpus}")
    dirs = sorted(str(p) for p in corpus.iterdir() if (p / "truth.json").exists())
    t0 = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        results = list(pool.map(run_one, dirs, [args.engine] * len(dirs), [str(work / "data")] * len(dirs)))
    wall = time.perf_counter() - t0
    sc = score(results)
    print(f"engine={args.engine} dossiers={len(dirs)} workers={args.workers} wall={wall:.0f} s")
    report(sc, max(r["rss_kb"] for r in results) if results else 0)
    for m in sc["misses"][: args.misses]:
        print("  miss:", m)


if __name__ == "__main__":
    main()
