"""The one store of an idea's life: ideas, draft versions, receipts, reviews and status moves.

Every method is one transaction (writes take their lock up front and are retried on contention, see
:meth:`assistant.storage.db.Database.write`); every status move goes through :mod:`assistant.storage.lifecycle`
and is recorded with who made it and why. Nothing outside ``assistant/storage`` writes these tables.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.errors import InputError, NotFoundError
from assistant.storage.db import Database
from assistant.storage.enums import DraftStatus, IdeaSource, IdeaStatus
from assistant.storage.errors import ConflictError
from assistant.storage.lifecycle import STATUS_ZH, check_move
from assistant.storage.orm import Draft, DraftVersion, Idea, IdeaStatusChange, User
from assistant.storage.records import (
    CitizenInfo,
    Consent,
    DraftRecord,
    IdeaRecord,
    ReviewRecord,
    Started,
    StatusRecord,
    Submitted,
    VersionContent,
    VersionRecord,
)
from assistant.storage.repositories import (
    DraftRepository,
    IdeaRepository,
    QualityRepository,
    RoutingRepository,
    ScreeningRepository,
)
from assistant.storage.types import utcnow


def idea_record(idea: Idea) -> IdeaRecord:
    """The record of an ORM idea."""
    return IdeaRecord(
        id=idea.id, receipt_no=idea.receipt_no, title=idea.title, raw_text=idea.raw_text, status=idea.status,
        source=idea.source, channel=idea.channel, domain=idea.domain,
        citizen=CitizenInfo(idea.citizen_name, idea.citizen_occupation, idea.citizen_phone, idea.citizen_address),
        created_at=idea.created_at, submitted_at=idea.submitted_at, submitted_by=idea.submitted_by,
        import_batch_id=idea.import_batch_id, import_row=idea.import_row, consent_at=idea.consent_at,
        consent_notice=idea.consent_notice, contact_erased_at=idea.contact_erased_at,
    )


def _content(v: DraftVersion) -> VersionContent:
    return VersionContent(
        title=v.title, analysis=list(v.analysis), suggestions=list(v.suggestions),
        proposer=CitizenInfo(v.proposer_name, v.proposer_sector, v.proposer_contact, v.proposer_address),
        remarks=v.remarks, sources=list(v.sources), violations=list(v.violations),
        session_state=dict(v.session_state) if v.session_state is not None else None,
    )


def _user_name(session: Session, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    user = session.get(User, user_id)
    return user.display_name if user else None


def version_record(session: Session, v: DraftVersion) -> VersionRecord:
    """The record of an ORM version (with its author's display name)."""
    return VersionRecord(id=v.id, draft_id=v.draft_id, version_no=v.version_no, content=_content(v),
                         created_at=v.created_at, author_id=v.author_id, author_name=_user_name(session, v.author_id),
                         change_note=v.change_note)


def _draft_record(d: Draft) -> DraftRecord:
    return DraftRecord(id=d.id, idea_id=d.idea_id, status=d.status, current_version=d.current_version,
                       member_id=d.member_id, created_by=d.created_by)


@dataclass(frozen=True)
class DraftSnapshot:
    """A draft, its latest version and the idea it comes from."""

    draft: DraftRecord
    version: VersionRecord
    idea: IdeaRecord | None


class IdeaStore:
    """Ideas from first draft to proposal, referral or closure."""

    def __init__(self, database: Database) -> None:
        self.database = database

    # moves ------------------------------------------------------------------------------------------
    @staticmethod
    def move_in(s: Session, idea: Idea, target: IdeaStatus, by: int | None, note: str | None) -> None:
        """Within a storage transaction: move ``idea`` (checked by the life cycle) and record the move."""
        IdeaStore._move(s, idea, target, by, note)

    @staticmethod
    def record_in(s: Session, idea: Idea, review: ReviewRecord, user_id: int | None) -> None:
        """Within a storage transaction: store a review of ``idea``."""
        IdeaStore._review(s, idea, review, user_id)

    @staticmethod
    def _move(s: Session, idea: Idea, target: IdeaStatus, by: int | None, note: str | None) -> None:
        check_move(idea.status, target)
        s.add(IdeaStatusChange(idea_id=idea.id, from_status=idea.status, to_status=target, changed_by=by, note=note))
        idea.status = target
        idea.updated_at = utcnow()
        s.flush()

    def move(self, idea_id: int, target: IdeaStatus, *, by: int | None, note: str | None = None) -> IdeaRecord:
        """Move an idea to ``target`` (ConflictError with a Chinese message for a move the life cycle forbids)."""

        def work(s: Session) -> IdeaRecord:
            idea = IdeaRepository(s).require(idea_id)
            self._move(s, idea, target, by, note)
            return idea_record(idea)

        return self.database.write(work)

    @staticmethod
    def _add_version(s: Session, draft_id: int, content: VersionContent, author_id: int | None,
                     note: str | None) -> DraftVersion:
        p = content.proposer
        return DraftRepository(s).add_version(
            draft_id, title=content.title, analysis=content.analysis, suggestions=content.suggestions,
            proposer_name=p.name, proposer_sector=p.occupation, proposer_contact=p.phone, proposer_address=p.address,
            remarks=content.remarks, sources=content.sources, violations=content.violations,
            session_state=content.session_state, author_id=author_id, change_note=note,
        )

    @staticmethod
    def _review(s: Session, idea: Idea, review: ReviewRecord, user_id: int | None) -> None:
        ScreeningRepository(s).add(idea.id, in_scope=review.in_scope, domain=review.domain,
                                   confidence=review.confidence, reasons=review.reasons, details=review.details,
                                   created_by=user_id)
        if review.suggested_units is not None:
            RoutingRepository(s).add(idea.id, suggested_units=review.suggested_units, created_by=user_id)
        if review.domain:
            idea.domain = review.domain
            idea.updated_at = utcnow()

    # creation ---------------------------------------------------------------------------------------
    def start(
        self, text: str, content: VersionContent, *, review: ReviewRecord | None = None,
        citizen: CitizenInfo | None = None, source: IdeaSource = IdeaSource.WEB, created_by: int | None = None,
        note: str = "",
    ) -> Started:
        """A new idea (a draft, no receipt number yet) with its review and draft version 1, in one transaction."""
        who = citizen or CitizenInfo()

        def work(s: Session) -> Started:
            now = utcnow()
            idea = Idea(receipt_no=None, title=content.title, raw_text=text, source=source, status=IdeaStatus.DRAFT,
                        submitted_by=created_by, created_at=now, updated_at=now, citizen_name=who.name,
                        citizen_occupation=who.occupation, citizen_phone=who.phone, citizen_address=who.address)
            s.add(idea)
            s.flush()
            s.add(IdeaStatusChange(idea_id=idea.id, from_status=None, to_status=IdeaStatus.DRAFT,
                                   changed_by=created_by, note=note or None))
            if review is not None:
                self._review(s, idea, review, created_by)
            draft = DraftRepository(s).create(idea_ids=[idea.id], created_by=created_by)
            version = self._add_version(s, draft.id, content, created_by, note)
            return Started(idea_id=idea.id, draft_id=draft.id, version_no=version.version_no)

        return self.database.write(work)

    def create_draft(
        self, idea_ids: Sequence[int], content: VersionContent, *, created_by: int | None, member_id: int | None = None,
        status: DraftStatus = DraftStatus.DRAFTING, note: str = "", cultivate: bool = False,
    ) -> tuple[int, int]:
        """A new draft credited to ``idea_ids`` with version 1; ``cultivate`` moves the ideas to in cultivation."""

        def work(s: Session) -> tuple[int, int]:
            draft = DraftRepository(s).create(idea_ids=idea_ids, created_by=created_by, member_id=member_id,
                                              status=status)
            version = self._add_version(s, draft.id, content, created_by, note)
            if cultivate:
                for idea_id in idea_ids:
                    idea = IdeaRepository(s).require(idea_id)
                    if idea.status is not IdeaStatus.IN_CULTIVATION:
                        self._move(s, idea, IdeaStatus.IN_CULTIVATION, member_id or created_by, note or None)
            return draft.id, version.version_no

        return self.database.write(work)

    def add_version(
        self, draft_id: int, content: VersionContent, *, author_id: int | None, note: str = "",
        draft_status: DraftStatus | None = None, member_id: int | None = None, title_to_idea: bool = False,
        expect_statuses: Collection[IdeaStatus] | None = None, expect_version: int | None = None,
    ) -> int:
        """Append the next version of a draft; returns its number.

        Guards checked inside the same write transaction (ConflictError with a Chinese message, nothing
        stored): ``expect_statuses`` — the draft's idea must be in one of these statuses (a citizen may edit
        only an unsubmitted draft); ``expect_version`` — nobody added a version since the caller read this one
        (a citizen's redraft never lands on top of a member's newer version).
        """

        def work(s: Session) -> int:
            if expect_statuses is not None or expect_version is not None:
                self._check_guards(s, draft_id, expect_statuses, expect_version)
            version = self._add_version(s, draft_id, content, author_id, note)
            if draft_status is not None:
                DraftRepository(s).set_status(draft_id, draft_status, member_id=member_id)
            if title_to_idea:
                draft = DraftRepository(s).require(draft_id)
                if draft.idea_id is not None:
                    IdeaRepository(s).require(draft.idea_id).title = content.title
            return int(version.version_no)

        return self.database.write(work)

    @staticmethod
    def _check_guards(s: Session, draft_id: int, statuses: Collection[IdeaStatus] | None,
                      version_no: int | None) -> None:
        draft = DraftRepository(s).require(draft_id)
        if version_no is not None and draft.current_version != version_no:
            raise ConflictError("这份草稿已有更新的版本（例如委员已修改），您的内容未覆盖它；请刷新后再操作。",
                                f"draft {draft_id} is at v{draft.current_version}, expected v{version_no}")
        if statuses is not None and draft.idea_id is not None:
            idea = IdeaRepository(s).require(draft.idea_id)
            if idea.status not in statuses:
                receipt = f"（受理编号 {idea.receipt_no}）" if idea.receipt_no else ""
                raise ConflictError(
                    f"这条金点子已经提交{receipt}，提交后的内容不再修改；如需补充，请用受理编号提交补充回答。",
                    f"idea {idea.id} is {idea.status.value}",
                )

    def submit(
        self, draft_id: int, content_for: Callable[[str], VersionContent], citizen: CitizenInfo, *, note: str,
        idempotency_key: str | None = None, consent: Consent | None = None,
    ) -> Submitted:
        """Submit a citizen's draft: receipt number, final version, contact details and status, all or nothing.

        ``content_for(receipt_no)`` is the final version (its 备注 names the receipt). A second submission of the
        same draft is refused with its receipt number (or, with the same ``idempotency_key``, answered with the
        first one's receipt).
        """

        def work(s: Session) -> Submitted:
            if idempotency_key:
                earlier = s.scalar(select(Idea).where(Idea.idempotency_key == idempotency_key))
                if earlier is not None and earlier.receipt_no:
                    return Submitted(earlier.id, earlier.receipt_no, draft_id, None, earlier.status, repeated=True)
            draft = DraftRepository(s).require(draft_id)
            if draft.idea_id is None:
                raise NotFoundError("没有找到这份草稿对应的金点子，请重新起草。", f"draft {draft_id} has no idea")
            ideas = IdeaRepository(s)
            idea = ideas.require(draft.idea_id)
            if idea.status is not IdeaStatus.DRAFT:
                raise ConflictError(f"这条金点子已经提交过了（受理编号 {idea.receipt_no}），无需重复提交。",
                                    f"idea {idea.id} status {idea.status}")
            receipt_no = self._fill_submission(s, ideas, idea, citizen, idempotency_key, consent)
            content = content_for(receipt_no)
            idea.title = content.title
            version = self._add_version(s, draft_id, content, None, note)
            self._move(s, idea, IdeaStatus.SUBMITTED, None, note)
            return Submitted(idea.id, receipt_no, draft_id, version.version_no, idea.status)

        return self.database.write(work, retry_unique=idempotency_key is not None)

    def submit_new(
        self, text: str, content_for: Callable[[str], VersionContent], citizen: CitizenInfo, *,
        review: ReviewRecord | None, source: IdeaSource, note: str, idempotency_key: str | None = None,
        channel: str | None = None, consent: Consent | None = None,
    ) -> Submitted:
        """Store and submit an idea in one go (the JSON API): idea, review, draft version, receipt, all or nothing;
        the same ``idempotency_key`` again returns the first receipt and stores nothing."""

        def work(s: Session) -> Submitted:
            if idempotency_key:
                earlier = s.scalar(select(Idea).where(Idea.idempotency_key == idempotency_key))
                if earlier is not None and earlier.receipt_no:
                    drafts = DraftRepository(s).for_idea(earlier.id)
                    return Submitted(earlier.id, earlier.receipt_no, drafts[0].id if drafts else None, None,
                                     earlier.status, repeated=True)
            now = utcnow()
            idea = Idea(receipt_no=None, raw_text=text, source=source, status=IdeaStatus.DRAFT, channel=channel,
                        created_at=now, updated_at=now)
            s.add(idea)
            s.flush()
            s.add(IdeaStatusChange(idea_id=idea.id, from_status=None, to_status=IdeaStatus.DRAFT, note=note))
            if review is not None:
                self._review(s, idea, review, None)
            receipt_no = self._fill_submission(s, IdeaRepository(s), idea, citizen, idempotency_key, consent)
            content = content_for(receipt_no)
            idea.title = content.title
            draft = DraftRepository(s).create(idea_ids=[idea.id])
            version = self._add_version(s, draft.id, content, None, note)
            self._move(s, idea, IdeaStatus.SUBMITTED, None, note)
            return Submitted(idea.id, receipt_no, draft.id, version.version_no, idea.status)

        return self.database.write(work, retry_unique=idempotency_key is not None)

    @staticmethod
    def _fill_submission(s: Session, ideas: IdeaRepository, idea: Idea, citizen: CitizenInfo,
                         idempotency_key: str | None, consent: Consent | None = None) -> str:
        now = utcnow()
        if consent is not None:
            idea.consent_at, idea.consent_notice = consent.at, consent.notice[:16]
        receipt_no = ideas.next_receipt_no(now)
        idea.receipt_no = receipt_no
        idea.citizen_name, idea.citizen_occupation = citizen.name, citizen.occupation
        idea.citizen_phone, idea.citizen_address = citizen.phone, citizen.address
        idea.idempotency_key = idempotency_key
        idea.submitted_at = now
        s.flush()
        return receipt_no

    # reviews ----------------------------------------------------------------------------------------
    def record_review(self, idea_id: int, review: ReviewRecord, *, user_id: int | None = None) -> None:
        """Store a screening (and routing) of an idea without moving it (a citizen's draft)."""

        def work(s: Session) -> None:
            self._review(s, IdeaRepository(s).require(idea_id), review, user_id)

        self.database.write(work)

    def add_quality(self, draft_id: int, *, score: float, grade: str, checks: list[dict[str, object]], summary: str,
                    created_by: int | None) -> int:
        """Store a quality report of the draft's latest version; returns that version's number."""

        def work(s: Session) -> int:
            version = DraftRepository(s).latest_version(draft_id)
            if version is None:
                raise InputError("该草稿还没有任何版本。", f"draft {draft_id} has no versions")
            QualityRepository(s).add(version.id, score=score, grade=grade, checks=checks, summary=summary,
                                     created_by=created_by)
            return int(version.version_no)

        return self.database.write(work)

    # reading ----------------------------------------------------------------------------------------
    def idea(self, idea_id: int) -> IdeaRecord:
        """An idea (NotFoundError when unknown)."""
        with self.database.session() as s:
            return idea_record(IdeaRepository(s).require(idea_id))

    def by_receipt(self, receipt_no: str) -> IdeaRecord | None:
        """The idea with this receipt number, if any."""
        with self.database.session() as s:
            idea = IdeaRepository(s).get_by_receipt(receipt_no)
            return idea_record(idea) if idea is not None else None

    def by_idempotency_key(self, key: str) -> IdeaRecord | None:
        """The idea submitted with this key, if any."""
        with self.database.session() as s:
            idea = s.scalar(select(Idea).where(Idea.idempotency_key == key))
            return idea_record(idea) if idea is not None else None

    def ideas(self, statuses: Sequence[IdeaStatus], limit: int = 50) -> list[tuple[IdeaRecord, int | None]]:
        """Ideas in ``statuses``, newest first, each with its latest draft id."""
        with self.database.session() as s:
            drafts = DraftRepository(s)
            out = []
            for idea in IdeaRepository(s).list(status=list(statuses), limit=limit):
                credited = drafts.for_idea(idea.id)
                out.append((idea_record(idea), credited[-1].id if credited else None))
            return out

    def history(self, idea_id: int) -> list[StatusRecord]:
        """Every status move of an idea, oldest first, with the name of who made it."""
        with self.database.session() as s:
            query = select(IdeaStatusChange).where(IdeaStatusChange.idea_id == idea_id).order_by(IdeaStatusChange.id)
            return [StatusRecord(h.from_status, h.to_status, h.created_at, h.changed_by, _user_name(s, h.changed_by),
                                 h.note) for h in s.scalars(query)]

    def drafts_for(self, idea_id: int) -> list[int]:
        """Ids of the drafts credited to an idea, oldest first."""
        with self.database.session() as s:
            return [d.id for d in DraftRepository(s).for_idea(idea_id)]

    def credited(self, draft_id: int) -> list[IdeaRecord]:
        """The ideas (citizens) a draft comes from."""
        with self.database.session() as s:
            return [idea_record(i) for i in DraftRepository(s).credited_ideas(draft_id)]

    def snapshot(self, draft_id: int) -> DraftSnapshot:
        """A draft with its latest version and its idea (NotFoundError / InputError when missing)."""
        with self.database.session() as s:
            repo = DraftRepository(s)
            draft = repo.require(draft_id)
            version = repo.latest_version(draft_id)
            if version is None:
                raise InputError("该草稿还没有任何版本。", f"draft {draft_id} has no versions")
            idea = s.get(Idea, draft.idea_id) if draft.idea_id else None
            return DraftSnapshot(_draft_record(draft), version_record(s, version),
                                 idea_record(idea) if idea is not None else None)

    def versions(self, draft_id: int) -> list[VersionRecord]:
        """Every version of a draft, oldest first."""
        with self.database.session() as s:
            return [version_record(s, v) for v in DraftRepository(s).versions(draft_id)]

    def version(self, draft_id: int, version_no: int) -> VersionRecord | None:
        """One version of a draft, if it exists."""
        with self.database.session() as s:
            v = DraftRepository(s).get_version(draft_id, version_no)
            return version_record(s, v) if v is not None else None

    def require_draft(self, draft_id: int) -> DraftRecord:
        """A draft (NotFoundError when unknown)."""
        with self.database.session() as s:
            return _draft_record(DraftRepository(s).require(draft_id))

    @staticmethod
    def status_names() -> dict[IdeaStatus, str]:
        """Chinese names of the statuses."""
        return dict(STATUS_ZH)

