"""Seal finding on synthetic pages: seals drawn with the synthetic generator, red print that is not a seal."""

from __future__ import annotations

import random

import numpy as np
import pytest
from PIL import Image, ImageDraw

from ocr.seals import classify_kind, find_seals, owner_name, red_regions
from ocr.types import SealKind
from tests.synth import fonts
from tests.synth.identity import SealSpec
from tests.synth.seals import render_seal

DPI = 200.0
RED = (200, 35, 40)


def _page() -> Image.Image:
    """An A4 page at 200 dpi with a little black text, as the seals' background."""
    page = Image.new("RGB", (1654, 2339), (250, 250, 248))
    draw = ImageDraw.Draw(page)
    for i in range(12):
        draw.text(
            (150, 200 + i * 60),
            "甲方：某某有限公司 合同条款第" + str(i) + "条",
            font=fonts.font("serif", 34),
            fill=0,
        )
    return page


def _stamp(page: Image.Image, spec: SealSpec, seed: int, cx: int, cy: int) -> None:
    seal = render_seal(spec, random.Random(seed))
    ink = np.asarray(seal)[..., 3:4].astype(np.float32) / 255.0
    x0, y0 = cx - seal.width // 2, cy - seal.height // 2
    arr = np.asarray(page).astype(np.float32)
    box = arr[y0 : y0 + seal.height, x0 : x0 + seal.width]
    colour = np.asarray(seal)[..., :3].astype(np.float32)
    box[:] = box * (1 - ink) + box * colour / 255.0 * ink  # multiply, as ink on paper
    page.paste(Image.fromarray(arr.clip(0, 255).astype(np.uint8)))


def _pixels(page: Image.Image) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(page.convert("RGB")))


def test_page_without_red_has_no_seals() -> None:
    assert find_seals(_pixels(_page()), DPI) == ()


def test_red_title_emblem_and_rule_are_not_seals() -> None:
    page = _page()
    draw = ImageDraw.Draw(page)
    draw.text(
        (450, 80), "营 业 执 照", font=fonts.font("sans_bold", 110), fill=RED
    )  # red title, one glyph ~14 mm
    draw.line((100, 320, 1550, 320), fill=RED, width=6)  # red rule
    draw.rectangle((300, 1400, 1300, 1900), outline=RED, width=5)  # red frame
    draw.ellipse((700, 1000, 880, 1180), outline=RED, width=8)  # the emblem: double ring and a star, no text
    draw.ellipse((725, 1025, 855, 1155), outline=RED, width=3)
    draw.regular_polygon((790, 1090, 40), 5, fill=RED)
    draw.ellipse((1100, 500, 1420, 820), outline=RED, width=10)  # a seal-sized ring with nothing inside
    assert find_seals(_pixels(page), DPI, read_text=False) == ()


def test_a_red_border_does_not_make_the_whole_page_measured() -> None:
    """A licence's printed red border touches its emblem; the seal search measures the emblem and the seal
    at full resolution, not the whole page the border spans, and still finds the seal (and only it)."""
    page = _page()
    draw = ImageDraw.Draw(page)
    for inset, width in ((60, 6), (80, 2)):
        draw.rectangle((inset, inset, 1654 - inset, 2339 - inset), outline=RED, width=width)
    draw.ellipse((737, 20, 917, 200), outline=RED, width=8)  # the emblem, sitting on the border
    draw.regular_polygon((827, 110, 40), 5, fill=RED)
    _stamp(page, SealSpec("company", "杭州永泰医药有限责任公司"), 3, 1100, 1900)
    pixels = _pixels(page)
    measured = sum(r.pixels.shape[0] * r.pixels.shape[1] for r in red_regions(pixels, DPI))
    assert measured < 0.1 * pixels.shape[0] * pixels.shape[1]
    seals = find_seals(pixels, DPI, read_text=False)
    assert [(s.kind, s.shape) for s in seals] == [(SealKind.COMPANY, "round")]


def test_ring_and_square_are_found_without_reading() -> None:
    page = _page()
    _stamp(page, SealSpec("company", "杭州永泰医药有限责任公司"), 3, 500, 1300)
    _stamp(page, SealSpec("personal", "罗志伟", shape="square"), 4, 1200, 1300)
    seals = find_seals(_pixels(page), DPI, read_text=False)
    assert sorted(s.shape for s in seals) == ["round", "square"]
    assert sorted(s.kind for s in seals) == [SealKind.COMPANY, SealKind.PERSONAL]


def test_kind_comes_from_the_legend_and_authority_names() -> None:
    assert classify_kind("收货专用章（1）") == SealKind.RECEIVING
    assert classify_kind("财务专用章") == SealKind.FINANCE
    assert classify_kind("发票专用章") == SealKind.INVOICE
    assert classify_kind("合同专用章") == SealKind.CONTRACT
    assert classify_kind("业务专用章", "某某公司") == SealKind.OTHER
    assert classify_kind("", "中国农业银行股份有限公司苏州分行") == SealKind.OTHER
    assert classify_kind("", "杭州市工商行政管理局") == SealKind.OTHER
    assert classify_kind("", "杭州永泰医药有限责任公司") == SealKind.COMPANY
    assert classify_kind("", "", square=True) == SealKind.PERSONAL


def test_owner_name_is_kept_only_when_sure_and_name_like() -> None:
    assert owner_name("杭州永泰医药有限责任公司", 0.99) == "杭州永泰医药有限责任公司"
    assert owner_name("杭州永泰医药有限责任公司", 0.5) == ""
    assert owner_name("22苏州鸿运医药有限公", 0.99) == ""  # does not end like a name
    assert owner_name("厦门市思明区海纳批发部", 0.97) == "厦门市思明区海纳批发部"


@pytest.mark.ocr
def test_kinds_and_names_are_read_from_stamped_seals() -> None:
    page = _page()
    name = "苏州鸿运医药有限公司"
    _stamp(page, SealSpec("receiving", name, "收货专用章"), 11, 450, 1300)
    _stamp(page, SealSpec("finance", name, "财务专用章"), 12, 1150, 1300)
    _stamp(page, SealSpec("other", "杭州市工商行政管理局"), 13, 800, 1900)
    seals = find_seals(_pixels(page), DPI)
    assert sorted(s.kind for s in seals) == sorted([SealKind.RECEIVING, SealKind.FINANCE, SealKind.OTHER])
    for seal in seals:
        assert seal.text in ("", name, "杭州市工商行政管理局")  # right or empty, never wrong


@pytest.mark.ocr
def test_receiving_seals_on_a_logistics_contract() -> None:
    from tests.synth import render_document

    pages, truth = render_document("logistics_contract", 3, degrade=0.0)
    last = truth["pages"][-1]
    seals = find_seals(_pixels(pages[-1]), DPI)
    assert sorted(s.kind.value for s in seals) == sorted(last["seals"])
    texts = {d["text"] for d in last["seal_details"]}
    assert all(s.text in texts for s in seals if s.text)


class Counting:
    """The real engine, counting the one-line recognitions asked of it (each costs ~15–40 ms)."""

    def __init__(self) -> None:
        from ocr.engines import get_engine

        self.engine = get_engine("rapidocr")
        self.name = self.engine.name
        self.lines: list[str] = []

    def __getattr__(self, name: str) -> object:
        return getattr(self.engine, name)

    def read_line(self, image: np.ndarray) -> tuple[str, float]:
        text, score = self.engine.read_line(image)
        self.lines.append(text)
        return text, score


@pytest.mark.ocr
def test_a_company_seal_costs_one_recognition_and_a_special_seal_two() -> None:
    page = _page()
    name = "苏州鸿运医药有限公司"
    _stamp(page, SealSpec("company", name), 21, 450, 1300)  # nothing under the star: only its name is read
    engine = Counting()
    (seal,) = find_seals(_pixels(page), DPI, engine=engine)  # type: ignore[arg-type]
    assert (seal.kind, seal.confidence, len(engine.lines)) == (SealKind.COMPANY, 0.9, 1)
    page = _page()
    _stamp(page, SealSpec("receiving", name, "收货专用章"), 22, 450, 1300)
    engine = Counting()
    (seal,) = find_seals(_pixels(page), DPI, engine=engine)  # type: ignore[arg-type]
    assert seal.kind == SealKind.RECEIVING
    assert len(engine.lines) == 2 and "收货专用章" in engine.lines


@pytest.mark.ocr
@pytest.mark.parametrize("legend", ["收货专用章", "财务专用章", "合同专用章", "收货章"])
def test_a_short_line_is_read_without_padding_it_to_a_long_one(legend: str) -> None:
    from ocr.engines.rapid import read_line

    img = Image.new("RGB", (40 + 36 * len(legend), 64), "white")
    ImageDraw.Draw(img).text((20, 12), legend, font=fonts.font("serif", 36), fill=0)
    text, score = read_line(np.asarray(img))
    assert text == legend and score > 0.9
