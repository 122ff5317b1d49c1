"""Synthetic scanned dossiers with ground truth, for unit tests, the accuracy benchmark and the README sample.

    make_dossier(out_dir, seed, degrade=0.5, defects=(), as_of=None) -> truth dict (also out_dir/truth.json)
    make_corpus(out_dir, n, seed=1, defect_rate=0.0) -> list of dossier dirs
    render_document(doc_type, seed, degrade=0.0, identity=None) -> (page images, truth)
    render_text_pdf(doc_type, seed, path, as_of=…) -> a text-layer PDF of one document
    make_sample(out_dir) -> truth of the fixed README demo dossier

Lives under tests/ on purpose: it is test tooling, never imported by the product packages.
"""

from tests.synth.defects import RULES, Defect
from tests.synth.dossier import make_corpus, make_dossier, make_sample, render_document, render_text_pdf
from tests.synth.identity import CustomerIdentity, make_identity

__all__ = [
    "RULES",
    "CustomerIdentity",
    "Defect",
    "make_corpus",
    "make_dossier",
    "make_identity",
    "make_sample",
    "render_document",
    "render_text_pdf",
]
