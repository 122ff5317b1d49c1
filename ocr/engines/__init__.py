"""OCR engines behind one interface, chosen by name (``DOSSIER_OCR_ENGINE``).

Engines are not thread-safe and each keeps its models in memory: one instance per process, one thread per
engine; parallelism comes from processes (Celery prefork / the embedded worker pool).
"""

from __future__ import annotations

from functools import cache

from ocr.engines.base import OcrEngine, OcrEngineError

ENGINES = ("rapidocr", "tesseract", "known-lines")  # known-lines: test-only, see its module
DEFAULT_ENGINE = "rapidocr"


@cache
def get_engine(name: str = DEFAULT_ENGINE) -> OcrEngine:
    """The process-wide engine instance for ``name``; loading models is slow, so it is done once."""
    name = (name or DEFAULT_ENGINE).strip().lower()
    if name == "rapidocr":
        from ocr.engines.rapid import RapidOcrEngine

        return RapidOcrEngine()
    if name == "tesseract":
        from ocr.engines.tesseract import TesseractEngine

        return TesseractEngine()
    if name == "known-lines":
        from ocr.engines.known_lines import KnownLinesEngine

        return KnownLinesEngine()
    raise OcrEngineError(f"unknown OCR engine {name!r}; choose one of {', '.join(ENGINES)}")


def as_engine(engine: OcrEngine | str) -> OcrEngine:
    """An engine given by name is the process-wide instance; callers that hold a name resolve it only when
    a capability is needed, so nothing is loaded for pages that never need one."""
    return get_engine(engine) if isinstance(engine, str) else engine


__all__ = ["DEFAULT_ENGINE", "ENGINES", "OcrEngine", "OcrEngineError", "as_engine", "get_engine"]
