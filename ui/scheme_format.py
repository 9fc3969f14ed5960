"""Markdown and table rows for the scheme tabs, from the typed scheme results (no business rule here)."""

from __future__ import annotations

from assistant.scheme.models import (
    ChannelAdvice,
    CitizenStatus,
    GradeView,
    HandlingItemView,
    HandlingView,
    MemberPage,
    MembersReport,
    SelectionResult,
)
from ui.formatting import escape_md
from ui.proposal_view import when

ITEM_HEADERS = ["受理编号", "标题", "承办单位", "督办级别", "答复期限", "超期天数", "状态"]
CANDIDATE_HEADERS = ["名次", "受理编号", "标题", "选题内容", "办理成果", "社会效应", "综合得分", "证书编号"]
MEMBER_HEADERS = ["委员", "收集报送", "参与培育", "形成提案", "达标（≥1）"]
COMMITTEE_HEADERS = ["专门委员会", "对口金点子", "深化培育/直通车", "形成提案", "精品", "达标（≥2）"]
MY_IDEA_HEADERS = ["受理编号", "标题", "状态", "处理通道", "草稿编号", "答复", "市民评价"]


def grade_markdown(view: GradeView) -> str:
    """The current grade and its history."""
    lines = [f"#### 线索分级：**{view.grade_zh}**" + ("（系统建议，待确认）" if view.auto else "")]
    if view.reason:
        lines.append(f"- 理由：{escape_md(view.reason)}")
    if view.refer_to:
        lines.append(f"- 转办渠道：{escape_md(view.refer_to)}")
    if view.merge_into:
        lines.append(f"- 并入牵头线索：{escape_md(view.merge_into)}")
    if view.history:
        lines.append("")
        lines += [f"- {when(h.at)}　{h.grade}（{'系统' if h.auto else escape_md(h.by or '工作人员')}）："
                  f"{escape_md(h.reason or '')}" for h in view.history]
    return "\n".join(lines)


def advice_markdown(advice: ChannelAdvice) -> str:
    """The channel advice with probabilities, research needs, the 社情民意 digest and 上下联动."""
    draft = f"（已读草稿，质量总分 {advice.draft_total}/25）" if advice.draft_total is not None else "（尚无草稿）"
    lines = [f"#### 建议处理通道：**{escape_md(advice.channel)}**{draft}", f"- 理由：{escape_md(advice.reason)}",
             "- 各通道可能性：" + "，".join(f"{escape_md(k)} {v:.0%}" for k, v in advice.probabilities.items())]
    if advice.confirmed_channel:
        lines.append(f"- 已确认的通道：{escape_md(advice.confirmed_channel)}（可在「待办队列」修改）")
    if advice.committee:
        lines.append(f"- 对口专委会：{escape_md(advice.committee)}")
    if advice.research:
        lines.append("- 建议专委会调研：" + "；".join(escape_md(r) for r in advice.research))
    if advice.express_note:
        lines.append(f"- “直通车”：{escape_md(advice.express_note)}")
    if advice.linkage_reason:
        lines.append(f"- **上下联动**：{escape_md(advice.linkage_reason)}")
    if advice.sqmy is not None:
        d = advice.sqmy
        lines += ["", f"##### 《社情民意》摘编：{escape_md(d.title)}", "**情况**"]
        lines += [f"{n}. {escape_md(p)}" for n, p in enumerate(d.situation, 1)]
        lines.append("**建议**")
        lines += [f"{n}. {escape_md(p)}" for n, p in enumerate(d.suggestions, 1)] or [escape_md(d.note or "")]
        lines.append(escape_md(d.source))
    return "\n".join(lines)


def item_rows(items: list[HandlingItemView]) -> list[list[str]]:
    """Table rows of assignments."""
    return [[i.receipt_no, i.title, i.unit, i.level_zh, i.deadline.isoformat(), str(i.overdue_days or ""),
             i.status_zh] for i in items]


def handling_markdown(view: HandlingView) -> str:
    """An idea's assignments, replies and ratings."""
    lines = [f"### {escape_md(view.receipt_no)}　{escape_md(view.title)}", f"状态：**{view.status_zh}**"
             + (f"　主办单位：{escape_md(view.main_unit)}" if view.main_unit else "")]
    if view.items:
        lines.append("#### 交办与督办")
        lines += [f"- {escape_md(i.unit)}（{i.level_zh}），期限 {i.deadline.isoformat()}，{i.status_zh}"
                  + (f"，**超期 {i.overdue_days} 天**" if i.overdue_days else "") for i in view.items]
    if view.replies:
        lines.append("#### 答复")
        lines += [f"- {r.replied_on.isoformat()} {escape_md(r.unit)}（{r.result_zh}）：{escape_md(r.content)}"
                  for r in view.replies]
    if view.feedback:
        lines.append("#### 市民评价")
        lines += [f"- {when(f.at)} **{f.rating}**" + (f"：{escape_md(f.comment)}" if f.comment else "")
                  for f in view.feedback]
    return "\n".join(lines)


def citizen_markdown(view: CitizenStatus) -> str:
    """What a citizen sees: status, history, replies, next steps, ratings (no personal data)."""
    lines = [f"**{escape_md(view.receipt_no)}**｜{escape_md(view.title)}", f"当前状态：**{view.status_zh}**", ""]
    lines += [f"- {when(h.at)}　{h.status_zh}" for h in view.history]
    if view.grade_note:
        lines += ["", escape_md(view.grade_note)]
    if view.replies:
        lines += ["", "#### 承办单位答复"]
        lines += [f"- {r.replied_on.isoformat()} **{escape_md(r.unit)}**（{r.result_zh}）：{escape_md(r.content)}"
                  for r in view.replies]
    if view.next_steps:
        lines += ["", "#### 下一步"] + [f"- {escape_md(s)}" for s in view.next_steps]
    if view.feedback:
        lines += ["", "#### 您的评价"] + [f"- {when(f.at)} {f.rating}" + (f"：{escape_md(f.comment)}"
                                                                        if f.comment else "") for f in view.feedback]
    return "\n".join(lines)


def member_rows(page: MemberPage) -> list[list[str]]:
    """The member's own ideas."""
    return [[i.receipt_no, i.title, i.status_zh, i.channel or "—", str(i.draft_id or ""), i.reply or "",
             i.feedback or ""] for i in page.ideas]


def notices_markdown(page: MemberPage) -> str:
    """The member's notices, newest first."""
    if not page.notices:
        return "_暂无提醒。_"
    head = f"**未读提醒 {page.unread} 条**" if page.unread else "没有未读提醒"
    return "\n".join([head, ""] + [f"- {'🔔 ' if not n.read else ''}{when(n.at)}　{escape_md(n.message)}"
                                   for n in page.notices])


def candidate_rows(result: SelectionResult) -> list[list[str]]:
    """The ranking, the selected first."""
    return [[str(c.rank), c.receipt_no, c.title, f"{c.content:.2f}", f"{c.outcome:.1f}", f"{c.social:.1f}",
             f"{c.score:.3f}", c.certificate_no] for c in (result.selected or result.candidates)]


def report_rows(report: MembersReport) -> tuple[list[list[str]], list[list[str]]]:
    """Members' and committees' tables."""
    members = [[m.name, str(m.ideas_collected), str(m.ideas_cultivated), str(m.proposals),
                "是" if m.meets_minimum else "否"] for m in report.members]
    committees = [[c.committee, str(c.ideas), str(c.cultivating), str(c.proposals), str(c.boutique),
                   "是" if c.meets_minimum else "否"] for c in report.committees]
    return members, committees
