"""Reading and writing dossiers: small functions that take a Session and plain data (ocr/intake value types).

The caller owns the transaction (`with session.begin(): ...`); nothing here commits. Nothing here knows about
Flask or Celery. Progress counters on `dossiers` only change through atomic `SET x = x + n` statements, and a
page's status is read under a row lock before it changes, so several workers writing pages of one dossier at
once never lose or double-count an update (SQLite gets the same guarantee from `BEGIN IMMEDIATE`, see db.py).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.orm import Session

from intake.checks.doubtful import LOW_CONFIDENCE_BELOW
from intake.grouping import runs
from intake.types import RECORD_FIELDS, Completeness, Document, Finding, Severity, SourcedField
from ocr.types import FieldValue, PageReading
from storage import audit_chain, mapping
from storage import search as search_index
from storage.contract_json import dossier_json as dossier_json
from storage.contract_json import pages_in_order
from storage.models import (
    AuditEvent,
    Dossier,
    DossierStatus,
    Field,
    FindingRow,
    FindingStatus,
    Page,
    PageStatus,
    RecordField,
    StoredFile,
    utcnow,
)

# Fields read with less confidence than LOW_CONFIDENCE_BELOW (the one threshold of a doubtful reading, from
# intake.checks.doubtful) are counted in `dossiers.low_confidence` (review queue).


class NotFoundError(LookupError):
    pass


# ---------------------------------------------------------------------------------------------------- audit


audit = audit_chain.append
"""Append to the tamper-evident audit trail (chained at commit, see storage.audit_chain)."""


def audit_trail(s: Session, dossier_id: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.dossier_id == dossier_id).order_by(AuditEvent.id)
    return list(s.scalars(query))


def audit_once(
    s: Session, actor: str, action: str, *, entity: str, since: datetime, dossier_id: str | None = None
) -> bool:
    """Append an event unless the same actor already has one for the same action and entity since `since`.

    For access logging (issue 12): a clerk paging through one dossier's images would otherwise write an
    event per request and bury the trail's changes; one per user, object and few minutes still says who
    saw what and when. Returns whether an event was written.
    """
    recent = s.scalar(
        select(AuditEvent.id)
        .where(AuditEvent.actor == actor, AuditEvent.action == action, AuditEvent.entity == entity)
        .where(AuditEvent.at >= since)
        .limit(1)
    )
    if recent is not None:
        return False
    audit(s, actor, action, dossier_id=dossier_id, entity=entity)
    return True


# ------------------------------------------------------------------------------------------------- dossiers


def create_dossier(
    s: Session,
    *,
    reference: str | None = None,
    pickup_date: date | None = None,
    as_of: date,
    actor: str = "system",
) -> Dossier:
    dossier = Dossier(
        reference=reference, pickup_date=pickup_date, as_of=as_of, status=DossierStatus.RECEIVED
    )
    s.add(dossier)
    s.flush()
    after = {"reference": reference, "pickup_date": pickup_date, "as_of": as_of}
    audit(s, actor, "dossier.created", dossier_id=dossier.id, entity=f"dossier:{dossier.id}", after=after)
    return dossier


def get_dossier(s: Session, dossier_id: str) -> Dossier:
    dossier = s.get(Dossier, dossier_id)
    if dossier is None:
        raise NotFoundError(f"no dossier {dossier_id}")
    return dossier


def set_status(
    s: Session, dossier_id: str, status: DossierStatus, *, actor: str = "system", reason: str | None = None
) -> None:
    dossier = get_dossier(s, dossier_id)
    before = dossier.status
    if before == status:
        return
    dossier.status = status
    audit(
        s,
        actor,
        f"dossier.{status.value}",
        dossier_id=dossier_id,
        entity=f"dossier:{dossier_id}",
        before={"status": before.value},
        after={"status": status.value},
        reason=reason,
    )


def _bump_counters(s: Session, dossier_id: str, **deltas: int) -> None:
    """Add to progress counters with one atomic UPDATE (never read-modify-write in Python)."""
    values: dict[str, Any] = {name: getattr(Dossier, name) + delta for name, delta in deltas.items() if delta}
    if not values:
        return
    values["updated_at"] = utcnow()
    statement = update(Dossier).where(Dossier.id == dossier_id).values(**values)
    s.execute(statement.execution_options(synchronize_session=False))
    loaded = s.identity_map.get(s.identity_key(Dossier, dossier_id))
    if loaded is not None:
        s.expire(loaded, [*deltas, "updated_at"])


# ---------------------------------------------------------------------------------------------------- files


def add_file(
    s: Session,
    dossier_id: str,
    *,
    name: str,
    sha256: str,
    kind: str,
    size: int,
    page_count: int,
    duplicate_of: str | None = None,
) -> StoredFile:
    """Register an ingested file; its pages become pending Page rows, except for a duplicate (read once)."""
    stored = StoredFile(
        dossier_id=dossier_id,
        position=_next_position(s, dossier_id),
        name=name,
        sha256=sha256,
        kind=kind,
        size=size,
        page_count=page_count,
        duplicate_of=duplicate_of,
    )
    s.add(stored)
    s.flush()
    if duplicate_of is None:
        s.add_all(
            Page(dossier_id=dossier_id, file_id=stored.id, page_no=n, status=PageStatus.PENDING)
            for n in range(1, page_count + 1)
        )
        s.flush()
        _bump_counters(s, dossier_id, pages_total=page_count)
    return stored


def add_rejected_file(s: Session, dossier_id: str, *, name: str, code: str, reason: str) -> StoredFile:
    stored = StoredFile(
        dossier_id=dossier_id,
        position=_next_position(s, dossier_id),
        name=name,
        rejected=True,
        reject_code=code,
        reject_reason=reason,
    )
    s.add(stored)
    s.flush()
    return stored


def _next_position(s: Session, dossier_id: str) -> int:
    query = select(func.coalesce(func.max(StoredFile.position), 0)).where(StoredFile.dossier_id == dossier_id)
    return int(s.scalar(query) or 0) + 1


def page_ids(s: Session, dossier_id: str, *, status: PageStatus | None = None) -> list[int]:
    """Ids of the dossier's pages in reading order (file order, then page number), e.g. to queue them."""
    query = (
        select(Page.id)
        .join(StoredFile, Page.file_id == StoredFile.id)
        .where(Page.dossier_id == dossier_id)
        .order_by(StoredFile.position, Page.page_no)
    )
    if status is not None:
        query = query.where(Page.status == status)
    return list(s.scalars(query))


# ---------------------------------------------------------------------------------------------------- pages


def _lock_page(s: Session, page_id: int) -> Page | None:
    """Load a page under a row lock (FOR UPDATE on PostgreSQL; on SQLite, BEGIN IMMEDIATE serialises)."""
    query = select(Page).where(Page.id == page_id).with_for_update()
    return s.scalars(query.execution_options(populate_existing=True)).one_or_none()


def _move_page(s: Session, page: Page, new: PageStatus) -> None:
    """Change a locked page's status and keep the dossier's done/failed counters in step, atomically."""
    old = page.status
    if old == new:
        return
    page.status = new
    deltas = {"pages_done": 0, "pages_failed": 0}
    for status, sign in ((old, -1), (new, +1)):
        if status == PageStatus.DONE:
            deltas["pages_done"] += sign
        elif status == PageStatus.FAILED:
            deltas["pages_failed"] += sign
    _bump_counters(s, page.dossier_id, **deltas)


def claim_page(s: Session, page_id: int, *, max_attempts: int | None = None) -> Page | None:
    """Mark a page as being read by this worker; None when it is already read (or gave up / unknown).

    A page left `reading` by a crashed worker can be claimed again: reading is idempotent (see
    save_page_reading), so a rare double read costs time, never data.
    """
    page = _lock_page(s, page_id)
    if page is None or page.status == PageStatus.DONE:
        return None
    if max_attempts is not None and page.attempts >= max_attempts:
        return None
    _move_page(s, page, PageStatus.READING)
    page.attempts += 1
    page.claimed_at = utcnow()
    s.flush()
    return page


def save_page_reading(s: Session, page_id: int, reading: PageReading, *, index: bool = True) -> None:
    """Store what was read on a page; saving the same reading twice leaves the same rows and counters.

    The page's fields are replaced by the new reading, except those a reviewer corrected: a re-read never
    silently undoes a human correction. `index=False`: the caller indexes the page for search itself (the
    page step leaves it to the dossier's finish, which indexes all its pages in one batch).
    """
    page = _lock_page(s, page_id)
    if page is None:
        raise NotFoundError(f"no page {page_id}")
    for name, value in _reading_columns(reading).items():
        setattr(page, name, value)
    page.error = None
    first_read = page.read_at is None
    page.read_at = utcnow()
    _move_page(s, page, PageStatus.DONE)  # first: the page's changes go out in one UPDATE with its status
    _replace_fields(s, page, reading, first_read=first_read)
    s.flush()
    if index:
        search_index.index_page(s, page)


def _reading_columns(reading: PageReading) -> dict[str, Any]:
    """The page's columns that hold a reading (its status, times and error apart)."""
    text = reading.text
    return {
        "doc_type": str(reading.doc_type),
        "doc_type_confidence": reading.doc_type_confidence,
        "source": str(text.source),
        "engine": text.engine,
        "rotation": text.rotation,
        "skew": text.skew,
        "width": text.width,
        "height": text.height,
        "lines": [
            {"text": ln.text, "bbox": list(ln.bbox), "confidence": ln.confidence}
            | ({"chars": list(ln.chars)} if ln.chars else {})
            for ln in text.lines
        ],
        "seals": [
            {
                "kind": str(x.kind),
                "text": x.text,
                "bbox": list(x.bbox),
                "confidence": x.confidence,
                "shape": x.shape,
            }
            for x in reading.seals
        ],
    }


def save_page_readings(s: Session, readings: Mapping[int, PageReading]) -> None:
    """Store the readings of a batch of pages (page id → reading) as save_page_reading would, in a few
    statements for the whole batch: the pages locked in one SELECT, and those claimed and never read (the
    usual case: `reading`, no read_at) updated in one executemany, their fields in one INSERT, each dossier's
    counters in one UPDATE. Any other page (read before, failed meanwhile, read by a duplicate task) takes
    save_page_reading's general path. Not indexed for search: the dossier's finish indexes its pages.

    Locks are taken in the per-page order — pages, then their dossiers' rows (sorted) — so batches and single
    pages saved at once wait for each other instead of deadlocking."""
    if not readings:
        return
    locked = s.execute(
        select(Page.id, Page.dossier_id, Page.status, Page.read_at)
        .where(Page.id.in_(readings))
        .order_by(Page.id)
        .with_for_update()
    ).all()
    if len(locked) != len(readings):
        missing = sorted(set(readings) - {row[0] for row in locked})
        raise NotFoundError(f"no page {missing[0]}")
    fresh = [
        (pid, dossier)
        for pid, dossier, status, read_at in locked
        if status == PageStatus.READING and read_at is None
    ]
    for pid in sorted(set(readings) - {pid for pid, _ in fresh}):
        save_page_reading(s, pid, readings[pid], index=False)
    if not fresh:
        return
    per_dossier = Counter(dossier for _, dossier in fresh)
    for dossier_id in sorted(per_dossier):
        _bump_counters(s, dossier_id, pages_done=per_dossier[dossier_id])
    now = utcnow()
    s.execute(
        update(Page),
        [
            {"id": pid, "status": PageStatus.DONE, "error": None, "read_at": now}
            | _reading_columns(readings[pid])
            for pid, _ in fresh
        ],
    )
    fields = [
        {"page_id": pid, "dossier_id": dossier, "name": name} | _field_values(read)
        for pid, dossier in fresh
        for name, read in readings[pid].fields.items()
    ]
    if fields:
        s.execute(insert(Field), fields)
    for pid, _ in fresh:
        loaded = s.identity_map.get(s.identity_key(Page, pid))
        if loaded is not None:
            s.expire(loaded)


def _field_values(read: FieldValue) -> dict[str, Any]:
    return {
        "value": read.value,
        "confidence": read.confidence,
        "bbox": list(read.bbox) if read.bbox is not None else None,
        "raw": read.raw,
        "repaired": read.repaired,
    }


def _replace_fields(s: Session, page: Page, reading: PageReading, *, first_read: bool) -> None:
    """Bulk statements, no Field objects: one INSERT for a first read (a page never read has no fields, so
    nothing is loaded); a re-read also reads the old fields' names, deletes the stale ones and updates the
    rest, one statement each. A reviewer's correction is kept either way."""
    existing: dict[str, tuple[int, bool]] = {}
    if not first_read:
        query = select(Field.name, Field.id, Field.corrected).where(Field.page_id == page.id)
        existing = {name: (row_id, corrected) for name, row_id, corrected in s.execute(query)}
    stale = [i for name, (i, corrected) in existing.items() if name not in reading.fields and not corrected]
    if stale:
        s.execute(delete(Field).where(Field.id.in_(stale)))
    new_rows: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for name, read in reading.fields.items():
        values = _field_values(read)
        if name not in existing:
            new_rows.append({"page_id": page.id, "dossier_id": page.dossier_id, "name": name} | values)
        elif not existing[name][1]:
            updates.append({"id": existing[name][0]} | values)
    if new_rows:
        s.execute(insert(Field), new_rows)
    if updates:
        s.execute(update(Field), updates)
    s.expire(page, ["fields"])  # a collection loaded earlier in this session would show the old rows


def mark_page_failed(s: Session, page_id: int, error: str) -> None:
    """Record that a page could not be read; a page already read is never downgraded by a late failure."""
    page = _lock_page(s, page_id)
    if page is None:
        raise NotFoundError(f"no page {page_id}")
    if page.status == PageStatus.DONE:
        return
    page.error = error
    _move_page(s, page, PageStatus.FAILED)
    s.flush()


# ------------------------------------------------------------------------------------------------ documents


def documents_of(
    s: Session, dossier_id: str, pages: Sequence[tuple[StoredFile, Page]] | None = None
) -> list[Document]:
    """Group the read pages into documents: consecutive read pages of one file with the same doc_type
    (intake.grouping.runs; storage.mapping.document).

    Pages not (yet) read are skipped. Within a document, a field read on several pages keeps its
    highest-confidence reading. `pages`: pages_in_order's answer, when the caller has it from this session.
    """
    ordered = pages_in_order(s, dossier_id) if pages is None else pages
    done = [(f, page) for f, page in ordered if page.status == PageStatus.DONE]
    return [mapping.document(group) for group in runs(done, key=lambda fp: (fp[0].id, fp[1].doc_type))]


# -------------------------------------------------------------------------------------------------- outcome

_RECORD = cast(Table, RecordField.__table__)
_FINDINGS = cast(Table, FindingRow.__table__)


def save_outcome(
    s: Session,
    dossier_id: str,
    record: Mapping[str, SourcedField],
    findings: Iterable[Finding],
    completeness: Completeness,
    deadline: date | None,
    notice: datetime | None,
    *,
    pages: Sequence[tuple[StoredFile, Page]] | None = None,
    index_pages: bool = False,
) -> None:
    """Store the result of the checks: the six-field record, the findings, completeness and deadlines.

    `notice` is when the 24-hour missing-information notice is due (None: nothing missing). Findings a
    reviewer overrode stay overridden when the checks produce them again. `pages`: pages_in_order's answer
    from this session (fields loaded): the record's source pages and the doubtful fields are found among
    them instead of asked of the database again. `index_pages`: the read ones among them are indexed for
    search in the same write as the dossier (the finish: the page steps leave their indexing to it).
    """
    dossier = get_dossier(s, dossier_id)
    if index_pages and pages is None:
        pages = pages_in_order(s, dossier_id)
    values = _save_record(s, dossier_id, record, pages)
    dossier.blockers = _save_findings(s, dossier_id, list(findings))
    dossier.complete = completeness.complete
    if dossier.complete_first is None:  # the first check: what the dashboard's first-submission share counts
        dossier.complete_first = completeness.complete
    dossier.customer_name, dossier.customer_tax_id = _customer_of(record)
    dossier.missing = list(completeness.missing)
    dossier.deadline = deadline
    dossier.notice_due_at = notice
    if pages is None:
        dossier.low_confidence = count_low_confidence(s, dossier_id)
    else:
        dossier.low_confidence = _low_confidence_of(pages)
    s.flush()
    read = [(f, page) for f, page in pages or () if page.status == PageStatus.DONE] if index_pages else []
    names = {f.id: f.name for f, _ in read}
    search_index.index_saved_dossier(s, dossier, values, [page for _, page in read], names)


def _customer_of(record: Mapping[str, SourcedField]) -> tuple[str | None, str | None]:
    """客户名称 and 税务登记号 as the lists show them (clipped to their columns; empty means unread)."""
    name, tax_id = record.get("customer_name"), record.get("tax_id")
    return (
        (name.value.strip()[:200] or None) if name and name.value else None,
        (tax_id.value.strip()[:32] or None) if tax_id and tax_id.value else None,
    )


def _save_record(
    s: Session,
    dossier_id: str,
    record: Mapping[str, SourcedField],
    pages: Sequence[tuple[StoredFile, Page]] | None,
) -> dict[str, str | None]:
    """Write the six fields; returns every record row's name and value (what the search index shows)."""
    rows = {r.name: r for r in s.scalars(select(RecordField).where(RecordField.dossier_id == dossier_id))}
    wanted = {(f.file, f.page) for f in record.values()}
    if pages is None:
        page_ids = _page_ids_of(s, dossier_id, wanted)
    else:
        page_ids = {(f.name, p.page_no): p.id for f, p in pages if (f.name, p.page_no) in wanted}
    values: dict[str, str | None] = {name: row.value for name, row in rows.items()}
    new_rows: list[dict[str, Any]] = []
    for name in RECORD_FIELDS:
        field = record.get(name)
        columns = {
            "value": field.value if field else None,
            "confidence": field.confidence if field else None,
            "bbox": list(field.bbox) if field and field.bbox is not None else None,
            "source_file": field.file if field else None,
            "source_page_no": field.page if field else None,
            "source_doc_type": str(field.doc_type) if field else None,
            "source_page_id": page_ids.get((field.file, field.page)) if field else None,
        }
        values[name] = columns["value"]
        row = rows.get(name)
        if row is None:
            new_rows.append({"dossier_id": dossier_id, "name": name} | columns)
        else:
            for column, value in columns.items():
                setattr(row, column, value)
    if new_rows:  # the first check: one INSERT, no objects
        s.execute(insert(_RECORD), new_rows)
    return values


def _page_ids_of(s: Session, dossier_id: str, wanted: set[tuple[str, int]]) -> dict[tuple[str, int], int]:
    """The ids of the pages the record's fields come from, by (file name, page number): one query."""
    if not wanted:
        return {}
    query = (
        select(StoredFile.name, Page.page_no, Page.id)
        .join(StoredFile, Page.file_id == StoredFile.id)
        .where(StoredFile.dossier_id == dossier_id, StoredFile.name.in_({file for file, _ in wanted}))
    )
    return {
        (name, page_no): page_id for name, page_no, page_id in s.execute(query) if (name, page_no) in wanted
    }


def _low_confidence_of(pages: Sequence[tuple[StoredFile, Page]], below: float = LOW_CONFIDENCE_BELOW) -> int:
    """count_low_confidence over the dossier's pages as loaded (every field of the dossier is on one)."""
    return sum(
        1 for _, page in pages for field in page.fields if field.confidence < below and not field.corrected
    )


@dataclass(frozen=True, slots=True)
class _FindingKey:
    rule: str
    severity: str
    detail: str
    evidence: str


def _finding_key(rule: str, severity: str, detail: str, evidence: Any) -> _FindingKey:
    # Canonical JSON: PostgreSQL's JSONB hands objects back with their keys reordered.
    return _FindingKey(rule, severity, detail, json.dumps(evidence, sort_keys=True, ensure_ascii=False))


def _save_findings(s: Session, dossier_id: str, findings: Sequence[Finding]) -> int:
    """Keep the rows of findings found again (a reviewer's override with them), add the new ones in one
    INSERT, delete those gone; returns the open blockers among the dossier's findings now (_open_blockers,
    counted from the rows at hand)."""
    old = {
        _finding_key(r.rule, r.severity, r.detail, r.evidence): r
        for r in s.scalars(select(FindingRow).where(FindingRow.dossier_id == dossier_id))
    }
    kept: list[FindingRow] = []
    new_rows: list[dict[str, Any]] = []
    for finding in findings:
        evidence = [e.as_json() for e in finding.evidence]
        severity = str(finding.severity)
        row = old.pop(_finding_key(finding.rule, severity, finding.detail, evidence), None)
        if row is None:
            new_rows.append(
                {
                    "dossier_id": dossier_id,
                    "rule": finding.rule,
                    "severity": severity,
                    "detail": finding.detail,
                    "evidence": evidence,
                    "message": finding.message,
                }
            )
        else:
            row.message = finding.message
            kept.append(row)
    for gone in old.values():
        s.delete(gone)
    s.flush()
    if new_rows:  # opened, as the column's default says
        s.execute(insert(_FINDINGS), new_rows)
    blocker = str(Severity.BLOCKER)
    return sum(1 for r in kept if r.severity == blocker and r.status == FindingStatus.OPEN) + sum(
        1 for r in new_rows if r["severity"] == blocker
    )


def _open_blockers(s: Session, dossier_id: str) -> int:
    query = select(func.count(FindingRow.id)).where(
        FindingRow.dossier_id == dossier_id,
        FindingRow.severity == str(Severity.BLOCKER),
        FindingRow.status == FindingStatus.OPEN,
    )
    return int(s.scalar(query) or 0)


def count_low_confidence(s: Session, dossier_id: str, below: float = LOW_CONFIDENCE_BELOW) -> int:
    query = select(func.count(Field.id)).where(
        Field.dossier_id == dossier_id, Field.confidence < below, Field.corrected.is_(False)
    )
    return int(s.scalar(query) or 0)


# ---------------------------------------------------------------------------------------------- corrections


def correct_field(s: Session, field_id: int, value: str, *, actor: str, reason: str | None = None) -> Field:
    """A reviewer's correction: the value becomes certain (confidence 1.0), the old one goes to the audit."""
    field = s.get(Field, field_id)
    if field is None:
        raise NotFoundError(f"no field {field_id}")
    before = {"value": field.value, "confidence": field.confidence, "corrected": field.corrected}
    field.value = value
    field.confidence = 1.0
    field.corrected = True
    field.corrected_by = actor
    field.corrected_at = utcnow()
    audit(
        s,
        actor,
        "field.corrected",
        dossier_id=field.dossier_id,
        entity=f"field:{field.id}",
        before={"name": field.name, "page_id": field.page_id, **before},
        after={"name": field.name, "page_id": field.page_id, "value": value, "confidence": 1.0},
        reason=reason,
    )
    s.flush()
    return field


def override_finding(s: Session, finding_id: int, *, actor: str, reason: str) -> FindingRow:
    """A reviewer accepts a finding as not blocking (with a reason); the dossier's blocker count follows."""
    row = s.get(FindingRow, finding_id)
    if row is None:
        raise NotFoundError(f"no finding {finding_id}")
    before = {"status": row.status.value}
    row.status, row.override_by, row.override_reason = FindingStatus.OVERRIDDEN, actor, reason
    s.flush()
    get_dossier(s, row.dossier_id).blockers = _open_blockers(s, row.dossier_id)
    after = {"status": row.status.value, "rule": row.rule}
    entity = f"finding:{row.id}"
    audit(
        s, actor, "finding.overridden", dossier_id=row.dossier_id, entity=entity, before=before, after=after
    )
    return row
