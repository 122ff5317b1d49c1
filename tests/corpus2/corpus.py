"""Splits with disjoint seed spaces: `tune` dossiers draw seeds from [1000, 90000), `holdout` from
[90000, ...), so the held-out part is never the one anybody tunes on."""

from __future__ import annotations

import json
from pathlib import Path

SPLITS: dict[str, tuple[int, int]] = {"tune": (1_000, 90_000), "holdout": (90_000, 10**9)}
STRIDE = 1_000


def split_seeds(split: str, n: int, seed: int = 0) -> list[int]:
    """Seeds of `n` dossiers of `split`; `seed` shifts the block inside the split's own range."""
    lo, hi = SPLITS[split]
    base = lo + seed * STRIDE
    if n > STRIDE or base < lo or base + n > hi:
        raise ValueError(f"{split}: seed {seed} with {n} dossiers leaves the split's range [{lo}, {hi})")
    return list(range(base, base + n))


def make_corpus(out: Path, n: int, split: str, seed: int = 0) -> list[Path]:
    from tests.corpus2.dossier import make_dossier

    out.mkdir(parents=True, exist_ok=True)
    seeds = split_seeds(split, n, seed)
    paths = []
    for s in seeds:
        name = f"{split[0]}{s}"
        make_dossier(out / name, s, name)
        paths.append(out / name)
    meta = {
        "generator": "tests.corpus2",
        "split": split,
        "seed": seed,
        "seeds": seeds,
        "range": SPLITS[split],
    }
    (out / "corpus.json").write_text(json.dumps(meta, indent=1), "utf-8")
    return paths
