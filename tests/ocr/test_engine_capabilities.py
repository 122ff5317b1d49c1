"""Engines own their capabilities: line detection, the upside-down classifier and the one-line recogniser
are asked of the engine in use; tesseract lends RapidOCR's, loaded only when one of them is called."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr import orientation
from ocr.engines import OcrEngineError, get_engine
from ocr.seals import find_seals
from ocr.types import TextLine

ROOT = Path(__file__).resolve().parents[2]
FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"


class Stub:
    """An engine that finds the lines it is given and calls every page upside down."""

    name = "stub"

    def __init__(self, boxes: np.ndarray) -> None:
        self.boxes = boxes
        self.asked: list[str] = []

    def read(self, image: np.ndarray, lines: np.ndarray | None = None) -> list[TextLine]:
        return []

    def detect_lines(self, image: np.ndarray) -> np.ndarray:
        self.asked.append("detect_lines")
        return self.boxes

    def is_upside_down(self, image: np.ndarray, lines: np.ndarray) -> bool:
        self.asked.append(f"is_upside_down:{len(lines)}")
        return True

    def read_line(self, image: np.ndarray) -> tuple[str, float]:
        self.asked.append("read_line")
        return "", 0.0


def _line(x: float, y: float, length: float = 300, height: float = 20) -> list[list[float]]:
    return [[x, y], [x + length, y], [x + length, y + height], [x, y + height]]


def test_orientation_asks_the_engine_it_is_given() -> None:
    boxes = np.asarray([_line(40, 40 + 40 * i) for i in range(4)], dtype=np.float32)
    stub = Stub(boxes)
    page = np.full((400, 500, 3), 255, np.uint8)
    found = orientation.detect(page, stub)
    assert (found.rotation, found.skew) == (180, 0.0)
    assert stub.asked == ["detect_lines", "is_upside_down:4"]


def test_a_page_without_lines_is_not_classified() -> None:
    stub = Stub(np.zeros((0, 4, 2), np.float32))
    upright, found, quads = orientation.upright_with_lines(np.full((50, 80, 3), 255, np.uint8), stub)
    assert (found.rotation, found.skew, len(quads)) == (0, 0.0, 0)
    assert upright.shape == (50, 80, 3)
    assert stub.asked == ["detect_lines"]


def test_a_page_without_seals_asks_nothing_of_the_engine() -> None:
    stub = Stub(np.zeros((0, 4, 2), np.float32))
    assert find_seals(np.full((800, 600, 3), 255, np.uint8), 100.0, engine=stub) == ()
    assert stub.asked == []


def test_tesseract_without_a_helper_refuses_the_capabilities_it_lacks() -> None:
    from ocr.engines.tesseract import TesseractEngine

    engine = TesseractEngine(helper=None)
    with pytest.raises(OcrEngineError, match="without a helper"):
        engine.detect_lines(np.full((50, 80, 3), 255, np.uint8))
    with pytest.raises(OcrEngineError, match="unknown helper"):
        TesseractEngine(helper="tesseract")


def test_tesseract_and_text_layer_pages_do_not_load_rapidocr() -> None:
    code = textwrap.dedent(
        """
        import sys
        from PIL import Image
        from ocr.engines import get_engine
        from ocr.reader import read_page
        from ocr.types import TextLine

        get_engine("tesseract")
        line = TextLine("客户名称：宁波海曙恒达商贸有限公司", (10, 10, 400, 30), 1.0)
        for engine in ("tesseract", "rapidocr"):
            read_page(Image.new("RGB", (600, 800), "white"), text_layer=[line], engine=engine)
        print(sorted(m for m in sys.modules if m.split(".")[0] == "rapidocr" or m == "ocr.engines.rapid"))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


@pytest.mark.ocr
def test_tesseract_lends_rapidocrs_capabilities() -> None:
    image = Image.new("RGB", (900, 160), "white")
    font = ImageFont.truetype(FONT, 56)
    ImageDraw.Draw(image).text((30, 40), "开户银行 中国工商银行", font=font, fill="black")
    pixels = np.asarray(image)
    tesseract, rapid = get_engine("tesseract"), get_engine("rapidocr")
    lines = tesseract.detect_lines(pixels)
    assert len(lines) and np.array_equal(lines, rapid.detect_lines(pixels))
    assert tesseract.is_upside_down(pixels, lines) is rapid.is_upside_down(pixels, lines) is False
    assert tesseract.read_line(pixels) == rapid.read_line(pixels)
