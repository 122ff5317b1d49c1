"""Tiny synthetic pages for worker tests: a few lines of Chinese text, fast to read (well under a second)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
LINES = ("开户许可证", "核准号：J1100012345601", "账号：1202020309900123456")


def tiny_page(path: Path, extra: str = "", size: tuple[int, int] = (700, 260)) -> Path:
    """One small page image; `extra` makes pages of one dossier differ (they are stored by content)."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 28)
    for n, text in enumerate((*LINES, extra)):
        draw.text((30, 20 + 55 * n), text, fill="black", font=font)
    image.save(path)
    return path


def tiny_pages(folder: Path, count: int, size: tuple[int, int] = (700, 260)) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [tiny_page(folder / f"page{n:02d}.png", f"第{n}页", size) for n in range(1, count + 1)]


def known_lines_page(path: Path, extra: str = "") -> Path:
    """A page for the test-only `known-lines` engine: the same text as tiny_page, carried in the image."""
    from ocr.engines.known_lines import encode_lines

    lines = [
        (text, (30, 20 + 55 * n, 30 + 28 * len(text), 48 + 55 * n), 0.99)
        for n, text in enumerate((*LINES, extra))
    ]
    Image.fromarray(encode_lines(lines, (700, 400))).save(path)
    return path


def known_lines_pages(folder: Path, count: int, prefix: str = "") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [known_lines_page(folder / f"page{n:02d}.png", f"{prefix}第{n}页") for n in range(1, count + 1)]
