"""Certificates: the business licence in a vertical bordered table, in a landscape two-column layout,
and the 个体工商户 licence (经营者, 组成形式, 经营场所, no term); the old 税务登记证 of a sole trader whose
number is built from the owner's ID. Copies are sometimes annotated "与原件一致" and stamped by the
customer."""

from __future__ import annotations

from datetime import date

from tests.corpus2 import seals as sealmod
from tests.corpus2.docs.common import (
    PROVINCE_SHORT,
    Ctx,
    Draft,
    any_date_style,
    fmt_date,
    kv,
    label_width,
    spaced,
)
from tests.corpus2.identity import CITIES
from tests.corpus2.sheet import A4, BLUE_INK, Sheet, wrap

SCOPES = (
    "家用电器、电子产品、通讯器材、五金交电的销售；家电维修服务；日用百货销售。（依法须经批准的项目，经相关部门"
    "批准后方可开展经营活动）",
    "许可项目：第二类增值电信业务。一般项目：家用电器销售；电子产品销售；计算机软硬件及辅助设备零售；"
    "家具安装和维修服务（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）。",
    "日用百货、预包装食品、烟酒零售；家用电器、手机及配件销售。",
)


def _term(ctx: Ctx, style: str) -> tuple[str, dict[str, str]]:
    who = ctx.who
    start = fmt_date(who.established, style)
    if who.valid_to is None:
        return (f"{start}至长期", {"valid_from": who.established.isoformat(), "valid_to": "long_term"})
    end = fmt_date(who.valid_to, style)
    joiner = ctx.rng.choice(("至", " 至 "))
    return f"{start}{joiner}{end}", {
        "valid_from": who.established.isoformat(),
        "valid_to": who.valid_to.isoformat(),
    }


def _copy_note(sheet: Sheet, ctx: Ctx, x: float, y: float) -> None:
    """'此复印件与原件一致' in the customer's hand with its company seal: common on submitted copies."""
    if ctx.rng.random() < 0.45:
        sheet.text(x, y, "此复印件与原件一致，仅供建档使用", "kai", 6.0, color=BLUE_INK, hand=True)
        sheet.stamp(sealmod.Seal("company", ctx.who.name), x + 45, y - 4, ctx.rng)


def _authority_block(sheet: Sheet, ctx: Ctx, x: float, y: float, issued: date, face: str) -> None:
    sheet.text(x, y, "登记机关", face, 5.0)
    style = "cn" if ctx.rng.random() < 0.3 else "zh_pad"
    sheet.text(x + 3, y + 14, fmt_date(issued, style), face, 4.6)
    sheet.stamp(sealmod.Seal("other", ctx.authority), x + 30, y + 4, ctx.rng)


def licence_table(ctx: Ctx) -> Draft:
    """Portrait copy: code at the top, title, then a bordered two-column table of spaced labels."""
    who, rng = ctx.who, ctx.rng
    face = rng.choice(("serif", "ming"))
    s = Sheet()
    s.text(18, 26, "统一社会信用代码", face, 4.2)
    s.text(18, 33, who.tax_id, face, 4.6)
    s.text(A4[0] - 20, 26, f"编号 S{rng.randrange(10**9, 10**10)}", face, 3.6, anchor="r")
    s.text(A4[0] / 2, 55, "营  业  执  照", "serif_bold", 13.0, anchor="m")
    s.text(A4[0] / 2, 66, "（副　本）", face, 5.0, anchor="m")
    term, term_fields = _term(ctx, any_date_style(rng))
    rows = [
        (spaced("名称"), who.name, {"customer_name": who.name}),
        (spaced("类型"), who.license_type, {"license_type": who.license_type}),
        (spaced("住所"), who.address, {"address": who.address}),
        ("法定代表人", who.rep.name, {"legal_representative": who.rep.name}),
        (spaced("注册资本"), f"人民币{who.capital}", {"registered_capital": f"人民币{who.capital}"}),
        (
            spaced("成立日期"),
            fmt_date(who.established, "zh_pad"),
            {"established": who.established.isoformat()},
        ),
        (spaced("营业期限"), term, term_fields),
        (spaced("经营范围"), rng.choice(SCOPES), {}),
    ]
    fields = {"tax_id": who.tax_id}
    x0, x1, split, size = 20.0, A4[0] - 20, 58.0, 4.4
    y = 78.0
    for label, value, f in rows:
        lines = wrap(value, face, size, x1 - split - 6)
        h = max(11.0, len(lines) * size * 1.6 + 5)
        s.box(x0, y, x1, y + h, 0.35)
        s.line(split, y, split, y + h, 0.35)
        s.text(x0 + 4, y + h / 2 + size * 0.35, label, face, size)
        ly = y + (h - len(lines) * size * 1.6) / 2 + size * 1.1
        for ln in lines:
            s.text(split + 4, ly, ln, face, size)
            ly += size * 1.6
        y += h
        fields.update(f)
    _authority_block(s, ctx, 128, y + 22, who.established, face)
    s.text(
        A4[0] / 2, A4[1] - 18, "国家企业信用信息公示系统网址：http://www.gsxt.gov.cn", face, 3.2, anchor="m"
    )
    _copy_note(s, ctx, 22, y + 40)
    return Draft("business_license", s, fields)


def licence_landscape(ctx: Ctx, sole: bool = False) -> Draft:
    """Landscape licence, two columns of spaced labels without rules; for a 个体工商户 the labels are
    经营者 / 组成形式 / 经营场所 / 注册日期 and there is no term or capital."""
    who, rng = ctx.who, ctx.rng
    face = rng.choice(("serif", "ming", "sans"))
    s = Sheet(A4[1], A4[0])
    s.box(8, 8, s.width - 8, s.height - 8, 1.2, outline=(160, 110, 40))
    s.text(22, 30, "统一社会信用代码", face, 4.0)
    s.text(22, 37, who.tax_id, face, 4.4)
    s.box(s.width - 48, 22, s.width - 22, 48, 0.5)
    s.text(s.width - 35, 53, "扫描二维码登录", face, 2.6, anchor="m")
    s.text(s.width / 2, 48, "营 业 执 照", "serif_bold", 15.0, anchor="m")
    size = 4.6
    fields = {"tax_id": who.tax_id, "customer_name": who.name, "license_type": who.license_type}
    if sole:
        left = [
            ("名称", who.name),
            ("类型", "个体工商户"),
            ("经营者", who.rep.name),
            ("经营范围", rng.choice(SCOPES[1:])),
        ]
        right = [
            ("组成形式", "个人经营"),
            ("注册日期", fmt_date(who.established, "zh_pad")),
            ("经营场所", who.address),
        ]
        fields.update(
            legal_representative=who.rep.name, established=who.established.isoformat(), address=who.address
        )
    else:
        term, term_fields = _term(ctx, "zh_pad")
        left = [
            ("名称", who.name),
            ("类型", who.license_type),
            ("法定代表人", who.rep.name),
            ("经营范围", rng.choice(SCOPES)),
        ]
        right = [
            ("注册资本", f"{who.capital}"),
            ("成立日期", fmt_date(who.established, "zh_pad")),
            ("营业期限", term),
            ("住所", who.address),
        ]
        fields.update(
            legal_representative=who.rep.name,
            registered_capital=who.capital,
            established=who.established.isoformat(),
            address=who.address,
            **term_fields,
        )
    for col, x, w in ((left, 24.0, 118.0), (right, 158.0, 118.0)):
        lw = label_width([spaced(k, 5) for k, _ in col], face, size)
        y = 75.0
        for k, v in col:
            y = kv(s, x, y, spaced(k, 5), v, face, size, lw, w) + 3
    _authority_block(s, ctx, 205, 168, who.established, face)
    _copy_note(s, ctx, 30, 175)
    return Draft("business_license", s, fields)


def tax_registration(ctx: Ctx) -> Draft:
    """The old 税务登记证（副本） of a sole trader: number from the owner's ID, 发证日期 and no validity."""
    who, rng = ctx.who, ctx.rng
    face = rng.choice(("serif", "ming"))
    s = Sheet()
    short = PROVINCE_SHORT[next(c[1] for c in CITIES if c[0] == who.city)]
    issued = who.established
    fields = {
        "customer_name": who.name,
        "tax_id": who.tax_id,
        "legal_representative": who.rep.name,
        "address": who.address,
        "valid_from": issued.isoformat(),
    }
    s.text(A4[0] / 2, 45, "税 务 登 记 证", "serif_bold", 12.0, anchor="m")
    s.text(A4[0] / 2, 56, "（副　本）", face, 5.0, anchor="m")
    size = 4.5
    if rng.random() < 0.5:
        s.text(A4[0] - 22, 70, f"{short}地税字 {who.tax_id} 号", face, 4.4, anchor="r")
        rows = [
            ("纳税人名称", who.name),
            ("法定代表人（负责人）", who.rep.name),
            ("地　　址", who.address),
            ("登记注册类型", "个体工商户"),
            ("经营范围", rng.choice(SCOPES[2:])),
            ("批准设立机关", ctx.authority),
        ]
        lw = label_width([r[0] for r in rows], face, size)
        y = 88.0
        for k, v in rows:
            y = kv(s, 24, y, k, v, face, size, lw, A4[0] - 48) + 5
    else:
        rows = [
            ("纳税人识别号", who.tax_id),
            ("纳税人名称", who.name),
            (spaced("业主"), who.rep.name),
            ("经营地址", who.address),
            ("经济性质", "个体工商户"),
            ("经营范围", rng.choice(SCOPES[2:])),
        ]
        y = 76.0
        for k, v in rows:
            lines = wrap(v, face, 4.2, A4[0] - 22 - 68)
            h = max(13.0, len(lines) * 6.8 + 4)
            s.box(22, y, A4[0] - 22, y + h, 0.3)
            s.line(62, y, 62, y + h, 0.3)
            s.text(25, y + h / 2 + 1.5, k, face, 4.2)
            for i, ln in enumerate(lines):
                s.text(65, y + 8.5 + i * 6.8, ln, face, 4.2)
            y += h
        y += 10
    s.text(120, y + 20, "发证机关：", face, 4.6)
    date_style = "cn" if rng.random() < 0.5 else "zh_pad"
    s.text(120, y + 38, fmt_date(issued, date_style), face, 4.6)
    s.stamp(sealmod.Seal("other", f"{who.city}地方税务局"), 150, y + 26, rng)
    _copy_note(s, ctx, 24, y + 60)
    return Draft("tax_registration", s, fields)
