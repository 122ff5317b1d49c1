"""What a file is, judged from its first bytes — never from its name.

Customers' files are routinely misnamed (a PNG saved as .jpg, ``IMG_0001.JPG`` that is a HEIC photo, a
Word document renamed .pdf), so the extension is ignored. ``sniff`` returns one of the kinds we accept;
``describe`` names common kinds we refuse so the rejection can tell the administrator what to do instead.
"""

from __future__ import annotations

import struct

ACCEPTED_KINDS = ("pdf", "jpeg", "png", "tiff", "bmp", "zip")
PAGE_KINDS = ("pdf", "jpeg", "png", "tiff", "bmp")
"""Kinds that hold pages; a zip only holds other files."""

EXTENSIONS = {"pdf": "pdf", "jpeg": "jpg", "png": "png", "tiff": "tif", "bmp": "bmp", "zip": "zip"}
"""File extension used for each kind in the store."""

SNIFF_BYTES = 4096
"""Enough to see a PDF header after leading junk (readers accept it within the first 1024 bytes)."""

_PDF_SEARCH = 1024
_BMP_DIB_SIZES = frozenset({12, 16, 40, 52, 56, 64, 108, 124})
_OFFICE_FIRST_ENTRIES = (b"[Content_Types].xml", b"mimetype")


def _is_bmp(head: bytes) -> bool:
    """'BM' alone is too common at the start of text files; also require a plausible DIB header."""
    if len(head) < 18 or not head.startswith(b"BM"):
        return False
    reserved, pixel_offset, dib_size = struct.unpack_from("<IIi", head, 6)
    return reserved == 0 and pixel_offset >= 14 and dib_size in _BMP_DIB_SIZES


def _zip_first_name(head: bytes) -> bytes:
    if len(head) < 30:
        return b""
    name_len = struct.unpack_from("<H", head, 26)[0]
    return head[30 : 30 + name_len]


def sniff(head: bytes) -> str | None:
    """Kind of a file from its magic bytes: "pdf", "jpeg", "png", "tiff", "bmp", "zip", or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        if _zip_first_name(head) in _OFFICE_FIRST_ENTRIES:
            return None  # .docx/.xlsx/.odt are zips, but not archives of scans
        return "zip"
    if _is_bmp(head):
        return "bmp"
    if b"%PDF-" in head[:_PDF_SEARCH]:
        return "pdf"
    return None


_KNOWN_REFUSED: tuple[tuple[bytes, int, str], ...] = (
    (b"Rar!\x1a\x07", 0, "RAR 压缩包（请改用 ZIP）"),
    (b"7z\xbc\xaf\x27\x1c", 0, "7z 压缩包（请改用 ZIP）"),
    (b"\x1f\x8b", 0, "gzip 压缩文件（请改用 ZIP）"),
    (b"GIF8", 0, "GIF 图片（请导出为 JPEG 或 PNG）"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "旧版 Office 文档（请导出为 PDF）"),
    (b"{\\rtf", 0, "RTF 文档（请导出为 PDF）"),
    (b"MZ", 0, "可执行程序"),
)


def describe(head: bytes) -> str:
    """Chinese name of a refused kind, for the rejection message; a generic phrase when unknown."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "Office 文档（请导出为 PDF）"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"hevc", b"heim", b"heis"):
            return "HEIC 照片（请在手机上导出为 JPEG）"
        if brand in (b"avif", b"avis"):
            return "AVIF 图片（请导出为 JPEG）"
        return "视频文件"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "WebP 图片（请导出为 JPEG 或 PNG）"
    for magic, offset, label in _KNOWN_REFUSED:
        if head[offset : offset + len(magic)] == magic:
            return label
    return "无法识别的文件格式"
