"""Contracts that run over 2–3 pages: party blocks at the top, clauses numbered 一、二、… that flow across
page breaks, "第1页 共2页" footers, and a last page with the final clauses and BOTH parties' signature blocks
and seals. The logistics contract names the consignee in a sentence and mentions 收货专用章 and 预留印鉴."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.corpus2 import seals as sealmod
from tests.corpus2.docs.common import Ctx, Draft, cn_numeral, fmt_date, footer
from tests.corpus2.sheet import A4, BLUE_INK, Sheet, wrap

DIST = (
    "乙方在本协议约定的区域内销售甲方提供的家电及3C数码产品，具体型号以甲方每季度发布的产品清单为准。",
    "乙方应保证其提供的营业执照、开户许可证等资料真实有效；资料发生变化的，应在十日内书面告知甲方。",
    "甲方按乙方确认的订单发货，乙方应于下单后三日内付清货款；甲方收款后开具增值税专用发票，发票信息以乙方"
    "《客户建档申请表》所填内容为准。",
    "乙方应按甲方建议零售价销售，不得跨区域窜货，不得以低于进货价的价格倾销。",
    "产品的三包服务按国家有关规定执行，乙方应协助甲方做好售后服务及用户回访工作。",
    "乙方收货时应核对品名、数量及外包装，并在送货单上签字、加盖在甲方预留的收货专用章。",
    "任何一方违反本协议的，守约方有权要求违约方赔偿损失，并可书面通知解除本协议。",
    "本协议有效期自签订之日起一年。期满前一个月双方协商续签事宜。",
    "因本协议发生争议的，双方协商解决；协商不成的，提交甲方所在地人民法院诉讼解决。",
    "本协议一式三份，甲方执两份，乙方执一份，自双方签字盖章之日起生效。",
)
LOGI_HEAD = "甲方按乙方订单将货物配送至乙方指定地点，乙方负责收货及验收。"
LOGI = (
    "乙方收货时须由指定收货人签收，并在送货单上加盖乙方在甲方预留印鉴中的收货专用章；未加盖预留收货专用章的，"
    "甲方有权拒绝交付。",
    "货物交付后，乙方应当场清点数量、检查外包装；如有破损、短少，应在送货单上注明并由双方签字确认。",
    "乙方变更收货人或收货专用章的，应提前五个工作日书面通知甲方并重新办理预留印鉴手续，变更前已发出的货物"
    "按原约定交付。",
    "配送费用由甲方承担，但乙方要求加急配送或变更收货地址产生的额外费用由乙方承担。",
    "因乙方原因造成货物无法交付的，由此产生的仓储及二次配送费用由乙方承担。",
    "本合同自双方签字盖章之日起生效，有效期一年，一式三份，甲方执两份，乙方执一份。",
)


@dataclass(slots=True)
class Block:
    """Lines kept together on one page (a field-bearing block) or allowed to break (clause text)."""

    lines: list[tuple[str, float, str]]  # (text, indent, face)
    fields: dict[str, str] = field(default_factory=dict)
    keep: bool = False


def _para(text: str, face: str, size: float, width: float, indent: float = 0.0, **fields: str) -> Block:
    lines = wrap(text, face, size, width - indent)
    return Block([(ln, indent, face) for ln in lines], dict(fields), keep=bool(fields))


def _flow(blocks: list[Block], size: float, top: float, bottom: float) -> list[tuple[list, dict]]:
    """Lay blocks line by line onto pages; a kept block moves whole to the next page."""
    pages: list[tuple[list, dict]] = [([], {})]
    y = top
    step = size * 1.8
    for b in blocks:
        if b.keep and y + step * len(b.lines) > bottom:
            pages.append(([], {}))
            y = top
        pages[-1][1].update(b.fields)
        for ln in b.lines:
            if y > bottom:
                pages.append(([], {}))
                y = top
            pages[-1][0].append((ln, y))
            y += step
        y += size * 0.5
    return pages


def _signatures(s: Sheet, ctx: Ctx, y: float, face: str, logistics: bool) -> dict[str, str]:
    """Both parties' blocks side by side, with their seals; the date in each block."""
    who, rng = ctx.who, ctx.rng
    party_a = who.carrier if logistics else who.supplier
    date_s = fmt_date(ctx.signing, rng.choice(("zh", "zh_pad")))
    size = 4.3
    s.text(20, y, "甲方（盖章）：", face, size)
    s.text(20, y + 8, party_a, face, size)
    s.text(20, y + 22, "授权代表（签字）：", face, size)
    s.text(
        58,
        y + 22,
        rng.choice("王李张刘") + rng.choice(("建新", "敏", "晓峰")),
        "kai",
        5.4,
        color=BLUE_INK,
        hand=True,
    )
    s.text(20, y + 34, f"日期：{date_s}", face, size)
    kind_a = rng.choice(("company", "contract"))
    s.stamp(sealmod.Seal(kind_a, party_a, "合同专用章" if kind_a == "contract" else ""), 55, y + 12, rng)
    x = 112
    fields = {"customer_name": who.name, "signing_date": ctx.signing.isoformat()}
    s.text(x, y, "乙方（盖章）：", face, size)
    s.text(x, y + 8, who.name, face, size)
    if logistics:
        s.text(x, y + 22, "经办人：", face, size)
        s.text(x + 18, y + 22, ctx.who.contact.name, "kai", 5.4, color=BLUE_INK, hand=True)
    else:
        s.text(x, y + 22, "法定代表人：", face, size)
        s.text(x + 27, y + 22, who.rep.name, "kai", 5.4, color=BLUE_INK, hand=True)
        fields["legal_representative"] = who.rep.name
    s.text(x, y + 34, f"日期：{date_s}", face, size)
    s.stamp(sealmod.Seal("company", who.name), x + 40, y + 14, rng)
    if not logistics and rng.random() < 0.4:
        s.stamp(sealmod.Seal("personal", who.rep.name, shape="square"), x + 75, y + 24, rng)
    if logistics:
        s.text(x, y + 50, "乙方预留收货专用章印模：", face, size)
        for i, seal in enumerate(ctx.contract_receiving):
            s.stamp(seal, x + 22 + i * 44, y + 74, rng)
    return fields


def _party_blocks(ctx: Ctx, face: str, size: float, width: float, logistics: bool, no: str) -> list[Block]:
    who, rng = ctx.who, ctx.rng
    out = [_para(f"合同编号：{no}", face, size, width, contract_no=no)]
    if rng.random() < 0.5:
        out.append(
            _para(
                f"签订日期：{fmt_date(ctx.signing, 'zh_pad')}",
                face,
                size,
                width,
                signing_date=str(ctx.signing),
            )
        )
    a_name = who.carrier if logistics else who.supplier
    out.append(_para(f"甲方（{'承运方' if logistics else '供货方'}）：{a_name}", face, size, width))
    out.append(
        _para(
            "地址：" + rng.choice(("广东省佛山市顺德区北滘镇美的大道6号", "山东省青岛市崂山区海尔路1号")),
            face,
            size,
            width,
        )
    )
    b = f"乙方（{'收货方' if logistics else '经销商'}）：{who.name}"
    if logistics:
        out.append(_para(b, face, size, width, customer_name=who.name))
    else:
        lines = [
            (b, {"customer_name": who.name}),
            (f"法定代表人：{who.rep.name}", {"legal_representative": who.rep.name}),
            (f"地址：{who.address}", {"address": who.address}),
            (f"电话：{who.phone}", {"tax_phone": who.phone}),
        ]
        for text, f in lines:
            out.append(_para(text, face, size, width, **f))
    return out


def _clauses(texts: list[str], face: str, size: float, width: float, start: int) -> list[Block]:
    return [_para(f"{cn_numeral(start + i)}、{t}", face, size, width) for i, t in enumerate(texts)]


def _build(ctx: Ctx, logistics: bool) -> list[Draft]:
    rng, who = ctx.rng, ctx.who
    face = rng.choice(("ming", "serif", "sans", "microhei"))
    size = rng.choice((4.0, 4.2, 4.4))
    width = A4[0] - 40
    prefix = "WL" if logistics else "JX"
    no = f"{prefix}-{ctx.signing:%Y}-{rng.randrange(100, 9999):04d}"
    blocks = _party_blocks(ctx, face, size, width, logistics, no)
    if logistics:
        blocks.append(_para("一、" + LOGI_HEAD, face, size, width))
        blocks.append(
            _para(
                f"二、乙方指定收货人：{who.consignee.name}，联系电话：{who.consignee_phone}，收货时间："
                f"{who.receiving_time}。",
                face,
                size,
                width,
                consignee_name=who.consignee.name,
                consignee_phone=who.consignee_phone,
                receiving_time=who.receiving_time,
            )
        )
        narrow = width * rng.choice((1.0, 0.6, 0.5))
        blocks.append(
            _para(
                f"收货地址：{who.receiving_address}",
                face,
                size,
                narrow,
                8,
                receiving_address=who.receiving_address,
            )
        )
        rest = list(LOGI)
        tail_n = rng.choice((2, 3))
        first, tail = (
            _clauses(rest[:-tail_n], face, size, width, 3),
            _clauses(rest[-tail_n:], face, size, width, 3 + len(rest) - tail_n),
        )
    else:
        n = rng.randrange(7, len(DIST) + 1)
        texts = [*DIST[: n - 1], DIST[-1]]
        if rng.random() < 0.5:
            texts = [t + "双方应本着诚实信用原则履行本条约定，未尽事宜另行协商。" for t in texts]
        tail_n = rng.choice((2, 3))
        first, tail = (
            _clauses(texts[:-tail_n], face, size, width, 1),
            _clauses(texts[-tail_n:], face, size, width, 1 + len(texts) - tail_n),
        )
    top, bottom = 50.0, A4[1] - 28
    pages = _flow(blocks + first, size, top, bottom)
    last = _flow(tail, size, 30.0, bottom)[0]
    pages.append(last)
    total = len(pages)
    title = (
        rng.choice(("物流配送合同", "物流配送服务合同", "货物配送协议"))
        if logistics
        else rng.choice(("经销合同（3C协议）", "产品经销合同", "3C产品经销协议"))
    )
    drafts = []
    footer_style = rng.randrange(3)
    for i, (lines, fields) in enumerate(pages):
        s = Sheet()
        if i == 0:
            s.text(A4[0] / 2, 32, title, "serif_bold", 7.5, anchor="m")
        for (text, indent, f), y in lines:
            s.text(20 + indent, y, text, f, size)
        page_fields = dict(fields)
        if i == total - 1:
            y = (lines[-1][1] if lines else 30) + 14
            page_fields |= _signatures(s, ctx, y, face, logistics)
        footer(s, i + 1, total, face, footer_style)
        drafts.append(
            Draft("logistics_contract" if logistics else "distribution_contract", s, page_fields, hand=True)
        )
    return drafts


def distribution(ctx: Ctx) -> list[Draft]:
    return _build(ctx, logistics=False)


def logistics(ctx: Ctx) -> list[Draft]:
    return _build(ctx, logistics=True)
