"""市民 page (no log-in): idea → verdict → draft with sources (streamed) → questions → edit → submit → Word.

Newcomer path, 7 clicks: idea box → 「检查并起草」 → 姓名 → 联系电话 → 同意个人信息处理说明 → 「提交」 → 「下载 Word」.
Per-session state lives in gr.State only (the draft id, the asked question elements, the reframe text).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import gradio as gr

from assistant.cultivation.models import Proposer
from assistant.errors import InputError
from assistant.privacy import notice_zh
from assistant.workflow import CitizenWorkflow, DraftUpdate
from ui.downloads import offer
from ui.proposal_view import (
    notes_markdown,
    points_text,
    receipt_markdown,
    sources_markdown,
    stream_markdown,
    text_points,
    verdict_markdown,
)
from ui.scheme_citizen import build_rating
from ui.scheme_citizen import lookup as scheme_lookup
from ui.session import guarded, limit

MAX_QUESTIONS = 3
IDEA_PLACEHOLDER = "例如：我们小区是老旧小区，没有电梯，老人上下楼很困难，希望政府出钱统一加装电梯。"
NO_DRAFT = "请先点“检查并起草”生成草稿。"
REFRAMED = ("已在上方输入框把您的想法改写为面向公共利益的建议，您原来写的经历保留在后面作为例证。"
            "请补充您了解的具体情况，再点“检查并起草”。")
REDRAFTED = "草稿已根据您的回答更新并保存。"
KEPT_EDITS = ("草稿已根据您的回答更新并保存：您修改过的内容原样保留，新增 {added} 条内容附在各部分末尾，请检查。"
              "（之前的每一版都保存在历史版本中）")
STOPPED = "未完成：请按弹出的提示修改后再试，您输入的内容都还在。"
INTRO = (
    "写下您对广州经济社会发展的想法或建议，助手会先判断是否属于“百姓提案”范围，再帮您整理成标准格式的提案。\n\n"
    "**步骤：** ① 写下想法 → ② 检查并起草 → ③ 修改草稿（可选：回答助手的问题）→ ④ 填写联系方式并提交 → ⑤ 下载 Word"
)


def build_citizen_page(container: Any, session: gr.State) -> None:
    """Add the citizen components to the current Blocks context (``session`` is unused: no log-in needed)."""
    def wf() -> CitizenWorkflow:
        return container.citizen_workflow  # built on first use, so the page renders before the models load

    draft_id = gr.State(None)
    asked = gr.State([])
    reframe = gr.State(None)

    gr.Markdown(INTRO)
    idea = gr.Textbox(label="您的金点子（想法、建议）", placeholder=IDEA_PLACEHOLDER, lines=5, max_lines=20,
                      elem_id="citizen-idea")
    check = gr.Button("检查并起草", variant="primary", size="lg", elem_id="citizen-check")
    status = gr.Markdown(elem_id="citizen-status")
    verdict = gr.Markdown(elem_id="citizen-verdict")
    reframe_button = gr.Button("改写为提案", visible=False, elem_id="citizen-reframe")
    stream = gr.Markdown(visible=False, elem_id="citizen-stream")

    with gr.Column(visible=False, elem_id="citizen-draft-box") as draft_box:
        gr.Markdown("### 提案草稿（可直接修改，修改会自动保存）")
        title = gr.Textbox(label="标题", elem_id="citizen-title")
        analysis = gr.Textbox(label="情况分析（每行一条，合计 500 字以内）", lines=5, max_lines=20,
                              elem_id="citizen-analysis")
        suggestions = gr.Textbox(label="具体建议（每行一条，合计 1000 字以内）", lines=6, max_lines=24,
                                 elem_id="citizen-suggestions")
        notes = gr.Markdown(elem_id="citizen-notes")
        sources = gr.Markdown(elem_id="citizen-sources")
        with gr.Column(visible=False, elem_id="citizen-questions") as question_box:
            gr.Markdown("#### 助手的问题（可选）：回答后草稿会更充实")
            answers = [gr.Textbox(visible=False, lines=2, elem_id=f"citizen-answer-{i + 1}")
                       for i in range(MAX_QUESTIONS)]
            redraft = gr.Button("根据回答完善草稿", elem_id="citizen-redraft")
        gr.Markdown("### 您的联系方式（提案需群众署名；只用于工作人员与您联系）")
        with gr.Row():
            name = gr.Textbox(label="姓名（必填）", elem_id="citizen-name")
            phone = gr.Textbox(label="联系电话（必填）", elem_id="citizen-phone")
        with gr.Row():
            occupation = gr.Textbox(label="职业（选填）", elem_id="citizen-occupation")
            address = gr.Textbox(label="联系地址（选填）", elem_id="citizen-address")
        with gr.Accordion("个人信息处理说明（提交前请阅读）", open=False, elem_id="citizen-notice"):
            gr.Markdown(notice_zh(container.settings.privacy))
        consent = gr.Checkbox(label="我已阅读《个人信息处理说明》，同意按说明处理我的个人信息", value=False,
                              elem_id="citizen-consent")
        submit = gr.Button("提交", variant="primary", size="lg", elem_id="citizen-submit")
        receipt = gr.Markdown(elem_id="citizen-receipt")
        download = gr.DownloadButton("下载 Word", visible=False, variant="primary", elem_id="citizen-download")

    with gr.Accordion("查询办理进度", open=False, elem_id="citizen-status-box"):
        receipt_no = gr.Textbox(label="受理编号", placeholder="BX-2026-000123", elem_id="citizen-receipt-no")
        lookup_phone = gr.Textbox(label="提交时填写的联系电话", elem_id="citizen-lookup-phone")
        lookup = gr.Button("查询", elem_id="citizen-lookup")
        lookup_result = gr.Markdown(elem_id="citizen-lookup-result")
        build_rating(container, receipt_no, lookup_phone, lookup_result)

    def draft_outputs(update: DraftUpdate, message: str) -> dict[Any, Any]:
        d = update.draft
        assert d is not None
        out: dict[Any, Any] = {
            draft_id: update.draft_id,
            asked: [q.element for q in d.questions],
            stream: gr.update(value="", visible=False),
            draft_box: gr.update(visible=True),
            title: d.title,
            analysis: points_text(d.analysis),
            suggestions: points_text(d.suggestions),
            notes: notes_markdown(d),
            sources: sources_markdown(d),
            question_box: gr.update(visible=bool(d.questions)),
            status: message,
        }
        for i, box in enumerate(answers):
            q = d.questions[i] if i < len(d.questions) else None
            out[box] = gr.update(label=q.text if q else "", value="", visible=q is not None)
        return out

    def streamed(updates: Iterator[DraftUpdate], message: str) -> Iterator[dict[Any, Any]]:
        try:
            for update in updates:
                if update.done:
                    if update.kept_edits:
                        message = KEPT_EDITS.format(added=update.added)
                    yield draft_outputs(update, message)
                elif update.partial is not None:
                    yield {stream: gr.update(value=stream_markdown(update.partial), visible=True)}
        except Exception:
            yield {status: STOPPED, stream: gr.update(visible=False)}
            raise

    @guarded(container, "citizen check")
    def on_check(text: str) -> Iterator[dict[Any, Any]]:
        limit(container, "submission")
        yield {status: "第 1 步：正在检查是否属于“百姓提案”范围……", receipt: "",
               download: gr.update(visible=False), reframe_button: gr.update(visible=False)}
        try:
            review = wf().review(text)
        except Exception:
            yield {status: STOPPED}
            raise
        if not review.value.verdict.in_scope:
            hint = wf().reframed_idea(review)
            yield {status: "", verdict: verdict_markdown(review.value), reframe: hint, draft_id: None,
                   reframe_button: gr.update(visible=hint is not None), draft_box: gr.update(visible=False)}
            return
        writing = "模型正在撰写" if wf().streaming else "正在起草"
        yield {verdict: verdict_markdown(review.value), status: f"第 2 步：{writing}草稿……", draft_id: None,
               draft_box: gr.update(visible=False)}
        yield from streamed(wf().start_draft(text, review),
                            "草稿已生成并自动保存。请检查、修改，填写联系方式后提交。")

    @guarded(container, "citizen reframe")
    def on_reframe(hint: str | None, story: str) -> tuple[str, str, str, Any]:
        if not hint:
            raise InputError("没有可用的改写建议，请直接修改您的文字。", "no reframe")
        # the citizen's own words stay as the example; the old verdict no longer applies to the new text
        return (CitizenWorkflow.reframed_with_story(hint, story), REFRAMED, "", gr.update(visible=False))

    @guarded(container, "citizen redraft")
    def on_redraft(current: int | None, elements: list[str], t: str, a: str, s: str, *given: str
                   ) -> Iterator[dict[Any, Any]]:
        if current is None:
            raise InputError(NO_DRAFT, "no draft")
        limit(container, "submission")
        wf().save_edit(current, t, text_points(a), text_points(s))
        replies = {e: v for e, v in zip(elements, given, strict=False) if v and v.strip()}
        yield {status: "正在根据您的回答完善草稿……（您之前的修改已保存为历史版本）"}
        yield from streamed(wf().redraft(current, replies), REDRAFTED)

    @guarded(container, "citizen autosave")
    def on_edit(current: int | None, t: str, a: str, s: str) -> str:
        if current is None:
            return ""
        wf().save_edit(current, t, text_points(a), text_points(s))
        return "修改已自动保存。"

    @guarded(container, "citizen submit")
    def on_submit(current: int | None, t: str, a: str, s: str, n: str, p: str, o: str, addr: str, agreed: bool
                  ) -> dict[Any, Any]:
        if current is None:
            raise InputError(NO_DRAFT, "no draft")
        limit(container, "submission")
        person = Proposer(name=n or "", phone=p or "", occupation=o or "", address=addr or "")
        done = wf().submit(current, person, t, text_points(a), text_points(s), consent=bool(agreed))
        file_name, data = wf().export_docx(current)
        # Submitted means frozen: a later edit of these boxes is refused by the store (a Chinese message says how
        # to add answers instead); nothing is saved over the submitted version.
        return {receipt: receipt_markdown(done), receipt_no: done.receipt_no, status: "已提交。",
                download: gr.update(value=offer(container, file_name, data), visible=True)}

    @guarded(container, "citizen status")
    def on_lookup(number: str, phone_number: str) -> str:
        limit(container, "lookup")
        return scheme_lookup(container, number, phone_number)

    draft_fields = [draft_id, asked, stream, draft_box, title, analysis, suggestions, notes, sources, question_box,
                    status, *answers]
    check_outputs = [*draft_fields, verdict, reframe, reframe_button, receipt, download]
    check.click(on_check, inputs=[idea], outputs=check_outputs, show_progress="minimal")
    reframe_button.click(on_reframe, inputs=[reframe, idea], outputs=[idea, status, verdict, reframe_button])
    redraft.click(on_redraft, inputs=[draft_id, asked, title, analysis, suggestions, *answers],
                  outputs=draft_fields, show_progress="minimal")
    for box in (title, analysis, suggestions):
        box.blur(on_edit, inputs=[draft_id, title, analysis, suggestions], outputs=[status], show_progress="hidden")
    submit.click(on_submit, inputs=[draft_id, title, analysis, suggestions, name, phone, occupation, address, consent],
                 outputs=[receipt, receipt_no, status, download], show_progress="minimal")
    lookup.click(on_lookup, inputs=[receipt_no, lookup_phone], outputs=[lookup_result])
    lookup_phone.submit(on_lookup, inputs=[receipt_no, lookup_phone], outputs=[lookup_result])
