"""Forms the customer fills in: the application form 客户建档申请表 (three layouts), the seal card 客户印鉴卡
(two layouts) and the optional POS binding application."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from tests.synth import layout
from tests.synth.docs.base import Ctx, PageTruth, RenderedDoc, stamp
from tests.synth.identity import BUSINESS_TYPES, SealSpec
from tests.synth.page import A4, Page
from tests.synth.textfmt import format_date, pick_date_style

SEAL_LABELS = {
    "company": ("公章", "单位公章", "公章"),
    "finance": ("财务专用章", "财务章"),
    "invoice": ("发票专用章",),
    "contract": ("合同专用章",),
    "receiving": ("收货专用章",),
    "personal": ("法人章", "法定代表人章", "法人私章"),
}


def _company_seal(ctx: Ctx) -> SealSpec:
    return next(s for s in ctx.who.seals if s.kind == "company")


def render_application_form(ctx: Ctx) -> RenderedDoc:
    rng = ctx.rng
    template = rng.choice(("table2", "table4", "lines", "stacked"))
    style = layout.pick_style(rng, pdf_safe=ctx.pdf_safe)
    page = Page(*A4)
    t = PageTruth()
    fmt = pick_date_style(rng)
    values = {
        f: ctx.get(f)
        for f in (
            "customer_name",
            "tax_id",
            "tax_address",
            "tax_phone",
            "bank_name",
            "bank_account",
            "legal_representative",
            "contact_name",
            "contact_phone",
            "business_type",
            "receiving_address",
        )
    }
    pickup = ctx.get("pickup_date")
    for name, value in values.items():
        t.put(name, value)
    t.put("pickup_date", pickup)
    labels = {
        "customer_name": rng.choice(("客户名称", "客户全称", "客户名称（全称）")),
        "tax_id": rng.choice(("税务登记号", "纳税人识别号", "统一社会信用代码/税号")),
        "tax_address": rng.choice(("税务地址", "注册地址", "税务登记地址")),
        "tax_phone": rng.choice(("税务电话", "电话", "税务登记电话")),
        "bank_name": rng.choice(("开户银行", "开户行")),
        "bank_account": rng.choice(("银行账号", "账号", "开户账号")),
        "legal_representative": rng.choice(("法定代表人", "法人代表", "法定代表人/负责人")),
        "contact_name": "联系人",
        "contact_phone": rng.choice(("联系电话", "联系人电话", "手机")),
        "business_type": "营业属性",
        "receiving_address": rng.choice(("收货地址", "送货地址")),
        "pickup_date": rng.choice(("预计提货日期", "预计首次提货日期", "提货日期（预计）")),
    }
    shown = dict(values)
    if rng.random() < 0.35:
        opts = list(dict.fromkeys([*BUSINESS_TYPES[:4], values["business_type"]]))
        shown["business_type"] = layout.checkboxes(opts, values["business_type"], rng)
    shown["pickup_date"] = format_date(pickup, fmt)
    applied = ctx.as_of - timedelta(days=rng.randrange(0, 6))
    y = layout.title(
        page,
        style,
        260,
        rng.choice(("客户建档申请表", "客户建档申请表", "新客户建档申请表")),
        size=int(style.size * 1.7),
        spacing=rng.choice((0, 8, 16)),
    )
    x, right = style.margin, page.width - style.margin
    page.text(
        right,
        y - 10,
        f"申请日期：{format_date(applied, fmt)}",
        style.label_face,
        int(style.size * 0.8),
        fill=style.ink,
        anchor="rs",
    )
    if rng.random() < 0.5:
        page.text(
            x,
            y - 10,
            f"客户编号：C{applied:%Y%m%d}{rng.randrange(1, 999):03d}",
            style.label_face,
            int(style.size * 0.8),
            fill=style.ink,
        )
    y += 30
    invoice_keys = ["customer_name", "tax_id", "tax_address", "tax_phone", "bank_name", "bank_account"]
    other_keys = [
        "legal_representative",
        "business_type",
        "contact_name",
        "contact_phone",
        "receiving_address",
        "pickup_date",
    ]
    if template == "table2":
        wl = layout.label_width(style, [labels[k] for k in labels], 6) + 10
        rh = min(style.size * rng.uniform(2.0, 2.6), (page.height - y - 11 * style.size) / 14)
        width = right - x
        if rng.random() < 0.6:
            y = layout.table_row(page, style, x, y, [(width, "一、开票信息", "center")], rh)
        for key in invoice_keys:
            y = layout.table_row(
                page, style, x, y, [(wl, labels[key], "label"), (width - wl, shown[key], "value")], rh
            )
        if rng.random() < 0.6:
            y = layout.table_row(page, style, x, y, [(width, "二、经营及收货信息", "center")], rh)
        for key in other_keys:
            y = layout.table_row(
                page, style, x, y, [(wl, labels[key], "label"), (width - wl, shown[key], "value")], rh
            )
    elif template == "table4":
        width = right - x
        wl = layout.label_width(style, [labels[k] for k in labels], 4, size=int(style.size * 0.9)) + 6
        wv = (width - 2 * wl) / 2
        rh = min(style.size * rng.uniform(2.0, 2.5), (page.height - y - 11 * style.size) / 10)
        sz = int(style.size * 0.9)
        for key in ("customer_name", "tax_id", "tax_address"):
            y = layout.table_row(
                page,
                style,
                x,
                y,
                [(wl, labels[key], "label"), (width - wl, shown[key], "value")],
                rh,
                size=sz,
            )
        long_bt = len(shown["business_type"]) > 8
        pairs = [("tax_phone", "legal_representative"), ("contact_name", "contact_phone")]
        if not long_bt:
            pairs.append(("business_type", "pickup_date"))
        for a, b in pairs:
            y = layout.table_row(
                page,
                style,
                x,
                y,
                [
                    (wl, labels[a], "label"),
                    (wv, shown[a], "value"),
                    (wl, labels[b], "label"),
                    (wv, shown[b], "value"),
                ],
                rh,
                size=sz,
            )
        rest = ["bank_name", "bank_account", "receiving_address"] + (
            ["business_type", "pickup_date"] if long_bt else []
        )
        for key in rest:
            y = layout.table_row(
                page,
                style,
                x,
                y,
                [(wl, labels[key], "label"), (width - wl, shown[key], "value")],
                rh,
                size=sz,
            )
    elif template == "stacked":
        # Label above the value, two columns of boxes: the layout of many web-printed forms.
        col_w = (right - x - 40) / 2
        y += 20
        keys = invoice_keys + other_keys
        wide = {"customer_name", "tax_address", "bank_name", "receiving_address", "business_type"}
        rows = len(wide) + (len(keys) - len(wide) + 1) // 2 + 1
        size = int(min(style.size, (page.height - y - 650) / rows / 3.6))
        style = replace(style, size=size)
        col = 0
        for key in keys:
            if key in wide and col == 1:
                y += style.size * 3.6
                col = 0
            bx = x + col * (col_w + 40)
            bw = right - x if key in wide else col_w
            page.rect((bx, y - style.size * 1.1, bx + bw, y + style.size * 2.5), width=1, outline=style.ink)
            layout.kv_above(page, style, bx + 14, y, labels[key], shown[key], max_x=bx + bw - 10)
            if key in wide or col == 1:
                y += style.size * 3.6
                col = 0
            else:
                col = 1
        if col == 1:
            y += style.size * 3.6
    else:
        gap = (page.height - y - 12 * style.size) / style.size - 2 * 2.7
        style = replace(style, line_gap=min(style.line_gap, gap / 12))
        lw = layout.label_width(style, [labels[k] for k in labels], 6)
        y += 20
        for head, keys in (("一、开票信息", invoice_keys), ("二、经营及收货信息", other_keys)):
            page.text(x, y, head, style.title_face, int(style.size * 1.05), fill=style.ink)
            y += style.size * 1.9
            for key in keys:
                layout.kv(
                    page, style, x + 30, y, labels[key], shown[key], label_w=lw, max_x=right - 10, width=6
                )
                page.line(x + 30 + lw - 10, y + 10, right, y + 10, width=2, fill=style.ink)
                y += style.size * style.line_gap
            y += style.size * 0.8
    y += style.size * 2
    note = "本公司承诺以上信息真实、准确、完整，如有变更及时书面通知。"
    y = layout.paragraph(page, style, x, y, note, max_x=right, size=int(style.size * 0.8))
    y += style.size * 1.5
    sx = right - 420
    page.text(sx, y, "申请单位（盖章）：", style.label_face, style.size, fill=style.ink)
    page.text(
        sx,
        y + style.size * 3.2,
        f"日期：{format_date(applied, fmt)}",
        style.label_face,
        style.size,
        fill=style.ink,
    )
    page.text(x, y, "业务经理签字：", style.label_face, style.size, fill=style.ink)
    stamp(page, t, _company_seal(ctx), rng, sx + 260, y + style.size * 1.2)
    return RenderedDoc("application_form", [page], [t], digital=True, template=template)


def render_seal_card(ctx: Ctx) -> RenderedDoc:
    rng = ctx.rng
    template = rng.choice(("grid_labels_top", "grid_header_row"))
    style = layout.pick_style(rng)
    page = Page(*A4)
    t = PageTruth()
    name = ctx.get("customer_name")
    t.put("customer_name", name)
    y = layout.title(
        page,
        style,
        260,
        rng.choice(("客户印鉴卡", "客户预留印鉴卡", "客户印鉴卡")),
        size=int(style.size * 1.8),
        spacing=rng.choice((0, 10, 20)),
    )
    x, right = style.margin, page.width - style.margin
    width = right - x
    rh = style.size * 2.3
    wl = layout.label_width(style, ["单位名称", "客户编号", "联系电话"], 4) + 10
    y = layout.table_row(
        page,
        style,
        x,
        y,
        [(wl, rng.choice(("客户名称", "单位名称")), "label"), (width - wl, name, "value")],
        rh,
    )
    y = layout.table_row(
        page,
        style,
        x,
        y,
        [
            (wl, "客户编号", "label"),
            (width / 2 - wl, f"C{ctx.as_of:%Y%m}{rng.randrange(1, 999):03d}", "value"),
            (wl, "联系电话", "label"),
            (width / 2 - wl, ctx.who.contact_phone, "value"),
        ],
        rh,
    )
    seals: list[SealSpec] = ctx.get("seals")
    cols = 3 if len(seals) > 4 and (len(seals) > 6 or rng.random() < 0.6) else 2
    box_w = width / cols
    n_rows = (len(seals) + cols - 1) // cols
    extra = rh if template == "grid_header_row" else 0
    box_h = min(560.0, box_w * rng.uniform(0.8, 1.05), (page.height - y - 6 * style.size) / n_rows - extra)
    y += 30
    for i, spec in enumerate(seals):
        r, c = divmod(i, cols)
        bx, by = x + c * box_w, y + r * (box_h + (rh if template == "grid_header_row" else 0))
        label = rng.choice(SEAL_LABELS[spec.kind])
        if spec.kind == "receiving" and spec.label != "收货专用章":
            label = spec.label
        if template == "grid_header_row":
            layout.table_row(page, style, bx, by, [(box_w, label, "center")], rh)
            by += rh
            page.rect((bx, by, bx + box_w, by + box_h), width=2, outline=style.ink)
        else:
            page.rect((bx, by, bx + box_w, by + box_h), width=2, outline=style.ink)
            page.text(bx + 20, by + style.size * 1.3, label, style.label_face, style.size, fill=style.ink)
        scale = min(1.0, (box_w - 60) / 340)
        stamp(
            page,
            t,
            spec,
            rng,
            bx + box_w / 2,
            by + box_h / 2 + (20 if template != "grid_header_row" else 0),
            scale=scale,
        )
    rows = (len(seals) + cols - 1) // cols
    y += rows * (box_h + (rh if template == "grid_header_row" else 0)) + style.size * 2
    page.text(
        x,
        y,
        f"启用日期：{format_date(ctx.as_of - timedelta(days=rng.randrange(1, 20)), 'ymd_zh_pad')}",
        style.label_face,
        style.size,
        fill=style.ink,
    )
    page.text(right, y, "经办人：", style.label_face, style.size, fill=style.ink, anchor="rs")
    page.text(
        x,
        y + style.size * 2,
        "说明：本卡所留印鉴为客户在本公司业务往来中使用的有效印鉴。",
        style.label_face,
        int(style.size * 0.75),
        fill=style.ink,
    )
    return RenderedDoc("seal_card", [page], [t], template=template)


def render_pos_binding(ctx: Ctx) -> RenderedDoc:
    rng = ctx.rng
    style = layout.pick_style(rng, pdf_safe=ctx.pdf_safe)
    page = Page(*A4)
    t = PageTruth()
    name, account, bank = ctx.get("customer_name"), ctx.get("bank_account"), ctx.get("bank_name")
    t.put("customer_name", name)
    t.put("bank_account", account)
    t.put("bank_name", bank)
    y = layout.title(
        page,
        style,
        280,
        rng.choice(("POS绑定申请", "POS机绑定结算账户申请书", "POS绑定申请表")),
        size=int(style.size * 1.7),
    )
    x, right = style.margin, page.width - style.margin
    rows = [
        (rng.choice(("商户名称", "客户名称")), name),
        ("结算账户名称", ctx.get("account_holder")),
        (rng.choice(("结算账号", "银行账号")), account),
        ("开户行", bank),
        ("POS终端数量", str(rng.randint(1, 3)) + "台"),
    ]
    lw = layout.label_width(style, [r[0] for r in rows], 5)
    y += 40
    for label, value in rows:
        y = layout.kv(page, style, x, y, label, value, label_w=lw, max_x=right)
    y += style.size
    y = layout.paragraph(
        page,
        style,
        x,
        y,
        "本单位申请将上述结算账户与POS终端绑定，用于货款结算，并承诺账户信息真实有效。",
        max_x=right,
    )
    y += style.size * 2
    page.text(right - 420, y, "申请单位（盖章）：", style.label_face, style.size, fill=style.ink)
    stamp(page, t, _company_seal(ctx), rng, right - 160, y + style.size)
    page.text(
        right - 420,
        y + style.size * 3.5,
        format_date(ctx.as_of, "ymd_zh_pad"),
        style.label_face,
        style.size,
        fill=style.ink,
    )
    return RenderedDoc("pos_binding", [page], [t], digital=True, template="pos")
