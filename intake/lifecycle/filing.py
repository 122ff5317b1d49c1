"""Filing an approved dossier (002): the dossier's archive record, then each document filed as a PDF with its
originals and an archive record of its own.

Called by intake.lifecycle.review.approve inside the approval's transaction, after the customer number is
known. Files are written first (storage.filing: versioned, never overwritten), the per-document rows after,
so a failed commit leaves only an unreferenced file version, never a row naming a missing file.

资料类型 of a document (002 names three: 合同/资质/记录): the two contracts are 合同; the certificates and
the documents that prove identity or an account (licence, tax registration, bank permit, passbook, seal
card, consignee's ID copy) are 资质; what the company itself records about the customer (the onboarding
application form, the POS binding application, and anything unrecognised) is 记录. 归档份数 per document is
the standard's paper-copy count of its type (domain.md: the contracts 3, the rest 1); the reviewer's count of
paper copies received stays on the dossier-level record.

The text layer of each page is our own OCR's lines, with the reviewed field values in place of the raw
reading where a reviewer corrected them, so that a search in the PDF finds what was archived.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PIL import Image
from sqlalchemy.orm import Session

from intake import vocabulary
from intake.files import IngestedFile, page_image
from intake.lifecycle import customers
from intake.lifecycle.context import Context, data_ring
from intake.lifecycle.reading import RENDER_DPI, page_image_path
from storage import customers as customer_store
from storage import filing as store
from storage import review, sealed_files
from storage.filing import FilingError, Original, SourceDocument, SourcePage
from storage.filing_pdf import PdfPage, Word
from storage.models import ArchiveDocument, ArchiveRecord, Role
from storage.personal_data import erased_document_ids

__all__ = [
    "CATEGORIES",
    "PAPER_COPIES",
    "ArchiveCheck",
    "Download",
    "Filed",
    "FilingError",
    "customer_documents",
    "download",
    "file_dossier",
    "text_layer",
    "verify_archive",
]

CONTRACT, QUALIFICATION, RECORD = "合同", "资质", "记录"
ELECTRONIC = "电子"
CATEGORIES: dict[str, str] = {
    "distribution_contract": CONTRACT,
    "logistics_contract": CONTRACT,
    "business_license": QUALIFICATION,
    "tax_registration": QUALIFICATION,
    "bank_permit": QUALIFICATION,
    "passbook": QUALIFICATION,
    "seal_card": QUALIFICATION,
    "consignee_id": QUALIFICATION,
    "application_form": RECORD,
    "pos_binding": RECORD,
    "unknown": RECORD,
}
PAPER_COPIES: dict[str, int] = {"distribution_contract": 3, "logistics_contract": 3}  # the rest: 1
OVERLAP = 0.5  # a line lies under a field's box when this share of the line's area is inside it


@dataclass(frozen=True, slots=True)
class Filed:
    archive_no: str  # the dossier's
    documents: list[str]  # the documents' archive numbers, in dossier order


def category_of(doc_type: str) -> str:
    return CATEGORIES.get(doc_type, RECORD)


def copies_of(doc_type: str) -> int:
    return PAPER_COPIES.get(doc_type, 1)


def file_dossier(
    ctx: Context, s: Session, dossier_id: str, *, customer_no: str, on: date, copies: int, reviewer: str
) -> Filed:
    """Number the dossier's archive record and file every document; FilingError when that is impossible."""
    record = review.add_archive_record(
        s,
        dossier_id,
        on=on,
        customer_no=customer_no,
        doc_category=QUALIFICATION,  # the dossier as a whole is qualification material
        copies=copies,
        location=ELECTRONIC,
        handler=review.handler_of(s, dossier_id),
        reviewer=reviewer,
    )
    sources = store.filing_sources(s, dossier_id)
    if not sources:
        raise FilingError("没有已读取的页面，无法归档")
    for source in sources:  # refuse before writing anything rather than leave a half-filed dossier behind
        _original(ctx, source)
    numbers: list[str] = []
    seen: Counter[str] = Counter()
    for n, source in enumerate(sources, 1):
        seen[source.doc_type] += 1
        archive_no = f"{record.archive_no}-{n:02d}"
        row = _file_document(ctx, s, record, source, archive_no, seen[source.doc_type], on)
        numbers.append(row.archive_no)
    return Filed(record.archive_no, numbers)


def _file_document(
    ctx: Context,
    s: Session,
    record: ArchiveRecord,
    source: SourceDocument,
    archive_no: str,
    nth_of_type: int,
    on: date,
) -> ArchiveDocument:
    type_name = vocabulary.doc_name(source.doc_type)
    if nth_of_type > 1:  # a second licence (front and back sent as two files): its own name, not a version
        type_name = f"{type_name}-{nth_of_type}"
    pages = [
        PdfPage(_page_image(ctx, record.dossier_id, source, page), text_layer(page)) for page in source.pages
    ]
    page_refs = [{"file": source.file_name, "page_no": p.page_no, "page_id": p.page_id} for p in source.pages]
    filed = store.write_document(
        ctx.settings.data_dir,
        customer_no=record.customer_no,
        type_name=type_name,
        on=on,
        pages=pages,
        originals=[_original(ctx, source)],
        manifest={
            "archive_no": archive_no,
            "dossier_archive_no": record.archive_no,
            "doc_type": source.doc_type,
            "doc_type_name": vocabulary.doc_name(source.doc_type),
            "doc_category": category_of(source.doc_type),
            "copies": copies_of(source.doc_type),
            "pages": page_refs,
        },
        ring=data_ring(ctx),
    )
    return store.add_archive_document(
        s,
        record,
        archive_no=archive_no,
        on=on,
        doc_type=source.doc_type,
        doc_category=category_of(source.doc_type),
        copies=copies_of(source.doc_type),
        filed=filed,
        pages=page_refs,
    )


def _original(ctx: Context, source: SourceDocument) -> Original:
    sha = source.file_sha256 or ""
    try:
        path = ctx.store.path(sha)
        content = ctx.store.read(sha)  # sealed at rest: opened in memory
    except (FileNotFoundError, ValueError):
        raise FilingError(f"原件缺失，无法归档：{source.file_name}") from None
    return Original(display_name=source.file_name, sha256=sha, path=path, content=content)


def _page_image(ctx: Context, dossier_id: str, source: SourceDocument, page: SourcePage) -> bytes:
    """The upright image the reviewer saw (opened in memory: it is sealed on disk); drawn again from the
    original if it is gone (as reading does)."""
    target = page_image_path(ctx.settings, dossier_id, page.page_id)
    if target.is_file():
        return sealed_files.read_file(target, data_ring(ctx))
    original = _original(ctx, source)
    ingested = IngestedFile(
        name=source.file_name,
        sha256=original.sha256,
        kind=source.file_kind or "",
        size=source.file_size,
        page_count=source.file_page_count,
        stored_path=original.path,
        content=original.content,
    )
    try:
        image: Image.Image = page_image(ingested, page.page_no, dpi=RENDER_DPI, limits=ctx.limits)
    except Exception as exc:  # a page that cannot be drawn again cannot be filed: say which
        raise FilingError(f"无法生成页面图像：{source.file_name} 第 {page.page_no} 页（{exc}）") from exc
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=85)
    sealed_files.write_file(target, buffer.getvalue(), data_ring(ctx))
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------ the text layer


def _box(value: Any) -> tuple[float, float, float, float] | None:
    if not isinstance(value, list | tuple) or len(value) != 4:
        return None
    try:
        x0, y0, x1, y1 = (float(v) for v in value)
    except (TypeError, ValueError):
        return None
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def _inside_share(line: tuple[float, float, float, float], box: tuple[float, float, float, float]) -> float:
    w = min(line[2], box[2]) - max(line[0], box[0])
    h = min(line[3], box[3]) - max(line[1], box[1])
    area = (line[2] - line[0]) * (line[3] - line[1])
    return (w * h) / area if w > 0 and h > 0 and area > 0 else 0.0


def _overlaps(line: tuple[float, float, float, float], box: tuple[float, float, float, float]) -> bool:
    return min(line[2], box[2]) > max(line[0], box[0]) and min(line[3], box[3]) > max(line[1], box[1])


def text_layer(page: SourcePage) -> list[Word]:
    """The page's words for the invisible text layer: the OCR lines, with reviewed values where corrected.

    A corrected field's raw reading is replaced in the lines that cross its box; when no line holds the raw
    text, the lines lying (mostly) under the box give way to the value itself at the box. Any field value the
    lines do not contain at all (read from another part of the page, or not from lines) is added at its box,
    so every archived value is found by a search of the PDF.
    """
    lines: list[tuple[str, tuple[float, float, float, float]]] = []
    for line in page.lines:
        box = _box(line.get("bbox")) if isinstance(line, dict) else None
        text = str(line.get("text") or "") if isinstance(line, dict) else ""
        if box is not None and text.strip():
            lines.append((text, box))
    extra: list[Word] = []
    for field in page.fields:
        box, value, raw = _box(field.get("bbox")), str(field.get("value") or ""), str(field.get("raw") or "")
        if not value or box is None or field.get("name") == "seals":
            continue
        if field.get("corrected") and raw and raw != value:
            replaced = False
            for i, (text, line_box) in enumerate(lines):
                if raw in text and _overlaps(line_box, box):
                    lines[i] = (text.replace(raw, value), line_box)
                    replaced = True
            if not replaced:
                lines = [(t, b) for t, b in lines if _inside_share(b, box) < OVERLAP]
        if not any(value in text for text, _b in lines):
            extra.append(Word(value, box))
    return [Word(text, box) for text, box in lines] + extra


# --------------------------------------------------------------------------------------- reading the archive


@dataclass(frozen=True, slots=True)
class Download:
    """A filed file to send: its absolute path (checked to lie in the archive), the name to send under, and
    its clear content (the PDF and originals are sealed on disk, storage/sealed_files.py)."""

    path: Path
    name: str
    mimetype: str
    data: bytes


def _readable_customer(s: Session, customer_no: str, role: Role) -> None:
    customer = customer_store.by_number(s, customer_no)
    if customer is None:
        raise customers.CustomerNotFoundError(customer_no)
    if not customers.may_read(customer.status, role):
        raise customers.CustomerAccessError(customer_no)


def customer_documents(ctx: Context, customer_no: str, *, role: Role) -> list[dict[str, Any]]:
    """The customer's archived documents, every version; raises customers.CustomerNotFoundError or
    customers.CustomerAccessError (a dormant customer and a role that may not read it)."""
    with ctx.sessions() as s:
        _readable_customer(s, customer_no, role)
        return store.customer_documents(s, customer_no)


def download(
    ctx: Context, customer_no: str, document_id: int, what: str, *, role: Role, index: int = 0
) -> Download | None:
    """The filed PDF (`what`="pdf"), its manifest ("manifest") or its `index`-th original ("original");
    None when there is no such document or file. Same refusals as customer_documents."""
    with ctx.sessions() as s:
        _readable_customer(s, customer_no, role)
        row = store.customer_document(s, customer_no, document_id)
    if row is None:
        return None
    if what == "pdf":
        relative, name, mimetype = row["pdf_path"], row["pdf_name"], "application/pdf"
    elif what == "manifest":
        relative, name, mimetype = row["manifest_path"], Path(row["manifest_path"]).name, "application/json"
    elif what == "original" and 0 <= index < len(row["originals"]):
        entry = row["originals"][index]
        relative, name, mimetype = entry["path"], entry["name"], "application/octet-stream"
    else:
        return None
    path = store.filed_path(ctx.settings.data_dir, relative)
    if path is None:
        return None
    return Download(path, name, mimetype, sealed_files.read_file(path, data_ring(ctx)))


@dataclass(frozen=True, slots=True)
class ArchiveCheck:
    documents: int  # archived documents checked
    problems: list[str]  # the first MAX_PROBLEMS, in Chinese
    damaged: int  # documents with at least one problem
    erased: int = 0  # documents whose files a data-subject erasure removed on purpose (not damage)


MAX_PROBLEMS = 1000  # enough to act on; a wholly lost archive must not fill memory with messages


def verify_archive(ctx: Context) -> ArchiveCheck:
    """Re-hash every filed PDF and original against its archive record and manifest (an audit's check that
    the electronic archive is complete and unaltered). A document whose files a data-subject erasure removed
    is counted as erased: its request says who asked and why, so its absence is not damage."""
    documents = damaged = erased = 0
    problems: list[str] = []
    with ctx.sessions() as s:
        gone = erased_document_ids(s)
        for row in store.all_documents(s):
            documents += 1
            if row["id"] in gone:
                erased += 1
                continue
            found = store.check_filed(ctx.settings.data_dir, row, data_ring(ctx))
            damaged += bool(found)
            problems.extend(found[: MAX_PROBLEMS - len(problems)])
    return ArchiveCheck(documents, problems, damaged, erased)
