"""The printed labels of every field, per document type (issuers and layouts vary; longest label wins).

``VALIDITY`` is a pseudo-field: one printed range (营业期限 2015年03月01日至长期) gives valid_from
and valid_to.
"""

from __future__ import annotations

from ocr.types import DocType

VALIDITY = "_validity"
ID_VALIDITY = "_id_validity"
# 开票地址电话 / 地址、电话: one cell holding the tax address and the tax phone (domain-rules §6)
ADDR_PHONE = "_addr_phone"

LABELS: dict[DocType, dict[str, tuple[str, ...]]] = {
    DocType.BUSINESS_LICENSE: {
        "customer_name": ("名称", "企业名称", "单位名称", "字号名称", "个体工商户名称"),
        "tax_id": ("统一社会信用代码", "社会信用代码", "信用代码"),
        "license_type": ("类型", "主体类型", "企业类型", "市场主体类型"),
        "legal_representative": ("法定代表人", "经营者", "负责人", "执行事务合伙人", "投资人", "法人代表"),
        "address": ("住所", "经营场所", "主要经营场所", "营业场所", "企业住所"),
        "registered_capital": ("注册资本", "注册资金", "出资额", "出资总额"),
        "established": ("成立日期", "注册日期"),
        VALIDITY: ("营业期限", "经营期限", "合伙期限", "有效期限"),
    },
    DocType.TAX_REGISTRATION: {
        "customer_name": ("纳税人名称", "名称", "单位名称"),
        "tax_id": ("税务登记号", "纳税人识别号", "税务登记证号", "税务登记证号码", "识别号", "税号"),
        "legal_representative": (
            "法定代表人（负责人）",
            "法定代表人(负责人)",
            "法定代表人",
            "负责人",
            "业主姓名",
            "业主",
        ),
        "address": (
            "地址",
            "注册地址",
            "生产经营地址",
            "经营地址",
            "住所",
            "经营场所",
        ),
        "issue_date": ("发证日期", "填发日期", "发证时间"),
        VALIDITY: ("有效期限", "有效期"),
    },
    DocType.BANK_PERMIT: {
        "account_holder": ("存款人名称", "存款人", "账户名称", "户名", "单位名称"),
        "bank_name": ("开户银行", "开户行", "开户银行名称", "开户机构"),
        "bank_account": ("账号", "帐号", "银行账号", "账户号码", "基本存款账号", "账户账号"),
        "approval_no": ("核准号", "基本存款账户编号", "账户编号", "许可证核准号", "开户许可证核准号"),
        "serial_no": ("编号", "许可证编号"),
        "legal_representative": (
            "法定代表人（单位负责人）",
            "法定代表人(单位负责人)",
            "法定代表人",
            "单位负责人",
            "负责人",
        ),
        "account_opened": ("开户日期",),
    },
    DocType.PASSBOOK: {
        "account_holder": ("户名", "姓名", "客户名称", "账户名称", "持卡人"),
        "bank_account": ("账号", "帐号", "卡号", "银行卡号", "存折账号", "账户", "账户号码"),
        "bank_name": ("开户行", "开户银行", "开户网点", "发卡行", "开户机构"),
        "account_opened": ("开户日期",),
    },
    DocType.SEAL_CARD: {
        "customer_name": ("客户名称", "单位名称", "客户全称", "名称", "户名", "企业名称"),
        "legal_representative": (
            "法定代表人",
            "法定代表人（负责人）",
            "法定代表人(负责人)",
            "法人代表",
            "负责人",
            "单位负责人",
            "经营者",
        ),
    },
    DocType.APPLICATION_FORM: {
        "customer_name": ("客户名称", "客户全称", "单位名称", "企业名称", "公司名称", "名称"),
        "tax_id": ("税务登记号", "纳税人识别号", "统一社会信用代码", "税号", "纳税识别号"),
        "tax_address": ("税务地址", "税务登记地址", "注册地址", "开票地址", "地址"),
        "tax_phone": ("税务电话", "税务登记电话", "开票电话", "电话", "注册电话"),
        ADDR_PHONE: ("开票地址电话", "开票地址及电话", "地址、电话", "地址及电话", "地址电话"),
        "bank_name": ("开户银行", "开户行", "开户银行名称"),
        "bank_account": ("银行账号", "账号", "帐号", "开户账号"),
        "business_type": ("营业属性", "经营属性", "客户类型"),
        "contact_name": ("联系人", "业务联系人"),
        "contact_phone": ("联系电话", "联系人电话", "手机", "联系方式", "联系手机"),
        "receiving_address": ("收货地址", "送货地址", "配送地址"),
        "pickup_date": ("预计提货日期", "提货日期", "首次提货日期", "预计提货时间"),
        "legal_representative": ("法定代表人", "法人代表", "负责人"),
    },
    DocType.DISTRIBUTION_CONTRACT: {
        "customer_name": ("乙方", "经销商", "乙方名称", "乙方（经销商）", "乙方(经销商)"),
        "contract_no": ("合同编号", "协议编号", "合同号", "编号"),
        "signing_date": ("签订日期", "签约日期", "签署日期", "日期"),
    },
    DocType.LOGISTICS_CONTRACT: {
        "customer_name": ("乙方", "收货方", "乙方（收货方）", "乙方(收货方)", "乙方名称"),
        "contract_no": ("合同编号", "协议编号", "合同号", "编号"),
        "receiving_address": ("收货地址", "送货地址", "配送地址", "乙方收货地址"),
        "signing_date": ("签订日期", "签约日期", "签署日期", "日期"),
        "consignee_name": ("收货人", "收货联系人", "收货人姓名", "指定收货人", "收件人"),
        "consignee_phone": ("收货人电话", "收货电话", "收货人手机", "收货联系电话", "收货人联系电话"),
        "receiving_time": ("收货时间", "收货时段", "收货时间段", "可收货时间"),
    },
    DocType.CONSIGNEE_ID: {
        "consignee_name": ("姓名", "收货人姓名", "收货人", "收件人", "收货联系人", "指定收货人"),
        "consignee_id_number": ("公民身份号码", "身份证号码", "身份证号", "证件号码"),
        "consignee_phone": (
            "收货人电话",
            "联系电话",
            "电话",
            "手机",
            "收货人手机",
            "联系手机",
            "收货电话",
            "收货联系电话",
            "收货人联系电话",
        ),
        "receiving_time": ("收货时间", "收货时段", "收货时间段", "可收货时间"),
        ID_VALIDITY: ("有效期限", "有效期"),
    },
    DocType.POS_BINDING: {
        "customer_name": ("客户名称", "商户名称", "单位名称", "名称"),
        "bank_account": ("结算账号", "银行账号", "账号", "结算账户"),
        "bank_name": ("开户银行", "开户行", "结算银行"),
    },
}

# A contract's party blocks (甲方：… / 乙方：… / 法定代表人：… / 地址：… / 电话：…): the customer's fields are
# read only from 乙方's block (ocr.fields.parties decides whose block a label is in).
PARTY_LABELS: dict[str, tuple[str, ...]] = {
    "legal_representative": (
        "法定代表人",
        "法人代表",
        "负责人",
        "法定代表人或授权代表",
        "法定代表人或委托代理人",
        "经营者",
        "投资人",
    ),
    "address": (
        "地址",
        "住所",
        "住所地",
        "通讯地址",
        "联系地址",
        "注册地址",
        "经营地址",
        "办公地址",
    ),
    "tax_phone": ("电话", "联系电话", "税务电话", "办公电话", "固定电话", "开票电话"),
}

# A label added anywhere joins every page's label search: one extending another type's label (法定代表人姓名
# over 法定代表人) hides it there. Qualifiers in brackets and /alternatives need no label of their own.

# Words printed as labels anywhere: a value stops where one of these starts a new cell.
EXTRA_STOP_LABELS = (
    "性别",
    "民族",
    "出生",
    "住址",
    "签发机关",
    "经营范围",
    "登记机关",
    "成立日期",
    "法定代表人",
    "注册资本",
    "甲方",
    "乙方",
    "签字",
    "盖章",
    "（盖章）",
    "(盖章)",
    "日期",
    "电话",
    "传真",
    "邮编",
    "邮政编码",
    "开户银行",
    "账号",
    "联系人",
    "联系电话",
    "营业期限",
    "类型",
    "住所",
    "备注",
    "审核",
    "经办人",
    "组成形式",
    "身份证号",
    "传真",
    "开户行",
    "授权代表",
)


def all_labels() -> tuple[str, ...]:
    found = {lab for fields in LABELS.values() for labs in fields.values() for lab in labs}
    found.update(lab for labs in PARTY_LABELS.values() for lab in labs)
    found.update(EXTRA_STOP_LABELS)
    return tuple(sorted(found, key=len, reverse=True))
