"""Customers for life on both backends: the tax-number key, the lifelong number, linking dossiers, archived
values with their history, dormancy candidates, the listing and the ledger's rows.

The database is shared by the tests of a backend, so every test uses its own tax numbers (random) and its
own days for numbering (years no other test uses).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import customers as store
from storage import repository as repo
from storage.models import AuditEvent, Customer, CustomerHistory, CustomerStatus, DossierStatus

from .builders import AS_OF

Tx = Callable[[], AbstractContextManager[Session]]


def _tax() -> str:
    """A tax number no other test uses (the storage layer keys it; it does not validate it)."""
    return "91" + uuid.uuid4().hex[:16].upper()


def _dossier(tx: Tx, reference: str = "R-1") -> str:
    with tx() as s:
        return repo.create_dossier(s, reference=reference, as_of=AS_OF).id


def test_tax_key_folds_how_the_number_was_printed() -> None:
    assert store.tax_key(" ９１３３０１００ma27xxxx1j ") == "91330100MA27XXXX1J"
    assert store.tax_key("330106-60003734-1") == "330106600037341"
    assert store.tax_key(None) == store.tax_key("  ") == ""


def test_numbers_follow_the_day_and_a_known_tax_number_keeps_its_customer(tx: Tx) -> None:
    first, second = _tax(), _tax()
    with tx() as s:
        a, created_a = store.create(s, first, "甲公司", date(2031, 3, 1), actor="reviewer")
        b, created_b = store.create(s, second, "乙公司", date(2031, 3, 1), actor="reviewer")
        c, created_c = store.create(s, _tax(), "丙公司", date(2031, 3, 2), actor="reviewer")
        numbers = (a.customer_no, b.customer_no, c.customer_no)
    assert numbers == ("C20310301001", "C20310301002", "C20310302001")
    assert (created_a, created_b, created_c) == (True, True, True)
    with tx() as s:
        key = store.tax_key(f" {first.lower()} ")
        again, created = store.create(s, key, "甲公司", date(2031, 3, 9), actor="x")
        assert (again.customer_no, created) == ("C20310301001", False)  # never a second number
        assert store.by_number(s, "C20310301002") is not None
        assert store.by_number(s, "C20310301009") is None
        events = s.scalars(select(AuditEvent).where(AuditEvent.entity == "customer:C20310301001")).all()
    assert [e.action for e in events] == ["customer.created"]
    with pytest.raises(ValueError, match="tax number"), tx() as s:
        store.create(s, "", "无号公司", date(2031, 3, 1), actor="x")


def test_a_dossier_is_linked_then_numbered_once(tx: Tx) -> None:
    dossier_id = _dossier(tx)
    with tx() as s:
        customer, _ = store.create(s, _tax(), "甲公司", date(2031, 4, 1), actor="reviewer")
        store.link(s, dossier_id, customer, actor="system", numbered=False)
        dossier = repo.get_dossier(s, dossier_id)
        assert (dossier.customer_id, dossier.customer_no) == (customer.id, None)
        store.link(s, dossier_id, customer, actor="reviewer", numbered=True)
        store.link(s, dossier_id, customer, actor="reviewer", numbered=True)  # again: nothing more
        assert repo.get_dossier(s, dossier_id).customer_no == customer.customer_no
        assert store.of_dossier(s, dossier_id) is customer
    with tx() as s:
        actions = [e.action for e in repo.audit_trail(s, dossier_id)]
    assert actions == ["dossier.created", "dossier.customer_linked", "dossier.customer_no_assigned"]


def test_values_change_with_one_history_row_per_changed_value(tx: Tx) -> None:
    dossier_id = _dossier(tx, "R-2")
    with tx() as s:
        customer, _ = store.create(s, _tax(), "甲公司", date(2031, 5, 1), actor="reviewer")
        first = store.update_values(
            s, customer, {"customer_name": "甲公司", "bank_account": "6222001"},
            actor="reviewer", reason="首次归档 R-1", dossier_id=None,
        )  # fmt: skip
        assert first == {"customer_name": (None, "甲公司"), "bank_account": (None, "6222001")}
        changed = store.update_values(
            s, customer,
            {"customer_name": "甲贸易有限公司", "bank_account": "6222001", "consignee_name": ""},
            actor="li", reason="新档案 R-2", dossier_id=dossier_id,
        )  # fmt: skip
        customer_id = customer.id
    assert changed == {"customer_name": ("甲公司", "甲贸易有限公司")}  # the same and the empty: no change
    with tx() as s:
        customer = s.get_one(Customer, customer_id)
        assert customer.values == {"customer_name": "甲贸易有限公司", "bank_account": "6222001"}
        assert customer.name == "甲贸易有限公司"
        history = select(CustomerHistory).where(CustomerHistory.customer_id == customer_id)
        rows = s.scalars(history.order_by(CustomerHistory.id)).all()
        assert [(r.field, r.before, r.after, r.actor, r.reason) for r in rows] == [
            ("customer_name", None, "甲公司", "reviewer", "首次归档 R-1"),
            ("bank_account", None, "6222001", "reviewer", "首次归档 R-1"),
            ("customer_name", "甲公司", "甲贸易有限公司", "li", "新档案 R-2"),
        ]
        assert rows[-1].dossier_id == dossier_id
        updated = select(AuditEvent).where(AuditEvent.action == "customer.updated")
        event = s.scalars(updated.where(AuditEvent.dossier_id == dossier_id)).one()
    assert event.before == {"customer_name": "甲公司"} and event.after == {"customer_name": "甲贸易有限公司"}


def test_dormancy_counts_archiving_and_changes_and_an_approval_wakes_the_customer(tx: Tx) -> None:
    with tx() as s:
        quiet, _ = store.create(s, _tax(), "静公司", date(2020, 1, 10), actor="r")
        changed, _ = store.create(s, _tax(), "改公司", date(2020, 1, 10), actor="r")
        recent, _ = store.create(s, _tax(), "新公司", date(2022, 6, 1), actor="r")
        quiet.last_archived_on = changed.last_archived_on = date(2020, 1, 10)
        recent.last_archived_on = date(2022, 6, 1)
        s.add(
            CustomerHistory(
                customer_id=changed.id, field="bank_account", before="1", after="2", actor="li",
                at=datetime(2022, 3, 1, tzinfo=UTC), reason="变更申请",
            )
        )  # fmt: skip
        ids = {quiet.id, changed.id, recent.id}
    with tx() as s:
        found = {c.id for c in store.dormancy_candidates(s, date(2020, 1, 11))} & ids
        assert found == {quiet.id}  # the change of 2022-03-01 counts as activity
        found = {c.id for c in store.dormancy_candidates(s, date(2020, 1, 10))} & ids
        assert found == set()  # archived on the cut-off day itself: still active
        found = {c.id for c in store.dormancy_candidates(s, date(2022, 3, 2))} & ids
        assert found == {quiet.id, changed.id}  # recent was archived after that day
        customer = s.get_one(Customer, quiet.id)
        store.set_status(s, customer, CustomerStatus.DORMANT, actor="system", reason="三年无归档或变更")
    dossier_id = _dossier(tx, "R-9")
    with tx() as s:
        customer = s.get_one(Customer, quiet.id)
        assert customer.status == CustomerStatus.DORMANT
        store.mark_archived(s, customer, date(2024, 2, 1), actor="reviewer", dossier_id=dossier_id)
        assert customer.status == CustomerStatus.ACTIVE
        assert (customer.first_archived_on, customer.last_archived_on) == (
            date(2020, 1, 10),
            date(2024, 2, 1),
        )
        entity = f"customer:{customer.customer_no}"
        events = s.scalars(
            select(AuditEvent).where(AuditEvent.entity == entity).order_by(AuditEvent.id)
        ).all()
    assert [(e.action, e.dossier_id) for e in events] == [
        ("customer.created", None),
        ("customer.dormant", None),
        ("customer.active", dossier_id),
    ]


def test_listing_and_ledger_rows_count_archived_dossiers(tx: Tx) -> None:
    with tx() as s:
        customer, _ = store.create(s, _tax(), "计数公司", date(2031, 6, 1), actor="r")
        other, _ = store.create(s, _tax(), "休眠公司", date(2031, 6, 1), actor="r")
        store.set_status(s, other, CustomerStatus.DORMANT, actor="system", reason="测试")
        number, other_number, customer_id = customer.customer_no, other.customer_no, customer.id
    statuses = (DossierStatus.ARCHIVED, DossierStatus.ARCHIVED, DossierStatus.AWAITING_REVIEW)
    for n, status in enumerate(statuses):
        dossier_id = _dossier(tx, f"R-{n}")
        with tx() as s:
            archived = status == DossierStatus.ARCHIVED
            store.link(s, dossier_id, s.get_one(Customer, customer_id), actor="r", numbered=archived)
            repo.get_dossier(s, dossier_id).status = status
    with tx() as s:
        listing = store.listing(s, 1)
        rows = {r["customer_no"]: r for r in listing.rows}
        active_only = {r["customer_no"] for r in store.listing(s, 1, statuses=[CustomerStatus.ACTIVE]).rows}
        ledger = {r.customer_no: r for r in store.ledger_batch(s, limit=10_000)}
        first, second = store.ledger_batch(s, limit=1), store.ledger_batch(s, limit=1, after=number)
        assert first[0].customer_no < second[0].customer_no and second[0].customer_no > number
        dossiers = store.dossiers_of(s, customer_id)
    assert rows[number]["dossiers"] == 2 and rows[number]["name"] == "计数公司"
    assert listing.rows.index(rows[other_number]) < listing.rows.index(rows[number])  # newest first
    assert number in active_only and other_number not in active_only
    assert ledger[number].dossiers == 2 and ledger[other_number].status == "dormant"
    assert [d["reference"] for d in dossiers] == ["R-2", "R-1", "R-0"]
    assert [d["status"] for d in dossiers] == ["awaiting_review", "archived", "archived"]
