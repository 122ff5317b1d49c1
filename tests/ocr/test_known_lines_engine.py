"""The test-only `known-lines` engine: a generated page is read through the whole pipeline, instantly; any
other page is refused with a clear error on that page, never read as blank."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from intake.lifecycle.context import open_context
from intake.settings import Settings
from ocr.engines import OcrEngineError, get_engine
from ocr.engines.known_lines import decode_lines, encode_lines
from storage.contract_json import dossier_json
from tests.workers.pages import known_lines_pages, tiny_page
from workers.embedded import process_embedded


def test_lines_round_trip_through_the_page() -> None:
    lines = [("开户许可证", (10, 20, 150, 48), 0.98), ("账号：1202020309900123456", (10, 60, 400, 88), 0.9)]
    read = decode_lines(np.stack([encode_lines(lines, (300, 200))] * 3, axis=-1))
    assert [(t.text, t.bbox, t.confidence) for t in read] == lines


def test_a_page_without_known_lines_is_refused() -> None:
    with pytest.raises(OcrEngineError, match="known-lines"):
        get_engine("known-lines").read(np.full((100, 100, 3), 255, dtype=np.uint8))


def test_the_pipeline_reads_generated_pages_and_fails_other_pages_clearly(tmp_path: Path) -> None:
    settings = Settings.for_data_dir(tmp_path / "data", ocr_engine="known-lines")
    ctx = open_context(settings)
    paths = [*known_lines_pages(tmp_path / "in", 2), tiny_page(tmp_path / "in" / "scan.png", "扫描")]
    dossier_id = process_embedded(ctx, paths, as_of=date(2026, 1, 5), workers=1)
    with ctx.sessions() as s:
        out = dossier_json(s, dossier_id)
    pages = out["pages"]
    assert [p["doc_type"] for p in pages[:2]] == ["bank_permit", "bank_permit"]
    assert pages[0]["engine"] == "known-lines"
    assert pages[0]["fields"]["bank_account"]["value"] == "1202020309900123456"
    assert "known-lines" in (pages[2]["error"] or "")
