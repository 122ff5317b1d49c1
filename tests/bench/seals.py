"""Seal benchmark: how well ocr.seals finds seals, tells their kind and reads their owner's name.

Renders the first N documents (seeds 1..N, degrade 0.5) of every seal-heavy doc type, turns each page upright
as the pipeline would, and prints per type: kind accuracy (the page's sorted kinds equal the truth's), count
accuracy, text precision (texts given that equal a true legend on the page / texts given), texts given per
true seal, and milliseconds per page spent in find_seals.

The synthetic generator is not the only drawing: `--drawn N` also scores N seeds of the independent drawing in
tests/ocr/test_seals_drawing.py (other fonts, rings, ovals, legends, faded ink, seals over text, ID copies,
touching seals on signature pages, e-seals in rendered text-layer PDFs), one row per kind of page, with the
share of seals reported unsure (confidence < 0.8, as the rules read it).

    python tests/bench/seals.py [--n 5] [--types seal_card,bank_permit] [--drawn 10] [--verbose]
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from ocr.reader import estimate_dpi, to_rgb_array  # noqa: E402
from ocr.seals import find_seals  # noqa: E402
from tests.ocr.test_seals_drawing import drawn_pages  # noqa: E402
from tests.synth import render_document  # noqa: E402

SEAL_TYPES = (
    "seal_card",
    "logistics_contract",
    "consignee_id",
    "distribution_contract",
    "application_form",
    "business_license",
    "bank_permit",
    "tax_registration",
)


def _scanned(img: Image.Image, rotation: int, rng: random.Random) -> Image.Image:
    """Undo the scan's quarter turn (ocr.orientation does that first) and store it as a JPEG would be."""
    if rotation:
        img = img.rotate(rotation, expand=True)
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=rng.randint(40, 90))
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def bench(doc_type: str, n: int, verbose: bool) -> Counter:
    c: Counter = Counter()
    for seed in range(1, n + 1):
        pages, truth = render_document(doc_type, seed, degrade=0.5)
        rng = random.Random(seed)
        for i, (img, pt) in enumerate(zip(pages, truth["pages"], strict=True)):
            if not pt.get("color", True):
                continue
            pixels = to_rgb_array(_scanned(img, pt["rotation"], rng))
            t0 = time.perf_counter()
            seals = find_seals(pixels, estimate_dpi(pixels))
            c["ms"] += (time.perf_counter() - t0) * 1000
            c["pages"] += 1
            want = sorted(pt["seals"])
            got = sorted(s.kind.value for s in seals)
            c["kinds_ok"] += want == got
            c["count_ok"] += len(want) == len(got)
            c["true_seals"] += len(want)
            true_texts = {d["text"] for d in pt["seal_details"]}
            texts = [s.text for s in seals if s.text]
            c["texts"] += len(texts)
            c["texts_ok"] += sum(t in true_texts for t in texts)
            c["unsure"] += sum(s.confidence < 0.8 for s in seals)
            c["found"] += len(seals)
            if verbose and (want != got or any(t not in true_texts for t in texts)):
                print(f"  {doc_type} seed={seed} p{i + 1}: want {want} got {got}")
                print(f"     truth {[(d['kind'], d['text'], d['label']) for d in pt['seal_details']]}")
                print(f"     found {[(s.kind.value, s.text, s.bbox, s.shape) for s in seals]}")
    return c


def bench_drawn(n: int, verbose: bool) -> dict[str, Counter]:
    """Pages of the independent drawing, per kind of page; the pixels go to find_seals as the reader sends
    them (scans at their estimated dpi, rendered PDFs as rendered)."""
    rows: dict[str, Counter] = defaultdict(Counter)
    for seed in range(1, n + 1):
        for page in drawn_pages(seed):
            c = rows["drawn:" + page.name]
            t0 = time.perf_counter()
            seals = find_seals(page.pixels, estimate_dpi(page.pixels))
            c["ms"] += (time.perf_counter() - t0) * 1000
            c["pages"] += 1
            want, got = sorted(page.kinds), sorted(s.kind.value for s in seals)
            c["kinds_ok"] += want == got
            c["count_ok"] += len(want) == len(got)
            c["true_seals"] += len(want)
            c["unsure"] += sum(s.confidence < 0.8 for s in seals)
            c["found"] += len(seals)
            if verbose and want != got:
                print(f"  drawn:{page.name} seed={seed} dpi={page.dpi:.0f}: want {want} got {got}")
                print(f"     found {[(s.kind.value, s.confidence, s.bbox, s.shape) for s in seals]}")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=5)
    ap.add_argument("--types", default=",".join(SEAL_TYPES))
    ap.add_argument("--drawn", type=int, default=0, help="seeds of the independent drawing to score too")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    total: Counter = Counter()
    rows = defaultdict(Counter)
    for doc_type in [t for t in args.types.split(",") if t]:
        rows[doc_type] = bench(doc_type, args.n, args.verbose)
        total.update(rows[doc_type])
    drawn_total: Counter = Counter()
    for name, c in bench_drawn(args.drawn, args.verbose).items():
        rows[name] = c
        drawn_total.update(c)
    summary = [("ALL synth", total)] if total["pages"] else []
    summary += [("ALL drawn", drawn_total)] if drawn_total["pages"] else []
    print(f"{'doc type':24} pages  kinds  count  text-prec  texts/seal  unsure  ms/page")
    for name, c in [*rows.items(), *summary]:
        p = max(c["pages"], 1)
        prec = f"{c['texts_ok'] / c['texts']:.2f}" if c["texts"] else "  - "
        cover = f"{c['texts'] / c['true_seals']:.2f}" if c["true_seals"] else "  - "
        print(
            f"{name:24} {c['pages']:5}  {c['kinds_ok'] / p:5.2f}  {c['count_ok'] / p:5.2f}  "
            f"{prec:>9}  {cover:>10}  {c['unsure'] / max(c['found'], 1):6.2f}  {c['ms'] / p:7.0f}"
        )


if __name__ == "__main__":
    main()
