"""Finishing a dossier once its pages are read: tie continuation pages to their documents, then assemble the
record, run the checks as of the day received (a missing-information notice starts now), hand over to review.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from intake.continuations import PageFacts, continued_types
from intake.lifecycle import customers
from intake.lifecycle.checking import NoticePolicy, check_and_save
from intake.lifecycle.context import Context
from intake.lifecycle.logs import dossier_context
from ocr.classify import analyse
from ocr.fields import extract_fields
from ocr.types import DocType, PageReading
from storage import mapping, work
from storage import repository as repo
from storage import search as search_index
from storage.contract_json import pages_in_order
from storage.models import DossierStatus, Page, PageStatus, StoredFile


def page_facts(file_id: int, page: Page) -> PageFacts:
    """The grouping's view of a stored page; titles and signals are re-read from its stored lines."""
    doc_type = mapping.doc_type(page.doc_type)
    found = analyse(mapping.lines(page), page.height or 0)
    return PageFacts(
        file_id=file_id,
        doc_type=doc_type,
        confidence=page.doc_type_confidence or 0.0,
        titled=doc_type in found.titles,
        signals=found.signals,
    )


def resolve_continuations(ctx: Context, dossier_id: str) -> None:
    """Tie continuation pages to the document before them and index the read pages (tie_continuations), in
    a transaction of its own."""
    with ctx.sessions.begin() as s:
        tie_continuations(s, pages_in_order(s, dossier_id))


def tie_continuations(s: Session, ordered: Sequence[tuple[StoredFile, Page]]) -> None:
    """Tie continuation pages to the document before them (continued_types) and re-extract their fields
    as the document's type, so a contract's last page counts as the contract's and not as a seal card; then
    index the read pages for search, all in one batch (the page steps leave that to here). `ordered`: the
    dossier's pages (storage.contract_json.pages_in_order)."""
    pages = [(f, page) for f, page in ordered if page.status == PageStatus.DONE]
    facts = [page_facts(f.id, page) for f, page in pages]
    for (_, page), fact, doc_type in zip(pages, facts, continued_types(facts), strict=True):
        if doc_type != fact.doc_type:
            _retype(s, page, doc_type)
    s.flush()
    search_index.index_pages(s, [page for _, page in pages])


def _retype(s: Session, page: Page, doc_type: DocType) -> None:
    text = mapping.page_text(page)
    fields = extract_fields(doc_type, text.lines, text.source)
    reading = PageReading(doc_type, 0.5, text, fields, mapping.seals(page))
    repo.save_page_reading(s, page.id, reading, index=False)  # indexed with the others just after


def finish_dossier(ctx: Context, dossier_id: str, *, actor: str = "system") -> None:
    """Group pages into documents, assemble the record, run the checks, hand over to review: one
    transaction, so the pages and fields loaded to tie continuations are the ones the checks read (the
    session's identity map: loaded and decrypted once) and a finish that fails leaves nothing half done."""
    with ctx.sessions.begin() as s:
        ordered = pages_in_order(s, dossier_id)
        tie_continuations(s, ordered)  # a retyped page's fields are reloaded when the checks read them
        dossier = repo.get_dossier(s, dossier_id)
        check_and_save(
            s, dossier_id, ctx.rules, as_of=dossier.as_of, notice=NoticePolicy.START, pages=ordered
        )
        customers.link_known_customer(s, dossier_id, actor=actor)  # the reviewer sees what differs
        repo.set_status(s, dossier_id, DossierStatus.AWAITING_REVIEW, actor=actor)


def finish_step(ctx: Context, dossier_id: str) -> bool:
    """Finish the dossier if it waits for that (`checking`); False if it does not (a redelivered finish)."""
    with ctx.sessions() as s:
        status = work.dossier_status(s, dossier_id)
    if status != DossierStatus.CHECKING:
        return False
    with dossier_context(dossier_id):  # its log lines name the dossier (intake.lifecycle.logs)
        finish_dossier(ctx, dossier_id)
    return True
