"""Bank proof: the 开户许可证 (holder inside a sentence, date at the foot), the post-2019 《基本存款账户信息》
(table, opening date sometimes in Chinese numerals), and for sole traders a passbook page or a bank-card copy
with the holder and branch written by hand."""

from __future__ import annotations

from tests.corpus2 import seals as sealmod
from tests.corpus2.docs.common import Ctx, Draft, any_date_style, fmt_date, kv, label_width, paragraph, spaced
from tests.corpus2.sheet import A4, BLUE_INK, Sheet, width_mm


def _bank_seal(ctx: Ctx) -> sealmod.Seal:
    return sealmod.Seal("other", ctx.who.bank_name, ctx.rng.choice(("业务专用章", "结算专用章", "")))


def permit(ctx: Ctx) -> Draft:
    who, rng = ctx.who, ctx.rng
    face = rng.choice(("serif", "ming", "sans"))
    s = Sheet(A4[1], A4[0]) if rng.random() < 0.5 else Sheet()
    cx = s.width / 2
    s.box(12, 12, s.width - 12, s.height - 12, 0.8, outline=(40, 90, 150))
    s.text(cx, 42, "开  户  许  可  证", "serif_bold", 12.0, anchor="m")
    size = 4.8
    s.text(30, 62, f"核准号：{who.approval_no}", face, size)
    s.text(
        s.width - 30,
        62,
        f"编号：{who.approval_no[1:5]}-{rng.randrange(10**7, 10**8)}",
        face,
        size,
        anchor="r",
    )
    y = paragraph(
        s, 30, 80, f"经审核，{who.name}符合开户条件，准予开立基本存款账户。", face, size, s.width - 60
    )
    y += 6
    rows = [
        ("法定代表人（单位负责人）", who.rep.name),
        (spaced("开户银行"), who.bank_name),
        (spaced("账号"), who.bank_account),
    ]
    lw = label_width([r[0] for r in rows], face, size)
    for k, v in rows:
        y = kv(s, 30, y, k, v, face, size, lw, s.width - 60) + 4
    opened_style = any_date_style(rng, cn=0.5)
    s.text(s.width - 40, y + 14, "发证机关（盖章）", face, size, anchor="r")
    s.text(s.width - 40, y + 30, fmt_date(who.account_opened, opened_style), face, size, anchor="r")
    s.stamp(
        sealmod.Seal("other", f"中国人民银行{who.city[:-1]}中心支行", "账户管理专用章"),
        s.width - 65,
        y + 20,
        rng,
    )
    fields = {
        "account_holder": who.name,
        "bank_name": who.bank_name,
        "bank_account": who.bank_account,
        "approval_no": who.approval_no,
        "legal_representative": who.rep.name,
        "account_opened": who.account_opened.isoformat(),
    }
    return Draft("bank_permit", s, fields)


def basic_info(ctx: Ctx) -> Draft:
    who, rng = ctx.who, ctx.rng
    face = rng.choice(("serif", "ming", "microhei"))
    s = Sheet()
    title = rng.choice(("基本存款账户信息", "《基本存款账户信息》"))
    s.text(A4[0] / 2, 40, title, "serif_bold", 8.0, anchor="m")
    rows = [
        ("账户名称", who.name),
        ("账号", who.bank_account),
        ("开户银行", who.bank_name),
        ("法定代表人（单位负责人）", who.rep.name),
        ("基本存款账户编号", who.approval_no),
    ]
    y, size = 60.0, 4.6
    for k, v in rows:
        s.box(20, y, A4[0] - 20, y + 14, 0.3)
        s.line(80, y, 80, y + 14, 0.3)
        s.text(23, y + 9, k if len(k) < 10 else "法定代表人", face, size)
        s.text(84, y + 9, v, face, min(size, 102 / max(width_mm(v, face, 1.0), 1)))  # shrink to fit the cell
        y += 14
    s.text(20, y + 10, "注：本信息为存款人基本存款账户开立的证明，请妥善保管。", face, 3.6)
    style = any_date_style(rng, cn=0.6)
    if rng.random() < 0.5:
        s.text(A4[0] - 30, y + 45, f"开户日期：{fmt_date(who.account_opened, style)}", face, size, anchor="r")
    else:
        s.text(A4[0] - 30, y + 45, fmt_date(who.account_opened, style), face, size, anchor="r")
    s.stamp(_bank_seal(ctx), A4[0] - 60, y + 35, rng)
    fields = {
        "account_holder": who.name,
        "bank_account": who.bank_account,
        "bank_name": who.bank_name,
        "legal_representative": who.rep.name,
        "approval_no": who.approval_no,
        "account_opened": who.account_opened.isoformat(),
    }
    return Draft("bank_permit", s, fields)


def _group(number: str) -> str:
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


def passbook(ctx: Ctx) -> Draft:
    """An A4 copy of a passbook's first page, or of a bank card with the holder and branch handwritten."""
    who, rng = ctx.who, ctx.rng
    s = Sheet()
    face = rng.choice(("sans", "ming"))
    fields = {"account_holder": who.rep.name, "bank_account": who.bank_account, "bank_name": who.bank_name}
    if rng.random() < 0.55:
        x0, y0, x1, y1 = 25.0, 40.0, 185.0, 140.0
        s.box(x0, y0, x1, y1, 0.5, fill=(226, 240, 228))
        s.text(x0 + 8, y0 + 14, f"{who.bank_short}  活期储蓄存折", "sans_bold", 6.0)
        y = y0 + 30
        for k, v in (
            ("户　名", who.rep.name),
            ("账　号", _group(who.bank_account) if rng.random() < 0.5 else who.bank_account),
            ("开户行", who.bank_name),
            ("开户日期", fmt_date(who.account_opened, "dash")),
        ):
            s.text(x0 + 8, y, f"{k}：{v}", face, 4.4)
            y += 11
        s.stamp(_bank_seal(ctx), x1 - 30, y0 + 55, rng)
        ty = y1 + 12
        s.text(x0, ty, "日期        摘要        支出        存入        余额", face, 3.8)
        for i in range(rng.randrange(2, 5)):
            d = who.account_opened.replace(day=min(28, who.account_opened.day + i))
            s.text(
                x0,
                ty + 8 * (i + 1),
                f"{d:%Y%m%d}    {'开户' if i == 0 else '现存'}        "
                f"      {rng.randrange(100, 9000)}.00    {rng.randrange(1000, 20000)}.00",
                face,
                3.8,
            )
    else:
        x0, y0 = 45.0, 45.0
        s.box(x0, y0, x0 + 120, y0 + 76, 0.5, fill=(70, 110, 170))
        s.text(x0 + 8, y0 + 14, who.bank_short, "sans_bold", 6.5, color=(250, 250, 250))
        s.text(x0 + 8, y0 + 50, _group(who.bank_account), "sans", 6.0, color=(245, 245, 245))
        s.text(x0 + 90, y0 + 68, "银联 UnionPay", "sans", 3.6, color=(245, 245, 245))
        y = y0 + 100
        s.text(30, y, "户名：", face, 5.0)
        s.text(50, y, who.rep.name, "kai", 5.6, color=BLUE_INK, hand=True)
        s.text(30, y + 14, "开户行：", face, 5.0)
        s.text(54, y + 14, who.bank_name, "kai", 5.6, color=BLUE_INK, hand=True)
    return Draft("passbook", s, fields, hand=True)
