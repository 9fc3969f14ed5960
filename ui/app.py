"""The Gradio application: one Blocks app whose pages only call the core and format its results."""

from __future__ import annotations

from typing import Any

import gradio as gr

from ui.search_page import build_search_page

APP_TITLE = "百姓提案培育助手"


def build_app(container: Any) -> gr.Blocks:
    """The whole app for one composition root."""
    with gr.Blocks(title=APP_TITLE, analytics_enabled=False) as app:
        gr.Markdown(f"# {APP_TITLE}\n广州市政协“百姓提案”：把您的金点子培育成高质量的提案。")
        with gr.Tab("查找相似", id="search"):
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
    )
    return app
