"""A second, independent drawing of seals and the pages they sit on, for testing ocr.seals.

The synthetic generator (tests/synth/seals.py) draws seals one way; the held-out corpus was drawn by someone
else, so the seal finder is tested here on seals drawn differently: other fonts (Kai, Ming, Noto Serif), ring
widths, double rings, ovals, star sizes, legends with spaces or without 专用, legend heights, crisp pure-red
e-seals placed into a PDF and rendered the way the pipeline renders text-layer PDFs, faded stamps, stamps over
black text, on an ID-card copy and on a contract's signature page where two seals touch.

The helpers return data (images, truth lists); the few tests at the bottom check the drawing itself, so a
broken drawing cannot pass the finder's tests for the wrong reason.
"""

from __future__ import annotations

import io
import math
import random
import zlib
from dataclasses import dataclass, field, replace

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

UKAI = ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0)
UMING = ("/usr/share/fonts/truetype/arphic/uming.ttc", 0)
NOTO_SERIF = ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2)
NOTO_SANS_BOLD = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2)
SEAL_FONTS = (UKAI, UMING, NOTO_SERIF, NOTO_SANS_BOLD)
SS = 3  # supersampling of the seal drawing


@dataclass(frozen=True, slots=True)
class Stamp:
    """One seal as someone else might draw it; sizes in mm, positions as shares of the radius."""

    name: str
    legend: str = ""  # "" = a company seal: nothing under the star
    kind: str = "company"
    font: tuple[str, int] = UKAI
    width_mm: float = 40.0
    aspect: float = 1.0  # height / width; < 1 is an oval
    ring_mm: float = 1.0
    inner_ring_mm: float = 0.0  # > 0: a thin second ring this far inside the outer one
    star: float = 0.22  # star's outer radius as a share of the seal's radius; 0 = no star
    legend_y: float = 0.5  # the legend's centre under the seal's centre
    legend_size: float = 0.2  # legend glyph height as a share of the radius
    arc_span: float = 230.0  # degrees the name runs over
    colour: tuple[int, int, int] = (205, 35, 40)
    fade: float = 0.0  # 0 = even ink, 1 = barely there in places
    turn: float = 0.0  # degrees, counter-clockwise


def _font(spec: tuple[str, int], px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(spec[0], max(6, px), index=spec[1])


def _glyph(ch: str, font: ImageFont.FreeTypeFont, stretch: float = 1.0) -> Image.Image:
    left, top, right, bottom = font.getbbox(ch)
    img = Image.new("L", (right - left + 4, bottom - top + 4), 0)
    ImageDraw.Draw(img).text((2 - left, 2 - top), ch, font=font, fill=255)
    if stretch != 1.0:
        img = img.resize((img.width, max(1, int(img.height * stretch))), Image.BICUBIC)
    return img


def _star_points(cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    pts = []
    for i in range(10):
        rad = r if i % 2 == 0 else r * 0.4
        a = -math.pi / 2 + i * math.pi / 5
        pts.append((cx + rad * math.cos(a), cy + rad * math.sin(a)))
    return pts


def stamp_mask(stamp: Stamp, dpi: float) -> np.ndarray:
    """The seal's ink as floats 0..1 (H×W), upright then turned by `stamp.turn`."""
    px = dpi / 25.4 * SS
    w = stamp.width_mm * px
    h = w * stamp.aspect
    pad = int(2 * px)
    img = Image.new("L", (int(w) + 2 * pad, int(h) + 2 * pad), 0)
    draw = ImageDraw.Draw(img)
    ring = max(2, int(stamp.ring_mm * px))
    draw.ellipse((pad, pad, pad + w, pad + h), outline=255, width=ring)
    cx, cy, a, b = pad + w / 2, pad + h / 2, w / 2, h / 2
    if stamp.inner_ring_mm:
        d = stamp.inner_ring_mm * px
        draw.ellipse((pad + d, pad + d, pad + w - d, pad + h - d), outline=255, width=max(2, int(0.35 * px)))
    inset = ring + (stamp.inner_ring_mm * px if stamp.inner_ring_mm else 0) + 0.9 * px
    char = 0.24 * b
    ra, rb = a - inset - char * 0.55, b - inset - char * 0.55
    font = _font(stamp.font, int(char))
    n = max(1, len(stamp.name))
    span = math.radians(stamp.arc_span)
    for i, ch in enumerate(stamp.name):  # evenly by angle (not by arc length, as the other drawing does)
        t = -math.pi / 2 - span / 2 + span * (i + 0.5) / n
        x, y = cx + ra * math.cos(t), cy + rb * math.sin(t)
        g = _glyph(ch, font, 1.25 if stamp.aspect < 0.9 else 1.0)
        g = g.rotate(-(math.degrees(t) + 90), resample=Image.BICUBIC, expand=True)
        img.paste(255, (int(x - g.width / 2), int(y - g.height / 2)), g)
    if stamp.star:
        draw.polygon(_star_points(cx, cy - 0.05 * b, stamp.star * b), fill=255)
    if stamp.legend:
        lf = _font(stamp.font, int(stamp.legend_size * b))
        text_w = lf.getlength(stamp.legend)
        if text_w > 1.3 * a:
            lf = _font(stamp.font, int(stamp.legend_size * b * 1.3 * a / text_w))
        draw.text((cx, cy + stamp.legend_y * b), stamp.legend, font=lf, fill=255, anchor="mm")
    if stamp.turn:
        img = img.rotate(stamp.turn, resample=Image.BICUBIC, expand=True)
    img = img.resize((img.width // SS, img.height // SS), Image.LANCZOS)
    ink = np.asarray(img, dtype=np.float32) / 255.0
    if stamp.fade:
        ink = ink * _fade_field(ink.shape, stamp.fade, zlib.crc32(stamp.name.encode()))
    return ink


def _fade_field(shape: tuple[int, ...], fade: float, seed: int) -> np.ndarray:
    """Uneven pressure: a smooth field from 1 down to 1 − fade, and small speckle."""
    rng = np.random.default_rng(seed)
    coarse = Image.fromarray((rng.uniform(0, 1, (4, 4)) * 255).astype(np.uint8))
    smooth = np.asarray(coarse.resize((shape[1], shape[0]), Image.BICUBIC), dtype=np.float32) / 255.0
    speckle = rng.random(shape) < 0.06 * fade
    return np.clip(1.0 - fade * smooth, 0.0, 1.0) * np.where(speckle, 0.3, 1.0)


def stamp_on(
    page: np.ndarray, stamp: Stamp, dpi: float, cx: int, cy: int, *, opaque: bool = False
) -> np.ndarray:
    """The page with the seal on it centred at (cx, cy): multiplied like ink on paper, or painted over like
    an e-seal image placed above the text (`opaque`)."""
    ink = stamp_mask(stamp, dpi)
    out = page.astype(np.float32).copy()
    h, w = ink.shape
    x0, y0 = cx - w // 2, cy - h // 2
    ys, xs = slice(max(0, y0), min(out.shape[0], y0 + h)), slice(max(0, x0), min(out.shape[1], x0 + w))
    a = ink[ys.start - y0 : ys.stop - y0, xs.start - x0 : xs.stop - x0, None]
    colour = np.asarray(stamp.colour, dtype=np.float32)
    box = out[ys, xs]
    out[ys, xs] = box * (1 - a) + (colour if opaque else box * colour / 255.0) * a
    return out.clip(0, 255).astype(np.uint8)


BODY = (
    "第五条 甲方应按约定时间将货物送达乙方指定收货地点，乙方指定收货人应核对货物数量并在送货单上签字。",
    "第六条 乙方变更收货人、收货地址或收货专用章的，应提前五个工作日书面通知甲方，并重新预留印鉴。",
    "第七条 本合同一式三份，甲乙双方各执一份，自双方签字盖章之日起生效，有效期一年，到期自动续签。",
    "附件：收货人身份证复印件、收货专用章印模、营业执照复印件。以上附件与本合同具有同等法律效力。",
)


def text_page(
    size: tuple[int, int], dpi: float, *, font: tuple[str, int] = UMING, lines: int = 30
) -> np.ndarray:
    """A white page (W, H) with rows of black body text at about 10.5 pt."""
    page = Image.new("RGB", size, (252, 252, 250))
    draw = ImageDraw.Draw(page)
    px = dpi / 25.4
    f = _font(font, int(3.7 * px))
    y = int(25 * px)
    for i in range(lines):
        draw.text(
            (int(20 * px), y), BODY[i % len(BODY)][: int((size[0] - 40 * px) / (3.8 * px))], font=f, fill=0
        )
        y += int(8 * px)
    return np.asarray(page).copy()


def scanned(page: np.ndarray, rng: random.Random, *, quality: int = 70) -> np.ndarray:
    """What scanner and JPEG make of it: tinted paper, a little blur and noise, chroma at half resolution."""
    img = Image.fromarray(page).filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 0.9)))
    arr = np.asarray(img, dtype=np.float32) * np.asarray([0.97, 0.95, 0.9], dtype=np.float32)
    arr += np.random.default_rng(rng.randrange(2**32)).normal(0, 4, arr.shape)
    buf = io.BytesIO()
    Image.fromarray(arr.clip(0, 255).astype(np.uint8)).save(buf, "JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB")).copy()


@dataclass(slots=True)
class DrawnPage:
    pixels: np.ndarray
    dpi: float
    kinds: list[str] = field(default_factory=list)  # the seal kinds truly on the page
    boxes: list[tuple[int, int]] = field(default_factory=list)  # their centres
    name: str = ""


def a4_size(dpi: float) -> tuple[int, int]:
    return round(8.27 * dpi), round(11.69 * dpi)


def seals_page(stamps: list[Stamp], dpi: float, rng: random.Random, *, name: str = "") -> DrawnPage:
    """An A4 page of text with the seals spread over it, each partly over black text, then scanned."""
    w, h = a4_size(dpi)
    page = text_page((w, h), dpi)
    centres = []
    for i, stamp in enumerate(stamps):
        col, row = i % 2, i // 2
        cx = int(w * (0.3 + 0.4 * col) + rng.uniform(-0.03, 0.03) * w)
        cy = int(h * (0.22 + 0.22 * row) + rng.uniform(-0.02, 0.02) * h)
        page = stamp_on(page, stamp, dpi, cx, cy)
        centres.append((cx, cy))
    return DrawnPage(scanned(page, rng), dpi, [s.kind for s in stamps], centres, name)


def id_copy_page(stamp: Stamp, dpi: float, rng: random.Random, *, overlap: float = 0.4) -> DrawnPage:
    """A consignee's ID-card copy: the two sides of the card (~86×54 mm, grey) one above the other, typed
    notes under them, and the receiving seal stamped `overlap` of its width over the back of the card."""
    w, h = a4_size(dpi)
    px = dpi / 25.4
    page = Image.new("RGB", (w, h), (252, 252, 250))
    draw = ImageDraw.Draw(page)
    f = _font(UMING, int(3.2 * px))
    cw, ch = int(85.6 * px), int(54 * px)
    x0 = (w - cw) // 2
    for k, y0 in enumerate((int(35 * px), int(105 * px))):
        grey = rng.randint(150, 200)
        draw.rounded_rectangle(
            (x0, y0, x0 + cw, y0 + ch), radius=int(3 * px), fill=(grey,) * 3, outline=(60,) * 3
        )
        noise = np.random.default_rng(k).normal(0, 12, (ch // 4, cw // 4)).clip(-30, 30) + grey
        page.paste(
            Image.fromarray(noise.astype(np.uint8)).resize((cw - 8, ch - 8)).convert("RGB"), (x0 + 4, y0 + 4)
        )
        if k == 0:
            draw.rectangle(
                (x0 + cw - int(30 * px), y0 + int(8 * px), x0 + cw - int(6 * px), y0 + int(40 * px)),
                fill=(90,) * 3,
            )
            for j, t in enumerate(
                ("姓名 田军华", "性别 男  民族 汉", "出生 1985年3月12日", "住址 江苏省苏州市姑苏区")
            ):
                draw.text((x0 + int(6 * px), y0 + int((8 + 8 * j) * px)), t, font=f, fill=(20,) * 3)
            draw.text(
                (x0 + int(6 * px), y0 + int(46 * px)),
                "公民身份号码 320508198503120017",
                font=f,
                fill=(20,) * 3,
            )
        else:
            draw.text(
                (x0 + int(20 * px), y0 + int(10 * px)), "中华人民共和国 居民身份证", font=f, fill=(20,) * 3
            )
            draw.text(
                (x0 + int(6 * px), y0 + int(40 * px)), "签发机关 苏州市公安局姑苏分局", font=f, fill=(20,) * 3
            )
            draw.text(
                (x0 + int(6 * px), y0 + int(46 * px)),
                "有效期限 2015.06.01-2035.06.01",
                font=f,
                fill=(20,) * 3,
            )
            # the national emblem of the card: a small red-free circle in grey, not a seal
            draw.ellipse(
                (x0 + int(6 * px), y0 + int(6 * px), x0 + int(24 * px), y0 + int(24 * px)),
                outline=(40,) * 3,
                width=3,
            )
    for j, t in enumerate(
        ("收货人电话：15062231234", "收货时间：周一至周六 8:30-17:30", "本复印件仅供物流收货使用")
    ):
        draw.text((x0, int((175 + 10 * j) * px)), t, font=_font(UMING, int(4.2 * px)), fill=0)
    arr = np.asarray(page).copy()
    cx = x0 + cw + int(stamp.width_mm * px * (0.5 - overlap))
    cy = int(150 * px)
    arr = stamp_on(arr, stamp, dpi, cx, cy)
    return DrawnPage(scanned(arr, rng), dpi, [stamp.kind], [(cx, cy)], "id_copy")


def signature_page(stamps: list[Stamp], dpi: float, rng: random.Random, *, gap_mm: float = -4.0) -> DrawnPage:
    """A contract's last page: clauses, then 甲方 and 乙方 signature blocks side by side; the first stamp sits
    on 甲方's block, the others on 乙方's, `gap_mm` apart (negative: the seals overlap), over the block's
    black text."""
    w, h = a4_size(dpi)
    px = dpi / 25.4
    page = Image.fromarray(text_page((w, h), dpi, lines=16))
    draw = ImageDraw.Draw(page)
    f = _font(UMING, int(4.2 * px))
    top = int(160 * px)
    for j, t in enumerate(("（盖章）", "法定代表人或委托代理人：", "签订日期：2024年3月15日")):
        draw.text((int(20 * px), top + int(j * 12 * px)), "甲方" + t, font=f, fill=0)
        draw.text((int(110 * px), top + int(j * 12 * px)), "乙方" + t, font=f, fill=0)
    draw.text((w // 2 - int(15 * px), h - int(15 * px)), "第2页 共2页", font=f, fill=0)
    arr = np.asarray(page).copy()
    centres = []
    cy = top + int(14 * px)
    x = int(50 * px)
    for i, stamp in enumerate(stamps):
        if i == 1:
            x = int(125 * px)
        elif i > 1:
            x += int((stamps[i - 1].width_mm / 2 + stamp.width_mm / 2 + gap_mm) * px)
        y = cy + (int(5 * px) if i > 1 else 0)
        arr = stamp_on(arr, stamp, dpi, x, y)
        centres.append((x, y))
    return DrawnPage(scanned(arr, rng), dpi, [s.kind for s in stamps], centres, "signature")


def eseal_pdf(stamps: list[Stamp], *, vector: bool = False) -> bytes:
    """A text-layer contract page (reportlab) whose seals are e-seals: crisp pure-red PNG images with
    transparency placed over the signature blocks, or (`vector`) the ring and star drawn as PDF paths."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "UMing" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("UMing", UMING[0], subfontIndex=UMING[1]))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    width, height = A4
    mm = 72 / 25.4
    c.setFont("UMing", 10.5)
    for i in range(16):
        c.drawString(20 * mm, height - (25 + 8 * i) * mm, BODY[i % len(BODY)][:44])
    top = height - 160 * mm
    for j, t in enumerate(("（盖章）", "法定代表人或委托代理人：", "签订日期：2024年3月15日")):
        c.drawString(20 * mm, top - j * 12 * mm, "甲方" + t)
        c.drawString(110 * mm, top - j * 12 * mm, "乙方" + t)
    c.drawString(width / 2 - 15 * mm, 15 * mm, "第2页 共2页")
    for i, stamp in enumerate(stamps):
        cx = (50 if i == 0 else 125 + 44 * (i - 1)) * mm
        cy = top - 14 * mm
        if vector:
            _vector_seal(c, stamp, cx, cy, mm)
            continue
        ink = stamp_mask(replace(stamp, fade=0.0), 300)
        rgba = np.zeros((*ink.shape, 4), np.uint8)
        rgba[..., :3] = stamp.colour
        rgba[..., 3] = (ink * 255).astype(np.uint8)
        png = io.BytesIO()
        Image.fromarray(rgba, "RGBA").save(png, "PNG")
        png.seek(0)
        w_pt, h_pt = ink.shape[1] / 300 * 72, ink.shape[0] / 300 * 72
        c.drawImage(ImageReader(png), cx - w_pt / 2, cy - h_pt / 2, w_pt, h_pt, mask="auto")
    c.showPage()
    c.save()
    return buf.getvalue()


def _vector_seal(c: object, stamp: Stamp, cx: float, cy: float, mm: float) -> None:
    """The seal as PDF paths and text: ring, star, the name along the arc and the legend, all pure red."""
    c.setStrokeColorRGB(*(v / 255 for v in stamp.colour))  # type: ignore[attr-defined]
    c.setFillColorRGB(*(v / 255 for v in stamp.colour))  # type: ignore[attr-defined]
    r = stamp.width_mm / 2 * mm
    c.setLineWidth(stamp.ring_mm * mm)  # type: ignore[attr-defined]
    c.ellipse(cx - r, cy - r * stamp.aspect, cx + r, cy + r * stamp.aspect, stroke=1, fill=0)  # type: ignore[attr-defined]
    pts = _star_points(cx, -cy, stamp.star * r)
    path = c.beginPath()  # type: ignore[attr-defined]
    path.moveTo(pts[0][0], -pts[0][1])
    for x, y in pts[1:]:
        path.lineTo(x, -y)
    path.close()
    c.drawPath(path, stroke=0, fill=1)  # type: ignore[attr-defined]
    size = 0.24 * r
    n = len(stamp.name)
    span = math.radians(stamp.arc_span)
    rr = r - stamp.ring_mm * mm - 0.9 * mm - size * 0.85
    for i, ch in enumerate(stamp.name):
        t = math.pi / 2 + span / 2 - span * (i + 0.5) / n  # PDF y points up
        c.saveState()  # type: ignore[attr-defined]
        c.translate(cx + rr * math.cos(t), cy + rr * math.sin(t) * stamp.aspect)  # type: ignore[attr-defined]
        c.rotate(math.degrees(t) - 90)  # type: ignore[attr-defined]
        c.setFont("UMing", size)  # type: ignore[attr-defined]
        c.drawCentredString(0, 0, ch)  # type: ignore[attr-defined]
        c.restoreState()  # type: ignore[attr-defined]
    if stamp.legend:
        c.setFont("UMing", stamp.legend_size * r)  # type: ignore[attr-defined]
        c.drawCentredString(
            cx, cy - stamp.legend_y * r * stamp.aspect - stamp.legend_size * r * 0.35, stamp.legend
        )  # type: ignore[attr-defined]


def rendered_pdf(data: bytes, dpi: int = 200) -> np.ndarray:
    """The first page as the pipeline renders a text-layer PDF (intake/files/pages.py: pdfium, RENDER_DPI)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        bitmap = pdf[0].render(scale=dpi / 72, may_draw_forms=True)
        return np.ascontiguousarray(np.asarray(bitmap.to_pil().convert("RGB")))
    finally:
        pdf.close()


def test_stamp_has_the_size_asked_for() -> None:
    ink = stamp_mask(Stamp("苏州鸿运医药有限公司", "收货专用章", "receiving", width_mm=42), 200)
    ys, xs = np.nonzero(ink > 0.5)
    assert abs((xs.max() - xs.min()) / 200 * 25.4 - 42) < 1.5
    assert abs((ys.max() - ys.min()) / 200 * 25.4 - 42) < 1.5


def test_eseal_pdf_renders_pure_red_seal_and_black_text() -> None:
    page = rendered_pdf(eseal_pdf([Stamp("顺运达物流有限公司", colour=(255, 0, 0))]))
    assert page.shape[:2] == (2339, 1654)
    red = (page[..., 0] > 240) & (page[..., 1] < 20) & (page[..., 2] < 20)
    assert red.sum() > 2000  # the seal is there, crisp
    assert (page.max(axis=2) < 60).sum() > 5000  # and so is the text


LEGENDS = (
    ("收货专用章", "receiving"),
    ("收货章", "receiving"),
    ("收 货 专 用 章", "receiving"),
    ("收货专用章（1）", "receiving"),
    ("财务专用章", "finance"),
    ("合同专用章", "contract"),
    ("", "company"),
)
NAMES = ("苏州鸿运医药有限公司", "南京联锦家电销售有限公司", "厦门市思明区海纳批发部", "顺运达物流有限公司")


def random_stamp(rng: random.Random, *, legend: tuple[str, str] | None = None, eseal: bool = False) -> Stamp:
    """One seal of the many ways seals are made: font, size, ring, second ring, oval, star, legend, ink."""
    text, kind = legend or rng.choice(LEGENDS)
    oval = kind != "company" and rng.random() < 0.2
    return Stamp(
        rng.choice(NAMES),
        text,
        kind,
        font=rng.choice(SEAL_FONTS),
        width_mm=rng.uniform(42, 46) if oval else rng.uniform(36, 42),
        aspect=rng.uniform(0.66, 0.75) if oval else 1.0,
        ring_mm=rng.uniform(0.6, 1.6),
        inner_ring_mm=rng.choice((0.0, 0.0, 0.0, 1.2, 1.6)),
        star=0.0 if oval and rng.random() < 0.5 else rng.uniform(0.16, 0.3),
        legend_y=rng.uniform(0.42, 0.56),
        legend_size=rng.uniform(0.17, 0.22),
        arc_span=rng.uniform(200, 270),
        colour=(255, 0, 0) if eseal else (rng.randint(180, 225), rng.randint(20, 60), rng.randint(25, 70)),
        fade=0.0 if eseal else rng.choice((0.0, 0.2, 0.4, 0.6)),
        turn=0.0 if eseal else rng.uniform(-30, 30),
    )


def drawn_pages(seed: int) -> list[DrawnPage]:
    """One of each page this drawing makes, with random seals: a page of text with seals, an ID-card copy,
    a contract's signature page (seals touching), an e-sealed text-layer PDF rendered as in the pipeline."""
    rng = random.Random(seed)
    dpi = rng.choice((200.0, 150.0))
    page = seals_page([random_stamp(rng) for _ in range(rng.randint(1, 4))], dpi, rng, name="a4")
    receiving = ("收货专用章", "receiving")
    id_copy = id_copy_page(random_stamp(rng, legend=receiving), dpi, rng, overlap=rng.uniform(0.2, 0.7))
    signed = [random_stamp(rng, legend=("", "company")), random_stamp(rng, legend=("", "company"))]
    signed.append(random_stamp(rng, legend=receiving))
    signature = signature_page(signed, dpi, rng, gap_mm=rng.uniform(-6, 1))
    e_stamps = [
        random_stamp(rng, legend=("", "company"), eseal=True),
        random_stamp(rng, legend=receiving, eseal=True),
    ]
    e_page = rendered_pdf(eseal_pdf([replace(s, aspect=1.0) for s in e_stamps], vector=rng.random() < 0.5))
    eseal = DrawnPage(e_page, 200.0, [s.kind for s in e_stamps], [], "eseal")
    return [page, id_copy, signature, eseal]
