"""Lay out TextLines the way a reader returns them from a ~1650×2340 page (36 px characters, 40 px lines)."""

from ocr.types import TextLine

CHAR = 36
LINE_H = 40


def line(text: str, x0: int, y0: int, x1: int | None = None, h: int = LINE_H, conf: float = 0.97) -> TextLine:
    """One line read at (x0, y0); its width follows from its characters unless given."""
    width = sum(CHAR if ord(c) > 0x2E80 else CHAR // 2 for c in text)
    return TextLine(text, (x0, y0, x1 if x1 is not None else x0 + width, y0 + h), conf)
