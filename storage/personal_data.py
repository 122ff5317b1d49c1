"""Erasing a consignee's personal data from a dossier (004: customers may have personal data deleted).

What the consignee's ID copy brought into the archive is removed everywhere it went:

- the ID copy's pages: every field read on them, their OCR lines (the page's text) and the page images;
- the consignee's fields on any other page (the logistics contract names the consignee too), and the
  consignee's values inside other pages' text, the findings' messages and evidence, and file names;
- the stored originals that hold nothing but ID-copy pages, when no other dossier or change request refers
  to the same content hash (the store is content-addressed: one file may serve several dossiers); an original
  that also holds other documents' pages is kept and said so;
- the ID copy's filed PDF and the originals copied beside it under archive/;
- the values in old audit entries, through storage.audit_chain.redact_payload, so the tamper-evident chain
  still verifies (each redaction is itself an audit entry).

The database part is one transaction (the caller's); files are deleted only after it committed
(``delete_files``), so a rollback never loses a file whose row stays. The request itself is recorded
(PersonalDataRequest) and audited; neither record holds the erased values, only what kinds and how many.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage import audit_chain
from storage import search as search_index
from storage.filestore import FileStore
from storage.filing import filed_path
from storage.models import (
    ArchiveDocument,
    ArchiveRecord,
    AuditEvent,
    ChangeEvidence,
    ChangeRequest,
    Customer,
    CustomerHistory,
    DossierStatus,
    Field,
    FindingRow,
    Page,
    PersonalDataRequest,
    StoredFile,
)
from storage.repository import audit, get_dossier

CONSIGNEE_DOC = "consignee_id"
PERSONAL_FIELDS = frozenset(
    {"consignee_name", "consignee_id_number", "consignee_phone", "id_valid_from", "id_valid_to"}
)
"""The consignee's own fields, wherever they were read (the ID copy, the logistics contract, the form)."""
TEXT_VALUE_FIELDS = frozenset({"consignee_name", "consignee_id_number", "consignee_phone"})
"""Values distinctive enough to be searched for and replaced inside other text (dates are not)."""
MIN_VALUE_LENGTH = 2  # a one-character value would blank unrelated text
REDACTED = audit_chain.REDACTED
ERASE = "erase"
BEING_READ = (DossierStatus.RECEIVED, DossierStatus.READING, DossierStatus.CHECKING)


class ErasureError(ValueError):
    """The request cannot be carried out as asked; the message (Chinese) is shown as it is."""


@dataclass(slots=True)
class Erasure:
    """What an erasure did; `files_to_delete` are removed by delete_files once the transaction committed."""

    request_id: int = 0
    fields: int = 0
    pages: int = 0
    lines_redacted: int = 0
    findings_redacted: int = 0
    audit_entries_redacted: int = 0
    originals: list[str] = field(default_factory=list)  # sha256 of originals to delete from the store
    kept_originals: list[dict[str, str]] = field(default_factory=list)  # {"file", "why"}
    filed_documents: int = 0
    filed_document_ids: list[int] = field(default_factory=list)  # ArchiveDocument ids whose files went
    customer_values: int = 0  # consignee values removed from the customer's archived values
    files_to_delete: list[Path] = field(default_factory=list)  # page images, filed PDFs and their originals

    def summary(self) -> dict[str, Any]:
        """The record of what was done: kinds and counts, never a personal value."""
        return {
            "fields": self.fields,
            "pages": self.pages,
            "lines_redacted": self.lines_redacted,
            "findings_redacted": self.findings_redacted,
            "audit_entries_redacted": self.audit_entries_redacted,
            "originals_deleted": len(self.originals),
            "originals_kept": self.kept_originals,
            "filed_documents": self.filed_documents,
            "filed_document_ids": self.filed_document_ids,
            "customer_values": self.customer_values,
            "files_deleted": len(self.files_to_delete),
        }


def _replace(text: str, values: Iterable[str]) -> str:
    for value in values:
        text = text.replace(value, REDACTED)
    return text


def _redact_json(data: Any, values: tuple[str, ...]) -> Any:
    if isinstance(data, str):
        return _replace(data, values)
    if isinstance(data, list):
        return [_redact_json(item, values) for item in data]
    if isinstance(data, Mapping):
        return {key: _redact_json(item, values) for key, item in data.items()}
    return data


def _personal_values(s: Session, dossier_id: str, fields: list[Field]) -> tuple[str, ...]:
    """The consignee's values to find in other text: as read now, and as read before any correction."""
    values = {f.value for f in fields if f.name in TEXT_VALUE_FIELDS}
    corrections = s.scalars(
        select(AuditEvent).where(AuditEvent.dossier_id == dossier_id, AuditEvent.action == "field.corrected")
    )
    for event in corrections:
        for payload in (event.before, event.after):
            if isinstance(payload, Mapping) and payload.get("name") in TEXT_VALUE_FIELDS:
                values.add(str(payload.get("value") or ""))
    found = {v.strip() for v in values if v and len(v.strip()) >= MIN_VALUE_LENGTH}
    return tuple(sorted(found, key=len, reverse=True))  # longest first: a name inside a longer value


def _redact_lines(lines: list[Any] | None, values: tuple[str, ...]) -> tuple[list[Any] | None, int]:
    if not lines or not values:
        return lines, 0
    changed = 0
    out = []
    for line in lines:
        if isinstance(line, Mapping) and isinstance(line.get("text"), str):
            text = _replace(line["text"], values)
            if text != line["text"]:
                changed += 1
                line = {**line, "text": text, "chars": None} if "chars" in line else {**line, "text": text}
        out.append(line)
    return out, changed


def erase_consignee(
    s: Session,
    dossier_id: str,
    *,
    requester: str,
    reason: str,
    operator: str,
    page_image: Callable[[int], Path],
    data_dir: Path,
) -> Erasure:
    """Erase the consignee's personal data of one dossier, in the caller's transaction (see the module)."""
    dossier = get_dossier(s, dossier_id)
    if dossier.status in BEING_READ:  # the reader would write the ID copy's fields back
        raise ErasureError("该档案正在识别中，请识别完成后再删除个人信息")
    pages = list(s.scalars(select(Page).where(Page.dossier_id == dossier_id).order_by(Page.id)))
    id_pages = [p for p in pages if p.doc_type == CONSIGNEE_DOC]
    id_page_ids = {p.id for p in id_pages}
    fields = list(
        s.scalars(
            select(Field).where(
                Field.dossier_id == dossier_id,
                (Field.page_id.in_(id_page_ids)) | (Field.name.in_(PERSONAL_FIELDS)),
            )
        )
    )
    if not fields and all(not p.lines for p in id_pages):  # nothing read, or erased before
        raise ErasureError("该档案中没有收货人的个人信息（没有收货人身份证复印件及相关字段，或已删除）")
    values = _personal_values(s, dossier_id, fields)
    done = Erasure(fields=len(fields), pages=len(id_pages))

    for f in fields:
        s.delete(f)
    touched = []
    for page in pages:
        if page.id in id_page_ids:
            page.lines = []  # the ID copy's text goes; its seals (the company's receiving seal) stay
            done.files_to_delete.append(page_image(page.id))
            touched.append(page)
        else:
            page.lines, changed = _redact_lines(page.lines, values)
            done.lines_redacted += changed
            if changed:
                touched.append(page)
    s.flush()
    for page in touched:  # the full-text index holds the pages' text too
        search_index.index_page(s, page)

    done.findings_redacted = _redact_findings(s, dossier_id, values)
    _originals(s, dossier_id, id_page_ids, values, done)
    _filed(s, dossier_id, data_dir, done)
    customer = s.get(Customer, dossier.customer_id) if dossier.customer_id is not None else None
    if customer is not None:
        done.customer_values = _customer(s, customer, dossier_id, values)
    done.audit_entries_redacted = _redact_audit(
        s, dossier_id, customer, values, operator=operator, reason=reason
    )

    customer_no = dossier.customer_no or s.scalar(
        select(ArchiveRecord.customer_no).where(ArchiveRecord.dossier_id == dossier_id)
    )
    request = PersonalDataRequest(
        kind=ERASE,
        dossier_id=dossier_id,
        customer_no=customer_no,
        requester=requester,
        reason=reason,
        operator=operator,
        done=done.summary(),
    )
    s.add(request)
    s.flush()
    done.request_id = request.id
    entity = f"personal_data_request:{request.id}"
    audit(
        s, operator, "personal_data.erased", dossier_id=dossier_id, entity=entity,
        after={"requester": requester, **done.summary()}, reason=reason,
    )  # fmt: skip
    return done


def _redact_findings(s: Session, dossier_id: str, values: tuple[str, ...]) -> int:
    if not values:
        return 0
    changed = 0
    for row in s.scalars(select(FindingRow).where(FindingRow.dossier_id == dossier_id)):
        message, detail = _replace(row.message, values), _replace(row.detail or "", values)
        evidence = _redact_json(row.evidence, values)
        evidence = [
            {**e, "value": REDACTED} if isinstance(e, Mapping) and e.get("field") in PERSONAL_FIELDS else e
            for e in evidence
        ]
        if (message, detail, evidence) != (row.message, row.detail or "", row.evidence):
            row.message, row.detail, row.evidence = message, detail[:200], evidence
            changed += 1
    return changed


def _originals(
    s: Session, dossier_id: str, id_page_ids: set[int], values: tuple[str, ...], done: Erasure
) -> None:
    """Originals holding only ID-copy pages and referred to by nothing else go; the others are named."""
    files = list(s.scalars(select(StoredFile).where(StoredFile.dossier_id == dossier_id)))
    for stored in files:
        page_ids = set(s.scalars(select(Page.id).where(Page.file_id == stored.id)))
        if not page_ids or not page_ids & id_page_ids:
            stored.name = _replace(stored.name, values)
            continue
        display = _replace(stored.name, values)
        if page_ids - id_page_ids:
            done.kept_originals.append({"file": display, "why": "该文件还含有其他资料的页面，原件未删除"})
        elif stored.sha256 and _referred_elsewhere(s, stored.sha256, stored.id):
            done.kept_originals.append({"file": display, "why": "其他档案引用了同一原件，原件未删除"})
        elif stored.sha256:
            done.originals.append(stored.sha256)
            stored.sha256 = None  # nothing may try to open the original any more
        stored.name = display


def _referred_elsewhere(s: Session, sha: str, file_id: int) -> bool:
    other_files = (
        select(func.count()).select_from(StoredFile).where(StoredFile.sha256 == sha, StoredFile.id != file_id)
    )
    evidence = select(func.count()).select_from(ChangeEvidence).where(ChangeEvidence.sha256 == sha)
    return bool(s.scalar(other_files)) or bool(s.scalar(evidence))


def _filed(s: Session, dossier_id: str, data_dir: Path, done: Erasure) -> None:
    """The ID copy's filed PDFs (every version) and the originals copied beside them."""
    query = select(ArchiveDocument).where(
        ArchiveDocument.dossier_id == dossier_id, ArchiveDocument.doc_type == CONSIGNEE_DOC
    )
    for row in s.scalars(query):
        done.filed_documents += 1
        done.filed_document_ids.append(row.id)
        relatives = [row.pdf_path, *(str(o.get("path", "")) for o in row.originals if isinstance(o, Mapping))]
        for relative in relatives:
            path = filed_path(data_dir, relative) if relative else None
            if path is not None:
                done.files_to_delete.append(path)


def _customer(s: Session, customer: Customer, dossier_id: str, values: tuple[str, ...]) -> int:
    """The customer's archived consignee values that came from this dossier, and their history, go too."""
    current = dict(customer.values or {})
    gone = [k for k in PERSONAL_FIELDS if isinstance(current.get(k), str) and current[k].strip() in values]
    for key in gone:
        del current[key]
    if gone:
        customer.values = current  # a new dict: the JSON column sees the change (and search re-indexes)
    history = select(CustomerHistory).where(
        CustomerHistory.customer_id == customer.id, CustomerHistory.field.in_(PERSONAL_FIELDS)
    )
    for row in s.scalars(history):
        mine = row.dossier_id == dossier_id
        if row.before and row.before.strip() in values:
            row.before = REDACTED
        if row.after and (mine or row.after.strip() in values):
            row.after = REDACTED
    for request in s.scalars(select(ChangeRequest).where(ChangeRequest.customer_id == customer.id)):
        redacted = _redact_json(request.fields, values)
        if redacted != request.fields:
            request.fields = redacted
    return len(gone)


def _redact_audit(
    s: Session,
    dossier_id: str,
    customer: Customer | None,
    values: tuple[str, ...],
    *,
    operator: str,
    reason: str,
) -> int:
    """Personal values in earlier audit entries of the dossier (by key and by value) and of its customer
    (by value only: other dossiers' consignees are not this request's) become 〔已删除〕.

    Through storage.audit_chain.redact_payload, so the tamper-evident chain still verifies."""
    about = AuditEvent.dossier_id == dossier_id
    if customer is not None:
        about = about | (AuditEvent.entity == f"customer:{customer.customer_no}")
    ids = list(s.scalars(select(AuditEvent.id).where(about, AuditEvent.hash.is_not(None))))
    redacted = 0
    for event_id in ids:
        entry = s.get_one(AuditEvent, event_id)
        keys: frozenset[str] = frozenset()
        if entry.dossier_id == dossier_id:
            names = {p.get("name") for p in (entry.before, entry.after) if isinstance(p, Mapping)}
            keys = PERSONAL_FIELDS | ({"value"} if names & PERSONAL_FIELDS else set())
        if audit_chain.redact_payload(
            s, event_id, keys=keys, values=values, actor=operator, reason=f"个人信息删除：{reason}"
        ):
            redacted += 1
    return redacted


def delete_files(store: FileStore, done: Erasure, *, still_unreferenced: Callable[[str], bool]) -> int:
    """After the commit: remove the page images, filed files and originals the erasure named.

    `still_unreferenced(sha)` asks the database again just before an original goes: a new upload of the
    same content since the erasure keeps it. Returns how many files were removed.
    """
    removed = 0
    for path in done.files_to_delete:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed += 1
    for sha in done.originals:
        if not still_unreferenced(sha):
            continue
        with contextlib.suppress(FileNotFoundError):
            store.path(sha).unlink()
            removed += 1
    return removed


def unreferenced(s: Session, sha: str) -> bool:
    """No dossier file and no change request's evidence names this content any more."""
    return not _referred_elsewhere(s, sha, file_id=-1)


def erased_document_ids(s: Session) -> set[int]:
    """Archived documents whose filed files an erasure removed on purpose: an archive check should report
    them as erased (the request says by whom and why), not as missing."""
    ids: set[int] = set()
    for done in s.scalars(select(PersonalDataRequest.done).where(PersonalDataRequest.kind == ERASE)):
        ids.update(int(i) for i in (done or {}).get("filed_document_ids", []) if isinstance(i, int))
    return ids


def requests_of(s: Session, dossier_id: str) -> list[PersonalDataRequest]:
    query = select(PersonalDataRequest).where(PersonalDataRequest.dossier_id == dossier_id)
    return list(s.scalars(query.order_by(PersonalDataRequest.id)))


def preview(s: Session, dossier_id: str) -> dict[str, int]:
    """What an erasure would remove (counts), for the confirmation page; NotFoundError for no dossier."""
    get_dossier(s, dossier_id)
    id_pages = list(
        s.scalars(select(Page.id).where(Page.dossier_id == dossier_id, Page.doc_type == CONSIGNEE_DOC))
    )
    personal = (Field.page_id.in_(id_pages)) | (Field.name.in_(PERSONAL_FIELDS))
    fields = s.scalar(select(func.count()).select_from(Field).where(Field.dossier_id == dossier_id, personal))
    return {"pages": len(id_pages), "fields": int(fields or 0)}
