"""The member's path: open a submission (or import a draft), score it, accept or reject edits, check for
duplicates, and keep every change as a numbered version with the citizen's attribution (群众署名)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from assistant.accounts import UserSession, require_role
from assistant.cultivation.docx_io import export_docx, import_docx
from assistant.cultivation.models import Attribution, DraftProposal, Proposer, SessionState
from assistant.cultivation.polish import Edit, Polisher
from assistant.cultivation.rubric import QualityRubric
from assistant.cultivation.service import CultivationService, SimilarSearcher
from assistant.cultivation.validator import enforce
from assistant.errors import InputError, NotFoundError
from assistant.storage.enums import DraftStatus, IdeaStatus, Role
from assistant.storage.orm import DraftVersion, Idea
from assistant.storage.repositories import DraftRepository, IdeaRepository, QualityRepository, UserRepository
from assistant.textinput import clean_text
from assistant.workflow.citizen import docx_filename
from assistant.workflow.models import (
    DuplicateCheck,
    MemberDraft,
    PolishResult,
    Submission,
    VersionInfo,
    status_zh,
)
from assistant.workflow.store import DraftStore, SessionFactory
from assistant.workflow.text import diff_text, parse_draft_text

_RECEIPT = re.compile(r"^BX-\d{4}-\d{1,9}$", re.IGNORECASE)
OPEN_STATUSES = (IdeaStatus.SUBMITTED, IdeaStatus.SCREENED, IdeaStatus.ROUTED, IdeaStatus.IN_CULTIVATION,
                 IdeaStatus.ACCEPTED)


def _citizen(idea: Idea) -> Proposer:
    return Proposer(name=idea.citizen_name or "", occupation=idea.citizen_occupation or "",
                    phone=idea.citizen_phone or "", address=idea.citizen_address or "")


def _credit_line(idea: Idea) -> str:
    name = idea.citizen_name or "匿名群众"
    return f"{name}（受理编号 {idea.receipt_no}）：{idea.raw_text[:60]}{'……' if len(idea.raw_text) > 60 else ''}"


def _version_draft(v: DraftVersion) -> DraftProposal:
    return DraftProposal(title=v.title, analysis=list(v.analysis), suggestions=list(v.suggestions),
                         remarks=v.remarks or "")


class MemberWorkflow:
    """Everything a member (委员) does with a draft; every method checks the role server-side."""

    def __init__(
        self,
        cultivation: CultivationService,
        sessions: SessionFactory,
        searcher: SimilarSearcher | None = None,
        polisher: Polisher | None = None,
        rubric: QualityRubric | None = None,
        max_chars: int = 20000,
        max_upload_bytes: int = 20 * 1024 * 1024,
    ) -> None:
        self.cultivation = cultivation
        self.sessions = sessions
        self.searcher = searcher
        self.polisher = polisher or Polisher()
        self.rubric = rubric or QualityRubric()
        self.store = DraftStore(sessions)
        self.max_chars = max_chars
        self.max_upload_bytes = max_upload_bytes

    @staticmethod
    def _member(user: UserSession | None) -> UserSession:
        return require_role(user, Role.MEMBER)

    # finding drafts ----------------------------------------------------------------------------------
    def submissions(self, user: UserSession | None, limit: int = 50) -> list[Submission]:
        """Submitted citizen ideas, newest first, with their latest draft."""
        self._member(user)
        with self.sessions() as s:
            drafts = DraftRepository(s)
            out = []
            for idea in IdeaRepository(s).list(status=list(OPEN_STATUSES), limit=limit):
                credited = drafts.for_idea(idea.id)
                out.append(Submission(receipt_no=idea.receipt_no, idea_id=idea.id,
                                      draft_id=credited[-1].id if credited else None,
                                      title=idea.title or idea.raw_text[:30], status_zh=status_zh(idea.status),
                                      created_at=idea.created_at))
            return out

    def open(self, user: UserSession | None, ref: str) -> MemberDraft:
        """A draft by receipt number (BX-…) or draft number; an idea without a draft gets one drafted."""
        member = self._member(user)
        ref = (ref or "").strip().split("｜", 1)[0].strip()
        if _RECEIPT.match(ref):
            return self.view(member, self._draft_for_receipt(member, ref.upper()))
        if ref.isdigit():
            with self.sessions() as s:
                DraftRepository(s).require(int(ref))
            return self.view(member, int(ref))
        raise InputError("请输入受理编号（如 BX-2026-000123）或草稿编号（数字）。", f"bad reference {ref!r}")

    def _draft_for_receipt(self, member: UserSession, receipt_no: str) -> int:
        with self.sessions() as s:
            idea = IdeaRepository(s).get_by_receipt(receipt_no)
            if idea is None:
                raise NotFoundError(f"没有找到受理编号为 {receipt_no} 的金点子。", "unknown receipt")
            if idea.status is IdeaStatus.DRAFT:
                raise InputError("这条金点子市民尚未提交，暂不能打开。", f"idea {idea.id} not submitted")
            drafts = DraftRepository(s).for_idea(idea.id)
            if drafts:
                return int(drafts[-1].id)
            idea_id, text, citizen = idea.id, idea.raw_text, _citizen(idea)
        attribution = Attribution(idea_id=idea_id, receipt_no=receipt_no, citizen=citizen,
                                  idea_excerpt=text[:200], member=member.display_name)
        draft = self.cultivation.draft(text, proposer=citizen, attribution=attribution)
        state = SessionState(idea_id=idea_id, idea_text=text, draft=draft)
        state = self.store.create_draft(state, idea_ids=[idea_id], note="委员打开金点子：生成初稿",
                                        created_by=member.user_id, member_id=member.user_id,
                                        status=DraftStatus.POLISHING)
        assert state.draft_id is not None
        return state.draft_id

    def view(self, user: UserSession | None, draft_id: int) -> MemberDraft:
        """The latest version, the credited citizens and the version history."""
        self._member(user)
        state = self.cultivation.resume(draft_id)
        with self.sessions() as s:
            credited = [_credit_line(i) for i in DraftRepository(s).credited_ideas(draft_id)]
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
        idea: tuple[int, str, str, Proposer] | None = None
        if receipt_no.strip():
            with self.sessions() as s:
                row = IdeaRepository(s).get_by_receipt(receipt_no)
                if row is None:
                    raise NotFoundError(f"没有找到受理编号为 {receipt_no.strip()} 的金点子。", "unknown receipt")
                idea = (row.id, row.receipt_no, row.raw_text, _citizen(row))
        attribution = None
        if idea is not None:
            attribution = Attribution(idea_id=idea[0], receipt_no=idea[1], citizen=idea[3],
                                      idea_excerpt=idea[2][:200], member=member.display_name)
        if draft is None:
            draft = self.cultivation.draft(text, attribution=attribution)
            note += "（按金点子起草）"
        draft = draft.model_copy(update={"attribution": attribution})
        if attribution is not None:
            draft.remarks = self.cultivation.drafter.remarks(attribution)
        state = SessionState(idea_id=idea[0] if idea else None, idea_text=idea[2] if idea else text,
                             draft=enforce(draft, None))
        state = self.store.create_draft(state, idea_ids=[idea[0]] if idea else [], note=note,
                                        created_by=member.user_id, member_id=member.user_id,
                                        status=DraftStatus.POLISHING)
        assert state.draft_id is not None
        return self.view(member, state.draft_id)

    # quality and edits -------------------------------------------------------------------------------
    def polish(self, user: UserSession | None, draft_id: int) -> PolishResult:
        """Rubric scores with reasons (stored with the version) and suggested edits of the latest version."""
        member = self._member(user)
        state = self.cultivation.resume(draft_id)
        report = self.rubric.score(state.draft)
        with self.sessions() as s:
            version = DraftRepository(s).latest_version(draft_id)
            assert version is not None
            QualityRepository(s).add(
                version.id, score=float(report.total), grade=report.grade(),
                checks=[d.model_dump() for d in report.dimensions],
                summary=f"总分 {report.total}/25（{report.grade()}）", created_by=member.user_id,
            )
            version_no = int(version.version_no)
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
        self.store.add_version(state.model_copy(update={"draft": draft}), author_id=member.user_id, note=note)
        with self.sessions() as s:
            DraftRepository(s).set_status(state.draft_id, DraftStatus.POLISHING, member_id=member.user_id)
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
        with self.sessions() as s:
            users = UserRepository(s)
            out = []
            for v in DraftRepository(s).versions(draft_id):
                author = users.get(v.author_id) if v.author_id else None
                out.append(VersionInfo(version_no=v.version_no, created_at=v.created_at,
                                       author=author.display_name if author else "市民",
                                       note=v.change_note or "", title=v.title))
            return out

    def diff(self, user: UserSession | None, draft_id: int, before: int, after: int) -> str:
        """A unified diff between two versions (empty when identical)."""
        self._member(user)
        with self.sessions() as s:
            repo = DraftRepository(s)
            a, b = repo.get_version(draft_id, before), repo.get_version(draft_id, after)
            if a is None or b is None:
                raise NotFoundError("没有找到要比较的版本。", f"draft {draft_id} v{before}/v{after}")
            return diff_text(_version_draft(a), _version_draft(b), f"第{before}版", f"第{after}版")

    def export_docx(self, user: UserSession | None, draft_id: int) -> tuple[str, bytes]:
        """File name and bytes of the latest version in the 附件1 Word layout."""
        self._member(user)
        draft = self.cultivation.resume(draft_id).draft
        receipt = draft.attribution.receipt_no if draft.attribution else None
        return docx_filename(draft, receipt or f"草稿{draft_id}"), export_docx(draft)
