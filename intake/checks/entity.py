"""Who the customer is — enterprise, sole trader (个体工商户) or another kind of body — from every signal.

The acceptance rules of domain-rules §9 depend on it: an old 税务登记证 is accepted for a sole trader at any
date but for an enterprise only until the end of the 三证合一 transition, and a personal passbook replaces
the bank permit only for a sole trader. One signal is often missing or misread, so all are collected and
the strongest decides, in this order:

1. the USCC's registration-management and organisation-type characters: `92` sole trader, `91` enterprise,
   `93` farmers' cooperative, anything else another body (institution, association …);
2. a legacy taxpayer number's form (§2.1): built from the owner's ID (17, 18 or 20 characters) → sole
   trader; 6-digit area + organisation code (15) → enterprise;
3. the licence's type (个体工商户, 有限责任公司, 个人独资企业 …);
4. the application form's 营业属性 (个体 / 个体户 / 个体工商户 vs 企业 / 公司 …);
5. the name: a shop name (…店, 商行, 经营部, 门市部, 超市 …) without 公司 → sole trader; 有限公司 / 股份 /
   集团 → enterprise. The weakest signal: a company may call itself …商行.

The result keeps its reasons in Chinese, so a message can say why the customer was taken for one or the other.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum

from intake.identifiers.codes import ID_BASED_TIN_KINDS, USCC_RE, TinKind, canonical_code, classify_tin
from intake.types import Document, SourcedField

__all__ = [
    "Entity",
    "EntityKind",
    "Signal",
    "entity_of",
    "signal_from_business_type",
    "signal_from_license_type",
    "signal_from_name",
    "signal_from_tax_id",
]


class EntityKind(StrEnum):
    ENTERPRISE = "enterprise"
    SOLE_TRADER = "sole_trader"
    OTHER = "other"
    UNKNOWN = "unknown"  # no signal at all: a rule must not claim either


KIND_LABELS: dict[EntityKind, str] = {
    EntityKind.ENTERPRISE: "企业",
    EntityKind.SOLE_TRADER: "个体工商户",
    EntityKind.OTHER: "非企业单位（合作社、事业单位、社会组织等）",
    EntityKind.UNKNOWN: "未能确定类型的主体",
}


class Strength(IntEnum):
    """Lower is stronger."""

    USCC = 1
    LEGACY_NUMBER = 2
    LICENSE_TYPE = 3
    BUSINESS_TYPE = 4
    NAME = 5


@dataclass(frozen=True, slots=True)
class Signal:
    kind: EntityKind
    strength: Strength
    reason: str  # Chinese, shown to the clerk


@dataclass(frozen=True, slots=True)
class Entity:
    kind: EntityKind
    reasons: tuple[str, ...] = ()  # the signals that agree with `kind`, strongest first
    signals: tuple[Signal, ...] = ()  # every signal found, strongest first

    @property
    def is_sole_trader(self) -> bool:
        return self.kind is EntityKind.SOLE_TRADER

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    def because(self) -> str:
        """The reasons as one Chinese clause, e.g. "依据：执照类型为「个体工商户」；名称以「店」结尾"."""
        return "依据：" + "；".join(self.reasons) if self.reasons else "无可用依据"


# ---------- one signal from one value ----------
_USCC_KINDS = {"91": EntityKind.ENTERPRISE, "92": EntityKind.SOLE_TRADER}


def signal_from_tax_id(raw: str) -> Signal | None:
    """USCC prefix, else the form of a legacy number. A code failing its checks still shows its prefix when
    it starts with 9 (an ID number never does: province codes are 11-82), so one misread character does not
    hide the type."""
    code = canonical_code(raw)
    kind, _ = classify_tin(code)
    if kind is TinKind.USCC or (kind is TinKind.UNKNOWN and code.startswith("9") and USCC_RE.fullmatch(code)):
        prefix = code[:2]
        entity = _USCC_KINDS.get(prefix, EntityKind.OTHER)
        what = {"91": "企业", "92": "个体工商户", "93": "农民专业合作社"}.get(prefix, "非企业单位")
        return Signal(entity, Strength.USCC, f"统一社会信用代码以{prefix}开头（{what}）")
    if kind in ID_BASED_TIN_KINDS:
        reason = f"税务登记号「{code}」由经营者身份证号码构成（{len(code)}位，个体工商户）"
        return Signal(EntityKind.SOLE_TRADER, Strength.LEGACY_NUMBER, reason)
    if kind is TinKind.ORG15:
        reason = f"税务登记号「{code}」由行政区划码和组织机构代码构成（企业）"
        return Signal(EntityKind.ENTERPRISE, Strength.LEGACY_NUMBER, reason)
    return None


# (pattern, kind), first match wins: 个体 before 企业 (个体工商户 never says 企业, but 个人独资企业 does, and
# a 个人独资企业 is an enterprise in law, not a 个体工商户)
_LICENSE_TYPES: tuple[tuple[re.Pattern[str], EntityKind], ...] = (
    (re.compile(r"个体"), EntityKind.SOLE_TRADER),
    (re.compile(r"合作社|事业单位|社会团体|民办非企业|基金会|机关"), EntityKind.OTHER),
    (re.compile(r"公司|企业|合伙|全民所有制|集体所有制|股份|法人"), EntityKind.ENTERPRISE),
)
_BUSINESS_TYPES: tuple[tuple[re.Pattern[str], EntityKind], ...] = (
    (re.compile(r"个体|个人经营|个人工商"), EntityKind.SOLE_TRADER),
    (re.compile(r"合作社|事业单位|社会团体|机关"), EntityKind.OTHER),
    (re.compile(r"企业|公司|有限|股份|法人|合伙"), EntityKind.ENTERPRISE),
)


def _by_patterns(
    raw: str, table: tuple[tuple[re.Pattern[str], EntityKind], ...]
) -> tuple[EntityKind, str] | None:
    text = unicodedata.normalize("NFKC", raw).strip()
    for pattern, kind in table:
        if pattern.search(text):
            return kind, text
    return None


def signal_from_license_type(raw: str) -> Signal | None:
    found = _by_patterns(raw, _LICENSE_TYPES)
    return Signal(found[0], Strength.LICENSE_TYPE, f"执照类型为「{found[1]}」") if found else None


def signal_from_business_type(raw: str) -> Signal | None:
    found = _by_patterns(raw, _BUSINESS_TYPES)
    return Signal(found[0], Strength.BUSINESS_TYPE, f"申请表营业属性为「{found[1]}」") if found else None


_TRAILING_BRACKETS = re.compile(r"[(（][^()（）]*[)）]$")
_SHOP_SUFFIX = re.compile(
    r"(店|商行|经营部|门市部|门市|便利店|超市|商店|批发部|服务部|维修部|小卖部|工作室|商铺|摊位?|档口|铺)$"
)
_ENTERPRISE_WORDS = re.compile(r"公司|股份|集团|企业")


def signal_from_name(raw: str) -> Signal | None:
    """Weakest signal: registered names of 个体工商户 are shop names (字号 + 行业 + 店/商行/经营部 …) and a
    company's name carries its legal form. A bracketed tail (（个体工商户）, a branch) is looked at too."""
    name = re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw))
    if not name:
        return None
    if "个体工商户" in name:
        return Signal(EntityKind.SOLE_TRADER, Strength.NAME, f"名称「{raw}」注明个体工商户")
    if _ENTERPRISE_WORDS.search(name):
        return Signal(EntityKind.ENTERPRISE, Strength.NAME, f"名称「{raw}」带有公司/企业字样")
    core = _TRAILING_BRACKETS.sub("", name)
    m = _SHOP_SUFFIX.search(core)
    if m:
        return Signal(
            EntityKind.SOLE_TRADER, Strength.NAME, f"名称「{raw}」以「{m.group(1)}」结尾，是个体字号"
        )
    return None


# ---------- the dossier's entity ----------
_CERTIFICATES = ("business_license", "tax_registration")


def _readings(documents: Sequence[Document], doc_types: Iterable[str], name: str) -> Iterator[SourcedField]:
    """Non-empty readings of `name`, certificates before the form (the order of `doc_types`)."""
    for doc_type in doc_types:
        for doc in documents:
            sf = doc.fields.get(name)
            if str(doc.doc_type) == doc_type and sf is not None and sf.value.strip():
                yield sf


def _signals(documents: Sequence[Document]) -> list[Signal]:
    found: list[Signal | None] = []
    found += [
        signal_from_tax_id(sf.value)
        for sf in _readings(documents, (*_CERTIFICATES, "application_form"), "tax_id")
    ]
    found += [
        signal_from_license_type(sf.value) for sf in _readings(documents, _CERTIFICATES, "license_type")
    ]
    found += [
        signal_from_business_type(sf.value)
        for sf in _readings(documents, ("application_form",), "business_type")
    ]
    names = _readings(documents, (*_CERTIFICATES, "application_form"), "customer_name")
    found += [signal_from_name(sf.value) for sf in names]
    signals = [s for s in found if s is not None]
    return sorted(signals, key=lambda s: s.strength)  # stable: certificates stay before the form


def entity_of(documents: Sequence[Document]) -> Entity:
    """The strongest signal decides (the first reading of the strongest kind of signal, certificates
    first); the reasons are every signal that agrees with it, without repeats."""
    signals = _signals(documents)
    if not signals:
        return Entity(EntityKind.UNKNOWN)
    kind = signals[0].kind
    reasons = tuple(dict.fromkeys(s.reason for s in signals if s.kind is kind))
    return Entity(kind, reasons, tuple(signals))
