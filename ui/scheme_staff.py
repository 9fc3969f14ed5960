"""Staff tabs of the scheme: 分级与通道, 办理与督办, 年度评选, 《百姓提案》, 委员履职. Simple forms; every handler
passes the session's user to the services, which check the role server-side."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.errors import InputError
from assistant.scheme.grading import GRADE_ZH
from assistant.scheme.models import AssignEdit, GradeEdit, ReplyEdit
from assistant.scheme.sqmy_doc import sqmy_docx
from assistant.security.archives import check_upload
from ui.downloads import cache_dir, offer
from ui.scheme_format import (
    CANDIDATE_HEADERS,
    COMMITTEE_HEADERS,
    ITEM_HEADERS,
    MEMBER_HEADERS,
    advice_markdown,
    candidate_rows,
    grade_markdown,
    handling_markdown,
    item_rows,
    report_rows,
)
from ui.session import guarded, limit, max_upload_bytes
from ui.staff_format import parse_day

GRADE_CHOICES = {name: key for key, name in GRADE_ZH.items()}
RESULT_CHOICES = ["已采纳", "部分采纳", "列入计划逐步解决", "留作参考（已作解释说明）", "未注明办理结果"]


def grade_edit(choice: str | None, why: str, to: str, lead: str) -> GradeEdit:
    """The staff's grade from the form fields (InputError when no grade is chosen)."""
    if not choice or choice not in GRADE_CHOICES:
        raise InputError("请选择分级。", "no grade")
    return GradeEdit(grade=GRADE_CHOICES[choice], reason=why or "", refer_to=to or None,  # type: ignore[arg-type]
                     merge_into=lead or None)


def _folder() -> Path:
    """A private folder in Gradio's cache (swept with the data dir's temp files); files are offered from it."""
    return Path(tempfile.mkdtemp(prefix="baixing-scheme-", dir=cache_dir()))


def _required_day(text: str, what: str) -> Any:
    day = parse_day(text, what)
    if day is None:
        raise InputError(f"请填写{what}（如 2026-01-31）。", f"no {what}")
    return day


def build_grading_tab(container: Any, session: gr.State) -> None:
    """One clue: its grade (with history), the channel advice (reading its draft) and the 社情民意 digest."""
    services = container.scheme
    gr.Markdown("输入受理编号查看系统建议的处理通道（会读取草稿）和线索分级；确认或修改分级时请写明理由。"
                "处理通道在「待办队列」的分办表单中确认。")
    with gr.Row():
        receipt = gr.Textbox(label="受理编号", placeholder="BX-2026-000001", scale=3, elem_id="scheme-grade-receipt")
        show = gr.Button("查看", scale=1, elem_id="scheme-grade-show")
    advice = gr.Markdown(elem_id="scheme-advice")
    grade_view = gr.Markdown(elem_id="scheme-grade")
    with gr.Row():
        grade = gr.Dropdown(list(GRADE_CHOICES), label="分级", elem_id="scheme-grade-choice")
        refer_to = gr.Textbox(label="转办渠道（转其他渠道时）", elem_id="scheme-grade-refer")
        merge_into = gr.Textbox(label="牵头线索受理编号（并入1+N时）", elem_id="scheme-grade-merge")
    reason = gr.Textbox(label="分级理由", lines=2, elem_id="scheme-grade-reason")
    with gr.Row():
        save = gr.Button("确认分级", variant="primary", elem_id="scheme-grade-save")
        digest_btn = gr.Button("下载《社情民意》摘编（Word）", elem_id="scheme-sqmy")
    digest_file = gr.File(label="摘编文件", interactive=False, elem_id="scheme-sqmy-file")

    def _id(user: Any, number: str) -> int:
        return int(services.handling.idea_id(user, number))

    @guarded(container, "scheme grade show")
    def on_grade_show(user: Any, number: str) -> tuple[str, str]:
        idea_id = _id(user, number)
        return advice_markdown(services.channels.advise(user, idea_id)), grade_markdown(services.grading.view(user,
                                                                                                              idea_id))

    @guarded(container, "scheme grade save")
    def on_grade_save(user: Any, number: str, choice: str | None, why: str, to: str, lead: str) -> str:
        return grade_markdown(services.grading.grade(user, _id(user, number), grade_edit(choice, why, to, lead)))

    @guarded(container, "scheme sqmy")
    def on_sqmy(user: Any, number: str) -> str:
        idea_id = _id(user, number)
        digest = services.channels.digest(user, idea_id)
        path = _folder() / f"社情民意-{number.strip().upper()}.docx"
        path.write_bytes(sqmy_docx(digest))
        return offer(container, path.name, path)

    show.click(on_grade_show, inputs=[session, receipt], outputs=[advice, grade_view])
    receipt.submit(on_grade_show, inputs=[session, receipt], outputs=[advice, grade_view])
    save.click(on_grade_save, inputs=[session, receipt, grade, reason, refer_to, merge_into], outputs=[grade_view])
    digest_btn.click(on_sqmy, inputs=[session, receipt], outputs=[digest_file])


def build_handling_tab(container: Any, session: gr.State) -> None:
    """Assign with a deadline, record a reply (or import a file), the overdue list, close or handle again."""
    services = container.scheme
    levels = services.catalogue.handling_levels
    with gr.Row():
        receipt = gr.Textbox(label="受理编号", scale=3, elem_id="scheme-handling-receipt")
        show = gr.Button("查看", scale=1, elem_id="scheme-handling-show")
    view = gr.Markdown(elem_id="scheme-handling-view")
    with gr.Accordion("交办 / 督办", open=False, elem_id="scheme-assign-box"):
        with gr.Row():
            unit = gr.Textbox(label="承办单位（留空则用已确认的主办单位）", elem_id="scheme-assign-unit")
            deadline = gr.Textbox(label="答复期限（留空为默认期限）", placeholder="2026-06-30",
                                  elem_id="scheme-deadline")
            level = gr.Dropdown(list(levels.values()), value=next(iter(levels.values())), label="督办级别",
                                elem_id="scheme-level")
        supervisor = gr.Textbox(label="督办领导（选填）", elem_id="scheme-supervisor")
        assign = gr.Button("交办", variant="primary", elem_id="scheme-assign")
    with gr.Accordion("登记答复", open=False, elem_id="scheme-reply-box"):
        with gr.Row():
            reply_unit = gr.Textbox(label="答复单位", elem_id="scheme-reply-unit")
            reply_day = gr.Textbox(label="答复日期（留空为今天）", elem_id="scheme-reply-day")
            result = gr.Dropdown(RESULT_CHOICES, value=RESULT_CHOICES[0], label="办理结果", elem_id="scheme-result")
        content = gr.Textbox(label="答复内容", lines=4, elem_id="scheme-reply-content")
        record = gr.Button("登记答复", variant="primary", elem_id="scheme-reply")
        upload = gr.File(label="或导入答复文件（列：受理编号、承办单位、答复内容、答复日期、办理结果）",
                         file_types=[".csv", ".xlsx", ".jsonl"], type="filepath", elem_id="scheme-reply-file")
        import_btn = gr.Button("导入答复文件", elem_id="scheme-reply-import")
    with gr.Row():
        note = gr.Textbox(label="办结 / 再次办理的说明", scale=3, elem_id="scheme-close-note")
        close = gr.Button("办结", scale=1, elem_id="scheme-close")
        reopen = gr.Button("再次办理", scale=1, elem_id="scheme-reopen")
    message = gr.Markdown(elem_id="scheme-handling-message")
    gr.Markdown("#### 超期未答复（督办清单）")
    overdue_btn = gr.Button("刷新超期清单", elem_id="scheme-overdue")
    overdue = gr.Dataframe(headers=ITEM_HEADERS, value=[], interactive=False, wrap=True, elem_id="scheme-overdue-table")

    def _id(user: Any, number: str) -> int:
        return int(services.handling.idea_id(user, number))

    @guarded(container, "scheme handling show")
    def on_handling_show(user: Any, number: str) -> str:
        return handling_markdown(services.handling.view(user, _id(user, number)))

    @guarded(container, "scheme assign")
    def on_assign(user: Any, number: str, who: str, day: str, level_zh: str, boss: str) -> tuple[str, str]:
        idea_id = _id(user, number)
        name = (who or "").strip() or services.handling.view(user, idea_id).main_unit or ""
        key = next((k for k, v in levels.items() if v == level_zh), "normal")
        view_ = services.handling.assign(user, idea_id, AssignEdit(unit=name, deadline=parse_day(day, "答复期限"),
                                                                   level=key, supervisor=boss or None))
        return handling_markdown(view_), f"已交{name}办理。"

    @guarded(container, "scheme reply")
    def on_reply(user: Any, number: str, who: str, day: str, outcome: str, text: str) -> tuple[str, str]:
        edit = ReplyEdit(unit=who or "", content=text or "", result=outcome or "",
                         replied_on=parse_day(day, "答复日期"))
        return handling_markdown(services.handling.record_reply(user, _id(user, number), edit)), "答复已登记。"

    @guarded(container, "scheme reply import")
    def on_import(user: Any, path: str | None) -> str:
        if not path:
            raise InputError("请先选择答复文件。", "no file")
        limit(container, "upload")
        check_upload(Path(path), max_upload_bytes(container), "答复文件")
        report = services.handling.import_replies(user, Path(path), file_name=Path(path).name)
        errors = "\n".join(f"- 第 {e.line} 行：{e.message}" for e in report.errors[:30])
        return report.summary_zh() + ("\n\n" + errors if errors else "")

    @guarded(container, "scheme close")
    def on_close(user: Any, number: str, text: str) -> tuple[str, str]:
        return handling_markdown(services.handling.close(user, _id(user, number), text)), "已办结。"

    @guarded(container, "scheme reopen")
    def on_reopen(user: Any, number: str, text: str) -> tuple[str, str]:
        return handling_markdown(services.handling.reopen(user, _id(user, number), text)), "已转为再次办理。"

    @guarded(container, "scheme overdue")
    def on_overdue(user: Any) -> Any:
        return item_rows(services.handling.overdue(user))

    show.click(on_handling_show, inputs=[session, receipt], outputs=[view])
    receipt.submit(on_handling_show, inputs=[session, receipt], outputs=[view])
    assign.click(on_assign, inputs=[session, receipt, unit, deadline, level, supervisor], outputs=[view, message])
    record.click(on_reply, inputs=[session, receipt, reply_unit, reply_day, result, content], outputs=[view, message])
    import_btn.click(on_import, inputs=[session, upload], outputs=[message])
    close.click(on_close, inputs=[session, receipt, note], outputs=[view, message])
    reopen.click(on_reopen, inputs=[session, receipt, note], outputs=[view, message])
    overdue_btn.click(on_overdue, inputs=[session], outputs=[overdue])


def build_selection_tab(container: Any, session: gr.State) -> None:
    """办理成果 / 社会效应 inputs, the ranking, the top N and their certificates."""
    services = container.scheme
    with gr.Row():
        year = gr.Number(label="评选年度", precision=0, elem_id="scheme-year")
        top = gr.Number(value=50, label="评选件数", precision=0, elem_id="scheme-top")
        replace = gr.Checkbox(label="覆盖已保存的评选结果", value=False, elem_id="scheme-replace")
    with gr.Accordion("录入办理成果 / 社会效应（0–5 分）", open=False, elem_id="scheme-merit-box"):
        with gr.Row():
            merit_receipt = gr.Textbox(label="受理编号", elem_id="scheme-merit-receipt")
            outcome = gr.Number(label="办理成果", minimum=0, maximum=5, elem_id="scheme-merit-outcome")
            social = gr.Number(label="社会效应", minimum=0, maximum=5, elem_id="scheme-merit-social")
        merit = gr.Button("保存", elem_id="scheme-merit-save")
    with gr.Row():
        rank = gr.Button("预览排名", elem_id="scheme-rank")
        select = gr.Button("评选并生成荣誉证书", variant="primary", elem_id="scheme-select")
    summary = gr.Markdown(elem_id="scheme-select-summary")
    table = gr.Dataframe(headers=CANDIDATE_HEADERS, value=[], interactive=False, wrap=True, elem_id="scheme-rank-table")
    files = gr.File(label="评选结果与证书", file_count="multiple", interactive=False, elem_id="scheme-certificates")

    def _year(value: float | None) -> int:
        if not value:
            raise InputError("请填写评选年度。", "no year")
        return int(value)

    @guarded(container, "scheme merit")
    def on_merit(user: Any, y: float | None, number: str, o: float | None, s: float | None) -> str:
        services.selection.record_merit(user, number, _year(y), outcome=o, social=s)
        return f"已保存 {number.strip().upper()} 的评定。"

    @guarded(container, "scheme rank")
    def on_rank(user: Any, y: float | None) -> tuple[str, Any]:
        ranked = services.selection.rank(user, _year(y))
        rows = [[str(c.rank), c.receipt_no, c.title, f"{c.content:.2f}", f"{c.outcome:.1f}", f"{c.social:.1f}",
                 f"{c.score:.3f}", ""] for c in ranked]
        return f"共 {len(ranked)} 件参评。", rows

    @guarded(container, "scheme select")
    def on_select(user: Any, y: float | None, n: float | None, again: bool) -> tuple[str, Any, list[str]]:
        folder = _folder()
        result = services.selection.select(user, _year(y), int(n or 50), replace=bool(again), out_dir=folder)
        archive = shutil.make_archive(str(folder.parent / f"{folder.name}-证书"), "zip", folder)
        spreadsheets = [p for p in result.files if p.endswith(".xlsx")]
        offered = [offer(container, Path(p).name, Path(p)) for p in [*spreadsheets, archive]]
        return result.summary_zh(), candidate_rows(result), offered

    merit.click(on_merit, inputs=[session, year, merit_receipt, outcome, social], outputs=[summary])
    rank.click(on_rank, inputs=[session, year], outputs=[summary, table])
    select.click(on_select, inputs=[session, year, top, replace], outputs=[summary, table, files])


def build_digest_tab(container: Any, session: gr.State) -> None:
    """One issue of 《百姓提案》 for a period (.docx and PDF)."""
    services = container.scheme
    with gr.Row():
        start = gr.Textbox(label="起始日期", placeholder="2026-01-01", elem_id="scheme-digest-from")
        end = gr.Textbox(label="截止日期", placeholder="2026-03-31", elem_id="scheme-digest-to")
        issue = gr.Number(value=1, label="期号", precision=0, elem_id="scheme-digest-issue")
    note = gr.Textbox(label="编者按（选填）", lines=2, elem_id="scheme-digest-note")
    make = gr.Button("生成本期《百姓提案》", variant="primary", elem_id="scheme-digest")
    summary = gr.Markdown(elem_id="scheme-digest-summary")
    files = gr.File(label="下载", file_count="multiple", interactive=False, elem_id="scheme-digest-files")

    @guarded(container, "scheme digest")
    def on_digest_make(user: Any, a: str, b: str, n: float | None, text: str) -> tuple[str, list[str]]:
        out = _folder() / f"百姓提案-第{int(n or 1)}期.docx"
        result = services.digest.write(user, _required_day(a, "起始日期"), _required_day(b, "截止日期"), out,
                                       issue_no=int(n or 1), editor_note=text or "")
        c = result.counts
        lines = [result.summary_zh(), f"属于“百姓提案”{c.in_scope} 件，不属于 {c.out_of_scope} 件。",
                 "处理通道：" + ("、".join(f"{k} {v}" for k, v in c.by_channel.items()) or "—")]
        return "\n\n".join(lines), [offer(container, Path(p).name, Path(p)) for p in (result.docx_path, result.pdf_path)
                                     if p]

    make.click(on_digest_make, inputs=[session, start, end, issue, note], outputs=[summary, files])


def build_members_tab(container: Any, session: gr.State) -> None:
    """Members' and committees' figures for a year, with the Excel export."""
    services = container.scheme
    with gr.Row():
        year = gr.Number(label="年度", precision=0, elem_id="scheme-report-year")
        run = gr.Button("统计", variant="primary", elem_id="scheme-report")
    summary = gr.Markdown(elem_id="scheme-report-summary")
    members = gr.Dataframe(headers=MEMBER_HEADERS, value=[], interactive=False, elem_id="scheme-report-members")
    committees = gr.Dataframe(headers=COMMITTEE_HEADERS, value=[], interactive=False,
                              elem_id="scheme-report-committees")
    file = gr.File(label="下载 Excel（履职量化）", interactive=False, elem_id="scheme-report-file")

    @guarded(container, "scheme members report")
    def on_report(user: Any, y: float | None) -> tuple[str, Any, Any, str]:
        if not y:
            raise InputError("请填写年度。", "no year")
        report = services.report.report(user, int(y))
        path = services.report.write_xlsx(report, _folder() / f"{int(y)}年度百姓提案委员履职统计.xlsx")
        m, c = report_rows(report)
        return report.summary_zh(), m, c, offer(container, Path(path).name, Path(path))

    run.click(on_report, inputs=[session, year], outputs=[summary, members, committees, file])
