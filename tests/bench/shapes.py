"""Shape benchmark: images far from a page's proportions, read by the raw RapidOCR engine and by read_page.

Our page reader was tuned on A4 scans; strips, crops, phone photos and panoramas must be read at least as well
as RapidOCR reads them when called directly, in no more than twice its time. Every image is drawn here (Kai
"handwriting" with slant and ink variation, printed text under perspective), so the drawn text is the truth.

Prints per shape: characters correct (1 − edit distance / length, lines in reading order) and median seconds
for the raw engine and for ``read_page``, and the time ratio ours / raw. Raw and ours alternate per repeat so
that a busy machine slows both alike.

    python tests/bench/shapes.py [--repeat 3] [--shapes strip_1400x90,crop_400x160]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image, ImageDraw, ImageFilter, ImageFont  # noqa: E402

KAI = "/usr/share/fonts/truetype/arphic/ukai.ttc"
MING = "/usr/share/fonts/truetype/arphic/uming.ttc"
HEI = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"

PHRASES = (
    "南京联锦家电销售有限公司",
    "江苏省南京市秦淮区中山南路150号",
    "法定代表人田军华",
    "开户银行中国工商银行南京城南支行",
    "收货时间周一至周六",
    "统一社会信用代码",
    "经营范围家用电器销售",
    "联系电话13851234567",
    "注册资本伍佰万元整",
    "成立日期2019年3月18日",
    "收货专用章",
    "预留印鉴",
)


@dataclass(frozen=True, slots=True)
class Shape:
    name: str
    image: Image.Image
    lines: tuple[str, ...]  # the drawn text, one entry per line, in reading order


@cache
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def _ink(rng: random.Random) -> tuple[int, int, int]:
    """Ball-pen ink: near-black to dark blue, never the same twice."""
    base = rng.randint(10, 60)
    return (base, base + rng.randint(0, 15), base + rng.randint(20, 90))


def handwritten_line(text: str, size: int, rng: random.Random) -> Image.Image:
    """One line in Kai with per-character jitter (size, tilt, baseline, ink) and a slight slant, cropped."""
    canvas = Image.new("L", (int(size * 1.3 * (len(text) + 2)), size * 3), 0)
    x = size
    for ch in text:
        s = max(8, round(size * rng.uniform(0.88, 1.1)))
        glyph = Image.new("L", (s * 2, s * 2), 0)
        ImageDraw.Draw(glyph).text((s // 2, s // 3), ch, font=_font(KAI, s), fill=rng.randint(170, 255))
        glyph = glyph.rotate(rng.uniform(-5, 5), resample=Image.BILINEAR)
        canvas.paste(glyph, (x - s // 2, size // 2 + rng.randint(-size // 12, size // 12)), glyph)
        x += round(s * rng.uniform(0.92, 1.08))
    arr = np.asarray(canvas)
    slant = rng.uniform(0.08, 0.18)  # italic-like shear of handwriting
    h, w = arr.shape
    arr = cv2.warpAffine(arr, np.float32([[1, -slant, slant * h / 2], [0, 1, 0]]), (w, h))
    arr = cv2.warpAffine(arr, cv2.getRotationMatrix2D((w / 2, h / 2), rng.uniform(-1.2, 1.2), 1.0), (w, h))
    ys, xs = np.nonzero(arr > 40)
    arr = arr[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    ink = np.array(_ink(rng), dtype=np.float32)
    alpha = (arr.astype(np.float32) / 255.0)[..., None]
    rgb = (1 - alpha) * 255 + alpha * ink
    return Image.fromarray(rgb.astype(np.uint8), "RGB")


def _paper(w: int, h: int, rng: random.Random, tone: int = 246) -> np.ndarray:
    nprng = np.random.default_rng(rng.randint(0, 2**31))
    paper = np.full((h, w, 3), tone, np.float32) + nprng.normal(0, 3.0, (h, w, 1))
    return paper


def _on_paper(fg: Image.Image, w: int, h: int, rng: random.Random, fill: float = 0.9) -> Image.Image:
    """Scale ``fg`` to fit ``fill`` of a w×h paper and lay it on, darkest wins (ink over paper)."""
    scale = min(fill * w / fg.width, fill * h / fg.height)
    fg = fg.resize((max(1, round(fg.width * scale)), max(1, round(fg.height * scale))), Image.LANCZOS)
    paper = _paper(w, h, rng)
    x = (w - fg.width) // 2 + rng.randint(-(w - fg.width) // 4, (w - fg.width) // 4)
    y = (h - fg.height) // 2
    region = paper[y : y + fg.height, x : x + fg.width]
    paper[y : y + fg.height, x : x + fg.width] = np.minimum(region, np.asarray(fg, np.float32))
    return Image.fromarray(np.clip(paper, 0, 255).astype(np.uint8), "RGB")


def _stack(lines: Sequence[Image.Image], gap: int) -> Image.Image:
    w = max(im.width for im in lines)
    out = Image.new("RGB", (w, sum(im.height for im in lines) + gap * (len(lines) - 1)), "white")
    y = 0
    for im in lines:
        out.paste(im, (0, y))
        y += im.height + gap
    return out


def strip(w: int, h: int, text: str, seed: int) -> Shape:
    rng = random.Random(seed)
    return Shape(f"strip_{w}x{h}", _on_paper(handwritten_line(text, 64, rng), w, h, rng, 0.86), (text,))


def crop(w: int, h: int, texts: Sequence[str], seed: int, name: str) -> Shape:
    rng = random.Random(seed)
    lines = [handwritten_line(t, 56, rng) for t in texts]
    return Shape(name, _on_paper(_stack(lines, 18), w, h, rng, 0.88), tuple(texts))


def form_cell(seed: int) -> Shape:
    """A 250×80 crop of a form: the cell's ruling on its edges, a handwritten name inside."""
    rng = random.Random(seed)
    text = "田军华"
    img = _on_paper(handwritten_line(text, 60, rng), 250, 80, rng, 0.62)
    draw = ImageDraw.Draw(img)
    draw.rectangle((3, 3, 246, 76), outline=(40, 40, 40), width=2)
    return Shape("cell_250x80", img, (text,))


def phone_photo(seed: int) -> Shape:
    """Part of a printed page photographed by phone: 10 lines, keystone perspective, uneven light."""
    rng = random.Random(seed)
    texts = [PHRASES[(i * 5 + seed) % len(PHRASES)] for i in range(10)]
    page = Image.new("L", (1400, 1050), 0)
    draw = ImageDraw.Draw(page)
    for i, t in enumerate(texts):
        draw.text((110, 70 + i * 92), t, font=_font(MING, 50), fill=255)
    src = np.float32([[0, 0], [1400, 0], [1400, 1050], [0, 1050]])
    dst = np.float32([[30, 40], [1170, 5], [1190, 890], [5, 860]])
    ink = cv2.warpPerspective(np.asarray(page), cv2.getPerspectiveTransform(src, dst), (1200, 900))
    paper = _paper(1200, 900, rng, 232)
    light = np.linspace(1.0, 0.82, 1200, dtype=np.float32)[None, :, None]
    alpha = (ink.astype(np.float32) / 255.0)[..., None]
    rgb = ((1 - alpha) * paper + alpha * np.float32([25, 25, 30])) * light
    img = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB").filter(ImageFilter.GaussianBlur(0.6))
    return Shape("photo_1200x900", img, tuple(texts))


def tall_column(seed: int) -> Shape:
    """200×1200: one column of short handwritten lines, as cut from a table's narrow column."""
    rng = random.Random(seed)
    texts = ("南京市", "秦淮区", "田军华", "收货人", "周一", "周六", "预留印鉴", "家电")
    lines = [handwritten_line(t, 44, rng) for t in texts]
    img = _on_paper(_stack(lines, 70), 200, 1200, rng, 0.85)
    return Shape("column_200x1200", img, texts)


def tiny(seed: int) -> Shape:
    rng = random.Random(seed)
    return Shape("tiny_60x40", _on_paper(handwritten_line("印章", 40, rng), 60, 40, rng, 0.85), ("印章",))


def panorama(seed: int) -> Shape:
    """8000×600: one printed line across a wide banner, as a stitched panorama of a wall notice."""
    rng = random.Random(seed)
    text = "".join(PHRASES[:6])
    line = Image.new("RGB", (round(140 * 1.02 * len(text)), 180), "white")
    ImageDraw.Draw(line).text((10, 10), text, font=_font(HEI, 140), fill=(20, 20, 20))
    return Shape("panorama_8000x600", _on_paper(line, 8000, 600, rng, 0.95), (text,))


def turned(shape: Shape, turn: int) -> Shape:
    """The same drawing turned clockwise by ``turn`` degrees (scans and phone crops arrive turned)."""
    return Shape(f"{shape.name}_turned{turn}", shape.image.rotate(-turn, expand=True), shape.lines)


def all_shapes(seed: int = 7) -> list[Shape]:
    long_strip = strip(1400, 90, PHRASES[0] + PHRASES[3][:6], seed)
    return [
        long_strip,
        strip(600, 60, PHRASES[2], seed + 1),
        crop(400, 160, PHRASES[4:7], seed + 2, "crop_400x160"),
        form_cell(seed + 3),
        phone_photo(seed + 4),
        tall_column(seed + 5),
        tiny(seed + 6),
        panorama(seed + 7),
        turned(long_strip, 90),
        turned(strip(600, 60, PHRASES[1][:9], seed + 8), 180),
    ]


def edit_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _squash(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace() and ch not in "，。：:,.;；、")


def chars_correct(read: Sequence[str], truth: Sequence[str]) -> float:
    """1 − edit distance / drawn length; lines joined in reading order, spaces and punctuation out."""
    want, got = _squash("".join(truth)), _squash("".join(read))
    return max(0.0, 1.0 - edit_distance(got, want) / max(len(want), 1))


def _in_reading_order(items: Sequence[tuple[tuple[float, float], str]]) -> list[str]:
    """Texts sorted top to bottom, then left to right within a line (y centres closer than 10 px)."""
    rows: list[list[tuple[float, float, str]]] = []
    for (x, y), text in sorted(items, key=lambda it: it[0][1]):
        if rows and abs(rows[-1][0][1] - y) < 10:
            rows[-1].append((x, y, text))
        else:
            rows.append([(x, y, text)])
    return [text for row in rows for _, _, text in sorted(row)]


@cache
def raw_engine() -> object:
    """RapidOCR as a user would call it, with the models and session settings of our engine."""
    from rapidocr import RapidOCR

    from ocr.engines.rapid import _PARAMS, _packaged_models

    return RapidOCR(params={**_PARAMS, "Global.model_root_dir": str(_packaged_models())})


def read_raw(image: Image.Image) -> list[str]:
    res = raw_engine()(np.asarray(image.convert("RGB")))
    if res.boxes is None or res.txts is None:
        return []
    centres = [(float(b[:, 0].mean()), float(b[:, 1].mean())) for b in np.asarray(res.boxes)]
    return _in_reading_order(list(zip(centres, res.txts, strict=True)))


def read_ours(image: Image.Image) -> list[str]:
    from ocr.reader import read_page

    reading, _ = read_page(image)
    boxes = [ln.bbox for ln in reading.text.lines]
    centres = [((x0 + x1) / 2, (y0 + y1) / 2) for x0, y0, x1, y1 in boxes]
    return _in_reading_order(list(zip(centres, [ln.text for ln in reading.text.lines], strict=True)))


def _timed(fn: Callable[[Image.Image], list[str]], image: Image.Image) -> tuple[list[str], float]:
    t0 = time.perf_counter()
    out = fn(image)
    return out, time.perf_counter() - t0


def bench(shapes: Sequence[Shape], repeat: int, verbose: bool) -> None:
    from ocr.engines.rapid import shared_rapidocr

    shared_rapidocr(), raw_engine()  # both load their models before the clock starts
    read_raw(shapes[0].image), read_ours(shapes[0].image)  # onnxruntime warms up on first use
    print(f"{'shape':26} {'raw chars':>9} {'raw s':>6} {'ours chars':>10} {'ours s':>6} {'ratio':>6}")
    for shape in shapes:
        raw_t, our_t = [], []
        for _ in range(repeat):
            raw, t = _timed(read_raw, shape.image)
            raw_t.append(t)
            ours, t = _timed(read_ours, shape.image)
            our_t.append(t)
        r_s, o_s = statistics.median(raw_t), statistics.median(our_t)
        print(
            f"{shape.name:26} {chars_correct(raw, shape.lines):9.2f} {r_s:6.2f} "
            f"{chars_correct(ours, shape.lines):10.2f} {o_s:6.2f} {o_s / max(r_s, 1e-3):6.2f}",
            flush=True,
        )
        if verbose:
            print(f"    truth {list(shape.lines)}\n    raw   {raw}\n    ours  {ours}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--shapes", default="", help="comma-separated names; default: all")
    ap.add_argument("--save", type=Path, help="write the drawn images as PNG into this folder")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    shapes = all_shapes()
    if args.shapes:
        shapes = [s for s in shapes if s.name in args.shapes.split(",")]
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        for s in shapes:
            s.image.save(args.save / f"{s.name}.png")
    bench(shapes, args.repeat, args.verbose)


if __name__ == "__main__":
    main()
