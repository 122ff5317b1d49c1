"""The stored dossier as the JSON object of `dossier process --json` (shared/contract.md).

The keys and shapes of the contract are fixed (others parse them); extras are added beside them, never in
their place. Output is plain JSON types only: str, int, float, bool, None, list, dict.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from intake.types import RECORD_FIELDS
from ocr.types import DocType
from storage.models import Dossier, FindingRow, FindingStatus, Page, RecordField, StoredFile


def dossier_json(s: Session, dossier_id: str) -> dict[str, Any]:
    dossier = s.get(Dossier, dossier_id)
    if dossier is None:
        raise LookupError(f"no dossier {dossier_id}")
    files = list(s.scalars(select(StoredFile).where(StoredFile.dossier_id == dossier_id)))
    files.sort(key=lambda f: f.position)
    return {
        "dossier": _dossier_head(dossier),
        "pages": _pages_json(s, dossier_id, files),
        "record": _record_json(s, dossier_id),
        "completeness": {"complete": dossier.complete, "missing": list(dossier.missing or [])},
        "findings": [_finding_json(row) for row in _findings(s, dossier_id)],
        "rejected_files": [
            {"file": f.name, "reason": f.reject_reason or "", "code": f.reject_code or ""}
            for f in files
            if f.rejected
        ],
        "duplicate_files": [
            {"file": f.name, "duplicate_of": f.duplicate_of} for f in files if f.duplicate_of
        ],
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _dossier_head(d: Dossier) -> dict[str, Any]:
    return {
        "id": d.id,
        "status": d.status.value,
        "pickup_date": _iso(d.pickup_date),
        "deadline": _iso(d.deadline),
        "as_of": _iso(d.as_of),
        "reference": d.reference,
        "customer_no": d.customer_no,
        "pages_total": d.pages_total,
        "pages_done": d.pages_done,
        "pages_failed": d.pages_failed,
        "blockers": d.blockers,
        "low_confidence": d.low_confidence,
        "assigned_reviewer": d.assigned_reviewer,
        "notice_due_at": _iso(d.notice_due_at),
        "created_at": _iso(d.created_at),
        "updated_at": _iso(d.updated_at),
    }


def pages_in_order(s: Session, dossier_id: str) -> list[tuple[StoredFile, Page]]:
    """Pages with their file, in file order then page number, fields loaded.

    Duplicate and rejected files have no pages, so each distinct page appears once.
    """
    query = (
        select(StoredFile, Page)
        .join(Page, Page.file_id == StoredFile.id)
        .where(StoredFile.dossier_id == dossier_id)
        .order_by(StoredFile.position, Page.page_no)
        .options(selectinload(Page.fields))
    )
    return [(row[0], row[1]) for row in s.execute(query)]


def _pages_json(s: Session, dossier_id: str, files: Sequence[StoredFile]) -> list[dict[str, Any]]:
    """Every page of every accepted file, in upload order.

    A file sent twice was stored and read once; its second copy lists the same readings under its own
    name (marked ``duplicate_of``), so whoever looks for a file's pages finds them under either name.
    """
    by_file: dict[str, list[dict[str, Any]]] = {}
    for stored, page in pages_in_order(s, dossier_id):
        by_file.setdefault(stored.name, []).append(_page_json(stored.name, page))
    out: list[dict[str, Any]] = []
    for f in files:
        if f.duplicate_of:
            out += [
                {**p, "file": f.name, "duplicate_of": f.duplicate_of} for p in by_file.get(f.duplicate_of, [])
            ]
        else:
            out += by_file.get(f.name, [])
    return out


def _page_json(file_name: str, page: Page) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for row in page.fields:
        entry: dict[str, Any] = {"value": row.value, "confidence": row.confidence, "bbox": row.bbox}
        if row.corrected:
            entry["corrected"] = True
        fields[row.name] = entry
    seals = list(page.seals or [])
    if seals:
        fields["seals"] = _seals_field(seals)
    return {
        "file": file_name,
        "page": page.page_no,
        "doc_type": page.doc_type or str(DocType.UNKNOWN),
        "source": page.source,
        "engine": page.engine,
        "fields": fields,
        "status": page.status.value,
        "doc_type_confidence": page.doc_type_confidence,
        "rotation": page.rotation,
        "seals": seals,
        "error": page.error,
    }


def _seals_field(seals: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The contract's `seals` field: the kinds found, the weakest confidence, one box around them all."""
    boxes = [item["bbox"] for item in seals if item.get("bbox")]
    union = (
        [
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        ]
        if boxes
        else None
    )
    return {
        "value": [item["kind"] for item in seals],
        "confidence": min(float(item["confidence"]) for item in seals),
        "bbox": union,
        "items": seals,
    }


def _record_json(s: Session, dossier_id: str) -> dict[str, str | None]:
    rows = s.scalars(select(RecordField).where(RecordField.dossier_id == dossier_id))
    values = {row.name: row.value for row in rows}
    return {name: values.get(name) for name in RECORD_FIELDS}


def _findings(s: Session, dossier_id: str) -> list[FindingRow]:
    query = select(FindingRow).where(FindingRow.dossier_id == dossier_id).order_by(FindingRow.id)
    return list(s.scalars(query))


def _finding_json(row: FindingRow) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rule": row.rule,
        "severity": row.severity,
        "message": row.message,
        "evidence": list(row.evidence or []),
    }
    if row.detail:
        out["detail"] = row.detail
    if row.status == FindingStatus.OVERRIDDEN:
        out.update(status=row.status.value, override_by=row.override_by, override_reason=row.override_reason)
    return out
