"""Change requests through intake.lifecycle.changes only, without Flask, on SQLite in a temporary data dir:
request with an uploaded scan → another person approves → the customer's values and history change, the audit
chain stays intact; every refusal is a ChangeError in Chinese naming the field or file."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import select

from intake.identifiers.codes import org_check_char, uscc_check_char
from intake.lifecycle.changes import (
    ChangeError,
    CustomerNotFoundError,
    RequestNotFoundError,
    approve_change,
    customer_history,
    evidence_file,
    export_history,
    history_csv,
    reject_change,
    request_change,
)
from intake.lifecycle.context import Context, open_context
from intake.lifecycle.customers import CustomerAccessError
from intake.lifecycle.review import DecisionError, correct_field, override_finding
from intake.settings import Settings
from storage import repository as repo
from storage.audit_chain import verify
from storage.models import (
    AuditEvent,
    ChangeRequestStatus,
    Customer,
    CustomerStatus,
    DossierStatus,
    Field,
    FindingRow,
    Role,
)
from tests.review_ui.conftest import seed_dossier
from tests.workers.pages import tiny_pages

NUMBER = "C20261120001"
ACCOUNT = "6222020200112233445"
NEW_ACCOUNT = "6222020200199887766"
USCC = "91330100MA27XXXX1N"


@pytest.fixture
def ctx(tmp_path: Path) -> Context:
    context = open_context(Settings.for_data_dir(tmp_path / "data"))
    with context.sessions.begin() as s:
        s.add(
            Customer(
                customer_no=NUMBER,
                tax_id=USCC,
                name="杭州明达贸易有限公司",
                values={
                    "customer_name": "杭州明达贸易有限公司",
                    "tax_id": USCC,
                    "bank_name": "中国工商银行杭州分行",
                    "bank_account": ACCOUNT,
                    "tax_phone": "0571-88001234",
                },
            )
        )
    return context


@pytest.fixture
def scan(tmp_path: Path) -> bytes:
    return tiny_pages(tmp_path / "scans", 1)[0].read_bytes()


def _request(
    ctx: Context, scan: bytes, changes: dict[str, object] | None = None, *, actor: str = "admin"
) -> int:
    requested = request_change(
        ctx,
        NUMBER,
        changes or {"bank_account": NEW_ACCOUNT, "bank_name": "中国银行杭州分行"},
        reason="客户更换基本户，附新开户许可证",
        evidence=[("新开户许可证.png", io.BytesIO(scan))],
        actor=actor,
    )
    return requested.request_id


def test_request_review_history(ctx: Context, scan: bytes) -> None:
    request_id = _request(ctx, scan)
    view = customer_history(ctx, NUMBER, role=Role.REVIEWER)
    assert view.values["bank_account"] == ACCOUNT and view.total == 0
    [request] = view.requests
    assert request.awaiting and request.requested_by == "admin"
    assert request.fields["bank_account"] == {"before": ACCOUNT, "after": NEW_ACCOUNT}
    [evidence] = request.evidence
    found = evidence_file(ctx, NUMBER, request_id, evidence.id, role=Role.REVIEWER)
    assert found is not None and found[0] == scan and found[1] == "png"  # the clear content (sealed on disk)

    changed = approve_change(ctx, NUMBER, request_id, actor="reviewer", reason="与新许可证一致")
    assert changed == {
        "bank_account": (ACCOUNT, NEW_ACCOUNT),
        "bank_name": ("中国工商银行杭州分行", "中国银行杭州分行"),
    }
    view = customer_history(ctx, NUMBER, role=Role.REVIEWER)
    assert view.values["bank_account"] == NEW_ACCOUNT
    assert view.total == 2 and {r.field for r in view.rows} == {"bank_account", "bank_name"}
    assert all(r.actor == "reviewer" and r.reason == "客户更换基本户，附新开户许可证" for r in view.rows)
    assert view.requests[0].status == ChangeRequestStatus.APPROVED
    assert view.requests[0].decision_reason == "与新许可证一致" and view.requests[0].decided_at
    with ctx.sessions() as s:
        actions = list(s.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))
        assert actions[-2:] == ["change.requested", "change.approved"]
        result = verify(s)
    assert result.intact


def test_the_requester_cannot_decide_their_own_request(ctx: Context, scan: bytes) -> None:
    request_id = _request(ctx, scan)
    with pytest.raises(ChangeError, match="不能审批自己提交的变更申请"):
        approve_change(ctx, NUMBER, request_id, actor="admin")
    with pytest.raises(ChangeError, match="不能审批自己提交的变更申请"):
        reject_change(ctx, NUMBER, request_id, actor="admin", reason="不同意")


def test_a_rejection_needs_a_reason_and_keeps_the_values(ctx: Context, scan: bytes) -> None:
    request_id = _request(ctx, scan)
    with pytest.raises(ChangeError, match="驳回原因"):
        reject_change(ctx, NUMBER, request_id, actor="reviewer", reason="  ")
    reject_change(ctx, NUMBER, request_id, actor="reviewer", reason="许可证复印件不清晰")
    view = customer_history(ctx, NUMBER, role=Role.REVIEWER)
    assert view.values["bank_account"] == ACCOUNT and view.total == 0
    assert view.requests[0].status == ChangeRequestStatus.REJECTED
    with pytest.raises(ChangeError, match="已拒绝"):
        approve_change(ctx, NUMBER, request_id, actor="reviewer")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({}, "至少填写一个字段"),
        ({"password": "x"}, "'password' 不能通过变更申请修改"),
        ({"tax_id": "91330100MA27XXXX1X"}, "税务登记号：91330100MA27XXXX1X 不是有效的"),
        ({"tax_phone": "12345"}, "税务电话：12345 不是有效的电话号码"),
        ({"bank_account": "62220abc"}, "银行账号：应为 6–32 位数字"),
        ({"bank_account": ACCOUNT}, "银行账号：新值与现有值相同"),
        ({"bank_name": "   "}, "开户银行：新值不能为空"),
        ({"bank_name": "中国银行\x00"}, "开户银行：新值含有不可见的控制字符"),
        ({"bank_name": "行" * 201}, "开户银行：新值过长"),
        ({"bank_name": ["a"]}, "开户银行：新值必须是文字"),
    ],
)
def test_bad_values_are_refused_naming_the_field(
    ctx: Context, scan: bytes, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ChangeError, match=message):
        request_change(
            ctx, NUMBER, changes, reason="变更", evidence=[("a.png", io.BytesIO(scan))], actor="admin"
        )


def test_values_are_archived_in_the_contract_form(ctx: Context, scan: bytes) -> None:
    request_id = _request(
        ctx, scan, {"bank_account": " ６２２２ 0202 0019 9887 766 ", "tax_phone": "13812345678"}
    )
    approve_change(ctx, NUMBER, request_id, actor="reviewer")
    values = customer_history(ctx, NUMBER, role=Role.ADMINISTRATOR).values
    assert values["bank_account"] == NEW_ACCOUNT and values["tax_phone"] == "13812345678"


def test_evidence_is_required_and_checked_by_the_upload_rules(ctx: Context, scan: bytes) -> None:
    def ask(evidence: list[tuple[str, io.BytesIO]]) -> None:
        request_change(
            ctx, NUMBER, {"bank_name": "中国银行"}, reason="变更", evidence=evidence, actor="admin"
        )

    with pytest.raises(ChangeError, match="请上传证明材料"):
        ask([])
    with pytest.raises(ChangeError, match=r"说明\.txt"):
        ask([("说明.txt", io.BytesIO(b"just some text, not a scan"))])
    with pytest.raises(ChangeError, match="请填写变更原因"):
        request_change(
            ctx,
            NUMBER,
            {"bank_name": "中国银行"},
            reason=" ",
            evidence=[("a.png", io.BytesIO(scan))],
            actor="admin",
        )
    requested = request_change(
        ctx, NUMBER, {"bank_name": "中国银行"}, reason="变更", actor="admin",
        evidence=[("a.png", io.BytesIO(scan)), ("说明.txt", io.BytesIO(b"not a scan"))],
    )  # fmt: skip
    assert len(requested.rejected_files) == 1 and "说明.txt" in requested.rejected_files[0]


def test_one_open_request_per_field(ctx: Context, scan: bytes) -> None:
    request_id = _request(ctx, scan)
    with pytest.raises(ChangeError, match=f"银行账号已有待审批的变更申请 #{request_id}"):
        _request(ctx, scan, {"bank_account": "6222020200100000001"})
    _request(ctx, scan, {"tax_phone": "13812345678"})  # another field is fine


def test_a_stale_request_cannot_be_approved(ctx: Context, scan: bytes) -> None:
    request_id = _request(ctx, scan)
    with ctx.sessions.begin() as s:  # a new dossier of the customer was approved meanwhile
        customer = s.scalars(select(Customer).where(Customer.customer_no == NUMBER)).one()
        customer.values = {**customer.values, "bank_account": "6222000000000000001"}
    with pytest.raises(ChangeError, match="请驳回本申请后重新提交"):
        approve_change(ctx, NUMBER, request_id, actor="reviewer")


def test_a_tax_number_of_another_customer_is_refused(ctx: Context, scan: bytes) -> None:
    body = "91110108" + "MA01W8K7" + org_check_char("MA01W8K7")
    other = body + uscc_check_char(body)
    with ctx.sessions.begin() as s:
        s.add(Customer(customer_no="C20261120002", tax_id=other, name="北京某公司", values={}))
    with pytest.raises(ChangeError, match="已属于客户 C20261120002"):
        _request(ctx, scan, {"tax_id": other})


def test_unknown_customers_and_requests(ctx: Context, scan: bytes) -> None:
    with pytest.raises(CustomerNotFoundError):
        _request_for(ctx, scan, "C19990101001")
    request_id = _request(ctx, scan)
    with pytest.raises(RequestNotFoundError):
        approve_change(ctx, NUMBER, request_id + 100, actor="reviewer")
    with ctx.sessions.begin() as s:
        s.add(Customer(customer_no="C20261120003", tax_id="X" * 18, name="别的客户", values={}))
    with pytest.raises(RequestNotFoundError):  # a request is decided only through its own customer
        approve_change(ctx, "C20261120003", request_id, actor="reviewer")


def _request_for(ctx: Context, scan: bytes, number: str) -> None:
    request_change(
        ctx,
        number,
        {"bank_name": "中国银行"},
        reason="变更",
        evidence=[("a.png", io.BytesIO(scan))],
        actor="admin",
    )


def test_a_dormant_customer_is_hidden_from_staff(ctx: Context) -> None:
    with ctx.sessions.begin() as s:
        s.scalars(
            select(Customer).where(Customer.customer_no == NUMBER)
        ).one().status = CustomerStatus.DORMANT
    with pytest.raises(CustomerAccessError):
        customer_history(ctx, NUMBER, role=Role.STAFF)
    assert customer_history(ctx, NUMBER, role=Role.AUDITOR).customer_no == NUMBER


def test_the_history_exports_as_csv(ctx: Context, scan: bytes, tmp_path: Path) -> None:
    approve_change(ctx, NUMBER, _request(ctx, scan), actor="reviewer")
    target = tmp_path / "历史.csv"
    assert export_history(ctx, NUMBER, target) == 2
    text = target.read_text(encoding="utf-8")
    assert text.startswith("\ufeff变更日期,字段,变更前,变更后,变更人,变更原因,来源")
    assert NEW_ACCOUNT in text and "银行账号" in text
    masked = "".join(history_csv(ctx, NUMBER, role=Role.STAFF, mask=lambda _n, v: "***" if v else v))
    rows = list(csv.reader(io.StringIO(masked.removeprefix("\ufeff"))))
    assert len(rows) == 3 and all(row[2] in ("***", "") and row[3] == "***" for row in rows[1:])
    with pytest.raises(CustomerNotFoundError):
        history_csv(ctx, "C19990101001", role=Role.STAFF, mask=None)


def test_an_archived_dossier_is_frozen(ctx: Context) -> None:
    """Archived data changes only through a change request: a correction or override is refused and undone."""
    seeded = seed_dossier(ctx)
    with ctx.sessions.begin() as s:
        repo.set_status(s, seeded.dossier_id, DossierStatus.ARCHIVED, actor="reviewer")
        finding_id = s.scalars(
            select(FindingRow.id).where(FindingRow.dossier_id == seeded.dossier_id)
        ).first()
    field_id = seeded.field_ids["bank_permit.bank_account"]
    with pytest.raises(DecisionError, match="档案已归档，不能直接修改"):
        correct_field(ctx, field_id, NEW_ACCOUNT, actor="reviewer", reason="客户换卡")
    assert finding_id is not None
    with pytest.raises(DecisionError, match="变更申请"):
        override_finding(ctx, finding_id, actor="admin", reason="不影响")
    with ctx.sessions() as s:
        assert s.get_one(Field, field_id).value != NEW_ACCOUNT
        actions = set(s.scalars(select(AuditEvent.action).where(AuditEvent.dossier_id == seeded.dossier_id)))
    assert not actions & {"field.corrected", "finding.overridden"}
