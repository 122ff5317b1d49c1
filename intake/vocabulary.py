"""Every Chinese name a clerk reads for a code of the domain: document types, fields, statuses, roles, rules,
severities, text sources and seal kinds. One name per code, as the documents and the archive staff say it
(../shared/contract.md, ../shared/domain.md); the CLI, the review UI and the finding messages all take their
names from here.

The bottom layer: plain dicts keyed by the code strings, importing nothing from the project (not even the
enums, which live above in ocr/ and storage/). tests/intake/test_vocabulary.py checks that every code the
enums, the extractors and the rules can produce has a name here. A lookup of an unknown code returns the code.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = [
    "DOC_TYPES",
    "FIELDS",
    "INTAKE_SOURCES",
    "ROLES",
    "RULES",
    "SAMPLE_RESULTS",
    "SEAL_KINDS",
    "SEVERITIES",
    "STATUSES",
    "TEXT_SOURCES",
    "doc_name",
    "field_name",
    "intake_source_name",
    "role_name",
    "rule_name",
    "sample_result_name",
    "seal_name",
    "severity_name",
    "source_name",
    "status_name",
]

DOC_TYPES: Mapping[str, str] = MappingProxyType(
    {  # ocr.types.DocType; the 中文 column of the contract
        "business_license": "营业执照",
        "tax_registration": "税务登记证",
        "bank_permit": "开户许可证/基本存款账户信息",
        "passbook": "个人银行存折/银行卡复印件",
        "seal_card": "客户印鉴卡",
        "application_form": "客户建档申请表",
        "distribution_contract": "经销合同（3C协议）",
        "logistics_contract": "物流配送合同",
        "consignee_id": "收货人身份证复印件",
        "pos_binding": "POS绑定申请",
        "unknown": "未识别文件",
    }
)

FIELDS: Mapping[str, str] = MappingProxyType(
    {
        # the six invoice fields (intake.types.RECORD_FIELDS), as the form and the staff name them
        "customer_name": "客户名称",
        "tax_id": "税务登记号",
        "bank_name": "开户银行",
        "bank_account": "银行账号",
        "tax_address": "税务地址",
        "tax_phone": "税务电话",
        # the rest of what the extractors (ocr/fields) read
        "legal_representative": "法定代表人",
        "address": "地址",
        "valid_from": "有效期自",
        "valid_to": "有效期至",
        "issue_date": "发证日期",
        "account_holder": "账户名称",
        "approval_no": "核准号",
        "serial_no": "编号",
        "account_opened": "开户日期",
        "business_type": "营业属性",
        "license_type": "主体类型",
        "established": "成立日期",
        "registered_capital": "注册资本",
        "contract_no": "合同编号",
        "signing_date": "签订日期",
        "consignee_name": "收货人姓名",
        "consignee_id_number": "收货人身份证号码",
        "consignee_phone": "收货人电话",
        "id_valid_from": "身份证有效期自",
        "id_valid_to": "身份证有效期至",
        "receiving_address": "收货地址",
        "receiving_time": "收货时间",
        "contact_name": "联系人",
        "contact_phone": "联系电话",
        "pickup_date": "预计提货日期",
        "seals": "印章",
    }
)

STATUSES: Mapping[str, str] = MappingProxyType(
    {
        # a dossier's (storage.models.DossierStatus)
        "received": "已接收",
        "reading": "读取中",
        "checking": "检查中",
        "awaiting_review": "待审核",
        "sent_back": "已退回补充",
        "approved": "已批准",
        "rejected": "已拒绝",
        "archived": "已归档",
        "failed": "失败",
        # a page's (PageStatus; reading and failed as above)
        "pending": "等待中",
        "done": "完成",
        # a finding's (FindingStatus)
        "open": "未解决",
        "overridden": "已豁免",
        # a customer's (CustomerStatus): dormant after three years without archiving or change (002)
        "active": "正常",
        "dormant": "休眠",
        # a change request's (ChangeRequestStatus; approved and rejected read as a dossier's)
        "awaiting_approval": "待审批",
    }
)

ROLES: Mapping[str, str] = MappingProxyType(
    {  # storage.models.Role; the people of domain.md
        "administrator": "档案管理员",
        "reviewer": "审核员",
        "staff": "业务人员",
        "auditor": "审计员",
    }
)

RULES: Mapping[str, str] = MappingProxyType(
    {  # findings[].rule (the contract's rule ids and what intake.checks emits)
        "document_missing": "缺少材料",
        "field_unreadable": "字段未能识别",
        "tax_id_invalid": "税务登记号无效",
        "name_mismatch": "客户名称不一致",
        "tax_id_mismatch": "税务登记号不一致",
        "bank_name_mismatch": "开户银行不一致",
        "bank_account_mismatch": "银行账号不一致",
        "address_mismatch": "税务地址不一致",
        "phone_invalid": "电话号码无效",
        "certificate_expired": "证件已过期",
        "certificate_expiring": "证件即将到期",
        "seal_mismatch": "收货专用章不一致",
        "consignee_id_invalid": "收货人身份证号码无效",
        "deadline_at_risk": "临近建档截止日",
        "deadline_overdue": "已过建档截止日",
    }
)

SEVERITIES: Mapping[str, str] = MappingProxyType({"blocker": "阻断", "warning": "警告"})

TEXT_SOURCES: Mapping[str, str] = MappingProxyType({"text_layer": "文本层", "ocr": "文字识别"})

INTAKE_SOURCES: Mapping[str, str] = MappingProxyType(  # storage.models.IntakeSource: how a dossier came in
    {"web": "网页上传", "cli": "命令行", "folder": "监控文件夹"}
)

SEAL_KINDS: Mapping[str, str] = MappingProxyType(
    {  # ocr.types.SealKind
        "company": "公章",
        "finance": "财务专用章",
        "receiving": "收货专用章",
        "contract": "合同专用章",
        "invoice": "发票专用章",
        "personal": "个人名章",
        "other": "其他印章",
    }
)


def _name(table: Mapping[str, str], code: object) -> str:
    text = "" if code is None else str(code)  # a StrEnum member is its value
    return table.get(text, text)


def doc_name(code: object) -> str:
    """A document type's name; no type at all is the unknown type."""
    return _name(DOC_TYPES, code or "unknown")


def field_name(code: object) -> str:
    return _name(FIELDS, code)


def status_name(code: object) -> str:
    return _name(STATUSES, code)


def role_name(code: object) -> str:
    return _name(ROLES, code)


def rule_name(code: object) -> str:
    return _name(RULES, code)


def severity_name(code: object) -> str:
    return _name(SEVERITIES, code)


def source_name(code: object) -> str:
    return _name(TEXT_SOURCES, code)


def intake_source_name(code: object) -> str:
    return _name(INTAKE_SOURCES, code)


def seal_name(code: object) -> str:
    return _name(SEAL_KINDS, code)


# ---- the quarterly audit sample (issue 11, maintenance): storage.models.SampleResult
SAMPLE_RESULTS: Mapping[str, str] = MappingProxyType(
    {"pending": "待复核", "passed": "合格", "failed": "不合格"}
)


def sample_result_name(code: object) -> str:
    return _name(SAMPLE_RESULTS, code)


# ---- search (issue 11): where a search hit is (storage.search.KINDS)
SEARCH_KINDS: Mapping[str, str] = MappingProxyType(
    {"customer": "客户", "dossier": "档案记录", "page": "页面全文"}
)


def search_kind_name(code: object) -> str:
    return _name(SEARCH_KINDS, code)


# ---- end search
