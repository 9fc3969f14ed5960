"""The member's part of the scheme: notices, my ideas (collected or cultivated), submit a draft as a 百姓提案,
register a clue collected offline."""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.errors import InputError
from assistant.scheme.models import CONSENT_ZH
from ui.scheme_format import MY_IDEA_HEADERS, member_rows, notices_markdown
from ui.session import guarded

CONSENT_CHOICES = {v: k for k, v in CONSENT_ZH.items()}


def build_member_scheme(container: Any, session: gr.State) -> None:
    """Add the member's scheme components to the current Blocks context."""
    services = container.scheme
    with gr.Accordion("我的金点子与提醒", open=False, elem_id="member-scheme-box"):
        with gr.Row():
            refresh = gr.Button("刷新", elem_id="member-scheme-refresh")
            read = gr.Button("全部标为已读", elem_id="member-scheme-read")
        notices = gr.Markdown(elem_id="member-notices")
        mine = gr.Dataframe(headers=MY_IDEA_HEADERS, value=[], interactive=False, wrap=True,
                            label="我收集或培育的金点子", elem_id="member-my-ideas")
        with gr.Row():
            draft = gr.Number(label="草稿编号", precision=0, elem_id="member-finalise-draft")
            finalise = gr.Button("提交为“百姓提案”", variant="primary", elem_id="member-finalise")
        gr.Markdown("**登记线下收集的金点子**（联络站、委员工作室收集的群众建议，登记后领取受理编号，计入委员收集报送）")
        text = gr.Textbox(label="金点子内容", lines=4, elem_id="member-collect-text")
        with gr.Row():
            title = gr.Textbox(label="标题（选填）", elem_id="member-collect-title")
            name = gr.Textbox(label="群众姓名（选填）", elem_id="member-collect-name")
            phone = gr.Textbox(label="群众电话（选填，用于查询进度）", elem_id="member-collect-phone")
            consent = gr.Dropdown(list(CONSENT_CHOICES), value=CONSENT_ZH["masked"], label="署名方式",
                                  elem_id="member-collect-consent")
        collect = gr.Button("登记", elem_id="member-collect")
        message = gr.Markdown(elem_id="member-scheme-message")

    @guarded(container, "member scheme page")
    def on_member_refresh(user: Any) -> tuple[str, Any]:
        page = services.members.page(user)
        return notices_markdown(page), member_rows(page)

    @guarded(container, "member scheme read")
    def on_member_read(user: Any) -> tuple[str, Any]:
        services.members.mark_read(user)
        return on_member_refresh(user)

    @guarded(container, "member finalise")
    def on_finalise(user: Any, draft_id: float | None) -> tuple[str, str, Any]:
        if not draft_id:
            raise InputError("请填写要提交的草稿编号。", "no draft")
        receipts = services.members.finalise(user, int(draft_id))
        notes, rows = on_member_refresh(user)
        return f"已提交为“百姓提案”：{'、'.join(receipts)}。", notes, rows

    @guarded(container, "member collect")
    def on_collect(user: Any, body: str, head: str, who: str, tel: str, how: str) -> tuple[str, str, Any]:
        receipt = services.members.collect(user, body, title=head or "", name=who or "", phone=tel or "",
                                           consent=CONSENT_CHOICES.get(how, "masked"))
        notes, rows = on_member_refresh(user)
        return f"已登记，受理编号 {receipt}。", notes, rows

    refresh.click(on_member_refresh, inputs=[session], outputs=[notices, mine])
    read.click(on_member_read, inputs=[session], outputs=[notices, mine])
    finalise.click(on_finalise, inputs=[session, draft], outputs=[message, notices, mine])
    collect.click(on_collect, inputs=[session, text, title, name, phone, consent], outputs=[message, notices, mine])
