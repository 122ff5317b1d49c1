"""Read-side queries of the review side: the queue, the completeness dashboard, a dossier's review data,
the archive, upload progress.

Each returns plain data (dataclasses and dicts) built with a bounded number of SQL statements, so the pages
stay fast with tens of thousands of dossiers (queue and dashboard are paginated, ordered by indexed columns).
How a row is shown (urgency colours, who must act, masking) is the UI's business: review_ui.queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from intake.grouping import runs
from storage.contract_json import pages_in_order
from storage.models import (
    ArchiveRecord,
    Dossier,
    DossierStatus,
    FindingRow,
    FindingStatus,
    Page,
    StoredFile,
)
from storage.repository import LOW_CONFIDENCE_BELOW

PER_PAGE = 50
AT_RISK_DAYS = 3
CLOSED = (DossierStatus.ARCHIVED, DossierStatus.REJECTED)
IN_PROGRESS = (DossierStatus.RECEIVED, DossierStatus.READING, DossierStatus.CHECKING)


@dataclass(frozen=True, slots=True)
class QueueFilter:
    status: str = DossierStatus.AWAITING_REVIEW.value
    reviewer: str = ""
    days_left: int | None = None  # at most this many days to the deadline
    page: int = 1


@dataclass(frozen=True, slots=True)
class PageOf:
    rows: list[dict[str, Any]]
    total: int
    page: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def days_left(deadline: date | None, today: date) -> int | None:
    return None if deadline is None else (deadline - today).days


def _row(d: Dossier, today: date) -> dict[str, Any]:
    return {
        "id": d.id,
        "reference": d.reference,
        "status": d.status.value,
        "deadline": d.deadline.isoformat() if d.deadline else None,
        "pickup_date": d.pickup_date.isoformat() if d.pickup_date else None,
        "days_left": days_left(d.deadline, today),
        "blockers": d.blockers,
        "low_confidence": d.low_confidence,
        "missing": list(d.missing or []),
        "assigned_reviewer": d.assigned_reviewer,
        "pages_total": d.pages_total,
        "pages_done": d.pages_done,
        "pages_failed": d.pages_failed,
        "customer_no": d.customer_no,
    }


def _paged(s: Session, query: Select[Any], page: int, today: date) -> PageOf:
    total = int(s.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0)
    page = max(1, page)
    ordered = query.order_by(Dossier.deadline.is_(None), Dossier.deadline, Dossier.created_at, Dossier.id)
    rows = s.scalars(ordered.limit(PER_PAGE).offset((page - 1) * PER_PAGE))
    return PageOf([_row(d, today) for d in rows], total, page)


def review_queue(s: Session, f: QueueFilter, today: date) -> PageOf:
    """Dossiers waiting for a reviewer, soonest deadline first."""
    query = select(Dossier)
    if f.status:
        query = query.where(Dossier.status == DossierStatus(f.status))
    if f.reviewer:
        query = query.where(Dossier.assigned_reviewer == f.reviewer)
    if f.days_left is not None:
        query = query.where(Dossier.deadline <= today + timedelta(days=f.days_left))
    return _paged(s, query, f.page, today)


def dashboard(s: Session, today: date, page: int = 1) -> dict[str, Any]:
    """Every open dossier with its days to deadline and what is missing, plus totals."""
    open_query = select(Dossier).where(Dossier.status.not_in(CLOSED))
    listing = _paged(s, open_query, page, today)
    by_status = dict(
        s.execute(
            select(Dossier.status, func.count()).where(Dossier.status.not_in(CLOSED)).group_by(Dossier.status)
        ).all()
    )
    risk_limit = today + timedelta(days=AT_RISK_DAYS)
    deadlines = select(
        func.count().filter(Dossier.deadline < today),
        func.count().filter(Dossier.deadline >= today, Dossier.deadline <= risk_limit),
    ).where(Dossier.status.not_in(CLOSED))
    overdue, at_risk = s.execute(deadlines).one()
    return {
        "today": today.isoformat(),
        "totals": {
            "open": listing.total,
            "overdue": int(overdue or 0),
            "at_risk": int(at_risk or 0),
            "by_status": {str(k.value if hasattr(k, "value") else k): int(v) for k, v in by_status.items()},
        },
        "page": listing.page,
        "pages": listing.pages,
        "per_page": listing.per_page,
        "dossiers": listing.rows,
    }


def status_of(s: Session, dossier_id: str) -> dict[str, Any] | None:
    """Upload progress: the dossier's state, each page's state, and the files refused with their reason."""
    d = s.get(Dossier, dossier_id)
    if d is None:
        return None
    files = list(s.scalars(select(StoredFile).where(StoredFile.dossier_id == dossier_id)))
    names = {f.id: f.name for f in files}
    pages = s.scalars(select(Page).where(Page.dossier_id == dossier_id).order_by(Page.file_id, Page.page_no))
    return {
        "id": d.id,
        "status": d.status.value,
        "reference": d.reference,
        "pages_total": d.pages_total,
        "pages_done": d.pages_done,
        "pages_failed": d.pages_failed,
        "finished": d.status not in IN_PROGRESS,
        "pages": [
            {
                "id": p.id,
                "file": names.get(p.file_id, ""),
                "page": p.page_no,
                "status": p.status.value,
                "doc_type": p.doc_type,
                "error": p.error,
            }
            for p in pages
        ],
        "rejected_files": [
            {"file": f.name, "code": f.reject_code, "reason": f.reject_reason} for f in files if f.rejected
        ],
        "duplicate_files": [
            {"file": f.name, "duplicate_of": f.duplicate_of} for f in files if f.duplicate_of
        ],
    }


def page_of(s: Session, dossier_id: str, page_id: int) -> Page | None:
    """The page, if it belongs to the dossier."""
    page = s.get(Page, page_id)
    return page if page is not None and page.dossier_id == dossier_id else None


# ------------------------------------------------------------------------------------------- review page


@dataclass(slots=True)
class FieldView:
    id: int
    name: str
    value: str
    confidence: float
    bbox: list[int] | None
    page_id: int
    corrected: bool
    low_confidence: bool
    in_finding: bool

    @property
    def doubtful(self) -> bool:
        return (self.low_confidence or self.in_finding) and not self.corrected


@dataclass(slots=True)
class DocumentView:
    doc_type: str
    file: str
    page_ids: list[int]
    fields: list[FieldView] = field(default_factory=list)

    @property
    def doubtful(self) -> int:
        return sum(f.doubtful for f in self.fields)


@dataclass(frozen=True, slots=True)
class ReviewData:
    dossier: Dossier
    pages: list[dict[str, Any]]
    documents: list[DocumentView]
    findings: list[dict[str, Any]]
    archive: ArchiveRecord | None


def _finding_targets(findings: Sequence[FindingRow]) -> set[tuple[str, int, str]]:
    """(file, page, field) named by an open finding's evidence."""
    out: set[tuple[str, int, str]] = set()
    for row in findings:
        if row.status != FindingStatus.OPEN:
            continue
        for ev in row.evidence or []:
            if ev.get("file") and ev.get("page") and ev.get("field"):
                out.add((ev["file"], int(ev["page"]), ev["field"]))
    return out


def _page_row(stored: StoredFile, page: Page) -> dict[str, Any]:
    return {
        "id": page.id,
        "file": stored.name,
        "page": page.page_no,
        "doc_type": page.doc_type,
        "status": page.status.value,
        "width": page.width,
        "height": page.height,
        "error": page.error,
    }


def review_data(s: Session, dossier_id: str) -> ReviewData | None:
    """Everything the review page shows. Documents are cut as storage.repository.documents_of cuts them
    (intake.grouping.runs over file and document type), but every page counts here, read or not, so the
    reviewer sees a page that failed where it stands."""
    d = s.get(Dossier, dossier_id)
    if d is None:
        return None
    finding_rows = list(
        s.scalars(select(FindingRow).where(FindingRow.dossier_id == dossier_id).order_by(FindingRow.id))
    )
    targets = _finding_targets(finding_rows)
    in_order = pages_in_order(s, dossier_id)
    pages = [_page_row(stored, page) for stored, page in in_order]
    page_index = {(stored.name, page.page_no): n for n, (stored, page) in enumerate(in_order)}
    field_ids: dict[tuple[str, int, str], int] = {}
    documents: list[DocumentView] = []
    for run in runs(in_order, key=lambda fp: (fp[0].id, fp[1].doc_type)):
        stored, first = run[0]
        doc = DocumentView(first.doc_type or "unknown", stored.name, [page.id for _, page in run])
        for _, page in run:
            for read in page.fields:
                field_ids[(stored.name, page.page_no, read.name)] = read.id
                doc.fields.append(
                    FieldView(
                        id=read.id,
                        name=read.name,
                        value=read.value,
                        confidence=read.confidence,
                        bbox=list(read.bbox) if read.bbox else None,
                        page_id=page.id,
                        corrected=read.corrected,
                        low_confidence=read.confidence < LOW_CONFIDENCE_BELOW,
                        in_finding=(stored.name, page.page_no, read.name) in targets,
                    )
                )
        documents.append(doc)
    for doc in documents:
        doc.fields.sort(key=lambda f: (not f.doubtful, f.confidence if f.doubtful else 0))
    documents = [doc for doc in documents if doc.fields or doc.doc_type != "unknown"]
    documents.sort(key=lambda doc: doc.doubtful == 0)
    findings = []
    for row in finding_rows:
        evidence = []
        for ev in row.evidence or []:
            key = (ev.get("file"), int(ev.get("page") or 0))
            evidence.append(
                {
                    **ev,
                    "page_index": page_index.get(key),
                    "field_id": field_ids.get((*key, ev.get("field") or "")),
                }
            )
        findings.append(
            {
                "id": row.id,
                "rule": row.rule,
                "severity": row.severity,
                "message": row.message,
                "status": row.status.value,
                "override_by": row.override_by,
                "override_reason": row.override_reason,
                "evidence": evidence,
            }
        )
    findings.sort(key=lambda f: (f["status"] != "open", f["severity"] != "blocker"))
    archive = s.scalar(select(ArchiveRecord).where(ArchiveRecord.dossier_id == dossier_id))
    return ReviewData(d, pages, documents, findings, archive)


# ------------------------------------------------------------------------------------------------ archive


def archive_records(s: Session, query: str = "", page: int = 1) -> PageOf:
    q = select(ArchiveRecord)
    if query:
        like = f"%{query}%"
        q = q.where(ArchiveRecord.customer_no.like(like) | ArchiveRecord.archive_no.like(like))
    total = int(s.scalar(select(func.count()).select_from(q.subquery())) or 0)
    rows = s.scalars(
        q.order_by(ArchiveRecord.archived_at.desc()).limit(PER_PAGE).offset((max(1, page) - 1) * PER_PAGE)
    )
    return PageOf(
        [
            {
                "archive_no": r.archive_no,
                "customer_no": r.customer_no,
                "dossier_id": r.dossier_id,
                "archived_at": r.archived_at.date().isoformat(),
                "doc_category": r.doc_category,
                "copies": r.copies,
                "location": r.location,
                "handler": r.handler,
                "reviewer": r.reviewer,
            }
            for r in rows
        ],
        total,
        max(1, page),
    )
