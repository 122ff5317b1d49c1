"""A page as a display list in millimetres, rendered either to a raster image at any resolution or to a
PDF page with a real text layer (embedded TrueType CJK faces), so a scan and an e-signed PDF of the same
document come from one drawing."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw

from tests.corpus2 import seals as sealmod
from tests.corpus2.fonts import FACES, PDF_FACES, font, pdf_face

INK = (25, 25, 30)
BLUE_INK = (30, 45, 140)
A4 = (210.0, 297.0)


@dataclass(slots=True)
class Text:
    x: float
    y: float  # baseline
    s: str
    face: str
    size: float  # em size in mm
    color: tuple[int, int, int] = INK
    anchor: str = "l"  # l | m | r
    hand: bool = False


@dataclass(slots=True)
class Line:
    x0: float
    y0: float
    x1: float
    y1: float
    width: float = 0.3
    color: tuple[int, int, int] = INK


@dataclass(slots=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float
    width: float = 0.3
    outline: tuple[int, int, int] | None = INK
    fill: tuple[int, int, int] | None = None


@dataclass(slots=True)
class Stamp:
    seal: sealmod.Seal
    cx: float
    cy: float
    seed: int
    vector: bool = False


@dataclass(slots=True)
class Picture:
    image: Image.Image
    x: float
    y: float
    w: float
    h: float


@dataclass(slots=True)
class Sheet:
    """One page. `width`/`height` in mm; ops are drawn in order (stamps last, over the text)."""

    width: float = A4[0]
    height: float = A4[1]
    ops: list = field(default_factory=list)

    def text(self, x: float, y: float, s: str, face: str, size: float, **kw: object) -> None:
        self.ops.append(Text(x, y, s, face, size, **kw))  # type: ignore[arg-type]

    def line(self, x0: float, y0: float, x1: float, y1: float, width: float = 0.3) -> None:
        self.ops.append(Line(x0, y0, x1, y1, width))

    def box(self, x0: float, y0: float, x1: float, y1: float, width: float = 0.3, **kw: object) -> None:
        self.ops.append(Box(x0, y0, x1, y1, width, **kw))  # type: ignore[arg-type]

    def stamp(self, seal: sealmod.Seal, cx: float, cy: float, rng: random.Random) -> None:
        self.ops.append(Stamp(seal, cx + rng.uniform(-4, 4), cy + rng.uniform(-3, 3), rng.randrange(1 << 30)))

    def picture(self, image: Image.Image, x: float, y: float, w: float, h: float) -> None:
        self.ops.append(Picture(image, x, y, w, h))

    @property
    def seal_kinds(self) -> list[str]:
        return [op.seal.kind for op in self.ops if isinstance(op, Stamp)]


def width_mm(s: str, face: str, size: float) -> float:
    """Advance width of `s` in mm (measured at 10 px/mm)."""
    return font(face, int(size * 10)).getlength(s) / 10


def _latin(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in ":-.")


def wrap(s: str, face: str, size: float, max_w: float) -> list[str]:
    """Character-level wrapping, as Chinese typesetting does; keeps closing punctuation off a line start and
    does not split a run of Latin letters and digits (a phone, an account, a time)."""
    lines: list[str] = []
    cur = ""
    for ch in s:
        if cur and width_mm(cur + ch, face, size) > max_w and ch not in "，。、；：）”":
            cut = len(cur)
            if _latin(ch):
                while cut > 0 and _latin(cur[cut - 1]):
                    cut -= 1
                cut = cut or len(cur)
            lines.append(cur[:cut])
            cur = cur[cut:] + ch
        else:
            cur += ch
    if cur:
        lines.append(cur)
    return lines


# ---------- raster ----------


def _hand_text(draw: ImageDraw.ImageDraw, op: Text, k: float, rng: random.Random) -> None:
    """Kai characters with drifting baseline, varying size and spacing, slightly off the line."""
    x, y = op.x * k, op.y * k + rng.uniform(-0.8, 1.2) * k
    slope = rng.uniform(-0.03, 0.03)
    for ch in op.s:
        px = int(op.size * k * rng.uniform(0.92, 1.1))
        f = font("kai", px)
        draw.text((x, y + rng.uniform(-0.35, 0.35) * k), ch, font=f, fill=op.color, anchor="ls")
        adv = f.getlength(ch) * rng.uniform(0.95, 1.12)
        x += adv
        y += adv * slope


def render(sheet: Sheet, dpi: float, seed: int = 0) -> Image.Image:
    """The page at `dpi` as an RGB image: paper, text, rules, pictures, then stamps multiplied on top."""
    k = dpi / 25.4
    img = Image.new("RGB", (round(sheet.width * k), round(sheet.height * k)), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    rng = random.Random(seed)
    stamps: list[Stamp] = []
    for op in sheet.ops:
        if isinstance(op, Text):
            if op.hand:
                _hand_text(draw, op, k, rng)
            else:
                anchor = {"l": "ls", "m": "ms", "r": "rs"}[op.anchor]
                draw.text(
                    (op.x * k, op.y * k),
                    op.s,
                    font=font(op.face, int(op.size * k)),
                    fill=op.color,
                    anchor=anchor,
                )
        elif isinstance(op, Line):
            draw.line(
                (op.x0 * k, op.y0 * k, op.x1 * k, op.y1 * k), fill=op.color, width=max(1, round(op.width * k))
            )
        elif isinstance(op, Box):
            draw.rectangle(
                (op.x0 * k, op.y0 * k, op.x1 * k, op.y1 * k),
                outline=op.outline,
                fill=op.fill,
                width=max(1, round(op.width * k)),
            )
        elif isinstance(op, Picture):
            pic = op.image.convert("RGB").resize(
                (max(1, round(op.w * k)), max(1, round(op.h * k))), Image.BILINEAR
            )
            img.paste(pic, (round(op.x * k), round(op.y * k)))
        else:
            stamps.append(op)
    if not stamps:
        return img
    arr = np.asarray(img, dtype=np.float32)
    for st in stamps:
        _multiply(arr, sealmod.render(st.seal, k, random.Random(st.seed)), st.cx * k, st.cy * k)
    return Image.fromarray(arr.clip(0, 255).astype(np.uint8))


def _multiply(arr: np.ndarray, stamp: Image.Image, cx: float, cy: float) -> None:
    """Ink multiplies the paper under it, so text stays visible through the seal as on a real stamp."""
    h, w = arr.shape[:2]
    x, y = round(cx - stamp.width / 2), round(cy - stamp.height / 2)
    x0, y0, x1, y1 = max(0, x), max(0, y), min(w, x + stamp.width), min(h, y + stamp.height)
    if x1 <= x0 or y1 <= y0:
        return
    s = np.asarray(stamp, dtype=np.float32)[y0 - y : y1 - y, x0 - x : x1 - x]
    a = s[..., 3:4] / 255.0
    arr[y0:y1, x0:x1] *= 1.0 - a * (1.0 - s[..., :3] / 255.0)


# ---------- PDF ----------

PT = 72 / 25.4


@lru_cache(maxsize=1)
def _pdf_fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for face in PDF_FACES:
        path, index = FACES[face]
        pdfmetrics.registerFont(TTFont(f"C2-{face}", path, subfontIndex=index))


def _vector_seal(c: object, st: Stamp, height: float) -> None:
    """An e-seal drawn as vectors: ring, legend characters rotated along the arc, star, label."""
    import math

    seal = st.seal
    w, h = seal.size_mm
    cx, cy = st.cx * PT, (height - st.cy) * PT
    c.saveState()  # type: ignore[attr-defined]
    c.setStrokeColorRGB(*(v / 255 for v in sealmod.RED))  # type: ignore[attr-defined]
    c.setFillColorRGB(*(v / 255 for v in sealmod.RED))  # type: ignore[attr-defined]
    c.setLineWidth(1.1 * PT)  # type: ignore[attr-defined]
    if seal.shape == "square":
        c.rect(cx - w / 2 * PT, cy - h / 2 * PT, w * PT, h * PT)  # type: ignore[attr-defined]
        c.setFont("C2-ming", h * 0.34 * PT)  # type: ignore[attr-defined]
        c.drawCentredString(cx, cy - h * 0.12 * PT, seal.text)  # type: ignore[attr-defined]
        c.restoreState()  # type: ignore[attr-defined]
        return
    c.ellipse(cx - w / 2 * PT, cy - h / 2 * PT, cx + w / 2 * PT, cy + h / 2 * PT)  # type: ignore[attr-defined]
    n = len(seal.text)
    span = min(250.0, 26.0 * n)
    size = min(w * 0.13, (w / 2) * 0.74 * math.radians(span) / max(n, 1) * 0.9)  # the legend shares the arc
    for i, ch in enumerate(seal.text):
        ang = 90 + span / 2 - span * (i + 0.5) / n  # counter-clockwise degrees in PDF space
        a = math.radians(ang)
        rx, ry = (w / 2 - size * 0.95 - 1) * PT, (h / 2 - size * 0.95 - 1) * PT
        c.saveState()  # type: ignore[attr-defined]
        c.translate(cx + rx * math.cos(a), cy + ry * math.sin(a))  # type: ignore[attr-defined]
        c.rotate(ang - 90)  # type: ignore[attr-defined]
        c.setFont("C2-ming", size * PT)  # type: ignore[attr-defined]
        c.drawCentredString(0, -size * 0.35 * PT, ch)  # type: ignore[attr-defined]
        c.restoreState()  # type: ignore[attr-defined]
    pts = _star_pts(cx, cy, min(w, h) * 0.15 * PT)
    path = c.beginPath()  # type: ignore[attr-defined]
    path.moveTo(*pts[0])
    for p in pts[1:]:
        path.lineTo(*p)
    path.close()
    c.drawPath(path, fill=1, stroke=0)  # type: ignore[attr-defined]
    if seal.label:
        lsize = min(w * 0.78 / len(seal.label), h * 0.13)
        c.setFont("C2-ming", lsize * PT)  # type: ignore[attr-defined]
        c.drawCentredString(cx, cy - h * 0.32 * PT, seal.label)  # type: ignore[attr-defined]
    c.restoreState()  # type: ignore[attr-defined]


def _star_pts(cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    import math

    out = []
    for i in range(10):
        rad = r if i % 2 == 0 else r * 0.38
        a = math.pi / 2 + i * math.pi / 5
        out.append((cx + rad * math.cos(a), cy + rad * math.sin(a)))
    return out


def write_pdf(sheets: list[Sheet], title: str) -> bytes:
    """A digitally generated PDF: selectable text in embedded Ming/Kai/Micro Hei, vector rules, and e-seals
    as vectors or as transparent images (both occur in e-signed contracts)."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    _pdf_fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(A4[0] * PT, A4[1] * PT), pageCompression=1)
    c.setTitle(title)
    c.setAuthor("e-contract platform")
    for sheet in sheets:
        H = sheet.height
        c.setPageSize((sheet.width * PT, H * PT))
        for op in sheet.ops:
            if isinstance(op, Text):
                c.setFillColorRGB(*(v / 255 for v in op.color))
                c.setFont(f"C2-{'kai' if op.hand else pdf_face(op.face)}", op.size * PT)
                draw = {"l": c.drawString, "m": c.drawCentredString, "r": c.drawRightString}[op.anchor]
                draw(op.x * PT, (H - op.y) * PT, op.s)
            elif isinstance(op, Line):
                c.setStrokeColorRGB(*(v / 255 for v in op.color))
                c.setLineWidth(op.width * PT)
                c.line(op.x0 * PT, (H - op.y0) * PT, op.x1 * PT, (H - op.y1) * PT)
            elif isinstance(op, Box):
                if op.outline:
                    c.setStrokeColorRGB(*(v / 255 for v in op.outline))
                if op.fill:
                    c.setFillColorRGB(*(v / 255 for v in op.fill))
                c.setLineWidth(op.width * PT)
                c.rect(
                    op.x0 * PT,
                    (H - op.y1) * PT,
                    (op.x1 - op.x0) * PT,
                    (op.y1 - op.y0) * PT,
                    stroke=int(op.outline is not None),
                    fill=int(op.fill is not None),
                )
            elif isinstance(op, Picture):
                c.drawImage(
                    ImageReader(op.image.convert("RGB")),
                    op.x * PT,
                    (H - op.y - op.h) * PT,
                    op.w * PT,
                    op.h * PT,
                )
            elif op.vector:
                _vector_seal(c, op, H)
            else:
                img = sealmod.render(op.seal, 8.0, random.Random(op.seed))
                w, h = img.width / 8.0, img.height / 8.0
                c.drawImage(
                    ImageReader(img),
                    (op.cx - w / 2) * PT,
                    (H - op.cy - h / 2) * PT,
                    w * PT,
                    h * PT,
                    mask="auto",
                )
        c.showPage()
    c.save()
    return buf.getvalue()
