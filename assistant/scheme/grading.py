"""Clue grading (线索分级分类): cultivate, refer as 社情民意, refer out (12345, 信访…), or merge into a 1+N cluster.

The automatic grade follows from what is already known about a clue — the screening verdict (and its redirect),
the suggested channel and whether it duplicates an earlier clue — and always comes with a reason; staff confirm or
change it (single in the queue detail, or in bulk from the triage result).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from assistant.accounts import UserSession, require_role
from assistant.errors import InputError
from assistant.storage.decisions import GRADE, DecisionStore, NewDecision
from assistant.storage.enums import IdeaStatus, Role
from assistant.storage.ideas import IdeaStore
from assistant.storage.records import IdeaRecord

if TYPE_CHECKING:
    from assistant.scheme.models import GradeEdit, GradeView

Grade = Literal["cultivate", "sqmy", "refer", "merge"]
GRADES: tuple[str, ...] = ("cultivate", "sqmy", "refer", "merge")
GRADE_ZH: dict[str, str] = {
    "cultivate": "深化培育",
    "sqmy": "转社情民意",
    "refer": "转其他渠道",
    "merge": "并入1+N",
}
SQMY_CHANNEL_KEY = "sqmy"


class DuplicateLead(BaseModel):
    """The earlier clue a clue duplicates (the lead of its 1+N group)."""

    receipt_no: str | None = None
    idea_id: int | None = None
    title: str = ""
    similarity: float = 0.0
    row: int | None = Field(default=None, description="Line of the lead in the same import file, if it is there.")


class GradeSuggestion(BaseModel):
    """A grade with its reason; ``refer_to`` for refer, ``merge_into`` for merge."""

    grade: Grade
    reason: str
    refer_to: str | None = None
    merge_into: DuplicateLead | None = None

    @property
    def grade_zh(self) -> str:
        """The grade's Chinese name."""
        return GRADE_ZH[self.grade]


def suggest_grade(
    *, in_scope: bool | None, category: str | None = None, redirect: str | None = None,
    channel_key: str | None = None, channel: str | None = None, lead: DuplicateLead | None = None,
    refer_default: str = "广州12345政务服务便民热线",
) -> GradeSuggestion:
    """The automatic grade of a clue.

    ``lead``: an earlier clue this one nearly duplicates (merge wins: the group is handled jointly). Out of scope →
    refer, to the screening's redirect channel. In scope → 社情民意 when that is the suggested channel, else cultivate.
    An unscreened clue (``in_scope`` None) is graded cultivate for staff to look at.
    """
    if lead is not None:
        ref = lead.receipt_no or (f"本批第 {lead.row} 行" if lead.row else "已有线索")
        title = f"《{lead.title[:30]}》" if lead.title else ""
        return GradeSuggestion(
            grade="merge", merge_into=lead,
            reason=f"与{ref}{title}内容高度相似（相似度 {lead.similarity:.2f}），建议并入该线索“1+N”联合办理，"
                   "办理结果一并反馈。",
        )
    if in_scope is False:
        to = (redirect or refer_default).split("：", 1)[0]
        what = f"属于“{category}”" if category else "不属于“百姓提案”范围"
        return GradeSuggestion(
            grade="refer", refer_to=to,
            reason=f"范围审查认为本条{what}（《广州市政协“百姓提案”工作方案》四（一）），建议转“{to}”办理并告知群众。",
        )
    if in_scope is None:
        return GradeSuggestion(grade="cultivate", reason="尚未完成范围审查，暂按培育线索登记，请工作人员审查后分级。")
    if channel_key == SQMY_CHANNEL_KEY:
        return GradeSuggestion(
            grade="sqmy",
            reason=f"属于“百姓提案”范围，但以反映情况为主，建议通道为“{channel or '摘编社情民意信息'}”，"
                   "转联络委摘编为《社情民意》。",
        )
    return GradeSuggestion(
        grade="cultivate",
        reason=f"属于“百姓提案”范围，建议通道为“{channel or '深化培育'}”，交对口专委会培育。",
    )


# --- the staff service --------------------------------------------------------------------------------
MAX_REASON = 500
MAX_TARGET = 100


class GradingService:
    """Staff grade a clue (single, from the queue detail) with a reason; every grade is kept as history."""

    def __init__(self, decisions: DecisionStore, ideas: IdeaStore,
                 find_lead: Callable[[IdeaRecord], DuplicateLead | None] | None = None,
                 refer_default: str = "广州12345政务服务便民热线") -> None:
        self.decisions = decisions
        self.ideas = ideas
        self.find_lead = find_lead
        self.refer_default = refer_default

    def _idea(self, idea_id: int) -> IdeaRecord:
        idea = self.ideas.idea(idea_id)
        if idea.status is IdeaStatus.DRAFT:
            raise InputError("市民尚未提交的草稿不能分级。", f"idea {idea_id} is a draft")
        return idea

    def view(self, actor: UserSession | None, idea_id: int) -> GradeView:
        """The current grade and its history."""
        from assistant.scheme.models import GradeEntry, GradeView

        require_role(actor, Role.STAFF)
        idea = self._idea(idea_id)
        history = self.decisions.history(idea_id, GRADE)
        current = history[-1] if history else None
        return GradeView(
            idea_id=idea.id, receipt_no=idea.receipt_no or "", grade=current.value if current else None,  # type: ignore[arg-type]
            reason=current.reason if current else None, auto=bool(current and current.auto),
            refer_to=current.details.get("refer_to") if current else None,
            merge_into=current.details.get("merge_into") if current else None,
            by=current.by_name if current else None, at=current.at if current else None,
            history=[GradeEntry(grade=GRADE_ZH.get(d.value, d.value), reason=d.reason, auto=d.auto, by=d.by_name,
                                at=d.at) for d in history],
        )

    def suggest(self, actor: UserSession | None, idea_id: int, *, in_scope: bool | None, category: str | None,
                redirect: str | None, channel_key: str | None, channel: str | None) -> GradeSuggestion:
        """The automatic grade of a stored clue (duplicates looked up among the other clues)."""
        require_role(actor, Role.STAFF)
        idea = self._idea(idea_id)
        lead = self.find_lead(idea) if self.find_lead is not None else None
        return suggest_grade(in_scope=in_scope, category=category, redirect=redirect, channel_key=channel_key,
                             channel=channel, lead=lead, refer_default=self.refer_default)

    def grade(self, actor: UserSession | None, idea_id: int, edit: GradeEdit) -> GradeView:
        """Store the staff's grade; refer moves the idea to "referred" (recorded with the reason)."""
        staff = require_role(actor, Role.STAFF)
        idea = self._idea(idea_id)
        reason = (edit.reason or "").strip()
        if not reason:
            raise InputError("请填写分级理由（例如“属于个人诉求，转12345办理”）。", "no reason")
        if len(reason) > MAX_REASON:
            raise InputError(f"分级理由太长（{len(reason)} 字），请精简到 {MAX_REASON} 字以内。", "long reason")
        details: dict[str, object] = {}
        move: IdeaStatus | None = None
        note = f"线索分级：{GRADE_ZH[edit.grade]}"
        if edit.grade == "refer":
            target = (edit.refer_to or "").strip() or self.refer_default
            if len(target) > MAX_TARGET:
                raise InputError("转办渠道名称太长，请精简。", "long refer_to")
            details["refer_to"] = target
            move, note = IdeaStatus.REFERRED, f"线索分级：转“{target}”办理。{reason}"
        elif edit.grade == "merge":
            receipt = (edit.merge_into or "").strip().upper()
            lead = self.ideas.by_receipt(receipt) if receipt else None
            if lead is None:
                raise InputError("请填写要并入的牵头线索的受理编号（如 BX-2026-000123）。", f"no lead {receipt!r}")
            if lead.id == idea.id:
                raise InputError("不能并入自己，请填写另一条线索的受理编号。", "merge into self")
            details["merge_into"] = lead.receipt_no
            details["merge_into_id"] = lead.id
        self.decisions.record(NewDecision(idea_id=idea.id, kind=GRADE, value=edit.grade, reason=reason,
                                          details=details, auto=False, move_to=move, move_note=note),
                              user_id=staff.user_id)
        return self.view(staff, idea.id)

    def record_auto(self, suggestions: Sequence[tuple[int, GradeSuggestion]], *, user_id: int | None,
                    only_ungraded: bool = True) -> int:
        """Store automatic grades (triage); ideas that already have a grade keep it. Returns how many were stored."""
        done = self.decisions.latest_for(GRADE, [i for i, _ in suggestions]) if only_ungraded else {}
        rows = [NewDecision(idea_id=i, kind=GRADE, value=g.grade, reason=g.reason, auto=True,
                            details={"refer_to": g.refer_to} if g.refer_to else
                            ({"merge_into": g.merge_into.receipt_no, "merge_into_id": g.merge_into.idea_id}
                             if g.merge_into else {}))
                for i, g in suggestions if i not in done]
        return self.decisions.record_many(rows, user_id=user_id)
