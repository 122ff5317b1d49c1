"""Files on disk sealed with the data keys (storage/crypto.py): the page images under `pages/`, the filed
PDFs and copies of originals under `archive/` (storage/filing.py; the manifests stay clear), and — sealed by
storage/filestore.py as they are stored — the originals in `files/`.

A page image shows the bank account and ID number as printed, so it is written sealed (AES-GCM, the key id
in its header, atomically: temp file beside it, fsync, rename) and opened in memory where it is read — the
review UI's image route, filing, archive downloads and `dossier archive verify`. A file without the header
is a legacy clear one and reads as it is; rotation re-seals both kinds under the current key. An engine
without a ring writes clear files (bare tools and tests), as it writes clear values.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from storage.crypto import CLEAR, FILE_MAGIC, KEY_ID_CHARS, CryptoError, KeyRing, file_key_id

PAGES_DIR = "pages"
ARCHIVE_DIR = "archive"
FILES_DIR = "files"  # the file store: <sha[:2]>/<sha[2:4]>/<sha>.<ext>
MANIFEST_SUFFIX = "_清单.json"  # storage/filing.py: numbers, names and hashes only, kept clear


def write_file(path: Path, data: bytes, ring: KeyRing | None, mode: int = 0o600) -> None:
    """Write `data` sealed under the current key (clear without a ring), replacing `path` atomically."""
    blob = ring.seal_bytes(data) if ring is not None else data
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=".seal-")
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.chmod(mode)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def read_file(path: Path, ring: KeyRing | None) -> bytes:
    """The clear bytes of a sealed (or legacy clear) file."""
    blob = path.read_bytes()
    if ring is None:
        if blob.startswith(FILE_MAGIC):
            raise CryptoError(f"文件已加密，但没有数据密钥：{path.name}")
        return blob
    return ring.open_bytes(blob, name=path.name)


def key_of(path: Path) -> str:
    """The key id a file is sealed under (its header only), or CLEAR."""
    with path.open("rb") as fh:
        return file_key_id(fh.read(len(FILE_MAGIC) + KEY_ID_CHARS))


def sealed_paths(data_dir: Path) -> Iterator[Path]:
    """Every file that is sealed at rest: page images, filed PDFs and copies of originals, originals."""
    pages, archive, files = data_dir / PAGES_DIR, data_dir / ARCHIVE_DIR, data_dir / FILES_DIR
    candidates = [*pages.glob("*/*"), *archive.rglob("*"), *files.glob("??/??/*")]
    for path in sorted(candidates):
        if path.is_file() and not path.name.startswith(".") and not path.name.endswith(MANIFEST_SUFFIX):
            yield path


def key_counts(data_dir: Path) -> Counter[str]:
    """How many sealed files are under each key id (CLEAR: legacy clear files)."""
    counts: Counter[str] = Counter()
    for path in sealed_paths(data_dir):
        with contextlib.suppress(FileNotFoundError):  # erased meanwhile
            counts[key_of(path)] += 1
    return counts


def reseal(data_dir: Path, ring: KeyRing) -> int:
    """Re-seal every file not under the current key (its mode kept: filed files are read-only); returns how
    many were rewritten. Idempotent: files already under the current key are only looked at."""
    done = 0
    for path in sealed_paths(data_dir):
        try:
            if key_of(path) == ring.current_id:
                continue
            write_file(path, read_file(path, ring), ring, path.stat().st_mode & 0o777)
        except FileNotFoundError:
            continue
        done += 1
    return done


__all__ = ["CLEAR", "key_counts", "key_of", "read_file", "reseal", "sealed_paths", "write_file"]
