"""Chinese names of the domain's codes (document types, fields, statuses), as the archive staff say them."""

from __future__ import annotations

from intake.cli import DOC_NAMES, RECORD_NAMES

FIELD_NAMES: dict[str, str] = {
    **RECORD_NAMES,
    "legal_representative": "法定代表人",
    "address": "地址",
    "valid_from": "有效期自",
    "valid_to": "有效期至",
    "account_holder": "账户名称",
    "approval_no": "核准号",
    "serial_no": "编号",
    "business_type": "营业属性",
    "consignee_name": "收货人姓名",
    "consignee_id_number": "收货人身份证号",
    "consignee_phone": "收货人电话",
    "receiving_address": "收货地址",
    "receiving_time": "收货时间",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
    "pickup_date": "预计提货日期",
    "signing_date": "签订日期",
    "account_opened": "开户日期",
    "established": "成立日期",
    "registered_capital": "注册资本",
    "license_type": "证照类型",
    "id_valid_from": "身份证有效期自",
    "id_valid_to": "身份证有效期至",
}
STATUS_NAMES: dict[str, str] = {
    "received": "已接收",
    "reading": "读取中",
    "checking": "检查中",
    "awaiting_review": "待审核",
    "sent_back": "已退回补充",
    "approved": "已批准",
    "rejected": "已拒绝",
    "archived": "已归档",
    "failed": "失败",
    "pending": "等待中",
    "done": "完成",
}
ROLE_NAMES: dict[str, str] = {
    "administrator": "管理员",
    "reviewer": "审核员",
    "staff": "业务人员",
    "auditor": "审计员",
}
SEVERITY_NAMES: dict[str, str] = {"blocker": "阻断", "warning": "警告"}


def doc_name(code: str | None) -> str:
    return DOC_NAMES.get(code or "unknown", code or "")


def field_name(code: str) -> str:
    return FIELD_NAMES.get(code, code)


def status_name(code: str) -> str:
    return STATUS_NAMES.get(code, code)
