"""Whole dossiers: truth.json describes exactly the files written, formats are what they claim, a clean
dossier is consistent everywhere, and requested defects appear in truth."""

import io
import json
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pypdfium2
import pytest
from PIL import Image

from tests.synth import ids, make_dossier
from tests.synth.__main__ import main

MAGIC = {"jpeg": b"\xff\xd8\xff", "png": b"\x89PNG", "bmp": b"BM", "pdf": b"%PDF"}


@pytest.fixture(scope="module")
def dossiers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict]]:
    root = tmp_path_factory.mktemp("dossiers")
    clean = make_dossier(root / "clean", 12, degrade=0.5)
    broken = make_dossier(root / "broken", 8, degrade=0.3, defects=("name_mismatch", "deadline_at_risk"),
                          as_of=date(2026, 3, 2))  # fmt: skip
    return {"clean": (root / "clean", clean), "broken": (root / "broken", broken)}


def _read(folder: Path, entry: dict) -> bytes:
    if "archive" in entry:
        with zipfile.ZipFile(folder / entry["archive"]) as zf:
            member = entry["file"].split("/", 1)[1]
            info = next(i for i in zf.infolist() if _zip_name(i) == member)
            return zf.read(info)
    return (folder / entry["file"]).read_bytes()


def _zip_name(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _page_count(fmt: str, data: bytes) -> int:
    if fmt == "pdf":
        return len(pypdfium2.PdfDocument(data))
    im = Image.open(io.BytesIO(data))
    im.load()
    return getattr(im, "n_frames", 1)


@pytest.mark.parametrize("which", ["clean", "broken"])
def test_truth_lists_exactly_the_files_written(dossiers, which: str) -> None:
    folder, truth = dossiers[which]
    assert json.loads((folder / "truth.json").read_text(encoding="utf-8")) == truth
    on_disk = {p.name for p in folder.iterdir()} - {"truth.json"}
    listed = {e.get("archive", e["file"]) for e in truth["files"]}
    assert on_disk == listed
    for entry in truth["files"]:
        data = _read(folder, entry)
        if entry["rejected"]:
            assert entry["reason_kind"] in (
                "truncated_image",
                "empty_file",
                "unsupported_type",
                "encrypted_pdf",
            )
            continue
        fmt = entry["format"]
        if fmt == "tiff":
            assert data[:4] in (b"II*\x00", b"MM\x00*")
        else:
            assert data.startswith(MAGIC[fmt]), entry["file"]
        if entry.get("duplicate_of"):
            assert data == _read(
                folder, next(e for e in truth["files"] if e["file"] == entry["duplicate_of"])
            )
            continue
        assert _page_count(fmt, data) == len(entry["pages"]) > 0
        assert [p["page"] for p in entry["pages"]] == list(range(1, len(entry["pages"]) + 1))


def test_clean_dossier_is_consistent_and_complete(dossiers) -> None:
    _, truth = dossiers["clean"]
    assert truth["defects"] == [] and truth["missing_doc_types"] == []
    as_of = date.fromisoformat(truth["as_of"])
    assert date.fromisoformat(truth["pickup_date"]) >= as_of + timedelta(days=14)
    pages = [p for f in truth["files"] for p in f["pages"]]
    present = {p["doc_type"] for p in pages}
    assert set(truth["doc_types"]) == present
    assert {
        "application_form",
        "seal_card",
        "distribution_contract",
        "logistics_contract",
        "consignee_id",
    } <= present
    record = truth["record"]
    for p in pages:
        for name, value in p["fields"].items():
            if name in record and name != "tax_address":
                assert value == record[name], (p["doc_type"], name)
        if p["doc_type"] in ("business_license", "tax_registration"):
            assert p["fields"]["address"] == record["tax_address"]
            assert (
                p["fields"].get("valid_to", "long_term") == "long_term"
                or p["fields"]["valid_to"] > truth["as_of"]
            )
        if p["doc_type"] == "consignee_id":
            assert ids.id_errors(p["fields"]["consignee_id_number"], as_of) == []
    assert ids.phone_valid(record["tax_phone"])


def test_defects_and_missing_documents_are_recorded(dossiers) -> None:
    _, truth = dossiers["broken"]
    rules = [d["rule"] for d in truth["defects"]]
    assert sorted(rules) == ["deadline_at_risk", "document_missing", "name_mismatch"]
    missing = truth["missing_doc_types"]
    pages = [p for f in truth["files"] for p in f["pages"]]
    assert len(missing) == 1 and missing[0] not in {p["doc_type"] for p in pages}
    form = next(p for p in pages if p["doc_type"] == "application_form")
    assert form["fields"]["customer_name"] != truth["record"]["customer_name"]
    deadline = date.fromisoformat(truth["deadline"])
    assert date(2026, 3, 2) <= deadline <= date(2026, 3, 5)


def test_same_seed_gives_the_same_truth(tmp_path: Path) -> None:
    a = make_dossier(tmp_path / "a", 5, degrade=0.0, as_of=date(2025, 7, 1))
    b = make_dossier(tmp_path / "b", 5, degrade=0.0, as_of=date(2025, 7, 1))
    a.pop("dossier")
    b.pop("dossier")
    assert a == b


def test_cli_writes_a_corpus_index(tmp_path: Path) -> None:
    assert main(["--out", str(tmp_path), "--dossiers", "1", "--seed", "4", "--degrade", "0"]) == 0
    index = json.loads((tmp_path / "corpus.json").read_text(encoding="utf-8"))
    assert [d["dossier"] for d in index] == ["d0000"]
    assert (tmp_path / "d0000" / "truth.json").exists()
