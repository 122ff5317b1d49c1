"""Value types of file intake: the limits applied to uploads, what was accepted, what was refused and why.

Pure data. Every refusal carries a stable English ``code`` (for programs and tests) and a Chinese ``reason``
naming the file (for the archive administrator); the messages live here so the wording is reviewed in one
place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on what one ingest call accepts; every upload is hostile until it has passed them.

    Defaults fit a real dossier with room to spare (ten-odd documents, a few dozen pages, phone photos or
    300-600 dpi scans) while keeping one call within a few GB of disk and a bounded amount of decoding work.
    """

    max_file_bytes: int = 200 * 2**20
    """A 200-page 300 dpi colour scan is ~100-150 MB; anything bigger is not a dossier document."""
    max_total_bytes: int = 1 * 2**30
    """Bytes written per call (originals + archive members): bounds disk use of one upload."""
    max_pages_per_file: int = 200
    """A contract bundle is tens of pages; hundreds means the wrong file (a whole ledger)."""
    max_pages_total: int = 500
    """Pages read per dossier: bounds OCR time (~1-3 s/page) to well under an hour."""
    max_pixels: int = 60_000_000
    """Per page. A4 at 600 dpi is 35 MP and a 48 MP phone photo fits; decoding 60 MP RGB takes ~180 MB."""
    max_zip_entries: int = 500
    """Entries per archive (directories included), checked before reading the central directory."""
    max_zip_ratio: float = 100.0
    """Uncompressed/compressed. Scans are already compressed (ratio ~1-10); a bomb is 1000:1 and more."""
    zip_ratio_grace_bytes: int = 32 * 2**20
    """Ratio is only enforced past this many output bytes: a blank 300 dpi A4 BMP (26 MB) deflates ~1000:1."""
    max_zip_depth: int = 2
    """A zip inside a zip is fine (people zip folders of zips); three levels deep is not a dossier."""
    max_files: int = 1000
    """Files considered per call (folder files and archive members, accepted or not)."""
    min_pdf_page_points: float = 10.0
    """Smallest PDF page side (1/72 inch): ~3.5 mm; smaller is a broken or hostile page box."""
    max_pdf_page_points: float = 14_400.0
    """Largest PDF page side: 200 inches, the PDF format's own limit without UserUnit."""


class RejectCode(StrEnum):
    """Stable reasons for refusing a file (part of the machine-readable output: add, never rename)."""

    EMPTY_FILE = "empty_file"
    UNSUPPORTED_TYPE = "unsupported_type"
    NOT_FOUND = "not_found"
    UNREADABLE = "unreadable"
    FILE_TOO_LARGE = "file_too_large"
    TOTAL_TOO_LARGE = "total_too_large"
    TOO_MANY_FILES = "too_many_files"
    CORRUPT_IMAGE = "corrupt_image"
    TRUNCATED_IMAGE = "truncated_image"
    IMAGE_TOO_LARGE = "image_too_large"
    ENCRYPTED_PDF = "encrypted_pdf"
    CORRUPT_PDF = "corrupt_pdf"
    EMPTY_PDF = "empty_pdf"
    PAGE_SIZE_INVALID = "page_size_invalid"
    TOO_MANY_PAGES = "too_many_pages"
    TOO_MANY_PAGES_TOTAL = "too_many_pages_total"
    UNSAFE_PATH = "unsafe_path"
    ZIP_BOMB = "zip_bomb"
    TOO_MANY_ENTRIES = "too_many_entries"
    NESTED_ARCHIVE_TOO_DEEP = "nested_archive_too_deep"
    ENCRYPTED_ARCHIVE = "encrypted_archive"
    CORRUPT_ARCHIVE = "corrupt_archive"
    EMPTY_ARCHIVE = "empty_archive"


MESSAGES: dict[RejectCode, str] = {
    RejectCode.EMPTY_FILE: "文件为空（0 字节），请重新扫描或上传",
    RejectCode.UNSUPPORTED_TYPE: "不支持的文件类型，请上传 PDF、JPEG、PNG、TIFF、BMP 或其 ZIP 压缩包",
    RejectCode.NOT_FOUND: "找不到该文件",
    RejectCode.UNREADABLE: "无法读取该文件（权限或磁盘错误）",
    RejectCode.FILE_TOO_LARGE: "文件过大",
    RejectCode.TOTAL_TOO_LARGE: "本次上传的文件总量已超过上限，该文件未处理，请分批上传",
    RejectCode.TOO_MANY_FILES: "本次上传的文件数量已超过上限，其余文件未处理，请分批上传",
    RejectCode.CORRUPT_IMAGE: "图片已损坏，无法解码，请重新扫描或导出",
    RejectCode.TRUNCATED_IMAGE: "图片不完整（文件被截断），请重新上传原文件",
    RejectCode.IMAGE_TOO_LARGE: "图片像素过大，请以较低分辨率（300 dpi 即可）重新扫描",
    RejectCode.ENCRYPTED_PDF: "PDF 已加密（需要密码），请提供未加密的文件",
    RejectCode.CORRUPT_PDF: "PDF 已损坏，无法打开，请重新导出",
    RejectCode.EMPTY_PDF: "PDF 没有任何页面",
    RejectCode.PAGE_SIZE_INVALID: "PDF 页面尺寸异常，无法作为扫描件处理",
    RejectCode.TOO_MANY_PAGES: "文件页数过多，请只上传建档所需的页面",
    RejectCode.TOO_MANY_PAGES_TOTAL: "本次上传的总页数已超过上限，该文件未处理，请分批上传",
    RejectCode.UNSAFE_PATH: "压缩包内的路径不安全（含 .. 、绝对路径或链接），已跳过",
    RejectCode.ZIP_BOMB: "压缩包解压后体积异常（疑似压缩炸弹），已拒绝",
    RejectCode.TOO_MANY_ENTRIES: "压缩包内文件数量过多",
    RejectCode.NESTED_ARCHIVE_TOO_DEEP: "压缩包嵌套层数过多，请解压后重新打包",
    RejectCode.ENCRYPTED_ARCHIVE: "压缩包已加密（需要密码），请提供未加密的压缩包",
    RejectCode.CORRUPT_ARCHIVE: "压缩包已损坏，无法解压",
    RejectCode.EMPTY_ARCHIVE: "压缩包内没有可处理的文件",
}


class RejectionError(Exception):
    """Raised inside intake when a file must be refused; turned into a RejectedFile by the caller."""

    def __init__(self, code: RejectCode, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else str(code))
        self.code = code
        self.detail = detail


_PATH_RE = re.compile(r"""['"]?/[^\s'"]+['"]?""")


def error_detail(exc: BaseException) -> str:
    """A library's own words for a failure, without our spool paths (they mean nothing to the user)."""
    text = _PATH_RE.sub("…", str(exc)) or type(exc).__name__
    return text[:200]


def reason_text(file: str, code: RejectCode, detail: str = "") -> str:
    """「name」：message（detail） — the file's name first so a list of reasons reads on its own."""
    text = f"「{file}」：{MESSAGES[code]}"
    return f"{text}（{detail}）" if detail else text


@dataclass(frozen=True, slots=True)
class IngestedFile:
    """An accepted original: stored, decodable, within limits, with its number of pages."""

    name: str
    """Display name: the file's name; for archive members "archive.zip/inner/营业执照.jpg"."""
    sha256: str
    kind: str  # "pdf" | "jpeg" | "png" | "tiff" | "bmp"
    size: int
    page_count: int
    stored_path: Path
    duplicate_of: str | None = None
    """Display name of the first identical file in the same call; the pipeline reads it only once."""
    content: bytes | None = None
    """The clear bytes, when the stored file is sealed at rest (storage/filestore.py): read from here."""

    def source(self) -> Path | bytes:
        """What the page readers open: the clear content when given, else the stored file."""
        return self.content if self.content is not None else self.stored_path


@dataclass(frozen=True, slots=True)
class RejectedFile:
    file: str
    code: str
    reason: str


@dataclass(frozen=True, slots=True)
class StoredArchive:
    """A ZIP as the customer sent it: kept so nothing is lost, though only its members are read."""

    name: str
    sha256: str
    size: int
    stored_path: Path


@dataclass(frozen=True, slots=True)
class IngestResult:
    files: tuple[IngestedFile, ...]
    rejected: tuple[RejectedFile, ...]
    archives: tuple[StoredArchive, ...] = ()

    @property
    def pages_to_read(self) -> int:
        """Pages the pipeline has to read (duplicates are read once)."""
        return sum(f.page_count for f in self.files if f.duplicate_of is None)
