"""The application form (a bordered grid with foot notes that quote the field labels, or a hand-filled sheet
with the notes at the top) and the seal card (a grid of reserved seals or a numbered seal table)."""

from __future__ import annotations

from tests.corpus2 import seals as sealmod
from tests.corpus2.docs.common import Ctx, Draft, any_date_style, fmt_date, paragraph
from tests.corpus2.sheet import A4, BLUE_INK, Sheet, width_mm, wrap

NOTE_QUOTE = (
    "注：“客户名称”、“税务登记号”、“开户银行”、“银行账号”、“税务地址”、“税务电话”六项将印在发票上，"
    "请与证照一致。"
)
FORM_TITLES = ("客户建档申请表", "经销商客户建档申请表", "客户资料建档申请单")
SEAL_NAMES = {
    "company": "公章",
    "finance": "财务专用章",
    "invoice": "发票专用章",
    "contract": "合同专用章",
    "personal": "法定代表人章",
    "receiving": "收货专用章",
}


def _cell(
    s: Sheet, x: float, y: float, w: float, h: float, text: str, face: str, size: float, hand: bool
) -> None:
    """A value in a grid cell, wrapped; hand-filled values in blue Kai a little off the cell's line."""
    lines = wrap(text, "kai" if hand else face, size * (1.08 if hand else 1), w - 4)
    ly = y + (h - len(lines) * size * 1.45) / 2 + size * 1.05
    for ln in lines:
        if hand:
            s.text(x + 2, ly, ln, "kai", size * 1.08, color=BLUE_INK, hand=True)
        else:
            s.text(x + 2, ly, ln, face, size)
        ly += size * 1.45


def _fields(ctx: Ctx) -> dict[str, str]:
    return {k: v for k, v in ctx.form.items()}


def form_grid(ctx: Ctx) -> Draft:
    rng, f = ctx.rng, ctx.form
    hand = rng.random() < 0.45
    face = rng.choice(("ming", "serif", "sans", "microhei"))
    s = Sheet()
    s.text(A4[0] / 2, 30, rng.choice(FORM_TITLES), "serif_bold", 7.5, anchor="m")
    s.text(20, 42, f"填表日期：{fmt_date(ctx.as_of, any_date_style(rng))}", face, 3.8)
    s.text(A4[0] - 20, 42, f"编号：KH{ctx.as_of:%y%m}{rng.randrange(100, 999)}", face, 3.8, anchor="r")
    tax_label = rng.choice(("税务登记号", "纳税人识别号"))
    full = [
        ("客户名称", "customer_name"),
        (tax_label, "tax_id"),
        ("税务地址", "tax_address"),
        ("开户银行", "bank_name"),
        ("银行账号", "bank_account"),
    ]
    half = [
        (("税务电话", "tax_phone"), ("营业属性", "business_type")),
        (("法定代表人", "legal_representative"), ("联系人", "contact_name")),
        (("联系电话", "contact_phone"), ("预计提货日期", "pickup_date")),
    ]
    x0, x1, lw, size = 18.0, A4[0] - 18, 30.0, 4.2
    y = 48.0
    for label, key in full:
        h = 14.0
        s.box(x0, y, x1, y + h, 0.35)
        s.line(x0 + lw, y, x0 + lw, y + h, 0.35)
        s.text(x0 + 2, y + 8.8, label, face, size if len(label) < 6 else 3.6)
        _cell(s, x0 + lw, y, x1 - x0 - lw, h, f[key], face, size, hand)
        y += h
    mid = (x0 + x1) / 2
    for (la, ka), (lb, kb) in half:
        h = 14.0
        s.box(x0, y, x1, y + h, 0.35)
        for x in (x0 + lw, mid, mid + lw):
            s.line(x, y, x, y + h, 0.35)
        s.text(x0 + 2, y + 8.8, la, face, size if len(la) < 5 else 3.6)
        s.text(mid + 2, y + 8.8, lb, face, size if len(lb) < 5 else 3.4)
        va = f[ka]
        vb = f[kb] if kb != "pickup_date" else fmt_date(ctx.pickup, rng.choice(("zh_pad", "dash", "zh")))
        _cell(s, x0 + lw, y, mid - x0 - lw, h, va, face, size, hand)
        _cell(s, mid + lw, y, x1 - mid - lw, h, vb, face, size, hand)
        y += h
    h = 20.0
    s.box(x0, y, x1, y + h, 0.35)
    s.line(x0 + lw, y, x0 + lw, y + h, 0.35)
    s.text(x0 + 2, y + 11.5, "收货地址", face, size)
    _cell(s, x0 + lw, y, x1 - x0 - lw, h, f["receiving_address"], face, size, hand)
    y += h + 10
    s.text(x0, y, "申请单位（盖章）：", face, 4.4)
    s.stamp(sealmod.Seal("company", ctx.who.name), x0 + 55, y + 4, rng)
    s.text(mid + 20, y, "业务经理：", face, 4.4)
    s.text(
        mid + 45,
        y,
        rng.choice(("周", "钱", "孙")) + rng.choice(("立新", "海", "明辉")),
        "kai",
        5.2,
        color=BLUE_INK,
        hand=True,
    )
    y += 34
    y = paragraph(s, x0, y, NOTE_QUOTE, face, 3.5, x1 - x0, 1.6)
    y = paragraph(
        s,
        x0,
        y + 1,
        "2．营业属性请填写“企业”或“个体工商户”；“收货地址”须与物流配送合同一致。",
        face,
        3.5,
        x1 - x0,
        1.6,
    )
    return Draft("application_form", s, _fields(ctx) | {"pickup_date": ctx.pickup.isoformat()}, hand=hand)


def form_lines(ctx: Ctx) -> Draft:
    """A hand-filled sheet: notes at the top quoting labels, then 'label：' with handwriting on a rule."""
    rng, f = ctx.rng, ctx.form
    face = rng.choice(("ming", "serif"))
    s = Sheet()
    s.text(A4[0] / 2, 28, rng.choice(FORM_TITLES), "serif_bold", 7.0, anchor="m")
    y = paragraph(
        s,
        20,
        40,
        "填表说明：请用正楷填写。“开户银行”、“银行账号”须与开户许可证（基本存款账户信息）一致，“客户名称”、"
        "“税务地址”须与营业执照一致。",
        face,
        3.5,
        A4[0] - 40,
        1.6,
    )
    rows = [
        ("客户名称", "customer_name"),
        ("营业属性", "business_type"),
        ("税务登记号", "tax_id"),
        ("税务地址", "tax_address"),
        ("税务电话", "tax_phone"),
        ("开户银行", "bank_name"),
        ("银行账号", "bank_account"),
        ("法定代表人", "legal_representative"),
        ("联系人", "contact_name"),
        ("联系电话", "contact_phone"),
        ("收货地址", "receiving_address"),
        ("预计提货日期", "pickup_date"),
    ]
    y += 8
    size = 4.4
    for label, key in rows:
        value = f[key] if key != "pickup_date" else fmt_date(ctx.pickup, rng.choice(("zh", "dot", "zh_pad")))
        lw = width_mm(label + "：", face, size) + 2
        s.text(20, y, label + "：", face, size)
        lines = wrap(value, "kai", size * 1.1, A4[0] - 40 - lw)
        for ln in lines:
            s.line(20 + lw, y + 1.5, A4[0] - 20, y + 1.5, 0.2)
            s.text(20 + lw + 2, y - 0.5, ln, "kai", size * 1.12, color=BLUE_INK, hand=True)
            y += 10.5
        y += 2
    s.text(110, y + 12, "申请单位（盖章）", face, 4.4)
    s.stamp(sealmod.Seal("company", ctx.who.name), 130, y + 14, rng)
    s.text(110, y + 32, f"日期：{fmt_date(ctx.as_of, 'zh')}", face, 4.4)
    return Draft("application_form", s, _fields(ctx) | {"pickup_date": ctx.pickup.isoformat()}, hand=True)


def _seal_label(seal: sealmod.Seal, i: int, n_recv: int) -> str:
    if seal.kind == "receiving" and n_recv > 1:
        return f"收货专用章（{i}）"
    return SEAL_NAMES.get(seal.kind, "印章")


def seal_card(ctx: Ctx) -> Draft:
    rng, who = ctx.rng, ctx.who
    face = rng.choice(("ming", "serif", "microhei"))
    s = Sheet()
    s.text(
        A4[0] / 2, 30, rng.choice(("客户印鉴卡", "客户预留印鉴卡", "印鉴卡")), "serif_bold", 8.0, anchor="m"
    )
    rep_label = "负责人" if who.sole_trader and rng.random() < 0.6 else "法定代表人"
    y = 46.0
    s.text(20, y, f"客户名称：{who.name}", face, 4.5)
    s.text(20, y + 9, f"{rep_label}：{who.rep.name}", face, 4.5)
    s.text(120, y + 9, f"启用日期：{fmt_date(ctx.as_of, any_date_style(rng))}", face, 4.2)
    y += 18
    n_recv = sum(1 for x in ctx.seals if x.kind == "receiving")
    counter = 0
    labels = []
    for seal in ctx.seals:
        counter += seal.kind == "receiving"
        labels.append(_seal_label(seal, counter, n_recv))
    if len(ctx.seals) > 6 or rng.random() < 0.5:  # grid of boxes, label under each
        bw, bh = 56.0, 52.0
        for i, (seal, label) in enumerate(zip(ctx.seals, labels, strict=True)):
            col, row = i % 3, i // 3
            bx, by = 20 + col * (bw + 2), y + row * (bh + 12)
            s.box(bx, by, bx + bw, by + bh, 0.3)
            s.text(bx + bw / 2, by + bh + 6, label, face, 4.0, anchor="m")
            s.stamp(seal, bx + bw / 2, by + bh / 2, rng)
        y += ((len(ctx.seals) + 2) // 3) * (bh + 12) + 6
    else:  # numbered table
        s.box(20, y, A4[0] - 20, y + 10, 0.3)
        for x, t in ((24, "序号"), (42, "印章名称"), (92, "印鉴式样"), (160, "备注")):
            s.text(x, y + 7, t, face, 4.0)
        y += 10
        for i, (seal, label) in enumerate(zip(ctx.seals, labels, strict=True)):
            s.box(20, y, A4[0] - 20, y + 30, 0.3)
            for x in (38, 88, 156):
                s.line(x, y, x, y + 30, 0.3)
            s.text(27, y + 19, str(i + 1), face, 4.0)
            s.text(41, y + 19, label, face, 4.0)
            s.stamp(seal, 122, y + 15, rng)
            y += 30
        y += 6
    paragraph(
        s,
        20,
        min(y + 4, A4[1] - 30),
        "说明：以上为本客户预留印鉴，业务往来以预留印鉴为准；预留印鉴变更的，须书面申请并重新办理预留手续。",
        face,
        3.5,
        A4[0] - 40,
    )
    return Draft("seal_card", s, {"customer_name": who.name, "legal_representative": who.rep.name})
