"""Staff sub-tab 待办队列: filters, the list, one item's detail with routing reasons, edit and 「确认分办」."""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.errors import InputError
from assistant.routing.catalogue import DOMAINS
from assistant.staff import StaffServices
from assistant.staff.models import QueueFilters, RoutingEdit, UnitChoice
from assistant.staff.queue import STATUS_ZH
from assistant.storage.enums import Role
from ui.scheme_format import grade_markdown
from ui.scheme_staff import GRADE_CHOICES, grade_edit
from ui.session import guarded, require_role
from ui.staff_format import QUEUE_HEADERS, contact_markdown, detail_markdown, page_label, parse_day, queue_rows

ANY = "全部"
STATUS_CHOICES = [ANY, *[label for key, label in STATUS_ZH.items() if key != "draft"]]
SCOPE_CHOICES = {ANY: "all", "受理（属于百姓提案）": "in", "不受理": "out", "未筛查": "unscreened"}
ROUTING_CHOICES = {ANY: "all", "待确认分办": "unconfirmed", "已确认分办": "confirmed"}
PAGE_SIZE = 20
CONTACT_PURPOSES = ["分办前核实情况", "联系市民补充材料", "告知办理结果"]
EMPTY_DETAIL = "_在上表中点击一行，或输入受理编号后点「打开」，查看线索详情和分办理由。_"


def _filters(status: str, domain: str, scope: str, routing: str, d_from: str, d_to: str, text: str) -> QueueFilters:
    status_key = next((k for k, v in STATUS_ZH.items() if v == status), None)
    return QueueFilters(
        status=status_key, domain=None if domain in (ANY, "", None) else domain,
        scope=SCOPE_CHOICES.get(scope, "all"), routing=ROUTING_CHOICES.get(routing, "all"),  # type: ignore[arg-type]
        date_from=parse_day(d_from, "开始日期"), date_to=parse_day(d_to, "结束日期"), text=text or None,
    )


def build_queue_tab(container: Any, services: StaffServices, session: gr.State) -> None:
    """Filters, table, detail and the routing form."""
    with gr.Row():
        status = gr.Dropdown(STATUS_CHOICES, value=ANY, label="状态", elem_id="staff-filter-status")
        domain = gr.Dropdown([ANY, *DOMAINS], value=ANY, label="领域", elem_id="staff-filter-domain")
        scope = gr.Dropdown(list(SCOPE_CHOICES), value=ANY, label="是否受理", elem_id="staff-filter-scope")
        routing = gr.Dropdown(list(ROUTING_CHOICES), value=ANY, label="分办", elem_id="staff-filter-routing")
    with gr.Row():
        d_from = gr.Textbox(label="提交日期起", placeholder="2026-01-01", elem_id="staff-filter-from")
        d_to = gr.Textbox(label="提交日期止", placeholder="2026-12-31", elem_id="staff-filter-to")
        text = gr.Textbox(label="关键词或受理编号", elem_id="staff-filter-text")
        search = gr.Button("查询", variant="primary", elem_id="staff-queue-search")
    table = gr.Dataframe(headers=QUEUE_HEADERS, value=[], interactive=False, wrap=True, max_height=420,
                         label="待办线索（点击一行查看详情）", elem_id="staff-queue-table")
    with gr.Row():
        prev_btn = gr.Button("上一页", size="sm", elem_id="staff-queue-prev")
        label = gr.Markdown("", elem_id="staff-queue-page")
        next_btn = gr.Button("下一页", size="sm", elem_id="staff-queue-next")
    ids = gr.State([])
    page = gr.State(1)

    with gr.Row():
        receipt = gr.Textbox(label="受理编号", placeholder="BX-2026-000001", scale=3, elem_id="staff-open-receipt")
        open_btn = gr.Button("打开", scale=1, elem_id="staff-open-button")
    detail = gr.Markdown(EMPTY_DETAIL, elem_id="staff-detail")
    current = gr.State(None)
    with gr.Row(elem_id="staff-contact-row"):
        purpose = gr.Dropdown(CONTACT_PURPOSES, value=CONTACT_PURPOSES[0], allow_custom_value=True, scale=3,
                              label="查看联系方式的事由（会记入审计日志）", elem_id="staff-contact-purpose")
        contact_button = gr.Button("显示联系方式", scale=1, elem_id="staff-contact-button")
    contact = gr.Markdown("", elem_id="staff-contact")
    with gr.Group(elem_id="staff-routing-form"):
        gr.Markdown("#### 编辑并确认分办（单位须为承办单位目录中的名称）")
        with gr.Row():
            lead = gr.Dropdown([], label="主办单位", allow_custom_value=True, elem_id="staff-lead-unit")
            co = gr.Dropdown([], label="协办单位（可多选）", multiselect=True, allow_custom_value=True,
                             elem_id="staff-co-units")
        with gr.Row():
            committee = gr.Dropdown([], label="对口专委会", allow_custom_value=True, elem_id="staff-committee")
            channel = gr.Dropdown([], label="处理通道", allow_custom_value=True, elem_id="staff-channel")
            domain_edit = gr.Dropdown(list(DOMAINS), label="领域", allow_custom_value=True, elem_id="staff-domain")
        note = gr.Textbox(label="备注（可选）", lines=2, elem_id="staff-routing-note")
        revise = gr.Checkbox(label="修改已确认的分办", value=False, elem_id="staff-routing-revise")
        confirm = gr.Button("确认分办", variant="primary", elem_id="staff-confirm")
        confirm_status = gr.Markdown("", elem_id="staff-confirm-status")
    with gr.Group(elem_id="staff-grade-form"):
        gr.Markdown("#### 线索分级（系统已给出建议，见上方“线索分级”；确认或修改时请写明理由）")
        with gr.Row():
            grade = gr.Dropdown(list(GRADE_CHOICES), label="分级", elem_id="staff-grade")
            refer_to = gr.Textbox(label="转办渠道（转其他渠道时）", elem_id="staff-grade-refer")
            merge_into = gr.Textbox(label="牵头线索受理编号（并入1+N时）", elem_id="staff-grade-merge")
        grade_reason = gr.Textbox(label="分级理由", lines=2, elem_id="staff-grade-reason")
        grade_button = gr.Button("确认分级", elem_id="staff-grade-confirm")

    filters = [status, domain, scope, routing, d_from, d_to, text]
    form = [detail, lead, co, committee, channel, domain_edit, note, revise, contact, current]

    def list_page(user: Any, wanted: int, *values: str) -> tuple[Any, list[int], int, str]:
        require_role(user, Role.STAFF)
        result = services.queue.list(user, _filters(*values), page=wanted, page_size=PAGE_SIZE)
        return queue_rows(result), [r.idea_id for r in result.rows], result.page, page_label(result)

    @guarded(container, "staff queue search")
    def do_search(user: Any, *values: str) -> tuple[Any, list[int], int, str]:
        return list_page(user, 1, *values)

    @guarded(container, "staff queue page")
    def do_prev(user: Any, current_page: int, *values: str) -> tuple[Any, list[int], int, str]:
        return list_page(user, max(1, int(current_page or 1) - 1), *values)

    @guarded(container, "staff queue page")
    def do_next(user: Any, current_page: int, *values: str) -> tuple[Any, list[int], int, str]:
        return list_page(user, int(current_page or 1) + 1, *values)

    def open_idea(user: Any, idea_id: int) -> list[Any]:
        item = services.queue.detail(user, idea_id)
        units, committees, channels = services.desk.options(user)
        r = item.routing
        shown = (r.final_units if r and r.confirmed else r.units) if r else []
        lead_name = next((u.name for u in shown if u.role == "主办"), None)
        co_names = [u.name for u in shown if u.role == "协办"]
        confirmed = bool(r and r.confirmed)
        state = {"idea_id": item.idea_id, "routing_id": r.routing_id if r else None, "confirmed": confirmed,
                 "receipt_no": item.receipt_no}
        graded = container.scheme.grading.view(user, idea_id)
        return [
            detail_markdown(item) + "\n\n" + grade_markdown(graded),
            gr.update(choices=units, value=lead_name),
            gr.update(choices=units, value=co_names),
            gr.update(choices=committees, value=(r.final_committee or r.committee) if r else None),
            gr.update(choices=channels, value=(r.final_channel or r.channel) if r else None),
            gr.update(value=item.domain),
            gr.update(value=(r.note if r and r.confirmed else "") or ""),
            gr.update(value=False, interactive=state["confirmed"]),
            "",  # contact details are shown again only on request
            state,
        ]

    @guarded(container, "staff open row")
    def do_select(user: Any, page_ids: list[int], evt: gr.SelectData) -> list[Any]:
        require_role(user, Role.STAFF)
        row = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
        if not page_ids or row is None or not 0 <= int(row) < len(page_ids):
            raise InputError("请先点「查询」，再点击表中的一行。", "no row")
        return open_idea(user, page_ids[int(row)])

    @guarded(container, "staff open receipt")
    def do_open(user: Any, number: str) -> list[Any]:
        require_role(user, Role.STAFF)
        found = services.queue.list(user, QueueFilters(text=(number or "").strip().upper()), page_size=5)
        match = [r for r in found.rows if r.receipt_no == (number or "").strip().upper()]
        if not match:
            raise InputError(f"找不到受理编号为「{(number or '').strip()}」的线索。", "no such receipt")
        return open_idea(user, match[0].idea_id)

    @guarded(container, "staff confirm routing")
    def do_confirm(user: Any, state: dict[str, Any] | None, lead_name: str | None, co_names: list[str] | None,
                   committee_name: str | None, channel_name: str | None, domain_name: str | None, note_text: str,
                   revise_it: bool) -> list[Any]:
        staff = require_role(user, Role.STAFF)
        if not state or not state.get("idea_id"):
            raise InputError("请先打开一条线索，再确认分办。", "no idea open")
        if not (lead_name or "").strip():
            raise InputError("请选择主办单位。", "no lead")
        units = [UnitChoice(name=lead_name or "", role="主办")]
        units += [UnitChoice(name=n, role="协办") for n in (co_names or []) if n and n != lead_name]
        edit = RoutingEdit(units=units, committee=committee_name, channel=channel_name, domain=domain_name,
                           note=note_text)
        services.desk.confirm(staff, state["idea_id"], edit, routing_id=state.get("routing_id"),
                              revise=bool(revise_it))
        return [*open_idea(staff, state["idea_id"]), f"已确认分办：主办 {lead_name}。确认记录已存档。"]

    @guarded(container, "staff grade clue")
    def do_grade(user: Any, state: dict[str, Any] | None, choice: str | None, why: str, to: str, lead: str
                 ) -> list[Any]:
        staff = require_role(user, Role.STAFF)
        if not state or not state.get("idea_id"):
            raise InputError("请先打开一条线索，再分级。", "no idea open")
        view = container.scheme.grading.grade(staff, state["idea_id"], grade_edit(choice, why, to, lead))
        return [*open_idea(staff, state["idea_id"]), f"已确认分级：{view.grade_zh}。"]

    @guarded(container, "staff show contact")
    def do_contact(user: Any, state: dict[str, Any] | None, why: str | None) -> str:
        staff = require_role(user, Role.STAFF)
        if not state or not state.get("receipt_no"):
            raise InputError("请先打开一条已提交的线索，再查看联系方式。", "no idea open")
        info = container.privacy.contact(staff, state["receipt_no"], why or "")  # role-checked and audited
        return contact_markdown(info.name, info.phone, info.occupation, info.address)

    contact_button.click(do_contact, inputs=[session, current, purpose], outputs=[contact])
    search.click(do_search, inputs=[session, *filters], outputs=[table, ids, page, label])
    text.submit(do_search, inputs=[session, *filters], outputs=[table, ids, page, label])
    prev_btn.click(do_prev, inputs=[session, page, *filters], outputs=[table, ids, page, label])
    next_btn.click(do_next, inputs=[session, page, *filters], outputs=[table, ids, page, label])
    table.select(do_select, inputs=[session, ids], outputs=form)
    open_btn.click(do_open, inputs=[session, receipt], outputs=form)
    receipt.submit(do_open, inputs=[session, receipt], outputs=form)
    confirm.click(do_confirm, inputs=[session, current, lead, co, committee, channel, domain_edit, note, revise],
                  outputs=[*form, confirm_status])
    grade_button.click(do_grade, inputs=[session, current, grade, grade_reason, refer_to, merge_into],
                       outputs=[*form, confirm_status])
