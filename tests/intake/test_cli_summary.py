"""`dossier process`'s summary for a person: every word Chinese, silence never means "not checked"."""

from __future__ import annotations

import re
from typing import Any

from intake.checks.doubtful import LOW_CONFIDENCE_BELOW
from intake.cli.summary import summary
from intake.identifiers.codes import org_check_char, uscc_check_char
from intake.types import RECORD_FIELDS
from intake.vocabulary import RULES, SEVERITIES, STATUSES, TEXT_SOURCES, field_name, rule_name

# every code the contract JSON carries that a person must never see in the summary
CODES = re.compile(
    "|".join(sorted({*RULES, *SEVERITIES, *STATUSES, *TEXT_SOURCES, *RECORD_FIELDS}, key=len, reverse=True))
)

_BODY = "91440606" + "MA4UJ8KX" + org_check_char("MA4UJ8KX")
TAX_ID = _BODY + uscc_check_char(_BODY)  # a valid 统一社会信用代码: only what the test sets up is doubtful


def _read(value: str, confidence: float) -> dict[str, Any]:
    return {"value": value, "confidence": confidence, "bbox": [0, 0, 10, 10]}


def _dossier(*, findings: list[dict[str, Any]], tax_confidence: float = 0.99) -> dict[str, Any]:
    """A contract object (../shared/contract.md) of a complete dossier read from two files."""
    licence = {
        "customer_name": _read("佛山市顺德区联安贸易有限公司", 0.98),
        "tax_id": _read(TAX_ID, tax_confidence),
        "address": _read("广东省佛山市顺德区大良街道新城路 8 号", 0.97),
    }
    dossier = {"id": "d-0001", "status": "awaiting_review"}
    dossier |= {"pickup_date": "2026-12-20", "deadline": "2026-12-13"}
    form = {"tax_phone": _read("0757-22223333", 0.99)}
    return {
        "dossier": dossier,
        "pages": [
            {"file": "营业执照.jpg", "page": 1, "doc_type": "business_license", "source": "ocr",
             "engine": "rapidocr", "fields": licence},
            {"file": "申请表.pdf", "page": 1, "doc_type": "application_form", "source": "text_layer",
             "engine": "", "fields": form},
        ],
        "record": {"customer_name": "佛山市顺德区联安贸易有限公司", "tax_id": TAX_ID},
        "completeness": {"complete": True, "missing": []},
        "findings": findings,
        "rejected_files": [{"file": "坏文件.pdf", "reason": "坏文件.pdf：PDF 文件不完整（被截断）"}],
    }  # fmt: skip


def test_no_findings_says_the_checks_found_nothing() -> None:
    text = summary(_dossier(findings=[]))
    assert "检查结果：无问题" in text
    assert "需要审核人核对的字段：无" in text
    assert "状态：待审核" in text and "资料齐全：是" in text
    assert "文字识别" in text and "文本层" in text  # each page's source, by the vocabulary
    assert "坏文件.pdf：PDF 文件不完整" in text
    assert not CODES.search(text), CODES.search(text)


def test_findings_are_named_in_chinese_with_their_severity_and_message() -> None:
    findings = [
        {"rule": "address_mismatch", "severity": "warning", "evidence": [],
         "message": "申请表的税务地址与营业执照的住所不一致"},
        {"rule": "name_mismatch", "severity": "blocker", "message": "申请表的客户名称与营业执照不一致",
         "evidence": [{"file": "营业执照.jpg", "page": 1, "field": "customer_name", "value": "…"}]},
    ]  # fmt: skip
    text = summary(_dossier(findings=findings))
    assert "检查结果：2 项（阻断 1 项，提示 1 项）" in text
    lines = text.splitlines()
    blocker = lines.index(f"  [阻断] {rule_name('name_mismatch')}：申请表的客户名称与营业执照不一致")
    warning = lines.index(f"  [提示] {rule_name('address_mismatch')}：申请表的税务地址与营业执照的住所不一致")
    assert blocker < warning  # what stops archiving comes first
    # the field a finding points at is one a reviewer must look at, with the finding as the reason
    assert f"营业执照.jpg 第 1 页  {field_name('customer_name')}" in text
    assert f"检查未通过：{rule_name('name_mismatch')}" in text
    assert not CODES.search(text), CODES.search(text)


def test_a_low_confidence_field_is_listed_for_the_reviewer() -> None:
    text = summary(_dossier(findings=[], tax_confidence=LOW_CONFIDENCE_BELOW / 2))
    doubtful = [line for line in text.splitlines() if "识别置信度低" in line]
    assert len(doubtful) == 1 and field_name("tax_id") in doubtful[0] and TAX_ID in doubtful[0]
    assert "需要审核人核对的字段（1 个）" in text


def test_codes_the_vocabulary_does_not_know_are_not_shown_in_english() -> None:
    findings = [{"rule": "some_new_rule", "severity": "warning", "message": "新的检查说明", "evidence": []}]
    out = _dossier(findings=findings)
    out["dossier"]["status"] = None
    out["pages"][0]["source"] = None
    text = summary(out)
    assert "some_new_rule" not in text and "[提示] 其他检查：新的检查说明" in text
    assert "未读取" in text
