"""The consignee's ID card copy 收货人身份证复印件: front and back of a second-generation card as two
rectangles on an A4 page, typed annotations (phone, receiving time) and the customer's receiving seal."""

from __future__ import annotations

from datetime import date

from tests.synth import layout
from tests.synth.docs.base import Ctx, PageTruth, RenderedDoc, stamp
from tests.synth.page import A4, Page

CARD_W, CARD_H = 674, 425  # 85.6 × 54 mm at 200 dpi
LABEL_BLUE = (70, 110, 160)


def _wrap(text: str, per_line: int) -> list[str]:
    return [text[i : i + per_line] for i in range(0, len(text), per_line)]


def _front(page: Page, ctx: Ctx, x: float, y: float, k: float, face: str, ink: tuple[int, int, int]) -> None:
    p = ctx.who.consignee
    page.rect((x, y, x + CARD_W * k, y + CARD_H * k), width=2, outline=(120, 120, 120), fill=(236, 236, 236))
    lab = int(22 * k)
    val = int(26 * k)
    lx, vx = x + 40 * k, x + 115 * k
    label_ink = LABEL_BLUE if ctx.rng.random() < 0.5 else (90, 90, 90)
    row = y + 70 * k
    page.text(lx, row, "姓  名", "sans", lab, fill=label_ink)
    page.text(vx, row, ctx.get("consignee_name"), face, int(30 * k), fill=ink)
    row += 60 * k
    page.text(lx, row, "性  别", "sans", lab, fill=label_ink)
    page.text(vx, row, "男" if p.male else "女", face, val, fill=ink)
    page.text(vx + 110 * k, row, "民  族", "sans", lab, fill=label_ink)
    page.text(vx + 190 * k, row, p.nation, face, val, fill=ink)
    row += 60 * k
    page.text(lx, row, "出  生", "sans", lab, fill=label_ink)
    page.text(vx, row, f"{p.born.year}  年  {p.born.month}  月  {p.born.day}  日", face, val, fill=ink)
    row += 60 * k
    page.text(lx, row, "住  址", "sans", lab, fill=label_ink)
    for line in _wrap(p.id_address, 11):
        page.text(vx, row, line, face, val, fill=ink)
        row += 38 * k
    page.text(lx, y + 370 * k, "公民身份号码", "sans", lab, fill=label_ink)
    page.text(x + 230 * k, y + 372 * k, ctx.get("consignee_id_number"), "sans_mono", int(32 * k), fill=ink)
    px0, py0 = x + 470 * k, y + 60 * k
    page.rect((px0, py0, px0 + 170 * k, py0 + 210 * k), width=0, outline=None, fill=(170, 170, 170))
    page.ellipse(
        (px0 + 45 * k, py0 + 30 * k, px0 + 125 * k, py0 + 120 * k),
        width=0,
        outline=None,
        fill=(110, 110, 110),
    )
    page.ellipse(
        (px0 + 15 * k, py0 + 125 * k, px0 + 155 * k, py0 + 260 * k),
        width=0,
        outline=None,
        fill=(110, 110, 110),
    )
    page.rect((px0, py0 + 210 * k, px0 + 170 * k, py0 + 270 * k), width=0, outline=None, fill=(236, 236, 236))


def _back(
    page: Page, ctx: Ctx, x: float, y: float, k: float, face: str, ink: tuple[int, int, int], validity: str
) -> None:
    p = ctx.who.consignee
    page.rect((x, y, x + CARD_W * k, y + CARD_H * k), width=2, outline=(120, 120, 120), fill=(236, 236, 236))
    layout.emblem(page, x + 90 * k, y + 95 * k, 60 * k, (120, 120, 120))
    page.text(
        x + 200 * k, y + 95 * k, "中华人民共和国", "sans_bold", int(34 * k), fill=(60, 60, 60), anchor="ls"
    )
    page.text(
        x + CARD_W * k / 2 + 40 * k,
        y + 200 * k,
        "居民身份证",
        "sans_bold",
        int(56 * k),
        fill=(60, 60, 60),
        anchor="ms",
        spacing=10 * k,
    )
    page.text(x + 120 * k, y + 320 * k, "签发机关", "sans", int(22 * k), fill=(90, 90, 90))
    page.text(x + 240 * k, y + 320 * k, p.id_authority, face, int(24 * k), fill=ink)
    page.text(x + 120 * k, y + 375 * k, "有效期限", "sans", int(22 * k), fill=(90, 90, 90))
    page.text(x + 240 * k, y + 375 * k, validity, face, int(26 * k), fill=ink)


def render_consignee_id(ctx: Ctx) -> RenderedDoc:
    rng = ctx.rng
    style = layout.pick_style(rng)
    page = Page(*A4)
    t = PageTruth()
    face = rng.choice(("sans", "zenhei", "serif"))
    ink = (30, 30, 30)
    k = rng.uniform(1.0, 1.45)
    start, end = ctx.get("id_valid_from"), ctx.get("id_valid_to")
    end_text = "长期" if end == "long_term" else f"{end:%Y.%m.%d}"
    validity = f"{start:%Y.%m.%d}-{end_text}"
    name, number = ctx.get("consignee_name"), ctx.get("consignee_id_number")
    t.put("consignee_name", name)
    t.put("consignee_id_number", number)
    t.put("id_valid_from", start)
    t.put("id_valid_to", end)
    side_by_side = rng.random() < 0.35
    if side_by_side:
        k = rng.uniform(0.95, 1.1)
    x = (A4[0] - CARD_W * k) / 2 + rng.uniform(-120, 120)
    y0 = rng.uniform(160, 260)
    gap = rng.uniform(60, 160)
    order = [0, 1] if rng.random() < 0.8 else [1, 0]
    for i, side in enumerate(order):
        if side_by_side:
            cx = (A4[0] - 2 * CARD_W * k - gap) / 2 + i * (CARD_W * k + gap)
            cy = y0
        else:
            cx, cy = x, y0 + i * (CARD_H * k + gap)
        if side == 0:
            _front(page, ctx, cx, cy, k, face, ink)
        else:
            _back(page, ctx, cx, cy, k, face, ink, validity)
    y = y0 + (1 if side_by_side else 2) * CARD_H * k + (0 if side_by_side else gap) + 150
    x = style.margin + 40
    phone, when = ctx.get("consignee_phone"), ctx.get("receiving_time")
    t.put("consignee_phone", phone)
    t.put("receiving_time", when)
    rows = [
        (rng.choice(("收货人", "收货人姓名")), name),
        (rng.choice(("收货人电话", "联系电话", "收货电话")), phone),
        (rng.choice(("收货时间", "收货时间段")), when),
    ]
    if rng.random() < 0.5:
        rows = rows[1:]
    lw = layout.label_width(style, [r[0] for r in rows], 5)
    for label, value in rows:
        y = layout.kv(page, style, x, y, label, value, label_w=lw, max_x=A4[0] - style.margin)
    if rng.random() < 0.6:
        page.text(
            x,
            y + 20,
            f"此复印件仅供{ctx.who.customer_name}收货使用",
            style.label_face,
            int(style.size * 0.8),
            fill=style.ink,
        )
    recv = ctx.get("logistics_seals")[:1] or ctx.who.receiving_seals[:1]
    stamp(page, t, recv[0], rng, A4[0] - style.margin - 260, y - 120)
    return RenderedDoc(
        "consignee_id", [page], [t], template="id_side_by_side" if side_by_side else "id_stacked"
    )


def id_issue_valid(born: date, start: date, end: date | str) -> bool:
    """Whether the printed term follows 居民身份证法 §5 (for tests of the generator)."""
    age = start.year - born.year - ((start.month, start.day) < (born.month, born.day))
    years = 5 if age < 16 else 10 if age <= 25 else 20 if age <= 45 else None
    if years is None:
        return end == "long_term"
    if end == "long_term":
        return False
    try:
        expected = start.replace(year=start.year + years)
    except ValueError:
        expected = start.replace(year=start.year + years, day=28)
    return end == expected
