"""Certificates: the business licence 营业执照 (three layouts, company or sole trader) and the legacy tax
registration certificate 税务登记证 (two layouts)."""

from __future__ import annotations

from datetime import date, timedelta

from tests.synth import layout
from tests.synth.docs.base import Ctx, PageTruth, RenderedDoc, stamp
from tests.synth.identity import SealSpec, random_date
from tests.synth.page import A4, A4_LANDSCAPE, Page
from tests.synth.textfmt import cn_date, format_date, pick_date_style, to_fullwidth_digits

LICENCE_COLORS = ((170, 50, 40), (176, 128, 60), (150, 40, 50), (60, 60, 60))


def _authority(ctx: Ctx, issued: date) -> str:
    who = ctx.who
    body = "市场监督管理局" if issued >= date(2018, 6, 1) else "工商行政管理局"
    if ctx.rng.random() < 0.5:
        return f"{who.city.city}{who.district}{body}"
    return f"{who.city.city}{body}"


def _validity_lines(ctx: Ctx, t: PageTruth, fmt: str) -> list[tuple[str, str]]:
    """(label, printed) lines for 营业期限 in one of the styles seen on licences; records truth."""
    rng = ctx.rng
    start, end = ctx.get("valid_from"), ctx.get("valid_to")
    if end is None:
        return []

    def show(d: date | str) -> str:
        return "长期" if d == "long_term" else format_date(d, fmt)  # type: ignore[arg-type]

    r = rng.random()
    if start is None or (end == "long_term" and r < 0.15):
        t.put("valid_to", end)
        return [("营业期限", show(end))]
    t.put("valid_from", start)
    t.put("valid_to", end)
    if r < 0.35:
        return [("营业期限自", show(start)), ("营业期限至", show(end))]
    sep = rng.choice(("至", " 至 ", "至"))
    return [("营业期限", f"{show(start)}{sep}{show(end)}")]


def _licence_fields(ctx: Ctx, t: PageTruth, fmt: str) -> list[tuple[str, str]]:
    who, rng = ctx.who, ctx.rng
    rows: list[tuple[str, str]] = []
    name = ctx.get("customer_name")
    t.put("customer_name", name)
    rows.append(("名称", name))
    t.put("license_type", who.license_type)
    rows.append(("类型", who.license_type))
    if who.sole_trader:
        rows.append(("经营者", who.legal_representative))
        rows.append(("组成形式", "个人经营"))
        rows.append(("经营场所", ctx.get("address")))
        rows.append(("注册日期", format_date(who.established, fmt)))
    else:
        rep_label = "负责人" if "分公司" in name else "法定代表人"
        rows.append((rep_label, who.legal_representative))
        capital = who.registered_capital
        if "分公司" not in name:
            rows.append(("注册资本", capital))
            t.put("registered_capital", capital)
        rows.append(("成立日期", format_date(who.established, fmt)))
        rows.append(
            (
                rng.choice(("住所", "住所", "主要经营场所")) if "分公司" not in name else "营业场所",
                ctx.get("address"),
            )
        )
    t.put("legal_representative", who.legal_representative)
    t.put("address", ctx.get("address"))
    t.put("established", who.established)
    rows.extend(_validity_lines(ctx, t, fmt))
    return rows


def render_business_license(ctx: Ctx) -> RenderedDoc:
    rng = ctx.rng
    template = rng.choice(("landscape", "portrait_padded", "portrait_colon"))
    fmt = pick_date_style(rng, official=True)
    style = layout.pick_style(rng, pdf_safe=ctx.pdf_safe, official=True)
    t = PageTruth()
    rows = _licence_fields(ctx, t, fmt)
    tax_id = ctx.get("tax_id")
    t.put("tax_id", tax_id)
    color = rng.choice(LICENCE_COLORS)
    issued = random_date(
        rng, ctx.who.established, ctx.who.established + timedelta(days=rng.choice((30, 2000)))
    )
    issued = min(issued, ctx.as_of - timedelta(days=1))
    authority = _authority(ctx, issued)
    if template == "landscape":
        page = Page(*A4_LANDSCAPE)
        layout.border(page, rng, color, inset=rng.randint(50, 90))
        layout.emblem(page, page.width / 2, 230, 85, (190, 40, 40))
        layout.title(
            page, style, 470, "营业执照", size=120, spacing=60, fill=rng.choice(((30, 30, 30), color))
        )
        if rng.random() < 0.5:
            page.text(page.width / 2, 560, "（副　本）", style.title_face, 40, anchor="ms", fill=style.ink)
        code_x, code_y = 190, 300
        page.text(code_x, code_y, "统一社会信用代码", style.label_face, 34, fill=style.ink)
        page.text(code_x, code_y + 60, tax_id, style.value_face, 44, fill=style.value_ink)
        page.text(
            page.width - 190,
            300,
            f"编号 {rng.randrange(10**9, 10**10)}",
            style.label_face,
            26,
            fill=style.ink,
            anchor="rs",
        )
        left, right = rows[:3], rows[3:]
        size = 36
        st = layout.Style(
            style.label_face,
            style.value_face,
            style.title_face,
            size,
            style.colon,
            style.pad_labels,
            style.margin,
            2.1,
            style.ink,
            style.value_ink,
        )
        y = 700
        lw = layout.label_width(st, [r[0] for r in rows], 5)
        for label, value in left:
            y = layout.kv(page, st, 230, y, label, value, label_w=lw, max_x=1180, width=5)
        y = (
            layout.kv(page, st, 230, y, "经营范围", "", label_w=lw, max_x=1180, width=5)
            - st.size * st.line_gap
        )
        layout.paragraph(page, st, 230 + lw, y, ctx.who.business_scope, max_x=1200, size=28, indent=False)
        y = 700
        for label, value in right:
            y = layout.kv(page, st, 1260, y, label, value, label_w=lw, max_x=page.width - 170, width=5)
        layout.qr_box(page, rng, 230, 1250, 220)
        page.text(480, 1470, "国家企业信用信息公示系统网址：", style.label_face, 22, fill=style.ink)
        ax, ay = 1750, 1380
    else:
        page = Page(*A4)
        layout.border(page, rng, color, inset=rng.randint(50, 90))
        layout.emblem(page, page.width / 2, 260, 90, (190, 40, 40))
        y = layout.title(
            page,
            style,
            520,
            "营业执照",
            size=rng.choice((100, 110, 120)),
            spacing=50,
            fill=rng.choice(((30, 30, 30), color)),
        )
        if rng.random() < 0.5:
            page.text(page.width / 2, y - 40, "（副本）", style.title_face, 40, anchor="ms", fill=style.ink)
            y += 20
        if template == "portrait_padded":
            page.text(
                page.width / 2,
                y + 20,
                f"统一社会信用代码  {tax_id}",
                style.value_face,
                40,
                anchor="ms",
                fill=style.value_ink,
            )
        else:
            page.text(
                page.width - 220,
                y + 20,
                f"统一社会信用代码：{tax_id}",
                style.value_face,
                36,
                anchor="rs",
                fill=style.value_ink,
            )
        y += 150
        x = 230
        st = layout.Style(
            style.label_face,
            style.value_face,
            style.title_face,
            style.size,
            style.colon if template == "portrait_colon" else "",
            template == "portrait_padded",
            style.margin,
            style.line_gap,
            style.ink,
            style.value_ink,
        )
        lw = layout.label_width(st, [r[0] for r in rows], 4)
        for label, value in rows:
            y = layout.kv(page, st, x, y, label, value, label_w=lw, max_x=page.width - 200, width=4)
        y = layout.kv(page, st, x, y, "经营范围", "", label_w=lw, width=4) - st.size * st.line_gap
        layout.paragraph(
            page,
            st,
            x + lw,
            y,
            ctx.who.business_scope,
            max_x=page.width - 220,
            size=int(st.size * 0.8),
            indent=False,
        )
        if rng.random() < 0.6:
            layout.qr_box(page, rng, 230, page.height - 560, 240)
        ax, ay = page.width - 520, page.height - 420
    page.text(ax - 150, ay - 40, "登记机关", style.label_face, 40, fill=style.ink)
    page.text(
        ax,
        ay + 110,
        cn_date(issued) if rng.random() < 0.6 else format_date(issued, "ymd_zh"),
        style.label_face,
        36,
        fill=style.ink,
        anchor="ms",
    )
    stamp(page, t, SealSpec("other", authority), rng, ax + 60, ay - 20)
    return RenderedDoc("business_license", [page], [t], template=template)


def render_tax_registration(ctx: Ctx) -> RenderedDoc:
    rng, who = ctx.rng, ctx.who
    template = rng.choice(("classic", "table"))
    style = layout.pick_style(rng, pdf_safe=ctx.pdf_safe, official=True)
    fmt = pick_date_style(rng, official=True)
    page = Page(*A4)
    t = PageTruth()
    color = rng.choice(LICENCE_COLORS)
    layout.border(page, rng, color, inset=rng.randint(50, 90))
    layout.emblem(page, page.width / 2, 250, 80, (190, 40, 40))
    y = layout.title(page, style, 480, "税务登记证", size=rng.choice((100, 110)), spacing=40)
    page.text(page.width / 2, y - 50, "（副本）", style.title_face, 40, anchor="ms", fill=style.ink)
    tax_id = ctx.get("tax_id")
    t.put("tax_id", tax_id)
    prov = who.city.province_short[:1] if who.city.province else who.city.short[:1]
    bureau = rng.choice(("地税", "国税"))
    word = f"{prov}{bureau}字{to_fullwidth_digits(tax_id) if rng.random() < 0.2 else tax_id}号"
    page.text(page.width / 2, y + 40, word, style.value_face, 40, anchor="ms", fill=style.value_ink)
    y += 170
    name = ctx.get("customer_name")
    t.put("customer_name", name)
    t.put("legal_representative", who.legal_representative)
    t.put("address", ctx.get("address"))
    rows = [
        ("纳税人名称", name),
        (rng.choice(("法定代表人（负责人）", "法定代表人(负责人)", "负责人")), who.legal_representative),
        (rng.choice(("地址", "地　　址", "生产经营地址")), ctx.get("address")),
        ("登记注册类型", "个体工商户" if who.sole_trader else "有限责任公司"),
        ("经营范围", ""),
    ]
    if rng.random() < 0.6:
        rows.insert(1, ("税务登记号", tax_id))
    x = 200
    if template == "classic":
        lw = layout.label_width(style, [r[0] for r in rows], 5)
        for label, value in rows:
            y = layout.kv(page, style, x, y, label, value, label_w=lw, max_x=page.width - 200, width=5)
        layout.paragraph(
            page,
            style,
            x + lw,
            y - style.size * style.line_gap,
            who.business_scope,
            max_x=page.width - 220,
            size=int(style.size * 0.8),
            indent=False,
        )
        y += style.size * 5
    else:
        rh = style.size * 2.2
        wl, wv = 420, page.width - 2 * x - 420
        for label, value in rows[:-1]:
            y = layout.table_row(page, style, x, y, [(wl, label, "label"), (wv, value, "value")], rh)
        y = layout.table_row(page, style, x, y, [(wl, "经营范围", "label"), (wv, "", "value")], rh * 3)
        layout.paragraph(
            page,
            style,
            x + wl + 12,
            y - rh * 3 + style.size * 1.3,
            who.business_scope,
            max_x=x + wl + wv - 12,
            size=int(style.size * 0.7),
            indent=False,
        )
        y += 60
    start, end = ctx.get("valid_from"), ctx.get("valid_to")
    if end is not None:
        end_txt = "长期" if end == "long_term" else format_date(end, fmt)
        if start is not None:
            t.put("valid_from", start)
            layout.kv(
                page,
                style,
                x,
                y + 40,
                "有效期限",
                f"自{format_date(start, fmt)}起至{end_txt}止",
                max_x=page.width - 200,
            )
        else:
            layout.kv(page, style, x, y + 40, "有效期限", end_txt, max_x=page.width - 200)
        t.put("valid_to", end)
    issued = who.established + timedelta(days=rng.randrange(5, 60))
    area = f"{who.city.city}{who.district}"
    authority = f"{area}{'地方税务局' if bureau == '地税' else '国家税务局'}"
    ax, ay = page.width - 520, page.height - 430
    page.text(ax - 160, ay - 40, "发证机关", style.label_face, 40, fill=style.ink)
    page.text(ax, ay + 110, cn_date(issued), style.label_face, 36, fill=style.ink, anchor="ms")
    stamp(page, t, SealSpec("other", authority), rng, ax + 40, ay - 10)
    return RenderedDoc("tax_registration", [page], [t], template=template)
