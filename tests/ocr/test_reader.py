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


def _signature_block(seal_over: bool) -> np.ndarray:
    """A contract's last page: 乙方's name and representative printed where its company seal is stamped."""
    from PIL import ImageDraw, ImageFont

    from tests.ocr.test_seals_drawing import UMING, Stamp, stamp_on

    page = Image.new("RGB", (1654, 2339), (252, 252, 250))
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 34, index=2)
    draw.text(
        (150, 200),
        "八、本合同一式三份，甲方执两份，乙方执一份，自双方签字盖章之日起生效。",
        font=font,
        fill=0,
    )
    draw.text((900, 460), "乙方（盖章）：", font=font, fill=0)
    draw.text((900, 530), "南昌华腾电器有限公司", font=font, fill=0)
    draw.text((900, 610), "法定代表人：万少建", font=font, fill=0)
    draw.text((900, 690), "日期：2025年10月30日", font=font, fill=0)
    pixels = np.asarray(page).copy()
    if seal_over:
        pixels = stamp_on(pixels, Stamp("南昌华腾电器有限公司", font=UMING, width_mm=42), 200.0, 1090, 580)
    return pixels


def test_print_under_a_seal_is_read_and_the_seal_still_found():
    reading, pixels = read_page(Image.fromarray(_signature_block(seal_over=True)))
    text = "".join(ln.text for ln in reading.text.lines)
    assert "南昌华腾电器有限公司" in text
    assert "法定代表人：万少建" in text.replace(":", "：")
    assert len(reading.seals) == 1  # found on the colour original, which is what the reviewer is shown
    assert (pixels[..., 0].astype(int) - pixels[..., 1].astype(int) > 60).sum() > 1000
