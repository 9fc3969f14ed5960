"""Markdown views of workflow results (verdicts, drafts, sources, rubric, edits, versions); no rules here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone

from assistant.cultivation.models import DraftProposal
from assistant.cultivation.polish import Edit
from assistant.cultivation.rubric import QualityReport
from assistant.review import IdeaReview
from assistant.workflow import DuplicateCheck, Receipt, StatusView, VersionInfo
from ui.formatting import escape_md

CHINA = timezone(timedelta(hours=8))
KIND_ZH = {"item": "往期留言", "proposal": "往期提案", "policy": "政策条文"}


def when(value: object) -> str:
    """A stored UTC time in Beijing time."""
    if not isinstance(value, datetime):
        return str(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def points_text(points: Sequence[str]) -> str:
    """Points for an editable box: one per line."""
    return "\n".join(points)


def text_points(text: str | None) -> list[str]:
    """Lines of an editable box back into points."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def verdict_markdown(review: IdeaReview) -> str:
    """The screening verdict; out of scope: category, reason, clause and where to go instead."""
    v = review.verdict
    if v.in_scope:
        lines = ["### 属于“百姓提案”范围", escape_md(v.reason)]
        if review.decision is not None:
            d = review.decision
            units = "、".join(u.name for u in d.units[:3])
            where = f"；可能的承办单位：{escape_md(units)}" if units else ""
            lines.append(f"- 所属领域：{escape_md(d.domain)}{where}")
        if v.warning:
            lines.append(f"> ⚠ {escape_md(v.warning)}")
        lines.append("助手已根据您的想法起草了提案，请在下方查看和修改。")
        return "\n\n".join(lines)
    lines = [
        "### ⚠ 这条内容不属于“百姓提案”范围",
        f"**类别：** {escape_md(v.category or '')}",
        f"**原因：** {escape_md(v.reason)}",
        f"**依据：** {escape_md(v.clause)}",
    ]
    if v.redirect is not None:
        r = v.redirect
        lines.append(f"**建议您前往：{escape_md(r.channel)}**\n\n- 受理事项：{escape_md(r.purpose)}\n"
                     f"- 联系方式：{escape_md(r.how)}")
    if v.reframe:
        lines.append(f"**也可以改写为提案：** {escape_md(v.reframe)}\n\n点击下方“改写为提案”，把这个思路填入输入框。")
    return "\n\n".join(lines)


def stream_markdown(partial: str) -> str:
    """The draft text while the model writes it."""
    return "**正在撰写草稿……**\n\n" + escape_md(partial).replace("\n", "  \n")


def sources_markdown(draft: DraftProposal) -> str:
    """Where the draft comes from: policy articles and similar past items with what was done about them."""
    if not draft.sources:
        return "#### 草稿依据\n\n_没有找到可引用的政策条文或相似的往期留言；草稿只依据您的原话。_"
    grouped: dict[str, tuple[str, list[str], str | None]] = {}
    for s in draft.sources:
        kind, used, reply = grouped.get(s.citation, (s.kind, [], s.reply_summary))
        grouped[s.citation] = (kind, [*used, s.used_for], reply or s.reply_summary)
    lines = ["#### 草稿依据（政策条文、相似往期留言及办理情况）"]
    for citation, (kind, used, reply) in grouped.items():
        label = KIND_ZH.get(kind, kind)
        name = citation if citation.startswith(label) else f"{label}：{citation}"
        line = f"- {escape_md(name)}（用于{escape_md('、'.join(dict.fromkeys(used)))}）"
        if reply:
            line += f"\n  - 已采取的措施：{escape_md(reply)}"
        lines.append(line)
    return "\n".join(lines)


def notes_markdown(draft: DraftProposal) -> str:
    """What the engine changed and soft warnings, if any."""
    items = [*draft.notes, *(w.message for w in draft.warnings if w.code != "proposer_missing")]
    if not items:
        return ""
    return "<small>" + "；".join(escape_md(x) for x in dict.fromkeys(items)) + "</small>"


def draft_markdown(draft: DraftProposal, show_contact: bool = False) -> str:
    """A read-only view of a draft in the 附件1 order."""
    p = draft.proposer
    lines = [f"### {escape_md(draft.title)}", "**一、情况分析**"]
    lines += [f"{i}. {escape_md(x)}" for i, x in enumerate(draft.analysis, start=1)]
    lines.append("\n**二、具体建议**")
    lines += [f"{i}. {escape_md(x)}" for i, x in enumerate(draft.suggestions, start=1)]
    proposer = escape_md(p.name) or "（未填写）"
    if p.occupation:
        proposer += f"，{escape_md(p.occupation)}"
    if show_contact and p.phone:
        proposer += f"，{escape_md(p.phone)}"
    lines.append(f"\n**提出者：** {proposer}\n\n**备注：** {escape_md(draft.remarks) or '（无）'}")
    return "\n".join(lines)


def receipt_markdown(receipt: Receipt) -> str:
    """The submission confirmation."""
    return (f"### 提交成功\n\n您的受理编号：**{receipt.receipt_no}**\n\n当前状态：{receipt.status_zh}。"
            "请记下受理编号，之后可在本页“查询办理进度”中查询。")


def status_markdown(view: StatusView) -> str:
    """The public status of an idea."""
    lines = [f"**{view.receipt_no}**｜{escape_md(view.title)}", f"当前状态：**{view.status_zh}**", ""]
    lines += [f"- {when(h.at)}　{h.status_zh}" for h in view.history]
    return "\n".join(lines)


def rubric_markdown(report: QualityReport, version_no: int) -> str:
    """Five rubric scores with reasons and the total."""
    lines = [f"#### 质量评分（第{version_no}版）：{report.total}/25，{report.grade()}"]
    lines += [f"- **{d.name}** {d.score}/5：{escape_md(d.reason)}" for d in report.dimensions]
    return "\n".join(lines)


def edits_markdown(edits: Sequence[Edit]) -> str:
    """Suggested edits as diffs."""
    if not edits:
        return "_没有修改建议：草稿已符合规范。_"
    blocks = []
    for e in edits:
        blocks.append(f"**{e.id}**：{escape_md(e.reason)}\n\n```diff\n{e.diff}\n```")
    return "\n\n".join(blocks)


def edit_choices(edits: Sequence[Edit]) -> list[tuple[str, str]]:
    """Check-box labels and values of the suggested edits."""
    return [(f"{e.id}：{e.reason}", e.id) for e in edits]


def versions_markdown(versions: Sequence[VersionInfo]) -> str:
    """Version history, newest first."""
    if not versions:
        return "_还没有版本。_"
    lines = ["#### 版本记录"]
    for v in reversed(versions):
        note = f"：{escape_md(v.note)}" if v.note else ""
        lines.append(f"- 第{v.version_no}版　{when(v.created_at)}　{escape_md(v.author)}{note}")
    return "\n".join(lines)


def credited_markdown(credited: Sequence[str]) -> str:
    """群众署名: the citizens a draft comes from."""
    if not credited:
        return "**群众署名：** 无（委员自行导入的草稿）"
    return "**群众署名（须随提案一并注明）：**\n" + "\n".join(f"- {escape_md(c)}" for c in credited)


def diff_markdown(diff: str) -> str:
    """A unified diff between versions."""
    return f"```diff\n{diff}\n```" if diff else "_两个版本内容相同。_"


def duplicates_markdown(check: DuplicateCheck) -> str:
    """Novelty summary, closest past items and what their replies said."""
    lines = [f"#### 重复检查\n\n{escape_md(check.novelty.summary)}"]
    for hit in check.items[:5]:
        line = f"- {escape_md(hit.citation)}"
        if hit.reply:
            reply = hit.reply if len(hit.reply) <= 120 else hit.reply[:120] + "……"
            line += f"\n  - 答复：{escape_md(reply)}"
        lines.append(line)
    return "\n".join(lines)
