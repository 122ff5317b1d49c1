"""Seal impressions drawn from scratch: a ring, a legend along the arc, a star and a horizontal label, with an
uneven ink texture. Kinds follow the contract's names (company, finance, invoice, contract, receiving,
personal, other)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from tests.corpus2.fonts import font

RED = (205, 28, 38)


@dataclass(frozen=True, slots=True)
class Seal:
    kind: str
    text: str  # legend along the ring, or a person's name on a square seal
    label: str = ""  # horizontal text below the star
    number: str = ""  # tax number on an invoice seal
    shape: str = "round"  # round | oval | square

    @property
    def size_mm(self) -> tuple[float, float]:
        if self.shape == "square":
            return (17.0, 17.0)
        if self.shape == "oval":
            return (44.0, 31.0)
        return (40.0, 40.0) if self.kind != "other" else (42.0, 42.0)


def _star(cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    pts = []
    for i in range(10):
        rad = r if i % 2 == 0 else r * 0.38
        a = -math.pi / 2 + i * math.pi / 5
        pts.append((cx + rad * math.cos(a), cy + rad * math.sin(a)))
    return pts


def _arc_text(img: Image.Image, text: str, cx: float, cy: float, rx: float, ry: float, px: int) -> None:
    """Characters on an elliptic arc, upright towards the centre, spread over up to 250 degrees."""
    n = len(text)
    span = min(250.0, 26.0 * n)
    f = font("serif_bold" if n < 14 else "sans_bold", px)
    for i, ch in enumerate(text):
        ang = -90 - span / 2 + span * (i + 0.5) / n
        a = math.radians(ang)
        x, y = cx + rx * math.cos(a), cy + ry * math.sin(a)
        tile = Image.new("L", (px * 2, px * 2), 0)
        ImageDraw.Draw(tile).text((px, px), ch, font=f, fill=255, anchor="mm")
        tile = tile.rotate(-(ang + 90), resample=Image.BILINEAR)
        img.paste(255, (int(x - px), int(y - px)), tile)


def _legend_px(text: str, r: float) -> int:
    """Legend size: the characters share the arc, and never grow beyond a third of the radius."""
    n = max(len(text), 1)
    span = math.radians(min(250.0, 26.0 * n))
    return int(min(r * 0.28, r * 0.74 * span / n * 0.92))


def render(seal: Seal, px_per_mm: float, rng: random.Random) -> Image.Image:
    """The impression as an RGBA image (alpha = ink), `px_per_mm` pixels per millimetre."""
    w_mm, h_mm = seal.size_mm
    w, h = int(w_mm * px_per_mm) + 4, int(h_mm * px_per_mm) + 4
    mask = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(mask)
    line = max(2, int(px_per_mm * rng.uniform(0.9, 1.3)))
    cx, cy = w / 2, h / 2
    if seal.shape == "square":
        d.rectangle((2, 2, w - 3, h - 3), outline=255, width=line)
        name = {2: seal.text + "之印", 3: seal.text + "印"}.get(len(seal.text), seal.text)[:4]
        f = font("serif_bold", int(h * 0.36))
        for i, ch in enumerate(name):  # right column first, top to bottom
            x = w * (0.7 if i < 2 else 0.3)
            d.text((x, h * (0.3 + 0.42 * (i % 2))), ch, font=f, fill=255, anchor="mm")
    else:
        rx, ry = w / 2 - 2, h / 2 - 2
        d.ellipse((2, 2, w - 3, h - 3), outline=255, width=line)
        if rng.random() < 0.25:
            inner = line * 2.5
            d.ellipse(
                (2 + inner, 2 + inner, w - 3 - inner, h - 3 - inner), outline=255, width=max(1, line // 2)
            )
        px = _legend_px(seal.text, min(rx, ry))
        _arc_text(mask, seal.text, cx, cy, rx - px * 0.85 - line, ry - px * 0.85 - line, px)
        if seal.shape == "round" or not seal.number:
            d.polygon(_star(cx, cy - h * 0.02, min(rx, ry) * 0.3), fill=255)
        if seal.number:
            d.text(
                (cx, cy + h * 0.08),
                seal.number,
                font=font("sans_bold", int(min(h * 0.1, w * 0.72 / (len(seal.number) * 0.62)))),
                fill=255,
                anchor="mm",
            )
        if seal.label:
            size = int(min(w * 0.78 / max(len(seal.label), 1), h * 0.13))
            d.text((cx, cy + h * 0.3), seal.label, font=font("serif_bold", size), fill=255, anchor="mm")
    ink = np.asarray(mask, dtype=np.float32) / 255.0
    noise = (
        np.asarray(
            Image.fromarray(
                (np.random.default_rng(rng.randrange(1 << 30)).random((h // 6 + 1, w // 6 + 1)) * 255).astype(
                    np.uint8
                )
            ).resize((w, h), Image.BICUBIC),
            dtype=np.float32,
        )
        / 255.0
    )
    strength = rng.uniform(0.55, 0.95)
    ink = np.clip(ink * (strength + (noise - 0.5) * 0.9), 0, 1)
    alpha = Image.fromarray((ink * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(px_per_mm * 0.12))
    colour = (RED[0] + rng.randrange(-25, 20), RED[1] + rng.randrange(0, 30), RED[2] + rng.randrange(0, 30))
    out = Image.new("RGBA", (w, h), (*colour, 0))
    out.putalpha(alpha)
    return out.rotate(rng.uniform(-25, 25), resample=Image.BICUBIC, expand=True)
