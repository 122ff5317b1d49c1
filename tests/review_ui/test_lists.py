"""The lists name every dossier by its customer (issue 13).

The queue, the dashboard, the archive and the review heading show 客户名称 and 税务登记号 (and 客户编号
once archived); `q` finds a customer by a fragment of the name or the tax number, taking % and _ literally;
the archive and the dossier link to each other; deadlines read 逾期 N 天 / 剩余 N 天 / 无截止日期, and
dossiers without a deadline are counted and listed for staff.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient

from intake.lifecycle.context import Context
from storage import queries
from storage import repository as repo
from storage.models import ArchiveRecord, Customer, DossierStatus
from tests.review_ui.conftest import TODAY, Seeded

LICENCE_NAME = "杭州明达贸易有限公司"  # conftest's readings: the business licence and the form agree on it
LICENCE_TAX_ID = "91330100MA27XXXX1N"

Login = Callable[[str], FlaskClient]


def add_dossier(
    ctx: Context,
    name: str | None,
    tax_id: str | None,
    *,
    deadline: date | None = None,
    status: DossierStatus = DossierStatus.AWAITING_REVIEW,
    as_of: date = TODAY,
    complete_first: bool | None = None,
) -> str:
    """A dossier made by storage calls, with the customer as the record would have read it."""
    with ctx.sessions.begin() as s:
        d = repo.create_dossier(s, reference=None, as_of=as_of, actor="admin")
        d.created_at = datetime.combine(as_of, time(12), tzinfo=UTC)  # received at noon on that day
        d.customer_name, d.customer_tax_id = name, tax_id
        d.deadline, d.status, d.complete_first = deadline, status, complete_first
        return d.id


def archive(
    ctx: Context, dossier_id: str, *, customer_no: str, archive_no: str, name: str, tax_id: str
) -> None:
    """The dossier approved and archived under a customer, as approval leaves it (storage rows)."""
    with ctx.sessions.begin() as s:
        customer = Customer(customer_no=customer_no, tax_id=tax_id, name=name, values={})
        s.add(customer)
        s.flush()
        d = repo.get_dossier(s, dossier_id)
        d.customer_id, d.customer_no, d.status = customer.id, customer_no, DossierStatus.ARCHIVED
        s.add(
            ArchiveRecord(
                archive_no=archive_no, dossier_id=dossier_id, customer_no=customer_no, doc_category="资质",
                copies=1, location="电子", handler="admin", reviewer="reviewer",
            )
        )  # fmt: skip


def text_of(response: object) -> str:
    """The visible text of a page: tags removed, entities decoded, runs of space collapsed."""
    html = response.get_data(as_text=True)  # type: ignore[attr-defined]
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def rows_of(response: object, table: str) -> list[str]:
    html = response.get_data(as_text=True)  # type: ignore[attr-defined]
    body = re.search(rf'<table class="grid" id="{table}">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert body, f"no table {table}"
    return [
        unescape(re.sub(r"<[^>]+>", " ", row))
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body.group(1), re.S)
    ]


# --------------------------------------------------------------------------- the customer on every list


@pytest.mark.parametrize(
    ("role", "page"), [("reviewer", "/queue"), ("staff", "/dashboard"), ("auditor", "/queue")]
)
def test_lists_name_the_dossier_read_by_the_pipeline_by_its_customer(
    seeded: Seeded, login: Login, role: str, page: str
) -> None:
    text = text_of(login(role).get(page))
    assert LICENCE_NAME in text and LICENCE_TAX_ID in text
    assert seeded.dossier_id[:8] not in text  # no hex id stands in for the customer


def test_the_review_heading_names_the_customer_and_the_days_left(seeded: Seeded, login: Login) -> None:
    html = login("staff").get(f"/dossiers/{seeded.dossier_id}").get_data(as_text=True)
    heading = text_of_html(re.search(r'<h1 id="dossier-heading">.*?</h1>', html, re.S).group(0))  # type: ignore[union-attr]
    deadline = date(2026, 12, 10) - timedelta(days=7)  # conftest's pickup date − 7 days (domain rule)
    assert LICENCE_NAME in heading and LICENCE_TAX_ID in heading
    assert f"剩余 {(deadline - TODAY).days} 天" in heading


def text_of_html(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_staff_get_a_link_to_every_dossier_on_the_dashboard(ctx: Context, login: Login) -> None:
    ids = [add_dossier(ctx, f"客户{n}有限公司", f"9144000000000000{n}X") for n in range(3)]
    html = login("staff").get("/dashboard").get_data(as_text=True)
    for dossier_id in ids:
        assert f'href="/dossiers/{dossier_id}"' in html


# ---------------------------------------------------------------------------------------------- search


@pytest.fixture
def customers(ctx: Context) -> dict[str, str]:
    """Names chosen so that an unescaped % or _ would match them all."""
    return {
        "nanhai": add_dossier(ctx, "佛山市南海百货有限公司", "91440605MA4W12345X"),
        "percent": add_dossier(ctx, "广州100%贸易有限公司", "91440101MA5C00001Y"),
        "underscore": add_dossier(ctx, "深圳明_达科技有限公司", "91440300MA5F00002Z"),
        "plain": add_dossier(ctx, "东莞明达电子有限公司", "91441900MA4U00003A"),
    }


def listed(client: FlaskClient, url: str, table: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, text_of(response)
    return " ".join(rows_of(response, table))


@pytest.mark.parametrize(
    ("q", "found", "not_found"),
    [
        ("南海", {"nanhai"}, {"percent", "underscore", "plain"}),  # a name fragment
        ("MA4W12345", {"nanhai"}, {"percent", "underscore", "plain"}),  # a tax number fragment
        ("9144 0605-ma4w", {"nanhai"}, {"percent", "underscore", "plain"}),  # as a person types it
        ("%", {"percent"}, {"nanhai", "underscore", "plain"}),  # literal, not "anything"
        ("明_达", {"underscore"}, {"plain", "nanhai", "percent"}),  # _ literal, not "one character"
    ],
)
def test_the_queue_finds_a_customer_by_name_or_tax_number_literally(
    customers: dict[str, str], login: Login, q: str, found: set[str], not_found: set[str]
) -> None:
    client = login("reviewer")
    html = client.get("/queue", query_string={"q": q}).get_data(as_text=True)
    for key in found:
        assert f"/dossiers/{customers[key]}" in html, key
    for key in not_found:
        assert f"/dossiers/{customers[key]}" not in html, key


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("/queue?q=" + "长" * 51, "过长"),
        ("/archive?q=" + "长" * 51, "过长"),
        ("/queue?q=%E6%98%8E%00", "控制字符"),
        ("/dashboard?bucket=yesterday", "截止日期分组"),
    ],
)
def test_bad_search_input_is_a_chinese_400_naming_the_parameter(login: Login, url: str, reason: str) -> None:
    response = login("administrator").get(url)
    assert response.status_code == 400
    text = text_of(response)
    assert reason in text and "参数" in text


def test_the_archive_lists_the_customer_searches_it_and_links_both_ways(
    ctx: Context, customers: dict[str, str], login: Login
) -> None:
    archive(
        ctx, customers["nanhai"], customer_no="C20261120001", archive_no="GD20261120001",
        name="佛山市南海百货有限公司", tax_id="91440605MA4W12345X",
    )  # fmt: skip
    archive(
        ctx, customers["percent"], customer_no="C20261120002", archive_no="GD20261120002",
        name="广州100%贸易有限公司", tax_id="91440101MA5C00001Y",
    )  # fmt: skip
    client = login("reviewer")
    everything = listed(client, "/archive", "archive")
    assert "佛山市南海百货有限公司" in everything and "91440605MA4W12345X" in everything
    assert "C20261120001" in everything
    by_name = listed(client, "/archive?q=南海", "archive")
    assert "GD20261120001" in by_name and "GD20261120002" not in by_name
    by_tax = listed(client, "/archive?q=91440101", "archive")
    assert "GD20261120002" in by_tax and "GD20261120001" not in by_tax
    assert "GD2026112000" not in listed(client, "/archive?q=_", "archive")  # no name holds a literal _
    html = client.get("/archive?q=南海").get_data(as_text=True)
    assert f'href="/dossiers/{customers["nanhai"]}"' in html  # archive → dossier
    # the archived dossier's heading links back to its archive record
    review = client.get(f"/dossiers/{customers['nanhai']}").get_data(as_text=True)
    assert 'id="archive-link"' in review and "GD20261120001" in review


def test_an_archived_customer_is_shown_by_its_archived_name(ctx: Context, login: Login) -> None:
    """A change request may correct the customer's name after reading; the lists follow the archive."""
    dossier_id = add_dossier(  # as read (a traditional glyph); its deadline long past, as archives' are
        ctx, "明逹贸易", "91330100MA27XXXX1N", deadline=TODAY - timedelta(days=30)
    )
    archive(
        ctx, dossier_id, customer_no="C20261120003", archive_no="GD20261120003", name="明达贸易有限公司",
        tax_id="91330100MA27XXXX1N",
    )  # fmt: skip
    rows = listed(login("reviewer"), "/queue?status=archived", "queue")
    assert "明达贸易有限公司" in rows and "C20261120003" in rows
    assert "已结" in rows and "逾期" not in rows  # a decided dossier has no deadline left to miss


# -------------------------------------------------------------------------------------------- deadlines


def test_deadline_wording_from_fixed_dates(app: Flask) -> None:
    """逾期 N 天 when the deadline has passed (N days after it), 剩余 N 天 before it, 无截止日期 without."""
    today = date(2026, 11, 20)
    cases = [
        (date(2026, 11, 17), "逾期 3 天"),  # 20 − 17
        (date(2026, 10, 31), "逾期 20 天"),  # October has 31 days: Oct 31 → Nov 20 is 20 days
        (today, "剩余 0 天"),
        (date(2026, 11, 21), "剩余 1 天"),
        (date(2026, 12, 1), "剩余 11 天"),  # November has 30 days: 10 to Nov 30, 1 more
        (None, "无截止日期"),
    ]
    with app.app_context():
        macro = app.jinja_env.get_template("_macros.html").module.deadline_of  # type: ignore[attr-defined]
        for deadline, words in cases:
            assert words in text_of_html(str(macro(deadline, today))), (deadline, words)


def test_no_deadline_is_its_own_alarm_counted_and_listed_for_staff(ctx: Context, login: Login) -> None:
    late = add_dossier(ctx, "逾期客户有限公司", "91440000000000001A", deadline=TODAY - timedelta(days=559))
    none = add_dossier(ctx, "无期客户有限公司", "91440000000000002B", deadline=None)
    client = login("staff")
    page = client.get("/dashboard")
    text = text_of(page)
    assert "逾期 559 天" in text and "-559" not in text
    assert "无截止日期: 1" in text or "无截止日期：1" in text
    assert "没有截止日期" in text  # the alarm sentence
    only_none = client.get("/dashboard?bucket=none").get_data(as_text=True)
    assert f"/dossiers/{none}" in only_none and f"/dossiers/{late}" not in only_none


def test_the_json_api_takes_the_same_search_and_bucket(customers: dict[str, str], login: Login) -> None:
    client = login("reviewer")
    rows = client.get("/api/queue", query_string={"q": "南海"}).get_json()["dossiers"]
    assert [(r["id"], r["customer_name"], r["tax_id"]) for r in rows] == [
        (customers["nanhai"], "佛山市南海百货有限公司", "91440605MA4W12345X")
    ]
    none = client.get("/api/dashboard?bucket=none").get_json()
    assert none["totals"]["no_deadline"] == len(customers) == len(none["dossiers"])  # the fixture sets none
    assert client.get("/api/archive", query_string={"q": "长" * 51}).status_code == 400
    assert client.get("/api/dashboard?bucket=soonish").status_code == 400


def test_a_search_without_a_match_or_a_page_too_far_is_an_empty_page(
    ctx: Context, customers: dict[str, str], login: Login
) -> None:
    with ctx.sessions() as s:
        nothing = queries.review_queue(s, queries.QueueFilter(q="不存在的客户"), TODAY)
        too_far = queries.review_queue(s, queries.QueueFilter(page=2), TODAY)
    assert (nothing.rows, nothing.total) == ([], 0)
    assert (too_far.rows, too_far.total) == ([], len(customers))  # 4 dossiers: one page of 50
    text = text_of(login("reviewer").get("/queue", query_string={"q": "不存在的客户"}))
    assert "没有与“不存在的客户”相符的档案" in text
