"""Red seal impressions (公章, 专用章, 法人章, authority seals) as RGBA images ready to multiply onto a page.

Round or oval: a ring, the legend curved along the top arc, a star, the kind text under the star (an invoice
seal also carries the tax number). Personal seals are small squares with the person's name. Ink is uneven:
low-frequency fading, speckle, a random overall rotation, as on paper.
"""

from __future__ import annotations

import math
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from tests.synth import fonts
from tests.synth.identity import SealSpec

SEAL_RED = (210, 30, 40)
SS = 2  # supersampling factor


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    pts = []
    for i in range(10):
        rad = r if i % 2 == 0 else r * 0.382
        a = -math.pi / 2 + i * math.pi / 5
        pts.append((cx + rad * math.cos(a), cy + rad * math.sin(a)))
    draw.polygon(pts, fill=255)


def _glyph(ch: str, face: str, size: int) -> Image.Image:
    f = fonts.font(face, size)
    box = f.getbbox(ch)
    w = max(1, int(f.getlength(ch)))
    img = Image.new("L", (w + 4, size + 8), 0)
    ImageDraw.Draw(img).text((2 + (w - (box[2] - box[0])) / 2 - box[0], 4), ch, font=f, fill=255)
    return img


def _arc_text(
    mask: Image.Image,
    text: str,
    cx: float,
    cy: float,
    a: float,
    b: float,
    size: int,
    face: str,
    span_deg: float,
) -> None:
    """Characters along the top of an ellipse (a, b radii to the character centres), upright outward.

    Characters are spaced by arc length, so an oval seal's legend is as even as a round one's.
    """
    n = len(text)
    if n == 0:
        return
    span = math.radians(span_deg)
    ts = np.linspace(-math.pi / 2 - span / 2, -math.pi / 2 + span / 2, 400)
    seg = np.hypot(np.diff(a * np.cos(ts)), np.diff(b * np.sin(ts)))
    cum = np.concatenate(([0.0], np.cumsum(seg)))
    size = int(min(size, cum[-1] / n * 0.92))
    for i, ch in enumerate(text):
        t = float(np.interp(cum[-1] * (i + 0.5) / n, cum, ts))
        x, y = cx + a * math.cos(t), cy + b * math.sin(t)
        normal = math.atan2(a * math.sin(t), b * math.cos(t))  # outward normal direction
        rot = math.degrees(normal) + 90
        g = _glyph(ch, face, size).rotate(-rot, resample=Image.BICUBIC, expand=True)
        mask.paste(255, (int(x - g.width / 2), int(y - g.height / 2)), g)


def _centered(
    draw: ImageDraw.ImageDraw,
    cx: float,
    cy: float,
    text: str,
    face: str,
    size: int,
    *,
    width: float | None = None,
) -> None:
    f = fonts.font(face, size)
    w = f.getlength(text)
    if width and w > width:
        f = fonts.font(face, max(8, int(size * width / w)))
    draw.text((cx, cy), text, font=f, fill=255, anchor="mm")


def _ink(mask: Image.Image, rng: random.Random, strength: float) -> Image.Image:
    """Uneven ink: smooth fading field, speckle holes, one side sometimes lighter."""
    w, h = mask.size
    nrng = np.random.default_rng(rng.randrange(2**32))
    field = Image.fromarray((nrng.uniform(0.45, 1.0, (6, 6)) * 255).astype(np.uint8)).resize(
        (w, h), Image.BICUBIC
    )
    arr = np.asarray(mask, dtype=np.float32) / 255.0 * np.asarray(field, dtype=np.float32) / 255.0
    if rng.random() < 0.4:  # pressed harder on one side
        ang = rng.uniform(0, 2 * math.pi)
        yy, xx = np.mgrid[0:h, 0:w]
        ramp = ((xx - w / 2) * math.cos(ang) + (yy - h / 2) * math.sin(ang)) / max(w, h)
        arr *= np.clip(1.0 - ramp * rng.uniform(0.6, 1.4), 0.25, 1.0)
    holes = nrng.random((h, w)) < rng.uniform(0.02, 0.10)
    arr[holes] *= 0.2
    arr = np.clip(arr * strength * 1.25, 0, 1)
    return Image.fromarray((arr * 255).astype(np.uint8))


def render_seal(spec: SealSpec, rng: random.Random, *, scale: float = 1.0) -> Image.Image:
    """The seal as an RGBA image (alpha = ink) at 200 dpi; `scale` scales the physical size."""
    face = rng.choice(("serif_bold", "sans_bold", "zenhei", "serif"))
    mask = _square(spec, rng, face, scale) if spec.shape == "square" else _round(spec, rng, face, scale)
    mask = mask.rotate(rng.uniform(-25, 25), resample=Image.BICUBIC, expand=True)
    mask = mask.resize((mask.width // SS, mask.height // SS), Image.LANCZOS)
    mask = mask.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.9)))
    mask = _ink(mask, rng, rng.uniform(0.75, 0.95))
    red = tuple(max(0, min(255, c + rng.randint(-20, 20))) for c in SEAL_RED)
    out = Image.new("RGBA", mask.size, (*red, 0))
    out.putalpha(mask)
    return out


def _round(spec: SealSpec, rng: random.Random, face: str, scale: float) -> Image.Image:
    oval = spec.shape == "oval"
    mm = rng.uniform(38, 42) if not oval else rng.uniform(40, 45)
    w = int(mm / 25.4 * 200 * SS * scale)
    h = int(w * (rng.uniform(0.66, 0.75) if oval else 1.0))
    pad = 6 * SS
    mask = Image.new("L", (w + 2 * pad, h + 2 * pad), 0)
    draw = ImageDraw.Draw(mask)
    ring = max(4, int(w * rng.uniform(0.025, 0.04)))
    draw.ellipse((pad, pad, pad + w, pad + h), outline=255, width=ring)
    cx, cy = pad + w / 2, pad + h / 2
    n = max(1, len(spec.text))
    char = int(w * 0.13) if not oval else int(h * 0.17)
    inset = ring + char * 0.7
    span = min(250.0, 30.0 * n + 20) if not oval else min(210.0, 24.0 * n + 30)
    _arc_text(mask, spec.text, cx, cy, w / 2 - inset, h / 2 - inset, char, face, span)
    if oval:
        if spec.number:
            _centered(draw, cx, cy + h * 0.04, spec.number, "sans_bold", int(h * 0.095), width=w * 0.66)
        if spec.label:
            _centered(draw, cx, cy + h * 0.28, spec.label, face, int(h * 0.11), width=w * 0.45)
        elif not spec.number:
            _star(draw, cx, cy, h * 0.12)
    else:
        _star(draw, cx, cy - (h * 0.02 if spec.label else 0), w * rng.uniform(0.1, 0.13))
        if spec.label:
            _centered(draw, cx, cy + h * 0.25, spec.label, face, int(w * 0.085), width=w * 0.55)
    return mask


def _square(spec: SealSpec, rng: random.Random, face: str, scale: float) -> Image.Image:
    side = int(rng.uniform(15, 20) / 25.4 * 200 * SS * scale)
    pad = 6 * SS
    mask = Image.new("L", (side + 2 * pad, side + 2 * pad), 0)
    draw = ImageDraw.Draw(mask)
    inverse = rng.random() < 0.3  # 白文: white characters on a solid red square
    if inverse:
        draw.rectangle((pad, pad, pad + side, pad + side), fill=255)
    else:
        draw.rectangle((pad, pad, pad + side, pad + side), outline=255, width=max(3, side // 18))
    chars = list(spec.text)
    inner = side * 0.84
    x0, y0 = pad + (side - inner) / 2, pad + (side - inner) / 2
    # Traditional order: right column top→bottom, then the left column.
    if len(chars) >= 4:
        cells = [(1, 0, chars[0]), (1, 1, chars[1]), (0, 0, chars[2]), (0, 1, chars[3])]
        rows = 2
    elif len(chars) == 3:
        cells = [(1, 0, chars[0]), (0, 0, chars[1]), (0, 1, chars[2])]
        rows = 2
    else:
        cells = [(1, 0, chars[0]), (0, 0, chars[-1])] if len(chars) == 2 else [(0, 0, chars[0])]
        rows = 1
    cols = 2 if len(chars) > 1 else 1
    cw, ch = inner / cols, inner / rows
    for col, row, c in cells:
        g = _glyph(c, face, int(min(cw, ch) * 0.92))
        if len(chars) == 3 and col == 1:  # the surname stretched over both rows
            g = g.resize((g.width, int(g.height * 1.9)))
            cy = y0 + inner / 2
        elif rows == 1:
            g = g.resize((g.width, int(g.height * 1.7)))
            cy = y0 + inner / 2
        else:
            cy = y0 + ch * (row + 0.5)
        cx = x0 + cw * col + cw / 2 if cols > 1 else x0 + inner / 2
        if inverse:
            mask.paste(0, (int(cx - g.width / 2), int(cy - g.height / 2)), g)
        else:
            mask.paste(255, (int(cx - g.width / 2), int(cy - g.height / 2)), g)
    return mask
