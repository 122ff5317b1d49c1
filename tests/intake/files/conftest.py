"""Fixtures for file intake: a fresh store per test, and makers of good and hostile files (all in code)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image, ImageDraw

from storage.filestore import FileStore


@pytest.fixture
def store(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "data")


def jpeg_bytes(size: tuple[int, int] = (320, 240), colour: str = "white", text: str = "") -> bytes:
    image = Image.new("RGB", size, colour)
    if text:
        ImageDraw.Draw(image).text((10, 10), text, fill="black")
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=85)
    return buf.getvalue()


def png_bytes(size: tuple[int, int] = (200, 100), colour: str = "red", mode: str = "RGB") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, colour).save(buf, format="PNG")
    return buf.getvalue()


def bmp_bytes(size: tuple[int, int] = (64, 48)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, "blue").save(buf, format="BMP")
    return buf.getvalue()


def pdf_bytes(pages: int = 1, size: tuple[int, int] = (595, 842)) -> bytes:
    """A PDF of blank pages, ``size`` in points (resolution 72 makes pixels = points)."""
    images = [Image.new("RGB", size, "white") for _ in range(pages)]
    buf = io.BytesIO()
    images[0].save(buf, format="PDF", resolution=72, save_all=True, append_images=images[1:])
    return buf.getvalue()


def g4_tiff_bytes(pages: int = 3, size: tuple[int, int] = (850, 1100)) -> bytes:
    frames = []
    for number in range(pages):
        frame = Image.new("1", size, 1)
        ImageDraw.Draw(frame).rectangle((50, 50 + number * 40, 400, 80 + number * 40), fill=0)
        frames.append(frame)
    buf = io.BytesIO()
    frames[0].save(buf, format="TIFF", save_all=True, append_images=frames[1:], compression="group4")
    return buf.getvalue()


def encrypted_pdf_bytes(user_password: str = "secret") -> bytes:
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(pdf_bytes()))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares width×height but carries almost no data: must be refused from its header."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _png_chunk(b"IEND", b"")
    )


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def gbk_zip_bytes(members: dict[str, bytes]) -> bytes:
    """A zip as Windows tools write it: GBK name bytes, no UTF-8 flag.

    zipfile always writes non-ASCII names as flagged UTF-8, so each entry is written under an ASCII
    placeholder of the same byte length, then the name bytes are patched in (names carry no checksum).
    """
    raw_names = [name.encode("gbk") for name in members]
    placeholders = [f"N{i}_".ljust(len(raw), "x").encode() for i, raw in enumerate(raw_names)]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for placeholder, data in zip(placeholders, members.values(), strict=True):
            zf.writestr(placeholder.decode(), data)
    patched = buf.getvalue()
    for placeholder, raw in zip(placeholders, raw_names, strict=True):
        assert len(placeholder) == len(raw) and patched.count(placeholder) == 2
        patched = patched.replace(placeholder, raw)
    return patched


def write_zero_bomb(path: Path, megabytes: int, head: bytes = b"%PDF-1.4\n") -> None:
    """A zip holding ``megabytes`` MB of zeros, written in chunks so the test itself stays small."""
    chunk = bytes(1 << 20)
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf,
        zf.open("scan.pdf", "w", force_zip64=True) as w,
    ):
        w.write(head)
        for _ in range(megabytes):
            w.write(chunk)


@pytest.fixture
def make() -> SimpleNamespace:
    """The generators above, reachable from test modules without importing conftest."""
    return SimpleNamespace(
        jpeg=jpeg_bytes,
        png=png_bytes,
        bmp=bmp_bytes,
        pdf=pdf_bytes,
        g4_tiff=g4_tiff_bytes,
        encrypted_pdf=encrypted_pdf_bytes,
        png_header_only=png_header_only,
        zip=zip_bytes,
        gbk_zip=gbk_zip_bytes,
        zero_bomb=write_zero_bomb,
    )
