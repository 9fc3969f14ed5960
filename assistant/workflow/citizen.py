"""The citizen's path: idea → screening verdict → questions → draft with sources → edit → submit → receipt.

The first draft is stored with its idea (a draft, no receipt number yet) as soon as it exists, and every round
or edit after it as a version, so nothing the citizen typed is lost when a later step fails. A receipt number is
issued only when the citizen submits, with their consent to the personal-information notice.

Submitted means frozen: after submission the citizen's page can no longer edit or redraft the draft (the store
refuses it in the same transaction); the citizen adds answers with the receipt number and phone
(:meth:`CitizenWorkflow.add_answers`), each a new version. Once a member or staff member has made a version,
a citizen's answers never replace it: they are attached to the latest version, whose text stays as it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from assistant.cultivation.docx_io import export_docx
from assistant.cultivation.merge import merge_redraft
from assistant.cultivation.models import Attribution, DraftProposal, Proposer, SessionState
from assistant.cultivation.service import CultivationService
from assistant.cultivation.sessions import citizen_info, session_of, version_content
from assistant.cultivation.spec import DraftingRequest
from assistant.cultivation.validator import enforce
from assistant.errors import InputError, NotFoundError
from assistant.privacy import require_consent
from assistant.review import IdeaReview, IdeaReviewService, review_record
from assistant.settings import PrivacySettings
from assistant.storage.enums import IdeaSource, IdeaStatus
from assistant.storage.errors import ConflictError
from assistant.storage.ideas import IdeaStore
from assistant.storage.lifecycle import status_zh
from assistant.storage.records import IdeaRecord, VersionContent
from assistant.tasks import TaskOutcome
from assistant.textinput import clean_text
from assistant.workflow.models import (
    AnswerResult,
    DraftUpdate,
    Receipt,
    StatusEntry,
    StatusView,
    SubmissionResult,
    VersionEntry,
)

_PHONE = re.compile(r"^[0-9+\-() ]{7,20}$")
_RECEIPT = re.compile(r"^BX-\d{4}-\d{1,9}$")
_REFRAME = re.compile(r"《(?P<title>[^》]+)》[:：](?P<hint>.+?)(?:个人诉求本身.*)?$", re.DOTALL)
_KEY = re.compile(r"^[A-Za-z0-9_.:\-]{8,128}$")
SUBMIT_NOTE = "市民提交"
API_NOTE = "市民通过线上渠道提交"
EDIT_NOTE = "市民修改草稿"
ANSWER_NOTE = "市民提交后补充回答"
REFRAME_STORY = "我的亲身经历（作为例证）："
ATTACHED_NOTE = "市民提交后补充回答（附在最新版本上，委员或工作人员修改的正文保持不变）"
CITIZEN_EDITABLE = frozenset({IdeaStatus.DRAFT})
ANSWERABLE = frozenset({IdeaStatus.SUBMITTED, IdeaStatus.SCREENED, IdeaStatus.ROUTED, IdeaStatus.IN_CULTIVATION})
"""Statuses in which a citizen may still add answers (not once it became a proposal, was referred or closed)."""
REDRAFTABLE = frozenset({IdeaStatus.SUBMITTED, IdeaStatus.SCREENED, IdeaStatus.ROUTED})
"""Statuses in which the citizen's answers may still redraft the text (nobody else has worked on it yet)."""
MAX_ANSWER_CHARS = 1000
ELEMENTS_ZH = {"where": "地点与现状", "affected": "影响范围", "evidence": "事实依据", "cause": "原因",
               "suggestion": "建议", "detail": "具体做法", "actor": "责任单位", "policy": "政策依据", "problem": "问题"}
"""The elements a question can be about (``assistant.cultivation.models.Element``) and their Chinese names."""


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
                 max_chars: int = 20000, privacy: PrivacySettings | None = None) -> None:
        self.reviewer = reviewer
        self.cultivation = cultivation
        self.ideas = ideas
        self.max_chars = max_chars
        self.privacy = privacy or PrivacySettings()

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

    @staticmethod
    def reframed_with_story(hint: str, story: str) -> str:
        """The public-interest reframing followed by the citizen's own words as the example behind it: the
        story the citizen typed is kept verbatim, never replaced by the hint."""
        story = (story or "").strip()
        if not story or hint in story:
            return story or hint
        return f"{hint}\n\n{REFRAME_STORY}{story}"

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
    def _resume(self, draft_id: int) -> tuple[SessionState, int, IdeaRecord | None]:
        """The session of a draft, its latest version number and its idea."""
        snapshot = self.ideas.snapshot(draft_id)
        return session_of(snapshot), snapshot.version.version_no, snapshot.idea

    @staticmethod
    def _editable(idea: IdeaRecord | None) -> None:
        if idea is not None and idea.status not in CITIZEN_EDITABLE:
            receipt = f"（受理编号 {idea.receipt_no}）" if idea.receipt_no else ""
            raise ConflictError(
                f"这条金点子已经提交{receipt}，提交后的内容不再修改；如需补充，请用受理编号提交补充回答。",
                f"idea {idea.id} is {idea.status.value}",
            )

    def _store_citizen_version(self, state: SessionState, note: str, read_version: int) -> int:
        assert state.draft_id is not None
        return self.ideas.add_version(state.draft_id, version_content(state), author_id=None, note=note,
                                      expect_statuses=CITIZEN_EDITABLE, expect_version=read_version)

    def redraft(self, draft_id: int, answers: Mapping[str, str]) -> Iterator[DraftUpdate]:
        """Redraft with the citizen's answers to the questions; stores the next round (unsubmitted drafts only).

        The citizen's hand edits are never discarded: when the draft differs from the one the assistant last
        wrote, the edited title and points are kept verbatim and the redraft's new points are appended
        (``DraftUpdate.kept_edits`` / ``added`` tell the page)."""
        state, read_version, idea = self._resume(draft_id)
        self._editable(idea)
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
        # The redraft knows only the idea and the answers: merge it into the draft as the citizen edited it.
        kept = merge_redraft(state.draft, draft, self._last_written(draft_id))
        draft = enforce(kept.draft, state.idea_text) if kept.kept_edits else kept.draft
        state = state.model_copy(update={"answers": merged, "round": state.round + 1, "draft": draft})
        note = f"培育第{state.round}轮：根据补充回答修改" + ("（保留市民的修改）" if kept.kept_edits else "")
        self._store_citizen_version(state, note, read_version)
        yield DraftUpdate(draft=state.draft, draft_id=draft_id, round=state.round, kept_edits=kept.kept_edits,
                          added=len(kept.added))

    def _last_written(self, draft_id: int) -> DraftProposal | None:
        """The newest version the assistant wrote (not a citizen's hand edit) as a draft."""
        for version in reversed(self.ideas.versions(draft_id)):
            if version.change_note != EDIT_NOTE:
                c = version.content
                return DraftProposal(title=c.title, analysis=list(c.analysis), suggestions=list(c.suggestions))
        return None

    def save_edit(
        self, draft_id: int, title: str, analysis: Sequence[str], suggestions: Sequence[str]
    ) -> DraftProposal:
        """Store the citizen's edits as a new version (no version when nothing changed; refused once the idea
        was submitted)."""
        state, read_version, idea = self._resume(draft_id)
        edited = self._edited(state, title, analysis, suggestions)
        if edited.proposal_dict() != state.draft.proposal_dict():
            self._editable(idea)
            state = state.model_copy(update={"draft": edited})
            self._store_citizen_version(state, EDIT_NOTE, read_version)
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
        consent: bool = False,
        idempotency_key: str | None = None,
    ) -> Receipt:
        """Store the final text, the citizen's details, their consent and a receipt number in one transaction.

        ``consent``: the citizen agreed to the personal-information notice (refused without it).
        """
        citizen = self._checked_citizen(citizen)
        agreed = require_consent(consent, self.privacy)
        key = self._checked_key(idempotency_key)
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

        done = self.ideas.submit(draft_id, final, citizen_info(citizen), note=SUBMIT_NOTE, idempotency_key=key,
                                 consent=agreed)
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

    @staticmethod
    def _checked_key(key: str | None) -> str | None:
        if key is None or not key.strip():
            return None
        key = key.strip()
        if not _KEY.match(key):
            raise InputError("幂等键（idempotency_key）应为 8–128 个字母、数字或 _ . : - 字符。", "bad idempotency key")
        return key

    # one-step submission (the JSON API) ---------------------------------------------------------------
    def submit_idea(
        self, text: str, citizen: Proposer, *, consent: bool, idempotency_key: str | None = None,
        channel: str | None = None, source: IdeaSource = IdeaSource.API,
    ) -> SubmissionResult:
        """Screen an idea and, when it is a 百姓提案, draft it and submit it in one transaction (idea, review,
        draft version 1, contact details, consent, receipt). An out-of-scope idea gets no receipt and nothing is
        stored: the answer names the channel to go to instead. The same ``idempotency_key`` again returns the
        first receipt without storing anything (a client may retry after a time-out without creating a twin).
        """
        citizen = self._checked_citizen(citizen)
        agreed = require_consent(consent, self.privacy)
        key = self._checked_key(idempotency_key)
        if key is not None:
            earlier = self.ideas.by_idempotency_key(key)
            if earlier is not None and earlier.receipt_no:
                return self._stored_result(earlier, repeated=True)
        text = clean_text(text, self.max_chars, "金点子内容")
        review = self.reviewer.review(text, known_names=(citizen.name,)).value
        verdict = review.verdict
        if not verdict.in_scope:
            return SubmissionResult(receipt_no=None, in_scope=False, category=verdict.category, reason=verdict.reason,
                                    redirect=verdict.redirect, reframe=verdict.reframe)
        decision = review.decision
        request = self.cultivation.request(text, proposer=citizen, routing=decision)
        draft = self.cultivation.run(request).value

        def final(receipt_no: str) -> VersionContent:
            attribution = Attribution(receipt_no=receipt_no, citizen=citizen, idea_excerpt=text[:200])
            done = draft.model_copy(update={"proposer": citizen, "attribution": attribution,
                                            "remarks": self.cultivation.drafter.remarks(attribution)})
            return version_content(SessionState(round=1, idea_text=text, draft=enforce(done, text), routing=decision))

        stored = self.ideas.submit_new(text, final, citizen_info(citizen), review=review_record(review),
                                       source=source, note=API_NOTE, idempotency_key=key,
                                       channel=(channel or "")[:32] or None, consent=agreed)
        if stored.repeated:
            return self._stored_result(self.ideas.idea(stored.idea_id), repeated=True)
        return self._stored_result(self.ideas.idea(stored.idea_id), repeated=False,
                                   domain=decision.domain if decision else None)

    def _stored_result(self, idea: IdeaRecord, *, repeated: bool, domain: str | None = None) -> SubmissionResult:
        drafts = self.ideas.drafts_for(idea.id)
        state: SessionState | None = None
        version_no = None
        if drafts:
            state, version_no, _ = self._resume(drafts[0])
        draft = state.draft if state is not None else None
        return SubmissionResult(
            receipt_no=idea.receipt_no, in_scope=True, category=None, reason=None, domain=domain or idea.domain,
            questions=list(draft.questions) if draft is not None else [], draft=draft,
            draft_id=drafts[0] if drafts else None, version_no=version_no, status=idea.status.value,
            status_zh=status_zh(idea.status), repeated=repeated,
        )

    # answers after submitting -------------------------------------------------------------------------
    def add_answers(self, receipt_no: str, phone: str, answers: Mapping[str, str]) -> AnswerResult:
        """The citizen's answers to the questions after submitting, as a new version of their draft.

        While nobody else has worked on the draft, the answers are merged and the draft is rewritten from them
        (the submitted version stays in the history). Once a member or staff member made a version (or the idea
        is being cultivated), the answers are attached to the latest version without touching its text. The
        version is stored only if no other version arrived in between; otherwise the answers are attached to
        the newer one.
        """
        idea = self._verified(receipt_no, phone)
        if idea.status not in ANSWERABLE:
            raise ConflictError(f"这条金点子当前状态是“{status_zh(idea.status)}”，不再接受补充。",
                                f"idea {idea.id} is {idea.status.value}")
        given = self._checked_answers(answers)
        drafts = self.ideas.drafts_for(idea.id)
        if not drafts:
            raise NotFoundError("没有找到这条金点子的草稿，请联系工作人员。", f"idea {idea.id} has no draft")
        draft_id = drafts[0]
        for attempt in range(2):
            state, read_version, _ = self._resume(draft_id)
            merged = {**state.answers, **given}
            others = any(v.author_id is not None for v in self.ideas.versions(draft_id))
            redraft = attempt == 0 and not others and idea.status in REDRAFTABLE
            if redraft:
                request = self.cultivation.request(state.idea_text, answers=merged, proposer=state.draft.proposer,
                                                   attribution=state.draft.attribution,
                                                   asked={q.element for q in state.draft.questions},
                                                   routing=state.routing)
                written = self.cultivation.run(request).value
                written = written.model_copy(update={"proposer": state.draft.proposer,
                                                     "attribution": state.draft.attribution,
                                                     "remarks": state.draft.remarks})
                new_state = state.model_copy(update={"answers": merged, "round": state.round + 1,
                                                     "draft": enforce(written, state.idea_text)})
                note = f"{ANSWER_NOTE}（第{new_state.round}轮，按回答改写）"
            else:
                new_state = state.model_copy(update={"answers": merged})
                note = ATTACHED_NOTE
            try:
                version_no = self.ideas.add_version(draft_id, version_content(new_state), author_id=None, note=note,
                                                    expect_statuses=ANSWERABLE, expect_version=read_version)
            except ConflictError:
                if attempt == 0 and self.ideas.snapshot(draft_id).version.version_no != read_version:
                    continue  # someone added a version meanwhile: attach to theirs instead
                raise
            return AnswerResult(receipt_no=idea.receipt_no or "", version_no=version_no, redrafted=redraft,
                                draft=new_state.draft, questions=list(new_state.draft.questions) if redraft else [])
        raise AssertionError("unreachable")

    def _checked_answers(self, answers: Mapping[str, str]) -> dict[str, str]:
        if not isinstance(answers, Mapping) or not answers:
            raise InputError("请至少回答一个问题。", "no answers")
        given: dict[str, str] = {}
        for element, value in answers.items():
            if element not in ELEMENTS_ZH:
                raise InputError(f"不认识的问题要素「{str(element)[:20]}」，可用的有："
                                 + "、".join(f"{k}（{v}）" for k, v in ELEMENTS_ZH.items()), f"element {element!r}")
            if not isinstance(value, str) or not value.strip():
                continue
            given[element] = clean_text(value, MAX_ANSWER_CHARS, "补充回答")
        if not given:
            raise InputError("请至少回答一个问题。", "empty answers")
        return given

    # after submitting --------------------------------------------------------------------------------
    def status(self, receipt_no: str, phone: str) -> StatusView:
        """The status of an idea by its receipt number and the phone number given when submitting.

        Receipt numbers are sequential, so the phone number is asked as well: nobody can page through other
        citizens' ideas. Only title and status are shown, never personal data.
        """
        idea = self._verified(receipt_no, phone)
        assert idea.receipt_no is not None
        history = [StatusEntry(at=h.at, status=h.to_status.value, status_zh=status_zh(h.to_status), note=h.note,
                               by=h.by_name or ("市民（本人）" if h.to_status is IdeaStatus.SUBMITTED else "系统"))
                   for h in self.ideas.history(idea.id)]
        versions: list[VersionEntry] = []
        for draft_id in self.ideas.drafts_for(idea.id)[:1]:  # the citizen's own draft
            versions = [VersionEntry(version_no=v.version_no, at=v.created_at, by=v.author_name or "市民（本人）",
                                     note=v.change_note or "", title=v.content.title)
                        for v in self.ideas.versions(draft_id)]
        return StatusView(receipt_no=idea.receipt_no, title=idea.title or "（未命名）", status=idea.status.value,
                          status_zh=status_zh(idea.status), created_at=idea.created_at, history=history,
                          versions=versions)

    def _verified(self, receipt_no: str, phone: str) -> IdeaRecord:
        """The submitted idea of a receipt number whose stored phone matches (NotFoundError otherwise: the same
        answer for an unknown receipt and a wrong phone)."""
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
        return idea

    def export_docx(self, draft_id: int) -> tuple[str, bytes]:
        """File name and bytes of the latest version in the 附件1 Word layout."""
        state = self.cultivation.resume(draft_id)
        receipt = state.draft.attribution.receipt_no if state.draft.attribution else None
        return docx_filename(state.draft, receipt), export_docx(state.draft)
