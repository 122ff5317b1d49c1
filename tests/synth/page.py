"""A page as a display list (text, lines, boxes, seal stamps) in 200-dpi pixels, rendered either to a clean
raster image (to be "scanned" by scan.py) or into a PDF page with a real text layer (reportlab).

Keeping one display list for both outputs means a digitally produced document and its scanned copy carry
exactly the same text, so truth does not depend on the output format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import Image, ImageDraw

from tests.synth import fonts

DPI = 200
A4 = (1654, 2339)
A4_LANDSCAPE = (2339, 1654)
INK = (24, 24, 28)
PT_PER_PX = 72 / DPI

Color = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class TextOp:
    x: float
    y: float  # baseline
    s: str
    face: str
    size: int
    fill: Color = INK
    anchor: str = "ls"  # ls | ms | rs (left / middle / right, on the baseline)


@dataclass(frozen=True, slots=True)
class LineOp:
    x0: float
    y0: float
    x1: float
    y1: float
    width: int = 2
    fill: Color = INK


@dataclass(frozen=True, slots=True)
class RectOp:
    box: tuple[float, float, float, float]
    width: int = 2
    outline: Color | None = INK
    fill: Color | None = None


@dataclass(frozen=True, slots=True)
class EllipseOp:
    box: tuple[float, float, float, float]
    width: int = 2
    outline: Color | None = INK
    fill: Color | None = None


@dataclass(frozen=True, slots=True)
class StampOp:
    """An RGBA image multiplied onto the page (seal ink lets the print underneath show through)."""

    image: Image.Image
    x: int
    y: int


Op = TextOp | LineOp | RectOp | EllipseOp | StampOp


@dataclass(slots=True)
class Page:
    width: int
    height: int
    ops: list[Op] = field(default_factory=list)

    def text(
        self,
        x: float,
        y: float,
        s: str,
        face: str,
        size: int,
        *,
        fill: Color = INK,
        anchor: str = "ls",
        spacing: float = 0.0,
    ) -> float:
        """Draw `s` with its baseline at y; returns the x where the text ends. `spacing` adds letter space."""
        if not s:
            return x
        if spacing <= 0:
            self.ops.append(TextOp(x, y, s, face, size, fill, anchor))
            w = fonts.text_width(s, face, size)
        else:
            w = sum(fonts.text_width(c, face, size) for c in s) + spacing * (len(s) - 1)
            cx = x - (w / 2 if anchor == "ms" else w if anchor == "rs" else 0)
            for c in s:
                self.ops.append(TextOp(cx, y, c, face, size, fill, "ls"))
                cx += fonts.text_width(c, face, size) + spacing
        if anchor == "ms":
            return x + w / 2
        if anchor == "rs":
            return x
        return x + w

    def line(self, x0: float, y0: float, x1: float, y1: float, width: int = 2, fill: Color = INK) -> None:
        self.ops.append(LineOp(x0, y0, x1, y1, width, fill))

    def rect(
        self,
        box: tuple[float, float, float, float],
        *,
        width: int = 2,
        outline: Color | None = INK,
        fill: Color | None = None,
    ) -> None:
        self.ops.append(RectOp(box, width, outline, fill))

    def ellipse(
        self,
        box: tuple[float, float, float, float],
        *,
        width: int = 2,
        outline: Color | None = INK,
        fill: Color | None = None,
    ) -> None:
        self.ops.append(EllipseOp(box, width, outline, fill))

    def stamp(self, image: Image.Image, cx: float, cy: float) -> None:
        """Place a seal image centred on (cx, cy)."""
        self.ops.append(StampOp(image, int(cx - image.width / 2), int(cy - image.height / 2)))


def render(page: Page) -> Image.Image:
    """The clean page as an RGB image at 200 dpi."""
    img = Image.new("RGB", (page.width, page.height), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    stamps: list[StampOp] = []
    for op in page.ops:
        if isinstance(op, TextOp):
            draw.text((op.x, op.y), op.s, font=fonts.font(op.face, op.size), fill=op.fill, anchor=op.anchor)
        elif isinstance(op, LineOp):
            draw.line((op.x0, op.y0, op.x1, op.y1), fill=op.fill, width=op.width)
        elif isinstance(op, RectOp):
            draw.rectangle(op.box, outline=op.outline, fill=op.fill, width=op.width)
        elif isinstance(op, EllipseOp):
            draw.ellipse(op.box, outline=op.outline, fill=op.fill, width=op.width)
        else:
            stamps.append(op)
    if stamps:
        arr = np.asarray(img, dtype=np.float32)
        for st in stamps:
            _multiply(arr, st)
        img = Image.fromarray(arr.clip(0, 255).astype(np.uint8))
    return img


def _multiply(arr: np.ndarray, st: StampOp) -> None:
    h, w = arr.shape[:2]
    x0, y0 = max(st.x, 0), max(st.y, 0)
    x1, y1 = min(st.x + st.image.width, w), min(st.y + st.image.height, h)
    if x1 <= x0 or y1 <= y0:
        return
    seal = np.asarray(st.image, dtype=np.float32)[y0 - st.y : y1 - st.y, x0 - st.x : x1 - st.x]
    alpha = seal[..., 3:4] / 255.0
    factor = 1.0 - alpha * (1.0 - seal[..., :3] / 255.0)
    arr[y0:y1, x0:x1] *= factor


# ---------- PDF with a text layer ----------


@lru_cache(maxsize=1)
def _register_pdf_fonts() -> dict[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    names = {}
    for face in fonts.PDF_SAFE:
        path, index = fonts.FACES[face]
        name = f"Synth-{face}"
        pdfmetrics.registerFont(TTFont(name, path, subfontIndex=index))
        names[face] = name
    return names


def _pdf_face(face: str) -> str:
    names = _register_pdf_fonts()
    if face in names:
        return names[face]
    return names["zenhei_mono" if "mono" in face else "zenhei"]


def write_text_pdf(pages: list[Page], target: BinaryIO | Path, *, encrypt: str | None = None) -> None:
    """Write pages as a digitally generated PDF: real text (extractable), vector rules, seals as images."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(
        target if not isinstance(target, Path) else str(target),
        pagesize=A4_PT,
        encrypt=encrypt,
        pageCompression=1,
    )
    c.setTitle("scan")
    for page in pages:
        wpt, hpt = page.width * PT_PER_PX, page.height * PT_PER_PX
        c.setPageSize((wpt, hpt))
        for op in page.ops:
            if isinstance(op, TextOp):
                c.setFillColorRGB(*(v / 255 for v in op.fill))
                c.setFont(_pdf_face(op.face), op.size * PT_PER_PX)
                x, y = op.x * PT_PER_PX, hpt - op.y * PT_PER_PX
                if op.anchor == "ms":
                    c.drawCentredString(x, y, op.s)
                elif op.anchor == "rs":
                    c.drawRightString(x, y, op.s)
                else:
                    c.drawString(x, y, op.s)
            elif isinstance(op, LineOp):
                c.setStrokeColorRGB(*(v / 255 for v in op.fill))
                c.setLineWidth(op.width * PT_PER_PX)
                c.line(op.x0 * PT_PER_PX, hpt - op.y0 * PT_PER_PX, op.x1 * PT_PER_PX, hpt - op.y1 * PT_PER_PX)
            elif isinstance(op, RectOp | EllipseOp):
                x0, y0, x1, y1 = (v * PT_PER_PX for v in op.box)
                if op.outline:
                    c.setStrokeColorRGB(*(v / 255 for v in op.outline))
                if op.fill:
                    c.setFillColorRGB(*(v / 255 for v in op.fill))
                c.setLineWidth(op.width * PT_PER_PX)
                draw = c.rect if isinstance(op, RectOp) else None
                if draw is not None:
                    c.rect(
                        x0, hpt - y1, x1 - x0, y1 - y0, stroke=int(bool(op.outline)), fill=int(bool(op.fill))
                    )
                else:
                    c.ellipse(
                        x0, hpt - y1, x1, hpt - y0, stroke=int(bool(op.outline)), fill=int(bool(op.fill))
                    )
            else:
                img = op.image
                c.drawImage(
                    ImageReader(img),
                    op.x * PT_PER_PX,
                    hpt - (op.y + img.height) * PT_PER_PX,
                    img.width * PT_PER_PX,
                    img.height * PT_PER_PX,
                    mask="auto",
                )
        c.showPage()
    c.save()


A4_PT = (A4[0] * PT_PER_PX, A4[1] * PT_PER_PX)
