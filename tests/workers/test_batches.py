"""Batches of pages (a bulk import): one claim and one save for the whole batch, the same outcomes as page by
page, nothing read or counted twice; and the size of a batch from the queue and the live readers."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from intake.lifecycle.backlog import LIVE, TASKS_PER_PROCESS, pages_per_task, task_size
from intake.lifecycle.context import Context, data_ring
from intake.lifecycle.finishing import finish_step
from intake.lifecycle.reading import (
    MAX_ATTEMPTS,
    PageResult,
    page_image_path,
    read_batch_step,
    read_page_step,
)
from intake.lifecycle.register import register_paths
from ocr.types import DocType
from storage import repository as repo
from storage import sealed_files, work
from storage.models import Dossier, DossierStatus, Field, Page, PageStatus, SearchDocument, utcnow
from tests.storage.builders import reading

from .conftest import sqlite_context
from .pages import known_lines_pages

AS_OF = date(2026, 1, 5)


@pytest.fixture
def ctx(tmp_path: Path) -> Context:
    return sqlite_context(tmp_path, ocr_engine="known-lines")


def _stored(ctx: Context, folder: Path, pages: int) -> tuple[str, list[int]]:
    dossier_id = register_paths(ctx, known_lines_pages(folder, pages, prefix=folder.name), as_of=AS_OF)
    with ctx.sessions.begin() as s:
        repo.set_status(s, dossier_id, DossierStatus.READING)
        return dossier_id, repo.page_ids(s, dossier_id)


def _commits(ctx: Context) -> Counter[str]:
    counts: Counter[str] = Counter()
    engine = ctx.sessions.kw["bind"]
    event.listen(engine, "commit", lambda *_: counts.update(["commit"]))
    return counts


def _counters(ctx: Context, dossier_id: str) -> tuple[int, int, int]:
    with ctx.sessions() as s:
        d = s.get_one(Dossier, dossier_id)
        return d.pages_total, d.pages_done, d.pages_failed


def test_a_batch_reads_a_dossier_in_two_transactions_and_schedules_its_finish_once(
    ctx: Context, tmp_path: Path
) -> None:
    dossier_id, ids = _stored(ctx, tmp_path / "甲", 5)
    commits = _commits(ctx)
    outcomes = read_batch_step(ctx, ids, worker="w1")
    assert commits["commit"] == 2  # the claim, and the readings with the finish claim
    assert [o.result for o in outcomes] == [PageResult.READ] * 5
    assert [o.finish for o in outcomes] == [False] * 4 + [True]
    assert _counters(ctx, dossier_id) == (5, 5, 0)
    with ctx.sessions() as s:
        pages = s.scalars(select(Page).where(Page.dossier_id == dossier_id).order_by(Page.id)).all()
        assert [(p.status, p.attempts, p.claimed_by) for p in pages] == [(PageStatus.DONE, 1, "w1")] * 5
        assert all(p.doc_type == "bank_permit" and p.read_at is not None and p.lines for p in pages)
        fields = Counter(s.scalars(select(Field.page_id).where(Field.dossier_id == dossier_id)))
        assert set(fields) == set(ids) and len(set(fields.values())) == 1  # every page its fields, once
        assert s.get_one(Dossier, dossier_id).status == DossierStatus.CHECKING
    assert all(page_image_path(ctx.settings, dossier_id, i).is_file() for i in ids)
    assert finish_step(ctx, dossier_id)
    with ctx.sessions() as s:
        assert s.get_one(Dossier, dossier_id).status == DossierStatus.AWAITING_REVIEW
        indexed = select(SearchDocument.page_id).where(SearchDocument.dossier_id == dossier_id)
        assert set(s.scalars(indexed)) >= set(ids)


def test_a_batch_across_dossiers_finishes_each_once_and_a_repeat_reads_nothing(
    ctx: Context, tmp_path: Path
) -> None:
    first, first_ids = _stored(ctx, tmp_path / "甲", 3)
    second, second_ids = _stored(ctx, tmp_path / "乙", 2)
    batch = [first_ids[0], second_ids[0], first_ids[1], first_ids[2], second_ids[1]]
    outcomes = read_batch_step(ctx, batch)
    assert Counter(o.dossier_id for o in outcomes if o.finish) == Counter({first: 1, second: 1})
    again = read_batch_step(ctx, batch)  # a redelivered batch
    assert [o.result for o in again] == [PageResult.SKIPPED] * 5
    assert not any(o.finish for o in again)
    assert _counters(ctx, first) == (3, 3, 0) and _counters(ctx, second) == (2, 2, 0)
    with ctx.sessions() as s:
        assert s.scalar(select(func.max(Page.attempts))) == 1


def test_a_page_that_fails_in_a_batch_is_retried_alone_and_the_dossier_finishes_after_it(
    ctx: Context, tmp_path: Path
) -> None:
    dossier_id, ids = _stored(ctx, tmp_path / "甲", 2)
    with ctx.sessions.begin() as s:  # a stored file gone missing from the file store: its page cannot be read
        repo.add_file(s, dossier_id, name="lost.pdf", sha256="b" * 64, kind="pdf", size=1, page_count=1)
        lost = repo.page_ids(s, dossier_id)[-1]
    outcomes = read_batch_step(ctx, [*ids, lost])
    assert [o.result for o in outcomes] == [PageResult.READ, PageResult.READ, PageResult.RETRY]
    assert not any(o.finish for o in outcomes) and outcomes[2].error
    later = [read_batch_step(ctx, [lost, ids[0]]) for _ in range(MAX_ATTEMPTS - 1)]
    # the failed page goes through the single-page path; the page read already is skipped
    assert [[o.result for o in step] for step in later] == [
        [PageResult.RETRY, PageResult.SKIPPED],
        [PageResult.FAILED, PageResult.SKIPPED],
    ]
    assert later[-1][0].finish
    assert _counters(ctx, dossier_id) == (3, 2, 1)


def test_a_page_whose_image_cannot_be_written_fails_alone_and_the_others_keep_theirs(
    ctx: Context, tmp_path: Path
) -> None:
    dossier_id, ids = _stored(ctx, tmp_path / "乙", 3)
    blocked = page_image_path(ctx.settings, dossier_id, ids[1])
    (blocked / "占位").mkdir(parents=True)  # a directory where its image goes: the rename onto it fails
    outcomes = read_batch_step(ctx, ids)
    assert [o.result for o in outcomes] == [PageResult.READ, PageResult.RETRY, PageResult.READ]
    assert outcomes[1].error  # the page says why
    for page_id in (ids[0], ids[2]):  # written while the next page was read, whole and readable
        image = sealed_files.read_file(page_image_path(ctx.settings, dossier_id, page_id), data_ring(ctx))
        assert image[:3] == b"\xff\xd8\xff" and image[-2:] == b"\xff\xd9"
    assert _counters(ctx, dossier_id) == (3, 2, 1)  # two read, one failed (tried again alone, later)
    with ctx.sessions() as s:
        statuses = [s.get_one(Page, i).status for i in ids]
    assert statuses == [PageStatus.DONE, PageStatus.FAILED, PageStatus.DONE]


def test_a_page_read_by_a_duplicate_meanwhile_is_not_counted_twice(ctx: Context, tmp_path: Path) -> None:
    """A batch claimed its pages; before it saves, a redelivered task claims one again and saves it first.
    The batch's save takes the general path for that page: the reading is replaced, the counters stay."""
    dossier_id, ids = _stored(ctx, tmp_path / "甲", 3)
    with ctx.sessions.begin() as s:
        claimed = work.claim_unread_many(s, ids, max_attempts=MAX_ATTEMPTS, worker="slow")
    assert [c.page_id for c in claimed] == ids and all(c.first_read for c in claimed)
    assert read_page_step(ctx, ids[1], worker="fast").result is PageResult.READ
    late = reading(DocType.BANK_PERMIT, {"bank_account": ("1202020309900123456", 0.9)})
    with ctx.sessions.begin() as s:
        repo.save_page_readings(s, dict.fromkeys(ids, late))
    assert _counters(ctx, dossier_id) == (3, 3, 0)
    with ctx.sessions() as s:
        names = s.execute(select(Field.page_id, Field.name).where(Field.dossier_id == dossier_id)).all()
    assert Counter(names) == Counter({(i, "bank_account"): 1 for i in ids})  # no field left over or doubled


def test_a_batch_save_keeps_a_reviewers_correction_on_a_page_read_before(
    ctx: Context, tmp_path: Path
) -> None:
    _, ids = _stored(ctx, tmp_path / "甲", 2)
    read_batch_step(ctx, ids)
    with ctx.sessions.begin() as s:
        field = s.scalars(select(Field).where(Field.page_id == ids[0], Field.name == "bank_account")).one()
        field.value, field.corrected = "6222000011112222", True
    again = reading(DocType.BANK_PERMIT, {"bank_account": ("1202020309900123456", 0.9)})
    with ctx.sessions.begin() as s:
        repo.save_page_readings(s, dict.fromkeys(ids, again))
    with ctx.sessions() as s:
        values = dict(s.execute(select(Field.page_id, Field.value).where(Field.name == "bank_account")).all())
    assert values == {ids[0]: "6222000011112222", ids[1]: "1202020309900123456"}


@pytest.mark.parametrize(
    ("waiting", "processes", "expected"),
    [
        (8, 8, 1),  # one upload, an idle fleet: every page to its own reader
        (0, 0, 1),
        (TASKS_PER_PROCESS * 2 * 3, 2, 3),  # a queue: each of 2 readers still finds TASKS_PER_PROCESS tasks
        (100_000, 16, 8),  # a bulk import: full batches
        (100_000, 0, 8),  # nobody beats yet: as for one reader
    ],
)
def test_pages_per_task_batches_only_when_a_queue_waits(waiting: int, processes: int, expected: int) -> None:
    assert pages_per_task(waiting, processes, most=8) == expected


def test_task_size_counts_the_live_workers_processes(ctx: Context, tmp_path: Path) -> None:
    _stored(ctx, tmp_path / "甲", 40)
    now = utcnow()
    with ctx.sessions.begin() as s:
        work.beat(s, "alive-a", now=now, processes=4)
        work.beat(s, "alive-b", now=now)  # an older release: counts as one
        work.beat(s, "dead", now=now - LIVE - timedelta(seconds=1), processes=64)
    with ctx.sessions() as s:
        assert work.live_processes(s, now - LIVE) == 5
    assert task_size(ctx, now) == 40 // (5 * TASKS_PER_PROCESS)
