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
from ocr.classify import Analysis, PageSignals, analyse
from ocr.fields import extract_fields
from ocr.types import DocType, PageReading
from storage import mapping
from storage import repository as repo
from storage import search as search_index
from storage.contract_json import pages_in_order
from storage.models import Dossier, DossierStatus, Page, PageStatus, StoredFile


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


class _StoredFacts:
    """page_facts, with titles and signals re-read from the stored lines only when the grouping asks: it
    does not for the first page, nor for a page of the type before it (intake.continuations)."""

    __slots__ = ("_found", "_page", "confidence", "doc_type", "file_id")

    def __init__(self, file_id: int, page: Page) -> None:
        self.file_id = file_id
        self.doc_type = mapping.doc_type(page.doc_type)
        self.confidence = page.doc_type_confidence or 0.0
        self._page = page
        self._found: Analysis | None = None

    def _analysis(self) -> Analysis:
        if self._found is None:
            self._found = analyse(mapping.lines(self._page), self._page.height or 0)
        return self._found

    @property
    def titled(self) -> bool:
        return self.doc_type in self._analysis().titles

    @property
    def signals(self) -> PageSignals:
        return self._analysis().signals


def resolve_continuations(ctx: Context, dossier_id: str) -> None:
    """Tie continuation pages to the document before them and index the read pages (tie_continuations), in
    a transaction of its own."""
    with ctx.sessions.begin() as s:
        tie_continuations(s, pages_in_order(s, dossier_id))


def tie_continuations(s: Session, ordered: Sequence[tuple[StoredFile, Page]], *, index: bool = True) -> None:
    """Tie continuation pages to the document before them (continued_types) and re-extract their fields
    as the document's type, so a contract's last page counts as the contract's and not as a seal card; then
    index the read pages for search, all in one batch (the page steps leave that to here). `ordered`: the
    dossier's pages (storage.contract_json.pages_in_order). `index=False`: the caller indexes them (the
    finish, in one write with the dossier's own search document)."""
    pages = [(f, page) for f, page in ordered if page.status == PageStatus.DONE]
    facts = [_StoredFacts(f.id, page) for f, page in pages]
    for (_, page), fact, doc_type in zip(pages, facts, continued_types(facts), strict=True):
        if doc_type != fact.doc_type:
            _retype(s, page, doc_type)
    s.flush()
    if index:
        names = {f.id: f.name for f, _ in pages}
        search_index.index_pages(s, [page for _, page in pages], names=names)


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
        _finish(ctx, s, repo.get_dossier(s, dossier_id), actor=actor)


def _finish(ctx: Context, s: Session, dossier: Dossier, *, actor: str) -> None:
    ordered = pages_in_order(s, dossier.id)
    # a retyped page's fields are reloaded when the checks read them; the pages are indexed with the dossier
    tie_continuations(s, ordered, index=False)
    check_and_save(
        s,
        dossier.id,
        ctx.rules,
        as_of=dossier.as_of,
        notice=NoticePolicy.START,
        pages=ordered,
        index_pages=True,
    )
    customers.link_known_customer(s, dossier.id, actor=actor)  # the reviewer sees what differs
    repo.set_status(s, dossier.id, DossierStatus.AWAITING_REVIEW, actor=actor)


def finish_step(ctx: Context, dossier_id: str) -> bool:
    """Finish the dossier if it waits for that (`checking`); False if it does not (a redelivered finish).
    The status is read in the finish's own transaction: the dossier's row is loaded there anyway."""
    with dossier_context(dossier_id), ctx.sessions.begin() as s:  # its log lines name the dossier
        dossier = s.get(Dossier, dossier_id)
        if dossier is None or dossier.status != DossierStatus.CHECKING:
            return False
        _finish(ctx, s, dossier, actor="system")
    return True
