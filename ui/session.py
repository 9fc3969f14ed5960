"""Per-browser-session log-in and the one error policy of every handler (Chinese message, no traceback)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import gradio as gr

from assistant.accounts import UserSession
from assistant.accounts import require_role as _require_role
from assistant.errors import BaixingError
from assistant.storage.enums import Role

F = TypeVar("F", bound=Callable[..., Any])
INTERNAL_ERROR = "处理时出现内部错误，请稍后再试；您输入的内容仍保留在页面上。"
ERROR_TITLE = "提示"


def require_role(session: UserSession | None, *roles: Role | str) -> UserSession:
    """Server-side role check for a handler; raises a Chinese error the handler wrapper shows."""
    return _require_role(session, *roles)


def guarded(container: Any, where: str) -> Callable[[F], F]:
    """Wrap a handler: known errors become a readable gr.Error, others are logged and reported generically.

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

    def decorate(handler: F) -> F:
        if inspect.isgeneratorfunction(handler):  # streaming handlers: errors surface while iterating

            @functools.wraps(handler)
            def streaming(*args: Any, **kwargs: Any) -> Iterator[Any]:
                try:
                    yield from handler(*args, **kwargs)
                except Exception as exc:
                    raise translate(exc) from None

            return streaming  # type: ignore[return-value]

        @functools.wraps(handler)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return handler(*args, **kwargs)
            except Exception as exc:
                raise translate(exc) from None

        return wrapper  # type: ignore[return-value]

    return decorate


def session_banner(session: UserSession | None) -> str:
    """The log-in line shown at the top of the app."""
    if session is None:
        return "未登录（市民无需登录；委员、工作人员、评估人员请登录）"
    return f"已登录：{session.display_name}（{session.role_zh}，用户名 {session.username}）"


def build_login(container: Any) -> gr.State:
    """The log-in box; returns the per-session state holding a UserSession or None."""
    session = gr.State(None)
    with gr.Accordion("委员 / 工作人员 / 评估人员登录", open=False, elem_id="login-box"):
        banner = gr.Markdown(session_banner(None), elem_id="login-banner")
        with gr.Row():
            username = gr.Textbox(label="用户名", elem_id="login-username", scale=2)
            password = gr.Textbox(label="密码", type="password", elem_id="login-password", scale=2)
            login = gr.Button("登录", variant="primary", elem_id="login-button", scale=1)
            logout = gr.Button("退出登录", elem_id="logout-button", scale=1)

    @guarded(container, "login")
    def do_login(name: str, secret: str) -> tuple[UserSession, str, str]:
        user = container.accounts.login(name, secret)
        return user, session_banner(user), ""

    def do_logout() -> tuple[None, str]:
        return None, session_banner(None)

    login.click(do_login, inputs=[username, password], outputs=[session, banner, password])
    password.submit(do_login, inputs=[username, password], outputs=[session, banner, password])
    logout.click(do_logout, outputs=[session, banner])
    return session
