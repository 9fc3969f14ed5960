"""The citizen's side after submitting: status with the units' replies and next steps, and a satisfaction rating.

The look-up is the citizen workflow's (receipt number + the phone given when submitting); this service adds what
happened after routing. Citizens do not log in, so every call checks the receipt and the phone again.
"""

from __future__ import annotations

from collections.abc import Callable

from assistant.errors import InputError, NotFoundError
from assistant.scheme.catalogue import SchemeCatalogue
from assistant.scheme.models import RATINGS, CitizenStatus, CitizenStep, FeedbackView, ReplyView
from assistant.storage.decisions import GRADE, DecisionStore
from assistant.storage.enums import IdeaStatus
from assistant.storage.handling import OPEN, HandlingStore
from assistant.storage.ideas import IdeaStore
from assistant.storage.records import IdeaRecord
from assistant.textinput import clean_text
from assistant.workflow.models import StatusView

MAX_COMMENT = 500
StatusLookup = Callable[[str, str], StatusView]
"""``CitizenWorkflow.status``: (receipt number, phone) → the public status, NotFoundError on a mismatch."""


class CitizenFeedbackService:
    """Status with replies and next steps, and the satisfaction rating, for citizens (receipt number + phone)."""

    def __init__(self, lookup: StatusLookup, ideas: IdeaStore, handling: HandlingStore, decisions: DecisionStore,
                 catalogue: SchemeCatalogue) -> None:
        self.lookup = lookup
        self.ideas = ideas
        self.handling = handling
        self.decisions = decisions
        self.catalogue = catalogue

    def _idea(self, receipt_no: str, phone: str) -> tuple[StatusView, IdeaRecord]:
        view = self.lookup(receipt_no, phone)  # checks the format, the receipt and the phone
        idea = self.ideas.by_receipt(view.receipt_no)
        if idea is None:
            raise NotFoundError("没有找到这条金点子，请核对受理编号。", f"receipt {view.receipt_no}")
        return view, idea

    def status(self, receipt_no: str, phone: str) -> CitizenStatus:
        """Status, history, the units' replies, what happens next, and whether a rating can be given."""
        view, idea = self._idea(receipt_no, phone)
        replies = [ReplyView(reply_id=r.id, unit=r.unit, content=r.content, result=r.result,
                             result_zh=self.catalogue.handling_results.get(r.result, r.result),
                             replied_on=r.replied_on, source=r.source) for r in self.handling.replies(idea.id)]
        feedback = [FeedbackView(rating=f.rating, comment=f.comment, at=f.created_at)
                    for f in self.handling.feedbacks(idea.id)]
        grade = self.decisions.latest(idea.id, GRADE)
        grade_note = None
        if grade is not None and not grade.auto and grade.value == "merge" and grade.details.get("merge_into"):
            grade_note = f"您的金点子已与 {grade.details['merge_into']} 合并，“1+N”联合办理，办理结果一并反馈。"
        return CitizenStatus(
            receipt_no=view.receipt_no, title=view.title, status=view.status, status_zh=view.status_zh,
            created_at=view.created_at, grade_note=grade_note,
            history=[CitizenStep(at=h.at, status_zh=h.status_zh, note=h.note) for h in view.history],
            replies=replies, next_steps=self._next(idea, grade.details if grade and not grade.auto else {}, replies),
            can_rate=bool(replies) and idea.status in (IdeaStatus.REPLIED, IdeaStatus.CLOSED), feedback=feedback,
        )

    def _next(self, idea: IdeaRecord, grade: dict[str, object], replies: list[ReplyView]) -> list[str]:
        s = idea.status
        if s in (IdeaStatus.SUBMITTED, IdeaStatus.SCREENED):
            return ["工作人员将对您的金点子进行分级和分办，确定处理通道和承办单位；您可随时用受理编号和电话查询进度。"]
        if s is IdeaStatus.REFERRED:
            to = grade.get("refer_to") or "其他渠道"
            return [f"您反映的事项已转“{to}”办理，请通过该渠道跟进办理进度。"]
        if s is IdeaStatus.ROUTED:
            return ["已确定承办单位和处理通道，下一步将交承办单位办理或由政协委员培育成提案。"]
        if s is IdeaStatus.IN_CULTIVATION:
            return ["政协委员正在把您的金点子培育成提案，可能会联系您了解情况。"]
        if s is IdeaStatus.PROPOSAL:
            return ["您的金点子已形成“百姓提案”，下一步将交承办单位办理。"]
        if s is IdeaStatus.HANDLING:
            items = [i for i in self.handling.items(idea.id) if i.status == OPEN]
            if items:
                units = "、".join(dict.fromkeys(i.unit for i in items))
                due = min(i.deadline for i in items)
                return [f"已交{units}办理，答复期限为 {due.isoformat()}。答复后可在此查看并评价。"]
            return ["承办单位正在办理，答复后可在此查看并评价。"]
        if s is IdeaStatus.REPLIED:
            return ["承办单位已答复（见下方），请对办理结果作出评价：满意、基本满意或不满意，可附上意见。",
                    "如不满意，请写明原因，工作人员会据此跟进。"]
        if s is IdeaStatus.CLOSED:
            steps = ["已办结，感谢您的参与。"]
            if replies:
                steps.append("如对办理结果还有意见，仍可在此评价。")
            return steps
        return []

    def rate(self, receipt_no: str, phone: str, rating: str, comment: str = "") -> CitizenStatus:
        """Record the citizen's satisfaction with the latest reply (the members who cultivated it are told)."""
        if rating not in RATINGS:
            raise InputError("请选择评价：满意、基本满意或不满意。", f"rating {rating!r}")
        text = (comment or "").strip()
        if text:
            text = clean_text(text, MAX_COMMENT, "评价意见")
        if rating == "不满意" and not text:
            raise InputError("选择“不满意”时请简要写明原因，便于工作人员跟进。", "no comment")
        _, idea = self._idea(receipt_no, phone)
        if idea.status not in (IdeaStatus.REPLIED, IdeaStatus.CLOSED):
            raise InputError("承办单位答复后才能评价办理结果。", f"status {idea.status}")

        def told(record: IdeaRecord) -> str:
            return f"市民对金点子 {record.receipt_no}《{record.display_title}》的办理结果评价为“{rating}”。"

        self.handling.feedback(idea.id, rating=rating, comment=text or None, notice=told)
        return self.status(receipt_no, phone)

