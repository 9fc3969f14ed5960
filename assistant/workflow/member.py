"""The member's path: open a submission (or import a draft), score it, accept or reject edits, check for
duplicates, and keep every change as a numbered version with the citizen's attribution (群众署名)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from assistant.accounts import UserSession, require_role
from assistant.cultivation.docx_io import export_docx, import_docx
from assistant.cultivation.draft_text import diff_text, parse_draft_text
from assistant.cultivation.models import DraftProposal, SessionState
from assistant.cultivation.polish import Edit, Polisher
from assistant.cultivation.rubric import QualityRubric
from assistant.cultivation.service import CultivationService, SimilarSearcher
from assistant.cultivation.sessions import attribution_of, version_content
from assistant.cultivation.validator import enforce
from assistant.errors import InputError, NotFoundError
from assistant.review import IdeaReviewService
from assistant.routing.models import RoutingDecision
from assistant.storage.enums import DraftStatus, IdeaStatus, Role
from assistant.storage.ideas import IdeaStore
from assistant.storage.lifecycle import status_zh
from assistant.storage.records import IdeaRecord, VersionRecord
from assistant.textinput import clean_text
from assistant.workflow.citizen import docx_filename
from assistant.workflow.models import DuplicateCheck, MemberDraft, PolishResult, Submission, VersionInfo

_RECEIPT = re.compile(r"^BX-\d{4}-\d{1,9}$", re.IGNORECASE)
OPEN_STATUSES = (IdeaStatus.SUBMITTED, IdeaStatus.SCREENED, IdeaStatus.ROUTED, IdeaStatus.IN_CULTIVATION,
                 IdeaStatus.PROPOSAL)


def _credit_line(idea: IdeaRecord) -> str:
    name = idea.citizen.name or "匿名群众"
    return f"{name}（受理编号 {idea.receipt_no}）：{idea.raw_text[:60]}{'……' if len(idea.raw_text) > 60 else ''}"


def _version_draft(v: VersionRecord) -> DraftProposal:
    c = v.content
    return DraftProposal(title=c.title, analysis=list(c.analysis), suggestions=list(c.suggestions),
                         remarks=c.remarks or "")


class MemberWorkflow:
    """Everything a member (委员) does with a draft; every method checks the role server-side."""

    def __init__(
        self,
        cultivation: CultivationService,
        ideas: IdeaStore,
        reviewer: IdeaReviewService | None = None,
        searcher: SimilarSearcher | None = None,
        polisher: Polisher | None = None,
        rubric: QualityRubric | None = None,
        max_chars: int = 20000,
        max_upload_bytes: int = 20 * 1024 * 1024,
    ) -> None:
        self.cultivation = cultivation
        self.ideas = ideas
        self.reviewer = reviewer
        self.searcher = searcher
        self.polisher = polisher or Polisher()
        self.rubric = rubric or QualityRubric()
        self.max_chars = max_chars
        self.max_upload_bytes = max_upload_bytes

    @staticmethod
    def _member(user: UserSession | None) -> UserSession:
        return require_role(user, Role.MEMBER)

    def _routing(self, text: str, member: UserSession) -> RoutingDecision | None:
        """Who should act on an idea, for its draft to name (the same review task as everywhere)."""
        if self.reviewer is None:
            return None
        return self.reviewer.review(text, routing="always", user_id=member.user_id).value.decision

    # finding drafts ----------------------------------------------------------------------------------
    def submissions(self, user: UserSession | None, limit: int = 50) -> list[Submission]:
        """Submitted citizen ideas, newest first, with their latest draft."""
        self._member(user)
        return [Submission(receipt_no=idea.receipt_no or "", idea_id=idea.id, draft_id=draft_id,
                           title=idea.display_title, status_zh=status_zh(idea.status), created_at=idea.created_at)
                for idea, draft_id in self.ideas.ideas(OPEN_STATUSES, limit=limit)]

    def open(self, user: UserSession | None, ref: str) -> MemberDraft:
        """A draft by receipt number (BX-…) or draft number; an idea without a draft gets one drafted."""
        member = self._member(user)
        ref = (ref or "").strip().split("｜", 1)[0].strip()
        if _RECEIPT.match(ref):
            return self.view(member, self._draft_for_receipt(member, ref.upper()))
        if ref.isdigit():
            draft = self.ideas.require_draft(int(ref))
            if draft.idea_id is not None and self.ideas.idea(draft.idea_id).status is IdeaStatus.DRAFT:
                raise InputError("这份草稿对应的金点子市民尚未提交，暂不能打开。", f"draft {draft.id} not submitted")
            return self.view(member, draft.id)
        raise InputError("请输入受理编号（如 BX-2026-000123）或草稿编号（数字）。", f"bad reference {ref!r}")

    def _idea(self, receipt_no: str) -> IdeaRecord:
        idea = self.ideas.by_receipt(receipt_no)
        if idea is None:
            raise NotFoundError(f"没有找到受理编号为 {receipt_no.strip()} 的金点子。", "unknown receipt")
        return idea

    def _draft_for_receipt(self, member: UserSession, receipt_no: str) -> int:
        idea = self._idea(receipt_no)
        if idea.status is IdeaStatus.DRAFT:
            raise InputError("这条金点子市民尚未提交，暂不能打开。", f"idea {idea.id} not submitted")
        drafts = self.ideas.drafts_for(idea.id)
        if drafts:
            return drafts[-1]
        attribution = attribution_of(idea, member.display_name)
        routing = self._routing(idea.raw_text, member)
        draft = self.cultivation.draft(idea.raw_text, proposer=attribution.citizen, attribution=attribution,
                                       routing=routing)
        state = SessionState(idea_id=idea.id, idea_text=idea.raw_text, draft=draft, routing=routing)
        draft_id, _ = self.ideas.create_draft([idea.id], version_content(state), created_by=member.user_id,
                                              member_id=member.user_id, status=DraftStatus.POLISHING,
                                              note="委员打开金点子：生成初稿", cultivate=True)
        return draft_id

    def view(self, user: UserSession | None, draft_id: int) -> MemberDraft:
        """The latest version, the credited citizens and the version history."""
        self._member(user)
        state = self.cultivation.resume(draft_id)
        credited = [_credit_line(i) for i in self.ideas.credited(draft_id)]
        versions = self.versions(user, draft_id)
        return MemberDraft(draft_id=draft_id, version_no=versions[-1].version_no if versions else 0,
                           draft=state.draft, credited=credited, versions=versions)

    # importing ---------------------------------------------------------------------------------------
    def import_text(self, user: UserSession | None, text: str, receipt_no: str = "") -> MemberDraft:
        """A pasted draft (title, 情况分析, 具体建议) or, without those headings, an idea to draft."""
        member = self._member(user)
        text = clean_text(text, self.max_chars, "粘贴的草稿")
        parsed = parse_draft_text(text)
        if parsed is not None and not parsed.title:
            parsed.title = "关于有关问题的“百姓提案”"
        return self._import(member, parsed, text, receipt_no, "委员粘贴导入")

    def import_docx(
        self, user: UserSession | None, data: bytes, filename: str = "", receipt_no: str = ""
    ) -> MemberDraft:
        """A .docx in the 附件1 layout."""
        member = self._member(user)
        if filename and not filename.lower().endswith(".docx"):
            raise InputError("只支持 Word 2007 及以上版本的 .docx 文件（不支持 .doc、PDF 或图片）。", filename)
        if len(data) > self.max_upload_bytes:
            limit = self.max_upload_bytes // (1024 * 1024)
            raise InputError(f"文件太大（超过 {limit} MB），请只保留提案正文后再上传。", f"{len(data)} bytes")
        draft = import_docx(data)
        source = "\n".join([draft.title, *draft.analysis, *draft.suggestions])
        return self._import(member, draft, source, receipt_no, "委员上传 Word 导入")

    def _import(self, member: UserSession, draft: DraftProposal | None, text: str, receipt_no: str, note: str
                ) -> MemberDraft:
        idea = self._idea(receipt_no) if receipt_no.strip() else None
        attribution = attribution_of(idea, member.display_name) if idea is not None else None
        routing: RoutingDecision | None = None
        if draft is None:
            routing = self._routing(text, member)
            draft = self.cultivation.draft(text, attribution=attribution, routing=routing)
            note += "（按金点子起草）"
        draft = draft.model_copy(update={"attribution": attribution})
        if attribution is not None:
            draft.remarks = self.cultivation.drafter.remarks(attribution)
        state = SessionState(idea_id=idea.id if idea else None, idea_text=idea.raw_text if idea else text,
                             draft=enforce(draft, None), routing=routing)
        draft_id, _ = self.ideas.create_draft([idea.id] if idea else [], version_content(state),
                                              created_by=member.user_id, member_id=member.user_id,
                                              status=DraftStatus.POLISHING, note=note, cultivate=idea is not None)
        return self.view(member, draft_id)

    # quality and edits -------------------------------------------------------------------------------
    def polish(self, user: UserSession | None, draft_id: int) -> PolishResult:
        """Rubric scores with reasons (stored with the version) and suggested edits of the latest version."""
        member = self._member(user)
        state = self.cultivation.resume(draft_id)
        report = self.rubric.score(state.draft)
        version_no = self.ideas.add_quality(
            draft_id, score=float(report.total), grade=report.grade(),
            checks=[d.model_dump() for d in report.dimensions], summary=f"总分 {report.total}/25（{report.grade()}）",
            created_by=member.user_id,
        )
        return PolishResult(draft_id=draft_id, version_no=version_no, report=report,
                            edits=self.polisher.suggest(state.draft))

    def apply_edits(self, user: UserSession | None, draft_id: int, edits: Sequence[Edit], accepted: Sequence[str]
                    ) -> MemberDraft:
        """A new version with the accepted edits; the note lists what was accepted and rejected."""
        member = self._member(user)
        chosen = [e for e in edits if e.id in set(accepted)]
        if not chosen:
            raise InputError("请至少勾选一条要采纳的修改建议；未勾选的建议视为不采纳。", "nothing accepted")
        rejected = [e.id for e in edits if e.id not in set(accepted)]
        state = self.cultivation.resume(draft_id)
        changed = self.polisher.apply(state.draft, edits, accepted=[e.id for e in chosen])
        note = f"采纳修改建议 {'、'.join(e.id for e in chosen)}"
        if rejected:
            note += f"；未采纳 {'、'.join(rejected)}"
        return self._save(member, state, changed, note)

    def save_manual(self, user: UserSession | None, draft_id: int, title: str, analysis: Sequence[str],
                    suggestions: Sequence[str]) -> MemberDraft:
        """The member's own edits as a new version."""
        member = self._member(user)
        state = self.cultivation.resume(draft_id)
        points = {k: [p.strip() for p in v if p and p.strip()] for k, v in
                  (("analysis", analysis), ("suggestions", suggestions))}
        if not points["suggestions"]:
            raise InputError("“具体建议”不能为空，请至少写一条建议。", "no suggestions")
        for text in (title, *points["analysis"], *points["suggestions"]):
            clean_text(text, self.max_chars, "草稿内容")
        changed = state.draft.model_copy(update={"title": title.strip(), **points})
        if changed.proposal_dict() == state.draft.proposal_dict():
            raise InputError("内容没有变化，无需保存新版本。", "unchanged")
        note = "委员手动修改"
        return self._save(member, state, enforce(changed, state.idea_text or None), note)

    def _save(self, member: UserSession, state: SessionState, draft: DraftProposal, note: str) -> MemberDraft:
        attribution = state.draft.attribution
        if attribution is not None and attribution.idea_id is not None:
            attribution = attribution.model_copy(update={"member": member.display_name})
            draft = draft.model_copy(update={"attribution": attribution,
                                             "remarks": self.cultivation.drafter.remarks(attribution)})
        assert state.draft_id is not None
        self.cultivation.add_version(state.model_copy(update={"draft": draft}), author_id=member.user_id, note=note,
                                     draft_status=DraftStatus.POLISHING, member_id=member.user_id)
        return self.view(member, state.draft_id)

    def duplicates(self, user: UserSession | None, draft_id: int) -> DuplicateCheck:
        """How close the draft is to past items (and what their replies said was done)."""
        self._member(user)
        draft = self.cultivation.resume(draft_id).draft
        items: list[Any] = []
        if self.searcher is not None:
            body = "".join([draft.title, *draft.analysis, *draft.suggestions])
            items = list(self.searcher.similar_for_idea(body[:2000], k=5).items)
        return DuplicateCheck(novelty=self.polisher.novelty(draft, items), items=items)

    # history -----------------------------------------------------------------------------------------
    def versions(self, user: UserSession | None, draft_id: int) -> list[VersionInfo]:
        """Every version, oldest first, with its author and note."""
        self._member(user)
        return [VersionInfo(version_no=v.version_no, created_at=v.created_at, author=v.author_name or "市民",
                            note=v.change_note or "", title=v.content.title) for v in self.ideas.versions(draft_id)]

    def diff(self, user: UserSession | None, draft_id: int, before: int, after: int) -> str:
        """A unified diff between two versions (empty when identical)."""
        self._member(user)
        a, b = self.ideas.version(draft_id, before), self.ideas.version(draft_id, after)
        if a is None or b is None:
            raise NotFoundError("没有找到要比较的版本。", f"draft {draft_id} v{before}/v{after}")
        return diff_text(_version_draft(a), _version_draft(b), f"第{before}版", f"第{after}版")

    def export_docx(self, user: UserSession | None, draft_id: int) -> tuple[str, bytes]:
        """File name and bytes of the latest version in the 附件1 Word layout."""
        self._member(user)
        draft = self.cultivation.resume(draft_id).draft
        receipt = draft.attribution.receipt_no if draft.attribution else None
        return docx_filename(draft, receipt or f"草稿{draft_id}"), export_docx(draft)
