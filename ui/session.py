"""Log-in for the pages: a server-side session whose random token lives only in an HttpOnly, SameSite=Strict
cookie, and the one error policy of every handler (Chinese message, no traceback).

How it fits together:

* The log-in box posts the username and password from the browser to ``POST /ui/session/login`` (a plain
  FastAPI route, :func:`session_routes`), which checks them (throttled, audited, rate-limited per address),
  issues a session (:class:`assistant.security.sessions.SessionManager`) and sets the ``bx_session`` cookie.
  The password never passes through Gradio's queue and the token is never readable by page scripts.
* The per-tab ``gr.State`` holds only a :class:`LoginSlot` — a counter without any authority, so replaying a
  Gradio session hash gains nothing. :func:`guarded` gives every handler the ``gr.Request``; wherever a handler
  receives the slot, it receives instead the user the request's cookie resolves to *now* (None when the token
  is unknown, revoked, idle or past its lifetime, or the account was disabled or its password changed).
* ``POST /ui/session/logout`` revokes the session and deletes the cookie.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

import gradio as gr
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from assistant.accounts import UserSession
from assistant.accounts import require_role as _require_role
from assistant.errors import BaixingError
from assistant.security.limits import Action
from assistant.security.net import client_address, forwarded_https
from assistant.storage.enums import Role

F = TypeVar("F", bound=Callable[..., Any])
INTERNAL_ERROR = "处理时出现内部错误，请稍后再试；您输入的内容仍保留在页面上。"
ERROR_TITLE = "提示"
SESSION_COOKIE = "bx_session"
CLIENT_COOKIE = "bx_client"
LOGIN_PATH = "/ui/session/login"
LOGOUT_PATH = "/ui/session/logout"
_REQUEST: ContextVar[Any] = ContextVar("baixing_ui_request", default=None)

LOGIN_JS = """
async (username, password, slot) => {
  let message = "";
  try {
    const r = await fetch(new URL("ui/session/login", document.baseURI), {
      method: "POST", credentials: "same-origin", headers: {"Content-Type": "application/json"},
      body: JSON.stringify({username: username || "", password: password || ""})});
    const d = await r.json().catch(() => ({}));
    message = r.ok ? "" : (d.message || "登录失败，请稍后再试。");
  } catch (e) { message = "无法连接服务器，请检查网络后再试。"; }
  return [username, message, slot];
}
"""
LOGOUT_JS = """
async (slot) => {
  try { await fetch(new URL("ui/session/logout", document.baseURI), {method: "POST", credentials: "same-origin",
                    headers: {"Content-Type": "application/json"}, body: "{}"}); } catch (e) {}
  return [slot];
}
"""

LOGOUT_KEY = "bx-logout"
CLEAR_PAGES_JS = f"""
() => {{
  try {{ localStorage.setItem("{LOGOUT_KEY}", String(Date.now())); }} catch (e) {{}}
  window.location.reload();
}}
"""
"""After 退出登录: reload the page, so nothing a logged-in user opened (queue, item detail with contact details,
a member's draft, evaluation results) stays on screen; other tabs of the app hear it and reload too."""
LOGOUT_LISTEN_JS = f"""
() => {{
  window.addEventListener("storage", (e) => {{ if (e.key === "{LOGOUT_KEY}") window.location.reload(); }});
}}
"""
"""On page load: reload this tab when the user logs out in another tab of the same browser."""


@dataclass(frozen=True)
class LoginSlot:
    """What a tab's ``gr.State`` holds for the log-in: no authority, only a counter that changes on every
    log-in and log-out (pages listen to it). Handlers receive the cookie's user in its place."""

    generation: int = 0

    def next(self) -> LoginSlot:
        """The slot after a log-in or log-out."""
        return LoginSlot(self.generation + 1)


def require_role(session: UserSession | None, *roles: Role | str) -> UserSession:
    """Server-side role check for a handler; raises a Chinese error the handler wrapper shows."""
    return _require_role(session, *roles)


# the current request ---------------------------------------------------------------------------------
def current_request() -> Any:
    """The ``gr.Request`` of the handler running in this thread (None outside a guarded handler)."""
    return _REQUEST.get()


def request_address(container: Any, request: Any = None) -> str:
    """The client's address (X-Forwarded-For only from a configured reverse proxy)."""
    request = request if request is not None else current_request()
    if request is None:
        return "unknown"
    client = getattr(request, "client", None)
    peer = getattr(client, "host", None) if client is not None else None
    headers = getattr(request, "headers", None) or {}
    return client_address(peer, headers.get("x-forwarded-for"), container.settings.security.trusted_proxies)


def _cookies(request: Any) -> dict[str, str]:
    try:
        return dict(getattr(request, "cookies", None) or {})
    except Exception:  # a request rebuilt by the queue may lack cookies
        return {}


def current_user(container: Any, request: Any = None) -> UserSession | None:
    """The user the request's session cookie resolves to now (None: not logged in, or the session ended)."""
    request = request if request is not None else current_request()
    if request is None:
        return None
    return container.sessions.resolve(_cookies(request).get(SESSION_COOKIE))  # type: ignore[no-any-return]


def owner_key(container: Any, request: Any = None) -> str | None:
    """Who a download belongs to: the logged-in user, else the browser's anonymous ``bx_client`` cookie."""
    request = request if request is not None else current_request()
    if request is None:
        return None
    user = current_user(container, request)
    if user is not None and user.user_id is not None:
        return f"user:{user.user_id}"
    client = _cookies(request).get(CLIENT_COOKIE)
    return f"client:{client}" if client else None


def limit(container: Any, action: Action) -> None:
    """Count one ``action`` from this request's address (RateLimited with a Chinese message when over). Outside a
    web request (a handler called directly) there is no address to count, so nothing is counted."""
    request = current_request()
    if request is None:
        return
    container.rate_limits.check(action, request_address(container, request))


def max_upload_bytes(container: Any) -> int:
    """The largest accepted upload (``ui.max_upload_mb``; 20 MiB when the root has no settings)."""
    settings = getattr(container, "settings", None)
    return int(settings.ui.max_upload_mb if settings is not None else 20) * 1024 * 1024


# the handler wrapper ---------------------------------------------------------------------------------
def _with_request(handler: Callable[..., Any]) -> tuple[inspect.Signature, int | None]:
    """The signature Gradio should see (the handler's plus a ``request: gr.Request`` parameter), and the
    position of that parameter (None when the handler takes the request itself)."""
    signature = inspect.signature(handler)
    params = list(signature.parameters.values())
    if any(p.annotation in (gr.Request, "gr.Request") for p in params):
        return signature, None
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(positional) != len(params):  # *args / **kwargs: Gradio only injects into named positional parameters
        index = len(positional)
        extra = inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None,
                                  annotation=gr.Request)
        rest = params[len(positional):]
        return signature.replace(parameters=[*positional, extra, *rest]), index
    extra = inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None,
                              annotation=gr.Request)
    return signature.replace(parameters=[*params, extra]), len(params)


def _take_request(args: tuple[Any, ...], kwargs: dict[str, Any], index: int | None) -> tuple[Any, tuple[Any, ...]]:
    if index is None:  # the handler takes the request itself: leave it in place, but know it
        found = next((a for a in (*args, *kwargs.values()) if isinstance(a, gr.Request)), None)
        return found, args
    if "request" in kwargs:
        return kwargs.pop("request"), args
    if len(args) > index:
        return args[index], args[:index] + args[index + 1:]
    return None, args


def guarded(container: Any, where: str) -> Callable[[F], F]:
    """Wrap a handler: it gets the request (and, in place of any :class:`LoginSlot`, the cookie's user);
    known errors become a readable gr.Error, others are logged and reported generically.

    Raising gr.Error leaves every input component as it was, so nothing the user typed is lost. Generator
    (streaming) handlers stay generators, so Gradio still streams them.
    """

    def translate(exc: Exception) -> gr.Error:
        if isinstance(exc, gr.Error):
            return exc
        if isinstance(exc, BaixingError):
            return gr.Error(exc.user_message, title=ERROR_TITLE, print_exception=False)
        container.log_exception(where)
        return gr.Error(INTERNAL_ERROR, title=ERROR_TITLE, print_exception=False)

    def resolve(request: Any, args: tuple[Any, ...]) -> tuple[Any, ...]:
        if not any(isinstance(a, LoginSlot) for a in args):
            return args
        user = current_user(container, request)
        return tuple(user if isinstance(a, LoginSlot) else a for a in args)

    @contextlib.contextmanager
    def bound(request: Any) -> Iterator[None]:
        token = _REQUEST.set(request if request is not None else _REQUEST.get())
        try:
            yield
        finally:
            _REQUEST.reset(token)

    def decorate(handler: F) -> F:
        signature, index = _with_request(handler)
        annotations = {**getattr(handler, "__annotations__", {})}
        if index is not None:
            annotations["request"] = gr.Request

        if inspect.isgeneratorfunction(handler):  # streaming handlers: errors surface while iterating

            @functools.wraps(handler)
            def streaming(*args: Any, **kwargs: Any) -> Iterator[Any]:
                request, rest = _take_request(args, kwargs, index)
                with bound(request):
                    try:
                        steps = handler(*resolve(request, rest), **kwargs)
                    except Exception as exc:
                        raise translate(exc) from None
                while True:
                    with bound(request):  # each step may run in another worker thread: bind again
                        try:
                            item = next(steps)
                        except StopIteration:
                            return
                        except Exception as exc:
                            raise translate(exc) from None
                    yield item

            streaming.__signature__ = signature  # type: ignore[attr-defined]
            streaming.__annotations__ = annotations
            return streaming  # type: ignore[return-value]

        @functools.wraps(handler)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            request, rest = _take_request(args, kwargs, index)
            with bound(request):
                try:
                    return handler(*resolve(request, rest), **kwargs)
                except Exception as exc:
                    raise translate(exc) from None

        wrapper.__signature__ = signature  # type: ignore[attr-defined]
        wrapper.__annotations__ = annotations
        return wrapper  # type: ignore[return-value]

    return decorate


# the log-in box --------------------------------------------------------------------------------------
def session_banner(session: UserSession | None) -> str:
    """The log-in line shown at the top of the app."""
    if session is None:
        return "未登录（市民无需登录；委员、工作人员、评估人员请登录）"
    return f"已登录：{session.display_name}（{session.role_zh}，用户名 {session.username}）"


def _slot(value: Any) -> LoginSlot:
    return value if isinstance(value, LoginSlot) else LoginSlot()


@dataclass
class LoginBox:
    """The log-in components: the per-tab slot pages pass to their handlers, and the banner."""

    state: gr.State
    banner: gr.Markdown
    refresh: Callable[..., tuple[LoginSlot, str]]
    """Handler for the app's ``load`` event: the banner of the cookie's user (a reloaded page stays logged in)."""


def build_login(container: Any) -> LoginBox:
    """The log-in box; its ``state`` is what the pages pass as their session input."""
    session = gr.State(LoginSlot())
    with gr.Accordion("委员 / 工作人员 / 评估人员登录", open=False, elem_id="login-box"):
        banner = gr.Markdown(session_banner(None), elem_id="login-banner")
        with gr.Row():
            username = gr.Textbox(label="用户名", elem_id="login-username", scale=2)
            password = gr.Textbox(label="密码", type="password", elem_id="login-password", scale=2)
            login = gr.Button("登录", variant="primary", elem_id="login-button", scale=1)
            logout = gr.Button("退出登录", elem_id="logout-button", scale=1)

    # Not ``guarded``: these two keep the raw slot (to count it on) and report errors themselves.
    def do_login(name: str, message: str, slot: Any, request: gr.Request) -> tuple[LoginSlot, str, str]:
        # The browser posted the credentials to /ui/session/login (see LOGIN_JS); ``message`` is its refusal.
        try:
            user = current_user(container, request)
        except Exception:
            container.log_exception("login")
            raise gr.Error(INTERNAL_ERROR, title=ERROR_TITLE, print_exception=False) from None
        if user is None:
            raise gr.Error(message or "登录未成功，请重试。", title=ERROR_TITLE, print_exception=False)
        return _slot(slot).next(), session_banner(user), ""

    def do_logout(slot: Any, request: gr.Request) -> tuple[LoginSlot, str]:
        try:
            user = current_user(container, request)
        except Exception:
            container.log_exception("logout")
            user = None
        return _slot(slot).next(), session_banner(user)

    def refresh(request: gr.Request) -> tuple[LoginSlot, str]:
        user = current_user(container, request)
        return LoginSlot(1 if user is not None else 0), session_banner(user)

    for trigger in (login.click, password.submit):
        trigger(do_login, inputs=[username, password, session], outputs=[session, banner, password], js=LOGIN_JS)
    logout.click(do_logout, inputs=[session], outputs=[session, banner], js=LOGOUT_JS).then(
        None, js=CLEAR_PAGES_JS)
    return LoginBox(state=session, banner=banner, refresh=refresh)


# the cookie routes -----------------------------------------------------------------------------------
def _same_origin(request: Request) -> bool:
    """A state-changing cookie route accepts only requests from the app's own pages (CSRF guard next to
    SameSite=Strict): the Origin (or Referer) must name this host."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return True  # non-browser clients send neither; browsers always send Origin on a fetch POST
    host = request.headers.get("x-forwarded-host") or request.headers.get("host") or ""
    return urlsplit(origin).netloc == host.split(",")[0].strip()


def _secure(container: Any, request: Request) -> bool:
    mode = container.settings.security.cookie_secure
    if mode != "auto":
        return bool(mode == "always")
    peer = request.client.host if request.client else None
    return request.url.scheme == "https" or forwarded_https(
        peer, request.headers.get("x-forwarded-proto"), container.settings.security.trusted_proxies
    )


def session_routes(container: Any) -> APIRouter:
    """``POST /ui/session/login`` and ``POST /ui/session/logout`` (JSON bodies; the token only in the cookie)."""
    router = APIRouter(include_in_schema=False)

    @router.post(LOGIN_PATH)
    async def login(request: Request) -> JSONResponse:
        if not _same_origin(request):
            return JSONResponse({"ok": False, "message": "请求来源不正确。"}, status_code=403)
        try:
            body = await request.json()
        except Exception:
            body = None
        if not isinstance(body, dict):
            return JSONResponse({"ok": False, "message": "请输入用户名和密码。"}, status_code=400)
        username, password = str(body.get("username") or "")[:128], str(body.get("password") or "")[:2048]
        peer = request.client.host if request.client else None
        address = client_address(peer, request.headers.get("x-forwarded-for"),
                                 container.settings.security.trusted_proxies)
        from starlette.concurrency import run_in_threadpool

        try:
            user = await run_in_threadpool(container.accounts.login, username, password, address)
            token = await run_in_threadpool(container.sessions.issue, user, address)
        except BaixingError as exc:
            status = 429 if exc.__class__.__name__ in ("RateLimited", "LoginLocked") else 400
            return JSONResponse({"ok": False, "message": exc.user_message}, status_code=status)
        response = JSONResponse({"ok": True, "message": session_banner(user)})
        response.set_cookie(SESSION_COOKIE, token, max_age=container.settings.security.session_absolute_hours * 3600,
                            path="/", httponly=True, samesite="strict", secure=_secure(container, request))
        return response

    @router.post(LOGOUT_PATH)
    async def logout(request: Request) -> JSONResponse:
        if not _same_origin(request):
            return JSONResponse({"ok": False, "message": "请求来源不正确。"}, status_code=403)
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            from starlette.concurrency import run_in_threadpool

            await run_in_threadpool(container.sessions.revoke, token, "logout")
        response = JSONResponse({"ok": True, "message": session_banner(None)})
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
        return response

    return router
