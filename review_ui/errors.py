"""One Chinese error page for the blueprints' refusals: the code, what was wrong, and where to go back to."""

from __future__ import annotations

from collections.abc import Sequence

from flask import render_template, url_for
from werkzeug.exceptions import HTTPException

ERROR_TEXT = {  # the Chinese reason when a refusal carries only Werkzeug's English description
    400: "请求的参数不对",
    401: "请先登录",
    403: "您的角色无权进行此操作",
    404: "找不到该页面或记录",
    405: "不支持此请求方式",
    409: "当前状态下不能进行此操作",
    413: "上传的内容过大",
    415: "请求内容的格式不对",
    500: "服务器内部错误，请稍后再试",
}


def chinese_reason(exc: HTTPException) -> str:
    """The refusal's own description when it is Chinese (ours are), else the Chinese text for its code."""
    text = exc.description or ""
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return text
    if type(exc).__name__ == "CSRFError":
        return "安全令牌（CSRF）缺失或已失效，请刷新页面后重试"
    return ERROR_TEXT.get(exc.code or 500, "请求无法处理")


def error_page(
    exc: HTTPException, back: Sequence[tuple[str, str]], message: str | None = None
) -> tuple[str, int]:
    """`back`: (endpoint, label) pairs offered as links; `message` replaces the exception's description."""
    links = [(url_for(endpoint), label) for endpoint, label in back]
    code = exc.code or 500
    text = message if message is not None else exc.description
    return render_template("error.html", code=code, message=text, back=links), code
