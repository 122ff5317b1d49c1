"""Make a scanned page upright before reading: quarter turns, upside-down pages and a few degrees of skew.

Scans arrive turned 90/180/270° and skewed. We look at the page once, cheaply: the engine's line detector
gives the line boxes (their long axis says horizontal vs vertical, their slope the skew) and its upside-down
classifier votes on the longest lines. Both are capabilities of the engine (``ocr.engines.base.OcrEngine``):
RapidOCR's are PP-OCR's detector (on a reduced copy) and 0°/180° line classifier; tesseract lends RapidOCR's
by default, so tesseract pages are straightened exactly like RapidOCR pages. Never reads the text itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ocr.engines import DEFAULT_ENGINE, OcrEngine, as_engine

MAX_SKEW = 10.0  # degrees; larger slopes are layout (stamps, signatures), not scanner skew
MIN_SKEW = 0.2  # below this, resampling the page costs sharpness for nothing
CLS_SAMPLES = 24


@dataclass(frozen=True, slots=True)
class Orientation:
    rotation: int  # clockwise degrees the scan is turned from upright (0, 90, 180, 270)
    skew: float  # degrees of residual slope (counter-clockwise positive) after the quarter turn


def _edge_lengths(boxes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Length of the top edge (p0→p1) and the left edge (p0→p3) of each detected quadrilateral."""
    top = np.linalg.norm(boxes[:, 1] - boxes[:, 0], axis=1)
    side = np.linalg.norm(boxes[:, 3] - boxes[:, 0], axis=1)
    return top, side


def _is_quarter_turned(boxes: np.ndarray) -> bool:
    """Text lines are long and thin; if most of the ink lies in tall boxes the page is turned by 90°."""
    top, side = _edge_lengths(boxes)
    elongated = np.maximum(top, side) >= 2.5 * np.minimum(top, side)
    if not elongated.any():
        return False
    area = (top * side)[elongated]
    tall = (side > top)[elongated]
    return float(area[tall].sum()) > float(area[~tall].sum())


def _skew(boxes: np.ndarray) -> float:
    top, side = _edge_lengths(boxes)
    keep = top >= 3 * side
    if keep.sum() < 3:
        return 0.0
    d = boxes[keep, 1] - boxes[keep, 0]
    angles = np.degrees(np.arctan2(-d[:, 1], d[:, 0]))  # counter-clockwise positive (image y points down)
    weights = top[keep]
    order = np.argsort(angles)
    cum = np.cumsum(weights[order])
    median = float(angles[order][np.searchsorted(cum, cum[-1] / 2)])
    return median if abs(median) <= MAX_SKEW else 0.0


def _upside_down(engine: OcrEngine, image: np.ndarray, boxes: np.ndarray) -> bool:
    """The engine's classifier asked about the longest horizontal lines (a sample of CLS_SAMPLES)."""
    top, side = _edge_lengths(boxes)
    longest = np.argsort(-(top / np.maximum(side, 1)))[:CLS_SAMPLES]
    sample = [int(i) for i in longest if top[i] >= 3 * side[i]]
    if not sample:
        return False
    return engine.is_upside_down(image, boxes[sample])


def _rotate_quarter(image: np.ndarray, rotation: int) -> np.ndarray:
    """Undo a clockwise turn of ``rotation`` degrees."""
    if rotation == 90:
        return cv2.rotate(image, cv2.ROTATE_90_COUNTERCLOCKWISE)
    if rotation == 180:
        return cv2.rotate(image, cv2.ROTATE_180)
    if rotation == 270:
        return cv2.rotate(image, cv2.ROTATE_90_CLOCKWISE)
    return image


def detect(image: np.ndarray, engine: OcrEngine | str = DEFAULT_ENGINE) -> Orientation:
    """How the scan is turned and skewed."""
    return _probe(image, as_engine(engine))[0]


def _probe(image: np.ndarray, engine: OcrEngine) -> tuple[Orientation, np.ndarray]:
    """The orientation, and the line boxes found on the way (they serve the upright page too).

    No boxes is an answer too (a blank or unreadable image): the engine is told so instead of detecting
    again. If the quarter-turned copy shows no lines, the boxes of the image as given are kept.
    """
    boxes = engine.detect_lines(image)
    if len(boxes) == 0:
        return Orientation(0, 0.0), boxes
    rotation = 0
    if _is_quarter_turned(boxes):
        turned = _rotate_quarter(image, 90)
        turned_boxes = engine.detect_lines(turned)
        if len(turned_boxes):
            rotation, image, boxes = 90, turned, turned_boxes
    skew = _skew(boxes)
    if _upside_down(engine, image, boxes):
        rotation = (rotation + 180) % 360  # a half turn keeps the slope of the lines
        boxes = _half_turn(boxes, image.shape)
    return Orientation(rotation, round(skew, 2)), boxes


def _half_turn(quads: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Quads of an image turned by 180°: mirrored coordinates, corners rolled so p0 is top-left again."""
    h, w = shape[:2]
    out = np.empty_like(quads)
    out[..., 0] = (w - 1) - quads[..., 0]
    out[..., 1] = (h - 1) - quads[..., 1]
    return np.roll(out, 2, axis=1)


def _deskew_points(quads: np.ndarray, skew: float, shape: tuple[int, ...]) -> np.ndarray:
    if abs(skew) < MIN_SKEW:
        return quads
    h, w = shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), -skew, 1.0)
    pts = quads.reshape(-1, 2)
    moved = pts @ matrix[:, :2].T + matrix[:, 2]
    return moved.reshape(quads.shape).astype(np.float32)


def deskew(image: np.ndarray, skew: float) -> np.ndarray:
    """Rotate by the measured slope about the centre, on white, keeping the page size."""
    if abs(skew) < MIN_SKEW:
        return image
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), -skew, 1.0)
    border = (255, 255, 255) if image.ndim == 3 else 255
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=border)


def upright(image: np.ndarray, engine: OcrEngine | str = DEFAULT_ENGINE) -> tuple[np.ndarray, Orientation]:
    """The upright, deskewed page and how it was found."""
    out, found, _ = upright_with_lines(image, engine)
    return out, found


def upright_with_lines(
    image: np.ndarray, engine: OcrEngine | str = DEFAULT_ENGINE
) -> tuple[np.ndarray, Orientation, np.ndarray]:
    """The upright, deskewed page, how it was found, and the text-line boxes in the upright page.

    Finding the orientation already ran the line detector; its boxes, carried through the same turn and
    deskew, spare the OCR engine a second detection (the most expensive step of reading a page); an empty
    array means the page has no text lines.
    """
    found, boxes = _probe(image, as_engine(engine))
    turned = _rotate_quarter(image, found.rotation)
    return apply(image, found), found, _deskew_points(boxes, found.skew, turned.shape)


def apply(image: np.ndarray, found: Orientation) -> np.ndarray:
    """The same turn and deskew on another copy of the page (the colour original of a washed copy)."""
    return deskew(_rotate_quarter(image, found.rotation), found.skew)
