"""Which document a page is, from the words printed on it.

A title (big line near the top) names the document far more reliably than words in the body — a contract's
clauses mention 营业执照 and 开户许可证 — so title hits weigh most. A page with no signal (page 2 of a
contract) comes back ``unknown`` with low confidence; the dossier grouping then continues the document of
the previous page of the same file.
"""

from __future__ import annotations

import re

from ocr.layout import Row, build_rows
from ocr.types import DocType, TextLine

# (pattern, weight when in a title, weight elsewhere)
KEYWORDS: dict[DocType, tuple[tuple[str, float, float], ...]] = {
    DocType.BUSINESS_LICENSE: (
        (r"营\s*业\s*执\s*照", 10, 3),
        (r"统一社会信用代码", 2, 1.5),
        (r"注册资本|注册资金|出资额", 0, 1),
        (r"成立日期|注册日期", 0, 1),
        (r"营业期限|经营期限|合伙期限", 0, 1.5),
        (r"经营范围", 0, 1),
        (r"登记机关|市场监督管理局|工商行政管理局", 0, 1),
    ),
    DocType.TAX_REGISTRATION: (
        (r"税\s*务\s*登\s*记\s*证", 10, 3),
        (r"纳税人名称", 0, 2),
        (r"税务登记号|纳税人识别号|税字", 0, 1.5),
        (r"税务局", 0, 1),
        (r"扣缴义务", 0, 1),
    ),
    DocType.BANK_PERMIT: (
        (r"开\s*户\s*许\s*可\s*证", 10, 3),
        (r"基本存款账户信息", 10, 3),
        (r"核准号|基本存款账户编号", 0, 2),
        (r"存款人名称|存款人", 0, 1.5),
        (r"中国人民银行", 0, 1),
    ),
    DocType.PASSBOOK: (
        (r"存\s*折|储蓄卡|借记卡|银行卡|活期储蓄|个人结算", 10, 2),
        (r"银联|UnionPay|客服热线|储蓄", 4, 2),
        (r"户\s*名", 0, 1),
        (r"卡\s*号", 0, 1),
        (r"开户网点|发卡行", 0, 1),
    ),
    DocType.SEAL_CARD: (
        (r"印\s*鉴\s*卡|预留印鉴|印鉴|印章备案|印模", 10, 3),
        (r"财务专用章|发票专用章|合同专用章|收货专用章", 0, 0.7),
        (r"法人章|法定代表人章", 0, 0.7),
    ),
    DocType.APPLICATION_FORM: (
        (r"建\s*档\s*申\s*请|客户建档|申\s*请\s*表|客户(信息|资料)登记表|开户申请", 10, 3),
        (r"营业属性|经营属性", 0, 2),
        (r"预计提货日期|提货日期", 0, 2),
        (r"税务电话|税务地址", 0, 2),
    ),
    DocType.DISTRIBUTION_CONTRACT: (
        (r"经\s*销\s*合\s*同|经销协议|3C\s*协议|经销商协议|特约经销|代理经销|销售代理协议", 10, 3),
        (r"经销商", 0, 0.5),
        (r"经销区域|经销产品|销售目标|返利", 0, 0.7),
    ),
    DocType.LOGISTICS_CONTRACT: (
        (r"物\s*流\s*配\s*送\s*合\s*同|物流合同|配送合同|物流配送协议|物流服务合同|运输合同|配送协议", 10, 3),
        (r"配送|承运|运输", 0, 0.4),
        (r"收货方", 0, 0.7),
    ),
    DocType.CONSIGNEE_ID: (
        (r"居民身份证|身份证复印件|身份证", 6, 2),
        (r"公民身份号码", 0, 3),
        (r"签发机关", 0, 2),
        (r"民\s*族", 0, 0.7),
        (r"收货人", 0, 1),
    ),
    DocType.POS_BINDING: (
        (r"POS\s*绑定|POS机?绑定|POS\s*申请|POS\s*机?\s*(开通|安装|关联)", 10, 3),
        (r"POS", 0, 1),
        (r"终端|商户编号", 0, 0.5),
    ),
}
# Pages without a title (page 2 of a contract, possibly in a file of its own) still speak their trade:
# words counted per row, capped, so a long clause page adds up while a stray mention does not.
BODY_TERMS: dict[DocType, tuple[tuple[str, float, int], ...]] = {
    DocType.DISTRIBUTION_CONTRACT: (
        (r"经销|订货|订单|销售|返利|窜货|价格|货款|代理|市场|保证金|授权|区域|产品|质量", 0.5, 8),
    ),
    DocType.LOGISTICS_CONTRACT: ((r"配送|运输|承运|运费|运价|送达|仓库|装卸|货损|车辆|物流|对账", 0.6, 8),),
}
_CONTRACT_ARTICLE = re.compile(r"第\s*[一二三四五六七八九十\d]+\s*条|甲\s*方|乙\s*方")
_COMPILED = {t: tuple((re.compile(p, re.I), tw, bw) for p, tw, bw in kws) for t, kws in KEYWORDS.items()}
_BODY = {t: tuple((re.compile(p), w, cap) for p, w, cap in terms) for t, terms in BODY_TERMS.items()}
MIN_SCORE = 2.5


def _title_rows(rows: list[Row], page_height: int) -> set[int]:
    """Rows that look like a title: among the tallest lines in the top third of the page."""
    if not rows:
        return set()
    heights = sorted(r.height for r in rows)
    median = heights[len(heights) // 2]
    top = [i for i, r in enumerate(rows) if r.bbox[1] < page_height * 0.4]
    return {i for i in top if rows[i].height >= 1.3 * median and len(rows[i].text.replace(" ", "")) <= 24}


def scores(lines: list[TextLine] | tuple[TextLine, ...], page_height: int) -> dict[DocType, float]:
    rows = build_rows(lines)
    titles = _title_rows(rows, page_height)
    out = dict.fromkeys(_COMPILED, 0.0)
    for doc_type, kws in _COMPILED.items():
        for pattern, title_w, body_w in kws:
            best = 0.0
            for i, row in enumerate(rows):
                if pattern.search(row.norm):
                    best = max(best, title_w if i in titles and title_w else body_w)
            out[doc_type] += best
    if _contract_like(rows):
        for doc_type, terms in _BODY.items():
            for pattern, weight, cap in terms:
                hits = sum(len(pattern.findall(row.norm)) for row in rows)
                out[doc_type] += weight * min(hits, cap)
    return out


def _contract_like(rows: list[Row]) -> bool:
    return sum(1 for row in rows if _CONTRACT_ARTICLE.search(row.norm)) >= 2


WEAK = 0.3  # confidence of a guess that the dossier grouping may overrule (a page continuing a document)
_RECEIVING_BLOCK = re.compile(r"收\s*货\s*专\s*用\s*章|收货方")


def _generic_contract_page(lines: list[TextLine] | tuple[TextLine, ...]) -> DocType:
    """Boilerplate clauses and a signature block, nothing of either trade: a logistics contract asks for the
    receiving seal in its signature block; the distribution contract is the one with the generic end."""
    text = "".join(ln.text for ln in lines)
    return DocType.LOGISTICS_CONTRACT if _RECEIVING_BLOCK.search(text) else DocType.DISTRIBUTION_CONTRACT


def is_contract_page(lines: list[TextLine] | tuple[TextLine, ...]) -> bool:
    """Numbered articles and 甲方/乙方: a page of some contract, even when it says not which."""
    return _contract_like(build_rows(lines))


def classify(lines: list[TextLine] | tuple[TextLine, ...], page_height: int) -> tuple[DocType, float]:
    """The most likely document type and a 0..1 confidence (margin over the runner-up)."""
    sc = scores(lines, page_height)
    ranked = sorted(sc.items(), key=lambda kv: -kv[1])
    (best, s1), (_, s2) = ranked[0], ranked[1]
    if s1 < MIN_SCORE:
        dist, logi = sc[DocType.DISTRIBUTION_CONTRACT], sc[DocType.LOGISTICS_CONTRACT]
        if is_contract_page(lines):
            if max(dist, logi) >= 1.2 and abs(dist - logi) >= 0.6:
                kind = DocType.DISTRIBUTION_CONTRACT if dist > logi else DocType.LOGISTICS_CONTRACT
                return kind, 0.4
            return _generic_contract_page(lines), WEAK
        return DocType.UNKNOWN, 0.0
    confidence = min(1.0, 0.5 + (s1 - s2) / (2 * max(s1, 1e-6)))
    return best, round(confidence, 3)
