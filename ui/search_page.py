"""The first page: type an idea, see similar past items (with replies) and policy articles."""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.errors import BaixingError
from ui.formatting import hits_markdown

ANY_YEAR = "不限"
YEAR_CHOICES = [ANY_YEAR, *[str(year) for year in range(2026, 2009, -1)]]


def build_search_page(container: Any) -> None:
    """Add the search components to the current Blocks context."""
    service = container.search_service
    gr.Markdown("输入您的想法或问题，查看相似的往期留言（含政府答复）、往期提案和相关政策条文。")
    with gr.Row():
        idea = gr.Textbox(
            label="您的想法",
            placeholder="例如：老旧小区没有电梯，老人上下楼太难了，能不能统一加装电梯？",
            lines=4,
            max_lines=12,
            elem_id="search-text",
        )
    with gr.Row():
        year_from = gr.Dropdown(YEAR_CHOICES, value=ANY_YEAR, label="往期留言起始年份", elem_id="search-year-from")
        year_to = gr.Dropdown(YEAR_CHOICES, value=ANY_YEAR, label="往期留言截止年份", elem_id="search-year-to")
        button = gr.Button("查找相似内容", variant="primary", elem_id="search-button")
    status = gr.Markdown(elem_id="search-status")
    with gr.Row():
        with gr.Column():
            gr.Markdown("### 相似的往期留言与提案")
            items_md = gr.Markdown(elem_id="search-items")
        with gr.Column():
            gr.Markdown("### 相关政策条文")
            policies_md = gr.Markdown(elem_id="search-policies")

    def run(text: str, y_from: str, y_to: str) -> tuple[str, str, str]:
        try:
            result = service.similar_for_idea(
                text,
                year_from=int(y_from) if y_from and y_from != ANY_YEAR else None,
                year_to=int(y_to) if y_to and y_to != ANY_YEAR else None,
            )
        except BaixingError as exc:
            return f"{exc.user_message}", "", ""
        except Exception:  # never show a traceback to a citizen
            container.log_exception("search page")
            return "检索时出现内部错误，请稍后再试；您输入的内容仍保留在输入框中。", "", ""
        return (
            f"找到 {len(result.items)} 条相似留言/提案、{len(result.policies)} 条相关条文。",
            hits_markdown(result.items, "没有找到相似的往期留言或提案。"),
            hits_markdown(result.policies, "没有找到相关的政策条文。"),
        )

    button.click(run, inputs=[idea, year_from, year_to], outputs=[status, items_md, policies_md])
    idea.submit(run, inputs=[idea, year_from, year_to], outputs=[status, items_md, policies_md])
