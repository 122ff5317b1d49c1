"""The rules on dossiers drawn by the synthetic generator: each injected defect is caught, a clean dossier
has no blocker.

The documents are built from what the generator printed (its ground truth), so these tests exercise the rules
on realistic, varied values (names, addresses, banks, identifiers, seals, dates) without the cost of OCR; the
OCR path is covered end to end by tests/intake/test_cli_process.py and the accuracy benchmark.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from intake.checks import check_dossier
from intake.record import assemble_record
from intake.types import CheckContext, Document, Severity, SourcedField, SourcedSeal
from ocr.types import DocType, SealKind
from tests.synth import make_dossier
from tests.synth.defects import RULES


def documents_from_truth(truth: dict) -> list[Document]:
    """One document per run of pages of one type in a file, fields and seals as printed."""
    docs: list[Document] = []
    for f in truth["files"]:
        if f.get("rejected") or f.get("duplicate_of"):
            continue
        for page in f["pages"]:
            doc_type = DocType(page["doc_type"])
            fields = {
                name: SourcedField(name, str(value), 0.99, None, f["file"], page["page"], doc_type)
                for name, value in page["fields"].items()
            }
            seals = tuple(
                SourcedSeal(SealKind(s["kind"]), s.get("text", ""), None, 0.9, f["file"], page["page"])
                for s in page.get("seal_details", [])
            )
            last = docs[-1] if docs else None
            if last is not None and last.file == f["file"] and last.doc_type == doc_type:
                docs[-1] = Document(
                    doc_type,
                    f["file"],
                    (*last.pages, page["page"]),
                    {**fields, **last.fields},
                    last.seals + seals,
                )
            else:
                docs.append(Document(doc_type, f["file"], (page["page"],), fields, seals))
    return docs


def run(truth: dict):
    docs = documents_from_truth(truth)
    pickup = date.fromisoformat(truth["pickup_date"]) if truth.get("pickup_date") else None
    ctx = CheckContext(as_of=date.fromisoformat(truth["as_of"]), pickup_date=pickup)
    return check_dossier(docs, assemble_record(docs), ctx)


@pytest.mark.parametrize("seed", [3, 11, 29])
def test_clean_generated_dossier_has_no_blocker(tmp_path: Path, seed: int) -> None:
    truth = make_dossier(tmp_path / "d", seed, degrade=0.0, extras=False)
    outcome = run(truth)
    blockers = [f.as_json() for f in outcome.findings if f.severity == Severity.BLOCKER]
    assert blockers == []
    assert outcome.completeness.complete


@pytest.mark.parametrize("rule", RULES)
def test_injected_defect_is_caught(tmp_path: Path, rule: str) -> None:
    truth = make_dossier(tmp_path / "d", 100 + RULES.index(rule), degrade=0.0, defects=[rule], extras=False)
    assert rule in [d["rule"] for d in truth["defects"]]  # a deadline defect comes with a missing document
    outcome = run(truth)
    assert rule in {f.rule for f in outcome.findings}, [f.as_json() for f in outcome.findings]
