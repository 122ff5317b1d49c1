"""Content-addressed store of the originals customers sent (scans, PDFs, archives).

Every file is kept once, under its sha256: ``root/ab/cd/abcdef….<ext>``. Writes are atomic (a temporary
file in the same file system, fsync, ``os.replace``), so a crash never leaves a half-written original under a
real name, and readers never see partial files. The store only ever writes inside ``root``; every path it
computes is checked against that before use, because names derived from hostile input must never escape the
data dir.

It never decides what a file *is* (that is ``intake.files``); the caller passes the extension to use.

With a key ring (``ring``, set from the settings by intake.lifecycle.context) an original is sealed as it
is placed (storage/crypto.py: AES-GCM, the key id in a header; the spool it is checked in is deleted at
once): the scans and PDFs customers send carry their bank accounts and ID numbers. Its name stays the SHA-256
of the clear content; ``read``/``open``/``verify`` work on the clear content, and a legacy clear file reads as
it is. ``path`` is where the (sealed) file lies: for moving, deleting and backing up, not for reading.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from storage.crypto import CryptoError, KeyRing

CHUNK = 1 << 20
"""Copy/hash granularity: large enough to be fast, small enough to keep memory flat."""

HEAD_BYTES = 4096
"""How much of a spooled stream is kept in memory for content sniffing."""

_SHA_RE = re.compile(r"[0-9a-f]{64}")
_EXT_RE = re.compile(r"[a-z0-9]{1,8}")
_TMP_DIR = ".tmp"
_READ_ONLY = 0o444  # originals are evidence: nobody should edit them in place


class FileTooLargeError(ValueError):
    """The stream held more bytes than the caller allowed; nothing was stored."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"stream exceeds {max_bytes} bytes")
        self.max_bytes = max_bytes


class UnsafePathError(RuntimeError):
    """A computed path would have left the store root (a bug or an attack, never normal operation)."""


@dataclass(frozen=True, slots=True)
class SpooledFile:
    """A stream copied to a temporary file inside the store, hashed, not yet committed under its sha."""

    path: Path
    sha256: str
    size: int
    head: bytes


def _fsync_dir(directory: Path) -> None:
    """Make a rename durable: on POSIX the directory entry lives in the directory's own data."""
    with contextlib.suppress(OSError):  # some file systems (and Windows) cannot open directories
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _check_sha(sha: str) -> str:
    if not isinstance(sha, str) or not _SHA_RE.fullmatch(sha):
        raise ValueError(f"not a lowercase sha256 hex digest: {sha!r}")
    return sha


def _check_ext(ext: str) -> str:
    if not _EXT_RE.fullmatch(ext):
        raise ValueError(f"bad extension {ext!r}: use 1-8 lowercase letters/digits without a dot")
    return ext


class FileStore:
    """Originals by sha256 under one root directory."""

    def __init__(self, root: Path, ring: KeyRing | None = None) -> None:
        self.ring = ring
        root = Path(root)
        root.mkdir(parents=True, exist_ok=True)
        self.root = root.resolve()
        self._tmp = self._inside(self.root / _TMP_DIR)
        self._tmp.mkdir(exist_ok=True)

    # -- paths -------------------------------------------------------------------------------------

    def _inside(self, path: Path) -> Path:
        """Refuse any path that resolves outside root (e.g. a directory swapped for a symlink)."""
        resolved = path.resolve()
        if not resolved.is_relative_to(self.root):
            raise UnsafePathError(f"{path} resolves outside the store root {self.root}")
        return resolved

    def _dir_for(self, sha: str) -> Path:
        return self.root / sha[:2] / sha[2:4]

    def _find(self, sha: str) -> Path | None:
        # one scandir and a prefix test: a glob compiles a fresh pattern for every sha (a worker finds the
        # original of every page it reads)
        directory = self._dir_for(_check_sha(sha))
        prefix = f"{sha}."
        try:
            with os.scandir(directory) as entries:
                names = sorted(e.name for e in entries if e.name.startswith(prefix) and e.is_file())
        except (FileNotFoundError, NotADirectoryError):
            return None
        return self._inside(directory / names[0]) if names else None

    def path(self, sha: str) -> Path:
        """Where the original with this sha lives; FileNotFoundError if it was never stored."""
        found = self._find(sha)
        if found is None:
            raise FileNotFoundError(f"no stored file with sha256 {sha}")
        return found

    def exists(self, sha: str) -> bool:
        return self._find(sha) is not None

    def read(self, sha: str) -> bytes:
        """The original's clear content (opened in memory when sealed)."""
        return self.load(sha)[1]

    def load(self, sha: str) -> tuple[Path, bytes]:
        """Where the original lives and its clear content, found once (a worker reads every page's file: the
        look-up is a directory scan and a path resolution, not worth doing twice)."""
        found = self.path(sha)
        blob = found.read_bytes()
        return found, self.ring.open_bytes(blob, name=sha[:12]) if self.ring is not None else blob

    def open(self, sha: str) -> BinaryIO:
        return io.BytesIO(self.read(sha))

    def verify(self, sha: str) -> bool:
        """Re-hash the stored content: False when the file is missing or was altered after storing."""
        found = self._find(sha)
        if found is None:
            return False
        if self.ring is not None:
            try:
                return hashlib.sha256(self.read(sha)).hexdigest() == sha
            except CryptoError:  # a sealed file altered on disk no longer opens
                return False
        digest = hashlib.sha256()
        with found.open("rb") as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
        return digest.hexdigest() == sha

    def shas(self) -> Iterator[str]:
        """Every sha held, for a sanity-check sweep (missing/altered originals)."""
        for candidate in sorted(self.root.glob("??/??/*.*")):
            sha = candidate.name.split(".", 1)[0]
            if _SHA_RE.fullmatch(sha) and candidate.is_file():
                yield sha

    # -- writing -----------------------------------------------------------------------------------

    def _place(self, tmp_path: Path, sha: str, ext: str, *, sealed: bool = False) -> Path:
        """Move a finished temp file under its sha (or drop it when the content is already stored)."""
        existing = self._find(sha)
        if existing is not None:
            tmp_path.unlink(missing_ok=True)
            return existing
        directory = self._inside(self._dir_for(sha))
        directory.mkdir(parents=True, exist_ok=True)
        final = self._inside(directory / f"{sha}.{_check_ext(ext)}")
        if self.ring is not None and not sealed:
            self._seal_in_place(tmp_path)
        tmp_path.chmod(_READ_ONLY)
        tmp_path.replace(final)
        _fsync_dir(directory)
        return final

    def _seal_in_place(self, tmp_path: Path) -> None:
        assert self.ring is not None
        sealed = self.ring.seal_bytes(tmp_path.read_bytes())
        with tmp_path.open("wb") as fh:
            fh.write(sealed)
            fh.flush()
            os.fsync(fh.fileno())

    def put_bytes(self, data: bytes, ext: str = "bin") -> str:
        sha = hashlib.sha256(data).hexdigest()
        if self.exists(sha):
            return sha
        _check_ext(ext)
        directory = self._inside(self._dir_for(sha))
        directory.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=directory, prefix=".tmp-")
        tmp_path = Path(name)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(self.ring.seal_bytes(data) if self.ring is not None else data)
                fh.flush()
                os.fsync(fh.fileno())
            self._place(tmp_path, sha, ext, sealed=True)
        except BaseException:
            tmp_path.unlink(missing_ok=True)
            raise
        return sha

    def put_stream(self, fileobj: BinaryIO, max_bytes: int, ext: str = "bin") -> str:
        """Store a stream of unknown length; FileTooLargeError (and nothing stored) past max_bytes."""
        with self.spool(fileobj, max_bytes) as spooled:
            self.commit(spooled, ext)
            return spooled.sha256

    @contextlib.contextmanager
    def spool(self, fileobj: BinaryIO, max_bytes: int) -> Iterator[SpooledFile]:
        """Copy a stream to a temp file in the store, hashing as it goes, so it can be checked before commit.

        Memory stays at one chunk whatever the stream's size. The temp file is deleted on exit unless
        ``commit`` moved it into place; rejected uploads therefore leave nothing behind.
        """
        fd, name = tempfile.mkstemp(dir=self._tmp, prefix="spool-")
        tmp_path = self._inside(Path(name))
        try:
            digest = hashlib.sha256()
            size = 0
            head = b""
            with os.fdopen(fd, "wb") as out:
                while chunk := fileobj.read(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise FileTooLargeError(max_bytes)
                    if len(head) < HEAD_BYTES:
                        head += chunk[: HEAD_BYTES - len(head)]
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            yield SpooledFile(path=tmp_path, sha256=digest.hexdigest(), size=size, head=head)
        finally:
            tmp_path.unlink(missing_ok=True)

    def discard_stale_spools(self, older_than_seconds: float = 24 * 3600) -> int:
        """Remove temp files a crashed process left behind; returns how many. Safe while others write."""
        cutoff = time.time() - older_than_seconds
        removed = 0
        stale = [*self._tmp.glob("spool-*"), *self.root.glob("??/??/.tmp-*")]
        for candidate in stale:
            with contextlib.suppress(FileNotFoundError):
                if candidate.stat().st_mtime < cutoff:
                    candidate.unlink()
                    removed += 1
        return removed

    def commit(self, spooled: SpooledFile, ext: str = "bin") -> Path:
        """Keep a spooled file under its sha; returns the stored path (idempotent for identical content)."""
        if spooled.path.exists():
            return self._place(spooled.path, spooled.sha256, ext)
        return self.path(spooled.sha256)
