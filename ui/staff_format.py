"""Markdown and table rows for the staff page, from the typed staff results (no business rule here)."""

from __future__ import annotations

from datetime import date, datetime

from assistant.clock import CHINA_TZ
from assistant.errors import InputError
from assistant.staff.models import DraftView, DuplicateRef, ItemDetail, QueuePage, RoutingView, TriageReport
from assistant.staff.queue import SOURCE_ZH, STATUS_ZH
from ui.formatting import escape_md

QUEUE_HEADERS = ["受理编号", "标题", "状态", "来源", "领域", "是否受理", "主办单位", "分办", "提交时间"]
TRIAGE_HEADERS = ["序号", "行号", "受理编号", "标题", "是否受理", "类别", "去向", "领域", "主办单位", "协办单位",
                  "重复组", "说明"]
DETAIL_TEXT_CHARS = 3000
DUPLICATE_KIND_ZH = {"idea": "金点子", "item": "往期留言", "row": "本批第"}
BACKEND_ZH = {"offline": "离线引擎", "offline (fallback)": "离线引擎：大模型不可用，已回退"}


def local_time(value: datetime | None) -> str:
    """Beijing time, to the minute."""
    return value.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M") if value else ""


def parse_day(text: str | None, what: str) -> date | None:
    """``YYYY-MM-DD`` (or empty) → date; InputError with a Chinese message otherwise."""
    value = (text or "").strip().replace("/", "-").replace(".", "-")
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{what}格式不对：请写成 2026-01-31 这样的日期。", f"bad date {value!r}") from None


def _scope(in_scope: bool | None, category: str | None) -> str:
    if in_scope is None:
        return "未筛查"
    return "受理" if in_scope else f"不受理（{category or '—'}）"


def queue_rows(page: QueuePage) -> list[list[str]]:
    """Table rows of one queue page."""
    return [
        [
            r.receipt_no, r.title, STATUS_ZH.get(r.status, r.status), SOURCE_ZH.get(r.source, r.source),
            r.domain or "—", _scope(r.in_scope, r.category), r.main_unit or "—",
            "已确认" if r.confirmed else ("待确认" if r.main_unit else "—"), local_time(r.created_at),
        ]
        for r in page.rows
    ]


def page_label(page: QueuePage) -> str:
    """“第 1/3 页，共 45 条”."""
    return f"第 {page.page}/{page.pages} 页，共 {page.total} 条"


def _routing_md(routing: RoutingView) -> list[str]:
    backend = BACKEND_ZH.get(routing.backend or "offline", f"大模型 {routing.backend}")
    lines = [f"#### 分办建议（{escape_md(backend)}）"]
    if routing.domain:
        lines.append(f"- 领域：**{escape_md(routing.domain)}**")
    if routing.units:
        lines.append("")
        lines.append("| 角色 | 承办单位 | 得分 | 理由 |")
        lines.append("|---|---|---|---|")
        for u in routing.units:
            score = f"{u.score:.2f}" if u.score is not None else "—"
            lines.append(f"| {u.role} | {escape_md(u.name)} | {score} | {escape_md(u.reason or '')} |")
        lines.append("")
    else:
        lines.append("- 没有自动分办建议，请人工指定承办单位。")
    if routing.committee:
        lines.append(f"- 对口专委会：**{escape_md(routing.committee)}**　{escape_md(routing.committee_reason or '')}")
    if routing.channel:
        lines.append(f"- 处理通道：**{escape_md(routing.channel)}**　{escape_md(routing.channel_reason or '')}")
    if routing.linkage_reason:
        lines.append(f"- 上下联动：{escape_md(routing.linkage_reason)}")
    if routing.abstain:
        lines.append(f"- **注意：建议人工分办**：{escape_md(routing.abstain_reason or '自动建议把握不大。')}")
    if routing.confirmed:
        units = "；".join(f"{u.role} {u.name}" for u in routing.final_units)
        lines.append("#### 已确认分办")
        lines.append(f"- {escape_md(units)}")
        if routing.final_committee:
            lines.append(f"- 对口专委会：{escape_md(routing.final_committee)}")
        if routing.final_channel:
            lines.append(f"- 处理通道：{escape_md(routing.final_channel)}")
        if routing.note:
            lines.append(f"- 备注：{escape_md(routing.note)}")
        lines.append(f"- 确认人：{escape_md(routing.confirmed_by or '—')}，{local_time(routing.confirmed_at)}")
    return lines


def _draft_md(draft: DraftView | None) -> list[str]:
    if draft is None:
        return ["#### 提案草稿", "- 还没有草稿。"]
    note = f"（{escape_md(draft.note)}）" if draft.note else ""
    lines = [f"#### 提案草稿（第 {draft.version_no} 版{note}）", f"**{escape_md(draft.title)}**", "", "**情况分析**"]
    lines += [f"{i}. {escape_md(p)}" for i, p in enumerate(draft.analysis, 1)] or ["- （空）"]
    lines += ["", "**具体建议**"]
    lines += [f"{i}. {escape_md(p)}" for i, p in enumerate(draft.suggestions, 1)] or ["- （空）"]
    lines.append("")
    return lines


def _duplicates_md(refs: list[DuplicateRef]) -> list[str]:
    lines = ["#### 疑似重复"]
    if not refs:
        return [*lines, "- 未发现与其他金点子或往期留言高度相似的内容。"]
    for r in refs:
        kind = DUPLICATE_KIND_ZH.get(r.kind, r.kind)
        lines.append(f"- {kind} {escape_md(r.ref)}：{escape_md(r.title)}（相似度 {r.similarity:.0%}）")
    return lines


def contact_markdown(name: str | None, phone: str | None, occupation: str | None, address: str | None) -> str:
    """A citizen's contact details (shown only after 「显示联系方式」; the view is audited)."""
    return "\n".join([
        "#### 联系方式（本次查看已记录）",
        f"- 姓名：{escape_md(name or '—')}",
        f"- 联系电话：{escape_md(phone or '—')}",
        f"- 职业：{escape_md(occupation or '—')}",
        f"- 联系地址：{escape_md(address or '—')}",
    ])


def detail_markdown(item: ItemDetail) -> str:
    """The whole detail view of one idea."""
    text = item.text if len(item.text) <= DETAIL_TEXT_CHARS else item.text[:DETAIL_TEXT_CHARS] + "……"
    lines = [
        f"### {escape_md(item.receipt_no)}　{escape_md(item.title)}",
        f"状态：**{STATUS_ZH.get(item.status, item.status)}**　来源：{SOURCE_ZH.get(item.source, item.source)}"
        + (f"（第 {item.import_row} 行）" if item.import_row else "")
        + f"　提交时间：{local_time(item.created_at)}",
        "",
        "#### 市民原文",
        "> " + escape_md(text).replace("\n", "\n> "),
        "",
        *_draft_md(item.draft),
    ]
    s = item.screening
    if s is None:
        lines.append("#### 范围审查\n- 尚未筛查。")
    else:
        lines.append("#### 范围审查")
        lines.append(f"- 结论：**{_scope(s.in_scope, s.category)}**"
                     + (f"（把握 {s.confidence:.0%}）" if s.confidence is not None else ""))
        if s.reason:
            lines.append(f"- 理由：{escape_md(s.reason)}")
        if s.redirect:
            lines.append(f"- 建议去向：{escape_md(s.redirect)}")
        if s.reframe:
            lines.append(f"- 改写提示：{escape_md(s.reframe)}")
    if item.routing is not None:
        lines.extend(_routing_md(item.routing))
    else:
        lines += ["#### 分办建议", "- 尚无分办建议，请人工指定承办单位、对口专委会和处理通道。"]
    lines.extend(_duplicates_md(item.duplicates))
    if item.history:
        lines.append("#### 状态记录")
        for h in item.history:
            who = f"（{escape_md(h.by)}）" if h.by else ""
            note = f"：{escape_md(h.note)}" if h.note else ""
            lines.append(f"- {local_time(h.at)}　{h.to_status}{who}{note}")
    return "\n".join(lines)


def triage_rows(report: TriageReport) -> list[list[str]]:
    """Table rows of an import result."""
    return [
        [
            str(r.seq), str(r.line), r.receipt_no or "", r.title, r.verdict_zh, r.category or "", r.redirect or "",
            r.domain or "", r.main_unit or "", "、".join(r.co_units), r.duplicate_group or "", r.error or "",
        ]
        for r in report.rows
    ]
