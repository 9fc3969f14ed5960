"""Health checks shared by ``baixing doctor`` and the ``/healthz`` route: the database (reachable, migrated,
writable), the search index against its manifest and the document store, the vector store against the
manifest, and the model endpoint (reachable within a short time-out, circuit breaker state).

Each check is a small function returning a :class:`Check`; :class:`HealthReport` is ok when no check failed.
Warnings (e.g. the vector store still being built) do not make the report fail.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, Field

Severity = Literal["ok", "warning", "error"]
LLM_PROBE_TIMEOUT_S = 3.0


class Check(BaseModel):
    """One checked part."""

    name: str
    status: Severity
    detail: str
    data: dict[str, Any] = Field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """False only for an error."""
        return self.status != "error"


class HealthReport(BaseModel):
    """All checks; ``ok`` when none is an error."""

    ok: bool
    checks: list[Check]

    def text_zh(self) -> str:
        """Lines for the command line."""
        mark = {"ok": "✔", "warning": "！", "error": "✘"}
        lines = [f"{mark[c.status]} {c.name}：{c.detail}" for c in self.checks]
        lines.append("结论：" + ("一切正常。" if self.ok else "有问题需要处理（见上面标 ✘ 的项目）。"))
        return "\n".join(lines)


def run_check(name: str, probe: Callable[[], tuple[Severity, str, dict[str, Any]]]) -> Check:
    """Run one probe; an exception becomes an error check (never raised)."""
    start = time.perf_counter()
    try:
        status, detail, data = probe()
    except Exception as exc:  # a health check reports, it never crashes the caller
        status, detail, data = "error", f"检查时出错：{type(exc).__name__}: {str(exc)[:300]}", {}
    return Check(name=name, status=status, detail=detail, data=data, seconds=round(time.perf_counter() - start, 3))


def report(checks: list[Check]) -> HealthReport:
    """The report of ``checks``."""
    return HealthReport(ok=all(c.ok for c in checks), checks=checks)


def index_probe(manifest_documents: int | None, stored_documents: int, vectors: int | None, ready: bool,
                dense_needed: bool) -> list[tuple[str, Severity, str, dict[str, Any]]]:
    """(name, status, detail, data) of the search index and the vector store, from their counts.

    ``manifest_documents``: documents the committed index holds (None: no index); ``stored_documents``: rows in
    the document store; ``vectors``: vectors in the store (None: unreachable); ``dense_needed``: whether the
    retrieval mode uses vectors.
    """
    data = {"manifest": manifest_documents, "documents": stored_documents, "vectors": vectors}
    out: list[tuple[str, Severity, str, dict[str, Any]]] = []
    if manifest_documents is None or not ready:
        out.append(("检索索引", "error", "没有可用的检索索引：请运行 `baixing index`。", data))
    elif manifest_documents != stored_documents:
        detail = f"索引含 {manifest_documents} 篇，数据库中有 {stored_documents} 篇：请运行 `baixing index` 同步。"
        out.append(("检索索引", "warning", detail, data))
    else:
        out.append(("检索索引", "ok", f"{manifest_documents} 篇文档，与数据库一致。", data))
    if not dense_needed:
        out.append(("向量库", "ok", "当前检索方式不使用向量。", data))
    elif vectors is None:
        out.append(("向量库", "error", "向量库无法访问（Chroma 服务未启动或目录损坏）。", data))
    elif manifest_documents is not None and vectors != manifest_documents:
        what = "为空" if vectors == 0 else f"只有 {vectors} 条向量"
        out.append(("向量库", "error",
                    f"向量库{what}，索引清单记录 {manifest_documents} 篇：语义检索会悄悄退化为关键词检索。"
                    "请运行 `baixing index` 修复。", data))
    else:
        out.append(("向量库", "ok", f"{vectors} 条向量，与索引一致。", data))
    return out


def llm_probe(mode: str, base_url: str | None, api_key: str | None, breaker_open: bool | None,
              timeout_s: float = LLM_PROBE_TIMEOUT_S) -> tuple[Severity, str, dict[str, Any]]:
    """Whether the model endpoint answers ``GET /models`` within ``timeout_s`` (offline and fake modes: ok)."""
    data: dict[str, Any] = {"mode": mode, "breaker_open": breaker_open}
    if mode != "openai":
        return "ok", f"{'离线规则' if mode == 'offline' else '测试用模拟模型'}（不调用大模型服务）。", data
    if not base_url:
        return "error", "已选择在线大模型，但没有配置 llm.base_url。", data
    import httpx

    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    start = time.perf_counter()
    try:
        response = httpx.get(base_url.rstrip("/") + "/models", headers=headers, timeout=timeout_s)
    except httpx.TimeoutException:
        return "error", f"大模型服务 {timeout_s:.0f} 秒内没有响应：用户会收到离线规则生成的结果。", data
    except httpx.HTTPError as exc:
        return "error", f"无法连接大模型服务（{type(exc).__name__}）：用户会收到离线规则生成的结果。", data
    data["latency_ms"] = int((time.perf_counter() - start) * 1000)
    data["http_status"] = response.status_code
    if response.status_code >= 500 or response.status_code in (401, 403):
        return "error", f"大模型服务返回 HTTP {response.status_code}。", data
    if breaker_open:
        return "warning", "大模型服务可以连接，但熔断器处于打开状态（最近调用失败），稍后会自动重试。", data
    return "ok", f"大模型服务可用（{data['latency_ms']} 毫秒）。", data
