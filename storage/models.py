"""The database schema of Dossier Intake as SQLAlchemy 2.0 typed models.

One dossier holds files, their pages, what was read on each page (fields), the six-field record, the findings
of the rules, and an append-only audit trail. The schema works unchanged on SQLite (embedded mode) and
PostgreSQL (production); every change to it goes through an Alembic migration in storage/migrations.
This module holds no queries: those live in storage/repository.py.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Dialect,
    Enum,
    Float,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from storage.crypto import SealedJSON, SealedText

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Deterministic constraint names, so that migrations can name what they alter on both backends."""

JSONType = JSON().with_variant(JSONB(), "postgresql")


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp that is always tz-aware UTC in Python, whatever the backend.

    SQLite has no time-zone type and hands back naive datetimes; we store UTC there and re-attach UTC on load,
    so code never compares naive with aware datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass a tz-aware datetime (UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return uuid.uuid4().hex


def _str_enum(enum_cls: type[StrEnum], length: int = 20) -> Enum:
    """Store the enum's values (not names) as plain VARCHAR: adding a status later needs no type migration."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=length,
        validate_strings=True,
        values_callable=lambda cls: [member.value for member in cls],
    )


class DossierStatus(StrEnum):
    RECEIVED = "received"
    READING = "reading"
    CHECKING = "checking"
    AWAITING_REVIEW = "awaiting_review"
    SENT_BACK = "sent_back"
    APPROVED = "approved"
    REJECTED = "rejected"
    ARCHIVED = "archived"
    FAILED = "failed"


class IntakeSource(StrEnum):
    """The way a dossier came in; Chinese names in intake.vocabulary.INTAKE_SOURCES."""

    WEB = "web"
    CLI = "cli"
    FOLDER = "folder"


class PageStatus(StrEnum):
    PENDING = "pending"
    READING = "reading"
    DONE = "done"
    FAILED = "failed"


class FindingStatus(StrEnum):
    OPEN = "open"
    OVERRIDDEN = "overridden"


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    REVIEWER = "reviewer"
    STAFF = "staff"
    AUDITOR = "auditor"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy's declarative API
        datetime: UtcDateTime(),
        date: Date(),
        dict[str, Any]: JSONType,
        list[Any]: JSONType,
    }


class Dossier(Base):
    __tablename__ = "dossiers"
    __table_args__ = (
        Index("ix_dossiers_status_deadline", "status", "deadline"),
        Index("ix_dossiers_assigned_reviewer", "assigned_reviewer"),
        Index("ix_dossiers_created_at", "created_at"),
        # the lists' order, soonest deadline first (storage.queries._paged); open dossiers' for the dashboard
        Index("ix_dossiers_list_order", text("(deadline IS NULL)"), "deadline", "created_at", "id"),
        Index(
            "ix_dossiers_open_order",
            text("(deadline IS NULL)"),
            "deadline",
            "created_at",
            "id",
            postgresql_where=text("status NOT IN ('archived', 'rejected')"),
            sqlite_where=text("status NOT IN ('archived', 'rejected')"),
        ),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    reference: Mapped[str | None] = mapped_column(String(200))
    customer_no: Mapped[str | None] = mapped_column(String(16), index=True)  # the customer's, once archived
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    status: Mapped[DossierStatus] = mapped_column(
        _str_enum(DossierStatus), default=DossierStatus.RECEIVED, nullable=False
    )
    pickup_date: Mapped[date | None]
    deadline: Mapped[date | None]
    as_of: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Progress counters: only ever changed with `SET x = x + n` so concurrent workers never lose an update.
    pages_total: Mapped[int] = mapped_column(default=0)
    pages_done: Mapped[int] = mapped_column(default=0)
    pages_failed: Mapped[int] = mapped_column(default=0)
    complete: Mapped[bool] = mapped_column(default=False)
    missing: Mapped[list[Any]] = mapped_column(default=list)  # doc types missing, as of the last check
    blockers: Mapped[int] = mapped_column(default=0)
    low_confidence: Mapped[int] = mapped_column(default=0)
    assigned_reviewer: Mapped[str | None] = mapped_column(String(100))
    notice_due_at: Mapped[datetime | None]  # the 24-hour missing-information notice is due by then
    # The customer as the record reads it (客户名称, 税务登记号), kept here for the lists and their search
    # (migration 0009); written with the record by storage.repository.save_outcome. Not level-1 data.
    customer_name: Mapped[str | None] = mapped_column(String(200))
    customer_tax_id: Mapped[str | None] = mapped_column(String(32))
    complete_first: Mapped[bool | None]  # complete at its first check (end of reading); None: not yet checked
    intake_source: Mapped[str | None] = mapped_column(String(16))  # IntakeSource; NULL before 0008
    intake_name: Mapped[str | None] = mapped_column(String(500))  # a watched folder's item ("扫描/张三")
    intake_key: Mapped[str | None] = mapped_column(String(64), unique=True)  # a folder item's identity

    files: Mapped[list[StoredFile]] = relationship(
        back_populates="dossier", order_by="StoredFile.position", cascade="all, delete-orphan"
    )


class StoredFile(Base):
    __tablename__ = "files"
    __table_args__ = (UniqueConstraint("dossier_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]  # order of upload within the dossier: pages are listed in this order
    name: Mapped[str] = mapped_column(String(500))  # display name, e.g. "docs.zip/营业执照.jpg"
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    kind: Mapped[str | None] = mapped_column(String(16))
    size: Mapped[int] = mapped_column(default=0)
    page_count: Mapped[int] = mapped_column(default=0)
    duplicate_of: Mapped[str | None] = mapped_column(String(500))
    rejected: Mapped[bool] = mapped_column(default=False)
    reject_code: Mapped[str | None] = mapped_column(String(64))
    reject_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    dossier: Mapped[Dossier] = relationship(back_populates="files")
    pages: Mapped[list[Page]] = relationship(
        back_populates="file", order_by="Page.page_no", cascade="all, delete-orphan", passive_deletes=True
    )


class Page(Base):
    __tablename__ = "pages"
    __table_args__ = (
        UniqueConstraint("file_id", "page_no"),
        Index("ix_pages_dossier_id_status", "dossier_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"))
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"))
    page_no: Mapped[int]  # 1-based within its file
    status: Mapped[PageStatus] = mapped_column(_str_enum(PageStatus), default=PageStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    doc_type: Mapped[str | None] = mapped_column(String(32))
    doc_type_confidence: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str | None] = mapped_column(String(16))  # text_layer | ocr
    engine: Mapped[str | None] = mapped_column(String(64))
    rotation: Mapped[int | None]
    skew: Mapped[float | None] = mapped_column(Float)
    width: Mapped[int | None]
    height: Mapped[int | None]
    lines: Mapped[list[Any] | None] = mapped_column(SealedJSON())  # [{"text", "bbox", "confidence"}], sealed
    seals: Mapped[list[Any] | None]  # [{"kind", "text", "bbox", "confidence", "shape"}]
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(200), index=True)  # its Celery worker (WorkerBeat)
    read_at: Mapped[datetime | None]

    file: Mapped[StoredFile] = relationship(back_populates="pages")
    fields: Mapped[list[Field]] = relationship(
        back_populates="page", cascade="all, delete-orphan", passive_deletes=True, order_by="Field.id"
    )


class WorkerBeat(Base):
    """A Celery worker that is alive: it beats every few seconds (workers.heartbeat). Pages claimed by a
    worker whose beat is older than a minute are taken up again by the others (storage.work.reclaim_orphans),
    so a worker killed with its host costs a minute, not the broker's visibility timeout."""

    __tablename__ = "worker_beats"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)  # Celery node name, e.g. celery@host
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    beat_at: Mapped[datetime] = mapped_column(default=utcnow)
    processes: Mapped[int | None]  # its pool's size: how many pages it reads at once (None: one)


class Field(Base):
    __tablename__ = "fields"
    __table_args__ = (UniqueConstraint("page_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(SealedText())  # level-1 values: encrypted at rest (storage/crypto.py)
    confidence: Mapped[float] = mapped_column(Float)
    bbox: Mapped[list[Any] | None]
    raw: Mapped[str] = mapped_column(SealedText(), default="")
    repaired: Mapped[bool] = mapped_column(default=False)
    corrected: Mapped[bool] = mapped_column(default=False)
    corrected_by: Mapped[str | None] = mapped_column(String(100))
    corrected_at: Mapped[datetime | None]

    page: Mapped[Page] = relationship(back_populates="fields")


class RecordField(Base):
    """One of the six invoice-critical fields of a dossier, with the page it was taken from."""

    __tablename__ = "record_fields"
    __table_args__ = (UniqueConstraint("dossier_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    value: Mapped[str | None] = mapped_column(SealedText())
    confidence: Mapped[float | None] = mapped_column(Float)
    source_page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id", ondelete="SET NULL"))
    source_file: Mapped[str | None] = mapped_column(String(500))
    source_page_no: Mapped[int | None]
    source_doc_type: Mapped[str | None] = mapped_column(String(32))
    bbox: Mapped[list[Any] | None]


class FindingRow(Base):
    __tablename__ = "findings"
    __table_args__ = (
        Index("ix_findings_dossier_id", "dossier_id"),
        Index("ix_findings_rule_status", "rule", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))  # blocker | warning
    message: Mapped[str] = mapped_column(SealedText())  # quotes the values it compares
    evidence: Mapped[list[Any]] = mapped_column(SealedJSON(), default=list)
    detail: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[FindingStatus] = mapped_column(_str_enum(FindingStatus), default=FindingStatus.OPEN)
    override_by: Mapped[str | None] = mapped_column(String(100))
    override_reason: Mapped[str | None] = mapped_column(SealedText())  # free text: may quote a value
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEvent(Base):
    """Who changed what, when and why (002: every change keeps the value before it, with person and reason).

    Append-only: rows are never updated or deleted (enforced for ORM sessions below). `dossier_id` carries no
    foreign key on purpose, so the trail outlives the dossier it describes.
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_dossier_id_at", "dossier_id", "at"),
        Index("ix_audit_events_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    dossier_id: Mapped[str | None] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(200), default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(SealedJSON())  # hashed in clear: rotation-proof
    after: Mapped[dict[str, Any] | None] = mapped_column(SealedJSON())
    reason: Mapped[str | None] = mapped_column(SealedText())
    # The tamper-evident chain (migration 0004, storage/audit_chain.py): filled in when the writing
    # transaction commits, under the chain head's lock, so concurrent writers never fork the chain.
    seq: Mapped[int | None] = mapped_column(unique=True)  # 1, 2, 3, … in chain order
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
    payload_sha256: Mapped[str | None] = mapped_column(String(64))  # of before/after, kept when redacted
    redacted_at: Mapped[datetime | None]  # personal values in before/after removed (data-subject request)


def user_name_key(name: str) -> str:
    """The form of a user name that must be unique: " Rev" and "rev" are the same person to a clerk."""
    return name.strip().casefold()


def _name_key_default(context: Any) -> str:
    return user_name_key(str(context.get_current_parameters()["name"]))


class User(Base):
    """A review UI account.

    `name_key` (the stripped, case-folded name) is unique, so "Admin" and "admin" cannot coexist.
    `failed_logins`/`locked_until` throttle password guessing across processes and restarts;
    `session_version` is copied into the session cookie at sign-in and bumped to revoke every session of the
    user (sign-out, password change, deactivation, role change).
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    name_key: Mapped[str] = mapped_column(String(100), unique=True, default=_name_key_default)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[Role] = mapped_column(_str_enum(Role))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    session_version: Mapped[int] = mapped_column(default=1)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class LoginThrottle(Base):
    """Failed sign-ins per client address (key "addr:<ip>"), in the database so all processes agree."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class CustomerStatus(StrEnum):
    ACTIVE = "active"
    DORMANT = "dormant"  # no activity for 3 years (002): narrower access


class Customer(Base):
    """A customer for life (002): one row per tax number (USCC, or the legacy tax registration number).

    `customer_no` (C + YYYYMMDD + sequence) is given at the first archiving and never reused or changed;
    every later dossier of the same tax number is linked to this row. `values` holds the archived values of
    the customer's fields (field name → value) as they stand now; every earlier value is in CustomerHistory.
    """

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_no: Mapped[str] = mapped_column(String(16), unique=True)
    tax_id: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[CustomerStatus] = mapped_column(_str_enum(CustomerStatus), default=CustomerStatus.ACTIVE)
    values: Mapped[dict[str, Any]] = mapped_column(SealedJSON(), default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    first_archived_on: Mapped[date | None]  # the day of the first approval (the date in customer_no)
    last_archived_on: Mapped[date | None]  # the latest approval: with the history, what dormancy looks at


class CustomerHistory(Base):
    """One change of one of a customer's archived values: before, after, when, who and why (002)."""

    __tablename__ = "customer_history"
    __table_args__ = (Index("ix_customer_history_customer_id_at", "customer_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    field: Mapped[str] = mapped_column(String(64))
    before: Mapped[str | None] = mapped_column(SealedText())
    after: Mapped[str | None] = mapped_column(SealedText())
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(SealedText())
    dossier_id: Mapped[str | None] = mapped_column(String(32))  # the dossier the new value came from
    change_request_id: Mapped[int | None] = mapped_column(ForeignKey("change_requests.id"))  # or the request


class ArchiveRecord(Base):
    """The archive record of 002.

    归档编号, 客户编号, 归档日期, 资料类型, 归档份数, 存储位置, 经办人, 审核人.
    """

    __tablename__ = "archive_records"
    __table_args__ = (Index("ix_archive_records_archived_at_id", "archived_at", "id"),)  # newest first

    id: Mapped[int] = mapped_column(primary_key=True)
    archive_no: Mapped[str] = mapped_column(String(32), unique=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), unique=True)
    customer_no: Mapped[str] = mapped_column(String(16), index=True)
    archived_at: Mapped[datetime] = mapped_column(default=utcnow)
    doc_category: Mapped[str] = mapped_column(String(16))  # 合同 / 资质 / 记录
    copies: Mapped[int] = mapped_column(default=1)
    location: Mapped[str] = mapped_column(String(16))  # 电子 / 纸质
    handler: Mapped[str] = mapped_column(String(100))
    reviewer: Mapped[str | None] = mapped_column(String(100))


class AuditAppendOnlyError(RuntimeError):
    pass


AUDIT_REDACTING = "audit.redacting"
"""Session.info key: ids of audit events storage.audit_chain.redact_payload is rewriting right now."""
_REDACTABLE = frozenset({"before", "after", "redacted_at"})


@event.listens_for(Session, "before_flush")
def _keep_audit_append_only(session: Session, flush_context: object, instances: object) -> None:
    """No update or delete of an audit event, except a data-subject redaction of its before/after values
    (only redact_payload sets AUDIT_REDACTING; the chain keeps the payload's hash, so it still verifies)."""
    redacting = session.info.get(AUDIT_REDACTING, frozenset())
    for obj in (*session.dirty, *session.deleted):
        if not isinstance(obj, AuditEvent) or not (obj in session.deleted or session.is_modified(obj)):
            continue
        changed = {a.key for a in inspect(obj).attrs if a.history.has_changes()}
        if obj in session.deleted or obj.id not in redacting or not changed <= _REDACTABLE:
            raise AuditAppendOnlyError("audit events are append-only")


# ----------------------------------------------------------------------------------------------------------
# The archive (issue 11). Each part keeps its tables below its own marker; its migration is named beside it.
# ---- archive documents and filing (migration 0003)


class ArchiveDocument(Base):
    """The archive record of one archived document (002), beside the dossier-level ArchiveRecord.

    归档编号 (the dossier's number + "-NN"), 客户编号, 归档日期, 资料类型, 归档份数 (the standard's paper
    copies of this document type), 存储位置, 经办人, 审核人, and the filed PDF (path relative to the data dir,
    SHA-256, version: a re-archived document gets a new version, never an overwrite) with the pages it holds
    and the originals copied beside it. Rows are written in the approval's transaction after the files exist.
    """

    __tablename__ = "archive_documents"
    __table_args__ = (Index("ix_archive_documents_customer_no_archived_on", "customer_no", "archived_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    archive_no: Mapped[str] = mapped_column(String(40), unique=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("archive_records.id"), index=True)
    dossier_id: Mapped[str] = mapped_column(ForeignKey("dossiers.id"), index=True)
    customer_no: Mapped[str] = mapped_column(String(16))
    archived_on: Mapped[date]
    doc_type: Mapped[str] = mapped_column(String(32))
    doc_category: Mapped[str] = mapped_column(String(16))  # 合同 / 资质 / 记录
    copies: Mapped[int] = mapped_column(default=1)
    location: Mapped[str] = mapped_column(String(16))  # 电子
    handler: Mapped[str] = mapped_column(String(100))
    reviewer: Mapped[str] = mapped_column(String(100))
    pdf_path: Mapped[str] = mapped_column(String(500), unique=True)  # relative to the data dir
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=1)
    pages: Mapped[list[Any]] = mapped_column(default=list)  # [{"file", "page_no", "page_id"}]
    originals: Mapped[list[Any]] = mapped_column(default=list)  # [{"name", "path", "sha256", "size"}]
    manifest_path: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# ---- audit chain and change requests (migration 0004)


class AuditChainHead(Base):
    """The one row (id 1) naming the chain's last entry: its sequence number and hash.

    Appending locks this row (SELECT … FOR UPDATE on PostgreSQL; SQLite writers are serialised by BEGIN
    IMMEDIATE), so two committing transactions can never both extend the same entry. It also lets
    verification notice entries deleted from the end of the chain.
    """

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(default=0)
    hash: Mapped[str] = mapped_column(String(64))


class ChangeRequestStatus(StrEnum):
    AWAITING_APPROVAL = "awaiting_approval"
    APPROVED = "approved"
    REJECTED = "rejected"


class ChangeRequest(Base):
    """A request to change an archived customer's values (002: every change keeps the value before it, with
    date, person and reason); it changes nothing until a reviewer other than the requester approves it.

    `fields` maps each field to change to {"before": the value when requested, "after": the new value}.
    """

    __tablename__ = "change_requests"
    __table_args__ = (Index("ix_change_requests_customer_id_status", "customer_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    status: Mapped[ChangeRequestStatus] = mapped_column(
        _str_enum(ChangeRequestStatus), default=ChangeRequestStatus.AWAITING_APPROVAL
    )
    fields: Mapped[dict[str, Any]] = mapped_column(SealedJSON(), default=dict)
    reason: Mapped[str] = mapped_column(SealedText())
    requested_by: Mapped[str] = mapped_column(String(100))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(SealedText())

    evidence: Mapped[list[ChangeEvidence]] = relationship(order_by="ChangeEvidence.id")


class ChangeEvidence(Base):
    """A scan backing a change request (the new bank permit, say): an original in the file store by sha256."""

    __tablename__ = "change_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    change_request_id: Mapped[int] = mapped_column(ForeignKey("change_requests.id"), index=True)
    name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    size: Mapped[int] = mapped_column(default=0)
    page_count: Mapped[int] = mapped_column(default=0)


# ---- search (migration 0005)


class SearchDocument(Base):
    """What the search finds: one row per customer, dossier and read page, with the text to search in `body`.

    The text is matched by substring (Chinese has no word spaces): on SQLite through an FTS5 trigram index
    (`search_fts`, kept in step by triggers), on PostgreSQL through a pg_trgm GIN index on `body`; both are
    created by migration 0005 in the dialect's own DDL and are not part of these models (storage/search.py
    names them for the schema comparison). `ref` (``c:<customer id>``, ``d:<dossier id>``, ``p:<page id>``)
    makes re-indexing an upsert. Deleting the customer, dossier or page deletes its row.
    """

    __tablename__ = "search_documents"
    # names of customers and dossiers scanned from the index alone for one-character terms
    __table_args__ = (Index("ix_search_documents_kind_title", "kind", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # customer | dossier | page
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    dossier_id: Mapped[str | None] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str | None] = mapped_column(String(500))
    page_no: Mapped[int | None]
    title: Mapped[str] = mapped_column(String(200), default="")  # the customer's name when indexed
    body: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SearchKey(Base):
    """A normalised identifier of a search document (customer number, tax number, bank account, reference):
    upper case, spaces and dashes removed, so an exact number typed any way is found by a B-tree lookup."""

    __tablename__ = "search_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("search_documents.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(64), index=True)


# ---- audit samples and data-subject requests (migration 0006)


class SampleResult(StrEnum):
    """The outcome of re-checking one sampled archive record (names: intake.vocabulary.SAMPLE_RESULTS)."""

    PENDING = "pending"
    PASSED = "passed"
    FAILED = "failed"


class AuditSample(Base):
    """The quarterly audit sample (002: 10–20 % of the quarter's records are sampled and re-checked).

    One per quarter: a sample cannot be drawn again until it looks better. `seed` and `rate` reproduce the
    draw over the records archived in the quarter (`population` of them when drawn).
    """

    __tablename__ = "audit_samples"

    id: Mapped[int] = mapped_column(primary_key=True)
    quarter: Mapped[str] = mapped_column(String(7), unique=True)  # 2026-Q4
    seed: Mapped[int]
    rate: Mapped[float] = mapped_column(Float)
    population: Mapped[int]
    drawn_by: Mapped[str] = mapped_column(String(100))
    drawn_at: Mapped[datetime] = mapped_column(default=utcnow)

    items: Mapped[list[AuditSampleItem]] = relationship(
        back_populates="sample", order_by="AuditSampleItem.position", cascade="all, delete-orphan"
    )


class AuditSampleItem(Base):
    """One sampled archive record and the result of re-checking it, with who checked it and when."""

    __tablename__ = "audit_sample_items"
    __table_args__ = (UniqueConstraint("sample_id", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("audit_samples.id", ondelete="CASCADE"))
    record_id: Mapped[int] = mapped_column(ForeignKey("archive_records.id"), index=True)
    position: Mapped[int]  # order of the draw
    result: Mapped[SampleResult] = mapped_column(_str_enum(SampleResult), default=SampleResult.PENDING)
    note: Mapped[str | None] = mapped_column(SealedText())
    checked_by: Mapped[str | None] = mapped_column(String(100))
    checked_at: Mapped[datetime | None]

    sample: Mapped[AuditSample] = relationship(back_populates="items")


class PersonalDataRequest(Base):
    """A data-subject request carried out (004: customers may have personal information corrected or deleted).

    Who asked, why, who carried it out and when; `done` says what was removed (counts and kinds, never the
    personal values themselves). `dossier_id` has no foreign key, like the audit trail's.
    """

    __tablename__ = "personal_data_requests"
    __table_args__ = (Index("ix_personal_data_requests_dossier_id", "dossier_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # erase
    dossier_id: Mapped[str] = mapped_column(String(32))
    customer_no: Mapped[str | None] = mapped_column(String(16))
    requester: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(SealedText())
    operator: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    done: Mapped[dict[str, Any]] = mapped_column(default=dict)
