"""Find red seal impressions on a page and tell their kind (收货专用章, 财务专用章 … or a personal seal).

A seal is a blob of red ink of seal size. Its kind is printed horizontally under the star; its owner's name
runs along the top arc, so we also unroll the ring (polar transform) and read it as one straight line.
Only the red ink is read: the printed text under a seal is masked out first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cv2
import numpy as np

from ocr.types import BBox, Seal, SealKind

MIN_SEAL_MM, MAX_SEAL_MM = 10, 65
_KINDS: tuple[tuple[str, SealKind], ...] = (
    (r"收\s*货|收\s*货\s*专\s*用", SealKind.RECEIVING),
    (r"财\s*务", SealKind.FINANCE),
    (r"发\s*票", SealKind.INVOICE),
    (r"合\s*同", SealKind.CONTRACT),
    (r"市场监督|工商行政|管理局|银行|税务", SealKind.OTHER),
)


@dataclass(frozen=True, slots=True)
class Blob:
    bbox: BBox
    square: bool
    mask: np.ndarray  # red-ink mask of the crop (uint8 0/255)


def red_mask(image: np.ndarray) -> np.ndarray:
    hsv = cv2.cvtColor(image, cv2.COLOR_RGB2HSV)
    h, s, v = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    red = ((h <= 10) | (h >= 165)) & (s >= 70) & (v >= 70)
    return red.astype(np.uint8) * 255


def find_blobs(image: np.ndarray, dpi: float) -> list[Blob]:
    mask = red_mask(image)
    px_mm = dpi / 25.4
    k = max(3, int(px_mm * 2))
    closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    n, _, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    blobs = []
    for i in range(1, n):
        x, y, w, h, area = stats[i]
        if not (MIN_SEAL_MM * px_mm <= max(w, h) <= MAX_SEAL_MM * px_mm) or not 0.5 <= w / max(h, 1) <= 2.0:
            continue
        crop = mask[y : y + h, x : x + w]
        ink = float((crop > 0).mean())
        if ink < 0.04:
            continue
        contours, _ = cv2.findContours(closed[y : y + h, x : x + w], cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        hull_area = max((cv2.contourArea(cv2.convexHull(c)) for c in contours), default=0.0)
        square = hull_area / max(w * h, 1) > 0.88  # a circle fills π/4 ≈ 0.785 of its box
        blobs.append(Blob((int(x), int(y), int(x + w), int(y + h)), square, crop))
    return blobs


def _ink_image(mask: np.ndarray) -> np.ndarray:
    """Black ink on white, RGB, with a margin: what OCR engines expect."""
    img = 255 - mask
    img = cv2.copyMakeBorder(img, 16, 16, 16, 16, cv2.BORDER_CONSTANT, value=255)
    return cv2.cvtColor(img, cv2.COLOR_GRAY2RGB)


def _unroll(mask: np.ndarray) -> np.ndarray:
    """The ring's top arc as a straight strip of text (characters upright)."""
    h, w = mask.shape
    r = min(h, w) / 2
    polar = cv2.warpPolar(mask, (int(r), 720), (w / 2, h / 2), r, cv2.WARP_POLAR_LINEAR)
    ring = polar[:, int(r * 0.55) : int(r * 0.98)]
    twice = np.vstack([ring, ring])
    arc = twice[int(720 * 140 / 360) : int(720 * 400 / 360)]  # 140°…400°: the upper arc, left to right
    strip = cv2.rotate(arc, cv2.ROTATE_90_COUNTERCLOCKWISE)
    return _ink_image(strip)


def _read(image: np.ndarray) -> str:
    from ocr.engines.rapid import shared_rapidocr

    out = shared_rapidocr()(image, use_cls=False)
    return "".join(out.txts) if out.txts else ""


def _rec_only(image: np.ndarray) -> str:
    from ocr.engines.rapid import shared_rapidocr

    out = shared_rapidocr()(image, use_det=False, use_cls=False)
    return "".join(out.txts) if getattr(out, "txts", None) else ""


def classify_kind(center_text: str, square: bool) -> SealKind:
    for pattern, kind in _KINDS:
        if re.search(pattern, center_text):
            return kind
    if square:
        return SealKind.PERSONAL
    return SealKind.COMPANY


def find_seals(image: np.ndarray, dpi: float = 200.0, *, read_text: bool = True) -> tuple[Seal, ...]:
    """Seals on an upright page (H×W×3 RGB)."""
    seals = []
    for blob in find_blobs(image, dpi):
        center = _read(_ink_image(blob.mask)) if read_text else ""
        kind = classify_kind(center, blob.square)
        text = ""
        if read_text and not blob.square:
            text = _rec_only(_unroll(blob.mask))
        elif blob.square:
            text = center
        conf = 0.9 if center else 0.6
        seals.append(Seal(kind=kind, bbox=blob.bbox, confidence=conf, text=_clean(text),
                          shape="square" if blob.square else "round"))
    return tuple(seals)


def _clean(text: str) -> str:
    return re.sub(r"[\s★☆*·.]", "", text)
