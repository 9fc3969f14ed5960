"""The Gradio application: one Blocks app whose pages only call the core and format its results."""

from __future__ import annotations

from typing import Any

import gradio as gr

from ui.citizen_page import build_citizen_page
from ui.evaluator_page import build_evaluator_page
from ui.member_page import build_member_page
from ui.search_page import build_search_page
from ui.session import build_login
from ui.staff_page import build_staff_page

APP_TITLE = "百姓提案培育助手"
CSS = """
.gradio-container {max-width: 1200px !important; margin: auto;}
@media (max-width: 640px) { .gradio-container {padding: 4px !important;} }
"""


def build_app(container: Any) -> gr.Blocks:
    """The whole app for one composition root; every page gets the per-session log-in state."""
    with gr.Blocks(title=APP_TITLE, analytics_enabled=False) as app:
        gr.Markdown(f"# {APP_TITLE}\n广州市政协“百姓提案”：把您的金点子培育成高质量的提案。")
        session = build_login(container)
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
    return app


def launch(container: Any, host: str | None = None, port: int | None = None, block: bool = True) -> gr.Blocks:
    """Serve the app on ``host:port`` (defaults from settings)."""
    settings = container.settings
    app = build_app(container)
    app.queue(default_concurrency_limit=8)
    app.launch(
        server_name=host or settings.ui.host,
        server_port=port or settings.ui.port,
        share=False,
        inbrowser=False,
        prevent_thread_lock=not block,
        show_error=False,
        max_file_size=f"{settings.ui.max_upload_mb}mb",
        footer_links=[],
        quiet=False,
        css=CSS,
    )
    return app
