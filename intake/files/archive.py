"""Reading ZIP archives from customers without trusting anything they declare.

Only this module touches ``zipfile``. It decides which entries are safe to read, decodes their names
(Windows zips carry GBK names without saying so), and wraps each entry in a reader that stops at a byte cap,
whatever the header's ``file_size`` claims — so a zip bomb costs at most the cap in time and spool space.
Nothing here ever writes a file named after an entry: members go to the content-addressed store by sha.
"""

from __future__ import annotations

import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, BinaryIO

from intake.files.model import Limits, RejectCode, RejectionError, error_detail

UTF8_FLAG = 0x800
ENCRYPTED_FLAG = 0x1
UNICODE_PATH_EXTRA = 0x7075
"""Info-ZIP Unicode Path extra field: a UTF-8 copy of the name, written by WinRAR, 7-Zip and others."""

CENTRAL_DIRECTORY_BYTES_PER_ENTRY = 1024
"""Central directory budget per allowed entry (46-byte record + name + extras): bounds parsing memory."""

JUNK_NAMES = frozenset({"thumbs.db", "desktop.ini"})
"""Operating-system litter that zips carry along; skipped silently, like hidden files."""

_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"
_DRIVE_RE = re.compile(r"^[A-Za-z]:")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def check_directory_bounds(fh: BinaryIO, file_size: int, limits: Limits) -> None:
    """Read the end-of-central-directory record ourselves, before ``zipfile`` parses a huge directory."""
    tail_len = min(file_size, 22 + 0xFFFF)
    fh.seek(file_size - tail_len)
    tail = fh.read(tail_len)
    pos = tail.rfind(_EOCD)
    if pos < 0 or len(tail) - pos < 22:
        raise RejectionError(RejectCode.CORRUPT_ARCHIVE, "找不到压缩包目录（文件可能不完整）")
    entries, cd_size = struct.unpack_from("<HI", tail, pos + 10)
    total_entries, total_cd_size = int(entries), int(cd_size)
    locator = pos - 20
    if locator >= 0 and tail[locator : locator + 4] == _EOCD64_LOCATOR:
        eocd64_offset = struct.unpack_from("<Q", tail, locator + 8)[0]
        if eocd64_offset + 56 <= file_size:
            fh.seek(eocd64_offset)
            record = fh.read(56)
            if record[:4] == _EOCD64:
                total_entries, total_cd_size = struct.unpack_from("<QQ", record, 32)
    if total_entries > limits.max_zip_entries:
        raise RejectionError(
            RejectCode.TOO_MANY_ENTRIES, f"共 {total_entries} 项，上限 {limits.max_zip_entries} 项"
        )
    if total_cd_size > limits.max_zip_entries * CENTRAL_DIRECTORY_BYTES_PER_ENTRY:
        raise RejectionError(RejectCode.TOO_MANY_ENTRIES, f"压缩包目录 {total_cd_size} 字节，异常")


def _unicode_path_extra(info: zipfile.ZipInfo, raw: bytes) -> str | None:
    extra = info.extra
    offset = 0
    while offset + 4 <= len(extra):
        header_id, size = struct.unpack_from("<HH", extra, offset)
        body = extra[offset + 4 : offset + 4 + size]
        fresh = len(body) >= 5 and struct.unpack_from("<I", body, 1)[0] == zlib.crc32(raw)
        if header_id == UNICODE_PATH_EXTRA and body[:1] == b"\x01" and fresh:  # stale if name was edited
            try:
                return body[5:].decode("utf-8")
            except UnicodeDecodeError:
                return None
        offset += 4 + size
    return None


def member_name(info: zipfile.ZipInfo) -> str:
    """The entry's real name: UTF-8 when flagged, else the Unicode Path extra, else UTF-8 or GBK, else raw.

    Unflagged names are tried as strict UTF-8 before GBK because UTF-8 Chinese almost always also "decodes"
    as GBK (into mojibake) while GBK Chinese is almost never valid UTF-8; so the order is safe both ways.
    """
    if info.flag_bits & UTF8_FLAG:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    from_extra = _unicode_path_extra(info, raw)
    if from_extra is not None:
        return from_extra
    if raw.isascii():
        return info.filename
    for encoding in ("utf-8", "gbk"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def safe_parts(name: str) -> tuple[str, ...] | None:
    """Path components of an entry name, or None when it is absolute or climbs out with '..'."""
    normalised = name.replace("\\", "/")
    if normalised.startswith("/") or _DRIVE_RE.match(normalised) or _CONTROL_RE.search(normalised):
        return None
    parts = tuple(part for part in normalised.split("/") if part not in ("", "."))
    if any(part == ".." for part in parts):
        return None
    return parts


def is_junk(parts: tuple[str, ...]) -> bool:
    """Hidden files, macOS resource forks and Windows thumbnails: not customer documents."""
    return (
        not parts
        or parts[0] == "__MACOSX"
        or any(part.startswith(".") for part in parts)
        or parts[-1].casefold() in JUNK_NAMES
    )


def is_symlink(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


@dataclass
class ArchiveBudget:
    """Output bytes of one archive against its own size: catches bombs spread over many small entries."""

    archive_size: int
    limits: Limits
    produced: int = 0

    @property
    def cap(self) -> int:
        return max(int(self.archive_size * self.limits.max_zip_ratio), self.limits.zip_ratio_grace_bytes)

    @property
    def exhausted(self) -> bool:
        return self.produced > self.cap


def entry_cap(info: zipfile.ZipInfo, limits: Limits) -> int:
    return max(int(max(info.compress_size, 1) * limits.max_zip_ratio), limits.zip_ratio_grace_bytes)


def check_declared(info: zipfile.ZipInfo, limits: Limits) -> None:
    """Refuse what the header already admits to; the streaming cap catches what it hides."""
    if info.flag_bits & ENCRYPTED_FLAG:
        raise RejectionError(RejectCode.ENCRYPTED_ARCHIVE)
    if info.file_size > entry_cap(info, limits):
        raise RejectionError(
            RejectCode.ZIP_BOMB, f"声明解压后 {info.file_size} 字节，压缩后仅 {info.compress_size} 字节"
        )


class BoundedMemberReader:
    """A read-only stream over one entry that raises zip_bomb once it yields more than the caps allow.

    Decompression happens in ``zipfile`` chunk by chunk, so memory stays at one chunk; the caps are on
    bytes actually produced, never on the sizes the archive declares.
    """

    def __init__(self, raw: IO[bytes], cap: int, budget: ArchiveBudget) -> None:
        self._raw = raw
        self._cap = cap
        self._budget = budget
        self.produced = 0

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = 1 << 20
        try:
            data = self._raw.read(size)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise RejectionError(RejectCode.CORRUPT_ARCHIVE, error_detail(exc)) from exc
        except NotImplementedError as exc:  # compression method zipfile cannot read (e.g. AES, deflate64)
            raise RejectionError(RejectCode.UNSUPPORTED_TYPE, f"压缩方式不受支持：{exc}") from exc
        self.produced += len(data)
        self._budget.produced += len(data)
        if self.produced > self._cap:
            raise RejectionError(RejectCode.ZIP_BOMB, f"解压超过 {self._cap} 字节仍未结束")
        if self._budget.exhausted:
            raise RejectionError(RejectCode.ZIP_BOMB, f"整个压缩包解压已超过 {self._budget.cap} 字节")
        return data


def open_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> IO[bytes]:
    try:
        return zf.open(info)
    except NotImplementedError as exc:
        raise RejectionError(RejectCode.UNSUPPORTED_TYPE, f"压缩方式不受支持：{exc}") from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError) as exc:
        raise RejectionError(RejectCode.CORRUPT_ARCHIVE, error_detail(exc)) from exc


def entries(zf: zipfile.ZipFile) -> Iterator[tuple[zipfile.ZipInfo, str]]:
    """File entries with their decoded names, directories left out."""
    for info in zf.infolist():
        if info.is_dir():
            continue
        yield info, member_name(info)
