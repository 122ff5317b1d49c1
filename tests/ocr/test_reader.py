"""Reading real-looking scans end to end with the real engines (marked `ocr`: seconds per page)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image

from ocr import orientation
from ocr.engines import OcrEngineError, get_engine
from ocr.reader import read_page
from ocr.types import DocType, TextSource
from tests.synth import render_document

pytestmark = pytest.mark.ocr


@pytest.fixture(scope="module")
def licence() -> tuple[Image.Image, dict]:
    pages, truth = render_document("business_license", 3, degrade=0.0)
    return pages[0], truth["pages"][0]


def test_licence_is_recognised_and_its_fields_read_with_boxes(licence):
    image, truth = licence
    reading, pixels = read_page(image)
    assert reading.doc_type == DocType.BUSINESS_LICENSE
    assert reading.text.source == TextSource.OCR
    for name in ("customer_name", "tax_id", "address"):
        field = reading.fields[name]
        assert field.value == truth["fields"][name]
        x0, y0, x1, y1 = field.bbox
        assert 0 <= x0 < x1 <= pixels.shape[1] and 0 <= y0 < y1 <= pixels.shape[0]
        assert 0.5 < field.confidence <= 1.0


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_turned_and_skewed_scan_is_made_upright(licence, turn):
    image, truth = licence
    arr = np.asarray(image.convert("RGB"))
    code = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}[turn]
    arr = cv2.rotate(arr, code)
    h, w = arr.shape[:2]
    arr = cv2.warpAffine(
        arr, cv2.getRotationMatrix2D((w / 2, h / 2), 2.5, 1.0), (w, h), borderValue=(255, 255, 255)
    )
    found = orientation.detect(arr)
    assert found.rotation == turn
    assert abs(abs(found.skew) - 2.5) < 0.8
    reading, pixels = read_page(Image.fromarray(arr))
    assert reading.text.rotation == turn
    assert pixels.shape[:2] == ((h, w) if turn == 180 else (w, h))
    assert reading.fields["tax_id"].value == truth["fields"]["tax_id"]


def test_tesseract_engine_reads_the_same_page(licence):
    image, truth = licence
    try:
        get_engine("tesseract")
    except OcrEngineError as exc:  # pragma: no cover - CI installs tesseract
        pytest.fail(f"tesseract must be installed for the test suite: {exc}")
    reading, _ = read_page(image, engine="tesseract")
    assert reading.text.engine == "tesseract"
    assert reading.doc_type == DocType.BUSINESS_LICENSE
    assert reading.fields["tax_id"].value == truth["fields"]["tax_id"]


def test_blank_page_reads_as_unknown_without_fields():
    reading, _ = read_page(Image.new("RGB", (1654, 2339), "white"))
    assert reading.doc_type == DocType.UNKNOWN
    assert reading.fields == {}
    assert reading.seals == ()
