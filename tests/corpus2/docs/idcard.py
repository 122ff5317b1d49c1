"""The consignee's ID-card copy: front and back of the card on an A4 sheet, phone and receiving time
written by hand under it, and the customer's 收货专用章 stamped across the copy."""

from __future__ import annotations

from datetime import date

from tests.corpus2.docs.common import Ctx, Draft
from tests.corpus2.sheet import A4, BLUE_INK, Sheet

CARD = (85.6, 54.0)


def _valid_to(p_from: date, years: int) -> date:
    try:
        return p_from.replace(year=p_from.year + years)
    except ValueError:
        return p_from.replace(year=p_from.year + years, day=28)


def _front(s: Sheet, x: float, y: float, k: float, ctx: Ctx) -> None:
    p = ctx.who.consignee
    s.box(x, y, x + CARD[0] * k, y + CARD[1] * k, 0.3, outline=(120, 120, 120), fill=(232, 238, 242))
    lab, val = "sans", "serif"
    t = 2.6 * k

    def row(dy: float, label: str, value: str, dx: float = 16) -> None:
        s.text(x + 5 * k, y + dy * k, label, lab, t * 0.9, color=(60, 100, 150))
        s.text(x + dx * k, y + dy * k, value, val, t)

    row(9, "姓 名", p.name)
    row(16, "性 别", "男" if p.male else "女")
    s.text(x + 32 * k, y + 16 * k, "民 族", lab, t * 0.9, color=(60, 100, 150))
    s.text(x + 42 * k, y + 16 * k, "汉", val, t)
    row(23, "出 生", f"{p.born.year}  年  {p.born.month}  月  {p.born.day}  日")
    addr = p.address
    row(30, "住 址", addr[:13])
    if len(addr) > 13:
        s.text(x + 16 * k, y + 35 * k, addr[13:26], val, t)
    s.text(x + 5 * k, y + 47 * k, "公民身份号码", lab, t * 0.9, color=(60, 100, 150))
    s.text(x + 28 * k, y + 47 * k, ctx.consignee_id, "sans", 3.3 * k)
    s.box(x + 60 * k, y + 6 * k, x + 80 * k, y + 32 * k, 0.2, outline=None, fill=(200, 205, 210))


def _back(s: Sheet, x: float, y: float, k: float, ctx: Ctx, valid: str) -> None:
    s.box(x, y, x + CARD[0] * k, y + CARD[1] * k, 0.3, outline=(120, 120, 120), fill=(236, 240, 236))
    s.text(x + 30 * k, y + 14 * k, "中华人民共和国", "serif_bold", 4.0 * k)
    s.text(x + 26 * k, y + 24 * k, "居 民 身 份 证", "serif_bold", 5.0 * k)
    s.text(x + 16 * k, y + 40 * k, "签发机关", "sans", 2.4 * k)
    s.text(x + 32 * k, y + 40 * k, f"{ctx.who.city}公安局", "serif", 2.6 * k)
    s.text(x + 16 * k, y + 47 * k, "有效期限", "sans", 2.4 * k)
    s.text(x + 32 * k, y + 47 * k, valid, "serif", 2.6 * k)


def consignee_copy(ctx: Ctx) -> Draft:
    rng, who = ctx.rng, ctx.who
    p = who.consignee
    s = Sheet()
    k = rng.choice((1.0, 1.15, 1.3))
    to = _valid_to(p.id_from, p.id_years)
    valid = f"{p.id_from:%Y.%m.%d}-{to:%Y.%m.%d}"
    cx = (A4[0] - CARD[0] * k) / 2
    if rng.random() < 0.5:
        _front(s, cx, 30, k, ctx)
        _back(s, cx, 50 + CARD[1] * k, k, ctx, valid)
        y = 75 + 2 * CARD[1] * k
    else:  # side by side, smaller
        k = 1.0
        _front(s, 14, 40, k, ctx)
        _back(s, 24 + CARD[0], 40, k, ctx, valid)
        y = 120
    face = rng.choice(("ming", "serif"))
    pairs = [("收货人电话：", who.consignee_phone), ("收货时间：", who.receiving_time)]
    if rng.random() < 0.5:
        pairs.reverse()
    for label, value in pairs:
        if rng.random() < 0.5:  # the label typed, the value written
            s.text(30, y, label, face, 5.0)
            s.text(30 + 5.0 * len(label) + 2, y, value, "kai", 5.6, color=BLUE_INK, hand=True)
        else:  # the whole line written
            s.text(30, y, label + value, "kai", 5.6, color=BLUE_INK, hand=True)
        y += 14
    recv = next(x for x in ctx.seals if x.kind == "receiving")
    s.stamp(recv, rng.uniform(110, 160), rng.uniform(y - 40, y + 10), rng)
    fields = {
        "consignee_name": p.name,
        "consignee_id_number": ctx.consignee_id,
        "consignee_phone": who.consignee_phone,
        "receiving_time": who.receiving_time,
        "id_valid_from": p.id_from.isoformat(),
        "id_valid_to": to.isoformat(),
    }
    return Draft("consignee_id", s, fields, hand=True)
