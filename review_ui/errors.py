"""One Chinese answer for every refusal: a page in the site's layout (navigation, the code, what was wrong,
where to go back to), or for /api/ paths a JSON object {"error", "detail"} with the Chinese reason.

`install(app)` catches every HTTPException at the application level, so the refusals raised before any view
runs (no matching URL → 404, wrong method → 405, CSRF failure, a body over MAX_CONTENT_LENGTH → 413) and an
unhandled exception (→ 500) never show Werkzeug's English page. Blueprints keep their own handlers for their
back links; they pass through `error_page`, which translates a description that is not Chinese.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from flask import Flask, jsonify, render_template, request, url_for
from markupsafe import escape
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from intake.lifecycle.metrics import failure_reason

ERROR_TEXT = {  # the Chinese reason when a refusal carries only Werkzeug's English description
    400: "请求的参数不对",
    402: "请求无法处理",
    406: "无法按请求的格式回答",
    408: "请求超时，请重试",
    410: "该页面或记录已不存在",
    411: "请求缺少内容长度",
    412: "请求的前提条件不满足",
    414: "网址过长",
    416: "请求的范围无效",
    417: "请求的预期无法满足",
    418: "请求无法处理",
    421: "请求发错了服务器",
    422: "请求的内容无法处理",
    423: "该资源已被锁定",
    424: "依赖的操作失败",
    428: "请求缺少前提条件",
    429: "请求过于频繁，请稍后再试",
    431: "请求头过大",
    451: "因法律原因无法显示",
    501: "服务器不支持此操作",
    502: "上游服务器出错，请稍后再试",
    503: "服务暂时不可用，请稍后再试",
    504: "上游服务器超时，请稍后再试",
    505: "不支持此 HTTP 版本",
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


PAGE_FAILURES = {  # intake.lifecycle.metrics.failure_reason → what a clerk reads about a page not read
    "worker_stopped": "多次尝试后放弃：读取进程中途停止（可能超时或内存不足），请重新上传或联系管理员",
}
PAGE_FAILED = "本页无法读取：读取程序出错（详情见服务器日志），请检查扫描件后重新上传"


def page_error_text(error: str | None) -> str:
    """A page's stored error (kept technical for metrics and logs: "ValueError: …", "gave up after …") in
    Chinese; an error that is already Chinese is shown as it is."""
    if not error:
        return ""
    if any("\u4e00" <= ch <= "\u9fff" for ch in error):
        return error
    return PAGE_FAILURES.get(failure_reason(error), PAGE_FAILED)


def error_page(
    exc: HTTPException, back: Sequence[tuple[str, str]], message: str | None = None
) -> tuple[str, int]:
    """`back`: (endpoint, label) pairs offered as links; `message` replaces the exception's description."""
    links = [(url_for(endpoint), label) for endpoint, label in back]
    code = exc.code or 500
    text = message if message is not None else chinese_reason(exc)
    try:
        return render_template("error.html", code=code, message=text, back=links), code
    except Exception:  # an error page must not fail in English
        logging.getLogger(__name__).exception("the error page itself failed")
        return FALLBACK_PAGE.format(code=code, message=escape(text)), code


FALLBACK_PAGE = (  # when even the layout cannot be drawn (the database is down and it asks who is signed in)
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>无法显示</title></head>'
    '<body><h1>无法显示 <small>{code}</small></h1><p id="error-message">{message}</p>'
    '<p><a href="/">返回首页</a></p></body></html>'
)


def _app_error(exc: HTTPException) -> tuple[str | Response, int]:
    """The app-wide answer: JSON under /api/, else the error page with a link home."""
    if request.path.startswith("/api/"):
        text = chinese_reason(exc)
        return jsonify(error=text, detail=text), exc.code or 500
    return error_page(exc, [("ui.home", "返回首页")])


def install(app: Flask) -> None:
    """Route every HTTPException the blueprints do not handle themselves (routing ones included) here."""
    app.register_error_handler(HTTPException, _app_error)
