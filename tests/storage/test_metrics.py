"""The /metrics queries on both backends: seconds per page from each backend's own date arithmetic, urgency
from the deadline, failures from the pages given up and the files refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from intake.lifecycle.metrics import failure_reason
from storage import metrics
from storage.db import make_session_factory, migrate
from storage.models import Dossier, DossierStatus, Page, PageStatus, StoredFile
from tests.storage.conftest import EngineFactory

TODAY = date(2026, 11, 20)
START = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def _dossier(s: Session, deadline: date | None, status: DossierStatus) -> Dossier:
    d = Dossier(status=status, as_of=TODAY, deadline=deadline, pages_total=3, pages_done=1, pages_failed=1)
    s.add(d)
    s.flush()
    f = StoredFile(dossier_id=d.id, position=1, name="a.pdf", kind="pdf", page_count=3)
    refused = StoredFile(dossier_id=d.id, position=2, name="b.jpg", rejected=True, reject_code="empty_file")
    s.add_all([f, refused])
    s.flush()
    s.add_all(
        [
            Page(
                dossier_id=d.id,
                file_id=f.id,
                page_no=1,
                status=PageStatus.DONE,
                engine="rapidocr",
                doc_type="bank_permit",
                claimed_at=START,
                read_at=START + timedelta(seconds=2.5),
            ),
            Page(dossier_id=d.id, file_id=f.id, page_no=2, status=PageStatus.FAILED, error="ValueError: bad"),
            Page(dossier_id=d.id, file_id=f.id, page_no=3, status=PageStatus.PENDING),
        ]
    )
    return d


def test_metric_queries(engine_factory: EngineFactory) -> None:
    # A database of its own: the figures are totals over every dossier, so others' rows would change them.
    engine = engine_factory()
    migrate(engine)
    sessions = make_session_factory(engine)
    with sessions.begin() as s:
        _dossier(s, TODAY - timedelta(days=1), DossierStatus.READING)
        _dossier(s, TODAY + timedelta(days=1), DossierStatus.READING)
        _dossier(s, TODAY + timedelta(days=30), DossierStatus.AWAITING_REVIEW)
    with sessions() as s:
        metrics.ping(s)
        counted = {
            (status, urgency): n
            for status, urgency, n in metrics.dossiers_by_status_and_urgency(s, TODAY, 2)
            if status in ("reading", "awaiting_review")
        }
        assert counted[("reading", "overdue")] >= 1 and counted[("reading", "urgent")] >= 1
        assert counted[("awaiting_review", "normal")] >= 1
        assert metrics.pages_waiting(s) >= 2  # one page left of each of the two dossiers being read
        times = {(t.engine, t.doc_type): t for t in metrics.page_times(s)}
        permit = times[("rapidocr", "bank_permit")]
        assert permit.pages >= 3 and abs(permit.seconds / permit.pages - 2.5) < 0.01
        assert dict(metrics.page_errors(s))["ValueError: bad"] >= 3
        assert dict(metrics.rejected_files(s))["empty_file"] >= 3


def test_failure_reasons_are_few_values() -> None:
    assert failure_reason("ValueError: bad") == "ValueError"
    assert failure_reason("PIL.UnidentifiedImageError: cannot identify") == "UnidentifiedImageError"
    assert failure_reason("gave up after 3 attempts (the worker stopped)") == "worker_stopped"
    assert failure_reason("页面无法读取") == "other"
