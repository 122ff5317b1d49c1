"""The dashboard's pictures (issue 13): the counts behind them for a known set of dossiers, and SVG that says
those counts in text and titles, with no inline style or script (the strict CSP) and no external resource.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

from intake.lifecycle.context import Context
from review_ui import charts
from storage import queries
from storage.models import DossierStatus
from tests.review_ui.conftest import TODAY, Seeded
from tests.review_ui.test_lists import Login, add_dossier

SVG = "{http://www.w3.org/2000/svg}"

# days to the deadline of each open dossier → the bucket it belongs to by the definition
# (逾期 < 0, ≤ 2 天: 0–2, 本周: 3–7, 更晚: > 7, 无截止日期: none)
OPEN_DOSSIERS = [(-30, "overdue"), (-1, "overdue"), (0, "soon"), (2, "soon"), (3, "week"), (7, "week")]
OPEN_DOSSIERS += [(8, "later"), (None, "none"), (None, "none"), (None, "none")]
EXPECTED = {"overdue": 2, "soon": 2, "week": 2, "later": 1, "none": 3}


def fill(ctx: Context) -> None:
    for n, (days, _) in enumerate(OPEN_DOSSIERS):
        deadline = None if days is None else TODAY + timedelta(days=days)
        add_dossier(ctx, f"客户{n}", None, deadline=deadline)
    # closed dossiers never count, however late
    add_dossier(ctx, "已归档", None, deadline=TODAY - timedelta(days=5), status=DossierStatus.ARCHIVED)
    add_dossier(ctx, "已拒绝", None, deadline=None, status=DossierStatus.REJECTED)


def test_open_dossiers_fall_in_the_buckets_their_days_define(ctx: Context) -> None:
    fill(ctx)
    with ctx.sessions() as s:
        buckets = queries.deadline_buckets(s, TODAY)
    assert {b["key"]: b["count"] for b in buckets} == EXPECTED
    assert [b["label"] for b in buckets] == ["逾期", "≤ 2 天", "本周", "更晚", "无截止日期"]


def test_week_intake_counts_each_day_and_first_submission_completeness(ctx: Context) -> None:
    """Received at noon UTC on each day (add_dossier); the days are UTC days here."""
    received = {0: 3, 1: 0, 2: 1, 6: 2, 7: 4}  # days before today → dossiers received; day 7 is outside
    for days_ago, n in received.items():
        for k in range(n):
            add_dossier(ctx, None, None, as_of=TODAY - timedelta(days=days_ago), complete_first=k == 0)
    add_dossier(ctx, None, None, as_of=TODAY, complete_first=None)  # not checked yet: not in the share
    with ctx.sessions() as s:
        intake = queries.week_intake(s, TODAY)
    wanted = [received.get(days_ago, 0) + (days_ago == 0) for days_ago in range(6, -1, -1)]
    assert [d["count"] for d in intake["days"]] == wanted
    assert intake["days"][-1]["day"] == TODAY.isoformat()
    assert intake["checked"] == 3 + 1 + 2  # within the week, checked
    assert intake["complete_first"] == 3  # the first of each day with any


def test_the_pipeline_records_completeness_at_the_first_check(ctx: Context, seeded: Seeded) -> None:
    with ctx.sessions() as s:
        d = s.get_one(queries.Dossier, seeded.dossier_id)
        assert d.complete_first is not None and d.complete_first == d.complete


def bars_of(svg: str) -> dict[str, int]:
    root = ElementTree.fromstring(svg)
    return {g.get("data-label", ""): int(g.get("data-count", "-1")) for g in root.iter(f"{SVG}g")}


def test_the_deadline_chart_says_each_count_in_text_and_title(ctx: Context) -> None:
    fill(ctx)
    with ctx.sessions() as s:
        buckets = queries.deadline_buckets(s, TODAY)
    svg = str(charts.deadline_chart(buckets, lambda key: f"/dashboard?bucket={key}"))
    root = ElementTree.fromstring(svg)  # well-formed XML
    assert root.find(f"{SVG}title") is not None and root.get("aria-labelledby")
    labels = {"overdue": "逾期", "soon": "≤ 2 天", "week": "本周", "later": "更晚", "none": "无截止日期"}
    assert bars_of(svg) == {labels[k]: n for k, n in EXPECTED.items()}
    for group in root.iter(f"{SVG}g"):
        count = group.get("data-count")
        assert next(t.text for t in group.iter(f"{SVG}text")) == count
        assert f"{count} 份" in (group.find(f".//{SVG}title").text or "")  # type: ignore[union-attr]
    rects = {g.get("data-label"): g.find(f".//{SVG}rect") for g in root.iter(f"{SVG}g")}
    heights = {label: float(rect.get("height", "0")) for label, rect in rects.items() if rect is not None}
    for key, n in EXPECTED.items():  # scaled to the largest bar: height ∝ count
        assert heights[labels[key]] * max(EXPECTED.values()) == charts.PLOT_HEIGHT * n


def test_charts_obey_the_strict_csp_and_escape_their_labels() -> None:
    svg = str(charts.bar_chart("<图>", [charts.Bar('"><script>', 1, "t & <b>", href="/x?a=1&b=2")]))
    assert (
        "<script" not in svg
        and "style=" not in svg
        and "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    )
    ElementTree.fromstring(svg)
    share = str(charts.share_bar("比例", 0, 0, label="首次提交即齐全"))
    assert "尚无数据" in share and "%" not in share  # no made-up percentage without data
    assert "首次提交即齐全 75%（3/4）" in str(charts.share_bar("比例", 3, 4, label="首次提交即齐全"))


def test_the_dashboard_page_draws_the_charts_with_the_tables_counts(ctx: Context, login: Login) -> None:
    fill(ctx)
    html = login("staff").get("/dashboard").get_data(as_text=True)
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(svgs) == 3
    deadline_bars = bars_of(svgs[0])
    assert sum(deadline_bars.values()) == int(re.search(r'id="total-open">(\d+)<', html).group(1))  # type: ignore[union-attr]
    assert deadline_bars["无截止日期"] == EXPECTED["none"]
    assert 'href="/dashboard?bucket=none"' in svgs[0]


def test_intake_days_are_days_of_the_configured_time_zone(ctx: Context) -> None:
    """20:00 UTC on the 19th is 04:00 on the 20th in Shanghai (UTC+8): one dossier, two different days."""
    dossier_id = add_dossier(ctx, None, None)
    with ctx.sessions.begin() as s:
        s.get_one(queries.Dossier, dossier_id).created_at = datetime(2026, 11, 19, 20, 0, tzinfo=UTC)
    with ctx.sessions() as s:
        utc = queries.week_intake(s, TODAY, UTC)["days"]
        shanghai = queries.week_intake(s, TODAY, ZoneInfo("Asia/Shanghai"))["days"]
    assert {d["day"]: d["count"] for d in utc}["2026-11-19"] == 1
    assert {d["day"]: d["count"] for d in shanghai}["2026-11-20"] == 1
    assert sum(d["count"] for d in shanghai) == sum(d["count"] for d in utc) == 1
