"""A second, independent source of test dossiers (issue 9): other layouts, wordings, fonts and real-world
mess than tests/synth, with its own identities, seals and scan degradation. Nothing here imports the product
(`intake`, `ocr`, `storage`) or tests/synth, so neither can hide a bug of the other.

    python -m tests.corpus2 --out DIR --dossiers N --split tune|holdout [--seed S]
"""

from tests.corpus2.corpus import SPLITS, make_corpus, split_seeds

__all__ = ["SPLITS", "make_corpus", "split_seeds"]
