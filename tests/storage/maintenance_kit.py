"""Archived dossiers with real stored originals and page images, built without OCR, for the maintenance tests
(backup and restore, audit samples, personal-data erasure).

Each dossier's scans are tiny generated pages whose text names the dossier, so two dossiers share no file
unless a test says so; the readings are the review UI tests' READINGS (a licence, a permit, the form, the
consignee's ID card); every blocker is overridden and the dossier approved through the lifecycle.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select, text

from intake.lifecycle.checking import NoticePolicy, check_and_save
from intake.lifecycle.context import Context
from intake.lifecycle.reading import page_image_path
from intake.lifecycle.register import register_uploads
from intake.lifecycle.review import approve, confirm_field, doubts, override_finding
from intake.settings import Settings
from storage import repository as repo
from storage.db import make_engine
from storage.models import DossierStatus, FindingRow, FindingStatus
from tests.review_ui.conftest import READINGS
from tests.workers.pages import tiny_page

RECEIVED = date(2026, 11, 20)
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.services)]
SettingsFor = Callable[[Path], Settings]


@pytest.fixture(params=BACKENDS)
def settings_for(request: pytest.FixtureRequest) -> Iterator[SettingsFor]:
    """Settings of a data dir; on PostgreSQL each call also creates an empty database, dropped at the end
    (whole databases, not schemas: pg_dump and pg_restore work on databases)."""
    if request.param == "sqlite":
        yield lambda data_dir: Settings.for_data_dir(data_dir)
        return
    url: str = request.getfixturevalue("pg_url")
    admin = make_engine(url, isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def make(data_dir: Path) -> Settings:
        name = f"bk_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}"))
        made.append(name)
        return Settings.for_data_dir(data_dir, database_url=url.rsplit("/", 1)[0] + f"/{name}")

    yield make
    with admin.connect() as conn:
        for name in made:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def upload(ctx: Context, folder: Path, reference: str, *, consignee_scan: Path | None = None) -> str:
    """Register one dossier of len(READINGS) one-page files, the last the consignee's ID copy
    (`consignee_scan`: a given file, which another dossier may hold too)."""
    folder.mkdir(parents=True, exist_ok=True)
    pages = [tiny_page(folder / f"{reference}-{n}.png", f"{reference} 第{n}页") for n in range(len(READINGS))]
    if consignee_scan is not None:
        pages[-1] = consignee_scan
    uploads = [(p.name, io.BytesIO(p.read_bytes())) for p in pages]
    return register_uploads(
        ctx, uploads, as_of=RECEIVED, pickup_date=date(2026, 12, 10), reference=reference, actor="admin"
    )


def read_without_ocr(ctx: Context, dossier_id: str) -> list[int]:
    """What the reader leaves: the pages read as READINGS, an upright image per page; the page ids."""
    with ctx.sessions.begin() as s:
        page_ids = repo.page_ids(s, dossier_id)
        for page_id, page_reading in zip(page_ids, READINGS, strict=True):
            repo.save_page_reading(s, page_id, page_reading)
        check_and_save(s, dossier_id, ctx.rules, as_of=RECEIVED, notice=NoticePolicy.START)
        repo.set_status(s, dossier_id, DossierStatus.AWAITING_REVIEW)
    for page_id in page_ids:
        target = page_image_path(ctx.settings, dossier_id, page_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (124, 175), (255, 255, page_id % 256)).save(target, format="JPEG")
    return page_ids


def archive(ctx: Context, dossier_id: str, today: date = RECEIVED) -> str:
    """Override the open blockers, confirm the doubtful fields as read, approve; the archive number."""
    with ctx.sessions() as s:
        open_ids = list(
            s.scalars(
                select(FindingRow.id).where(
                    FindingRow.dossier_id == dossier_id,
                    FindingRow.status == FindingStatus.OPEN,
                    FindingRow.severity == "blocker",
                )
            )
        )
    for finding_id in open_ids:
        override_finding(ctx, finding_id, actor="administrator", reason="原件已核对")
    for doubt in doubts(ctx, dossier_id):
        confirm_field(ctx, doubt.field_id, actor="reviewer")
    decided = approve(ctx, dossier_id, actor="reviewer", today=today)
    assert decided.archive_no is not None
    return decided.archive_no


def archived_dossier(
    ctx: Context, folder: Path, reference: str, *, today: date = RECEIVED, consignee_scan: Path | None = None
) -> str:
    dossier_id = upload(ctx, folder, reference, consignee_scan=consignee_scan)
    read_without_ocr(ctx, dossier_id)
    archive(ctx, dossier_id, today)
    return dossier_id
