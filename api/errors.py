"""One error policy for the JSON API: every failure is ``{"error": {"code", "message"}}`` with a Chinese message
and the right status code; never a traceback, never personal data."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.errors import BaixingError, ConfigError, InputError, NotFoundError, PermissionDenied
from assistant.security.errors import RateLimited
from assistant.storage.errors import ConflictError, StorageError, WriteFailedError

log = logging.getLogger("baixing.api")

INTERNAL_ZH = "服务器处理时出现内部错误，已记录日志。若是提交，请稍后用同一个幂等键重试（不会重复登记）。"
_FIELD_ZH = {
    "missing": "缺少该字段",
    "extra_forbidden": "不认识的字段",
    "string_too_long": "太长了",
    "string_too_short": "太短了",
    "string_type": "应为文字",
    "string_pattern_mismatch": "格式不正确",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "literal_error": "取值不在允许的范围内",
    "enum": "取值不在允许的范围内",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "dict_type": "应为 JSON 对象",
    "model_type": "应为 JSON 对象",
    "model_attributes_type": "应为 JSON 对象",
    "list_type": "应为 JSON 数组",
    "too_short": "数量太少",
    "too_long": "数量太多",
    "json_invalid": "不是有效的 JSON",
    "json_type": "不是有效的 JSON",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "greater_than_equal": "数值太小",
    "less_than_equal": "数值太大",
}

_FIELD_RULES = {"idempotency_key": "应为 8–128 个字母、数字或 _ . : -，如 UUID"}
"""What a field with a pattern must look like, named in its error message."""


class ApiError(Exception):
    """An error answer raised by a route (status, machine code, Chinese message, extra headers)."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """The JSON answer of an error."""
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def status_of(exc: BaixingError) -> tuple[int, str, dict[str, str]]:
    """HTTP status, machine code and headers of a core error."""
    if isinstance(exc, RateLimited):
        return 429, "rate_limited", {"Retry-After": str(max(1, int(exc.retry_after)))}
    if isinstance(exc, PermissionDenied):
        return 403, "forbidden", {}
    if isinstance(exc, NotFoundError):
        return 404, "not_found", {}
    if isinstance(exc, ConflictError):
        return 409, "conflict", {}
    if isinstance(exc, WriteFailedError):
        return 503, "storage_unavailable", {"Retry-After": "5"}
    if isinstance(exc, StorageError | ConfigError):
        return 503, "unavailable", {"Retry-After": "30"}
    if isinstance(exc, InputError):
        return 400, "invalid_input", {}
    return 400, "rejected", {}


def _location(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "header", "path")]
    return ".".join(parts) or "请求体"


def validation_message(errors: list[dict[str, Any]]) -> str:
    """A Chinese summary of pydantic's validation errors (at most five)."""
    lines = []
    for err in errors[:5]:
        what = _FIELD_ZH.get(str(err.get("type", "")), "格式不正确")
        limit = (err.get("ctx") or {}).get("max_length")
        if limit is not None and what == "太长了":
            what = f"太长了（最多 {limit} 个字符）"
        field = str((err.get("loc") or ("",))[-1])
        if field in _FIELD_RULES and err.get("type") == "string_pattern_mismatch":
            what = f"格式不正确（{_FIELD_RULES[field]}）"
        lines.append(f"{_location(tuple(err.get('loc', ())))}：{what}")
    more = f"……另有 {len(errors) - 5} 处" if len(errors) > 5 else ""
    return "请求内容不符合接口约定：" + "；".join(lines) + more


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(BaixingError)
    async def _core_error(request: Request, exc: BaixingError) -> JSONResponse:
        status, code, headers = status_of(exc)
        if status >= 500:
            log.warning("%s %s: %s (%s)", request.method, request.url.path, type(exc).__name__, exc.cause)
        return error_response(status, code, exc.user_message, headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, "invalid_request", validation_message(list(exc.errors())))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        messages = {400: "请求内容无法解析：应为 UTF-8 编码的 JSON。", 401: "请先登录。", 403: "没有权限。",
                    404: "没有这个接口地址。", 405: "该接口不支持这种请求方法。", 413: "请求内容太大。",
                    415: "请求内容应为 JSON（Content-Type: application/json）。", 429: "请求过于频繁，请稍后再试。"}
        fallback = "服务暂时不可用，请稍后再试。" if exc.status_code >= 500 else "请求无法处理。"
        message = messages.get(exc.status_code, fallback)  # never the framework's English detail
        return error_response(exc.status_code, "http_error", message, dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error in %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(500, "internal_error", INTERNAL_ZH)
