"""Downloads only for whoever made them: exports land in Gradio's cache folder (``<data_dir>/tmp/gradio``, 0700,
swept after ``security.temp_max_age_minutes``), are registered to their owner, and :class:`DownloadGuard`
refuses every fetch of a cached file by anybody else.

The owner is the logged-in user (``user:<id>``) or, for citizens who do not log in, the browser's anonymous
``bx_client`` cookie (HttpOnly, SameSite=Strict, set on the first page load by :class:`ClientCookie`). Files in
the cache that were not registered — uploads — are never served back.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ui.session import CLIENT_COOKIE, current_request, owner_key

FILE_PREFIXES = ("/gradio_api/file=", "/file=")
NOT_FOUND = '{"error": {"code": "not_found", "message": "文件不存在或无权下载。"}}'.encode()
"""The same answer for a missing file and somebody else's, so nothing leaks."""


def cache_dir() -> Path:
    """Gradio's folder for uploads and served files (``GRADIO_TEMP_DIR``; ``baixing serve`` points it into the
    data dir)."""
    from gradio.utils import get_upload_folder

    return Path(get_upload_folder()).resolve()


class DownloadGrants:
    """Which cached file may be fetched by whom (process-wide, thread-safe)."""

    def __init__(self) -> None:
        self._owners: dict[str, set[str]] = {}
        self._lock = threading.Lock()

    def grant(self, path: Path, owner: str) -> None:
        """Let ``owner`` fetch ``path`` (forgets grants of files the sweeper has removed)."""
        key = str(path.resolve())
        with self._lock:
            self._owners.setdefault(key, set()).add(owner)
            if len(self._owners) % 200 == 0:
                for stale in [k for k in self._owners if not os.path.exists(k)]:
                    del self._owners[stale]

    def allowed(self, path: Path, owner: str | None) -> bool:
        """Whether ``owner`` may fetch ``path`` (never for an unregistered file or an unknown owner)."""
        with self._lock:
            owners = self._owners.get(str(path.resolve()))
        return bool(owners and owner and owner in owners)

    def clear(self) -> None:
        """Forget every grant (tests)."""
        with self._lock:
            self._owners.clear()


GRANTS = DownloadGrants()


def offer(container: Any, name: str, data: bytes | Path) -> str:
    """Put a file to download into Gradio's cache, registered to the current request's owner; its path (give it
    to a ``gr.File`` / ``gr.DownloadButton``). Without a request (or an owner) nobody may fetch it."""
    from gradio.processing_utils import save_file_to_cache

    folder = Path(tempfile.mkdtemp(prefix="bx-export-", dir=cache_dir()))
    try:
        staged = folder / Path(name).name
        fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, Path):
                with data.open("rb") as source:
                    shutil.copyfileobj(source, handle)
            else:
                handle.write(data)
        cached = Path(save_file_to_cache(staged, str(cache_dir())))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    os.chmod(cached, 0o600)
    owner = owner_key(container, current_request())
    if owner is not None:
        GRANTS.grant(cached, owner)
    return str(cached)


def _requested_path(path: str) -> Path | None:
    for prefix in FILE_PREFIXES:
        if path.startswith(prefix):
            raw = unquote(path[len(prefix):])
            try:
                return Path(raw).resolve()
            except (OSError, ValueError):
                return None
    return None


class DownloadGuard:
    """ASGI middleware: a fetch of a file in Gradio's cache is answered 404 unless it was offered to the asker."""

    def __init__(self, app: ASGIApp, container: Any) -> None:
        self.app = app
        self.container = container

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        marker = next((p for p in FILE_PREFIXES if p in path), None)
        if marker is not None:
            target = _requested_path(path[path.index(marker):])
            root = cache_dir()
            if target is None or target == root or root in target.parents:
                from starlette.concurrency import run_in_threadpool

                owner = await run_in_threadpool(owner_key, self.container, Request(scope))
                if target is None or not GRANTS.allowed(target, owner):
                    await send({"type": "http.response.start", "status": 404,
                                "headers": [(b"content-type", b"application/json"),
                                            (b"cache-control", b"no-store")]})
                    await send({"type": "http.response.body", "body": NOT_FOUND})
                    return
        await self.app(scope, receive, send)


class ClientCookie:
    """ASGI middleware: give a browser without one an anonymous random ``bx_client`` cookie (who owns a citizen's
    downloads), and ask every response not to be cached or framed by other sites."""

    def __init__(self, app: ASGIApp, secure: bool = False) -> None:
        self.app = app
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        has_cookie = CLIENT_COOKIE.encode() + b"=" in dict(scope.get("headers") or []).get(b"cookie", b"")
        secure = self.secure or scope.get("scheme") == "https"

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault("X-Frame-Options", "SAMEORIGIN")
                if not has_cookie:
                    value = secrets.token_urlsafe(24)
                    flags = "; Path=/; HttpOnly; SameSite=Strict" + ("; Secure" if secure else "")
                    headers.append("Set-Cookie", f"{CLIENT_COOKIE}={value}{flags}")
            await send(message)

        await self.app(scope, receive, send_with_cookie)
