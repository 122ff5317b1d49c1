"""Chinese texts a clerk reads: the message of every finding.

Kept apart from the rule logic so wording can be reviewed (and one day translated) in one place. The names of
documents and fields inside the messages are the vocabulary's (intake.vocabulary), the same the CLI and the
review UI show.
"""

from __future__ import annotations

from intake.vocabulary import doc_name, field_name

REGISTRY = "国家企业信用信息公示系统"


def doc_label(doc_type: str) -> str:
    return doc_name(doc_type)


def field_label(name: str) -> str:
    return field_name(name)


def where(doc_type: str, name: str) -> str:
    return f"{doc_label(doc_type)}的{field_label(name)}"


# ---------- completeness ----------
def document_missing(doc_type: str, alternatives: tuple[str, ...] = ()) -> str:
    others = "或".join(doc_label(a) for a in alternatives)
    extra = f"（或{others}）" if others else ""
    return f"缺少{doc_label(doc_type)}{extra}，请客户补交。"


def old_tax_certificate_not_accepted(until: str, who: str = "企业", because: str = "") -> str:
    """`who` is the entity label (企业 …), `because` the reasons it was derived from."""
    why = f"（本客户为{who}，{because}）" if because else ""
    return (
        f"只有旧版税务登记证{why}：{who}的旧证件仅在{until}前有效（三证合一），"
        "请客户提供载有统一社会信用代码的营业执照。"
    )


def old_tax_certificate_entity_unknown(until: str) -> str:
    return (
        f"只有旧版税务登记证，且未能确定客户是企业还是个体工商户：个体工商户的旧证件长期有效，"
        f"企业的旧证件仅在{until}前有效。请核对证件确认主体类型；如为企业，请客户提供载有统一社会信用代码的营业执照。"
    )


def passbook_not_sole_trader(who: str = "", because: str = "") -> str:
    if not who:
        return (
            "以存折/银行卡代替开户许可证仅适用于个体工商户；未能确定本客户是否为个体工商户，"
            "请核对主体类型，如不是个体工商户，请提供开户许可证或基本存款账户信息。"
        )
    why = f"（{because}）" if because else ""
    return (
        f"以存折/银行卡代替开户许可证仅适用于个体工商户；本客户为{who}{why}，不是个体工商户，"
        "请提供开户许可证或基本存款账户信息。"
    )


# ---------- fields ----------
def field_absent(doc_type: str, name: str) -> str:
    return f"未能识别{where(doc_type, name)}，请人工核对原件。"


def field_low_confidence(doc_type: str, name: str, confidence: float) -> str:
    return f"{where(doc_type, name)}识别把握不足（置信度{confidence:.2f}），请对照原件核对。"


def field_absent_everywhere(name: str) -> str:
    return f"所有材料中都没有读到{field_label(name)}，无法建档，请补充。"


# ---------- identifiers ----------
def tax_id_check_failed(doc_type: str, value: str) -> str:
    return (
        f"{where(doc_type, 'tax_id')}「{value}」未通过校验位检查。少数真实代码不符合校验规则，"
        f"请在{REGISTRY}查询核实并附截图。"
    )


def tax_id_repairable(doc_type: str, value: str, repaired: str) -> str:
    return f"{where(doc_type, 'tax_id')}「{value}」疑似识别错误，应为「{repaired}」，请对照原件确认。"


def tax_id_unverified(doc_type: str, value: str) -> str:
    return f"{where(doc_type, 'tax_id')}「{value}」为旧版15位税号，无法自动校验，请核实。"


def tax_id_malformed(doc_type: str, value: str) -> str:
    return f"{where(doc_type, 'tax_id')}「{value}」格式不正确，不是有效的统一社会信用代码或税务登记号。"


def phone_invalid(doc_type: str, name: str, value: str) -> str:
    return f"{where(doc_type, name)}「{value}」不是有效的中国固定电话或手机号码（固话需带区号）。"


def phone_service_number(doc_type: str, name: str, value: str) -> str:
    return f"{where(doc_type, name)}「{value}」是400/800服务号码，请确认能否用于开票。"


def consignee_id_invalid(value: str, problems: str) -> str:
    return f"收货人身份证号码「{value}」无效（{problems}），请核对身份证复印件。"


def consignee_id_soft(value: str, problem: str) -> str:
    return f"收货人身份证号码「{value}」需人工确认：{problem}。"


ID_PROBLEM_TEXT = {
    "format": "位数或字符不对",
    "birthdate": "出生日期不存在",
    "check": "校验码错误",
    "birthdate-range": "出生日期在未来或早于1900年",
    "province": "省份代码不存在",
    "legacy15": "15位旧号码，一代身份证已停止使用",
}


# ---------- cross-document ----------
def name_format_only(doc_type: str, name: str, value: str, ref_doc: str, ref: str) -> str:
    return (
        f"{where(doc_type, name)}「{value}」与{doc_label(ref_doc)}上的「{ref}」仅格式不同"
        "（全角/半角、空格或括号），请按证照原样填写。"
    )


def ocr_variant(doc_type: str, name: str, value: str, ref_doc: str, ref_name: str, ref: str) -> str:
    return (
        f"{where(doc_type, name)}「{value}」与{where(ref_doc, ref_name)}「{ref}」仅有繁简字形或标点差别，"
        "可能是识别差异（繁简字形/标点），请核对原件；如原件确实不同，请按证照原样填写。"
    )


def agreed_by_others(doc_type: str, name: str, value: str, confidence: float, agreed: str) -> str:
    return (
        f"{where(doc_type, name)}读取存疑（置信度{confidence:.2f}）：读到「{value}」，而其他文件一致为"
        f"「{agreed}」，记录暂采用「{agreed}」。请对照{doc_label(doc_type)}原件确认。"
    )


def uncertain_reading(
    doc_type: str, name: str, value: str, confidence: float, ref_doc: str, ref_name: str, ref: str
) -> str:
    return (
        f"{where(doc_type, name)}读取不确定（置信度{confidence:.2f}）：读到「{value}」，"
        f"与{where(ref_doc, ref_name)}「{ref}」不一致，请对照原件核对。"
    )


def not_a_bank_name(doc_type: str, value: str, ref_doc: str, ref: str) -> str:
    return (
        f"{where(doc_type, 'bank_name')}读取不确定：读到的「{value}」不像开户银行名称，"
        f"请对照原件核对是否与{doc_label(ref_doc)}「{ref}」一致。"
    )


def value_different(doc_type: str, name: str, value: str, ref_doc: str, ref_name: str, ref: str) -> str:
    return f"{where(doc_type, name)}「{value}」与{where(ref_doc, ref_name)}「{ref}」不一致。"


def legacy_org_code_differs(old: str, uscc: str) -> str:
    return f"旧税号「{old}」与统一社会信用代码「{uscc}」的组织机构代码部分不一致，不是同一主体的号码。"


def legacy_id_based_vs_uscc(old: str, uscc: str) -> str:
    return (
        f"旧税务登记号「{old}」（由经营者身份证号码构成）与统一社会信用代码「{uscc}」之间没有可计算的对应关系，"
        f"无法自动确认是同一个体工商户，请在{REGISTRY}查询核实。"
    )


def bank_name_differs(doc_type: str, value: str, ref_doc: str, ref: str, how: str) -> str:
    hint = {
        "FORMAT_ONLY": "仅格式不同，请按许可证原样填写",
        "OCR_VARIANT": "仅有繁简字形或标点差别，可能是识别差异（繁简字形/标点），请核对原件",
        "SAME_BRANCH_DIFFERENT_SPELLING": "同一网点但写法不同，请按许可证原样填写",
        "PROBABLY_SAME_BRANCH": "可能是同一网点但写法不同，发票须与许可证完全一致",
        "DIFFERENT_BRANCH": "开户网点不同",
        "DIFFERENT_BANK": "开户银行不同",
    }.get(how, "不一致")
    return f"{where(doc_type, 'bank_name')}「{value}」与{doc_label(ref_doc)}「{ref}」{hint}。"


def address_differs(doc_type: str, name: str, value: str, ref_doc: str, ref: str, how: str) -> str:
    hint = {
        "FORMAT_ONLY": "仅格式不同，请按证照原样填写",
        "PREFIX_ONLY": "仅省市前缀写法不同，请按证照原样填写",
        "OCR_VARIANT": "仅有繁简字形或标点差别，可能是识别差异（繁简字形/标点），请核对原件",
        "DIFFERENT_DISTRICT": "所在区县不同",
    }.get(how, "不一致")
    return f"{where(doc_type, name)}「{value}」与{doc_label(ref_doc)}上的地址「{ref}」{hint}。"


# ---------- validity ----------
def certificate_expired(doc_type: str, end: str, as_of: str) -> str:
    return f"{doc_label(doc_type)}有效期至{end}，在建档日{as_of}已过期，请提供有效证件。"


def certificate_expiring(doc_type: str, end: str, before: str) -> str:
    return f"{doc_label(doc_type)}有效期至{end}，将在{before}前到期，请提醒客户及时更新。"


def date_unreadable(doc_type: str, name: str, value: str) -> str:
    return f"{where(doc_type, name)}「{value}」不是有效日期，请对照原件核对。"


# ---------- seals ----------
def seal_count_differs(card: int, contract: int) -> str:
    return f"物流配送合同上的收货专用章数量（{contract}枚）与客户印鉴卡（{card}枚）不一致。"


def seal_text_differs(contract_text: str, card_texts: str) -> str:
    return f"物流配送合同上的收货章「{contract_text}」与客户印鉴卡上预留的收货章（{card_texts}）不一致。"


def seal_maybe_more(card: int, extra: int, card_pages: str, contract_pages: str) -> str:
    return (
        f"物流配送合同（{contract_pages}）与客户印鉴卡（{card_pages}）各识别到{card}枚收货专用章，"
        f"但合同上另有{extra}枚印章的印文未能识别，可能也是收货专用章，请人工目视比对。"
    )


def seal_count_uncertain(card: int, contract: int, card_pages: str, contract_pages: str) -> str:
    return (
        f"物流配送合同（{contract_pages}）上识别到{contract}枚收货专用章，客户印鉴卡（{card_pages}）上{card}枚；"
        "印章的类别或印文识别把握不足，可能是漏识别，请人工目视比对两处的收货专用章。"
    )


def seal_text_uncertain(contract_text: str, card_texts: str, card_pages: str, contract_pages: str) -> str:
    return (
        f"物流配送合同（{contract_pages}）上的收货章印文读作「{contract_text}」，与客户印鉴卡（{card_pages}）"
        f"预留的（{card_texts}）不同，但印文识别把握不足，请人工目视比对。"
    )


def no_receiving_seal(contract: int = 0, contract_pages: str = "") -> str:
    extra = (
        f"物流配送合同（{contract_pages}）上识别到{contract}枚收货专用章，请目视比对。" if contract else ""
    )
    return "客户印鉴卡上没有识别到收货专用章，请人工核对。" + extra


# ---------- deadline ----------
def deadline_at_risk(deadline: str, as_of: str, days: int) -> str:
    return (
        f"建档截止日为{deadline}（提货日前{days}天），今天{as_of}资料仍不完整或有待解决的问题，请尽快补齐。"
    )


def deadline_overdue(deadline: str, as_of: str) -> str:
    return f"已超过建档截止日{deadline}（今天{as_of}），资料仍不完整或有待解决的问题。"


def missing_info_notice(labels: list[str], hours: int) -> str:
    return f"请客户在{hours}小时内补充以下信息：" + "；".join(labels) + "。"


LIKELY_MISREAD = "两者仅差一个字，可能是识别误差，请对照原件核对。"
PARTLY_HIDDEN = "识别结果只缺少原名称中的部分文字（可能被印章遮盖或漏识别），请对照原件核对。"
