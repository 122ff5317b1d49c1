"""A test-only engine that reads a page instantly: the page carries its own lines, written by a generator.

Why: the coordination benchmark (tests/bench/coordination.py) and the worker tests measure everything around
OCR — the database, the broker, claims, the finish step — so the engine must cost nothing, yet the rest of the
pipeline (ingest, classify, fields, seals, storage) must run for real. It is an engine choice
(`DOSSIER_OCR_ENGINE=known-lines`), not a mock of anything else.

Where the lines are: a lossless grey page (PNG) whose first pixels, row by row, are the bytes of
`MAGIC + length (4 bytes, big endian) + JSON` — the lines as `[[text, [x0, y0, x1, y1], confidence], …]`. They
are inside the image file itself, so the page needs no sidecar beside it in the content-addressed file store
and survives any path. Grey pixels carry no red, so the seal wash and seal search leave them alone.
A page without them is refused with a clear error, never read as blank.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np

from ocr.engines.base import OcrEngineError
from ocr.types import TextLine

NAME = "known-lines"
MAGIC = b"KNOWNLINES1"
HEADER = len(MAGIC) + 4
Line = tuple[str, tuple[int, int, int, int], float]


def encode_lines(lines: Sequence[Line], size: tuple[int, int] = (827, 1169)) -> np.ndarray:
    """A white grey page (H×W uint8, `size` = width, height) carrying `lines` in its first pixels."""
    width, height = size
    payload = json.dumps([[t, list(b), c] for t, b, c in lines], ensure_ascii=False).encode()
    data = MAGIC + len(payload).to_bytes(4, "big") + payload
    if len(data) > width * height:
        raise ValueError(f"{len(data)} bytes of lines do not fit a {width}×{height} page")
    page = np.full(width * height, 255, dtype=np.uint8)
    page[: len(data)] = np.frombuffer(data, dtype=np.uint8)
    return page.reshape(height, width)


def decode_lines(image: np.ndarray) -> list[TextLine]:
    """The lines a page carries; OcrEngineError when it carries none (not a page of the generator)."""
    flat = np.ascontiguousarray(image[..., 0] if image.ndim == 3 else image).reshape(-1)
    if flat.size < HEADER or flat[: len(MAGIC)].tobytes() != MAGIC:
        raise OcrEngineError(
            f"{NAME}: 页面没有写入的已知文字行（仅用于测试的引擎，只能读取基准生成器写出的无损灰度页面）"
        )
    length = int.from_bytes(flat[len(MAGIC) : HEADER].tobytes(), "big")
    if HEADER + length > flat.size:
        raise OcrEngineError(f"{NAME}: 页面中的已知文字行不完整（声明 {length} 字节）")
    rows = json.loads(flat[HEADER : HEADER + length].tobytes().decode())
    return [TextLine(str(t), (int(b[0]), int(b[1]), int(b[2]), int(b[3])), float(c)) for t, b, c in rows]


class KnownLinesEngine:
    """Returns the page's known lines; finds no line boxes, so the page is taken as upright and unskewed."""

    name = NAME

    def read(self, image: np.ndarray, lines: np.ndarray | None = None) -> list[TextLine]:
        return decode_lines(image)

    def detect_lines(self, image: np.ndarray) -> np.ndarray:
        return np.zeros((0, 4, 2), dtype=np.float32)

    def is_upside_down(self, image: np.ndarray, lines: np.ndarray) -> bool:
        return False

    def read_line(self, image: np.ndarray) -> tuple[str, float]:
        return "", 0.0
