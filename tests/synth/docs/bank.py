"""Bank proof: the 开户许可证 (before the 2019 reform), the 《基本存款账户信息》 sheet (after it), and a sole
trader's passbook or bank-card copy."""

from __future__ import annotations

from tests.synth import layout
from tests.synth.docs.base import Ctx, PageTruth, RenderedDoc, stamp
from tests.synth.identity import BANK_SHORT, SealSpec
from tests.synth.page import A4, A4_LANDSCAPE, Page
from tests.synth.textfmt import cn_date, format_date, pick_date_style


def _pboc_seal(ctx: Ctx) -> SealSpec:
    city = ctx.who.city
    name = "中国人民银行营业管理部" if city.city == "北京市" else f"中国人民银行{city.short}中心支行"
    if city.city == "上海市":
        name = "中国人民银行上海总部"
    return SealSpec("other", name, ctx.rng.choice(("", "账户管理专用章", "开户许可证核准专用章")))


def _bank_seal(ctx: Ctx) -> SealSpec:
    return SealSpec(
        "other", ctx.get("bank_name"), ctx.rng.choice(("业务专用章", "业务受理章", "对公业务专用章"))
    )


def render_bank_permit(ctx: Ctx) -> RenderedDoc:
    if ctx.who.bank_proof == "basic_info":
        return _basic_info(ctx)
    return _permit(ctx)


def _permit(ctx: Ctx) -> RenderedDoc:
    rng = ctx.rng
    template = rng.choice(("permit_sentence", "permit_rows", "permit_landscape"))
    style = layout.pick_style(rng, pdf_safe=ctx.pdf_safe, official=True)
    page = Page(*(A4_LANDSCAPE if template == "permit_landscape" else A4))
    t = PageTruth()
    color = rng.choice(((160, 60, 50), (60, 90, 150), (90, 90, 90)))
    layout.border(page, rng, color, inset=rng.randint(60, 110))
    top = 330 if template != "permit_landscape" else 260
    layout.emblem(page, page.width / 2, top - 120, 70, (190, 40, 40)) if rng.random() < 0.5 else None
    y = layout.title(page, style, top + 80, "开户许可证", size=rng.choice((90, 100, 110)), spacing=40)
    approval, serial = ctx.get("approval_no"), ctx.get("serial_no")
    t.put("approval_no", approval)
    t.put("serial_no", serial)
    x = style.margin + 60
    right = page.width - style.margin - 60
    page.text(
        x,
        y + 20,
        f"核准号{style.colon or '：'}{approval}",
        style.value_face,
        style.size,
        fill=style.value_ink,
    )
    page.text(
        right,
        y + 20,
        f"编号{style.colon or '：'}{serial}",
        style.value_face,
        style.size,
        fill=style.value_ink,
        anchor="rs",
    )
    y += 140
    holder = ctx.get("account_holder")
    t.put("account_holder", holder)
    rep = ctx.who.legal_representative
    t.put("legal_representative", rep)
    bank, account = ctx.get("bank_name"), ctx.get("bank_account")
    t.put("bank_name", bank)
    t.put("bank_account", account)
    rows: list[tuple[str, str]] = []
    if template == "permit_sentence":
        y = layout.paragraph(
            page,
            style,
            x,
            y,
            f"经审核，{holder}符合开户条件，准予开立基本存款账户。",
            max_x=right,
            size=style.size,
        )
        y += style.size
    else:
        rows.append(("存款人名称", holder))
    rows += [
        (rng.choice(("法定代表人（单位负责人）", "法定代表人(单位负责人)")), rep),
        ("开户银行", bank),
        (rng.choice(("账号", "账　　号", "银行账号")), account),
    ]
    lw = layout.label_width(style, [r[0] for r in rows], 5)
    for label, value in rows:
        y = layout.kv(page, style, x, y, label, value, label_w=lw, max_x=right)
    opened = ctx.who.account_opened
    t.put("account_opened", opened)
    ax, ay = right - 300, min(y + 260, page.height - 330)
    page.text(ax, ay, "发证机关（盖章）", style.label_face, style.size, fill=style.ink, anchor="ms")
    page.text(
        ax,
        ay + 110,
        cn_date(opened) if rng.random() < 0.5 else format_date(opened, "ymd_zh_pad"),
        style.label_face,
        style.size,
        fill=style.ink,
        anchor="ms",
    )
    stamp(page, t, _pboc_seal(ctx), rng, ax, ay + 20)
    return RenderedDoc("bank_permit", [page], [t], template=template)


def _basic_info(ctx: Ctx) -> RenderedDoc:
    rng = ctx.rng
    template = rng.choice(("basic_rows", "basic_table"))
    style = layout.pick_style(rng, pdf_safe=ctx.pdf_safe)
    page = Page(*A4)
    t = PageTruth()
    y = layout.title(
        page,
        style,
        330,
        rng.choice(("基本存款账户信息", "《基本存款账户信息》", "基本存款账户信息表")),
        size=int(style.size * 1.8),
    )
    holder, bank, account = ctx.get("account_holder"), ctx.get("bank_name"), ctx.get("bank_account")
    approval = ctx.get("approval_no")
    opened = ctx.who.account_opened
    fmt = pick_date_style(rng)
    for name, value in (
        ("account_holder", holder),
        ("bank_name", bank),
        ("bank_account", account),
        ("approval_no", approval),
        ("legal_representative", ctx.who.legal_representative),
        ("account_opened", opened),
    ):
        t.put(name, value)
    rows = [
        (rng.choice(("账户名称", "存款人名称")), holder),
        (rng.choice(("基本存款账户编号", "基本存款账户编号（原核准号）")), approval),
        (rng.choice(("开户银行", "开户银行名称")), bank),
        (rng.choice(("账号", "账户号码")), account),
        ("法定代表人（单位负责人）", ctx.who.legal_representative),
        ("开户日期", format_date(opened, fmt)),
    ]
    if rng.random() < 0.5:
        rows[1], rows[3] = rows[3], rows[1]
    x = style.margin
    right = page.width - style.margin
    y += 60
    if template == "basic_rows":
        lw = layout.label_width(style, [r[0] for r in rows], 5)
        for label, value in rows:
            y = layout.kv(page, style, x, y, label, value, label_w=lw, max_x=right)
    else:
        wl = layout.label_width(style, [r[0] for r in rows], 5, size=style.size) + 10
        rh = style.size * 2.3
        for label, value in rows:
            y = layout.table_row(
                page, style, x, y, [(wl, label, "label"), (right - x - wl, value, "value")], rh
            )
    y += 120
    page.text(x, y, "特此证明。", style.label_face, style.size, fill=style.ink)
    ax = right - 320
    page.text(ax, y + 160, "开户银行（盖章）", style.label_face, style.size, fill=style.ink, anchor="ms")
    page.text(
        ax,
        y + 260,
        format_date(opened, "ymd_zh_pad"),
        style.label_face,
        style.size,
        fill=style.ink,
        anchor="ms",
    )
    stamp(page, t, _bank_seal(ctx), rng, ax, y + 190)
    return RenderedDoc("bank_permit", [page], [t], template=template)


def _group(num: str) -> str:
    return " ".join(num[i : i + 4] for i in range(0, len(num), 4))


def render_passbook(ctx: Ctx) -> RenderedDoc:
    rng, who = ctx.rng, ctx.who
    template = rng.choice(("passbook", "card"))
    style = layout.pick_style(rng)
    page = Page(*A4)
    t = PageTruth()
    holder, bank, account = ctx.get("account_holder"), ctx.get("bank_name"), ctx.get("bank_account")
    short = BANK_SHORT[who.bank_code]
    t.put("account_holder", holder)
    t.put("bank_name", bank)
    x0, y0 = rng.randint(150, 260), rng.randint(200, 420)
    if template == "passbook":
        w, h = rng.randint(1150, 1300), rng.randint(760, 860)
        page.rect((x0, y0, x0 + w, y0 + h), width=3, fill=(238, 238, 238))
        page.text(
            x0 + w / 2,
            y0 + 110,
            f"{short}  {rng.choice(('活期储蓄存折', '个人结算账户存折', '存折'))}",
            style.title_face,
            56,
            anchor="ms",
            fill=style.ink,
        )
        page.line(x0 + 40, y0 + 160, x0 + w - 40, y0 + 160, width=2)
        printed = account if rng.random() < 0.7 else _group(account)
        t.put("bank_account", account, printed=printed)
        rows = [
            ("户名", holder),
            (rng.choice(("账号", "账户")), printed),
            (rng.choice(("开户行", "开户网点", "开户机构")), bank),
            ("开户日期", format_date(who.account_opened, "ymd_zh_pad")),
            ("币种", "人民币"),
        ]
        lw = layout.label_width(style, [r[0] for r in rows], 4)
        y = y0 + 250
        for label, value in rows:
            y = layout.kv(page, style, x0 + 60, y, label, value, label_w=lw, max_x=x0 + w - 40)
        if rng.random() < 0.6:
            stamp(page, t, SealSpec("other", bank, "业务专用章"), rng, x0 + w - 260, y0 + h - 220, scale=0.85)
    else:
        w, h = 780, 492
        for side in range(2):
            cy = y0 + side * (h + 80)
            page.rect((x0, cy, x0 + w, cy + h), width=3, fill=(225, 225, 228))
            if side == 0:
                page.text(x0 + 40, cy + 80, short, style.title_face, 48, fill=style.ink)
                page.text(x0 + w - 40, cy + 80, "银联 UnionPay", "sans", 30, fill=style.ink, anchor="rs")
                page.rect((x0 + 60, cy + 170, x0 + 170, cy + 250), width=2, fill=(200, 190, 150))
                page.text(x0 + 50, cy + 360, _group(account), "sans_mono", 52, fill=style.ink)
            else:
                page.rect((x0, cy + 50, x0 + w, cy + 130), width=0, outline=None, fill=(40, 40, 40))
                page.text(x0 + 40, cy + 250, "客服热线 95588", "sans", 28, fill=style.ink)
        t.put("bank_account", account, printed=_group(account))
        y = y0 + 2 * h + 240
        for label, value in (("户名", holder), ("卡号", account), ("开户行", bank)):
            y = layout.kv(page, style, x0, y, label, value, max_x=page.width - 150)
    return RenderedDoc("passbook", [page], [t], template=template)
