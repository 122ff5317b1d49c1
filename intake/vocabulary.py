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
    "AUDIT_ACTIONS",
    "AUDIT_ENTITIES",
    "AUDIT_KEYS",
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
    "VALUE_TEXTS",
    "WATCH_REASON_FILES",
    "audit_action_name",
    "audit_entity_name",
    "audit_key_name",
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
    "value_code",
    "value_text",
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

SEVERITIES: Mapping[str, str] = MappingProxyType({"blocker": "阻断", "warning": "提示"})  # issue 14

TEXT_SOURCES: Mapping[str, str] = MappingProxyType({"text_layer": "文本层", "ocr": "文字识别"})

INTAKE_SOURCES: Mapping[str, str] = MappingProxyType(  # storage.models.IntakeSource: how a dossier came in
    {"web": "网页上传", "cli": "命令行", "folder": "监控文件夹"}
)

WATCH_REASON_FILES: Mapping[str, str] = MappingProxyType(  # dossier watch: <item>.结果.txt, <item>.原因.txt
    {"done": "结果", "failed": "原因"}
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


# ---- the audit trail (issue 13): storage.audit_chain entries as an auditor reads them
AUDIT_ACTIONS: Mapping[str, str] = MappingProxyType(
    {  # every action code written to the trail; tests/intake/test_vocabulary_audit.py finds them in the code
        "dossier.created": "建立档案",
        "dossier.received": "档案已接收",
        "dossier.reading": "开始读取",
        "dossier.checking": "开始检查",
        "dossier.awaiting_review": "进入待审核",
        "dossier.sent_back": "退回补充",
        "dossier.approved": "批准",
        "dossier.rejected": "拒绝",
        "dossier.archived": "归档",
        "dossier.failed": "处理失败",
        "dossier.assigned": "指派审核员",
        "dossier.notice_scheduled": "安排补充资料通知",
        "dossier.missing_info_notice_due": "补充资料通知到期",
        "dossier.customer_linked": "关联已有客户",
        "dossier.customer_no_assigned": "分配客户编号",
        "field.corrected": "更正字段",
        "finding.overridden": "豁免检查结果",
        "archive.created": "建立归档记录",
        "archive.document_filed": "归档文件入库",
        "customer.created": "建立客户",
        "customer.updated": "更新客户信息",
        "customer.active": "客户恢复正常",
        "customer.dormant": "客户转为休眠",
        "change.requested": "提交变更申请",
        "change.approved": "批准变更申请",
        "change.rejected": "驳回变更申请",
        "user.created": "创建用户",
        "user.locked": "锁定用户",
        "user.unlocked": "解锁用户",
        "user.password_reset": "重置密码",
        "user.activated": "启用用户",
        "user.deactivated": "停用用户",
        "user.role_changed": "更改角色",
        "address.locked": "锁定来源地址",
        "sample.drawn": "抽取季度抽查样本",
        "sample.checked": "记录抽查结果",
        "personal_data.erased": "删除个人信息",
        "keys.rotated": "轮换数据密钥",
        "audit.redacted": "审计记录脱敏",
        "level1.viewed": "查看一级数据",
        "level1.downloaded": "下载含一级数据的文件",
    }
)


def audit_action_name(code: object) -> str:
    return _name(AUDIT_ACTIONS, code)


AUDIT_ENTITIES: Mapping[str, str] = MappingProxyType(
    {  # the kind before the colon of an audit entry's `entity` ("field:12" → 字段 12)
        "dossier": "档案",
        "page": "页面",
        "field": "字段",
        "finding": "检查结果",
        "archive": "归档记录",
        "customer": "客户",
        "user": "用户",
        "sample": "抽查",
        "key": "密钥",
        "audit_event": "审计记录",
        "personal_data_request": "个人信息删除申请",
        "change_request": "变更申请",
        "address": "地址",
        "customer_history": "客户变更历史",
        "ledger": "客户信息台账",
        "archive_pdf": "归档文件",
        "archive_original": "归档原件",
        "change_evidence": "变更申请证明材料",
        "search": "搜索结果",
    }
)


def audit_entity_name(code: object) -> str:
    return _name(AUDIT_ENTITIES, code)


AUDIT_KEYS: Mapping[str, str] = MappingProxyType(
    {  # keys of an entry's before/after that are not field codes (those read as FIELDS)
        "status": "状态",
        "reference": "档案参考号",
        "as_of": "接收日期",
        "value": "值",
        "confidence": "置信度",
        "corrected": "已更正",
        "rule": "检查规则",
        "active": "启用",
        "role": "角色",
        "name": "名称",
        "locked_until": "锁定至",
        "failed_logins": "连续失败次数",
        "assigned_reviewer": "审核员",
        "archive_no": "归档编号",
        "archive_nos": "归档编号",
        "customer_id": "客户记录",
        "customer_no": "客户编号",
        "copies": "归档份数",
        "due_at": "到期时间",
        "notice_due_at": "通知到期时间",
        "missing": "缺少的材料",
        "page_id": "页面",
        "pdf_path": "归档文件",
        "version": "版本",
        "evidence": "证明材料",
        "request": "申请",
        "requester": "申请人",
        "fields": "字段",
        "values_removed": "删除的值",
        "quarter": "季度",
        "rate": "抽查比例",
        "population": "总数",
        "seed": "随机种子",
        "result": "结果",
        "note": "备注",
        "checked_by": "复核人",
        "event_id": "审计记录",
        "keys": "密钥",
        "rows": "行数",
        "indexed": "已索引",
        "sqlite": "数据库",
    }
)


def audit_key_name(code: object) -> str:
    """A before/after key: a field's name when it is a field code, else the audit key's name."""
    text = "" if code is None else str(code)
    return AUDIT_KEYS.get(text) or FIELDS.get(text) or text


VALUE_TEXTS: Mapping[str, str] = MappingProxyType(
    {  # coded field values as a clerk writes them (intake.identifiers.dates: an open-ended validity)
        "long_term": "长期",
    }
)


def value_text(value: object) -> str:
    """A field value as shown: a coded value by its Chinese text, anything else as it is."""
    return _name(VALUE_TEXTS, value)


def value_code(text: str) -> str:
    """The inverse of value_text: what a reviewer types as shown (长期) is stored as its code (long_term)."""
    for code, shown in VALUE_TEXTS.items():
        if text == shown:
            return code
    return text
