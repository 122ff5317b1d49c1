"""Keeping the archive (002, 004): backup and restore, the quarterly audit sample, data-subject requests.

Each function is one operation the `dossier` command or the review UI asks for; the storage layer does the
copying, the SQL and the file writing (storage.backup, storage.sampling, storage.personal_data).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from intake.lifecycle.context import Context
from intake.lifecycle.reading import page_image_path
from intake.settings import Settings
from storage import backup as backups
from storage import personal_data, sampling
from storage.db import make_engine, migrate
from storage.models import AuditSample
from storage.personal_data import ErasureError
from storage.sampling import SampleError

__all__ = [
    "ErasureError",
    "SampleError",
    "SampleView",
    "back_up",
    "draw_sample",
    "erase_personal_data",
    "personal_data_preview",
    "personal_data_requests",
    "record_sample_result",
    "record_sample_result_by_archive_no",
    "restore",
    "sample_of",
    "samples",
]


def back_up(settings: Settings, target: Path) -> backups.BackupSummary:
    """A consistent backup of the database and the data dir into `target` (see storage.backup)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return backups.create_backup(settings, target)


def restore(settings: Settings, source: Path, *, force: bool = False) -> backups.RestoreSummary:
    """Restore a verified backup, then bring the restored schema up to this program's migrations.

    The migration runs after the restored rows and files were checked against the manifest, so a backup
    written by an older version is usable at once and the check still compares like with like.
    """
    settings.ensure_dirs()
    summary = backups.restore_backup(settings, source, force=force)
    engine = make_engine(settings.database_url)
    try:
        migrate(engine)
    finally:
        engine.dispose()
    return summary


# ------------------------------------------------------------------------------------ the audit sample


@dataclass(frozen=True, slots=True)
class SampleView:
    """A quarter's sample as the CLI and the UI show it."""

    quarter: str
    seed: int
    rate: float
    population: int
    drawn_by: str
    drawn_at: datetime
    counts: dict[str, int]
    rows: list[sampling.SampleRow]


def _view(s: Session, sample: AuditSample, *, with_rows: bool = True) -> SampleView:
    return SampleView(
        quarter=sample.quarter,
        seed=sample.seed,
        rate=sample.rate,
        population=sample.population,
        drawn_by=sample.drawn_by,
        drawn_at=sample.drawn_at,
        counts=sampling.counts(s, sample),
        rows=sampling.rows_of(s, sample) if with_rows else [],
    )


def draw_sample(
    ctx: Context, quarter: str, *, actor: str, rate: object = None, seed: object = None
) -> SampleView:
    """Draw the quarter's sample (default rate 10 %, a fresh random seed that is stored and shown).

    Raises SampleError (Chinese message) for a bad quarter, rate or seed, a quarter already sampled (also
    when another user drew it a moment ago) or a quarter without archive records.
    """
    period = sampling.parse_quarter(quarter)
    fraction = sampling.check_rate(sampling.DEFAULT_RATE if rate in (None, "") else rate)
    chosen_seed = (
        secrets.randbelow(sampling.MAX_SEED + 1) if seed in (None, "") else sampling.check_seed(seed)
    )
    try:
        with ctx.sessions.begin() as s:
            sample = sampling.draw(s, period, rate=fraction, seed=chosen_seed, actor=actor)
            return _view(s, sample)
    except IntegrityError:  # the unique quarter: someone else's draw committed first
        raise sampling.SampleError(f"{period.label} 已抽样，每季度只抽取一次") from None


def sample_of(ctx: Context, quarter: str) -> SampleView | None:
    period = sampling.parse_quarter(quarter)
    with ctx.sessions() as s:
        sample = sampling.sample_of(s, period)
        return None if sample is None else _view(s, sample)


def samples(ctx: Context) -> list[SampleView]:
    """Every quarter's sample, newest quarter first, with its counts (rows left out)."""
    with ctx.sessions() as s:
        return [_view(s, sample, with_rows=False) for sample in sampling.all_samples(s)]


def record_sample_result(
    ctx: Context, quarter: str, item_id: int, result: str, note: str | None, *, actor: str
) -> None:
    """Record 合格/不合格 (with a note) for one sampled record; an audit event keeps the value before."""
    period = sampling.parse_quarter(quarter)
    with ctx.sessions.begin() as s:
        sampling.record_result(s, period, item_id, result, note, actor=actor)


def record_sample_result_by_archive_no(
    ctx: Context, quarter: str, archive_no: str, result: str, note: str | None, *, actor: str
) -> None:
    """The same, naming the record by its archive number (the command line)."""
    period = sampling.parse_quarter(quarter)
    with ctx.sessions.begin() as s:
        item_id = sampling.item_id_of(s, period, archive_no)
        sampling.record_result(s, period, item_id, result, note, actor=actor)


# -------------------------------------------------------------------------------- data-subject requests

REQUESTER_MAX = 200
REASON_MAX = 2000


def erase_personal_data(
    ctx: Context, dossier_id: str, *, requester: str, reason: str, operator: str
) -> personal_data.Erasure:
    """Erase the consignee's personal data of a dossier (004), logged with requester, reason and operator.

    The rows change in one transaction (old audit entries redacted through the audit chain, so it still
    verifies); the files go after the commit, each original only if nothing refers to it by then. Raises
    ErasureError (Chinese) for a missing requester or reason or nothing to erase, NotFoundError for an
    unknown dossier.
    """
    requester, reason = (requester or "").strip(), (reason or "").strip()
    if not requester:
        raise ErasureError("请填写提出请求的人（requester）")
    if not reason:
        raise ErasureError("请填写删除原因（reason）")
    if len(requester) > REQUESTER_MAX or len(reason) > REASON_MAX:
        raise ErasureError(f"请求人最多 {REQUESTER_MAX} 字，原因最多 {REASON_MAX} 字")
    with ctx.sessions.begin() as s:
        done = personal_data.erase_consignee(
            s,
            dossier_id,
            requester=requester,
            reason=reason,
            operator=operator,
            page_image=lambda page_id: page_image_path(ctx.settings, dossier_id, page_id),
            data_dir=ctx.settings.data_dir,
        )

    def still_unreferenced(sha: str) -> bool:
        with ctx.sessions() as s:
            return personal_data.unreferenced(s, sha)

    personal_data.delete_files(ctx.store, done, still_unreferenced=still_unreferenced)
    return done


def personal_data_preview(ctx: Context, dossier_id: str) -> dict[str, int]:
    """How many ID-copy pages and personal fields an erasure would remove (NotFoundError: no dossier)."""
    with ctx.sessions() as s:
        return personal_data.preview(s, dossier_id)


def personal_data_requests(ctx: Context, dossier_id: str) -> list[dict[str, object]]:
    """The data-subject requests carried out on a dossier, oldest first."""
    with ctx.sessions() as s:
        return [
            {"id": r.id, "kind": r.kind, "requester": r.requester, "reason": r.reason,
             "operator": r.operator, "at": r.at, "done": dict(r.done)}
            for r in personal_data.requests_of(s, dossier_id)
        ]  # fmt: skip
