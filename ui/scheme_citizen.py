"""The citizen's status look-up with the units' replies and next steps, and the satisfaction rating (no log-in:
every call checks the receipt number and the phone again)."""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.scheme.models import RATINGS
from ui.scheme_format import citizen_markdown
from ui.session import guarded, limit


def lookup(container: Any, number: str, phone: str) -> str:
    """The citizen's status as Markdown (raises the service's Chinese errors)."""
    return citizen_markdown(container.scheme.feedback.status(number, phone))


def build_rating(container: Any, receipt_no: gr.Textbox, phone: gr.Textbox, result: gr.Markdown) -> None:
    """The rating form under the status look-up (inside the current Blocks context)."""
    with gr.Row():
        rating = gr.Radio(list(RATINGS), label="对办理结果的评价（承办单位答复后可评价）", elem_id="citizen-rating")
        comment = gr.Textbox(label="意见（选“不满意”时请写明原因）", scale=2, elem_id="citizen-rating-comment")
    rate = gr.Button("提交评价", elem_id="citizen-rate")

    @guarded(container, "citizen rating")
    def on_rate(number: str, tel: str, choice: str | None, text: str) -> str:
        limit(container, "lookup")  # receipt + phone: counted like a look-up, so phones cannot be guessed
        view = container.scheme.feedback.rate(number, tel, choice or "", text or "")
        return citizen_markdown(view) + "\n\n**感谢您的评价，已记录。**"

    rate.click(on_rate, inputs=[receipt_no, phone, rating, comment], outputs=[result])
