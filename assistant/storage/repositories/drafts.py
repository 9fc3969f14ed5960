"""Proposal drafts, their numbered versions and the ideas they are credited to."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from assistant.storage._sql import get_or_raise
from assistant.storage.enums import DraftStatus
from assistant.storage.errors import NotFoundError
from assistant.storage.orm import Draft, DraftIdea, DraftVersion, Idea
from assistant.storage.types import utcnow


class DraftRepository:
    """Proposal drafts, their immutable numbered versions and the ideas they are credited to."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def create(
        self,
        *,
        idea_ids: Sequence[int] = (),
        created_by: int | None = None,
        member_id: int | None = None,
        status: DraftStatus | str = DraftStatus.DRAFTING,
    ) -> Draft:
        """A draft without versions yet; the first idea is its origin, all are credited."""
        ids = list(dict.fromkeys(idea_ids))
        now = utcnow()
        draft = Draft(
            idea_id=ids[0] if ids else None,
            status=DraftStatus(status),
            current_version=0,
            member_id=member_id,
            created_by=created_by,
            created_at=now,
            updated_at=now,
        )
        self.session.add(draft)
        self.session.flush()
        self.session.add_all(DraftIdea(draft_id=draft.id, idea_id=i) for i in ids)
        self.session.flush()
        return draft

    def add_version(
        self,
        draft_id: int,
        *,
        title: str,
        analysis: Sequence[Any] = (),
        suggestions: Sequence[Any] = (),
        proposer_name: str | None = None,
        proposer_sector: str | None = None,
        proposer_contact: str | None = None,
        proposer_address: str | None = None,
        remarks: str | None = None,
        sources: Sequence[Any] = (),
        violations: Sequence[Any] = (),
        session_state: Mapping[str, Any] | None = None,
        author_id: int | None = None,
        audit_id: int | None = None,
        change_note: str | None = None,
    ) -> DraftVersion:
        """Append version ``current_version + 1`` (numbered atomically, so concurrent editors never clash).

        ``session_state`` is the cultivation session as of this version (JSON), ``change_note`` a human note.
        """
        now = utcnow()
        version_no = self.session.execute(
            update(Draft)
            .where(Draft.id == draft_id)
            .values(current_version=Draft.current_version + 1, updated_at=now)
            .returning(Draft.current_version)
            .execution_options(synchronize_session="fetch")
        ).scalar_one_or_none()
        if version_no is None:
            raise NotFoundError("未找到该提案草稿。", f"drafts id={draft_id!r} not found")
        version = DraftVersion(
            draft_id=draft_id,
            version_no=version_no,
            title=title,
            analysis=list(analysis),
            suggestions=list(suggestions),
            proposer_name=proposer_name,
            proposer_sector=proposer_sector,
            proposer_contact=proposer_contact,
            proposer_address=proposer_address,
            remarks=remarks,
            sources=list(sources),
            violations=list(violations),
            session_state=dict(session_state) if session_state is not None else None,
            author_id=author_id,
            audit_id=audit_id,
            change_note=change_note,
            created_at=now,
        )
        self.session.add(version)
        self.session.flush()
        return version

    def get(self, draft_id: int) -> Draft | None:
        return self.session.get(Draft, draft_id)

    def require(self, draft_id: int) -> Draft:
        return get_or_raise(self.session, Draft, draft_id, "提案草稿")

    def latest_version(self, draft_id: int) -> DraftVersion | None:
        query = select(DraftVersion).where(DraftVersion.draft_id == draft_id)
        return self.session.scalar(query.order_by(DraftVersion.version_no.desc()).limit(1))

    def get_version(self, draft_id: int, version_no: int) -> DraftVersion | None:
        query = select(DraftVersion).where(DraftVersion.draft_id == draft_id, DraftVersion.version_no == version_no)
        return self.session.scalar(query)

    def versions(self, draft_id: int) -> list[DraftVersion]:
        query = select(DraftVersion).where(DraftVersion.draft_id == draft_id)
        return list(self.session.scalars(query.order_by(DraftVersion.version_no)))

    def for_idea(self, idea_id: int) -> list[Draft]:
        """Drafts credited to an idea, oldest first."""
        query = select(Draft).join(DraftIdea, DraftIdea.draft_id == Draft.id).where(DraftIdea.idea_id == idea_id)
        return list(self.session.scalars(query.order_by(Draft.id)))

    def credited_ideas(self, draft_id: int) -> list[Idea]:
        """The ideas (citizens) a draft comes from, by receipt order."""
        query = select(Idea).join(DraftIdea, DraftIdea.idea_id == Idea.id).where(DraftIdea.draft_id == draft_id)
        return list(self.session.scalars(query.order_by(Idea.id)))

    def credit_idea(self, draft_id: int, idea_id: int) -> None:
        """Credit one more idea (merging); no-op if already credited."""
        if self.session.get(DraftIdea, (draft_id, idea_id)) is None:
            self.session.add(DraftIdea(draft_id=draft_id, idea_id=idea_id))
            self.session.flush()

    def set_status(self, draft_id: int, status: DraftStatus | str, *, member_id: int | None = None) -> Draft:
        draft = self.require(draft_id)
        draft.status = DraftStatus(status)
        if member_id is not None:
            draft.member_id = member_id
        draft.updated_at = utcnow()
        self.session.flush()
        return draft
