"""The citizen's path: idea → screening verdict → questions → draft with sources → edit → submit → receipt.

Every draft is stored as soon as it exists (idea with status ``draft``, then one version per round or edit),
so nothing the citizen typed is lost when a later step fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from assistant.cultivation.docx_io import export_docx
from assistant.cultivation.models import Attribution, DraftProposal, Proposer, SessionState
from assistant.cultivation.service import CultivationService
from assistant.cultivation.validator import enforce
from assistant.errors import InputError, NotFoundError
from assistant.review import IdeaReview
from assistant.storage.enums import IdeaStatus
from assistant.storage.repositories import IdeaRepository, RoutingRepository, ScreeningRepository
from assistant.textinput import clean_text
from assistant.workflow.models import DraftUpdate, Receipt, StatusEntry, StatusView, status_zh
from assistant.workflow.store import DraftStore, SessionFactory, citizen_info
from assistant.workflow.writer import DraftWriter

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
    stem = receipt_no or "草稿"
    return f"百姓提案-{stem}.docx"


class CitizenWorkflow:
    """Screening, drafting, editing, submitting and status look-up for citizens (no log-in)."""

    def __init__(
        self,
        reviewer: Any,
        writer: DraftWriter,
        cultivation: CultivationService,
        sessions: SessionFactory,
        max_chars: int = 20000,
    ) -> None:
        self.reviewer = reviewer
        self.writer = writer
        self.cultivation = cultivation
        self.sessions = sessions
        self.store = DraftStore(sessions)
        self.max_chars = max_chars

    @property
    def streaming(self) -> bool:
        """True when drafts are written by a model and streamed."""
        return self.writer.streaming

    # step 1: screening -----------------------------------------------------------------------------
    def review(self, text: str) -> IdeaReview:
        """Is the idea a 百姓提案, and if not, where should the citizen go instead?"""
        return self.reviewer.review(clean_text(text, self.max_chars, "金点子内容"))

    @staticmethod
    def reframed_idea(review: IdeaReview) -> str | None:
        """The reframing hint of an out-of-scope verdict as the text of a new, public-interest idea."""
        reframe = review.screening.verdict.reframe
        if not reframe:
            return None
        match = _REFRAME.search(reframe)
        return f"{match['title']}：{match['hint'].strip()}" if match else reframe

    # step 2: first draft ---------------------------------------------------------------------------
    def start_draft(self, text: str, review: IdeaReview) -> Iterator[DraftUpdate]:
        """Store the idea and its review, then write and store draft round 1 (streamed with a model)."""
        text = clean_text(text, self.max_chars, "金点子内容")
        if not review.screening.verdict.in_scope:
            raise InputError("这条内容不属于“百姓提案”的范围，请按提示前往相应渠道反映。", "out of scope")
        idea_id, receipt_no = self.store.create_idea(text)
        self._record_review(idea_id, review)
        attribution = Attribution(idea_id=idea_id, receipt_no=receipt_no, idea_excerpt=text[:200])
        domain = review.routing.decision.domain if review.routing else ""
        draft: DraftProposal | None = None
        for step in self.writer.write(text, attribution=attribution, domain=domain):
            if isinstance(step, str):
                yield DraftUpdate(partial=step)
            else:
                draft = step
        assert draft is not None
        state = SessionState(idea_id=idea_id, round=1, idea_text=text, draft=draft)
        state = self.store.create_draft(state, idea_ids=[idea_id], note="培育第1轮：初稿")
        yield DraftUpdate(draft=state.draft, draft_id=state.draft_id, round=1)

    def _record_review(self, idea_id: int, review: IdeaReview) -> None:
        verdict = review.screening.verdict
        decision = review.routing.decision if review.routing else None
        with self.sessions() as s:
            ScreeningRepository(s).add(
                idea_id, in_scope=verdict.in_scope, domain=decision.domain if decision else None,
                confidence=verdict.confidence, reasons=[verdict.reason], details=verdict.model_dump(mode="json"),
            )
            if decision is not None:
                RoutingRepository(s).add(idea_id, suggested_units=[u.model_dump() for u in decision.units])
                IdeaRepository(s).set_domain(idea_id, decision.domain)

    # step 3: answers and edits ---------------------------------------------------------------------
    def redraft(self, draft_id: int, answers: Mapping[str, str]) -> Iterator[DraftUpdate]:
        """Redraft with the citizen's answers to the questions; stores the next round."""
        state = self.cultivation.resume(draft_id)
        given = {k: v.strip() for k, v in answers.items() if v and v.strip()}
        if not given:
            raise InputError("请至少回答一个问题，再点“根据回答完善草稿”。", "no answers")
        merged = {**state.answers, **given}
        asked = {q.element for q in state.draft.questions}
        draft: DraftProposal | None = None
        for step in self.writer.write(state.idea_text, answers=merged, proposer=state.draft.proposer,
                                      attribution=state.draft.attribution, asked=asked):
            if isinstance(step, str):
                yield DraftUpdate(partial=step, draft_id=draft_id, round=state.round)
            else:
                draft = step
        assert draft is not None
        state = state.model_copy(update={"answers": merged, "round": state.round + 1, "draft": draft})
        self.store.add_version(state, note=f"培育第{state.round}轮：根据补充回答修改")
        yield DraftUpdate(draft=state.draft, draft_id=draft_id, round=state.round)

    def save_edit(
        self, draft_id: int, title: str, analysis: Sequence[str], suggestions: Sequence[str]
    ) -> DraftProposal:
        """Store the citizen's edits as a new version (no version when nothing changed)."""
        state = self.cultivation.resume(draft_id)
        edited = self._edited(state, title, analysis, suggestions)
        if edited.proposal_dict() != state.draft.proposal_dict():
            state = state.model_copy(update={"draft": edited})
            self.store.add_version(state, note=EDIT_NOTE)
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
    ) -> Receipt:
        """Store the citizen's details and the final text; the idea becomes ``submitted``."""
        citizen = self._checked_citizen(citizen)
        state = self.cultivation.resume(draft_id)
        if state.idea_id is None:
            raise NotFoundError("没有找到这份草稿对应的金点子，请重新起草。", f"draft {draft_id} has no idea")
        with self.sessions() as s:
            idea = IdeaRepository(s).require(state.idea_id)
            if idea.status is not IdeaStatus.DRAFT:
                raise InputError(f"这条金点子已经提交过了（受理编号 {idea.receipt_no}），无需重复提交。",
                                 f"idea {idea.id} status {idea.status}")
            receipt_no = idea.receipt_no
        draft = self._edited(state, title, analysis, suggestions)
        attribution = Attribution(idea_id=state.idea_id, receipt_no=receipt_no, citizen=citizen,
                                  idea_excerpt=state.idea_text[:200])
        draft = draft.model_copy(update={"proposer": citizen, "attribution": attribution,
                                         "remarks": self.cultivation.drafter.remarks(attribution)})
        state = state.model_copy(update={"draft": enforce(draft, state.idea_text)})
        version_no = self.store.add_version(state, note=SUBMIT_NOTE)
        info = citizen_info(citizen)
        with self.sessions() as s:
            repo = IdeaRepository(s)
            idea = repo.require(state.idea_id)
            idea.citizen_name, idea.citizen_occupation = info.name, info.occupation
            idea.citizen_phone, idea.citizen_address = info.phone, info.address
            idea.title = state.draft.title
            repo.set_status(idea.id, IdeaStatus.SUBMITTED, note=SUBMIT_NOTE)
        return Receipt(receipt_no=receipt_no, idea_id=state.idea_id, draft_id=draft_id, version_no=version_no,
                       status=IdeaStatus.SUBMITTED.value, status_zh=status_zh(IdeaStatus.SUBMITTED))

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
        with self.sessions() as s:
            repo = IdeaRepository(s)
            idea = repo.get_by_receipt(receipt_no)
            if idea is None or _digits(idea.citizen_phone) != digits:
                raise NotFoundError(f"没有找到受理编号为 {receipt_no}、联系电话与之相符的金点子，请核对后再查。",
                                    "unknown receipt or phone mismatch")
            history = [StatusEntry(at=h.created_at, status=str(h.to_status), status_zh=status_zh(h.to_status),
                                   note=h.note) for h in repo.status_history(idea.id)]
            return StatusView(receipt_no=idea.receipt_no, title=idea.title or "（未命名）", status=str(idea.status),
                              status_zh=status_zh(idea.status), created_at=idea.created_at, history=history)

    def export_docx(self, draft_id: int) -> tuple[str, bytes]:
        """File name and bytes of the latest version in the 附件1 Word layout."""
        state = self.cultivation.resume(draft_id)
        receipt = state.draft.attribution.receipt_no if state.draft.attribution else None
        return docx_filename(state.draft, receipt), export_docx(state.draft)
