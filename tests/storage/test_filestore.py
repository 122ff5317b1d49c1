"""The content-addressed store: one copy per content, atomic writes, bounded streams, tamper detection."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from storage.filestore import FileStore, FileTooLargeError, UnsafePathError


@pytest.fixture
def store(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "data")


def test_put_bytes_stores_under_sha_with_two_level_fanout(store: FileStore) -> None:
    data = b"%PDF-1.4 customer dossier"
    sha = store.put_bytes(data, ext="pdf")

    assert sha == hashlib.sha256(data).hexdigest()
    path = store.path(sha)
    assert path == store.root / sha[:2] / sha[2:4] / f"{sha}.pdf"
    assert path.read_bytes() == data
    assert store.exists(sha)
    with store.open(sha) as fh:
        assert fh.read() == data


def test_identical_content_is_stored_once(store: FileStore) -> None:
    first = store.put_bytes(b"same bytes", ext="jpg")
    second = store.put_stream(io.BytesIO(b"same bytes"), max_bytes=100, ext="jpg")

    assert first == second
    assert len(list(store.root.glob("??/??/*"))) == 1
    assert list(store.shas()) == [first]


def test_put_stream_hashes_while_copying_large_streams(store: FileStore) -> None:
    data = bytes(range(256)) * 20_000  # ~5 MB: several copy chunks
    sha = store.put_stream(io.BytesIO(data), max_bytes=len(data), ext="bin")

    assert sha == hashlib.sha256(data).hexdigest()
    assert store.path(sha).stat().st_size == len(data)


def test_put_stream_over_limit_stores_nothing(store: FileStore) -> None:
    with pytest.raises(FileTooLargeError):
        store.put_stream(io.BytesIO(b"x" * 1001), max_bytes=1000)

    assert list(store.shas()) == []
    assert list((store.root / ".tmp").iterdir()) == []  # the spooled copy is gone too


def test_uncommitted_spool_leaves_no_trace(store: FileStore) -> None:
    with store.spool(io.BytesIO(b"rejected upload"), max_bytes=100) as spooled:
        assert spooled.path.read_bytes() == b"rejected upload"
        assert spooled.head == b"rejected upload"
        assert spooled.path.is_relative_to(store.root)

    assert not spooled.path.exists()
    assert not store.exists(spooled.sha256)


def test_committed_spool_is_stored_read_only(store: FileStore) -> None:
    with store.spool(io.BytesIO(b"accepted scan"), max_bytes=100) as spooled:
        stored = store.commit(spooled, "png")

    assert stored.read_bytes() == b"accepted scan"
    assert stored.suffix == ".png"
    assert stored.stat().st_mode & 0o222 == 0


def test_verify_detects_altered_and_missing_files(store: FileStore) -> None:
    sha = store.put_bytes(b"original evidence", ext="jpg")
    assert store.verify(sha)

    path = store.path(sha)
    path.chmod(0o644)
    path.write_bytes(b"tampered evidence")
    assert not store.verify(sha)

    path.unlink()
    assert not store.verify(sha)
    assert not store.exists(sha)
    with pytest.raises(FileNotFoundError):
        store.path(sha)


@pytest.mark.parametrize("bad", ["../../etc/passwd", "ABC", "a" * 63, "g" * 64, "A" * 64, ""])
def test_rejects_anything_but_a_sha_as_key(store: FileStore, bad: str) -> None:
    with pytest.raises(ValueError):
        store.path(bad)


@pytest.mark.parametrize("bad_ext", ["", "../x", "p/df", ".pdf", "PDF", "toolongext"])
def test_rejects_unsafe_extensions(store: FileStore, bad_ext: str) -> None:
    with pytest.raises(ValueError):
        store.put_bytes(b"data", ext=bad_ext)
    assert list(store.shas()) == []


def test_refuses_to_write_through_a_symlink_leaving_the_root(store: FileStore, tmp_path: Path) -> None:
    data = b"goes nowhere"
    sha = hashlib.sha256(data).hexdigest()
    outside = tmp_path / "outside"
    outside.mkdir()
    (store.root / sha[:2]).symlink_to(outside, target_is_directory=True)

    with pytest.raises(UnsafePathError):
        store.put_bytes(data, ext="bin")
    assert list(outside.rglob("*")) == []


def test_no_temporary_files_remain_after_writes(store: FileStore) -> None:
    store.put_bytes(b"one", ext="bin")
    store.put_stream(io.BytesIO(b"two"), max_bytes=10, ext="bin")

    leftovers = [p for p in store.root.rglob("*") if p.is_file() and p.name.startswith((".tmp", "spool-"))]
    assert leftovers == []


def test_stale_spools_from_crashed_processes_are_discarded(store: FileStore) -> None:
    import os
    import time

    stale = store.root / ".tmp" / "spool-crashed"
    stale.write_bytes(b"half an upload")
    old = time.time() - 3 * 24 * 3600
    os.utime(stale, (old, old))
    fresh = store.root / ".tmp" / "spool-in-progress"
    fresh.write_bytes(b"being written now")
    kept = store.put_bytes(b"kept", ext="bin")

    assert store.discard_stale_spools(older_than_seconds=24 * 3600) == 1
    assert not stale.exists() and fresh.exists()
    assert store.verify(kept)
