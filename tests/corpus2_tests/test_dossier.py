"""Whole dossiers: deterministic per seed, truth shaped as the scorer reads it, record taken from the
source documents, text-layer PDFs whose text holds every truth value, defects that change what they say,
and splits drawn from disjoint seed ranges."""

import io
import json
import random
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from stdnum.cn import ric

from tests.corpus2 import corpus, dossier
from tests.corpus2.docs import contracts
from tests.corpus2.dossier import _inject, make_dossier
from tests.corpus2.sheet import write_pdf
from tests.corpus2_tests.helpers import ctx_for, field_printed

SEED = 1007


@pytest.fixture(scope="module")
def twice(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    mp = pytest.MonkeyPatch()
    mp.setattr(dossier, "DPIS", (72.0,))  # same code path, a fraction of the pixels
    a, b = tmp_path_factory.mktemp("a") / "d", tmp_path_factory.mktemp("b") / "d"
    make_dossier(a, SEED, "t1007")
    make_dossier(b, SEED, "t1007")
    mp.undo()
    return a, b


def _stable(path: Path) -> bytes:
    """File bytes without the creation/modification times and ids PDF writers stamp in."""
    data = path.read_bytes()
    return re.sub(rb"/(CreationDate|ModDate|ID) *(\(.*?\)|\[.*?\])", b"", data)


def test_generation_is_deterministic(twice: tuple[Path, Path]) -> None:
    a, b = twice
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    for name in names:
        assert _stable(a / name) == _stable(b / name), name


def test_truth_shape_and_record(twice: tuple[Path, Path]) -> None:
    a, _ = twice
    t = json.loads((a / "truth.json").read_text("utf-8"))
    assert set(t["record"]) == {
        "customer_name",
        "tax_id",
        "bank_name",
        "bank_account",
        "tax_address",
        "tax_phone",
    }
    pages = [p for f in t["files"] for p in f.get("pages", [])]
    assert 8 <= len(pages) <= 12
    for f in t["files"]:
        assert (a / f["file"]).exists()
    by_type = {p["doc_type"]: p for p in pages}
    cert = by_type.get("business_license") or by_type["tax_registration"]
    assert t["record"]["customer_name"] == cert["fields"]["customer_name"]
    assert t["record"]["tax_id"] == cert["fields"]["tax_id"]
    assert t["record"]["tax_address"] == cert["fields"]["address"]
    proof = by_type.get("bank_permit") or by_type["passbook"]
    assert t["record"]["bank_account"] == proof["fields"]["bank_account"]
    assert t["record"]["bank_name"] == proof["fields"]["bank_name"]
    assert t["record"]["tax_phone"] == by_type["application_form"]["fields"]["tax_phone"]
    assert t["pickup_date"] >= t["as_of"] and t["deadline"] < t["pickup_date"]
    for p in pages:
        assert p["text_layer"] or isinstance(p["degraded"], bool)
        assert set(p["seals"]) <= {
            "company",
            "finance",
            "receiving",
            "contract",
            "invoice",
            "personal",
            "other",
        }


def test_text_layer_pdf_holds_every_truth_value() -> None:
    ctx = ctx_for(40, False, False)
    for pages in (contracts.distribution(ctx), contracts.logistics(ctx)):
        reader = PdfReader(io.BytesIO(write_pdf([p.sheet for p in pages], "c")))
        assert len(reader.pages) == len(pages)
        for d, page in zip(pages, reader.pages, strict=True):
            text = re.sub(r"\s+", "", page.extract_text())
            for name, value in d.fields.items():
                assert field_printed(name, value.replace(" ", ""), text), (name, value)


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ("name_mismatch", "customer_name"),
        ("tax_id_mismatch", "tax_id"),
        ("bank_account_mismatch", "bank_account"),
        ("bank_name_mismatch", "bank_name"),
        ("address_mismatch", "tax_address"),
        ("phone_invalid", "tax_phone"),
    ],
)
def test_form_defects_change_exactly_one_field(rule: str, field: str) -> None:
    ctx = ctx_for(50, False, False)
    before = dict(ctx.form)
    _inject(rule, random.Random(1), ctx)
    changed = {k for k in before if before[k] != ctx.form[k]}
    assert changed == {field}
    if rule == "name_mismatch":
        assert len(ctx.form[field]) == len(before[field])
        assert sum(x != y for x, y in zip(ctx.form[field], before[field], strict=True)) == 1


def test_consignee_and_seal_defects() -> None:
    ctx = ctx_for(51, False, False)
    _inject("consignee_id_invalid", random.Random(2), ctx)
    assert ric.calc_check_digit(ctx.consignee_id) != ctx.consignee_id[17]
    ctx = ctx_for(52, False, False)
    card = [s for s in ctx.seals if s.kind == "receiving"]
    _inject("seal_mismatch", random.Random(3), ctx)
    assert ctx.contract_receiving != card


def test_splits_are_disjoint_and_recorded(tmp_path: Path) -> None:
    tune = set(corpus.split_seeds("tune", 500)) | set(corpus.split_seeds("tune", 500, seed=80))
    hold = set(corpus.split_seeds("holdout", 500)) | set(corpus.split_seeds("holdout", 500, seed=3))
    assert not tune & hold
    assert max(tune) < 90_000 <= min(hold)
    with pytest.raises(ValueError):
        corpus.split_seeds("tune", 10, seed=89)
