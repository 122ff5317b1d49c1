"""Read-side queries of the review side: the queue, the completeness dashboard, a dossier's review data,
the archive, upload progress.

Each returns plain data (dataclasses and dicts) built with a bounded number of SQL statements, so the pages
stay fast with tens of thousands of dossiers (queue and dashboard are paginated, ordered by indexed columns).
How a row is shown (urgency colours, who must act, masking) is the UI's business: review_ui.queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import Select, func, or_, select, union
from sqlalchemy.orm import Session

from intake.checks.doubtful import doubt_reasons
from intake.grouping import runs
from storage.contract_json import pages_in_order
from storage.models import (
    ArchiveRecord,
    Customer,
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
MAX_QUERY_CHARS = 50  # a name fragment or a tax number (18 characters) with room to spare
LIKE_ESCAPE = "\\"
TRIGRAM = 3  # pg_trgm finds no trigram to look up in a shorter fragment
CLOSED = (DossierStatus.ARCHIVED, DossierStatus.REJECTED)
IN_PROGRESS = (DossierStatus.RECEIVED, DossierStatus.READING, DossierStatus.CHECKING)
# the statuses of a dossier that has an archive record
DECIDED_FOR_ARCHIVE = (DossierStatus.APPROVED, DossierStatus.ARCHIVED)


@dataclass(frozen=True, slots=True)
class QueueFilter:
    status: str = DossierStatus.AWAITING_REVIEW.value
    reviewer: str = ""
    days_left: int | None = None  # at most this many days to the deadline
    page: int = 1
    q: str = ""  # a fragment of the customer's name, tax number, customer number or the reference


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


def like_pattern(text: str) -> str:
    """`%text%` for LIKE … ESCAPE '\\' with the pattern characters of `text` taken literally."""
    escaped = text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def number_key(text: str) -> str:
    """A tax or customer number as stored: upper case, without spaces or dashes (`9144 0605-ma4w`)."""
    return "".join(ch for ch in text.upper() if ch not in " -\u3000")


def may_be_number(q: str) -> bool:
    """Whether `q` can be part of a tax, customer or archive number (Latin letters and digits once spaces and
    dashes are gone): a name fragment such as 南海 need not be looked for in the number columns."""
    key = number_key(q)
    return key.isascii() and key.isalnum()


def too_short_for_trigrams(q: str) -> bool:
    """pg_trgm looks up no trigram for a fragment under TRIGRAM characters: its index cannot serve it."""
    return min(len(q), len(number_key(q) or q)) < TRIGRAM


def customer_matches(q: str) -> Any:
    """Dossiers whose customer (as read, or as archived) or reference contains `q`; pattern characters in `q`
    are literal. A fragment of TRIGRAM characters or more: a UNION of one match per column, each of which
    the trigram indexes of migration 0012 serve on PostgreSQL, rather than one OR with the archived
    customers' subquery, which no index can serve (docs/benchmarks.md, issue 15). A shorter one (南海) has
    no trigram an index could look up: one pass over the list's rows with every match ORed is cheapest."""
    text, key = like_pattern(q), like_pattern(number_key(q) or q)
    numbers = may_be_number(q)
    columns = [
        Dossier.customer_name.like(text, escape=LIKE_ESCAPE),
        Dossier.reference.like(text, escape=LIKE_ESCAPE),
    ]
    archived = [Customer.name.like(text, escape=LIKE_ESCAPE)]
    if numbers:
        columns += [
            Dossier.customer_tax_id.like(key, escape=LIKE_ESCAPE),
            Dossier.customer_no.like(key, escape=LIKE_ESCAPE),
        ]
        archived.append(Customer.tax_id.like(key, escape=LIKE_ESCAPE))
    if too_short_for_trigrams(q):
        return or_(*columns, Dossier.customer_id.in_(select(Customer.id).where(or_(*archived))))
    archived_ids = union(*(select(Customer.id).where(match) for match in archived))
    return Dossier.id.in_(
        union(
            *(select(Dossier.id).where(match) for match in columns),
            select(Dossier.id).where(Dossier.customer_id.in_(archived_ids)),
        )
    )


def archive_matches(q: Select[Any], query: str) -> Select[Any]:
    """`q` (archive records) narrowed to those whose archive or customer number contains `query`, or whose
    dossier, approved or archived, has a customer that `customer_matches`. Shaped as customer_matches is: a
    UNION of indexable matches, or for a short fragment a join to the dossiers filtered in one pass, which
    lets the newest records be read along their index until a page is full."""
    key = like_pattern(number_key(query) or query)
    numbers = (
        [
            ArchiveRecord.customer_no.like(key, escape=LIKE_ESCAPE),
            ArchiveRecord.archive_no.like(key, escape=LIKE_ESCAPE),
        ]
        if may_be_number(query)
        else []
    )
    decided = Dossier.status.in_(DECIDED_FOR_ARCHIVE) & customer_matches(query)
    if too_short_for_trigrams(query):
        return q.join(Dossier, Dossier.id == ArchiveRecord.dossier_id).where(or_(*numbers, decided))
    return q.where(
        ArchiveRecord.id.in_(
            union(
                *(select(ArchiveRecord.id).where(match) for match in numbers),
                select(ArchiveRecord.id).where(
                    ArchiveRecord.dossier_id.in_(select(Dossier.id).where(decided))
                ),
            )
        )
    )


def archived_customers(s: Session, customer_ids: Iterable[int | None]) -> dict[int, tuple[str, str]]:
    """The archived (name, tax number) of these customers, in one statement: a change request may have
    corrected what the record read, and the lists follow the archive."""
    wanted = {i for i in customer_ids if i is not None}
    if not wanted:
        return {}
    rows = s.execute(select(Customer.id, Customer.name, Customer.tax_id).where(Customer.id.in_(wanted)))
    return {customer_id: (name, tax_id) for customer_id, name, tax_id in rows}


def customer_of(d: Dossier, archived: dict[int, tuple[str, str]]) -> dict[str, Any]:
    """Who the dossier is for: the archived customer's name and tax number once linked, else what the
    record read; the customer number once assigned."""
    name, tax_id = archived.get(d.customer_id or 0, (None, None))
    return {
        "customer_name": name or d.customer_name,
        "tax_id": tax_id or d.customer_tax_id,
        "customer_no": d.customer_no,
    }


def _row(d: Dossier, today: date, archived: dict[int, tuple[str, str]]) -> dict[str, Any]:
    return {
        "id": d.id,
        "reference": d.reference,
        **customer_of(d, archived),
        "intake_source": d.intake_source,  # web / cli / folder (issue 14); NULL before migration 0008
        "intake_name": d.intake_name,  # a watched folder's item, e.g. "scans/张三"
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
    }


def _paged(s: Session, query: Select[Any], page: int, today: date, total: int | None = None) -> PageOf:
    """One page of dossiers, soonest deadline first, with their customers: three statements whatever the
    page size (count, page, the page's archived customers); two when the caller knows the `total`."""
    if total is None:
        counted = query.with_only_columns(Dossier.id).order_by(None).subquery()
        total = int(s.scalar(select(func.count()).select_from(counted)) or 0)
    page = max(1, page)
    if total <= (page - 1) * PER_PAGE:  # nothing on this page (a search without a match, a page too far):
        return PageOf([], total, page)  # no walk along the list's index looking for rows that are not there
    ordered = query.order_by(Dossier.deadline.is_(None), Dossier.deadline, Dossier.created_at, Dossier.id)
    dossiers = list(s.scalars(ordered.limit(PER_PAGE).offset((page - 1) * PER_PAGE)))
    archived = archived_customers(s, (d.customer_id for d in dossiers))
    return PageOf([_row(d, today, archived) for d in dossiers], total, page)


def review_queue(s: Session, f: QueueFilter, today: date) -> PageOf:
    """Dossiers waiting for a reviewer, soonest deadline first; `f.q` narrows to a customer."""
    query = select(Dossier)
    if f.q:
        query = query.where(customer_matches(f.q))
    if f.status:
        query = query.where(Dossier.status == DossierStatus(f.status))
    if f.reviewer:
        query = query.where(Dossier.assigned_reviewer == f.reviewer)
    if f.days_left is not None:
        query = query.where(Dossier.deadline <= today + timedelta(days=f.days_left))
    return _paged(s, query, f.page, today)


# Open dossiers by days to the deadline, as the dashboard's chart and its filter cut them: (key, label, the
# range of days left, both ends included, None = open-ended). "none" is its own alarm: no application form
# read and no pickup date given, so no deadline can warn anyone.
DEADLINE_BUCKETS: tuple[tuple[str, str, int | None, int | None], ...] = (
    ("overdue", "逾期", None, -1),
    ("soon", "≤ 2 天", 0, 2),
    ("week", "本周", 3, 7),
    ("later", "更晚", 8, None),
)
NO_DEADLINE = "none"
BUCKET_LABELS = {key: label for key, label, _, _ in DEADLINE_BUCKETS} | {NO_DEADLINE: "无截止日期"}
INTAKE_DAYS = 7


def _in_bucket(key: str, today: date) -> Any:
    if key == NO_DEADLINE:
        return Dossier.deadline.is_(None)
    low, high = next((lo, hi) for k, _, lo, hi in DEADLINE_BUCKETS if k == key)
    conditions = []
    if low is not None:
        conditions.append(Dossier.deadline >= today + timedelta(days=low))
    if high is not None:
        conditions.append(Dossier.deadline <= today + timedelta(days=high))
    return conditions[0] if len(conditions) == 1 else conditions[0] & conditions[1]


@dataclass(frozen=True, slots=True)
class OpenCounts:
    by_status: dict[str, int]
    buckets: list[dict[str, Any]]  # [{"key", "label", "count"}] in DEADLINE_BUCKETS order, then "none"
    at_risk: int  # deadline within AT_RISK_DAYS, not passed


def bucket_of(deadline: date | None, today: date) -> str:
    """The key of the DEADLINE_BUCKETS (or NO_DEADLINE) that a deadline falls in."""
    if deadline is None:
        return NO_DEADLINE
    left = (deadline - today).days
    return next(
        key
        for key, _, low, high in DEADLINE_BUCKETS
        if (low is None or left >= low) and (high is None or left <= high)
    )


def open_counts(s: Session, today: date) -> OpenCounts:
    """Open dossiers per status, per deadline bucket and at risk, from one count per (status, deadline): a
    few hundred groups read along the (status, deadline) index, cut into buckets here, which is half the
    time of one count per figure and bucket in SQL at 100 000 dossiers (docs/benchmarks.md, issue 15)."""
    rows = s.execute(
        select(Dossier.status, Dossier.deadline, func.count())
        .where(Dossier.status.not_in(CLOSED))
        .group_by(Dossier.status, Dossier.deadline)
    ).all()
    by_status: dict[str, int] = {}
    per_bucket = dict.fromkeys([key for key, _, _, _ in DEADLINE_BUCKETS] + [NO_DEADLINE], 0)
    at_risk = 0
    for status, deadline, count in rows:
        name = str(getattr(status, "value", status))
        by_status[name] = by_status.get(name, 0) + int(count)
        per_bucket[bucket_of(deadline, today)] += int(count)
        if deadline is not None and 0 <= (deadline - today).days <= AT_RISK_DAYS:
            at_risk += int(count)
    return OpenCounts(
        by_status=by_status,
        buckets=[{"key": k, "label": BUCKET_LABELS[k], "count": n} for k, n in per_bucket.items()],
        at_risk=at_risk,
    )


def deadline_buckets(s: Session, today: date) -> list[dict[str, Any]]:
    """How many open dossiers fall in each bucket of days to the deadline."""
    return open_counts(s, today).buckets


def week_intake(s: Session, today: date, tz: tzinfo = UTC) -> dict[str, Any]:
    """Dossiers received (created) on each of the last INTAKE_DAYS days — days of the time zone `tz` — and
    how many of those checked so far were complete at their first check (submission). One statement over
    the created_at index's range of the week, whatever the size of the table."""
    first = today - timedelta(days=INTAKE_DAYS - 1)
    edges = [datetime.combine(first + timedelta(days=n), time(), tzinfo=tz) for n in range(INTAKE_DAYS + 1)]
    created = Dossier.created_at
    row = s.execute(
        select(
            *(func.count().filter(created >= edges[n], created < edges[n + 1]) for n in range(INTAKE_DAYS)),
            func.count().filter(Dossier.complete_first.is_(True)),
            func.count(Dossier.complete_first),
        ).where(created >= edges[0], created < edges[-1])
    ).one()
    return {
        "days": [
            {"day": (first + timedelta(days=n)).isoformat(), "count": int(row[n] or 0)}
            for n in range(INTAKE_DAYS)
        ],
        "complete_first": int(row[INTAKE_DAYS] or 0),
        "checked": int(row[INTAKE_DAYS + 1] or 0),
    }


def dashboard(s: Session, today: date, page: int = 1, bucket: str = "", tz: tzinfo = UTC) -> dict[str, Any]:
    """Every open dossier with its days to deadline and what is missing (or those of one deadline bucket),
    plus totals and the data of the dashboard's charts."""
    open_query = select(Dossier).where(Dossier.status.not_in(CLOSED))
    if bucket:
        open_query = open_query.where(_in_bucket(bucket, today))
    counts = open_counts(s, today)
    per_bucket = {b["key"]: b["count"] for b in counts.buckets}
    # the counts hold the listing's total: no second count of the open dossiers
    listing = _paged(s, open_query, page, today, per_bucket[bucket] if bucket else sum(per_bucket.values()))
    return {
        "today": today.isoformat(),
        "bucket": bucket,
        "totals": {
            "open": sum(per_bucket.values()),
            "listed": listing.total,
            "overdue": per_bucket["overdue"],
            "at_risk": counts.at_risk,
            "no_deadline": per_bucket[NO_DEADLINE],
            "by_status": counts.by_status,
        },
        "by_deadline": counts.buckets,
        "intake": week_intake(s, today, tz),
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
    reasons: tuple[str, ...] = ()  # why it is doubtful (intake.checks.doubtful), in Chinese

    @property
    def doubtful(self) -> bool:
        """To be confirmed or corrected before approval (issue 13); ✓ or a correction settles it."""
        return bool(self.reasons) and not self.corrected


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


def _finding_targets(findings: Sequence[FindingRow]) -> dict[tuple[str, int, str], list[str]]:
    """(file, page, field) named by an open finding's evidence → the rules of those findings."""
    out: dict[tuple[str, int, str], list[str]] = {}
    for row in findings:
        if row.status != FindingStatus.OPEN:
            continue
        for ev in row.evidence or []:
            if ev.get("file") and ev.get("page") and ev.get("field"):
                out.setdefault((ev["file"], int(ev["page"]), ev["field"]), []).append(row.rule)
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
                        reasons=doubt_reasons(
                            read.name,
                            read.value,
                            read.confidence,
                            rules=targets.get((stored.name, page.page_no, read.name), ()),
                        ),
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


def _aware(at: datetime) -> datetime:
    """A stored time as UTC (SQLite may hand it back naive)."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def archive_records(s: Session, query: str = "", page: int = 1, tz: tzinfo = UTC) -> PageOf:
    """Archive records, newest first, each with its customer (archived name and tax number, else as read)
    and its dossier; `query` matches the archive or customer number, the customer's name or tax number
    (literally). Three statements: count, page, the page's dossiers with their customers."""
    q = select(ArchiveRecord)
    if query:
        q = archive_matches(q, query)
    total = int(s.scalar(select(func.count()).select_from(q.subquery())) or 0)
    records = list(
        s.scalars(
            q.order_by(ArchiveRecord.archived_at.desc(), ArchiveRecord.id.desc())  # read along its index
            .limit(PER_PAGE)
            .offset((max(1, page) - 1) * PER_PAGE)
        )
    )
    customers = {
        dossier_id: {"customer_name": name or read_name, "tax_id": tax_id or read_tax_id}
        for dossier_id, name, tax_id, read_name, read_tax_id in s.execute(
            select(Dossier.id, Customer.name, Customer.tax_id, Dossier.customer_name, Dossier.customer_tax_id)
            .outerjoin(Customer, Dossier.customer_id == Customer.id)
            .where(Dossier.id.in_([r.dossier_id for r in records]))
        )
    }
    return PageOf(
        [
            {
                "archive_no": r.archive_no,
                "customer_no": r.customer_no,
                **customers.get(r.dossier_id, {"customer_name": None, "tax_id": None}),
                "dossier_id": r.dossier_id,
                "archived_at": _aware(r.archived_at).astimezone(tz).date().isoformat(),  # the clerks' day
                "doc_category": r.doc_category,
                "copies": r.copies,
                "location": r.location,
                "handler": r.handler,
                "reviewer": r.reviewer,
            }
            for r in records
        ],
        total,
        max(1, page),
    )
