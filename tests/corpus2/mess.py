"""Real-world mess, implemented here from scratch: phone photos (perspective, uneven light, shadow, blur),
low-resolution scans, fax-like bilevel pages, coffee stains and folds, pages turned 90/180 degrees, JPEG
artefacts. Each function takes and returns a PIL image; `degrade` picks a recipe and says what it did."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image, ImageChops, ImageFilter

RECIPES = ("photo", "lowres", "fax", "stained", "rotated", "skewed_scan")


@dataclass(slots=True)
class Mess:
    recipe: str = "clean"
    effects: list[str] = field(default_factory=list)
    rotation: int = 0
    jpeg_quality: int = 90
    bilevel: bool = False

    @property
    def degraded(self) -> bool:
        return self.recipe != "clean"


def _np(img: Image.Image) -> np.ndarray:
    return np.asarray(img.convert("RGB"), dtype=np.float32)


def _pil(arr: np.ndarray) -> Image.Image:
    return Image.fromarray(arr.clip(0, 255).astype(np.uint8))


def paper_noise(img: Image.Image, rng: random.Random, amount: float = 4.0) -> Image.Image:
    """Sensor and paper grain: grey noise drawn at half resolution (cheap) and scaled up."""
    w, h = img.size
    g = np.random.default_rng(rng.randrange(1 << 30))
    small = (128 + g.standard_normal((h // 2 + 1, w // 2 + 1), dtype=np.float32) * amount).clip(0, 255)
    noise = Image.fromarray(small.astype(np.uint8)).resize((w, h), Image.NEAREST)
    grain = Image.merge("RGB", (noise, noise, noise))
    return ImageChops.add(img.convert("RGB"), grain, scale=1.0, offset=-128)


def photo(img: Image.Image, rng: random.Random) -> Image.Image:
    """A phone photo of the sheet on a desk: perspective, light falling off to one side, a soft shadow."""
    arr = _np(img)
    h, w = arr.shape[:2]
    m = 0.07
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    jit = [(rng.uniform(0.01, m) * w, rng.uniform(0.01, m) * h) for _ in range(4)]
    dst = np.float32(
        [
            [jit[0][0], jit[0][1]],
            [w - jit[1][0], jit[1][1]],
            [w - jit[2][0], h - jit[2][1]],
            [jit[3][0], h - jit[3][1]],
        ]
    )
    desk = np.array(
        [rng.randrange(90, 160), rng.randrange(80, 140), rng.randrange(60, 120)], dtype=np.float32
    )
    warped = cv2.warpPerspective(
        arr, cv2.getPerspectiveTransform(src, dst), (w, h), borderValue=desk.tolist()
    )
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    ax, ay = rng.uniform(-1, 1), rng.uniform(-1, 1)
    light = 1.0 - 0.22 * ((xx / w - 0.5) * ax + (yy / h - 0.5) * ay + 0.5)
    sx = rng.uniform(0.2, 0.8) * w
    shadow = 1.0 - 0.28 * (1 / (1 + np.exp(-(xx - sx) / (0.03 * w)))) * (rng.random() < 0.5)
    tint = np.array([1.0, rng.uniform(0.95, 1.0), rng.uniform(0.86, 0.95)], dtype=np.float32)
    out = warped * (light * shadow)[..., None] * tint
    out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.6, 1.3))
    scale = rng.uniform(0.75, 1.0)
    return _pil(out).resize((int(w * scale), int(h * scale)), Image.BILINEAR)


def lowres(img: Image.Image, rng: random.Random, dpi_from: float) -> Image.Image:
    """A cheap scanner at 120–150 dpi, upsampled back by nobody: the small image is what is sent."""
    target = rng.uniform(120, 150)
    f = target / dpi_from
    small = img.resize((int(img.width * f), int(img.height * f)), Image.BILINEAR)
    return small.filter(ImageFilter.GaussianBlur(0.4))


def fax(img: Image.Image, rng: random.Random) -> Image.Image:
    """Bilevel like a fax or a 'black and white' copier mode: threshold with speckle and dropped pixels."""
    grey = np.asarray(img.convert("L"), dtype=np.float32)
    g = np.random.default_rng(rng.randrange(1 << 30))
    grey = grey + g.normal(0, 18, grey.shape)
    bw = np.where(grey > rng.uniform(150, 185), 255, 0).astype(np.uint8)
    speck = g.random(bw.shape) < 0.0015
    bw[speck] = 255 - bw[speck]
    return Image.fromarray(bw).convert("1")


def stain(img: Image.Image, rng: random.Random) -> Image.Image:
    """A coffee ring and a fold line across the page."""
    arr = _np(img)
    h, w = arr.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy, r = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h, rng.uniform(0.05, 0.12) * w
    d = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2)
    ring = np.exp(-(((d - r) / (0.012 * w)) ** 2)) * 0.45 + (d < r) * 0.12
    colour = np.array([0.55, 0.4, 0.2], dtype=np.float32)
    arr *= 1 - ring[..., None] * (1 - colour)
    fy = rng.uniform(0.3, 0.7) * h
    fold = np.exp(-(((yy - fy) / (0.004 * h)) ** 2)) * 0.3
    arr *= 1 - fold[..., None]
    arr += (np.exp(-(((yy - fy - 0.006 * h) / (0.004 * h)) ** 2)) * 20)[..., None]
    return _pil(arr)


def rotate(img: Image.Image, angle: int) -> Image.Image:
    return img.rotate(angle, expand=True) if angle else img


def skew(img: Image.Image, rng: random.Random) -> Image.Image:
    return img.rotate(rng.uniform(-2.5, 2.5), resample=Image.BICUBIC, expand=True, fillcolor=(235, 235, 235))


def jpeg(img: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def degrade(img: Image.Image, rng: random.Random, dpi: float, recipe: str) -> tuple[Image.Image, Mess]:
    """Apply one recipe (plus a random extra) and report it; 'clean' is a straight scan with paper noise."""
    mess = Mess(recipe=recipe)
    img = paper_noise(img, rng, 3.0 if recipe == "clean" else 6.0)
    if recipe == "clean":
        return img, mess
    if recipe == "stained" or rng.random() < 0.15:
        img = stain(img, rng)
        mess.effects.append("stain_fold")
    if recipe == "photo":
        img = photo(img, rng)
        mess.jpeg_quality = rng.randrange(55, 80)
        mess.effects.append("perspective_light_blur")
    elif recipe == "lowres":
        img = lowres(img, rng, dpi)
        mess.jpeg_quality = rng.randrange(35, 60)
        mess.effects.append("lowres_jpeg")
    elif recipe == "skewed_scan":
        img = skew(img, rng)
        mess.effects.append("skew")
    elif recipe == "rotated":
        mess.rotation = rng.choice((90, 180, 270))
        img = rotate(skew(img, rng) if rng.random() < 0.5 else img, mess.rotation)
        mess.effects.append(f"rotated_{mess.rotation}")
    if recipe == "fax":
        img = fax(img, rng)
        mess.bilevel = True
        mess.effects.append("bilevel")
    elif mess.jpeg_quality < 85:
        img = jpeg(img, mess.jpeg_quality)
    return img, mess
