"""Scan degradations do what truth says: rotation turns the page clockwise, skew turns content clockwise, and
a degraded page stays readable by the real OCR engine."""

import random

import numpy as np
import pytest
from PIL import Image, ImageDraw

from tests.synth import render_document
from tests.synth.scan import _rotate_small, degrade_page


def _page_with_bar() -> Image.Image:
    img = Image.new("RGB", (160, 220), "white")
    ImageDraw.Draw(img).rectangle((20, 20, 60, 40), fill="black")  # a block in the top-left corner
    return img


def _dark_centroid(img: Image.Image) -> tuple[float, float]:
    grey = np.asarray(img.convert("L")).astype(int)
    ys, xs = np.nonzero(grey < grey.min() + 25)  # the black block is the darkest thing on the page
    return float(xs.mean()) / img.width, float(ys.mean()) / img.height


def test_rotation_is_clockwise_as_recorded() -> None:
    seen = set()
    for seed in range(400):
        img, info = degrade_page(_page_with_bar(), random.Random(seed), 1.0)
        if info.rotation == 0 or "perspective" in info.effects or info.rotation in seen:
            continue
        seen.add(info.rotation)
        cx, cy = _dark_centroid(img)
        # the block starts top-left; clockwise 90 puts it top-right, 180 bottom-right, 270 bottom-left
        expected = {90: (cx > 0.5 and cy < 0.5), 180: (cx > 0.5 and cy > 0.5), 270: (cx < 0.5 and cy > 0.5)}
        assert expected[info.rotation], (info.rotation, cx, cy)
        if info.rotation in (90, 270):
            assert img.width > img.height
    assert seen == {90, 180, 270}


def test_skew_turns_content_clockwise() -> None:
    img = Image.new("RGB", (1000, 1000), "white")
    ImageDraw.Draw(img).line((100, 500, 900, 500), fill="black", width=5)
    out = np.asarray(_rotate_small(img, 3.0).convert("L")) < 100
    ys_left = np.nonzero(out[:, 150])[0]
    ys_right = np.nonzero(out[:, out.shape[1] - 150])[0]
    assert ys_right.mean() > ys_left.mean()  # clockwise: the right end goes down


def test_zero_degrade_leaves_the_page_untouched() -> None:
    clean = _page_with_bar()
    img, info = degrade_page(clean, random.Random(1), 0.0)
    assert img is clean and not info.degraded and info.rotation == 0


@pytest.mark.ocr
def test_rapidocr_reads_the_name_on_a_degraded_id_copy() -> None:
    from rapidocr import RapidOCR

    images, truth = render_document("consignee_id", 2, degrade=0.7)
    page = truth["pages"][0]
    img = images[0]
    if page["rotation"]:
        img = img.rotate(page["rotation"], expand=True)  # undo the clockwise turn
    result = RapidOCR(params={"Global.log_level": "error"})(np.asarray(img.convert("RGB")))
    text = "".join(result.txts or ())
    assert page["fields"]["consignee_name"] in text
    assert page["fields"]["consignee_id_number"] in text
