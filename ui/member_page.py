"""委员 page (log-in): open a submission or import a draft, rubric, accept/reject edits, duplicates, versions.

Every handler passes the session's user to the workflow, which checks the role server-side.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from assistant.accounts import UserSession
from assistant.cultivation.polish import Edit
from assistant.errors import InputError
from assistant.security.archives import check_upload
from assistant.storage.enums import Role
from assistant.workflow import MemberDraft, MemberWorkflow
from ui.downloads import offer
from ui.proposal_view import (
    credited_markdown,
    diff_markdown,
    draft_markdown,
    duplicates_markdown,
    edit_choices,
    edits_markdown,
    notes_markdown,
    points_text,
    rubric_markdown,
    text_points,
    versions_markdown,
)
from ui.scheme_member import build_member_scheme
from ui.session import guarded, limit, max_upload_bytes

NO_DRAFT = "请先打开或导入一份草稿。"


def build_member_page(container: Any, session: gr.State) -> None:
    """Add the member components to the current Blocks context."""
    def wf() -> MemberWorkflow:
        return container.member_workflow  # built on first use, so the page renders before the models load

    draft_id = gr.State(None)
    edits = gr.State([])

    gr.Markdown("委员登录后，可打开市民提交的金点子或导入自己的草稿：查看质量评分、逐条采纳修改建议、检查与往期留言是否重复，"
                "每次修改都保存为新版本，群众署名随提案保留。")
    with gr.Row():
        pending = gr.Dropdown(choices=[], label="待打磨的市民提交（登录后点“刷新”）", allow_custom_value=True,
                              scale=3, elem_id="member-pending")
        refresh = gr.Button("刷新", scale=1, elem_id="member-refresh")
    with gr.Row():
        ref = gr.Textbox(label="受理编号或草稿编号", placeholder="BX-2026-000123", scale=3, elem_id="member-ref")
        open_button = gr.Button("打开", variant="primary", scale=1, elem_id="member-open")
    with gr.Accordion("导入草稿（粘贴文字或上传 Word）", open=False, elem_id="member-import-box"):
        pasted = gr.Textbox(label="粘贴草稿（标题、情况分析、具体建议）；没有这些小标题时按金点子起草", lines=8,
                            elem_id="member-paste")
        upload = gr.File(label="或上传 .docx（附件1 格式）", file_types=[".docx"], type="filepath",
                         elem_id="member-upload")
        link = gr.Textbox(label="关联的金点子受理编号（选填，用于群众署名）", elem_id="member-link")
        import_button = gr.Button("导入", elem_id="member-import")
    status = gr.Markdown(elem_id="member-status")

    with gr.Column(visible=False, elem_id="member-work") as work:
        credited = gr.Markdown(elem_id="member-credited")
        current = gr.Markdown(elem_id="member-draft")
        notes = gr.Markdown(elem_id="member-notes")
        with gr.Row():
            polish = gr.Button("质量评分与修改建议", variant="primary", elem_id="member-polish")
            duplicates = gr.Button("重复检查", elem_id="member-duplicates")
            download = gr.DownloadButton("下载 Word", elem_id="member-download")
        rubric = gr.Markdown(elem_id="member-rubric")
        suggested = gr.Markdown(elem_id="member-edits")
        accepted = gr.CheckboxGroup(choices=[], label="勾选要采纳的修改（未勾选的视为不采纳）", visible=False,
                                    elem_id="member-accept")
        apply = gr.Button("采纳所选修改，保存为新版本", visible=False, elem_id="member-apply")
        duplicate_report = gr.Markdown(elem_id="member-duplicate-report")
        with gr.Accordion("手动修改", open=False, elem_id="member-manual"):
            title = gr.Textbox(label="标题", elem_id="member-title")
            analysis = gr.Textbox(label="情况分析（每行一条）", lines=5, elem_id="member-analysis")
            suggestions = gr.Textbox(label="具体建议（每行一条）", lines=6, elem_id="member-suggestions")
            save = gr.Button("保存为新版本", elem_id="member-save")
        history = gr.Markdown(elem_id="member-history")
        with gr.Row():
            before = gr.Dropdown(choices=[], label="比较：从版本", elem_id="member-diff-from")
            after = gr.Dropdown(choices=[], label="到版本", elem_id="member-diff-to")
            compare = gr.Button("比较版本", elem_id="member-compare")
        diff = gr.Markdown(elem_id="member-diff")

    def shown(user: UserSession | None, view: MemberDraft, message: str) -> dict[Any, Any]:
        d = view.draft
        numbers = [v.version_no for v in view.versions]
        file_name, data = wf().export_docx(user, view.draft_id)
        p, attribution = d.proposer, d.attribution
        if user is not None and attribution is not None and attribution.idea_id and (p.phone or p.address):
            # the Word file carries the citizen's phone and address: a view of contact details, audited
            container.privacy.log_view(user, attribution.idea_id, "委员打开草稿（Word 附件1 含联系方式）")
        return {
            draft_id: view.draft_id,
            edits: [],
            work: gr.update(visible=True),
            credited: credited_markdown(view.credited),
            current: f"**草稿编号 {view.draft_id}，第 {view.version_no} 版**\n\n" + draft_markdown(d),
            notes: notes_markdown(d),
            title: d.title,
            analysis: points_text(d.analysis),
            suggestions: points_text(d.suggestions),
            history: _history(view),
            before: gr.update(choices=numbers, value=numbers[-2] if len(numbers) > 1 else numbers[-1]),
            after: gr.update(choices=numbers, value=numbers[-1]),
            rubric: "",
            suggested: "",
            accepted: gr.update(choices=[], value=[], visible=False),
            apply: gr.update(visible=False),
            duplicate_report: "",
            diff: "",
            download: gr.update(value=offer(container, file_name, data)),
            status: message,
        }

    @guarded(container, "member list")
    def on_refresh(user: UserSession | None) -> Any:
        items = wf().submissions(user)
        message = f"共有 {len(items)} 条市民提交。" if items else "暂时没有市民提交。"
        return gr.update(choices=[s.label() for s in items], value=None), message

    @guarded(container, "member login")
    def on_login(user: UserSession | None) -> Any:
        if user is None or user.role not in (Role.MEMBER, Role.ADMIN):
            return gr.update(choices=[], value=None), ""
        return on_refresh(user)

    def pick(choice: str | None) -> str:
        return (choice or "").split("｜", 1)[0]

    @guarded(container, "member open")
    def on_open(user: UserSession | None, reference: str) -> dict[Any, Any]:
        view = wf().open(user, reference)
        return shown(user, view, f"已打开草稿 {view.draft_id}（第 {view.version_no} 版）。")

    @guarded(container, "member import")
    def on_import(user: UserSession | None, text: str, file: str | None, receipt_no: str) -> dict[Any, Any]:
        if file:
            path = Path(file)
            limit(container, "upload")
            check_upload(path, max_upload_bytes(container), "Word 文件")
            view = wf().import_docx(user, path.read_bytes(), path.name, receipt_no or "")
        elif (text or "").strip():
            view = wf().import_text(user, text, receipt_no or "")
        else:
            wf().submissions(user)  # the role check first, so a visitor learns to log in
            raise InputError("请粘贴草稿文字或上传 .docx 文件。", "nothing to import")
        return shown(user, view, f"已导入为草稿 {view.draft_id}。")

    @guarded(container, "member polish")
    def on_polish(user: UserSession | None, current_id: int | None) -> dict[Any, Any]:
        if current_id is None:
            raise InputError(NO_DRAFT, "no draft")
        result = wf().polish(user, current_id)
        choices = edit_choices(result.edits)
        return {
            rubric: rubric_markdown(result.report, result.version_no),
            suggested: edits_markdown(result.edits),
            edits: result.edits,
            accepted: gr.update(choices=choices, value=[], visible=bool(choices)),
            apply: gr.update(visible=bool(choices)),
            status: f"第 {result.version_no} 版已评分；有 {len(result.edits)} 条修改建议。",
        }

    @guarded(container, "member apply")
    def on_apply(user: UserSession | None, current_id: int | None, pending_edits: list[Edit], chosen: list[str]
                 ) -> dict[Any, Any]:
        if current_id is None:
            raise InputError(NO_DRAFT, "no draft")
        view = wf().apply_edits(user, current_id, pending_edits, chosen or [])
        return shown(user, view, f"已保存为第 {view.version_no} 版：{view.versions[-1].note}")

    @guarded(container, "member save")
    def on_save(user: UserSession | None, current_id: int | None, t: str, a: str, s: str) -> dict[Any, Any]:
        if current_id is None:
            raise InputError(NO_DRAFT, "no draft")
        view = wf().save_manual(user, current_id, t, text_points(a), text_points(s))
        return shown(user, view, f"已保存为第 {view.version_no} 版。")

    @guarded(container, "member duplicates")
    def on_duplicates(user: UserSession | None, current_id: int | None) -> str:
        if current_id is None:
            raise InputError(NO_DRAFT, "no draft")
        return duplicates_markdown(wf().duplicates(user, current_id))

    @guarded(container, "member diff")
    def on_compare(user: UserSession | None, current_id: int | None, a: Any, b: Any) -> str:
        if current_id is None:
            raise InputError(NO_DRAFT, "no draft")
        if a in (None, "") or b in (None, ""):
            raise InputError("请选择要比较的两个版本。", "no versions chosen")
        return diff_markdown(wf().diff(user, current_id, int(a), int(b)))

    view_outputs = [draft_id, edits, work, credited, current, notes, title, analysis, suggestions, history, before,
                    after, rubric, suggested, accepted, apply, duplicate_report, diff, download, status]
    refresh.click(on_refresh, inputs=[session], outputs=[pending, status])
    session.change(on_login, inputs=[session], outputs=[pending, status], show_progress="hidden")
    pending.change(pick, inputs=[pending], outputs=[ref], show_progress="hidden")
    open_button.click(on_open, inputs=[session, ref], outputs=view_outputs)
    ref.submit(on_open, inputs=[session, ref], outputs=view_outputs)
    import_button.click(on_import, inputs=[session, pasted, upload, link], outputs=view_outputs)
    polish.click(on_polish, inputs=[session, draft_id], outputs=[rubric, suggested, edits, accepted, apply, status])
    apply.click(on_apply, inputs=[session, draft_id, edits, accepted], outputs=view_outputs)
    save.click(on_save, inputs=[session, draft_id, title, analysis, suggestions], outputs=view_outputs)
    duplicates.click(on_duplicates, inputs=[session, draft_id], outputs=[duplicate_report])
    compare.click(on_compare, inputs=[session, draft_id, before, after], outputs=[diff])
    build_member_scheme(container, session)


def _history(view: MemberDraft) -> str:
    return versions_markdown(view.versions)
