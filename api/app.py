"""The FastAPI application of ``/api/v1`` (and ``/healthz``), built from one composition root.

``create_app(container)`` returns the app on its own (tests, an API-only deployment); ``baixing serve`` mounts
the Gradio pages into the same app, so one server and one port serve both. The OpenAPI description is at
``/api/v1/openapi.json`` and a self-contained reference page (no CDN: the app stays offline) at
``/api/v1/docs``.
"""

from __future__ import annotations

import html
import threading
import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import errors
from api.routes_ideas import router as ideas_router
from api.routes_staff import router as staff_router

PREFIX = "/api/v1"
MAX_BODY_BYTES = 256 * 1024
"""Largest JSON body the API reads (a 20,000-character idea is ~60 KB of UTF-8)."""
HEALTH_CACHE_S = 30.0
DESCRIPTION = (
    "百姓提案培育助手的线上渠道接口（官网、公众号、穗协通、穗好办 APP）。市民提交金点子无需登录；"
    "工作人员接口需要 `Authorization: Bearer <令牌>`。"
    "所有错误都是 `{\"error\": {\"code\", \"message\"}}`，message 为中文。"
    "提交请带 `idempotency_key`：网络超时后用同一个键重试，只会登记一次。"
)


class BodyLimit:
    """Refuse request bodies larger than ``max_bytes`` (by Content-Length, and while streaming) on ``prefixes``,
    before any of it is parsed."""

    def __init__(self, app: ASGIApp, max_bytes: int, prefixes: tuple[str, ...]) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.prefixes = prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefixes):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(send)
            return
        seen = 0
        too_big = False

        async def counted() -> Message:
            nonlocal seen, too_big
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    too_big = True
                    return {"type": "http.disconnect"}
            return message

        await self.app(scope, counted, send)

    async def _refuse(self, send: Send) -> None:
        limit = self.max_bytes // 1024
        body = ('{"error": {"code": "too_large", "message": "请求内容太大（上限 ' + str(limit) + ' KB）。"}}').encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


class HealthCache:
    """The last health report, recomputed at most every ``HEALTH_CACHE_S`` seconds (the model probe can take
    seconds against a hanging endpoint; load balancers ask often)."""

    def __init__(self, container: Any) -> None:
        self.container = container
        self._lock = threading.Lock()
        self._at = 0.0
        self._report: Any = None

    def get(self, fresh: bool = False) -> Any:
        with self._lock:
            if fresh or self._report is None or time.monotonic() - self._at > HEALTH_CACHE_S:
                self._report = self.container.health()
                self._at = time.monotonic()
            return self._report


def _docs_page(spec: dict[str, Any]) -> str:
    rows = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            params = "、".join(p["name"] for p in op.get("parameters", []))
            rows.append(
                f"<tr><td><code>{method.upper()}</code></td><td><code>{html.escape(path)}</code></td>"
                f"<td>{html.escape(op.get('summary', ''))}</td><td>{html.escape(params)}</td>"
                f"<td>{html.escape(', '.join(sorted(op.get('responses', {}))))}</td></tr>"
            )
    return (
        "<!doctype html><html lang='zh-CN'><meta charset='utf-8'><title>百姓提案培育助手 API</title>"
        "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
        "td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top}table{border-collapse:collapse}</style>"
        f"<h1>百姓提案培育助手 API {html.escape(spec.get('info', {}).get('version', ''))}</h1>"
        f"<p>{html.escape(DESCRIPTION)}</p><p>完整的 OpenAPI 描述（含请求、响应结构）："
        f"<a href='{PREFIX}/openapi.json'>{PREFIX}/openapi.json</a></p>"
        "<table><tr><th>方法</th><th>地址</th><th>说明</th><th>参数</th><th>状态码</th></tr>"
        + "".join(rows) + "</table></html>"
    )


def create_app(container: Any) -> FastAPI:
    """The API application over ``container`` (a :class:`assistant.container.Container`)."""
    docs = container.settings.api.docs
    app = FastAPI(title="百姓提案培育助手 API", version="v1", description=DESCRIPTION,
                  openapi_url=f"{PREFIX}/openapi.json" if docs else None, docs_url=None, redoc_url=None)
    app.state.container = container
    app.state.health = HealthCache(container)
    errors.install(app)
    if container.settings.api.enabled:
        app.include_router(ideas_router, prefix=PREFIX)
        app.include_router(staff_router, prefix=PREFIX)
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES, prefixes=(PREFIX, "/ui/session"))

    if docs and container.settings.api.enabled:
        @app.get(f"{PREFIX}/docs", include_in_schema=False)
        def api_docs() -> HTMLResponse:
            return HTMLResponse(_docs_page(app.openapi()))

    @app.get("/healthz", tags=["运维"], summary="健康检查：数据库、索引、向量库、大模型服务（200 正常，503 有问题）")
    def healthz(request: Request, fresh: bool = False) -> JSONResponse:
        found = request.app.state.health.get(fresh=fresh)
        return JSONResponse(found.model_dump(mode="json"), status_code=200 if found.ok else 503)

    return app
