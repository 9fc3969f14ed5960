"""The Gradio application: one Blocks app whose pages only call the core and format its results, and how it is
mounted into the FastAPI application that also serves ``/api/v1`` (see ``baixing serve``)."""

from __future__ import annotations

from typing import Any

import gradio as gr
from fastapi import FastAPI

from ui.citizen_page import build_citizen_page
from ui.downloads import ClientCookie, DownloadGuard
from ui.evaluator_page import build_evaluator_page
from ui.member_page import build_member_page
from ui.search_page import build_search_page
from ui.session import LOGOUT_LISTEN_JS, build_login, session_routes
from ui.staff_page import build_staff_page
from ui.theme import CSS, LARGE_RESTORE_JS, LARGE_TOGGLE_JS

APP_TITLE = "百姓提案培育助手"


def build_app(container: Any) -> gr.Blocks:
    """The whole app for one composition root; every page gets the per-tab log-in slot (the user behind it is
    resolved from the session cookie on every request)."""
    with gr.Blocks(title=APP_TITLE, analytics_enabled=False) as app:
        gr.Markdown(f"# {APP_TITLE}\n广州市政协“百姓提案”：把您的金点子培育成高质量的提案。")
        large = gr.Checkbox(label="大字版（字更大、对比更强）", value=False, elem_id="a11y-large", container=False)
        login = build_login(container)
        session = login.state
        with gr.Tabs(elem_id="role-tabs"):
            with gr.Tab("市民：提交金点子", id="citizen", elem_id="tab-citizen"):
                build_citizen_page(container, session)
            with gr.Tab("委员：打磨提案", id="member", elem_id="tab-member"):
                build_member_page(container, session)
            with gr.Tab("工作人员：分办与民意", id="staff", elem_id="tab-staff"):
                build_staff_page(container, session)
            with gr.Tab("评估", id="evaluator", elem_id="tab-evaluator"):
                build_evaluator_page(container, session)
            with gr.Tab("查找相似", id="search", elem_id="tab-search"):
                build_search_page(container)
        app.load(login.refresh, outputs=[login.state, login.banner], show_progress="hidden")
        app.load(None, outputs=[large], js=LARGE_RESTORE_JS, show_progress="hidden")
        app.load(None, js=LOGOUT_LISTEN_JS, show_progress="hidden")
        large.input(None, inputs=[large], js=LARGE_TOGGLE_JS, show_progress="hidden")
    return app


def mount_ui(app: FastAPI, container: Any, blocks: gr.Blocks | None = None) -> FastAPI:
    """Add the pages to ``app`` at ``/``: the cookie log-in routes, the download guard, the anonymous client
    cookie, then the Gradio app (queued). Routes added to ``app`` before this call (``/api/v1``) keep priority."""
    settings = container.settings
    blocks = blocks or build_app(container)
    blocks.queue(default_concurrency_limit=8)
    app.include_router(session_routes(container))
    app.add_middleware(DownloadGuard, container=container)
    app.add_middleware(ClientCookie, secure=settings.security.cookie_secure == "always")
    return gr.mount_gradio_app(
        app, blocks, path="/", show_error=False, max_file_size=f"{settings.ui.max_upload_mb}mb", footer_links=[],
        run_history=False, css=CSS, ssr_mode=False, mcp_server=False,
    )
