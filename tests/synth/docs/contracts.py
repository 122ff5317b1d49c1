"""Contracts: the distribution contract 经销合同（3C协议） (2–3 pages) and the logistics delivery contract
物流配送合同 (2 pages). Clause text is generated filler; the parties, numbers, dates and seals are truth."""

from __future__ import annotations

from tests.synth import layout
from tests.synth.docs.base import Ctx, PageTruth, RenderedDoc, stamp
from tests.synth.identity import SealSpec
from tests.synth.page import A4, Page
from tests.synth.textfmt import format_date, pick_date_style

DIST_CLAUSES = (
    (
        "经销产品",
        "甲方授权乙方在约定区域内经销甲方生产或代理的产品，具体品种、规格以甲方当期产品目录为准。"
        "乙方不得跨区域销售，不得销售假冒伪劣产品。",
    ),
    (
        "经销区域与期限",
        "乙方的经销区域以本合同附件所列区域为限。本合同有效期为一年，自双方签字盖章之日起生效；"
        "期满前三十日内双方无异议的，可续签。",
    ),
    (
        "价格与结算",
        "产品价格执行甲方统一价格政策，甲方调整价格时应提前十五日书面通知乙方。乙方应于提货前以银行转账方式"
        "支付全部货款，甲方收到货款后安排发货。",
    ),
    (
        "发票",
        "甲方根据乙方提供的开票信息开具增值税专用发票。乙方开票信息发生变更的，应及时书面通知甲方，"
        "因乙方信息错误导致发票无法使用的，责任由乙方承担。",
    ),
    (
        "订货与交付",
        "乙方应按月向甲方提交订货计划，甲方按订单组织发货。货物交付以乙方或其指定收货人签收为准，"
        "收货人须加盖乙方预留的收货专用章。",
    ),
    (
        "质量与验收",
        "产品质量符合国家标准及甲方企业标准。乙方应在收货时当场验收，对数量、外包装有异议的应当场提出，"
        "对内在质量有异议的应在七日内书面提出。",
    ),
    (
        "市场秩序",
        "乙方应遵守甲方的市场价格体系，不得低价倾销或跨区窜货。乙方违反本条约定的，甲方有权暂停供货并"
        "按合同约定追究违约责任。",
    ),
    (
        "保密",
        "双方对在合作过程中知悉的对方商业秘密负有保密义务，未经对方书面同意不得向第三方披露。本条款在合同终止后"
        "两年内继续有效。",
    ),
    ("违约责任", "任何一方违反本合同约定的，应承担相应的违约责任，并赔偿因此给对方造成的全部损失。"),
    (
        "不可抗力",
        "因不可抗力导致合同无法履行的，受影响一方应及时通知对方，并在合理期限内提供证明，双方可协商变更或"
        "解除合同。",
    ),
    (
        "争议解决",
        "因本合同引起的争议，双方应友好协商解决；协商不成的，任何一方可向甲方所在地人民法院提起诉讼。",
    ),
    (
        "其他",
        "本合同未尽事宜，双方可另行签订补充协议，补充协议与本合同具有同等法律效力。本合同一式三份，甲方执两份，"
        "乙方执一份。",
    ),
)
LOGI_CLAUSES = (
    (
        "配送范围",
        "甲方负责将乙方订购的货物自甲方仓库运送至乙方指定的收货地址，运输方式由甲方根据货物情况确定。",
    ),
    (
        "收货确认",
        "乙方指定的收货人应在收货单上签字并加盖乙方在甲方预留的收货专用章，未加盖预留收货专用章的，"
        "视为未完成交付。",
    ),
    (
        "运输时效",
        "甲方应在接到发货指令后四十八小时内安排发运，市内配送一般于次日送达，特殊情况双方另行协商。",
    ),
    (
        "货物损失",
        "运输途中发生货物毁损、灭失的，由甲方按照货物实际价值承担赔偿责任，但因不可抗力或乙方原因造成的除外。",
    ),
    ("费用", "配送费用按照双方确认的运价表结算，每月结算一次，乙方应在收到对账单后十个工作日内付款。"),
    (
        "收货人变更",
        "乙方变更收货人、收货地址或收货专用章的，应提前五个工作日书面通知甲方并重新办理预留手续。",
    ),
    ("合同期限", "本合同有效期一年，期满双方无异议的自动顺延一年。本合同一式三份，具有同等法律效力。"),
)
NUMERALS = "一二三四五六七八九十"


def _numeral(i: int) -> str:
    return NUMERALS[i] if i < 10 else "十" + NUMERALS[i - 10]


def _clauses(
    page: Page,
    style: layout.Style,
    x: float,
    y: float,
    right: float,
    clauses: list[tuple[str, str]],
    start: int,
    size: int,
) -> float:
    for i, (head, body) in enumerate(clauses):
        page.text(x, y, f"第{_numeral(start + i)}条  {head}", style.label_face, size, fill=style.ink)
        y += size * 1.7
        y = layout.paragraph(page, style, x, y, body, max_x=right, size=size, face=style.label_face)
        y += size * 0.6
    return y


def _party_seal(ctx: Ctx, kinds: tuple[str, ...]) -> SealSpec:
    for kind in kinds:
        for spec in ctx.who.seals:
            if spec.kind == kind:
                return spec
    return ctx.who.seals[0]


def _split(items: list[tuple[str, str]], parts: int) -> list[list[tuple[str, str]]]:
    per = (len(items) + parts - 1) // parts
    return [items[i * per : (i + 1) * per] for i in range(parts)]


def render_distribution_contract(ctx: Ctx) -> RenderedDoc:
    rng, who = ctx.rng, ctx.who
    n_pages = rng.choice((2, 3, 3))
    style = layout.pick_style(rng, pdf_safe=ctx.pdf_safe)
    size = min(style.size, 34)
    fmt = pick_date_style(rng)
    name = ctx.get("customer_name")
    title_text = rng.choice(("经销合同", "经销合同（3C协议）", "3C经销协议", "产品经销合同"))
    clauses = list(DIST_CLAUSES)
    if rng.random() < 0.5:
        clauses = clauses[:4] + rng.sample(clauses[4:10], 4) + clauses[10:]
    chunks = _split(clauses, n_pages)
    pages, truths = [], []
    x, right = style.margin, A4[0] - style.margin
    start = 0
    for p, chunk in enumerate(chunks):
        page, t = Page(*A4), PageTruth()
        y = 240.0
        if p == 0:
            y = layout.title(
                page, style, 260, title_text, size=int(style.size * 1.8), spacing=rng.choice((0, 12))
            )
            page.text(
                right,
                y - 20,
                f"合同编号：{who.contract_no}",
                style.label_face,
                size,
                fill=style.ink,
                anchor="rs",
            )
            t.put("contract_no", who.contract_no)
            y += 60
            lw = layout.label_width(style, ["甲方（供货方）", "乙方（经销商）"], 4, size=size)
            for label, value in (
                (rng.choice(("甲方（供货方）", "甲方", "供货方（甲方）")), who.distributor),
                (rng.choice(("乙方（经销商）", "乙方", "经销商（乙方）")), name),
            ):
                page.text(x, y, label + "：", style.label_face, size, fill=style.ink)
                page.text(x + lw, y, value, style.value_face, size, fill=style.value_ink)
                y += size * 2
            t.put("customer_name", name)
            y = layout.paragraph(
                page,
                style,
                x,
                y + 10,
                "根据《中华人民共和国民法典》及有关法律法规，甲乙双方本着平等互利"
                "的原则，经友好协商，就乙方经销甲方产品事宜达成如下协议：",
                max_x=right,
                size=size,
                face=style.label_face,
            )
            y += size
        y = _clauses(page, style, x, y, right, chunk, start, size)
        start += len(chunk)
        if p == len(chunks) - 1:
            y = max(y + size * 2, A4[1] - 760)
            half = (right - x) / 2
            page.text(x, y, "甲方（盖章）：", style.label_face, size, fill=style.ink)
            page.text(x + half, y, "乙方（盖章）：", style.label_face, size, fill=style.ink)
            y2 = y + size * 1.8
            page.text(x, y2, who.distributor, style.value_face, int(size * 0.9), fill=style.value_ink)
            if rng.random() < 0.7:
                page.text(x + half, y2, name, style.value_face, int(size * 0.9), fill=style.value_ink)
                t.put("customer_name", name)
            y3 = y2 + size * 2.6
            page.text(x, y3, "法定代表人或授权代表：", style.label_face, size, fill=style.ink)
            page.text(x + half, y3, "法定代表人或授权代表：", style.label_face, size, fill=style.ink)
            y4 = y3 + size * 2.6
            signed = who.signing_date
            label = rng.choice(("签订日期", "签约日期", "日期"))
            page.text(x, y4, f"{label}：{format_date(signed, fmt)}", style.label_face, size, fill=style.ink)
            page.text(
                x + half, y4, f"{label}：{format_date(signed, fmt)}", style.label_face, size, fill=style.ink
            )
            t.put("signing_date", signed)
            kind_a = rng.choice(("contract", "company"))
            stamp(
                page,
                t,
                SealSpec(kind_a, who.distributor, "合同专用章" if kind_a == "contract" else ""),
                rng,
                x + 260,
                y2 + 20,
            )
            stamp(
                page,
                t,
                _party_seal(ctx, ("contract", "company") if rng.random() < 0.5 else ("company",)),
                rng,
                x + half + 260,
                y2 + 30,
            )
            if rng.random() < 0.5:
                personal = [s for s in who.seals if s.kind == "personal"]
                if personal:
                    stamp(page, t, personal[0], rng, x + half + 560, y3)
        page.text(
            A4[0] / 2,
            A4[1] - 110,
            f"第{p + 1}页 共{len(chunks)}页",
            style.label_face,
            26,
            fill=style.ink,
            anchor="ms",
        )
        pages.append(page)
        truths.append(t)
    return RenderedDoc("distribution_contract", pages, truths, digital=True, template=f"dist{n_pages}")


def render_logistics_contract(ctx: Ctx) -> RenderedDoc:
    rng, who = ctx.rng, ctx.who
    style = layout.pick_style(rng, pdf_safe=ctx.pdf_safe)
    size = min(style.size, 34)
    fmt = pick_date_style(rng)
    name = ctx.get("customer_name")
    receiving = ctx.get("receiving_address")
    table_header = rng.random() < 0.4
    chunks = _split(list(LOGI_CLAUSES), 2)
    pages, truths = [], []
    x, right = style.margin, A4[0] - style.margin
    start = 0
    for p, chunk in enumerate(chunks):
        page, t = Page(*A4), PageTruth()
        y = 240.0
        if p == 0:
            y = layout.title(
                page,
                style,
                260,
                rng.choice(("物流配送合同", "物流配送协议", "货物运输配送合同")),
                size=int(style.size * 1.8),
            )
            rows = [
                (rng.choice(("甲方（承运方）", "甲方", "承运方")), who.carrier),
                (rng.choice(("乙方（收货方）", "乙方", "收货方")), name),
                (rng.choice(("收货地址", "乙方收货地址", "送货地址")), receiving),
                ("收货联系人", who.consignee.name),
            ]
            lw = layout.label_width(style, [r[0] for r in rows], 4, size=size)
            if table_header:
                y -= size
                for label, value in rows:
                    cells = [(lw + 10, label, "label"), (right - x - lw - 10, value, "value")]
                    y = layout.table_row(page, style, x, y, cells, size * 2.1, size=size)
                y += size * 1.5
            for label, value in [] if table_header else rows:
                page.text(x, y, label + "：", style.label_face, size, fill=style.ink)
                s = layout.fit_size(value, style.value_face, size, right - x - lw)
                page.text(x + lw, y, value, style.value_face, s, fill=style.value_ink)
                y += size * 2
            t.put("customer_name", name)
            t.put("receiving_address", receiving)
            y = layout.paragraph(
                page,
                style,
                x,
                y + 10,
                "为明确双方在货物运输配送中的权利义务，经双方协商一致，订立本合同，以资共同遵守。",
                max_x=right,
                size=size,
                face=style.label_face,
            )
            y += size
        y = _clauses(page, style, x, y, right, chunk, start, size)
        start += len(chunk)
        if p == len(chunks) - 1:
            y = max(y + size * 2, A4[1] - 900)
            half = (right - x) / 2
            page.text(x, y, "甲方（盖章）：", style.label_face, size, fill=style.ink)
            page.text(
                x + half,
                y,
                rng.choice(("乙方（收货专用章）：", "乙方（盖章）：", "乙方预留收货专用章：")),
                style.label_face,
                size,
                fill=style.ink,
            )
            y2 = y + size * 2
            page.text(x, y2, who.carrier, style.value_face, int(size * 0.9), fill=style.value_ink)
            signed = who.signing_date
            t.put("signing_date", signed)
            page.text(
                x,
                y2 + size * 9,
                f"签订日期：{format_date(signed, fmt)}",
                style.label_face,
                size,
                fill=style.ink,
            )
            if rng.random() < 0.6:
                stamp(page, t, SealSpec("company", who.carrier), rng, x + 250, y2 + size * 3)
            receiving_seals: list[SealSpec] = ctx.get("logistics_seals")
            for i, spec in enumerate(receiving_seals):
                stamp(page, t, spec, rng, x + half + 220 + i * 330, y2 + size * 4 + (i % 2) * 60)
        page.text(
            A4[0] / 2,
            A4[1] - 110,
            f"第{p + 1}页 共{len(chunks)}页",
            style.label_face,
            26,
            fill=style.ink,
            anchor="ms",
        )
        pages.append(page)
        truths.append(t)
    template = "logistics_table" if table_header else "logistics_lines"
    return RenderedDoc("logistics_contract", pages, truths, digital=True, template=template)
