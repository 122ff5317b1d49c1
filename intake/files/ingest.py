"""Turning what an administrator uploaded (files, folders, ZIPs, web uploads) into stored, checked originals.

One ``_Session`` per call carries the running totals (files, bytes, pages) and the first file seen for each
sha, so limits and duplicate detection hold across everything uploaded together. Every file goes the same way:
spool into the store (bounded) → sniff → dedupe → validate → commit. A file that fails any step is listed with
its reason and the rest carries on. Only failures of our own disk (store writes) propagate: they are not the
customer's fault and must not be reported as a bad file.
"""

from __future__ import annotations

import logging
import os
import re
import stat
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from intake.files import archive
from intake.files.kinds import EXTENSIONS, SNIFF_BYTES, describe, sniff
from intake.files.model import (
    IngestedFile,
    IngestResult,
    Limits,
    RejectCode,
    RejectedFile,
    RejectionError,
    StoredArchive,
    error_detail,
    reason_text,
)
from intake.files.validate import validate_image, validate_pdf
from storage.filestore import FileStore, FileTooLargeError, SpooledFile

log = logging.getLogger(__name__)

_DIGITS_RE = re.compile(r"(\d+)")
_UNSAFE_DISPLAY_RE = re.compile(r"[\x00-\x1f\x7f]")


def natural_key(text: str) -> tuple[tuple[object, ...], str]:
    """Sort "scan2" before "scan10": scanners number pages without leading zeros."""
    parts = tuple(int(p) if i % 2 else p.casefold() for i, p in enumerate(_DIGITS_RE.split(text)))
    return parts, text


def display_basename(name: str) -> str:
    """The file name a browser sent, without any client path ("C:\\fakepath\\x.jpg") or control characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE_DISPLAY_RE.sub("", base).strip()
    return base or "upload"


def _read_head(stream: BinaryIO) -> bytes:
    """Up to SNIFF_BYTES, looping because network streams may return short reads."""
    head = b""
    while len(head) < SNIFF_BYTES:
        chunk = stream.read(SNIFF_BYTES - len(head))
        if not chunk:
            break
        head += chunk
    return head


class _Prefixed:
    """A stream whose first bytes were already read (to sniff them) and are served again first."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = head
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        if self._head:
            data, self._head = self._head, b""
            return data
        return self._rest.read(size)


class _Session:
    def __init__(self, store: FileStore, limits: Limits) -> None:
        self.store = store
        self.limits = limits
        self.files: list[IngestedFile] = []
        self.rejected: list[RejectedFile] = []
        self.archives: list[StoredArchive] = []
        self.first_by_sha: dict[str, IngestedFile | RejectedFile] = {}
        self.names: set[str] = set()
        self.files_seen = 0
        self.bytes_used = 0
        self.pages_used = 0
        self.skipped_for_count: list[str] = []

    # -- bookkeeping -------------------------------------------------------------------------------

    def result(self) -> IngestResult:
        if self.skipped_for_count:
            first, more = self.skipped_for_count[0], len(self.skipped_for_count)
            detail = f"上限 {self.limits.max_files} 个，共 {more} 个文件未处理"
            self._reject(first, RejectCode.TOO_MANY_FILES, detail)
        return IngestResult(tuple(self.files), tuple(self.rejected), tuple(self.archives))

    def unique_name(self, name: str) -> str:
        """Names are how findings point at files, so two different files never share one."""
        candidate, number = name, 1
        stem, dot, ext = name.rpartition(".")
        while candidate in self.names:
            number += 1
            candidate = f"{stem} ({number}).{ext}" if dot and stem else f"{name} ({number})"
        self.names.add(candidate)
        return candidate

    def _reject(self, name: str, code: RejectCode, detail: str = "") -> RejectedFile:
        rejected = RejectedFile(file=name, code=code.value, reason=reason_text(name, code, detail))
        self.rejected.append(rejected)
        log.info("rejected %s: %s %s", name, code.value, detail)
        return rejected

    def reject(self, name: str, code: RejectCode, detail: str = "") -> RejectedFile:
        return self._reject(self.unique_name(name), code, detail)

    def count_file(self, name: str) -> bool:
        """Whether another file may be considered; beyond max_files they are only counted."""
        if self.files_seen >= self.limits.max_files:
            self.skipped_for_count.append(name)
            return False
        self.files_seen += 1
        return True

    # -- one file ----------------------------------------------------------------------------------

    def take_stream(self, name: str, stream: BinaryIO, depth: int) -> None:
        """Spool, identify and keep (or refuse) one file; depth = number of archives around it."""
        if not self.count_file(name):
            return
        remaining = self.limits.max_total_bytes - self.bytes_used
        if remaining <= 0:
            self.reject(name, RejectCode.TOTAL_TOO_LARGE)
            return
        try:
            head = _read_head(stream)
        except OSError as exc:
            self.reject(name, RejectCode.UNREADABLE, exc.strerror or error_detail(exc))
            return
        except RejectionError as exc:
            self.reject(name, exc.code, exc.detail)
            return
        try:
            if head and sniff(head) is None:  # refuse junk before copying a possibly huge file
                self.reject(name, RejectCode.UNSUPPORTED_TYPE, describe(head))
                return
            cap = self.limits.max_file_bytes
            with self.store.spool(_Prefixed(head, stream), cap) as spooled:  # type: ignore[arg-type]
                if spooled.size > remaining:
                    self.reject(name, RejectCode.TOTAL_TOO_LARGE)
                    return
                self.bytes_used += spooled.size
                self.take_spooled(name, spooled, depth)
        except FileTooLargeError:
            self.reject(name, RejectCode.FILE_TOO_LARGE, f"上限 {self.limits.max_file_bytes // 2**20} MB")
        except RejectionError as exc:  # raised while reading (zip members), before anything was kept
            self.reject(name, exc.code, exc.detail)

    def take_spooled(self, name: str, spooled: SpooledFile, depth: int) -> None:
        if spooled.size == 0:
            self.reject(name, RejectCode.EMPTY_FILE)
            return
        kind = sniff(spooled.head)
        if kind is None:
            self.reject(name, RejectCode.UNSUPPORTED_TYPE, describe(spooled.head))
            return
        if kind == "zip":
            self.take_archive(name, spooled, depth + 1)
            return
        first = self.first_by_sha.get(spooled.sha256)
        if first is not None:
            self.take_duplicate(name, first)
            return
        name = self.unique_name(name)
        try:
            page_count = self.validate(spooled.path, kind)
        except RejectionError as exc:
            self.first_by_sha[spooled.sha256] = self._reject(name, exc.code, exc.detail)
            return
        if self.pages_used + page_count > self.limits.max_pages_total:
            detail = (
                f"本文件 {page_count} 页，已接收 {self.pages_used} 页，上限 {self.limits.max_pages_total} 页"
            )
            self._reject(name, RejectCode.TOO_MANY_PAGES_TOTAL, detail)
            return  # not remembered by sha: it may fit in another call
        self.pages_used += page_count
        stored_path = self.store.commit(spooled, EXTENSIONS[kind])
        ingested = IngestedFile(
            name=name,
            sha256=spooled.sha256,
            kind=kind,
            size=spooled.size,
            page_count=page_count,
            stored_path=stored_path,
        )
        self.files.append(ingested)
        self.first_by_sha[spooled.sha256] = ingested

    def validate(self, path: Path, kind: str) -> int:
        try:
            if kind == "pdf":
                return validate_pdf(path, self.limits)
            return validate_image(path, kind, self.limits)
        except RejectionError:
            raise
        except Exception as exc:  # a decoder crashing on hostile input must not stop the other files
            log.exception("unexpected failure validating %s", kind)
            code = RejectCode.CORRUPT_PDF if kind == "pdf" else RejectCode.CORRUPT_IMAGE
            raise RejectionError(code, f"{type(exc).__name__}: {error_detail(exc)}") from exc

    def take_duplicate(self, name: str, first: IngestedFile | RejectedFile) -> None:
        name = self.unique_name(name)
        if isinstance(first, RejectedFile):
            code = RejectCode(first.code)
            self._reject(name, code, f"与「{first.file}」内容相同")
            return
        self.files.append(
            IngestedFile(
                name=name,
                sha256=first.sha256,
                kind=first.kind,
                size=first.size,
                page_count=first.page_count,
                stored_path=first.stored_path,
                duplicate_of=first.name,
            )
        )

    # -- archives ----------------------------------------------------------------------------------

    def take_archive(self, name: str, spooled: SpooledFile, depth: int) -> None:
        if depth > self.limits.max_zip_depth:
            self.reject(name, RejectCode.NESTED_ARCHIVE_TOO_DEEP, f"上限 {self.limits.max_zip_depth} 层")
            return
        try:  # members are read from the spool: the stored copy may be sealed at rest (storage/filestore.py)
            with spooled.path.open("rb") as fh:
                archive.check_directory_bounds(fh, spooled.size, self.limits)
                with zipfile.ZipFile(fh) as zf:
                    self.take_members(name, zf, spooled.size, depth)
        except RejectionError as exc:
            self.reject(name, exc.code, exc.detail)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
            self.reject(name, RejectCode.CORRUPT_ARCHIVE, error_detail(exc))
        finally:
            if depth == 1:  # kept, read or not, so nothing is lost; inner archives are inside this one
                stored = self.store.commit(spooled, EXTENSIONS["zip"])
                self.archives.append(StoredArchive(name, spooled.sha256, spooled.size, stored))

    def take_members(self, name: str, zf: zipfile.ZipFile, archive_size: int, depth: int) -> None:
        infos = zf.infolist()
        if len(infos) > self.limits.max_zip_entries:
            raise RejectionError(RejectCode.TOO_MANY_ENTRIES, f"共 {len(infos)} 项")
        budget = archive.ArchiveBudget(archive_size, self.limits)
        members = sorted(archive.entries(zf), key=lambda item: natural_key(item[1]))
        taken = 0
        for position, (info, member) in enumerate(members):
            parts = archive.safe_parts(member)
            if parts is None or archive.is_symlink(info):
                taken += 1
                self.reject(f"{name}/{member}", RejectCode.UNSAFE_PATH, member)
                continue
            if archive.is_junk(parts):
                continue
            display = f"{name}/{'/'.join(parts)}"
            taken += 1
            if budget.exhausted:
                left = len(members) - position
                self.reject(
                    name, RejectCode.ZIP_BOMB, f"解压总量超过 {budget.cap} 字节，其余 {left} 项未处理"
                )
                return
            try:
                archive.check_declared(info, self.limits)
                raw = archive.open_member(zf, info)
            except RejectionError as exc:
                if self.count_file(display):
                    self.reject(display, exc.code, exc.detail)
                continue
            with raw:
                reader = archive.BoundedMemberReader(raw, archive.entry_cap(info, self.limits), budget)
                self.take_stream(display, reader, depth)  # type: ignore[arg-type]  # read() is all spool needs
        if taken == 0:
            self.reject(name, RejectCode.EMPTY_ARCHIVE)

    # -- paths -------------------------------------------------------------------------------------

    def take_path(self, path: Path, display: str) -> None:
        try:
            st = path.stat()  # explicitly chosen paths are followed even when they are symlinks
        except FileNotFoundError:
            self.reject(display, RejectCode.NOT_FOUND)
            return
        except OSError as exc:
            self.reject(display, RejectCode.UNREADABLE, exc.strerror or "")
            return
        if stat.S_ISDIR(st.st_mode):
            self.take_folder(path)
            return
        self.take_regular_file(path, display, st)

    def take_regular_file(self, path: Path, display: str, st: os.stat_result) -> None:
        if not stat.S_ISREG(st.st_mode):  # a FIFO or device would block or never end
            if self.count_file(display):
                self.reject(display, RejectCode.UNSUPPORTED_TYPE, "不是普通文件")
            return
        try:
            fh = path.open("rb")
        except OSError as exc:
            if self.count_file(display):
                self.reject(display, RejectCode.UNREADABLE, exc.strerror or "")
            return
        with fh:
            self.take_stream(display, fh, depth=0)

    def take_folder(self, folder: Path) -> None:
        root = folder.resolve()
        for path, relative in walk_folder(root, exclude=self.store.root):
            display = "/".join(relative)
            if path.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(root):
                    if self.count_file(display):
                        self.reject(display, RejectCode.UNSAFE_PATH, "链接指向所选文件夹之外")
                    continue
                if target.is_dir():
                    continue  # its files are walked where they really live
            try:
                st = path.stat()
            except OSError as exc:
                if self.count_file(display):
                    self.reject(display, RejectCode.UNREADABLE, exc.strerror or "")
                continue
            self.take_regular_file(path, display, st)


def walk_folder(root: Path, exclude: Path | None = None) -> Iterator[tuple[Path, tuple[str, ...]]]:
    """Every non-hidden entry below root in natural order, a folder's files before its subfolders.

    Symlinked directories are listed (so the caller can refuse those pointing outside) but never entered.
    ``exclude`` (the store's own data dir, when it lies inside the folder) is never entered either.
    """
    for current, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(current)
        dirnames[:] = sorted(
            (d for d in dirnames if not d.startswith(".") and (here / d) != exclude), key=natural_key
        )
        base = here.relative_to(root).parts
        linked_dirs = [d for d in dirnames if (here / d).is_symlink()]
        dirnames[:] = [d for d in dirnames if d not in linked_dirs]
        for filename in sorted((f for f in filenames if not f.startswith(".")), key=natural_key):
            if filename.casefold() in archive.JUNK_NAMES:
                continue
            yield here / filename, (*base, filename)
        for linked in linked_dirs:
            yield here / linked, (*base, linked)


def ingest(paths: Sequence[Path], store: FileStore, limits: Limits = Limits()) -> IngestResult:  # noqa: B008
    """Files and folders from disk (CLI, watched folder). Folder members are named relative to the folder."""
    session = _Session(store, limits)
    for path in paths:
        path = Path(path)
        session.take_path(path, path.name or str(path))
    return session.result()


def ingest_uploads(
    uploads: Iterable[tuple[str, BinaryIO]],
    store: FileStore,
    limits: Limits = Limits(),  # noqa: B008
) -> IngestResult:
    """Several browser uploads as one dossier (shared limits and duplicate detection)."""
    session = _Session(store, limits)
    for name, stream in uploads:
        session.take_stream(display_basename(name), stream, depth=0)
    return session.result()


def ingest_upload(
    name: str,
    stream: BinaryIO,
    store: FileStore,
    limits: Limits = Limits(),  # noqa: B008
) -> IngestResult:
    """One browser upload (the stream is read once, never fully into memory)."""
    return ingest_uploads([(name, stream)], store, limits)
