"""Customers for life through the lifecycle, without Flask: a first approval makes the customer, a second
dossier of the same tax number meets it before review (field-by-field differences) and updates it at approval
with its history; dormancy; the customer pages' access; the ledger written and opened back with openpyxl.

Dossiers are seeded as the review UI tests seed them (readings saved on registered pages, checked, waiting
for review); blockers are overridden by an administrator, as in tests/intake/test_lifecycle_review.py.
"""

from __future__ import annotations

import csv
import functools
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import select, update

from intake.identifiers.codes import uscc_check_char
from intake.lifecycle import customers
from intake.lifecycle.checking import NoticePolicy, check_and_save
from intake.lifecycle.context import Context, open_context
from intake.lifecycle.finishing import finish_dossier
from intake.lifecycle.reading import page_image_path
from intake.lifecycle.review import (
    DecisionError,
    approve,
    confirm_field,
    correct_field,
    doubts,
    override_finding,
)
from intake.settings import Settings
from ocr.types import DocType
from storage import repository as repo
from storage.models import (
    AuditEvent,
    Customer,
    CustomerHistory,
    CustomerStatus,
    DossierStatus,
    Field,
    FindingRow,
    FindingStatus,
    Role,
)
from tests.storage.builders import bank_permit, reading

RECEIVED = date(2026, 11, 20)
TAX = "91330100MA2AB3C4D" + uscc_check_char("91330100MA2AB3C4D")
NAME = "杭州明达贸易有限公司"
ACCOUNT = "6222020200112233445"
NEW_ACCOUNT = "6222020200199887766"


@pytest.fixture
def ctx(tmp_path: Path) -> Context:
    return open_context(Settings.for_data_dir(tmp_path / "data"))


def _readings(tax_id: str, account: str, *, consignee: str | None = "张三") -> list:  # type: ignore[type-arg]
    pages = [
        reading(
            DocType.BUSINESS_LICENSE,
            {
                "customer_name": (NAME, 0.97),
                "tax_id": (tax_id, 0.97),
                "legal_representative": ("王明", 0.95),
                "address": ("浙江省杭州市西湖区文三路1号", 0.95),
            },
        ),
        bank_permit(NAME, account),
        reading(
            DocType.APPLICATION_FORM,
            {
                "customer_name": (NAME, 0.95),
                "tax_id": (tax_id, 0.95),
                "bank_name": ("中国工商银行杭州分行", 0.93),
                "bank_account": (account, 0.93),
                "tax_address": ("浙江省杭州市西湖区文三路1号", 0.93),
                "tax_phone": ("0571-88886666", 0.93),
            },
        ),
    ]
    if consignee:
        pages.append(
            reading(
                DocType.CONSIGNEE_ID,
                {"consignee_name": (consignee, 0.9), "consignee_phone": ("13800138000", 0.9)},
            )
        )
    return pages


def _seed(ctx: Context, reference: str, tax_id: str = TAX, account: str = ACCOUNT, **kw: str | None) -> str:
    """A dossier read and checked, waiting for review (not linked yet: finishing does that); its originals
    in the file store and its page images on disk, as an upload leaves them (approval files them)."""
    pages = _readings(tax_id, account, **kw)  # type: ignore[arg-type]
    with ctx.sessions.begin() as s:
        dossier = repo.create_dossier(s, reference=reference, as_of=RECEIVED, actor="admin")
        for n, page in enumerate(pages, 1):
            original = _scan(n)
            repo.add_file(
                s, dossier.id, name=f"{n}.jpg", sha256=ctx.store.put_bytes(original, "jpg"), kind="jpeg",
                size=len(original), page_count=1,
            )  # fmt: skip
            repo.save_page_reading(s, repo.page_ids(s, dossier.id)[-1], page)
        check_and_save(s, dossier.id, ctx.rules, as_of=RECEIVED, notice=NoticePolicy.START)
        repo.set_status(s, dossier.id, DossierStatus.AWAITING_REVIEW)
        dossier_id, page_ids = dossier.id, repo.page_ids(s, dossier.id)
    for page_id, n in zip(page_ids, range(1, len(page_ids) + 1), strict=True):
        target = page_image_path(ctx.settings, dossier_id, page_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(_scan(n))
    return dossier_id


@functools.cache
def _scan(n: int) -> bytes:
    """A small JPEG standing in for the n-th scan (distinct per n: the file store keeps content once)."""
    out = io.BytesIO()
    Image.new("RGB", (124 + n, 175), "white").save(out, format="JPEG")
    return out.getvalue()


def archive_overriding_blockers(
    ctx: Context, dossier_id: str, today: date, reason: str = "原件已核对"
) -> str:
    """Override every open blocker (an administrator), confirm the doubtful fields and approve (a reviewer);
    the customer number."""
    with ctx.sessions() as s:
        blockers = s.scalars(
            select(FindingRow.id).where(
                FindingRow.dossier_id == dossier_id,
                FindingRow.status == FindingStatus.OPEN,
                FindingRow.severity == "blocker",
            )
        ).all()
    for finding_id in blockers:
        override_finding(ctx, finding_id, actor="administrator", reason=reason)
    for doubt in doubts(ctx, dossier_id):
        confirm_field(ctx, doubt.field_id, actor="reviewer")
    decided = approve(ctx, dossier_id, actor="reviewer", today=today)
    assert decided.customer_no is not None
    return decided.customer_no


def _customer(ctx: Context, customer_no: str) -> Customer:
    with ctx.sessions() as s:
        return s.scalars(select(Customer).where(Customer.customer_no == customer_no)).one()


def _history(ctx: Context, customer_id: int) -> list[tuple[str, str | None, str | None, str | None]]:
    with ctx.sessions() as s:
        rows = s.scalars(
            select(CustomerHistory)
            .where(CustomerHistory.customer_id == customer_id)
            .order_by(CustomerHistory.id)
        )
        return [(r.field, r.before, r.after, r.reason) for r in rows]


def test_a_first_approval_makes_the_customer_with_its_archived_values(ctx: Context) -> None:
    dossier_id = _seed(ctx, "R-1")
    with ctx.sessions() as s:
        assert customers.compare(s, dossier_id) is None  # nobody archived this tax number yet

    number = archive_overriding_blockers(ctx, dossier_id, date(2026, 11, 23))

    assert number == "C20261123001"
    customer = _customer(ctx, number)
    assert (customer.tax_id, customer.name, customer.status) == (TAX, NAME, CustomerStatus.ACTIVE)
    assert customer.first_archived_on == customer.last_archived_on == date(2026, 11, 23)
    assert customer.values == {
        "customer_name": NAME,
        "tax_id": TAX,
        "bank_name": "中国工商银行杭州分行",
        "bank_account": ACCOUNT,
        "tax_address": "浙江省杭州市西湖区文三路1号",
        "tax_phone": "0571-88886666",
        "legal_representative": "王明",
        "address": "浙江省杭州市西湖区文三路1号",
        "consignee_name": "张三",
        "consignee_phone": "13800138000",
    }
    history = _history(ctx, customer.id)
    assert len(history) == len(customer.values) and {h[3] for h in history} == {"首次归档 R-1"}
    with ctx.sessions() as s:
        dossier = repo.get_dossier(s, dossier_id)
        assert (dossier.customer_id, dossier.customer_no) == (customer.id, number)


def test_a_second_dossier_meets_its_customer_before_review_and_updates_it_at_approval(ctx: Context) -> None:
    first = archive_overriding_blockers(ctx, _seed(ctx, "R-1"), date(2026, 11, 23))
    # the same tax number, printed with spaces and in lower case; a new bank account; no consignee page
    printed = f"{TAX[:8]} {TAX[8:].lower()}"
    second = _seed(ctx, "R-2", tax_id=printed, account=NEW_ACCOUNT, consignee=None)

    finish_dossier(ctx, second)

    customer_id = _customer(ctx, first).id
    with ctx.sessions() as s:
        dossier = repo.get_dossier(s, second)
        assert dossier.status == DossierStatus.AWAITING_REVIEW
        assert dossier.customer_id == customer_id and dossier.customer_no is None
    comparison = customers.customer_comparison(ctx, second)
    assert comparison is not None and comparison.customer_no == first
    assert [(d.field, d.name, d.archived, d.current) for d in comparison.differences] == [
        ("bank_account", "银行账号", ACCOUNT, NEW_ACCOUNT)
    ]  # the tax number printed otherwise is no difference; the missing consignee is none either

    assert archive_overriding_blockers(ctx, second, date(2027, 2, 1)) == first  # the lifelong number

    customer = _customer(ctx, first)
    assert customer.values["bank_account"] == NEW_ACCOUNT and customer.values["consignee_name"] == "张三"
    assert customer.last_archived_on == date(2027, 2, 1) and customer.first_archived_on == date(2026, 11, 23)
    assert _history(ctx, customer.id)[-1] == ("bank_account", ACCOUNT, NEW_ACCOUNT, "新档案 R-2")
    with ctx.sessions() as s:
        assert repo.get_dossier(s, second).customer_no == first
        assert s.scalars(select(Customer.id).where(Customer.tax_id == TAX)).all() == [customer.id]
    page = customers.customer_page(ctx, first, role=Role.STAFF)
    assert [d["reference"] for d in page.dossiers] == ["R-2", "R-1"] and page.summary["dossiers"] == 2
    assert page.values[0] == ("customer_name", NAME)


def test_approval_without_a_tax_number_is_refused_and_changes_nothing(ctx: Context) -> None:
    dossier_id = _seed(ctx, "R-3", tax_id="")
    with pytest.raises(DecisionError, match="税务登记号"):
        archive_overriding_blockers(ctx, dossier_id, date(2026, 11, 23))
    with ctx.sessions() as s:
        assert repo.get_dossier(s, dossier_id).status == DossierStatus.AWAITING_REVIEW
        assert s.scalars(select(Customer)).all() == []


def test_dormancy_after_three_years_narrows_access_and_a_new_approval_wakes_it(ctx: Context) -> None:
    number = archive_overriding_blockers(ctx, _seed(ctx, "R-1"), date(2023, 3, 1))
    with (
        ctx.sessions.begin() as s
    ):  # the approval's history rows as written that day, not by this run's clock
        s.execute(update(CustomerHistory).values(at=datetime(2023, 3, 1, 9, tzinfo=UTC)))

    assert customers.mark_dormant(ctx, date(2026, 3, 1)) == []  # three years to the day: not yet
    assert customers.mark_dormant(ctx, date(2026, 3, 2)) == [number]
    assert customers.mark_dormant(ctx, date(2026, 3, 3)) == []  # once

    assert _customer(ctx, number).status == CustomerStatus.DORMANT
    with pytest.raises(customers.CustomerAccessError):
        customers.customer_page(ctx, number, role=Role.REVIEWER)
    assert customers.customer_page(ctx, number, role=Role.AUDITOR).summary["status"] == "dormant"
    assert customers.customer_listing(ctx, 1, role=Role.STAFF).total == 0
    assert customers.customer_listing(ctx, 1, role=Role.ADMINISTRATOR).total == 1
    with pytest.raises(customers.CustomerNotFoundError):
        customers.customer_page(ctx, "C20990101001", role=Role.ADMINISTRATOR)

    archive_overriding_blockers(ctx, _seed(ctx, "R-4"), date(2026, 4, 1))
    assert _customer(ctx, number).status == CustomerStatus.ACTIVE
    with ctx.sessions() as s:
        actions = s.scalars(
            select(AuditEvent.action).where(AuditEvent.entity == f"customer:{number}").order_by(AuditEvent.id)
        ).all()
    assert actions == ["customer.created", "customer.updated", "customer.dormant", "customer.active"]


def test_dormancy_cutoff_handles_the_leap_day() -> None:
    assert customers.dormancy_cutoff(date(2028, 2, 29)) == date(2025, 2, 28)
    assert customers.dormancy_cutoff(date(2026, 11, 30)) == date(2023, 11, 30)


def test_the_ledger_opens_back_in_openpyxl_and_as_csv(
    ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("storage.customers.LEDGER_BATCH", 1)  # one customer per transaction: batches join
    number = archive_overriding_blockers(ctx, _seed(ctx, "R-1"), date(2026, 11, 23))
    other_tax = "91440300MA5F00001" + uscc_check_char("91440300MA5F00001")
    other = archive_overriding_blockers(ctx, _seed(ctx, "R-5", tax_id=other_tax), date(2026, 11, 24))

    xlsx = tmp_path / "台账.xlsx"
    assert customers.export_ledger(ctx, xlsx, "xlsx") == 2
    sheet = load_workbook(xlsx).active
    assert sheet is not None and sheet.title == "客户信息台账"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "客户编号", "客户名称", "税务登记号", "开户银行", "银行账号", "税务地址", "税务电话",
        "法定代表人", "收货人姓名", "状态", "首次归档日期", "最近归档日期", "档案数",
    )  # fmt: skip
    assert [r[0] for r in rows[1:]] == [number, other]
    first = rows[1]
    assert first[1:5] == (NAME, TAX, "中国工商银行杭州分行", ACCOUNT) and first[7:10] == (
        "王明",
        "张三",
        "正常",
    )
    assert first[10].date() == date(2026, 11, 23) and first[12] == 1  # a real date and a number
    assert sheet["K2"].number_format == "yyyy-mm-dd"
    assert sheet.freeze_panes == "A2"
    widths = {col: sheet.column_dimensions[col].width for col in ("A", "B", "F", "M")}
    assert widths["B"] >= 30 and widths["F"] >= 40 and widths["A"] >= 13 and 6 <= widths["M"] <= 10

    masked = tmp_path / "ledger.csv"
    assert customers.export_ledger(ctx, masked, "csv", level1=lambda v: v and "****") == 2
    raw = masked.read_bytes()
    assert raw.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    lines = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert lines[0][0] == "客户编号" and lines[1][4] == "****" and lines[1][10] == "2026-11-23"
    with pytest.raises(ValueError, match="xlsx 或 csv"):
        customers.export_ledger(ctx, tmp_path / "x.pdf", "pdf")


def test_the_commands_export_the_ledger_and_mark_dormant_customers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from intake.cli import main

    data = tmp_path / "data"
    monkeypatch.setenv("DOSSIER_DATA_DIR", str(data))
    monkeypatch.delenv("DOSSIER_DATABASE_URL", raising=False)
    ctx = open_context(Settings.for_data_dir(data))
    number = archive_overriding_blockers(ctx, _seed(ctx, "R-1"), date(2023, 3, 1))
    with ctx.sessions.begin() as s:  # the approval's history rows as written that day
        s.execute(update(CustomerHistory).values(at=datetime(2023, 3, 1, 9, tzinfo=UTC)))

    assert main(["ledger", "export", str(tmp_path / "台账.csv")]) == 0  # the format from the suffix
    assert "1 个客户，CSV" in capsys.readouterr().out
    assert (tmp_path / "台账.csv").read_bytes().startswith("\ufeff客户编号".encode())
    assert main(["ledger", "export", str(tmp_path / "ledger.out"), "--format", "XLSX"]) == 0
    sheet = load_workbook(io.BytesIO((tmp_path / "ledger.out").read_bytes())).active
    assert sheet is not None and sheet["A2"].value == number

    assert main(["ledger", "export", str(tmp_path / "no-such-dir" / "x.xlsx")]) == 2
    assert "PATH 所在的目录不存在" in capsys.readouterr().err
    assert main(["ledger", "export", str(tmp_path)]) == 2
    assert "PATH 是一个目录" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main(["ledger", "export", str(tmp_path / "x.pdf"), "--format", "pdf"])
    assert usage.value.code == 2 and "台账格式只能是 xlsx 或 csv" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["customers", "mark-dormant", "--as-of", "2026-13-01"])
    assert "--as-of" in (err := capsys.readouterr().err) and "不是日期" in err

    assert main(["customers", "mark-dormant", "--as-of", "2026-03-02"]) == 0
    assert f"已标记为休眠的客户：1 个（{number}）" in capsys.readouterr().out
    assert _customer(ctx, number).status == CustomerStatus.DORMANT


def test_the_daily_beat_task_marks_dormant_customers(tmp_path: Path) -> None:
    import workers.tasks  # noqa: F401 - registers the shared tasks
    from workers.app import make_app

    settings = Settings.for_data_dir(tmp_path / "data")
    ctx = open_context(settings)
    number = archive_overriding_blockers(ctx, _seed(ctx, "R-1"), date(2020, 3, 1))
    with ctx.sessions.begin() as s:
        s.execute(update(CustomerHistory).values(at=datetime(2020, 3, 1, 9, tzinfo=UTC)))
    app = make_app(settings)

    assert app.conf.beat_schedule["dormant-customers"]["task"] == "workers.tasks.mark_dormant_customers"
    assert app.tasks["workers.tasks.mark_dormant_customers"].apply().get() == 1  # as of today
    assert _customer(ctx, number).status == CustomerStatus.DORMANT


def test_a_corrected_tax_number_moves_the_dossier_to_another_customer(ctx: Context) -> None:
    first = archive_overriding_blockers(ctx, _seed(ctx, "R-1"), date(2026, 11, 23))
    second = _seed(ctx, "R-2")
    finish_dossier(ctx, second)  # linked to the first customer before review
    other = "92330106MA2J12345" + uscc_check_char("92330106MA2J12345")
    with ctx.sessions() as s:
        tax_fields = s.scalars(
            select(Field.id).where(Field.dossier_id == second, Field.name == "tax_id")
        ).all()
    for field_id in tax_fields:  # the reviewer reads the number again on the originals
        correct_field(ctx, field_id, other, actor="reviewer", reason="对照原件")

    assert customers.customer_comparison(ctx, second) is None  # a new customer: nothing to compare with
    number = archive_overriding_blockers(ctx, second, date(2026, 11, 24))

    assert number == "C20261124001" != first
    moved_to = _customer(ctx, number)
    with ctx.sessions() as s:
        assert repo.get_dossier(s, second).customer_id == moved_to.id  # linked again at approval
    assert moved_to.tax_id == other and _customer(ctx, first).last_archived_on == date(2026, 11, 23)
