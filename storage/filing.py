"""Filing an archived document (002): its files under the data dir and its archive record.

Files: `<data_dir>/archive/<客户编号>/<YYYY-Qn>/<客户编号>_<文件类型>_<YYYY-MM-DD>.pdf`
(storage.filing_pdf), beside it a folder `…_原件/` with the untouched originals under their display names and
`…_清单.json`, the manifest (file names, SHA-256, sizes, the PDF's SHA-256, the archive numbers). Nothing is
ever overwritten: when the name is taken (the same document archived again on the same day), the filing
becomes version 2 (`…_v2.pdf`, `…_v2_原件/`, `…_v2_清单.json`), and so on. A version is claimed atomically by
hard-linking the finished PDF under its name (fails if the name exists), so concurrent filings never share
one. Every path is resolved and
checked to lie inside the data dir before anything is written; filed files are made read-only.

Order (the caller's): the files are written before the archive rows of the approval's transaction, so a
failed commit leaves at most an unreferenced version on disk, never a row naming a missing file.

Rows: one ArchiveDocument per filed document, under the dossier-level ArchiveRecord (numbered by
storage.review.add_archive_record: GD + YYYYMMDD + a daily sequence of its own).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.contract_json import pages_in_order
from storage.crypto import CryptoError, KeyRing
from storage.filestore import CHUNK, UnsafePathError
from storage.filing_pdf import PdfPage, write_pdf
from storage.models import ArchiveDocument, ArchiveRecord, PageStatus
from storage.repository import audit, documents_of
from storage.sealed_files import read_file

ARCHIVE_DIR = "archive"
MAX_VERSIONS = 999
NAME_CHARS = 60  # a file name part: 60 CJK characters are 180 bytes of UTF-8, under the usual 255-byte limit
_CUSTOMER_NO = re.compile(r"[A-Z0-9]{1,16}")
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_READ_ONLY = 0o444


class FilingError(RuntimeError):
    """Filing cannot be done as the standard requires; the message (Chinese) is shown to the reviewer."""


# ------------------------------------------------------------------------------------------------ names


def safe_name(text: str, *, fallback: str = "文件") -> str:
    """A file-name part from any text: path separators and characters Windows refuses become "_", no leading
    dots (hidden files, "..") and at most NAME_CHARS characters (the suffix kept)."""
    cleaned = _UNSAFE.sub("_", text).strip().lstrip(".").strip()
    if len(cleaned) > NAME_CHARS:
        stem, dot, suffix = cleaned.rpartition(".")
        if dot and 0 < len(suffix) <= 8:
            cleaned = stem[: NAME_CHARS - len(suffix) - 1] + "." + suffix
        else:
            cleaned = cleaned[:NAME_CHARS]
    return cleaned or fallback


def quarter(on: date) -> str:
    """YYYY-Qn of a date (002: electronic files by customer and year-quarter)."""
    return f"{on.year}-Q{(on.month - 1) // 3 + 1}"


def archive_folder(customer_no: str, on: date) -> Path:
    """The folder of a customer's filings of one quarter, relative to the data dir."""
    if not _CUSTOMER_NO.fullmatch(customer_no):
        raise FilingError(f"客户编号格式不正确，无法归档：{customer_no!r}")
    return Path(ARCHIVE_DIR) / customer_no / quarter(on)


def document_stem(customer_no: str, type_name: str, on: date) -> str:
    """客户编号_文件类型_日期 (002), without version or extension."""
    return f"{customer_no}_{safe_name(type_name)}_{on.isoformat()}"


def _versioned(stem: str, version: int) -> str:
    return stem if version == 1 else f"{stem}_v{version}"


def _inside(data_dir: Path, path: Path) -> Path:
    root = data_dir.resolve()
    resolved = (root / path).resolve()
    if not resolved.is_relative_to(root):
        raise UnsafePathError(f"{path} resolves outside the data dir {root}")
    return resolved


# ------------------------------------------------------------------------------------------------ files


@dataclass(frozen=True, slots=True)
class Original:
    """An original the customer sent, as the file store keeps it."""

    display_name: str  # e.g. "docs.zip/营业执照.jpg"
    sha256: str
    path: Path  # in the file store
    content: bytes | None = None  # its clear bytes when the store seals it at rest (storage/filestore.py)


@dataclass(frozen=True, slots=True)
class FiledDocument:
    """What was written for one document; paths relative to the data dir."""

    pdf_path: str
    pdf_sha256: str
    pdf_size: int
    version: int
    page_count: int
    manifest_path: str
    originals: list[dict[str, Any]] = field(default_factory=list)  # name, path, sha256, size, display_name


def sha256_of(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _temporary(folder: Path, suffix: str) -> Iterator[Path]:
    fd, name = tempfile.mkstemp(dir=folder, prefix=".filing-", suffix=suffix)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
    finally:
        tmp.unlink(missing_ok=True)


def _place(tmp: Path, final: Path) -> bool:
    """Give the finished temp file its final name unless that name exists (atomic); True when placed."""
    try:
        os.link(tmp, final)
    except FileExistsError:
        return False
    final.chmod(_READ_ONLY)
    return True


def write_document(
    data_dir: Path,
    *,
    customer_no: str,
    type_name: str,
    on: date,
    pages: Sequence[PdfPage],
    originals: Sequence[Original],
    manifest: dict[str, Any],
    ring: KeyRing | None = None,
) -> FiledDocument:
    """File one document: the PDF (next free version), its originals (SHA-256 verified) and the manifest.

    `manifest` holds what the caller knows (archive numbers, document type, pages); the file facts are added.
    With a `ring` the PDF and the copies of the originals are sealed on disk (storage/sealed_files.py: they
    show level-1 values); their SHA-256 and size are of the clear content, so verification and the manifest
    do not change when the key does. The manifest (numbers, names, hashes) stays clear.
    """
    folder_rel = archive_folder(customer_no, on)
    folder = _inside(data_dir, folder_rel)
    folder.mkdir(parents=True, exist_ok=True)
    stem = document_stem(customer_no, type_name, on)
    with _temporary(folder, ".pdf") as tmp:
        buffer = io.BytesIO()
        page_count = write_pdf(buffer, pages, title=stem, subject=str(manifest.get("archive_no", "")))
        clear = buffer.getvalue()
        pdf_sha, pdf_size = hashlib.sha256(clear).hexdigest(), len(clear)
        _write_sealed(tmp, clear, ring)
        version = _claim_version(folder, stem, tmp)
    name = _versioned(stem, version)
    _fsync_dir(folder)
    copies = _copy_originals(data_dir, folder_rel / f"{name}_原件", originals, ring)
    manifest_rel = folder_rel / f"{name}_清单.json"
    body = {
        **manifest,
        "customer_no": customer_no,
        "archived_on": on.isoformat(),
        "version": version,
        "pdf": {"name": f"{name}.pdf", "sha256": pdf_sha, "size": pdf_size, "pages": page_count},
        "originals": copies,
    }
    _write_new(_inside(data_dir, manifest_rel), json.dumps(body, ensure_ascii=False, indent=2).encode())
    return FiledDocument(
        pdf_path=(folder_rel / f"{name}.pdf").as_posix(),
        pdf_sha256=pdf_sha,
        pdf_size=pdf_size,
        version=version,
        page_count=page_count,
        manifest_path=manifest_rel.as_posix(),
        originals=copies,
    )


def _claim_version(folder: Path, stem: str, tmp: Path) -> int:
    for version in range(1, MAX_VERSIONS + 1):
        if _place(tmp, folder / f"{_versioned(stem, version)}.pdf"):
            return version
    raise FilingError(f"{stem} 已有 {MAX_VERSIONS} 个版本，无法再次归档")


def _write_new(target: Path, data: bytes) -> None:
    with _temporary(target.parent, target.suffix) as tmp:
        with tmp.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if not _place(tmp, target):
            raise FilingError(f"归档文件已存在，不会覆盖：{target.name}")


def _write_sealed(tmp: Path, clear: bytes, ring: KeyRing | None) -> None:
    with tmp.open("wb") as fh:
        fh.write(ring.seal_bytes(clear) if ring is not None else clear)
        fh.flush()
        os.fsync(fh.fileno())


def _copy_originals(
    data_dir: Path, folder_rel: Path, originals: Sequence[Original], ring: KeyRing | None = None
) -> list[dict[str, Any]]:
    """Copy each original under its display name into a new folder (sealed with a `ring`); re-hash every
    copy, as written and read back, against its SHA-256."""
    folder = _inside(data_dir, folder_rel)
    try:
        folder.mkdir(parents=True)  # a new version's folder: never exists (the version was just claimed)
    except FileExistsError:
        raise FilingError(f"原件目录已存在，不会覆盖：{folder_rel.as_posix()}") from None
    taken: set[str] = set()
    copies = []
    for original in originals:
        name = _unique(safe_name(original.display_name), taken)
        target = _inside(data_dir, folder_rel / name)
        with _temporary(folder, ".part") as tmp:
            if ring is None and original.content is None:
                with original.path.open("rb") as src, tmp.open("wb") as dst:
                    shutil.copyfileobj(src, dst, CHUNK)
                    dst.flush()
                    os.fsync(dst.fileno())
                sha, size = sha256_of(tmp)
            else:  # from memory: the clear content (the store may seal it), written sealed with a ring
                clear = original.content if original.content is not None else original.path.read_bytes()
                _write_sealed(tmp, clear, ring)
                clear = read_file(tmp, ring)
                sha, size = hashlib.sha256(clear).hexdigest(), len(clear)
            if sha != original.sha256:
                raise FilingError(f"原件校验失败（SHA-256 不符）：{original.display_name}")
            if not _place(tmp, target):
                raise FilingError(f"原件已存在，不会覆盖：{name}")
        copies.append(
            {
                "name": name,
                "display_name": original.display_name,
                "path": (folder_rel / name).as_posix(),
                "sha256": sha,
                "size": size,
            }
        )
    _fsync_dir(folder)
    return copies


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        stem, dot, suffix = name.rpartition(".")
        candidate = f"{stem}({n}).{suffix}" if dot else f"{name}({n})"
    taken.add(candidate)
    return candidate


def filed_path(data_dir: Path, relative: str) -> Path | None:
    """The absolute path of a filed file named by a row, if it is inside the archive folder and exists."""
    try:
        path = _inside(data_dir, Path(relative))
    except UnsafePathError:
        return None
    archive = (data_dir.resolve() / ARCHIVE_DIR).resolve()
    return path if path.is_relative_to(archive) and path.is_file() else None


# ---------------------------------------------------------------------------------------------- sources


@dataclass(frozen=True, slots=True)
class SourcePage:
    page_id: int
    page_no: int
    lines: list[Any]  # [{"text", "bbox", "confidence"}]
    fields: list[dict[str, Any]]  # [{"name", "value", "bbox", "raw", "corrected"}]


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """One document of the dossier (cut as storage.repository.documents_of cuts it), its file and pages."""

    doc_type: str
    file_name: str
    file_sha256: str | None
    file_kind: str | None
    file_size: int
    file_page_count: int
    pages: list[SourcePage]


def filing_sources(s: Session, dossier_id: str) -> list[SourceDocument]:
    """The dossier's documents with what filing needs: the file, and each page's lines and reviewed fields."""
    rows = {
        (f.name, page.page_no): (f, page)
        for f, page in pages_in_order(s, dossier_id)
        if page.status == PageStatus.DONE
    }
    sources = []
    for doc in documents_of(s, dossier_id):
        pairs = [rows[(doc.file, page_no)] for page_no in doc.pages]
        f = pairs[0][0]
        pages = [
            SourcePage(
                page_id=page.id,
                page_no=page.page_no,
                lines=list(page.lines or []),
                fields=[
                    {
                        "name": row.name,
                        "value": row.value,
                        "bbox": row.bbox,
                        "raw": row.raw,
                        "corrected": row.corrected,
                    }
                    for row in page.fields
                ],
            )
            for _f, page in pairs
        ]
        sources.append(
            SourceDocument(
                doc_type=str(doc.doc_type),
                file_name=f.name,
                file_sha256=f.sha256,
                file_kind=f.kind,
                file_size=f.size or 0,
                file_page_count=f.page_count or 0,
                pages=pages,
            )
        )
    return sources


# ------------------------------------------------------------------------------------------------- rows


def add_archive_document(
    s: Session,
    record: ArchiveRecord,
    *,
    archive_no: str,
    on: date,
    doc_type: str,
    doc_category: str,
    copies: int,
    filed: FiledDocument,
    pages: list[dict[str, Any]],
) -> ArchiveDocument:
    row = ArchiveDocument(
        archive_no=archive_no,
        record_id=record.id,
        dossier_id=record.dossier_id,
        customer_no=record.customer_no,
        archived_on=on,
        doc_type=doc_type,
        doc_category=doc_category,
        copies=copies,
        location=record.location,
        handler=record.handler,
        reviewer=record.reviewer or "",
        pdf_path=filed.pdf_path,
        pdf_sha256=filed.pdf_sha256,
        version=filed.version,
        pages=pages,
        originals=filed.originals,
        manifest_path=filed.manifest_path,
    )
    s.add(row)
    s.flush()
    audit(
        s, row.reviewer, "archive.document_filed", dossier_id=record.dossier_id,
        entity=f"archive:{archive_no}",
        after={"archive_no": archive_no, "pdf_path": filed.pdf_path, "pdf_sha256": filed.pdf_sha256,
               "version": filed.version},
    )  # fmt: skip
    return row


# ---------------------------------------------------------------------------------------------- queries


def customer_documents(s: Session, customer_no: str) -> list[dict[str, Any]]:
    """A customer's archived documents, newest first (archive number order within a day)."""
    query = (
        select(ArchiveDocument)
        .where(ArchiveDocument.customer_no == customer_no)
        .order_by(ArchiveDocument.archived_on.desc(), ArchiveDocument.archive_no)
    )
    return [_document_row(row) for row in s.scalars(query)]


MAX_ID = 2**31 - 1  # ids are INTEGER: a larger number from a URL must not reach the database (overflow)


def customer_document(s: Session, customer_no: str, document_id: int) -> dict[str, Any] | None:
    if not 0 < document_id <= MAX_ID:
        return None
    row = s.get(ArchiveDocument, document_id)
    if row is None or row.customer_no != customer_no:
        return None
    return _document_row(row)


def dossier_documents(s: Session, dossier_id: str) -> list[dict[str, Any]]:
    query = select(ArchiveDocument).where(ArchiveDocument.dossier_id == dossier_id)
    return [_document_row(row) for row in s.scalars(query.order_by(ArchiveDocument.archive_no))]


def _document_row(row: ArchiveDocument) -> dict[str, Any]:
    return {
        "id": row.id,
        "archive_no": row.archive_no,
        "dossier_id": row.dossier_id,
        "customer_no": row.customer_no,
        "archived_on": row.archived_on,
        "doc_type": row.doc_type,
        "doc_category": row.doc_category,
        "copies": row.copies,
        "location": row.location,
        "handler": row.handler,
        "reviewer": row.reviewer,
        "pdf_path": row.pdf_path,
        "pdf_name": Path(row.pdf_path).name,
        "pdf_sha256": row.pdf_sha256,
        "version": row.version,
        "pages": list(row.pages),
        "originals": list(row.originals),
        "manifest_path": row.manifest_path,
    }


def all_documents(s: Session, batch: int = 200) -> Iterator[dict[str, Any]]:
    """Every archived document, oldest first, in batches: memory stays flat however large the archive."""
    query = select(ArchiveDocument).order_by(ArchiveDocument.id).execution_options(yield_per=batch)
    for row in s.scalars(query):
        yield _document_row(row)


def clear_sha256(path: Path, ring: KeyRing | None) -> str:
    """The SHA-256 of a filed file's clear content (opened with the ring when it is sealed)."""
    if ring is None:
        return sha256_of(path)[0]
    return hashlib.sha256(read_file(path, ring)).hexdigest()


def _clear_sha_or_none(path: Path, ring: KeyRing | None) -> str | None:
    try:
        return clear_sha256(path, ring)
    except CryptoError:  # a sealed file altered on disk no longer opens: it is damaged
        return None


def check_filed(data_dir: Path, row: dict[str, Any], ring: KeyRing | None = None) -> list[str]:
    """What is wrong with one archived document's files (empty: all present and unaltered), in Chinese.

    The PDF and each original are re-hashed (their clear content, when sealed) against the SHA-256 the
    record holds; the manifest must name the same PDF hash and archive number.
    """
    problems = []
    expected = [(row["pdf_path"], row["pdf_sha256"])] + [(o["path"], o["sha256"]) for o in row["originals"]]
    for relative, sha in expected:
        path = filed_path(data_dir, relative)
        if path is None:
            problems.append(f"{row['archive_no']}：文件缺失 {relative}")
        elif _clear_sha_or_none(path, ring) != sha:
            problems.append(f"{row['archive_no']}：文件已被改动（SHA-256 不符）{relative}")
    manifest = filed_path(data_dir, row["manifest_path"])
    if manifest is None:
        problems.append(f"{row['archive_no']}：清单缺失 {row['manifest_path']}")
        return problems
    try:
        body = json.loads(manifest.read_text(encoding="utf-8"))
        agrees = body["archive_no"] == row["archive_no"] and body["pdf"]["sha256"] == row["pdf_sha256"]
    except (ValueError, KeyError, TypeError):
        agrees = False
    if not agrees:
        problems.append(f"{row['archive_no']}：清单与归档记录不符 {row['manifest_path']}")
    return problems
