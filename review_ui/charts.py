"""The dashboard's pictures as server-rendered SVG: plain data in, an SVG element (Markup) out.

Why SVG made here rather than a chart library: the page must work with no external CDN and under the strict
Content-Security-Policy of review_ui/headers.py (no script, no style attribute), and three small charts do not
justify a JavaScript dependency. Colours and fonts come from classes styled in static/app.css; geometry is
given with SVG presentation attributes (x, y, width, height), which the policy does not touch. Every chart and
every bar carries a <title> (read by screen readers, shown as a tooltip) and its number as text, so nothing
is said only by a length or a colour; each bar also carries `data-count` for the browser test.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import count

from markupsafe import Markup, escape

_ids = count(1)  # distinct ids for aria-labelledby when several charts share a page

BAR_WIDTH, GAP, PLOT_HEIGHT, LABEL_BAND, TOP_BAND = 56, 18, 120, 34, 22


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label under it, its count, what its tooltip says, its colour class, where it links to."""

    label: str
    value: int
    title: str
    css: str = ""
    href: str | None = None


def _open_link(href: str | None) -> str:
    return f'<a href="{escape(href)}">' if href else ""


def bar_chart(title: str, bars: Sequence[Bar], *, css: str = "") -> Markup:
    """A vertical bar chart: bars scaled to the largest value (an empty chart draws baseline and zeros)."""
    chart_id = f"chart-{next(_ids)}"
    width = len(bars) * (BAR_WIDTH + GAP) + GAP
    height = TOP_BAND + PLOT_HEIGHT + LABEL_BAND
    peak = max((bar.value for bar in bars), default=0) or 1
    base = TOP_BAND + PLOT_HEIGHT
    role = "group" if any(bar.href for bar in bars) else "img"  # an "img" hides its links from readers
    parts = [
        f'<svg class="chart {escape(css)}" role="{role}" aria-labelledby="{chart_id}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}">{escape(title)}</title>',
        f'<line class="axis" x1="0" y1="{base}" x2="{width}" y2="{base}"/>',
    ]
    for n, bar in enumerate(bars):
        x = GAP + n * (BAR_WIDTH + GAP)
        h = round(PLOT_HEIGHT * max(bar.value, 0) / peak)
        middle, value, label = x + BAR_WIDTH // 2, int(bar.value), escape(bar.label)
        parts.append(
            f'<g class="bar {escape(bar.css)}" data-count="{value}" data-label="{label}">'
            f"{_open_link(bar.href)}<title>{escape(bar.title)}</title>"
            f'<rect x="{x}" y="{base - h}" width="{BAR_WIDTH}" height="{h}"/>'
            f'<text class="value" x="{middle}" y="{base - h - 6}" text-anchor="middle">{value}</text>'
            f'<text class="label" x="{middle}" y="{base + 20}" text-anchor="middle">{label}</text>'
            f"{'</a>' if bar.href else ''}</g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def share_bar(title: str, part: int, whole: int, *, label: str) -> Markup:
    """One horizontal bar filled to part/whole, with "label X %（part/whole）" written on it; whole 0 says
    "尚无数据" instead of a made-up percentage."""
    chart_id = f"chart-{next(_ids)}"
    width, height, bar_h = 360, 44, 18
    share = part / whole if whole else 0.0
    words = f"{label} {share:.0%}（{part}/{whole}）" if whole else f"{label}：尚无数据"
    return Markup(
        f'<svg class="chart share" role="img" aria-labelledby="{chart_id}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg" '
        f'data-part="{int(part)}" data-whole="{int(whole)}">'
        f'<title id="{chart_id}">{escape(title)}：{escape(words)}</title>'
        f'<rect class="track" x="0" y="0" width="{width}" height="{bar_h}"/>'
        f'<rect class="fill" x="0" y="0" width="{round(width * share)}" height="{bar_h}"/>'
        f'<text class="label" x="0" y="{bar_h + 20}">{escape(words)}</text>'
        "</svg>"
    )


BUCKET_TITLES = {
    "overdue": "已过截止日期",
    "soon": "今天起 2 天内截止",
    "week": "3 到 7 天内截止",
    "later": "7 天以后截止",
    "none": "无截止日期（未读到建档申请表的预计提货日期，也未填写提货日期）",
}


def deadline_chart(buckets: Sequence[dict[str, object]], href: Callable[[str], str]) -> Markup:
    """Open dossiers by days to the deadline (storage.queries.deadline_buckets); a bar links to its list."""
    bars = [
        Bar(
            label=str(b["label"]),
            value=int(str(b["count"])),
            title=f"{BUCKET_TITLES.get(str(b['key']), b['label'])}：{b['count']} 份",
            css=str(b["key"]),
            href=href(str(b["key"])),
        )
        for b in buckets
    ]
    return bar_chart("未结档案按截止日期分布", bars, css="deadlines")


def intake_chart(days: Sequence[dict[str, object]]) -> Markup:
    """Dossiers received per day over the last week (storage.queries.week_intake)."""
    bars = []
    for day in days:
        on = date.fromisoformat(str(day["day"]))
        label = f"{on.month}月{on.day}日"
        bars.append(
            Bar(
                label=label,
                value=int(str(day["count"])),
                title=f"{label}收到 {day['count']} 份",
                css="intake",
            )
        )
    return bar_chart("近 7 天收到的档案（每天份数）", bars, css="intake")


def first_submission_chart(intake: dict[str, object]) -> Markup:
    """The share of the week's checked dossiers that were complete at their first submission."""
    return share_bar(
        "近 7 天首次提交即齐全的比例",
        int(str(intake["complete_first"])),
        int(str(intake["checked"])),
        label="首次提交即齐全",
    )
