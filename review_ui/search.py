"""Search pages: /search (the box in every page's header) and /api/search, over storage.search.

Thin: parse the parameters, search, mask, render. Every signed-in role may search; staff see level-1 values
(bank accounts, ID numbers) masked in the snippets as everywhere else (review_ui.masking): the known values of
the hits' customers and dossiers by substitution, and any long run of digits a page prints besides. Roles that
may not open a dormant customer (review_ui.customers) do not find one either. A bad `q` or `page` gets a
Chinese message naming the parameter (400), a search past its time budget a Chinese message too (503):
never a server error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, jsonify, render_template, request, url_for
from flask_login import current_user

from intake.vocabulary import search_kind_name
from review_ui import access_log, actions
from review_ui.auth import EVERYONE, role_required
from review_ui.masking import LEVEL1_FIELDS, Masker, mask
from storage import search
from storage.models import Role

search_ui = Blueprint("search", __name__)

SEES_DORMANT = (Role.ADMINISTRATOR, Role.AUDITOR)
LONG_NUMBER = re.compile(r"\d{15,}[\dXx]?")  # bank accounts (16-19 digits), ID numbers (17 digits + check)


@dataclass(frozen=True)
class Row:
    """One result as shown: whose, where, and the snippet in (text, is_match) pieces."""

    hit: search.Hit
    kind: str
    kind_name: str
    exact: bool
    customer_no: str | None
    customer_name: str
    dossier_id: str | None
    file_name: str | None
    page_no: int | None
    snippet: str
    pieces: list[tuple[str, bool]]
    customer_url: str | None
    dossier_url: str | None


@dataclass(frozen=True)
class Outcome:
    q: str
    page: int
    results: search.Results | None
    rows: list[Row]
    error: str | None
    status: int


def _run() -> Outcome:
    q = request.args.get("q", "")
    shown_q = q[: search.MAX_QUERY_CHARS]
    try:
        page = search.parse_page(request.args.get("page"))
        with actions.ctx().sessions() as s:
            results = search.search(s, q, page=page, hide_dormant=current_user.role not in SEES_DORMANT)
            staff = current_user.role == Role.STAFF
            level1 = search.level1_values(s, results.hits, LEVEL1_FIELDS) if staff else set()
    except search.SearchTimeout as exc:
        return Outcome(shown_q, 1, None, [], str(exc), 503)
    except search.SearchError as exc:
        return Outcome(shown_q, 1, None, [], str(exc), 400)
    masker = Masker(level1, active=staff)
    terms = [*results.query.terms, *([results.query.key] if results.query.key else [])]
    rows = [_row(hit, masker, terms) for hit in results.hits]
    access_log.search_results_viewed(  # hits quoting a level-1 value in clear (staff: masked, not logged)
        hit.customer_no or hit.dossier_id or ""
        for hit in results.hits
        if LONG_NUMBER.search(hit.snippet) or any(value in hit.snippet for value in level1)
    )
    return Outcome(shown_q, page, results, rows, None, 200)


def _row(hit: search.Hit, masker: Masker, terms: list[str]) -> Row:
    snippet = masker.text(hit.snippet)
    if masker.active:
        snippet = LONG_NUMBER.sub(lambda m: mask(m.group()) or "", snippet)
    return Row(
        hit=hit,
        kind=hit.kind,
        kind_name=search_kind_name(hit.kind),
        exact=hit.exact,
        customer_no=hit.customer_no,
        customer_name=hit.customer_name,
        dossier_id=hit.dossier_id,
        file_name=hit.file_name,
        page_no=hit.page_no,
        snippet=snippet,
        pieces=search.highlight(snippet, terms),
        customer_url=f"/customers/{quote(hit.customer_no)}" if hit.customer_no else None,
        dossier_url=url_for("ui.review", dossier_id=hit.dossier_id) if hit.dossier_id else None,
    )


@search_ui.get("/search")
@role_required(*EVERYONE)
def page() -> Any:
    out = _run()
    return render_template("search.html", out=out), out.status


@search_ui.get("/api/search")
@role_required(*EVERYONE)
def api() -> tuple[Response, int]:
    out = _run()
    if out.error is not None or out.results is None:
        return jsonify(error=out.error, detail=out.error), out.status  # Chinese, naming the parameter
    r = out.results
    return jsonify(
        q=r.query.text,
        page=r.page,
        per_page=r.per_page,
        has_next=r.has_next,
        full_text=r.full_text,
        elapsed_ms=round(r.elapsed_ms, 1),
        results=[_row_json(row) for row in out.rows],
    ), 200


def _row_json(row: Row) -> dict[str, Any]:
    spans, at = [], 0
    for text, matched in row.pieces:
        if matched:
            spans.append([at, at + len(text)])
        at += len(text)
    return {
        **row.hit.as_json(),
        "snippet": row.snippet,  # masked for staff
        "highlights": spans,
        "links": {"customer": row.customer_url, "dossier": row.dossier_url},
    }
