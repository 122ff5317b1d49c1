"""Make a clean rendered page look scanned or photographed: paper tint, contrast loss, skew, blur, speckle,
a dark scan border, sometimes a phone-photo perspective and uneven light, and 90/180/270 rotations.

Returns the degraded image plus what was done (truth: rotation clockwise, skew degrees clockwise).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image


@dataclass(frozen=True, slots=True)
class ScanInfo:
    rotation: int = 0  # degrees the page was turned clockwise (0/90/180/270)
    skew: float = 0.0  # degrees the content was turned clockwise (small)
    degraded: bool = False
    effects: tuple[str, ...] = ()
    jpeg_quality: int | None = None  # suggested quality when saved as JPEG
    scale: float = 1.0  # resampling applied (scanner dpi other than 200)


def _tint(arr: np.ndarray, rng: random.Random) -> np.ndarray:
    paper = rng.choice(((245, 243, 236), (238, 236, 228), (248, 244, 222), (235, 235, 235), (250, 246, 230)))
    return arr * (np.array(paper, dtype=np.float32) / 255.0)


def _contrast(arr: np.ndarray, rng: random.Random) -> np.ndarray:
    lo, hi = rng.uniform(10, 45), rng.uniform(215, 250)
    return lo + arr * (hi - lo) / 255.0


def _noise(arr: np.ndarray, rng: random.Random) -> np.ndarray:
    nrng = np.random.default_rng(rng.randrange(2**32))
    sigma = np.float32(rng.uniform(3, 10))
    arr = arr + (nrng.standard_normal(arr.shape[:2], dtype=np.float32) * sigma)[..., None]
    if rng.random() < 0.7:  # dust and toner speckle
        h, w = arr.shape[:2]
        n = int(h * w * rng.uniform(0.0002, 0.0012))
        ys, xs = nrng.integers(0, h, n), nrng.integers(0, w, n)
        arr[ys, xs] = nrng.uniform(20, 90, (n, 1))
    return arr


def _uneven_light(arr: np.ndarray, rng: random.Random) -> np.ndarray:
    h, w = arr.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy = rng.uniform(0, w), rng.uniform(0, h)
    d = np.hypot(xx - cx, yy - cy) / np.hypot(w, h)
    return arr * (1.0 - rng.uniform(0.1, 0.3) * d)[..., None]


def _border(img: Image.Image, rng: random.Random) -> Image.Image:
    """Scanner lid shadow: a dark band on one or two edges."""
    arr = np.asarray(img, dtype=np.float32)
    h, w = arr.shape[:2]
    for _ in range(rng.choice((1, 1, 2))):
        side = rng.choice(("top", "bottom", "left", "right"))
        n = rng.randint(8, 45)
        dark = rng.uniform(30, 90)
        ramp = np.linspace(dark / 255.0, 1.0, n, dtype=np.float32)
        if side == "top":
            arr[:n] *= ramp[:, None, None]
        elif side == "bottom":
            arr[h - n :] *= ramp[::-1, None, None]
        elif side == "left":
            arr[:, :n] *= ramp[None, :, None]
        else:
            arr[:, w - n :] *= ramp[None, ::-1, None]
    return Image.fromarray(arr.clip(0, 255).astype(np.uint8))


def _perspective(img: Image.Image, rng: random.Random) -> Image.Image:
    """A phone photo of the page: slight keystone, background around the sheet."""
    arr = np.asarray(img)
    h, w = arr.shape[:2]
    pad = int(0.05 * max(w, h))
    bg = rng.choice(((90, 75, 60), (60, 60, 65), (140, 120, 100), (180, 180, 175)))
    out_w, out_h = w + 2 * pad, h + 2 * pad
    j = 0.025 * max(w, h)
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32(
        [
            [pad + rng.uniform(-j, j), pad + rng.uniform(-j, j)],
            [pad + w + rng.uniform(-j, j), pad + rng.uniform(-j, j)],
            [pad + w + rng.uniform(-j, j), pad + h + rng.uniform(-j, j)],
            [pad + rng.uniform(-j, j), pad + h + rng.uniform(-j, j)],
        ]
    )
    m = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(arr, m, (out_w, out_h), flags=cv2.INTER_LINEAR, borderValue=bg)
    return Image.fromarray(warped)


def _rotate_small(img: Image.Image, degrees_cw: float) -> Image.Image:
    """Skew: turn the content clockwise a few degrees; the canvas grows and is filled with paper colour."""
    arr = np.asarray(img)
    h, w = arr.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -degrees_cw, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    fill = tuple(int(v) for v in arr[5, 5])
    return Image.fromarray(cv2.warpAffine(arr, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=fill))


def degrade_page(
    img: Image.Image, rng: random.Random, level: float, *, allow_rotation: bool = True
) -> tuple[Image.Image, ScanInfo]:
    """Scan one clean page. `level` (0..1) is both the chance of each effect and its strength."""
    if level <= 0 or rng.random() > 0.35 + 0.6 * level:
        return img, ScanInfo(jpeg_quality=rng.randint(80, 95))
    effects: list[str] = []
    arr = np.asarray(img, dtype=np.float32)
    if rng.random() < 0.7:
        arr = _tint(arr, rng)
        effects.append("tint")
    if rng.random() < 0.5 * level + 0.2:
        arr = _contrast(arr, rng)
        effects.append("contrast")
    photo = rng.random() < 0.12 * level
    if photo:
        arr = _uneven_light(arr, rng)
        effects.append("uneven_light")
    img = Image.fromarray(arr.clip(0, 255).astype(np.uint8))
    skew = 0.0
    if photo:
        img = _perspective(img, rng)
        effects.append("perspective")
    elif rng.random() < 0.75:
        skew = round(rng.choice((-1, 1)) * rng.uniform(0.5, 1.0 + 3.0 * level), 2)
        img = _rotate_small(img, skew)
        effects.append("skew")
    if rng.random() < 0.4 + 0.4 * level:
        sigma = rng.uniform(0.4, 0.6 + 1.0 * level)
        img = Image.fromarray(cv2.GaussianBlur(np.asarray(img), (0, 0), sigma))
        effects.append("blur")
    scale = 1.0
    if rng.random() < 0.3:
        scale = rng.choice((0.75, 0.8, 0.9, 1.2, 1.5))
        img = img.resize((int(img.width * scale), int(img.height * scale)), Image.BILINEAR)
        effects.append("resample")
    arr = np.asarray(img, dtype=np.float32)
    if rng.random() < 0.5 + 0.4 * level:
        arr = _noise(arr, rng)
        effects.append("noise")
    img = Image.fromarray(arr.clip(0, 255).astype(np.uint8))
    if not photo and rng.random() < 0.4 * level + 0.1:
        img = _border(img, rng)
        effects.append("border")
    rotation = 0
    if allow_rotation and rng.random() < 0.1 + 0.1 * level:
        rotation = rng.choice((90, 180, 270, 90))
        img = img.rotate(-rotation, expand=True)
        effects.append("rotation")
    quality = rng.randint(35, 70) if rng.random() < 0.6 * level + 0.2 else rng.randint(75, 92)
    return img, ScanInfo(
        rotation=rotation, skew=skew, degraded=True, effects=tuple(effects), jpeg_quality=quality, scale=scale
    )


def jpeg_roundtrip(img: Image.Image, quality: int) -> Image.Image:
    """JPEG artefacts in a page that is then stored losslessly (scanned to JPEG, later converted)."""
    import io

    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    buf.seek(0)
    return Image.open(buf).convert("RGB")
