"""RapidOCR: PaddleOCR's PP-OCR detection/recognition models on onnxruntime.

The models ship inside the ``rapidocr`` wheel, so nothing is downloaded at run time; we point the config at
the packaged files explicitly and fail loudly if they are missing rather than letting the library fetch them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any
from unittest.mock import patch

import cv2
import numpy as np

from ocr.engines.base import OcrEngineError
from ocr.types import TextLine

# One thread per engine: the engines are not thread-safe and parallelism comes from processes.
_PARAMS: dict[str, Any] = {
    "Global.log_level": "error",
    "EngineConfig.onnxruntime.intra_op_num_threads": 1,
    "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    # a batch of long lines is a wide tensor; small batches keep a worker's memory flat (~+200 MB at 6)
    "Rec.rec_batch_num": 2,
}


def _packaged_models() -> Path:
    import rapidocr

    root = Path(rapidocr.__file__).parent / "models"
    if not any(root.glob("*.onnx")):
        raise OcrEngineError(f"RapidOCR models are missing from {root}; reinstall the pinned rapidocr wheel")
    return root


@cache
def shared_rapidocr() -> Any:
    """The process-wide RapidOCR object (also used for page orientation, so each model loads once).

    Building it loads no model: each is loaded by `_model` when a page first needs it, so a text-layer page
    loads none, and one with a seal to read loads only the recogniser."""
    from rapidocr import RapidOCR

    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return RapidOCR(params={**_PARAMS, "Global.model_root_dir": str(_packaged_models())})


_MODELS = {"det": "text_det", "cls": "text_cls", "rec": "text_rec"}


def _model(kind: str) -> Any:
    """RapidOCR's detector, line classifier or recogniser (`det`, `cls`, `rec`), loaded on first use inside
    the lean-session patch (RapidOCR would otherwise load it lazily itself, without the patch)."""
    ocr = shared_rapidocr()
    load = getattr(ocr, f"_load_{kind}_model")
    if getattr(ocr, _MODELS[kind]) is None:
        with _lean_sessions():
            load()
    return load()


@contextmanager
def _lean_sessions() -> Iterator[None]:
    """onnxruntime sessions without memory-pattern planning.

    The planner keeps an allocation plan per input shape, and every page and line has another shape: it
    buys nothing here and costs ~80 MB per worker. RapidOCR exposes no such option, so its (pinned)
    session-options factory is wrapped while the models load.
    """
    from rapidocr.inference_engine.onnxruntime import main as ort_main

    original = ort_main.OrtInferSession._init_sess_opts

    def lean(cfg: Any) -> Any:
        opts = original(cfg)
        opts.enable_mem_pattern = False
        return opts

    with patch.object(ort_main.OrtInferSession, "_init_sess_opts", staticmethod(lean)):
        yield


def quad_to_bbox(quad: Any) -> tuple[int, int, int, int]:
    pts = np.asarray(quad, dtype=float).reshape(-1, 2)
    return (int(pts[:, 0].min()), int(pts[:, 1].min()), int(pts[:, 0].max()), int(pts[:, 1].max()))


DET_SIDE = 960  # px, long side the detector sees: lines of 8-pt text stay found, memory and time drop
DET_MAX_ASPECT = 4.0  # the detector's copy is padded to at most this long/short ratio (see _pad_for_detector)
DET_MIN_SIDE = 240  # px: a smaller image is padded to this size before detection
MIN_SCORE = 0.5  # RapidOCR's own default text_score
# width ÷ height `read_line` pads a shorter line to (with RapidOCR's grey), where RapidOCR pads to 320 ÷ 48:
# on 107 seal legends of tests/bench/seals.py the kinds read were those of 320 px from 4 up (one differed at
# 2), and a worn 合同专用章 of a corpus2 seal card was read as at 320 px from 5 up (not at 4)
MIN_LINE_RATIO = 5.0


def _pad_for_detector(image: np.ndarray) -> tuple[np.ndarray, int, int]:
    """The image centred on paper of a shape the detector can read, and the (left, top) offset of the image.

    RapidOCR's detector magnifies every input until its short side is 736 px. A page's short side is ~680 px
    here, so it is barely touched; but a strip reduced to 960×62 would be magnified 12×: letters become blobs
    hundreds of pixels tall that the detector no longer takes for text, on a 10 Mpx input that costs tens of
    seconds. So the short side is padded to a quarter of the long one (RapidOCR pads wide strips the same
    way, we also pad tall ones), and an image smaller than DET_MIN_SIDE both ways is padded to that size,
    which caps the magnification of a tiny crop at ~3×. Shapes in between are left as RapidOCR sees them.
    The padding takes the image's border colour, so it adds no edge the detector could mistake for ink.
    """
    h, w = image.shape[:2]
    floor = max(h, w) / DET_MAX_ASPECT if max(h, w) >= DET_MIN_SIDE else DET_MIN_SIDE
    ph, pw = max(h, round(floor)), max(w, round(floor))
    if (ph, pw) == (h, w):
        return image, 0, 0
    border = np.concatenate([image[0], image[-1], image[:, 0], image[:, -1]]).reshape(-1, image.shape[2])
    out = np.empty((ph, pw, image.shape[2]), dtype=image.dtype)
    out[:] = np.median(border, axis=0).astype(image.dtype)
    top, left = (ph - h) // 2, (pw - w) // 2
    out[top : top + h, left : left + w] = image
    return out, left, top


def detect_lines(image: np.ndarray, side: int = DET_SIDE) -> np.ndarray:
    """Text-line quadrilaterals (N×4×2, pixels of ``image``), found on a copy reduced to ``side``.

    The detector's cost and memory grow with the pixels it sees (~800 MB at 2000 px), while finding a line
    needs far less resolution than reading it; so detect small, read from the full-resolution page.
    """
    h, w = image.shape[:2]
    scale = min(1.0, side / max(h, w))
    size = (max(1, round(w * scale)), max(1, round(h * scale)))  # a 1 px sliver must not vanish
    # Bilinear: this call always passed cv2.INTER_AREA positionally, where OpenCV takes it for `dst`, so the
    # detector has been tuned on bilinear copies; INTER_AREA would be a change to measure, not a type fix.
    small = image if scale == 1.0 else cv2.resize(image, size, interpolation=cv2.INTER_LINEAR)
    padded, left, top = _pad_for_detector(small)
    det = _model("det")(padded)
    if det.boxes is None or len(det.boxes) == 0:
        return np.zeros((0, 4, 2), dtype=np.float32)
    offset = np.asarray([left, top], dtype=np.float32)
    boxes = (np.asarray(det.boxes, dtype=np.float32) - offset) / np.float32(scale)
    np.clip(boxes[..., 0], 0, w - 1, out=boxes[..., 0])
    np.clip(boxes[..., 1], 0, h - 1, out=boxes[..., 1])
    return boxes


def recognise(image: np.ndarray, quads: np.ndarray) -> list[tuple[str, float, tuple[float, ...]]]:
    """Text, score and per-character scores of each quadrilateral, cut from the full-resolution image.

    The line's score is a mean: one character the model hesitated over (庄 read as 产 at 0.3) hides in it,
    so the characters' own scores are kept for the fields to judge."""
    from rapidocr.ch_ppocr_rec.typings import TextRecInput
    from rapidocr.utils.process_img import get_rotate_crop_image

    if len(quads) == 0:
        return []
    crops = [get_rotate_crop_image(image, quad.copy()) for quad in quads]
    rec = _model("rec")(TextRecInput(img=crops, return_word_box=True))
    words = rec.word_results or [None] * len(rec.txts or ())
    out = []
    for t, sc, w in zip(rec.txts or (), rec.scores, words, strict=False):
        confs = tuple(round(float(c), 3) for c in (getattr(w, "confs", None) or ()))
        out.append((str(t), float(sc), confs if len(confs) == len(str(t)) else ()))
    return out


def is_upside_down(image: np.ndarray, quads: np.ndarray) -> bool:
    """PP-OCR's 0°/180° line classifier over the lines cut from ``image``, each vote weighted by its score."""
    from rapidocr.utils.process_img import get_rotate_crop_image

    crops = [get_rotate_crop_image(image, quad.copy()) for quad in quads]
    if not crops:
        return False
    res = _model("cls")(crops)
    votes = sum((score if "180" in label else -score) for label, score in res.cls_res)
    return bool(votes > 0)


def read_line(image: np.ndarray) -> tuple[str, float]:
    """Recognise one line filling ``image``; the score is the *least* sure character's, since one wrong
    character in a name hides easily in a line's mean score."""
    rec = _model("rec")
    # nearer its own width: RapidOCR pads every batch to at least 320 px, and the recogniser's cost grows
    # with the width it is given (a seal's five-character legend is ~130 px: 240 px cost 3/4 of 320)
    own = image.shape[1] / image.shape[0]
    width = max(own, MIN_LINE_RATIO)
    batch = rec.resize_norm_img(image, width)[np.newaxis].astype(np.float32)
    preds = rec.session(batch)
    lines, words = rec.postprocess_op(preds, return_word_box=True, wh_ratio_list=[own], max_wh_ratio=width)
    if not lines or not lines[0][0]:
        return "", 0.0
    text, score = lines[0]
    confs = getattr(words[0] if words else None, "confs", None) or [score]
    return str(text), float(min(confs))


class RapidOcrEngine:
    """Reads with PP-OCR, and lends the same models to orientation (detector, line classifier) and to the
    seal legends (recogniser). Building it loads nothing: each model is loaded when a page first needs it
    (a process that reads only text-layer pages never imports rapidocr or onnxruntime)."""

    name = "rapidocr"

    def read(self, image: np.ndarray, lines: np.ndarray | None = None) -> list[TextLine]:
        # The page is already upright (ocr.orientation): no per-line 0/180 classifier.
        quads = detect_lines(image) if lines is None else lines
        return [
            TextLine(text=text, bbox=quad_to_bbox(quad), confidence=round(score, 4), chars=chars)
            for quad, (text, score, chars) in zip(quads, recognise(image, quads), strict=True)
            if text.strip() and score >= MIN_SCORE
        ]

    def warm(self) -> None:
        """Load the detector, classifier and recogniser now: a long-running process (the review UI's pool)
        calls this in the background so that the first upload's pages do not pay the model load."""
        for kind in _MODELS:
            _model(kind)

    def detect_lines(self, image: np.ndarray) -> np.ndarray:
        return detect_lines(image)

    def is_upside_down(self, image: np.ndarray, lines: np.ndarray) -> bool:
        return is_upside_down(image, lines)

    def read_line(self, image: np.ndarray) -> tuple[str, float]:
        return read_line(image)
