"""The order of the work, written in one place: ingest → read each page → group → record → checks.

workers/ decides where the steps run (this process, a process pool, or Celery workers); the steps are here.

Each step is a function over the database and the file store so that the embedded runner, the Celery tasks
and the tests call the very same code; none of them holds state between steps except what is stored.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from PIL import Image
from sqlalchemy.orm import Session, sessionmaker

from intake.checks import DEFAULT_RULES, RulesConfig, check_dossier
from intake.files import IngestedFile, Limits, ingest, page_image, pdf_render_scale
from intake.record import assemble_record
from intake.types import CheckContext
from ocr.classify import WEAK, PageSignals, analyse
from ocr.engines import DEFAULT_ENGINE
from ocr.fields import extract_fields
from ocr.reader import read_page
from ocr.textlayer import read_text_layer
from ocr.types import DocType, PageReading, PageText, Seal, SealKind, TextLine, TextSource
from storage import repository as repo
from storage.config import Settings
from storage.contract_json import pages_in_order
from storage.filestore import FileStore
from storage.models import DossierStatus, Page, PageStatus, StoredFile

log = logging.getLogger(__name__)
RENDER_DPI = 200  # PDF pages: enough for OCR of 8-pt CJK text; higher costs time for no accuracy
MAX_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class Context:
    """What every step needs: where things are stored and which engine reads."""

    settings: Settings
    sessions: sessionmaker[Session]
    store: FileStore
    engine: str = DEFAULT_ENGINE
    limits: Limits = field(default_factory=Limits)
    rules: RulesConfig = DEFAULT_RULES


def page_image_path(settings: Settings, dossier_id: str, page_id: int) -> Path:
    """Where the upright page image the reviewer sees (and every box refers to) is kept."""
    return settings.data_dir / "pages" / dossier_id / f"{page_id}.jpg"


def create_dossier(
    ctx: Context,
    paths: Sequence[Path],
    *,
    as_of: date,
    pickup_date: date | None = None,
    reference: str | None = None,
    actor: str = "system",
) -> str:
    """Store the originals, register their pages as pending; returns the dossier id."""
    result = ingest(list(paths), ctx.store, ctx.limits)
    with ctx.sessions.begin() as s:
        dossier = repo.create_dossier(
            s, reference=reference, pickup_date=pickup_date, as_of=as_of, actor=actor
        )
        for f in result.files:
            repo.add_file(
                s,
                dossier.id,
                name=f.name,
                sha256=f.sha256,
                kind=f.kind,
                size=f.size,
                page_count=f.page_count,
                duplicate_of=f.duplicate_of,
            )
        for r in result.rejected:
            repo.add_rejected_file(s, dossier.id, name=r.file, code=r.code, reason=r.reason)
        repo.set_status(s, dossier.id, DossierStatus.READING, actor=actor)
        return dossier.id


def _ingested(ctx: Context, f: StoredFile) -> IngestedFile:
    return IngestedFile(
        name=f.name,
        sha256=f.sha256 or "",
        kind=f.kind or "",
        size=f.size or 0,
        page_count=f.page_count or 0,
        stored_path=ctx.store.path(f.sha256 or ""),
    )


def _text_layer(f: IngestedFile, page_no: int) -> list[TextLine] | None:
    if f.kind != "pdf":
        return None
    return read_text_layer(f.stored_path, page_no, pdf_render_scale(f, page_no, RENDER_DPI))


def read_one(ctx: Context, f: IngestedFile, page_no: int) -> tuple[PageReading, Any]:
    """Read a page of a stored file (no database): the reading and the upright image."""
    image: Image.Image = page_image(f, page_no, dpi=RENDER_DPI, limits=ctx.limits)
    return read_page(image, text_layer=_text_layer(f, page_no), engine=ctx.engine)


def read_stored_page(ctx: Context, page_id: int) -> bool:
    """Claim, read and store one page. Idempotent: re-reading replaces the page's result.

    Returns False when there was nothing to do (already read, or given up after MAX_ATTEMPTS).
    """
    with ctx.sessions.begin() as s:
        page = repo.claim_page(s, page_id, max_attempts=MAX_ATTEMPTS)
        if page is None:
            return False
        f = _ingested(ctx, s.get_one(StoredFile, page.file_id))
        dossier_id, page_no = page.dossier_id, page.page_no
    try:
        reading, pixels = read_one(ctx, f, page_no)
    except Exception as exc:  # any failure of one page must end as a clear per-page error
        log.exception("page %s of %s failed", page_no, f.name)
        with ctx.sessions.begin() as s:
            repo.mark_page_failed(s, page_id, f"{type(exc).__name__}: {exc}")
        raise
    target = page_image_path(ctx.settings, dossier_id, page_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).save(target, format="JPEG", quality=85)
    with ctx.sessions.begin() as s:
        repo.save_page_reading(s, page_id, reading)
    return True


CONTRACTS = (DocType.DISTRIBUTION_CONTRACT, DocType.LOGISTICS_CONTRACT)


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What the grouping knows of one read page: the classifier's answer, what it rests on, and the page's
    own continuation signals (ocr.classify.PageSignals), re-derived from the stored lines."""

    file_id: int
    doc_type: DocType
    confidence: float
    titled: bool  # a title row on the page names doc_type
    signals: PageSignals


SURE_CONTRACT_KIND = 0.6  # a contract page typed this surely by its own words is not the other contract's


def continued_types(pages: Sequence[PageFacts]) -> list[DocType]:
    """The final type of each page (in file order, then page order): a continuation page takes the type of
    the document before it.

    A page keeps its own type when its title says what it is, when it says it is page 1 (第1页, clauses from
    第一条), or when nothing ties it to what precedes. It is tied when its type was not found (unknown, or a
    contract kind only guessed, ocr.classify.WEAK), when it says it continues (page x > 1, clauses that
    carry on, the parties' signature block), or when it reads like a contract yet was typed otherwise by body
    words. A tied page joins the previous document within its file always; across files only a contract,
    and only onto a page that reads like a contract page: customers scan a contract's pages into separate
    files, but never split a certificate. An untitled page confidently typed by its own words (the front of
    an ID card, a passbook) with no continuation signal is not swallowed by the document before it.
    """
    out: list[DocType] = []
    prev: tuple[int, DocType] | None = None
    for page in pages:
        doc_type = page.doc_type if prev is None else _continued_type(page, *prev)
        out.append(doc_type)
        if doc_type != DocType.UNKNOWN:
            prev = (page.file_id, doc_type)
    return out


def _continued_type(page: PageFacts, prev_file: int, prev_type: DocType) -> DocType:
    if page.titled or page.signals.starts or page.doc_type == prev_type:
        return page.doc_type
    if page.doc_type in CONTRACTS and prev_type in CONTRACTS and page.confidence >= SURE_CONTRACT_KIND:
        return page.doc_type  # its own trade words say which contract it is (窜货, 返利 … vs 配送, 运费 …)
    guessed = page.doc_type == DocType.UNKNOWN or (page.doc_type in CONTRACTS and page.confidence <= WEAK)
    off_contract = page.signals.contract_like and page.doc_type not in CONTRACTS
    if not (guessed or page.signals.continues or off_contract):
        return page.doc_type
    if page.file_id == prev_file:
        return prev_type
    if prev_type in CONTRACTS and page.signals.contract_like:
        return prev_type
    return page.doc_type


def page_facts(file_id: int, page: Page) -> PageFacts:
    """The grouping's view of a stored page; titles and signals are re-read from its stored lines."""
    doc_type = DocType(page.doc_type or DocType.UNKNOWN)
    found = analyse(_lines(page), page.height or 0)
    return PageFacts(
        file_id=file_id,
        doc_type=doc_type,
        confidence=page.doc_type_confidence or 0.0,
        titled=doc_type in found.titles,
        signals=found.signals,
    )


def resolve_continuations(ctx: Context, dossier_id: str) -> None:
    """Tie continuation pages to the document before them (continued_types) and re-extract their fields
    as the document's type, so a contract's last page counts as the contract's and not as a seal card."""
    with ctx.sessions.begin() as s:
        pages = [(f, page) for f, page in pages_in_order(s, dossier_id) if page.status == PageStatus.DONE]
        facts = [page_facts(f.id, page) for f, page in pages]
        for (_, page), fact, doc_type in zip(pages, facts, continued_types(facts), strict=True):
            if doc_type != fact.doc_type:
                _retype(s, page, doc_type)


def _lines(page: Page) -> tuple[TextLine, ...]:
    return tuple(
        TextLine(ln["text"], _box(ln["bbox"]), ln["confidence"], tuple(ln.get("chars") or ()))
        for ln in page.lines or []
    )


def _retype(s: Session, page: Page, doc_type: DocType) -> None:
    lines = _lines(page)
    text = PageText(
        page.width or 0,
        page.height or 0,
        lines,
        TextSource(page.source or "ocr"),
        page.engine or "",
        rotation=page.rotation or 0,
        skew=page.skew or 0.0,
    )
    seals = tuple(
        Seal(
            SealKind(x["kind"]), _box(x["bbox"]), x["confidence"], x.get("text", ""), x.get("shape", "round")
        )
        for x in page.seals or []
    )
    reading = PageReading(doc_type, 0.5, text, extract_fields(doc_type, lines, text.source), seals)
    repo.save_page_reading(s, page.id, reading)


def _box(value: Sequence[int]) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = (int(v) for v in value)
    return (x0, y0, x1, y1)


def finish_dossier(ctx: Context, dossier_id: str, *, actor: str = "system") -> None:
    """Group pages into documents, assemble the record, run the checks, hand over to review."""
    resolve_continuations(ctx, dossier_id)
    with ctx.sessions.begin() as s:
        dossier = repo.get_dossier(s, dossier_id)
        documents = repo.documents_of(s, dossier_id)
        record = assemble_record(documents)
        pickup = dossier.pickup_date or _form_pickup_date(record, documents)
        if pickup and dossier.pickup_date is None:
            dossier.pickup_date = pickup
        outcome = check_dossier(
            documents, record, CheckContext(as_of=dossier.as_of, pickup_date=pickup), ctx.rules
        )
        notice_due = (
            datetime.now(UTC) + timedelta(hours=outcome.notice.due_hours)
            if outcome.notice is not None
            else None
        )
        repo.save_outcome(
            s, dossier_id, record, outcome.findings, outcome.completeness, outcome.deadline, notice_due
        )
        repo.set_status(s, dossier_id, DossierStatus.AWAITING_REVIEW, actor=actor)


def _form_pickup_date(record: Any, documents: Sequence[Any]) -> date | None:
    """Contract: without --pickup-date, the date printed on the application form (预计提货日期) is used."""
    for doc in documents:
        if doc.doc_type == DocType.APPLICATION_FORM and "pickup_date" in doc.fields:
            try:
                return date.fromisoformat(doc.fields["pickup_date"].value)
            except ValueError:
                continue
    return None
