"""Search: customers by number, name, tax number, bank account; dossiers by their record; pages by full text.

Chinese has no spaces between words: a word index cannot find 南海 in 佛山市南海区. What is searched is
kept in `search_documents` (one row per customer, dossier and read page) and matched as a substring:

- SQLite: the FTS5 trigram index `search_fts` (migration 0005; triggers keep it in step) answers terms of
  three or more characters as phrases. A two-character term has no trigram of its own; it is expanded
  through the index's vocabulary (`search_fts_vocab`) to the trigrams that begin with it (every body ends
  with a newline, so every occurrence begins one) and answered by the index too, page text included. A
  one-character term (or a two-character one too common to expand) only filters the index's candidates, or,
  alone, searches the names of customers and dossiers (a scan of the covering index on kind and title) —
  never a scan of every page.
- PostgreSQL: ILIKE on `body`, served by the pg_trgm GIN index for three or more characters; pg_trgm has no
  trigram for a shorter term, so a query of only one- or two-character terms searches names only (as above).
- Results come in two parts so that a phrase found on thousands of pages costs no more than one result
  page: the ranked head (exact numbers, customers, dossiers) is sorted; pages follow newest first in the
  index's own order and the database stops after one result page. tests/bench/search.py measures it.
- Numbers (customer number, tax number, bank account, reference) are also kept normalised — upper case,
  spaces and dashes removed — in `search_keys`; a query shaped like a number is normalised the same way, so
  `9144 0605-ma4w` finds 91440605MA4W…; an exact key match ranks first.

Hostile input never reaches SQL as syntax: terms go into bound parameters, quoted as one FTS5 phrase (inner
quotes doubled) or as a LIKE pattern with `%`, `_` and `\\` escaped. A query is at most MAX_QUERY_CHARS, a
result page at most MAX_PER_PAGE rows and MAX_PAGE pages deep, and every search runs under a time budget
(SQLite progress handler, PostgreSQL statement_timeout) that ends it with SearchTimeout instead of a hang.

The index is kept where things are written: storage.repository calls index_page (a page read) and
index_dossier (the record saved, a customer number given); customers and dossiers changed through the ORM are
re-indexed by the after_flush listener below, so whoever writes a Customer (creation at approval, a change
request, a data-subject correction) keeps the index current without calling anything. Writes with Core
UPDATE statements must call index_customer / index_dossier themselves; `reindex_all` rebuilds everything.
"""

from __future__ import annotations

import re
import sqlite3
import time
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    Select,
    String,
    and_,
    case,
    column,
    delete,
    event,
    false,
    func,
    insert,
    inspect,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy import table as sa_table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from intake.vocabulary import field_name, search_kind_name
from storage import blind
from storage.crypto import KeyRing, ring_of
from storage.models import (
    Customer,
    CustomerStatus,
    Dossier,
    Field,
    Page,
    RecordField,
    SearchDocument,
    SearchKey,
    StoredFile,
    utcnow,
)

MAX_QUERY_CHARS = 100
MAX_TERMS = 8
MAX_PER_PAGE = 50
MAX_PAGE = 50
PER_PAGE = 20
TIME_BUDGET_S = 2.0
SNIPPET_BEFORE = 24
SNIPPET_AFTER = 56
MIN_TRIGRAM = 3
MAX_EXPANSIONS = 300  # trigrams a two-character term may stand for
PROGRESS_EVERY = 200  # SQLite VM steps between two looks at the clock

KINDS = ("customer", "dossier", "page")
KEY_FIELDS = ("tax_id", "bank_account", "approval_no")
"""Fields whose values are identifiers: kept normalised in search_keys for an exact lookup."""

DIALECT_ONLY_TABLES = ("search_fts",)
DIALECT_ONLY_INDEXES = ("ix_search_trgm_named", "ix_search_trgm_pages")

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028-\u202e\ufeff\ud800-\udfff]")
_KEY_SEPARATORS = re.compile(r"[\s\-‐‑‒–—－_]+")
_KEY_SHAPED = re.compile(r"[0-9A-Za-z][0-9A-Za-z\s\-‐‑‒–—－]*")
_NUMBER_RUN = re.compile(r"[0-9A-Z](?:[0-9A-Z]|[ \-](?=[0-9A-Z])){7,}")
_ESCAPE_LIKE = re.compile(r"([\\%_])")


class SearchError(ValueError):
    """A query the search refuses, with the reason in Chinese for the clerk (names the parameter)."""


class SearchTimeout(SearchError):
    """The search ran past its time budget and was stopped."""


def include_in_comparison(name: str | None, type_: str, parent_names: Mapping[str, Any]) -> bool:
    """For Alembic's model/schema comparison: the dialect-only search objects are not in the models."""
    if type_ == "table" and name is not None and name.startswith(DIALECT_ONLY_TABLES):
        return False
    trigrams = name is not None and name.endswith("_trgm")  # the lists' search, migration 0012
    return not (type_ == "index" and (name in DIALECT_ONLY_INDEXES or trigrams))


# ------------------------------------------------------------------------------------------ normalisation


def fold(value: str) -> str:
    """Text as indexed and searched: NFKC (full-width digits and letters half-width), no control chars."""
    return _CONTROL.sub(" ", unicodedata.normalize("NFKC", value))


def normalise_key(value: str) -> str:
    """An identifier as stored in search_keys: folded, upper case, spaces and dashes removed."""
    return _KEY_SEPARATORS.sub("", fold(value)).upper()


def _number_runs(body: str) -> list[str]:
    """Identifier-like runs in free text (a printed account `6222 0202 …`), normalised, for the keys line."""
    runs = {normalise_key(m.group()) for m in _NUMBER_RUN.finditer(body.upper())}
    return sorted(r for r in runs if len(r) >= 8 and any(c.isdigit() for c in r))


@dataclass(frozen=True)
class Query:
    """A parsed query: what the user typed (folded), its terms, and the normalised number if it is one."""

    text: str
    terms: tuple[str, ...]
    key: str | None

    @property
    def empty(self) -> bool:
        return not self.terms


def parse_query(raw: str | None, *, parameter: str = "q") -> Query:
    """Parse the `q` parameter; an over-long query is refused with a Chinese message naming the parameter."""
    raw = raw or ""
    if len(raw) > MAX_QUERY_CHARS:
        raise SearchError(f"检索词过长：参数 {parameter} 最多 {MAX_QUERY_CHARS} 个字符，收到 {len(raw)} 个。")
    folded = " ".join(fold(raw).split())
    key = None
    if folded and _KEY_SHAPED.fullmatch(folded) and any(c.isdigit() for c in folded):
        key = normalise_key(folded)
    if key and len(key) >= 2:
        return Query(folded, (key,), key)
    terms = tuple(dict.fromkeys(folded.split()))[:MAX_TERMS]
    return Query(folded, terms, None)


def parse_page(raw: str | None, *, parameter: str = "page") -> int:
    """A 1-based result page from a request parameter; refused in Chinese when not a number in range."""
    if raw is None or raw.strip() == "":
        return 1
    try:
        page = int(raw.strip())
    except ValueError:
        raise SearchError(f"参数 {parameter} 应为 1 到 {MAX_PAGE} 之间的整数，收到「{raw[:20]}」。") from None
    if not 1 <= page <= MAX_PAGE:
        raise SearchError(f"参数 {parameter} 应为 1 到 {MAX_PAGE} 之间的整数，收到 {page}。")
    return page


# ---------------------------------------------------------------------------------------------- indexing


def _dialect(conn: Connection) -> str:
    return conn.dialect.name


def _conn(s: Session | Connection) -> Connection:
    return s.connection() if isinstance(s, Session) else s


@dataclass(frozen=True)
class _Doc:
    """A search document about to be written, with its normalised keys."""

    ref: str
    kind: str
    body: str
    keys: tuple[str, ...] = ()
    title: str = ""
    customer_id: int | None = None
    dossier_id: str | None = None
    page_id: int | None = None
    file_name: str | None = None
    page_no: int | None = None


def _write(conn: Connection, docs: Sequence[_Doc]) -> None:
    """Insert or replace search documents and their keys: an upsert on `ref` (safe when run twice), a few
    statements per batch whatever its size (executemany), so a re-index is not one round trip per row."""
    if not docs:
        return
    docs = _blinded_docs(ring_of(conn.dialect), docs)
    now = utcnow()
    rows = [
        {
            "ref": d.ref,
            "kind": d.kind,
            "title": d.title[:200],
            "body": d.body if d.body.endswith("\n") else d.body + "\n",  # see _expand
            "customer_id": d.customer_id,
            "dossier_id": d.dossier_id,
            "page_id": d.page_id,
            "file_name": d.file_name,
            "page_no": d.page_no,
            "updated_at": now,
        }
        for d in docs
    ]
    upsert_of = pg_insert if _dialect(conn) == "postgresql" else sqlite_insert
    base = upsert_of(SearchDocument)
    upsert = base.on_conflict_do_update(
        index_elements=["ref"], set_={k: base.excluded[k] for k in rows[0] if k != "ref"}
    )
    # RETURNING gives the ids of inserted and updated rows alike: no SELECT of them afterwards
    ids: dict[str, int] = {
        ref: i for ref, i in conn.execute(upsert.returning(SearchDocument.ref, SearchDocument.id), rows)
    }
    conn.execute(delete(SearchKey).where(SearchKey.document_id.in_(list(ids.values()))))
    keys = [
        {"document_id": ids[d.ref], "key": k}
        for d in docs
        for k in sorted({k[:64] for k in d.keys if k and len(k) >= 2})
    ]
    if keys:
        conn.execute(insert(SearchKey), keys)


def _blinded_docs(ring: KeyRing | None, docs: Sequence[_Doc]) -> list[_Doc]:
    """Level-1 numbers (accounts, ID numbers, phones) in text and keys as keyed tokens (storage/blind.py)."""
    out = []
    for d in docs:
        body, extra = blind.blind_text(ring, d.body)
        keys = (*(blind.blind_key(ring, k) for k in d.keys), *extra)
        out.append(replace(d, body=body, keys=keys))
    return out


def _blinded_query(ring: KeyRing | None, query: Query) -> Query:
    """A query for a level-1 number looks for its token, as the index holds it."""
    if ring is None:
        return query
    terms = tuple(blind.blind_key(ring, t) for t in query.terms)
    key = blind.blind_key(ring, query.key) if query.key else None
    return Query(query.text, terms, key)


def _lines(pairs: Iterable[tuple[str, Any]]) -> list[str]:
    return [f"{field_name(name)}：{fold(str(value))}" for name, value in pairs if _scalar(value)]


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool) and str(value).strip() != ""


def _keys_line(keys: Iterable[str]) -> str:
    return " ".join(sorted({k for k in keys if k}))


def _customer_doc(customer: Customer) -> _Doc:
    values = customer.values or {}
    pairs = sorted((k, v) for k, v in values.items() if k != "customer_name")
    keys = [normalise_key(customer.customer_no or ""), normalise_key(customer.tax_id or "")]
    keys += [normalise_key(str(values[k])) for k in KEY_FIELDS if _scalar(values.get(k))]
    body = "\n".join(
        [
            fold(customer.name or ""),
            f"客户编号：{customer.customer_no}",
            f"{field_name('tax_id')}：{fold(customer.tax_id or '')}",
            *_lines(pairs),
            _keys_line(keys),
        ]
    )
    return _Doc(
        f"c:{customer.id}", "customer", body, tuple(keys), customer.name or "", customer_id=customer.id
    )


def index_customers(s: Session | Connection, customers: Iterable[Customer]) -> None:
    """(Re-)index customers: name, number, tax number and every archived value (level-1 ones included:
    masking happens on the way out, the index must find an account)."""
    _write(_conn(s), [_customer_doc(c) for c in customers])


def index_customer(s: Session | Connection, customer: Customer) -> None:
    """(Re-)index one customer (see index_customers); call it after a Core UPDATE of `customers`."""
    index_customers(s, [customer])


def index_dossiers(s: Session | Connection, dossier_ids: Iterable[str]) -> None:
    """(Re-)index dossiers from their rows and six-field records (also before they are archived)."""
    conn = _conn(s)
    wanted = list(dict.fromkeys(dossier_ids))
    if not wanted:
        return
    rows = conn.execute(
        select(Dossier.id, Dossier.reference, Dossier.customer_no, Dossier.customer_id).where(
            Dossier.id.in_(wanted)
        )
    ).all()
    records: dict[str, dict[str, str]] = {}
    for dossier_id, name, value in conn.execute(
        select(RecordField.dossier_id, RecordField.name, RecordField.value).where(
            RecordField.dossier_id.in_(wanted), RecordField.value.is_not(None)
        )
    ):
        if value:
            records.setdefault(dossier_id, {})[name] = value
    docs = [
        _dossier_doc(row.id, row.reference, row.customer_no, row.customer_id, records.get(row.id, {}))
        for row in rows
    ]
    _write(conn, docs)


def _dossier_doc(
    dossier_id: str,
    reference: str | None,
    customer_no: str | None,
    customer_id: int | None,
    values: Mapping[str, str],
) -> _Doc:
    keys = [normalise_key(customer_no or ""), normalise_key(reference or "")]
    keys += [normalise_key(values[k]) for k in KEY_FIELDS if values.get(k)]
    head = [f"档案编号：{fold(reference)}" if reference else ""]
    head.append(f"客户编号：{customer_no}" if customer_no else "")
    body = "\n".join(x for x in [*head, *_lines(sorted(values.items())), _keys_line(keys)] if x)
    return _Doc(
        f"d:{dossier_id}",
        "dossier",
        body,
        tuple(keys),
        values.get("customer_name", ""),
        customer_id=customer_id,
        dossier_id=dossier_id,
    )


def index_dossier(s: Session | Connection, dossier_id: str) -> None:
    """(Re-)index one dossier (see index_dossiers)."""
    index_dossiers(s, [dossier_id])


def index_saved_dossier(
    s: Session,
    dossier: Dossier,
    record: Mapping[str, str | None],
    pages: Sequence[Page] = (),
    names: Mapping[int, str] | None = None,
) -> None:
    """(Re-)index a dossier whose row and record this session has just written and flushed, from those
    values rather than read back (as index_dossier would), and with it `pages` (as index_pages would): one
    write for the finish's read pages and its dossier. `record`: every record row's name and value;
    `names`: file id → name of the pages' files."""
    values = {name: value for name, value in record.items() if value}
    doc = _dossier_doc(dossier.id, dossier.reference, dossier.customer_no, dossier.customer_id, values)
    conn = _conn(s)
    _write(conn, [*_page_docs(conn, pages, names), doc])


def _page_body(lines: Any) -> str:
    texts = [fold(str(ln.get("text", ""))) for ln in lines or [] if isinstance(ln, Mapping)]
    body = "\n".join(t for t in texts if t.strip())
    numbers = _number_runs(body)
    return body + ("\n" + _keys_line(numbers) if numbers else "")


def index_pages(
    s: Session | Connection, pages: Iterable[Page], *, names: Mapping[int, str] | None = None
) -> None:
    """(Re-)index read pages: the text of their lines in reading order, and the numbers printed on them.
    `names`: file id → name of their files, when the caller has them (else read)."""
    conn = _conn(s)
    _write(conn, _page_docs(conn, list(pages), names))


def _page_docs(conn: Connection, pages: Sequence[Page], names: Mapping[int, str] | None) -> list[_Doc]:
    if not pages:
        return []
    if names is None:
        names = dict(
            conn.execute(
                select(StoredFile.id, StoredFile.name).where(StoredFile.id.in_({p.file_id for p in pages}))
            ).all()
        )
    return [
        _Doc(
            f"p:{p.id}",
            "page",
            _page_body(p.lines),
            dossier_id=p.dossier_id,
            page_id=p.id,
            file_name=names.get(p.file_id),
            page_no=p.page_no,
        )
        for p in pages
    ]


def index_page(s: Session | Connection, page: Page) -> None:
    """(Re-)index one read page (see index_pages)."""
    index_pages(s, [page])


def reindex_all(s: Session, *, batch: int = 500) -> int:
    """Rebuild every search document (after migration 0005 on an existing database), a batch at a time so
    memory stays bounded; returns how many were written."""
    count = 0
    last = 0
    while chunk := s.scalars(
        select(Customer).where(Customer.id > last).order_by(Customer.id).limit(batch)
    ).all():
        index_customers(s, chunk)
        count, last = count + len(chunk), chunk[-1].id
        s.expunge_all()
    last_dossier = ""
    while ids := s.scalars(
        select(Dossier.id).where(Dossier.id > last_dossier).order_by(Dossier.id).limit(batch)
    ).all():
        index_dossiers(s, ids)
        count, last_dossier = count + len(ids), ids[-1]
    last = 0
    while pages := s.scalars(
        select(Page).where(Page.id > last, Page.lines.is_not(None)).order_by(Page.id).limit(batch)
    ).all():
        index_pages(s, pages)
        count, last = count + len(pages), pages[-1].id
        s.expunge_all()
    return count


_DOSSIER_KEYS = ("reference", "customer_no", "customer_id")


@event.listens_for(Session, "after_flush")
def _index_flushed(session: Session, flush_context: object) -> None:
    """Customers written through the ORM, and dossiers whose number, customer or reference changed, are
    re-indexed in the same transaction (the lists still hold the pre-flush state here)."""
    customers: list[Customer] = []
    dossiers: list[str] = []
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Customer) and obj.id is not None:
            customers.append(obj)
        elif isinstance(obj, Dossier) and obj.id is not None:
            state = inspect(obj)
            if obj in session.new or any(state.attrs[k].history.has_changes() for k in _DOSSIER_KEYS):
                dossiers.append(obj.id)
    if customers:
        index_customers(session.connection(), customers)
    if dossiers:
        index_dossiers(session.connection(), dossiers)


# ------------------------------------------------------------------------------------------------ search


@dataclass(frozen=True)
class Hit:
    """One result: whose it is (customer name and number), where the match is, and a snippet around it."""

    kind: str  # customer | dossier | page
    exact: bool  # a number matched exactly
    customer_no: str | None
    customer_name: str
    customer_status: str | None
    customer_id: int | None
    dossier_id: str | None
    file_name: str | None
    page_no: int | None
    snippet: str

    def as_json(self) -> dict[str, Any]:
        """The hit for `/api/search` and `dossier search --json` (the caller masks level-1 values first)."""
        return {
            "kind": self.kind,
            "kind_name": search_kind_name(self.kind),
            "exact": self.exact,
            "customer": {"customer_no": self.customer_no, "name": self.customer_name},
            "dossier_id": self.dossier_id,
            "file": self.file_name,
            "page": self.page_no,
            "snippet": self.snippet,
        }


@dataclass(frozen=True)
class Results:
    query: Query
    hits: list[Hit]
    page: int
    per_page: int
    has_next: bool
    full_text: bool  # False: terms too short for the page text; only customers and dossiers were searched
    elapsed_ms: float = 0.0
    notes: list[str] = field(default_factory=list)


def _like(term: str) -> str:
    return "%" + _ESCAPE_LIKE.sub(r"\\\1", term) + "%"


def search(
    s: Session,
    raw: str | None,
    *,
    page: int = 1,
    per_page: int = PER_PAGE,
    budget_s: float = TIME_BUDGET_S,
    hide_dormant: bool = False,
    parameter: str = "q",
) -> Results:
    """Search customers, dossiers and page text; exact numbers first, then customers, dossiers, pages.

    Two queries, so that a phrase on thousands of pages costs no more than a page of results: the ranked
    head (exact numbers, then customers — names starting with the query first, shorter names first —, then
    dossiers; at most MAX_PAGE × MAX_PER_PAGE rows, which are short) is sorted; the pages follow, newest
    first, in the order the index yields them (FTS5 rowid order, or the primary key on PostgreSQL), so the
    database stops after one result page. Only the rows shown are joined to their dossier and customer.

    `hide_dormant` leaves out everything of dormant customers (002: narrower access; the roles that may not
    open a dormant customer should not find it either). Raises SearchError (Chinese message naming
    `parameter`) for a refused query and SearchTimeout past the time budget.
    """
    started = time.perf_counter()
    query = parse_query(raw, parameter=parameter)
    page = min(max(page, 1), MAX_PAGE)
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    if query.empty:
        return Results(query, [], page, per_page, has_next=False, full_text=True)
    conn = s.connection()
    sought = _blinded_query(ring_of(conn.dialect), query)  # level-1 numbers as the index holds them
    offset, wanted = (page - 1) * per_page, per_page + 1
    with _time_budget(s, budget_s):
        plan = _plan(conn, sought)
        full_text = not plan.names_only
        head = conn.execute(_head_query(conn, sought, plan, hide_dormant=hide_dormant)).all()
        chosen = [(row.id, row.tier) for row in head[offset : offset + wanted]]
        if len(chosen) < wanted and full_text and not plan.nothing:
            skip = max(0, offset - len(head))
            pages = (
                _pages_query(conn, plan, hide_dormant=hide_dormant).limit(wanted - len(chosen)).offset(skip)
            )
            chosen += [(doc_id, 4) for doc_id in conn.execute(pages).scalars()]
        has_next = len(chosen) > per_page
        hits = _hits(conn, sought, chosen[:per_page], _revealed(query, sought))
    elapsed = (time.perf_counter() - started) * 1000
    return Results(query, hits, page, per_page, has_next, full_text, elapsed)


_DOCS = SearchDocument.__table__
_FTS = sa_table("search_fts", column("rowid", Integer))
_FTS_MATCH = literal_column("search_fts").op("MATCH")
_VOCAB = sa_table("search_fts_vocab", column("term", String))
# Written inline (not bound) so that PostgreSQL matches them to the partial trigram indexes' predicates.
_PAGE = _DOCS.c.kind == literal_column("'page'")
_NAMED = _DOCS.c.kind != literal_column("'page'")


@dataclass(frozen=True)
class _Plan:
    """How a query is matched on this backend (see the module docstring).

    `fts`: the FTS5 query (SQLite) when the index can answer; `filters`: terms matched with LIKE/ILIKE on
    the body of the index's candidates; `names_only`: no term the index can answer, so only the names of
    customers and dossiers are searched (a bounded scan of a covering index), never page text; `nothing`:
    a two-character term that no indexed text contains.
    """

    fts: str | None
    filters: tuple[str, ...]
    names_only: bool
    nothing: bool = False


def _plan(conn: Connection, query: Query) -> _Plan:
    if _dialect(conn) != "sqlite":
        long_terms = [t for t in query.terms if len(t) >= MIN_TRIGRAM]
        return _Plan(None, query.terms, names_only=not long_terms)
    parts: list[str] = []
    filters: list[str] = []
    for term in query.terms:
        if len(term) >= MIN_TRIGRAM:
            parts.append(_fts_quote(term))
        elif len(term) == MIN_TRIGRAM - 1:
            expansions = _expand(conn, term)
            if expansions is None:  # too common to expand: matched on the candidates, or by name
                filters.append(term)
            elif not expansions:
                return _Plan(None, (), names_only=False, nothing=True)
            else:
                parts.append("(" + " OR ".join(_fts_quote(x) for x in expansions) + ")")
        else:
            filters.append(term)
    if not parts:
        return _Plan(None, tuple(filters), names_only=True)
    return _Plan(" AND ".join(parts), tuple(filters), names_only=False)


def _expand(conn: Connection, term: str) -> list[str] | None:
    """The indexed trigrams that begin with a two-character term (FTS5 vocabulary, a range on the term);
    every body ends with a newline, so each occurrence of the term begins one. None when there are more
    than MAX_EXPANSIONS (a term so common that the candidates are better found otherwise)."""
    low = term.lower()  # the trigram tokenizer folds case
    rows = conn.execute(
        select(_VOCAB.c.term)
        .where(_VOCAB.c.term >= low, _VOCAB.c.term < low + "\U0010ffff")
        .limit(MAX_EXPANSIONS + 1)
    ).scalars()
    found = list(rows)
    return None if len(found) > MAX_EXPANSIONS else found


def _fts_quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _contains(conn: Connection, column: Any, term: str) -> Any:
    """`column` contains `term`, ignoring case where the term has any. SQLite's LIKE already ignores ASCII
    case; on PostgreSQL ILIKE is several times slower than LIKE on Chinese text, and pointless for a term of
    Chinese characters and digits, so LIKE is used for those (pg_trgm's index serves both)."""
    pattern = _like(term)
    if _dialect(conn) == "sqlite" or term.lower() == term.upper():
        return column.like(pattern, escape="\\")
    return column.ilike(pattern, escape="\\")


def _text_match(conn: Connection, plan: _Plan) -> Any:
    """The SQL condition on a document: the index's match (SQLite FTS5, or ILIKE served by pg_trgm on
    PostgreSQL) and every filter term in its body; only names when the plan says so."""
    d = _DOCS.c
    if plan.nothing:
        return false()
    if plan.names_only:
        return and_(*(_contains(conn, d.title, t) for t in plan.filters))
    conditions = [_contains(conn, d.body, t) for t in plan.filters]
    if plan.fts is not None:
        conditions.append(d.id.in_(select(_FTS.c.rowid).where(_FTS_MATCH(plan.fts))))
    return and_(*conditions)


def _visible(stmt: Select[Any], *, hide_dormant: bool) -> Select[Any]:
    """Leave out the documents of dormant customers (theirs, or their dossiers' and pages')."""
    if not hide_dormant:
        return stmt
    d = _DOCS.c
    owner = func.coalesce(d.customer_id, Dossier.customer_id)
    return (
        stmt.outerjoin(Dossier, Dossier.id == d.dossier_id)
        .outerjoin(Customer, Customer.id == owner)
        .where(or_(Customer.id.is_(None), Customer.status != CustomerStatus.DORMANT))
    )


def _head_query(conn: Connection, query: Query, plan: _Plan, *, hide_dormant: bool) -> Select[Any]:
    """Exact numbers, then customers and dossiers, ranked (tier 0-3), at most MAX_PAGE × MAX_PER_PAGE + 1.

    The exact numbers are a UNION branch of their own, not an OR: an OR with the text condition would keep
    PostgreSQL from using either index and scan every body.
    """
    d = _DOCS.c
    prefix = _ESCAPE_LIKE.sub(r"\\\1", query.terms[0]) + "%"
    tier = case(
        (and_(d.kind == "customer", d.title.like(prefix, escape="\\")), 1),
        (d.kind == "customer", 2),
        else_=3,
    )
    named: Select[Any] = select(d.id, tier.label("tier"), func.length(d.title).label("size")).where(
        _text_match(conn, plan), _NAMED
    )
    branches = [_visible(named.select_from(_DOCS), hide_dormant=hide_dormant)]
    if query.key:
        exact = (
            select(d.id, literal(0).label("tier"), literal(0).label("size"))
            .select_from(_DOCS.join(SearchKey, SearchKey.document_id == d.id))
            .where(SearchKey.key == query.key)
        )
        branches.insert(0, _visible(exact, hide_dormant=hide_dormant))
    ranked = union_all(*branches).subquery()
    best = (
        select(ranked.c.id, func.min(ranked.c.tier).label("tier"), func.min(ranked.c.size).label("size"))
        .group_by(ranked.c.id)
        .subquery()
    )
    return (
        select(best.c.id, best.c.tier)
        .order_by(best.c.tier, best.c.size, best.c.id.desc())
        .limit(MAX_PAGE * MAX_PER_PAGE + 1)
    )


def _pages_query(conn: Connection, plan: _Plan, *, hide_dormant: bool) -> Select[Any]:
    """Pages containing every term, newest first, in the index's own order (no sort of all matches)."""
    d = _DOCS.c
    if plan.fts is not None:
        filters = [_contains(conn, d.body, t) for t in plan.filters]
        stmt = (
            select(d.id)
            .select_from(_FTS.join(_DOCS, d.id == _FTS.c.rowid))
            .where(_FTS_MATCH(plan.fts), _PAGE, *filters)
            .order_by(_FTS.c.rowid.desc())
        )
    else:
        stmt = select(d.id).select_from(_DOCS).where(_PAGE, _text_match(conn, plan))
        stmt = stmt.order_by(d.id.desc())
    return _visible(stmt, hide_dormant=hide_dormant)


def _revealed(query: Query, sought: Query) -> dict[str, str]:
    """Token → the number the user typed: a snippet may show what they searched for (and masking for staff
    applies to it as before); every other token is shown as ［已加密号码］."""
    pairs = [*zip(sought.terms, query.terms, strict=True), (sought.key, query.key)]
    return {token: typed for token, typed in pairs if token and typed and token != typed}


def _hits(
    conn: Connection,
    query: Query,
    chosen: Sequence[tuple[int, int]],
    revealed: Mapping[str, str] | None = None,
) -> list[Hit]:
    """The chosen documents, in the chosen order, named by their customer (or the name on the record)."""
    if not chosen:
        return []
    d = _DOCS.c
    owner_id = func.coalesce(d.customer_id, Dossier.customer_id)
    rows = {
        r.id: r
        for r in conn.execute(
            select(
                d.id,
                d.kind,
                d.dossier_id,
                d.file_name,
                d.page_no,
                d.title,
                d.body,
                Customer.id.label("owner_id"),
                Customer.customer_no.label("owner_no"),
                Customer.name.label("owner_name"),
                Customer.status.label("owner_status"),
                Dossier.customer_no.label("dossier_customer_no"),
            )
            .select_from(_DOCS)
            .outerjoin(Dossier, Dossier.id == d.dossier_id)
            .outerjoin(Customer, Customer.id == owner_id)
            .where(d.id.in_([doc_id for doc_id, _ in chosen]))
        )
    }
    names = _record_names(conn, [r.dossier_id for r in rows.values() if r.owner_id is None and r.dossier_id])
    terms = [*query.terms, *([query.key] if query.key else [])]
    hits = []
    for doc_id, tier in chosen:
        r = rows.get(doc_id)
        if r is None:  # deleted meanwhile
            continue
        hits.append(
            Hit(
                kind=r.kind,
                exact=tier == 0,
                customer_no=r.owner_no or r.dossier_customer_no,
                customer_name=r.owner_name or r.title or names.get(r.dossier_id or "", ""),
                customer_status=str(r.owner_status) if r.owner_status is not None else None,
                customer_id=r.owner_id,
                dossier_id=r.dossier_id,
                file_name=r.file_name,
                page_no=r.page_no,
                snippet=blind.shown(snippet(r.body, terms), revealed or {}),
            )
        )
    return hits


def _record_names(conn: Connection, dossier_ids: Sequence[str]) -> dict[str, str]:
    """The customer name on the record of dossiers not linked to a customer yet (named in the results)."""
    if not dossier_ids:
        return {}
    rows = conn.execute(
        select(RecordField.dossier_id, RecordField.value).where(
            RecordField.dossier_id.in_(set(dossier_ids)), RecordField.name == "customer_name"
        )
    ).all()
    return {dossier_id: value or "" for dossier_id, value in rows}


def level1_values(s: Session, hits: Sequence[Hit], fields: Iterable[str]) -> set[str]:
    """The values of the level-1 `fields` of the hits' customers and dossiers, so the caller can mask them
    wherever a snippet quotes one (bounded: one result page)."""
    names = set(fields)
    values: set[str] = set()
    customer_ids = {h.customer_id for h in hits if h.customer_id is not None}
    dossier_ids = {h.dossier_id for h in hits if h.dossier_id}
    if customer_ids:
        for customer_values in s.scalars(select(Customer.values).where(Customer.id.in_(customer_ids))):
            values.update(str(v) for k, v in (customer_values or {}).items() if k in names and _scalar(v))
    if dossier_ids:
        values.update(
            v
            for v in s.scalars(
                select(Field.value).where(Field.dossier_id.in_(dossier_ids), Field.name.in_(names))
            )
            if v
        )
        values.update(
            v
            for v in s.scalars(
                select(RecordField.value).where(
                    RecordField.dossier_id.in_(dossier_ids), RecordField.name.in_(names)
                )
            )
            if v
        )
    return values | {normalise_key(v) for v in values}


@contextmanager
def _time_budget(s: Session, seconds: float) -> Iterator[None]:
    """Stop the statement after `seconds`: SearchTimeout instead of a request that never returns."""
    conn = s.connection()
    if _dialect(conn) == "sqlite":
        raw: Any = conn.connection.driver_connection
        deadline = time.monotonic() + seconds
        raw.set_progress_handler(lambda: int(time.monotonic() > deadline), PROGRESS_EVERY)
        try:
            yield
        except DBAPIError as exc:
            if isinstance(exc.orig, sqlite3.OperationalError) and "interrupt" in str(exc.orig):
                raise SearchTimeout(_timeout_message(seconds)) from None
            raise
        finally:
            raw.set_progress_handler(None, 0)
        return
    # One round trip before and one after: a savepoint whose rollback undoes both the SET LOCAL and, after a
    # cancelled statement, the aborted state, so the caller's transaction goes on either way.
    ms = max(1, int(seconds * 1000))
    conn.exec_driver_sql(f"SAVEPOINT search_budget; SET LOCAL statement_timeout = {ms}")
    try:
        yield
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) == "57014":  # query_canceled
            raise SearchTimeout(_timeout_message(seconds)) from None
        raise
    finally:
        conn.exec_driver_sql("ROLLBACK TO SAVEPOINT search_budget; RELEASE SAVEPOINT search_budget")


def _timeout_message(seconds: float) -> str:
    return f"检索超时（超过 {seconds:g} 秒），请输入更具体的检索词。"


# ---------------------------------------------------------------------------------------------- snippets


def _pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    unique = sorted({t for t in terms if t}, key=len, reverse=True)
    return re.compile("|".join(re.escape(t) for t in unique), re.IGNORECASE) if unique else None


def snippet(body: str, terms: Sequence[str]) -> str:
    """A short piece of `body` around the first match of any term, on one line, with … where cut."""
    pattern = _pattern(terms)
    match = pattern.search(body) if pattern else None
    if match is None:
        start, end = 0, SNIPPET_BEFORE + SNIPPET_AFTER
    else:
        start, end = max(0, match.start() - SNIPPET_BEFORE), match.end() + SNIPPET_AFTER
    piece = " / ".join(part for part in body[start:end].split("\n") if part.strip())
    return ("…" if start > 0 else "") + piece + ("…" if end < len(body) else "")


def highlight(value: str, terms: Sequence[str]) -> list[tuple[str, bool]]:
    """`value` cut into (text, is_match) pieces, for a template to wrap the matches in <mark> (escaped)."""
    pattern = _pattern(terms)
    if pattern is None:
        return [(value, False)] if value else []
    pieces: list[tuple[str, bool]] = []
    at = 0
    for match in pattern.finditer(value):
        if match.start() > at:
            pieces.append((value[at : match.start()], False))
        pieces.append((match.group(), True))
        at = match.end()
    if at < len(value):
        pieces.append((value[at:], False))
    return pieces
