"""Change requests in storage, on SQLite and PostgreSQL: a request changes nothing, approval writes the values
and the history (with before/after and the request), stale or double decisions are refused, concurrent
reviewers decide a request once, and the history exports as CSV with a BOM, Chinese headings and masking."""

from __future__ import annotations

import csv
import io
import uuid
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from storage import changes as store
from storage.models import AuditEvent, ChangeRequestStatus, Customer, CustomerHistory

Sessions = sessionmaker[Session]
ACCOUNT = "6222020200112233445"
NEW_ACCOUNT = "6222020200199887766"
SCAN = store.Evidence("新开户许可证.jpg", "a" * 64, "jpeg", 1234, 1)


def _customer(sessions: Sessions) -> str:
    """A customer as approval leaves it (created directly: the test does not depend on the approval path)."""
    number = f"C{uuid.uuid4().int % 10**11:011d}"
    with sessions.begin() as s:
        s.add(
            Customer(
                customer_no=number,
                tax_id=uuid.uuid4().hex[:18].upper(),
                name="杭州明达贸易有限公司",
                values={
                    "customer_name": "杭州明达贸易有限公司",
                    "bank_account": ACCOUNT,
                    "bank_name": "工商银行",
                },
            )
        )
    return number


def _request(sessions: Sessions, number: str, changes: dict[str, str], actor: str = "admin") -> int:
    with sessions.begin() as s:
        customer = store.customer_by_number(s, number, lock=True)
        assert customer is not None
        request = store.create_request(
            s, customer, changes, reason="客户更换开户行", evidence=[SCAN], actor=actor
        )
        return request.id


def _approve(sessions: Sessions, number: str, request_id: int, actor: str = "reviewer") -> None:
    with sessions.begin() as s:
        request = store.lock_request(s, request_id)
        customer = store.customer_by_number(s, number, lock=True)
        assert request is not None and customer is not None
        store.approve_request(s, request, customer, actor=actor, reason="核对原件一致")


def test_a_request_changes_nothing_until_approved(sessions: Sessions) -> None:
    number = _customer(sessions)
    request_id = _request(sessions, number, {"bank_account": NEW_ACCOUNT, "bank_name": "中国银行"})
    with sessions() as s:
        customer = store.customer_by_number(s, number)
        assert customer is not None and customer.values["bank_account"] == ACCOUNT
        [request] = store.requests_of(s, customer.id)
        assert request.id == request_id and request.status == ChangeRequestStatus.AWAITING_APPROVAL
        assert request.fields["bank_account"] == {"before": ACCOUNT, "after": NEW_ACCOUNT}
        assert [(e.name, e.sha256) for e in request.evidence] == [(SCAN.name, SCAN.sha256)]
        assert store.pending_fields(s, customer.id) == {"bank_account": request_id, "bank_name": request_id}
        assert store.history_page(s, customer.id, 1) == ([], 0)
        event = s.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "change.requested", AuditEvent.entity == f"customer:{number}"
            )
        ).one()
        assert event.after is not None and event.after["bank_account"] == NEW_ACCOUNT
        assert event.before == {"bank_account": ACCOUNT, "bank_name": "工商银行"}


def test_approval_writes_the_values_and_one_history_row_per_field(sessions: Sessions) -> None:
    number = _customer(sessions)
    request_id = _request(
        sessions, number, {"bank_account": NEW_ACCOUNT, "customer_name": "杭州明达商贸有限公司"}
    )
    _approve(sessions, number, request_id)
    with sessions() as s:
        customer = store.customer_by_number(s, number)
        assert customer is not None
        assert customer.values["bank_account"] == NEW_ACCOUNT and customer.name == "杭州明达商贸有限公司"
        rows, total = store.history_page(s, customer.id, 1)
        assert total == 2
        assert {(r.field, r.before, r.after) for r in rows} == {
            ("bank_account", ACCOUNT, NEW_ACCOUNT),
            ("customer_name", "杭州明达贸易有限公司", "杭州明达商贸有限公司"),
        }
        assert all(r.actor == "reviewer" and r.reason == "客户更换开户行" for r in rows)
        assert all(r.change_request_id == request_id and r.source == f"变更申请 #{request_id}" for r in rows)
        [request] = store.requests_of(s, customer.id)
        assert request.status == ChangeRequestStatus.APPROVED and request.decided_by == "reviewer"
        assert request.decision_reason == "核对原件一致" and request.decided_at is not None
        assert store.pending_fields(s, customer.id) == {}


def test_a_stale_request_is_refused_and_changes_nothing(sessions: Sessions) -> None:
    number = _customer(sessions)
    request_id = _request(sessions, number, {"bank_account": NEW_ACCOUNT})
    with sessions.begin() as s:  # a new dossier of the customer was approved meanwhile
        customer = store.customer_by_number(s, number)
        assert customer is not None
        customer.values = {**customer.values, "bank_account": "6222000000000000001"}
    with pytest.raises(store.ChangeConflictError, match="银行账号已被修改"):
        _approve(sessions, number, request_id)
    with sessions() as s:
        customer = store.customer_by_number(s, number)
        assert customer is not None and customer.values["bank_account"] == "6222000000000000001"
        [request] = store.requests_of(s, customer.id)
        assert request.status == ChangeRequestStatus.AWAITING_APPROVAL


def test_a_decided_request_cannot_be_decided_again(sessions: Sessions) -> None:
    number = _customer(sessions)
    request_id = _request(sessions, number, {"bank_name": "中国银行"})
    with sessions.begin() as s:
        request = store.lock_request(s, request_id)
        customer = store.customer_by_number(s, number)
        assert request is not None and customer is not None
        store.reject_request(s, request, customer, actor="reviewer", reason="证明材料不清晰")
    with pytest.raises(store.ChangeConflictError, match="已拒绝"):
        _approve(sessions, number, request_id)


def test_two_reviewers_at_once_decide_a_request_once(sessions: Sessions) -> None:
    number = _customer(sessions)
    request_id = _request(sessions, number, {"bank_account": NEW_ACCOUNT})
    barrier = Barrier(2)

    def decide(actor: str) -> str:
        barrier.wait()
        try:
            _approve(sessions, number, request_id, actor=actor)
        except store.ChangeConflictError:
            return "refused"
        return "approved"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(decide, ["reviewer", "reviewer2"]))
    assert outcomes == ["approved", "refused"]
    with sessions() as s:
        customer = store.customer_by_number(s, number)
        assert customer is not None
        rows = s.scalars(select(CustomerHistory).where(CustomerHistory.customer_id == customer.id)).all()
        assert len(rows) == 1


def test_evidence_is_found_only_through_its_own_request_and_customer(sessions: Sessions) -> None:
    number, other = _customer(sessions), _customer(sessions)
    request_id = _request(sessions, number, {"bank_name": "中国银行"})
    with sessions() as s:
        customer = store.customer_by_number(s, number)
        stranger = store.customer_by_number(s, other)
        assert customer is not None and stranger is not None
        [request] = store.requests_of(s, customer.id)
        evidence_id = request.evidence[0].id
        assert store.evidence_of(s, customer.id, request_id, evidence_id) is not None
        assert store.evidence_of(s, stranger.id, request_id, evidence_id) is None
        assert store.evidence_of(s, customer.id, request_id + 1000, evidence_id) is None


def test_the_history_csv_has_a_bom_chinese_headings_masking_and_no_formulas(
    sessions: Sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = _customer(sessions)
    with sessions.begin() as s:
        customer = store.customer_by_number(s, number)
        assert customer is not None
        request = store.create_request(
            s, customer, {"bank_account": NEW_ACCOUNT, "bank_name": "=HYPERLINK(\"x\")"},
            reason="-客户申请", evidence=[SCAN], actor="admin",
        )  # fmt: skip
        store.approve_request(s, request, customer, actor="reviewer", reason="同意")
        customer_id = customer.id
    monkeypatch.setattr(store, "CSV_BATCH", 1)  # several chunks: the stream is written as it is read

    def mask(name: str, value: str | None) -> str | None:
        return "****" if name == "bank_account" and value else value

    with sessions() as s:
        chunks = list(store.history_csv_chunks(store.history_rows(s, customer_id), mask))
    assert len(chunks) >= 2
    text = "".join(chunks)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == list(store.CSV_HEADINGS)
    by_field = {row[1]: row for row in rows[1:]}
    assert by_field["银行账号"][2:4] == ["****", "****"]
    assert by_field["开户银行"][3] == '\'=HYPERLINK("x")' and by_field["开户银行"][5] == "'-客户申请"
    assert by_field["开户银行"][6] == f"变更申请 #{request.id}"
