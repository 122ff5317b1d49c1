"""Layout helpers shared by the document templates: a style (fonts, sizes, label conventions), label/value
lines, ruled tables, titles, paragraphs and a few ornaments (borders, QR-like boxes, emblems).

Every helper draws onto a `Page` display list and returns where it ended, so templates read top to bottom.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from tests.synth import fonts
from tests.synth.page import INK, Color, Page
from tests.synth.textfmt import spaced_label


@dataclass(frozen=True, slots=True)
class Style:
    """How one document is typeset: label and value faces, size, colon, label padding, margins."""

    label_face: str
    value_face: str
    title_face: str
    size: int  # body text size in px (200 dpi: 36 px ≈ 13 pt)
    colon: str  # "：", ":" or ""
    pad_labels: bool  # 名　　称 (ideographic spaces) instead of 名称
    margin: int
    line_gap: float  # line pitch as a multiple of size
    ink: Color = INK
    value_ink: Color = INK


def pick_style(rng: random.Random, *, pdf_safe: bool = False, official: bool = False) -> Style:
    faces = fonts.PDF_SAFE if pdf_safe else fonts.BODY_FACES
    label_face = rng.choice(faces)
    value_face = label_face if rng.random() < 0.6 else rng.choice(faces)
    title_face = rng.choice(("zenhei", "microhei") if pdf_safe else fonts.TITLE_FACES)
    size = rng.choice((30, 32, 34, 36, 38, 40, 44)) if not official else rng.choice((34, 36, 38, 40))
    ink = (rng.randint(10, 40),) * 3
    value_ink = ink if rng.random() < 0.7 else (rng.randint(20, 50), rng.randint(20, 50), rng.randint(40, 80))
    return Style(
        label_face=label_face,
        value_face=value_face,
        title_face=title_face,
        size=size,
        colon=rng.choice(("：", "：", ":", "")),
        pad_labels=rng.random() < 0.4,
        margin=rng.randint(140, 230),
        line_gap=rng.uniform(1.9, 2.6),
        ink=ink,
        value_ink=value_ink,
    )


def label_text(style: Style, label: str, width: int = 4, *, colon: bool = True) -> str:
    text = spaced_label(label, width) if style.pad_labels else label
    return text + (style.colon if colon else "")


def label_width(style: Style, labels: list[str], width: int = 4, *, size: int | None = None) -> float:
    """Column offset for values: the widest label (as drawn, with colon) plus a gap."""
    size = size or style.size
    return (
        max(fonts.text_width(label_text(style, lab, width), style.label_face, size) for lab in labels)
        + size * 0.8
    )


def fit_size(text: str, face: str, size: int, max_width: float) -> int:
    """Shrink the font so the text fits on one line (forms squeeze long names rather than wrap them)."""
    w = fonts.text_width(text, face, size)
    if w <= max_width or w == 0:
        return size
    return max(14, int(size * max_width / w))


def kv(
    page: Page,
    style: Style,
    x: float,
    y: float,
    label: str,
    value: str,
    *,
    label_w: float | None = None,
    max_x: float | None = None,
    width: int = 4,
) -> float:
    """`label：value` on one line with the baseline at y; values start at x + label_w when given."""
    lab = label_text(style, label, width)
    end = page.text(x, y, lab, style.label_face, style.size, fill=style.ink)
    vx = x + label_w if label_w is not None else end + style.size * 0.3
    max_x = max_x if max_x is not None else page.width - style.margin
    size = fit_size(value, style.value_face, style.size, max_x - vx)
    page.text(vx, y, value, style.value_face, size, fill=style.value_ink)
    return y + style.size * style.line_gap


def kv_above(page: Page, style: Style, x: float, y: float, label: str, value: str, *, max_x: float) -> float:
    """Label on one line, the value below it (indented a little): the 'label above value' layout."""
    small = int(style.size * 0.8)
    page.text(x, y, label, style.label_face, small, fill=style.ink)
    y += style.size * 1.35
    size = fit_size(value, style.value_face, style.size, max_x - x - 20)
    page.text(x + 20, y, value, style.value_face, size, fill=style.value_ink)
    return y + style.size * style.line_gap


def title(
    page: Page,
    style: Style,
    y: float,
    text: str,
    *,
    size: int | None = None,
    spacing: float = 0.0,
    align: str = "center",
    fill: Color | None = None,
) -> float:
    size = size or int(style.size * 1.9)
    x = page.width / 2 if align == "center" else style.margin
    page.text(
        x,
        y,
        text,
        style.title_face,
        size,
        fill=fill or style.ink,
        anchor="ms" if align == "center" else "ls",
        spacing=spacing,
    )
    return y + size * 1.6


def paragraph(
    page: Page,
    style: Style,
    x: float,
    y: float,
    text: str,
    *,
    max_x: float,
    size: int | None = None,
    indent: bool = True,
    face: str | None = None,
) -> float:
    """Wrap Chinese text character by character (no word breaks in CJK)."""
    size = size or style.size
    face = face or style.value_face
    gap = size * (style.line_gap * 0.75)
    line = "\u3000\u3000" if indent else ""
    for ch in text:
        if fonts.text_width(line + ch, face, size) > max_x - x:
            page.text(x, y, line, face, size, fill=style.ink)
            y += gap
            line = ""
        line += ch
    if line:
        page.text(x, y, line, face, size, fill=style.ink)
        y += gap
    return y


Cell = tuple[float, str, str]  # (width, text, "label" | "value" | "center")


def table_row(
    page: Page,
    style: Style,
    x: float,
    y: float,
    cells: list[Cell],
    height: float,
    *,
    line_w: int = 2,
    size: int | None = None,
) -> float:
    """One row of a ruled table: each cell boxed; labels left, values left after a small pad."""
    size = size or style.size
    cx = x
    for width, text, kind in cells:
        page.rect((cx, y, cx + width, y + height), width=line_w, outline=style.ink)
        if text:
            face = style.label_face if kind == "label" else style.value_face
            fill = style.ink if kind == "label" else style.value_ink
            s = fit_size(text, face, size, width - 24)
            base = y + height / 2 + s * 0.36
            if kind == "center":
                page.text(cx + width / 2, base, text, face, s, fill=fill, anchor="ms")
            else:
                page.text(cx + 12, base, text, face, s, fill=fill)
        cx += width
    return y + height


def border(page: Page, rng: random.Random, color: Color, *, inset: int = 60, double: bool = True) -> None:
    w, h = page.width, page.height
    page.rect((inset, inset, w - inset, h - inset), width=rng.choice((4, 6, 8)), outline=color)
    if double:
        d = rng.choice((14, 18, 24))
        page.rect((inset + d, inset + d, w - inset - d, h - inset - d), width=2, outline=color)


def qr_box(page: Page, rng: random.Random, x: float, y: float, side: int) -> None:
    """A QR-code-like block (licences and permits carry one); black modules on white."""
    n = 25
    cell = side / n
    for i in range(n):
        for j in range(n):
            finder = (i < 7 and j < 7) or (i < 7 and j >= n - 7) or (i >= n - 7 and j < 7)
            if finder:
                ii, jj = i % (n - 7) if i >= 7 else i, j % (n - 7) if j >= 7 else j
                on = ii in (0, 6) or jj in (0, 6) or (2 <= ii <= 4 and 2 <= jj <= 4)
            else:
                on = rng.random() < 0.5
            if on:
                page.rect(
                    (x + j * cell, y + i * cell, x + (j + 1) * cell, y + (i + 1) * cell),
                    width=0,
                    outline=None,
                    fill=(20, 20, 20),
                )


def emblem(page: Page, cx: float, cy: float, r: float, color: Color) -> None:
    """A stylised national emblem placeholder: concentric rings and a star."""
    page.ellipse((cx - r, cy - r, cx + r, cy + r), width=6, outline=color)
    page.ellipse((cx - r * 0.78, cy - r * 0.78, cx + r * 0.78, cy + r * 0.78), width=3, outline=color)
    page.text(cx, cy + r * 0.28, "★", "sans", int(r * 0.9), fill=color, anchor="ms")


def checkboxes(options: list[str], chosen: str, rng: random.Random) -> str:
    marks = rng.choice((("■", "□"), ("☑", "□"), ("√", "□")))
    out = []
    for opt in options:
        out.append((marks[0] if opt == chosen else marks[1]) + opt)
    return "  ".join(out)
