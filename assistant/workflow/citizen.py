"""The citizen's path: idea → screening verdict → questions → draft with sources → edit → submit → receipt.

The first draft is stored with its idea (a draft, no receipt number yet) as soon as it exists, and every round
or edit after it as a version, so nothing the citizen typed is lost when a later step fails. A receipt number is
issued only when the citizen submits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from assistant.cultivation.docx_io import export_docx
from assistant.cultivation.models import Attribution, DraftProposal, Proposer, SessionState
from assistant.cultivation.service import CultivationService
from assistant.cultivation.sessions import citizen_info, version_content
from assistant.cultivation.spec import DraftingRequest
from assistant.cultivation.validator import enforce
from assistant.errors import InputError, NotFoundError
from assistant.review import IdeaReview, IdeaReviewService, review_record
from assistant.storage.enums import IdeaSource
from assistant.storage.ideas import IdeaStore
from assistant.storage.lifecycle import status_zh
from assistant.storage.records import VersionContent
from assistant.tasks import TaskOutcome
from assistant.textinput import clean_text
from assistant.workflow.models import DraftUpdate, Receipt, StatusEntry, StatusView

_PHONE = re.compile(r"^[0-9+\-() ]{7,20}$")
_RECEIPT = re.compile(r"^BX-\d{4}-\d{1,9}$")
_REFRAME = re.compile(r"《(?P<title>[^》]+)》[:：](?P<hint>.+?)(?:个人诉求本身.*)?$", re.DOTALL)
SUBMIT_NOTE = "市民提交"
EDIT_NOTE = "市民修改草稿"


def _lines(points: Sequence[str]) -> list[str]:
    return [p.strip() for p in points if p and p.strip()]


def _digits(phone: str | None) -> str:
    return "".join(ch for ch in phone or "" if ch.isdigit())


def docx_filename(draft: DraftProposal, receipt_no: str | None) -> str:
    """A safe file name for a draft's Word export."""
    return f"百姓提案-{receipt_no or '草稿'}.docx"


class CitizenWorkflow:
    """Screening, drafting, editing, submitting and status look-up for citizens (no log-in)."""

    def __init__(self, reviewer: IdeaReviewService, cultivation: CultivationService, ideas: IdeaStore,
                 max_chars: int = 20000) -> None:
        self.reviewer = reviewer
        self.cultivation = cultivation
        self.ideas = ideas
        self.max_chars = max_chars

    @property
    def streaming(self) -> bool:
        """True when drafts are written by a model and streamed."""
        return self.cultivation.streaming

    # step 1: screening -----------------------------------------------------------------------------
    def review(self, text: str) -> TaskOutcome[IdeaReview]:
        """Is the idea a 百姓提案, and if not, where should the citizen go instead?"""
        return self.reviewer.review(clean_text(text, self.max_chars, "金点子内容"))

    @staticmethod
    def reframed_idea(review: TaskOutcome[IdeaReview]) -> str | None:
        """The reframing hint of an out-of-scope verdict as the text of a new, public-interest idea."""
        reframe = review.value.verdict.reframe
        if not reframe:
            return None
        match = _REFRAME.search(reframe)
        return f"{match['title']}：{match['hint'].strip()}" if match else reframe

    # step 2: first draft ---------------------------------------------------------------------------
    def _written(self, request: DraftingRequest, draft_id: int | None, round_no: int
                 ) -> Iterator[DraftUpdate | DraftProposal]:
        stream = self.cultivation.stream(request)
        for partial in stream:
            yield DraftUpdate(partial=partial, draft_id=draft_id, round=round_no)
        yield stream.outcome.value

    def start_draft(self, text: str, review: TaskOutcome[IdeaReview]) -> Iterator[DraftUpdate]:
        """Write draft round 1 (streamed with a model), then store it with the idea and its review."""
        text = clean_text(text, self.max_chars, "金点子内容")
        if not review.value.verdict.in_scope:
            raise InputError("这条内容不属于“百姓提案”的范围，请按提示前往相应渠道反映。", "out of scope")
        decision = review.value.decision
        request = self.cultivation.request(text, routing=decision)
        draft: DraftProposal | None = None
        for step in self._written(request, None, 1):
            if isinstance(step, DraftUpdate):
                yield step
            else:
                draft = step
        assert draft is not None
        state = self.cultivation.start(text, draft, review=review_record(review.value), routing=decision,
                                       source=IdeaSource.WEB)
        yield DraftUpdate(draft=state.draft, draft_id=state.draft_id, round=1)

    # step 3: answers and edits ---------------------------------------------------------------------
    def redraft(self, draft_id: int, answers: Mapping[str, str]) -> Iterator[DraftUpdate]:
        """Redraft with the citizen's answers to the questions; stores the next round."""
        state = self.cultivation.resume(draft_id)
        given = {k: v.strip() for k, v in answers.items() if v and v.strip()}
        if not given:
            raise InputError("请至少回答一个问题，再点“根据回答完善草稿”。", "no answers")
        merged = {**state.answers, **given}
        request = self.cultivation.request(state.idea_text, answers=merged, proposer=state.draft.proposer,
                                           attribution=state.draft.attribution,
                                           asked={q.element for q in state.draft.questions}, routing=state.routing)
        draft: DraftProposal | None = None
        for step in self._written(request, draft_id, state.round):
            if isinstance(step, DraftUpdate):
                yield step
            else:
                draft = step
        assert draft is not None
        state = state.model_copy(update={"answers": merged, "round": state.round + 1, "draft": draft})
        self.cultivation.add_version(state, note=f"培育第{state.round}轮：根据补充回答修改")
        yield DraftUpdate(draft=state.draft, draft_id=draft_id, round=state.round)

    def save_edit(
        self, draft_id: int, title: str, analysis: Sequence[str], suggestions: Sequence[str]
    ) -> DraftProposal:
        """Store the citizen's edits as a new version (no version when nothing changed)."""
        state = self.cultivation.resume(draft_id)
        edited = self._edited(state, title, analysis, suggestions)
        if edited.proposal_dict() != state.draft.proposal_dict():
            state = state.model_copy(update={"draft": edited})
            self.cultivation.add_version(state, note=EDIT_NOTE)
        return state.draft

    def _edited(self, state: SessionState, title: str, analysis: Sequence[str], suggestions: Sequence[str]
                ) -> DraftProposal:
        title = clean_text(title, 300, "标题")
        analysis, suggestions = _lines(analysis), _lines(suggestions)
        if not suggestions:
            raise InputError("“具体建议”不能为空，请至少写一条建议。", "no suggestions")
        for text in (*analysis, *suggestions):
            clean_text(text, self.max_chars, "草稿内容")
        draft = state.draft.model_copy(update={"title": title, "analysis": analysis, "suggestions": suggestions})
        if draft.proposal_dict() == state.draft.proposal_dict():
            return state.draft
        return enforce(draft, state.idea_text)

    # step 4: submit ----------------------------------------------------------------------------------
    def submit(
        self,
        draft_id: int,
        citizen: Proposer,
        title: str,
        analysis: Sequence[str],
        suggestions: Sequence[str],
        *,
        idempotency_key: str | None = None,
    ) -> Receipt:
        """Store the final text, the citizen's details and a receipt number in one transaction."""
        citizen = self._checked_citizen(citizen)
        state = self.cultivation.resume(draft_id)
        if state.idea_id is None:
            raise NotFoundError("没有找到这份草稿对应的金点子，请重新起草。", f"draft {draft_id} has no idea")
        edited = self._edited(state, title, analysis, suggestions)

        def final(receipt_no: str) -> VersionContent:
            attribution = Attribution(idea_id=state.idea_id, receipt_no=receipt_no, citizen=citizen,
                                      idea_excerpt=state.idea_text[:200])
            draft = edited.model_copy(update={"proposer": citizen, "attribution": attribution,
                                              "remarks": self.cultivation.drafter.remarks(attribution)})
            return version_content(state.model_copy(update={"draft": enforce(draft, state.idea_text)}))

        done = self.ideas.submit(draft_id, final, citizen_info(citizen), note=SUBMIT_NOTE,
                                 idempotency_key=idempotency_key)
        return Receipt(receipt_no=done.receipt_no, idea_id=done.idea_id, draft_id=draft_id,
                       version_no=done.version_no or 0, status=done.status.value, status_zh=status_zh(done.status))

    @staticmethod
    def _checked_citizen(citizen: Proposer) -> Proposer:
        name, phone = citizen.name.strip(), citizen.phone.strip()
        if not name:
            raise InputError("请填写您的姓名（提出者），提案需要群众署名。", "no name")
        if len(name) > 50:
            raise InputError("姓名太长了，请填写 50 字以内。", "long name")
        if not phone:
            raise InputError("请填写联系电话，方便工作人员与您联系。", "no phone")
        if not _PHONE.match(phone) or sum(ch.isdigit() for ch in phone) < 7:
            raise InputError("联系电话格式不正确，请填写手机号或带区号的座机号码。", "bad phone")
        if len(citizen.occupation) > 50 or len(citizen.address) > 200:
            raise InputError("职业或联系地址太长了，请精简后再提交。", "long field")
        return Proposer(name=name, occupation=citizen.occupation.strip(), phone=phone,
                        address=citizen.address.strip())

    # after submitting --------------------------------------------------------------------------------
    def status(self, receipt_no: str, phone: str) -> StatusView:
        """The status of an idea by its receipt number and the phone number given when submitting.

        Receipt numbers are sequential, so the phone number is asked as well: nobody can page through other
        citizens' ideas. Only title and status are shown, never personal data.
        """
        receipt_no = (receipt_no or "").strip().upper()
        if not _RECEIPT.match(receipt_no):
            raise InputError("受理编号格式不正确，应形如 BX-2026-000123。", f"bad receipt {receipt_no!r}")
        digits = _digits(phone)
        if len(digits) < 7:
            raise InputError("请填写提交时留下的联系电话，用于核对身份。", "no phone")
        idea = self.ideas.by_receipt(receipt_no)
        if idea is None or _digits(idea.citizen.phone) != digits or idea.receipt_no is None:
            raise NotFoundError(f"没有找到受理编号为 {receipt_no}、联系电话与之相符的金点子，请核对后再查。",
                                "unknown receipt or phone mismatch")
        history = [StatusEntry(at=h.at, status=h.to_status.value, status_zh=status_zh(h.to_status), note=h.note)
                   for h in self.ideas.history(idea.id)]
        return StatusView(receipt_no=idea.receipt_no, title=idea.title or "（未命名）", status=idea.status.value,
                          status_zh=status_zh(idea.status), created_at=idea.created_at, history=history)

    def export_docx(self, draft_id: int) -> tuple[str, bytes]:
        """File name and bytes of the latest version in the 附件1 Word layout."""
        state = self.cultivation.resume(draft_id)
        receipt = state.draft.attribution.receipt_no if state.draft.attribution else None
        return docx_filename(state.draft, receipt), export_docx(state.draft)
