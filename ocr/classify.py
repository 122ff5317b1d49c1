"""Which document a page is, from the words printed on it — and what ties it to the pages around it.

A title (big line near the top) names the document far more reliably than words in the body — a contract's
clauses mention 营业执照, 开户许可证, 收货专用章 and 预留印鉴 — so title hits weigh most, and on a page that
reads like a contract (numbered clauses, 甲方/乙方) another type's body words weigh little: an untitled
contract page is a contract page, of the kind its trade words say, else a WEAK guess. A page with no signal
comes back ``unknown`` with low confidence.

Besides the type, ``analyse`` reports what the type rests on (a title, or body words only) and a page's
continuation signals (a "第2页 共3页" footer, clause numbers that start at 五, a signature block), so the
dossier grouping (intake.continuations.continued_types) ties a continuation page to the document before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from intake.identifiers.numerals import CN_DIGIT
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
        # a title read a bit wrong still names the card: 印签卡, 卬鉴卡, 印鑑卡, 印鉴备案表 (title rows only)
        (r"[印卬]\s*[鉴鑑鍳鑒监監签]\s*[卡卞表]|印\s*[鉴鑑签]\s*备\s*案|预\s*留\s*印\s*[鉴鑑签]", 10, 0),
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
CONTRACTS = (DocType.DISTRIBUTION_CONTRACT, DocType.LOGISTICS_CONTRACT)
_CONTRACT_ARTICLE = re.compile(r"第\s*[一二三四五六七八九十\d]+\s*条|甲\s*方|乙\s*方")
_COMPILED = {t: tuple((re.compile(p, re.I), tw, bw) for p, tw, bw in kws) for t, kws in KEYWORDS.items()}
_BODY = {t: tuple((re.compile(p), w, cap) for p, w, cap in terms) for t, terms in BODY_TERMS.items()}
MIN_SCORE = 2.5
CONTRACT_PAGE_BODY_WEIGHT = 0.25  # share of another type's body-word score left on a contract-like page
TITLE_SCORE = (
    4  # a title row names the type (营业执照, 印鉴卡…), not just a code printed large (统一社会信用代码)
)
WEAK = 0.3  # confidence of a guess that the dossier grouping may overrule (a page continuing a document)

# --- continuation signals --------------------------------------------------------------------------------
_NUM = r"[\d〇零一二两三四五六七八九十]{1,3}"
_FOOTER_OF = re.compile(rf"第\s*({_NUM})\s*页\s*[,，、/|]?\s*共\s*({_NUM})\s*页")
_FOOTER_OF_REVERSED = re.compile(rf"共\s*({_NUM})\s*页\s*[,，、/|]?\s*第\s*({_NUM})\s*页")
_FOOTER_ALONE = re.compile(rf"^[\W_]*第\s*({_NUM})\s*页[\W_]*$")
_FOOTER_FRACTION = re.compile(r"^[\W_]*(?:(?:page|p\.?)\s*)?(\d{1,2})\s*(?:/|of)\s*(\d{1,2})[\W_]*$", re.I)
_FRACTION_MARGIN = 0.12  # a bare "2/3" counts only in the top or bottom margin of the page

# clause headings, from the highest level down: 第五条 > 五、 > 5.
_CLAUSE_STYLES = (
    re.compile(r"^第\s*([〇零一二两三四五六七八九十百\d]{1,4})\s*条"),
    re.compile(r"^([一二三四五六七八九十]{1,3})\s*[、.]"),
    re.compile(r"^(\d{1,2})\s*[、.](?![\d.])"),
)
_LEADING_NOISE = " |·•-_*"

_SEAL_WORDS = (
    r"(?:盖\s*章|签\s*章|签\s*字|签\s*名|公\s*章|印\s*章|收\s*货\s*专\s*用\s*章|印\s*鉴"
    r"|(?:授\s*权\s*)?代\s*表)"
)
# 甲方（盖章）：, 乙方预留收货专用章：, 甲方授权代表（签字）：, 乙方：XX有限公司（盖章）
_PARTY_SIGN = re.compile(
    rf"(?:^|\s)([甲乙])\s*方\s*[:：]?\s*[(（]?\s*(?:预\s*留\s*)?{_SEAL_WORDS}"
    rf"|(?:^|\s)([甲乙])\s*方\s*[:：].{{0,30}}[(（]\s*(?:盖|签)\s*[章字]\s*[)）]"
)
_AGENT_LINE = re.compile(r"授\s*权\s*代\s*表|委\s*托\s*代\s*理\s*人")
_DATE_LINE = re.compile(r"签\s*[订约署字]\s*日\s*期|(?:^|\s)日\s*期\s*[:：]")
_PARTIES = re.compile(r"[甲乙]\s*方")
# a title is a name, not a party label, a clause heading, a place to sign or the tail of a sentence (a short
# clause line that a seal's legend overlapping it makes tall: "重新办理预留印鉴手续。")
_NOT_TITLE = re.compile(r"^[\W_]*(?:[甲乙丙]\s*方|第\s*\S{1,4}\s*条)|盖\s*章|签\s*[字章名]|[。,;]")


@dataclass(frozen=True, slots=True)
class PageSignals:
    """What a page says, in its own words, about where it stands in a document."""

    footer: tuple[int, int | None] | None = None  # "第 x 页 共 y 页" → (x, y); "第 x 页" → (x, None)
    first_clause: int | None = None  # number of the first top-level clause heading on the page
    signature_block: bool = False  # both parties' 盖章/签字 labels, or 授权代表 with a 签订日期
    parties: bool = False  # 甲方/乙方 wording
    contract_like: bool = False  # numbered articles and 甲方/乙方: a page of some contract

    @property
    def starts(self) -> bool:
        """Page 1 of its document: a "第1页" footer, else clause numbering that begins at one."""
        if self.footer is not None:
            return self.footer[0] == 1
        return self.first_clause == 1

    @property
    def continues(self) -> bool:
        """Not page 1 of its document: page x > 1, clauses that carry on, or the signing at the end."""
        if self.starts:
            return False
        footer_later = self.footer is not None and self.footer[0] > 1
        clauses_later = self.first_clause is not None and self.first_clause > 1
        return footer_later or clauses_later or self.signature_block


@dataclass(frozen=True, slots=True)
class Analysis:
    """A page's type, how sure, and what it rests on."""

    doc_type: DocType
    confidence: float
    titles: frozenset[DocType] = field(default_factory=frozenset)  # types a title row names
    signals: PageSignals = field(default_factory=PageSignals)

    @property
    def titled(self) -> bool:
        """The type came from a title row (a page of its own), not from body words only."""
        return self.doc_type in self.titles


def cn_number(text: str) -> int | None:
    """'5', '五', '十二', '二十', '二十三' → int; anything else None."""
    if text.isdigit():
        return int(text)
    if text and all(ch in CN_DIGIT for ch in text):
        value = 0
        for ch in text:
            value = value * 10 + CN_DIGIT[ch]
        return value
    if "十" in text:
        tens, _, units = text.partition("十")
        t = 1 if not tens else cn_number(tens)
        u = 0 if not units else cn_number(units)
        if t is None or u is None or u > 9 or t > 9 or "十" in units:
            return None
        return t * 10 + u
    return None


def page_footer(rows: list[Row], page_height: int) -> tuple[int, int | None] | None:
    """The page's "page x of y" mark (the lowest one when several rows carry one)."""
    found: tuple[int, int | None] | None = None
    height = page_height or max((r.bbox[3] for r in rows), default=0)
    for row in rows:
        mark = _footer_of_row(row.norm.strip(), row, height)
        if mark is not None:
            found = mark
    return found


def _footer_of_row(text: str, row: Row, height: int) -> tuple[int, int | None] | None:
    for pattern, order in ((_FOOTER_OF, (1, 2)), (_FOOTER_OF_REVERSED, (2, 1))):
        m = pattern.search(text)
        if m:
            x, y = cn_number(m.group(order[0])), cn_number(m.group(order[1]))
            if x is not None and y is not None and 1 <= x <= y:
                return x, y
    m = _FOOTER_ALONE.match(text)
    if m and (x := cn_number(m.group(1))) is not None and x >= 1:
        return x, None
    m = _FOOTER_FRACTION.match(text)
    in_margin = height <= 0 or row.bbox[3] > height * (1 - _FRACTION_MARGIN) or row.bbox[1] < height * 0.08
    if m and in_margin:
        x, y = int(m.group(1)), int(m.group(2))
        if 1 <= x <= y:
            return x, y
    return None


def first_clause(rows: list[Row]) -> int | None:
    """Number of the first clause heading, at the highest numbering level the page uses (第x条 before 一、
    before 1.), so the sub-items "1." inside 第五条 do not count as clause one."""
    heads = [r.norm.lstrip(_LEADING_NOISE) for r in rows]
    for style in _CLAUSE_STYLES:
        for text in heads:
            m = style.match(text)
            if m and (n := cn_number(m.group(1))) is not None and n >= 1:
                return n
    return None


def _clause_rows(rows: list[Row]) -> int:
    heads = [r.norm.lstrip(_LEADING_NOISE) for r in rows]
    return sum(1 for text in heads if any(style.match(text) for style in _CLAUSE_STYLES))


def signature_block(rows: list[Row]) -> bool:
    """Where the parties sign: 甲方（盖章）… and 乙方（盖章）…, or an 授权代表 line with a 签订日期 line."""
    parties: set[str] = set()
    for row in rows:
        for m in _PARTY_SIGN.finditer(row.norm):
            parties.add(m.group(1) or m.group(2))
    if parties == {"甲", "乙"}:
        return True
    agent = any(_AGENT_LINE.search(r.norm) for r in rows)
    dated = any(_DATE_LINE.search(r.norm) for r in rows)
    return agent and dated


def page_signals(rows: list[Row], page_height: int) -> PageSignals:
    party_rows = sum(1 for row in rows if _PARTIES.search(row.norm))
    signed = signature_block(rows)
    contract_like = _contract_like(rows) or signed or (_clause_rows(rows) >= 2 and party_rows >= 1)
    return PageSignals(
        footer=page_footer(rows, page_height),
        first_clause=first_clause(rows),
        signature_block=signed,
        parties=party_rows >= 2,
        contract_like=contract_like,
    )


# --- scoring ------------------------------------------------------------------------------------------------


def _title_rows(rows: list[Row], page_height: int) -> set[int]:
    """Rows that look like a title: among the tallest lines in the top third of the page, and no party
    label, clause heading or signing line (a tall handwritten 乙方（预留印鉴） names no document)."""
    if not rows:
        return set()
    heights = sorted(r.height for r in rows)
    median = heights[len(heights) // 2]
    top = [i for i, r in enumerate(rows) if r.bbox[1] < page_height * 0.4]
    return {
        i
        for i in top
        if rows[i].height >= 1.3 * median
        and len(rows[i].text.replace(" ", "")) <= 24
        and not _NOT_TITLE.search(rows[i].norm)
    }


def _hits(rows: list[Row], page_height: int) -> tuple[dict[DocType, float], dict[DocType, float]]:
    """Per type, the score from title rows and the score from body words (each pattern counted once, at
    its best row)."""
    titles = _title_rows(rows, page_height)
    title_score = dict.fromkeys(_COMPILED, 0.0)
    body_score = dict.fromkeys(_COMPILED, 0.0)
    for doc_type, kws in _COMPILED.items():
        for pattern, title_w, body_w in kws:
            in_title = title_w > 0 and any(pattern.search(rows[i].norm) for i in titles)
            if in_title:
                title_score[doc_type] += title_w
            elif body_w and any(pattern.search(row.norm) for row in rows):
                body_score[doc_type] += body_w
    return title_score, body_score


def _scores(
    rows: list[Row], page_height: int, *, contract_like: bool
) -> tuple[dict[DocType, float], frozenset[DocType]]:
    title_score, body_score = _hits(rows, page_height)
    titled = frozenset(t for t, v in title_score.items() if v >= TITLE_SCORE)
    out = {}
    for doc_type in _COMPILED:
        body = body_score[doc_type]
        if contract_like and doc_type not in CONTRACTS and doc_type not in titled:
            body *= CONTRACT_PAGE_BODY_WEIGHT
        out[doc_type] = title_score[doc_type] + body
    if contract_like:
        for doc_type, terms in _BODY.items():
            for pattern, weight, cap in terms:
                hits = sum(len(pattern.findall(row.norm)) for row in rows)
                out[doc_type] += weight * min(hits, cap)
    return out, titled


def scores(lines: list[TextLine] | tuple[TextLine, ...], page_height: int) -> dict[DocType, float]:
    rows = build_rows(lines)
    return _scores(rows, page_height, contract_like=page_signals(rows, page_height).contract_like)[0]


def _contract_like(rows: list[Row]) -> bool:
    return sum(1 for row in rows if _CONTRACT_ARTICLE.search(row.norm)) >= 2


_RECEIVING_BLOCK = re.compile(r"收\s*货\s*专\s*用\s*章|收货方")


def _generic_contract_page(lines: list[TextLine] | tuple[TextLine, ...]) -> DocType:
    """Boilerplate clauses and a signature block, nothing of either trade: a logistics contract asks for the
    receiving seal in its signature block; the distribution contract is the one with the generic end."""
    text = "".join(ln.text for ln in lines)
    return DocType.LOGISTICS_CONTRACT if _RECEIVING_BLOCK.search(text) else DocType.DISTRIBUTION_CONTRACT


def is_contract_page(lines: list[TextLine] | tuple[TextLine, ...]) -> bool:
    """Numbered articles and 甲方/乙方 (or the parties' signing): a page of some contract, even when it says
    not which."""
    rows = build_rows(lines)
    return page_signals(rows, 0).contract_like


def _contract_kind(
    lines: list[TextLine] | tuple[TextLine, ...], sc: dict[DocType, float]
) -> tuple[DocType, float]:
    """Which contract an untitled contract page belongs to: its trade words, else a WEAK guess."""
    dist, logi = sc[DocType.DISTRIBUTION_CONTRACT], sc[DocType.LOGISTICS_CONTRACT]
    if max(dist, logi) >= 1.2 and abs(dist - logi) >= 0.6:
        return (DocType.DISTRIBUTION_CONTRACT if dist > logi else DocType.LOGISTICS_CONTRACT), 0.4
    return _generic_contract_page(lines), WEAK


def analyse(lines: list[TextLine] | tuple[TextLine, ...], page_height: int) -> Analysis:
    """The most likely document type, a 0..1 confidence (margin over the runner-up), the types a title
    names and the page's continuation signals."""
    rows = build_rows(lines)
    signals = page_signals(rows, page_height)
    sc, titles = _scores(rows, page_height, contract_like=signals.contract_like)
    ranked = sorted(sc.items(), key=lambda kv: -kv[1])
    (best, s1), (_, s2) = ranked[0], ranked[1]
    untitled_other = best not in CONTRACTS and best not in titles
    if s1 < MIN_SCORE or (signals.contract_like and untitled_other):
        if signals.contract_like:
            kind, confidence = _contract_kind(lines, sc)
            return Analysis(kind, confidence, titles, signals)
        return Analysis(DocType.UNKNOWN, 0.0, titles, signals)
    confidence = min(1.0, 0.5 + (s1 - s2) / (2 * max(s1, 1e-6)))
    return Analysis(best, round(confidence, 3), titles, signals)


def classify(lines: list[TextLine] | tuple[TextLine, ...], page_height: int) -> tuple[DocType, float]:
    """The most likely document type and a 0..1 confidence (margin over the runner-up)."""
    result = analyse(lines, page_height)
    return result.doc_type, result.confidence
