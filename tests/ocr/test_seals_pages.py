"""Seal finding on pages of the independent drawing (test_seals_drawing.py): where the held-out corpus showed
seals missed — touching seals on a contract's signature page, the receiving seal on an ID-card copy, e-seals
on a rendered text-layer PDF — and red print that must not be taken for a seal."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.reader import estimate_dpi
from ocr.seals import classify_kind, find_seals
from ocr.types import Seal, SealKind
from tests.ocr.test_seals_drawing import (
    NOTO_SERIF,
    UKAI,
    UMING,
    Stamp,
    eseal_pdf,
    id_copy_page,
    rendered_pdf,
    signature_page,
    stamp_on,
    text_page,
)

NAME = "苏州鸿运医药有限公司"
CARRIER = "顺运达物流有限公司"
RECEIVING = Stamp(NAME, "收货专用章", "receiving", font=UMING, ring_mm=1.2)


def _signed(dpi: float, gap_mm: float) -> tuple[list[tuple[int, int]], tuple[Seal, ...], np.ndarray]:
    stamps = [Stamp(CARRIER, font=NOTO_SERIF), Stamp(NAME, font=UKAI, turn=8), replace(RECEIVING, turn=-12)]
    page = signature_page(stamps, dpi, random.Random(int(dpi)), gap_mm=gap_mm)
    return page.boxes, find_seals(page.pixels, estimate_dpi(page.pixels), read_text=False), page.pixels


def _centre_hits(centres: list[tuple[int, int]], seals: tuple[Seal, ...], tol: int) -> int:
    hits = 0
    for x, y in centres:
        hits += any(
            abs((s.bbox[0] + s.bbox[2]) / 2 - x) < tol and abs((s.bbox[1] + s.bbox[3]) / 2 - y) < tol
            for s in seals
        )
    return hits


@pytest.mark.parametrize(("dpi", "gap_mm"), [(200.0, -5.0), (150.0, -2.0), (200.0, 0.5)])
def test_touching_seals_on_a_signature_block_are_each_found(dpi: float, gap_mm: float) -> None:
    centres, seals, _ = _signed(dpi, gap_mm)
    assert len(seals) == 3
    assert _centre_hits(centres, seals, int(dpi / 25.4 * 4)) == 3  # each where it was stamped, not merged
    assert all(s.shape == "round" for s in seals)


@pytest.mark.parametrize("dpi", [200.0, 150.0])
def test_receiving_seal_over_an_id_card_copy_is_found(dpi: float) -> None:
    page = id_copy_page(replace(RECEIVING, turn=-10), dpi, random.Random(3), overlap=0.6)
    seals = find_seals(page.pixels, estimate_dpi(page.pixels), read_text=False)
    assert len(seals) == 1
    assert _centre_hits(page.boxes, seals, int(dpi / 25.4 * 4)) == 1


@pytest.mark.parametrize("vector", [False, True])
def test_pure_red_e_seals_on_a_rendered_text_layer_pdf_are_found(vector: bool) -> None:
    red = (255, 0, 0)
    pdf = eseal_pdf(
        [Stamp(CARRIER, colour=red), Stamp(NAME, colour=red), replace(RECEIVING, colour=red)], vector=vector
    )
    pixels = rendered_pdf(pdf)
    seals = find_seals(pixels, estimate_dpi(pixels), read_text=False)
    assert len(seals) == 3


def test_red_print_that_is_not_a_seal_is_not_reported() -> None:
    """A red title, red table rules, a red hand signature over a signature line, a licence's emblem (rings
    and a star, no text) and a red circled mark: none has a ring with text inside."""
    dpi = 200.0
    page = Image.fromarray(text_page((1654, 2339), dpi, lines=20))
    draw = ImageDraw.Draw(page)
    red = (210, 30, 35)
    draw.text((500, 40), "物流配送合同", font=ImageFont.truetype(UKAI[0], 110, index=UKAI[1]), fill=red)
    for y in (1700, 1760, 1820):
        draw.line((150, y, 1500, y), fill=red, width=4)
    for x in (150, 700, 1500):
        draw.line((x, 1700, x, 1820), fill=red, width=4)
    rng = np.random.default_rng(5)
    pts = [(900 + 40 * t + 25 * np.sin(t * 1.7), 1300 + 30 * np.cos(t * 2.3)) for t in np.linspace(0, 12, 80)]
    draw.line([(float(x), float(y) + rng.normal(0, 2)) for x, y in pts], fill=red, width=5)  # signature
    draw.ellipse((200, 1000, 380, 1180), outline=red, width=8)  # emblem: double ring, star, no text
    draw.ellipse((225, 1025, 355, 1155), outline=red, width=3)
    draw.regular_polygon((290, 1090, 40), 5, fill=red)
    draw.ellipse((1200, 2000, 1300, 2100), outline=red, width=6)  # a circled 已核 mark, small
    assert find_seals(np.asarray(page), dpi, read_text=False) == ()


def test_legend_kind_and_its_doubt() -> None:
    assert classify_kind("收 货 专 用 章") == SealKind.RECEIVING
    assert classify_kind("收货章") == SealKind.RECEIVING
    assert classify_kind("收贷专用章") == SealKind.RECEIVING  # one character misread
    # as near to every legend as to any: the kind is not known, and must not default to receiving
    assert classify_kind("金司专用章") == SealKind.COMPANY
    assert classify_kind("秘寶专用章") == SealKind.COMPANY


@pytest.mark.ocr
def test_kinds_on_a_signature_page_with_touching_seals() -> None:
    _, _, pixels = _signed(200.0, -4.0)
    seals = find_seals(pixels, 200.0)
    assert sorted(s.kind for s in seals) == sorted([SealKind.COMPANY, SealKind.COMPANY, SealKind.RECEIVING])
    assert all(s.confidence >= 0.8 for s in seals)


@pytest.mark.ocr
@pytest.mark.parametrize("dpi", [200.0, 150.0])
def test_receiving_seal_on_an_id_copy_is_reported_as_receiving(dpi: float) -> None:
    page = id_copy_page(replace(RECEIVING, turn=15), dpi, random.Random(7), overlap=0.4)
    seals = find_seals(page.pixels, estimate_dpi(page.pixels))
    assert [(s.kind, s.confidence >= 0.8) for s in seals] == [(SealKind.RECEIVING, True)]


@pytest.mark.ocr
def test_receiving_e_seal_on_a_text_layer_contract() -> None:
    red = (255, 0, 0)
    pixels = rendered_pdf(
        eseal_pdf([Stamp(CARRIER, colour=red), replace(RECEIVING, colour=red, legend="收货章")])
    )
    seals = find_seals(pixels, 200.0)
    assert sorted(s.kind for s in seals) == [SealKind.COMPANY, SealKind.RECEIVING]


@pytest.mark.ocr
def test_an_unreadable_legend_leaves_the_kind_in_doubt() -> None:
    """Ink under the star that reads as no legend: not a company seal for sure, and not a receiving one."""
    page = np.full((500, 500, 3), 250, np.uint8)
    page = stamp_on(page, Stamp(NAME, "▇▇▇▇▇", "other", font=NOTO_SERIF), 200.0, 250, 250)
    seals = find_seals(page, 200.0)
    assert len(seals) == 1
    assert seals[0].kind != SealKind.RECEIVING
    assert seals[0].confidence < 0.8


@pytest.mark.ocr
def test_a_seal_whose_text_runs_all_the_way_round_is_still_a_receiving_seal() -> None:
    # the name over ~320° and the kind set low under the star: no empty arc is left under the name
    full = replace(RECEIVING, arc_span=320.0, legend_y=0.6, legend_size=0.24)
    dpi = 200.0
    page = stamp_on(text_page((1654, 2339), dpi, lines=12), full, dpi, 900, 1500)
    seals = find_seals(page, dpi)
    assert [(s.kind, s.confidence >= 0.8) for s in seals] == [(SealKind.RECEIVING, True)]


def test_seals_stamped_down_a_seal_card_so_that_they_touch_are_each_found() -> None:
    # a seal card at a low-resolution scan: five reserved seals in one column, each touching the next
    dpi = 140.0
    px = dpi / 25.4
    page = np.full((round(11.69 * dpi), round(8.27 * dpi), 3), 252, np.uint8)
    names = [NAME, NAME, NAME, NAME, NAME]
    centres = [(int(100 * px), int((40 + 39 * i) * px)) for i in range(len(names))]
    for (cx, cy), name in zip(centres, names, strict=True):
        page = stamp_on(page, Stamp(name, font=UMING, width_mm=41), dpi, cx, cy)
    seals = find_seals(page, estimate_dpi(page), read_text=False)
    assert _centre_hits(centres, seals, int(px * 4)) == len(centres)


def test_washing_seal_ink_leaves_print_alone_on_a_photo_against_a_red_brown_table() -> None:
    from ocr.seals import wash_seal_ink

    dpi = 156.0
    photo = np.zeros((1830, 1294, 3), np.uint8)
    photo[:] = (132, 84, 74)  # the table round the page: red-brown, chroma above a seal's threshold
    page = text_page((1100, 1600), dpi)
    photo[110:1710, 97:1197] = page
    stamped = stamp_on(photo, RECEIVING, dpi, 800, 1300)
    washed = wash_seal_ink(stamped, dpi)
    text_area = (slice(150, 900), slice(150, 1100))  # print, far from the seal
    assert np.array_equal(washed[text_area], stamped[text_area])
    seal_area = (slice(1200, 1400), slice(700, 900))

    def red(a: np.ndarray) -> int:
        return int((a[..., 0].astype(int) - a[..., 1] > 60).sum())

    assert red(washed[seal_area]) < 0.05 * red(stamped[seal_area])  # the ink is gone but for print under it


def test_washing_seal_ink_leaves_print_alone_inside_a_licences_red_border() -> None:
    from ocr.seals import wash_seal_ink

    dpi = 200.0
    page = text_page((1654, 2339), dpi)
    px = dpi / 25.4
    framed = Image.fromarray(page)
    ImageDraw.Draw(framed).rectangle(
        (int(8 * px), int(8 * px), int(200 * px), int(285 * px)), outline=(200, 40, 40), width=int(3 * px)
    )
    stamped = stamp_on(np.asarray(framed).copy(), RECEIVING, dpi, 1200, 1900)
    washed = wash_seal_ink(stamped, dpi)
    text_area = (slice(200, 1200), slice(200, 1400))  # print inside the border, far from the seal
    assert np.array_equal(washed[text_area], stamped[text_area])
