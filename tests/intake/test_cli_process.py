"""`dossier process --json` end to end on a small generated dossier: contract JSON, rejected files, exit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.synth import render_document

pytestmark = pytest.mark.ocr
ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DOSSIER_DATA_DIR": str(data_dir), "DOSSIER_WORKERS": "1"}
    env.pop("DOSSIER_DATABASE_URL", None)
    env.pop("DOSSIER_BROKER_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "intake.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def small_dossier(tmp_path_factory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("dossier")
    pages, truth = render_document("business_license", 5, degrade=0.3)
    pages[0].convert("RGB").save(folder / "IMG_20250503_092688.JPG", quality=80)
    form_pages, form_truth = render_document("application_form", 5, degrade=0.0)
    form_pages[0].save(folder / "申请表.png")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n")  # truncated
    (folder / "empty.jpg").write_bytes(b"")
    return folder, {"licence": truth["pages"][0], "form": form_truth["pages"][0]}


def test_process_prints_the_contract_json(small_dossier, tmp_path):
    folder, truth = small_dossier
    proc = _run(
        ["process", str(folder), "--json", "--as-of", "2025-06-01", "--pickup-date", "2025-07-01"], tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert set(out) >= {"dossier", "pages", "record", "completeness", "findings", "rejected_files"}
    assert out["dossier"]["pickup_date"] == "2025-07-01" and out["dossier"]["deadline"] == "2025-06-24"
    assert out["dossier"]["status"] == "awaiting_review"
    by_file = {p["file"]: p for p in out["pages"]}
    lic = by_file["IMG_20250503_092688.JPG"]
    assert lic["page"] == 1 and lic["doc_type"] == "business_license" and lic["source"] == "ocr"
    assert lic["engine"] == "rapidocr"
    name = lic["fields"]["customer_name"]
    assert name["value"] == truth["licence"]["fields"]["customer_name"]
    assert 0 < name["confidence"] <= 1 and len(name["bbox"]) == 4
    assert by_file["申请表.png"]["doc_type"] == "application_form"
    # the record takes the customer name and tax number from the licence
    assert out["record"]["customer_name"] == truth["licence"]["fields"]["customer_name"]
    assert out["record"]["tax_id"] == truth["licence"]["fields"]["tax_id"]
    # unreadable files are listed with a reason, the rest was processed
    rejected = {r["file"]: r["reason"] for r in out["rejected_files"]}
    assert set(rejected) == {"broken.pdf", "empty.jpg"}
    assert all("broken.pdf" in r or "empty.jpg" in r for r in rejected.values())
    # a dossier of two documents is far from complete: the checks say what is missing
    assert out["completeness"]["complete"] is False
    assert "seal_card" in out["completeness"]["missing"]
    assert any(f["rule"] == "document_missing" for f in out["findings"])


def test_process_exits_non_zero_when_nothing_could_be_read(tmp_path):
    bad = tmp_path / "in"
    bad.mkdir()
    (bad / "a.pdf").write_bytes(b"not a pdf at all")
    proc = _run(["process", str(bad), "--json"], tmp_path / "data")
    assert proc.returncode == 1
    out = json.loads(proc.stdout)
    assert out["pages"] == [] and out["rejected_files"][0]["file"] == "a.pdf"


def test_missing_path_is_a_clear_error(tmp_path):
    proc = _run(["process", str(tmp_path / "nope")], tmp_path / "data")
    assert proc.returncode == 2
    assert "nope" in proc.stderr


def test_the_summary_for_a_person_is_chinese(small_dossier, tmp_path):
    """Without --json, on a terminal-less run: the same dossier told in the vocabulary's words."""
    import re

    from intake.vocabulary import RULES, SEVERITIES, STATUSES, TEXT_SOURCES

    folder, _truth = small_dossier
    proc = _run(
        ["process", "-v", str(folder), "--as-of", "2025-06-01", "--pickup-date", "2025-07-01"], tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert "状态：待审核" in text and "建档截止日期：2025-06-24" in text
    assert "文字识别" in text  # the pages' source
    assert "[阻断] 缺少材料：" in text  # two documents of a dossier: the checks say what is missing
    assert re.search(r"检查结果：\d+ 项（阻断 \d+ 项，提示 \d+ 项）", text)
    assert "需要审核人核对的字段" in text
    assert "未能读取的文件（2 个）" in text and "broken.pdf" in text and "empty.jpg" in text
    codes = re.compile(r"\b(" + "|".join({*RULES, *SEVERITIES, *STATUSES, *TEXT_SOURCES} - {"ocr"}) + r")\b")
    assert not codes.search(text), codes.search(text)
