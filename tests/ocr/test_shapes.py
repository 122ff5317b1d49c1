"""Images far from a page's proportions: strips, small crops, turned strips, tiny and huge images.

The detector magnifies its input until the short side is 736 px; unpadded, a line strip became letters
hundreds of pixels tall that were never found (no text, 11-32 s per image). These read drawn images with the
real engine (marked `ocr`) and check the text comes back, turned strips are turned upright, and
degenerate sizes neither crash nor detect twice.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

import ocr.engines.rapid as rapid
from ocr.reader import read_page
from tests.bench.shapes import chars_correct, form_cell, strip, tiny, turned

pytestmark = pytest.mark.ocr


def _text(image: Image.Image) -> tuple[list[str], int]:
    reading, _ = read_page(image)
    return [line.text for line in reading.text.lines], reading.text.rotation


def test_pad_for_detector_caps_the_magnification_of_strips_and_tiny_crops():
    paper = (240, 238, 236)
    line = np.full((62, 960, 3), paper, np.uint8)
    padded, left, top = rapid._pad_for_detector(line)
    assert padded.shape[:2] == (240, 960)  # aspect 4: the detector magnifies ~3×, not 12×
    assert (left, top) == (0, 89)
    assert np.array_equal(padded[top : top + 62], line)
    assert tuple(padded[0, 0]) == paper  # border colour, no edge for the detector to find
    column = np.full((960, 100, 3), 255, np.uint8)
    assert rapid._pad_for_detector(column)[0].shape[:2] == (960, 240)
    assert rapid._pad_for_detector(np.zeros((40, 60, 3), np.uint8))[0].shape[:2] == (240, 240)
    page = np.zeros((960, 679, 3), np.uint8)
    assert rapid._pad_for_detector(page)[0] is page  # pages are detected exactly as before


def test_a_handwritten_strip_is_read():
    shape = strip(600, 60, "法定代表人田军华", seed=8)
    lines, rotation = _text(shape.image)
    assert rotation == 0
    assert chars_correct(lines, shape.lines) >= 0.85, lines


def test_a_small_crop_of_a_form_cell_is_read():
    shape = form_cell(seed=10)
    lines, _ = _text(shape.image)
    assert "".join(lines) == "田军华"


@pytest.mark.parametrize("turn", [90, 180])
def test_a_turned_strip_is_made_upright_and_read(turn):
    shape = turned(strip(600, 60, "法定代表人田军华", seed=8), turn)
    lines, rotation = _text(shape.image)
    assert rotation == turn
    assert chars_correct(lines, shape.lines) >= 0.85, lines


def test_a_tiny_crop_is_read():
    shape = tiny(seed=13)
    lines, _ = _text(shape.image)
    assert "".join(lines) == "印章"


@pytest.mark.parametrize("size", [(1, 1), (5, 3), (8000, 1), (1, 8000), (8000, 600)])
def test_degenerate_and_huge_blank_images_read_as_nothing(size, monkeypatch):
    calls: list[tuple[int, ...]] = []
    detect = rapid.detect_lines

    def counted(image: np.ndarray, *args: int) -> np.ndarray:
        calls.append(image.shape)
        return detect(image, *args)

    monkeypatch.setattr(rapid, "detect_lines", counted)
    reading, pixels = read_page(Image.new("RGB", size, "white"))
    assert reading.text.lines == ()
    assert max(pixels.shape[:2]) <= 2400 and min(pixels.shape[:2]) >= 1
    assert len(calls) == 1  # no text found is an answer: the engine does not detect again
