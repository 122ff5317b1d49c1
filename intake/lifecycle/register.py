"""Register a dossier: its files stored and sniffed (intake.files), its pages pending, its status `reading` —
or `failed` when not one file could be accepted: there is nothing to read, and a dossier of nothing must
not reach 待审核 as thirteen "缺少…" blockers; the review page and the upload answer show the refused files.

The same for every way in (CLI paths, web uploads, a watched folder): the files are stored by content hash
before anything is written to the database, so a refused or broken file never loses the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import BinaryIO

from intake.files import IngestResult, ingest, ingest_uploads
from intake.lifecycle.context import Context
from storage import repository as repo
from storage.models import DossierStatus, IntakeSource


def register_dossier(
    ctx: Context,
    result: IngestResult,
    *,
    as_of: date,
    pickup_date: date | None = None,
    reference: str | None = None,
    actor: str = "system",
    source: IntakeSource = IntakeSource.CLI,
    intake_name: str | None = None,
    intake_key: str | None = None,
) -> str:
    """Record an ingested dossier with its files, refusals and pending pages; returns the dossier id.

    `source` says how it came in (shown in the queue); `intake_key` is a watched folder item's identity,
    unique, so a restarted watcher finds the dossier it registered (intake.lifecycle.watching).
    """
    with ctx.sessions.begin() as s:
        dossier = repo.create_dossier(
            s, reference=reference or None, pickup_date=pickup_date, as_of=as_of, actor=actor
        )
        dossier.intake_source, dossier.intake_name, dossier.intake_key = source, intake_name, intake_key
        for f in result.files:
            repo.add_file(
                s, dossier.id, name=f.name, sha256=f.sha256, kind=f.kind, size=f.size,
                page_count=f.page_count, duplicate_of=f.duplicate_of,
            )  # fmt: skip
        for r in result.rejected:
            repo.add_rejected_file(s, dossier.id, name=r.file, code=r.code, reason=r.reason)
        if not result.files:
            repo.set_status(s, dossier.id, DossierStatus.FAILED, actor=actor, reason=NOTHING_READABLE)
        else:
            repo.set_status(s, dossier.id, DossierStatus.READING, actor=actor)
        return dossier.id


NOTHING_READABLE = "上传的文件都无法读取，需要重新上传"


def register_paths(
    ctx: Context,
    paths: Sequence[Path],
    *,
    as_of: date,
    pickup_date: date | None = None,
    reference: str | None = None,
    actor: str = "system",
) -> str:
    """Files and folders on disk (the CLI, a watched folder)."""
    result = ingest(list(paths), ctx.store, ctx.limits)
    return register_dossier(
        ctx, result, as_of=as_of, pickup_date=pickup_date, reference=reference, actor=actor
    )


def register_uploads(
    ctx: Context,
    uploads: Iterable[tuple[str, BinaryIO]],
    *,
    as_of: date,
    pickup_date: date | None = None,
    reference: str | None = None,
    actor: str = "system",
) -> str:
    """Uploaded streams (the web UI and API): the client's names are display names only."""
    result = ingest_uploads(uploads, ctx.store, ctx.limits)
    return register_dossier(
        ctx, result, as_of=as_of, pickup_date=pickup_date, reference=reference, actor=actor,
        source=IntakeSource.WEB,
    )  # fmt: skip
