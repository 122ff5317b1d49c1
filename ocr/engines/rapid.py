"""RapidOCR: PaddleOCR's PP-OCR detection/recognition models on onnxruntime.

The models ship inside the ``rapidocr`` wheel, so nothing is downloaded at run time; we point the config at
the packaged files explicitly and fail loudly if they are missing rather than letting the library fetch them.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from ocr.engines.base import OcrEngineError
from ocr.types import TextLine

# One thread per engine: the engines are not thread-safe and parallelism comes from processes.
_PARAMS: dict[str, Any] = {
    "Global.log_level": "error",
    "EngineConfig.onnxruntime.intra_op_num_threads": 1,
    "EngineConfig.onnxruntime.inter_op_num_threads": 1,
}


def _packaged_models() -> Path:
    import rapidocr

    root = Path(rapidocr.__file__).parent / "models"
    if not any(root.glob("*.onnx")):
        raise OcrEngineError(f"RapidOCR models are missing from {root}; reinstall the pinned rapidocr wheel")
    return root


@cache
def shared_rapidocr() -> Any:
    """The process-wide RapidOCR object (also used for page orientation, so the models load once)."""
    from rapidocr import RapidOCR

    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return RapidOCR(params={**_PARAMS, "Global.model_root_dir": str(_packaged_models())})


def quad_to_bbox(quad: Any) -> tuple[int, int, int, int]:
    pts = np.asarray(quad, dtype=float).reshape(-1, 2)
    return (int(pts[:, 0].min()), int(pts[:, 1].min()), int(pts[:, 0].max()), int(pts[:, 1].max()))


class RapidOcrEngine:
    name = "rapidocr"

    def __init__(self) -> None:
        self._ocr = shared_rapidocr()

    def read(self, image: np.ndarray) -> list[TextLine]:
        # The page is already upright (ocr.orientation), so the per-line 0/180 classifier only costs time.
        out = self._ocr(image, use_det=True, use_cls=False, use_rec=True)
        if out.boxes is None or out.txts is None:
            return []
        return [
            TextLine(text=str(txt), bbox=quad_to_bbox(box), confidence=round(float(score), 4))
            for box, txt, score in zip(out.boxes, out.txts, out.scores, strict=True)
        ]
