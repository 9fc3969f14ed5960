"""Stored drafts of the workflows: ideas, draft rows and numbered versions in the cultivation-session format.

Versions are written exactly as :class:`assistant.cultivation.service.CultivationService` writes them
(``StoredSession`` in ``session_state``), so ``CultivationService.resume`` reads every draft back.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from assistant.cultivation.models import Proposer, SessionState
from assistant.cultivation.service import store_version
from assistant.storage.enums import DraftStatus, IdeaSource, IdeaStatus
from assistant.storage.repositories import CitizenInfo, DraftRepository, IdeaRepository

SessionFactory = Callable[[], AbstractContextManager[Any]]


def citizen_info(person: Proposer) -> CitizenInfo:
    """The storage shape of a citizen's personal data (empty fields as NULL)."""
    return CitizenInfo(person.name.strip() or None, person.occupation.strip() or None,
                       person.phone.strip() or None, person.address.strip() or None)


class DraftStore:
    """Creates ideas and drafts and appends versions; every call is one short transaction."""

    def __init__(self, sessions: SessionFactory) -> None:
        self.sessions = sessions

    def create_idea(self, text: str, *, status: IdeaStatus = IdeaStatus.DRAFT, created_by: int | None = None,
                    source: IdeaSource = IdeaSource.WEB) -> tuple[int, str]:
        """Store an idea (no personal data yet) and return its id and receipt number."""
        with self.sessions() as s:
            idea = IdeaRepository(s).create(text, status=status, source=source, submitted_by=created_by)
            return idea.id, idea.receipt_no

    def create_draft(
        self,
        state: SessionState,
        *,
        idea_ids: list[int],
        note: str,
        created_by: int | None = None,
        member_id: int | None = None,
        status: DraftStatus = DraftStatus.DRAFTING,
    ) -> SessionState:
        """A new draft row credited to ``idea_ids`` with ``state`` as version 1."""
        with self.sessions() as s:
            row = DraftRepository(s).create(idea_ids=idea_ids, created_by=created_by, member_id=member_id,
                                            status=status)
            state = state.model_copy(update={"draft_id": row.id})
            store_version(s, state, created_by, note)
            if state.idea_id is not None:
                IdeaRepository(s).require(state.idea_id).title = state.draft.title
        return state

    def add_version(self, state: SessionState, *, author_id: int | None = None, note: str = "") -> int:
        """Append ``state`` as the draft's next version; returns its number."""
        with self.sessions() as s:
            return store_version(s, state, author_id, note)
