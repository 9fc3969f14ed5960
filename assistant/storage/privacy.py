"""Citizens' personal data on request and at the end of the retention period: look-up, a full copy, erasure of
contact details (idea and draft versions), deletion of stale unsubmitted drafts. One transaction per method."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from assistant.storage.db import Database
from assistant.storage.enums import IdeaSource, IdeaStatus
from assistant.storage.orm import Draft, DraftIdea, DraftVersion, Idea
from assistant.storage.records import CitizenInfo

ERASED = "（已删除）"
CITIZEN_SOURCES = (IdeaSource.WEB, IdeaSource.API)


@dataclass(frozen=True)
class PurgeCounts:
    """How many ideas lost their contact details, how many stale drafts were deleted."""

    contacts_erased: int
    drafts_deleted: int


def _info(idea: Idea) -> CitizenInfo:
    return CitizenInfo(idea.citizen_name, idea.citizen_occupation, idea.citizen_phone, idea.citizen_address)


class PrivacyStore:
    """Personal data of citizens behind ideas."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def idea_contact(self, receipt_no: str) -> tuple[int, CitizenInfo] | None:
        """(idea id, contact details) of a submitted idea, if the receipt exists."""
        with self.database.session() as s:
            idea = s.scalar(select(Idea).where(Idea.receipt_no == receipt_no))
            return (idea.id, _info(idea)) if idea is not None else None

    def citizen_data(self, idea_id: int) -> dict[str, Any]:
        """Every stored field about the citizen's submission, as plain data."""
        with self.database.session() as s:
            idea = s.get(Idea, idea_id)
            if idea is None:
                return {}
            drafts = list(s.scalars(select(Draft.id).where(Draft.idea_id == idea_id)))
            versions: list[DraftVersion] = list(s.scalars(
                select(DraftVersion).where(DraftVersion.draft_id.in_(drafts))
                .order_by(DraftVersion.draft_id, DraftVersion.version_no)
            )) if drafts else []
            return {
                "receipt_no": idea.receipt_no or "", "submitted_at": idea.submitted_at,
                "consent_at": idea.consent_at, "consent_notice": idea.consent_notice,
                "contact_erased_at": idea.contact_erased_at, "name": idea.citizen_name,
                "occupation": idea.citizen_occupation, "phone": idea.citizen_phone, "address": idea.citizen_address,
                "idea_text": idea.raw_text, "title": idea.title, "status": idea.status.value,
                "versions": [{
                    "draft_id": v.draft_id, "version_no": v.version_no, "created_at": v.created_at.isoformat(),
                    "title": v.title, "analysis": list(v.analysis), "suggestions": list(v.suggestions),
                    "proposer_name": v.proposer_name, "proposer_occupation": v.proposer_sector,
                    "proposer_phone": v.proposer_contact, "proposer_address": v.proposer_address,
                    "remarks": v.remarks, "note": v.change_note,
                } for v in versions],
            }

    @staticmethod
    def _erase(s: Session, idea_ids: Sequence[int], now: datetime) -> int:
        if not idea_ids:
            return 0
        ideas = list(s.scalars(select(Idea).where(Idea.id.in_(idea_ids))))
        names = {i.id: i.citizen_name for i in ideas}
        for idea in ideas:
            idea.citizen_name = idea.citizen_occupation = idea.citizen_phone = idea.citizen_address = None
            idea.contact_erased_at = now
        own = list(s.scalars(select(Draft.id).where(Draft.idea_id.in_(idea_ids))))
        if own:
            s.execute(update(DraftVersion).where(DraftVersion.draft_id.in_(own)).values(
                proposer_name=None, proposer_sector=None, proposer_contact=None, proposer_address=None))
        credited = s.execute(select(DraftIdea.draft_id, DraftIdea.idea_id).where(DraftIdea.idea_id.in_(idea_ids)))
        for draft_id, idea_id in credited:
            name = names.get(idea_id)
            if not name:
                continue
            for version in s.scalars(select(DraftVersion).where(DraftVersion.draft_id == draft_id)):
                if version.remarks and name in version.remarks:
                    version.remarks = version.remarks.replace(name, ERASED)
                if version.proposer_name == name:
                    version.proposer_name = version.proposer_sector = None
                    version.proposer_contact = version.proposer_address = None
        s.flush()
        return len(ideas)

    def erase_contact(self, idea_ids: Sequence[int], now: datetime) -> int:
        """Erase name, phone, occupation and address from ideas and their draft versions (the 备注's name
        too); how many ideas."""
        return self.database.write(lambda s: self._erase(s, list(idea_ids), now))

    def purge(self, cutoff: datetime | None, draft_cutoff: datetime | None, now: datetime, *,
              dry_run: bool = False) -> PurgeCounts:
        """Erase contact details of ideas submitted before ``cutoff``; delete citizens' unsubmitted drafts
        created before ``draft_cutoff`` (with their versions, reviews and history). ``dry_run``: count only."""

        def work(s: Session) -> PurgeCounts:
            erase: list[int] = []
            if cutoff is not None:
                erase = list(s.scalars(select(Idea.id).where(
                    Idea.submitted_at < cutoff, Idea.contact_erased_at.is_(None),
                    or_(Idea.citizen_name.is_not(None), Idea.citizen_phone.is_not(None),
                        Idea.citizen_address.is_not(None), Idea.citizen_occupation.is_not(None)),
                )))
            stale: list[int] = []
            if draft_cutoff is not None:
                stale = list(s.scalars(select(Idea.id).where(
                    Idea.status == IdeaStatus.DRAFT, Idea.created_at < draft_cutoff,
                    Idea.source.in_(CITIZEN_SOURCES),
                )))
            if dry_run:
                return PurgeCounts(len(erase), len(stale))
            self._erase(s, erase, now)
            if stale:
                drafts = list(s.scalars(select(Draft.id).where(Draft.idea_id.in_(stale))))
                if drafts:
                    s.execute(delete(DraftIdea).where(DraftIdea.draft_id.in_(drafts)))
                    s.execute(delete(DraftVersion).where(DraftVersion.draft_id.in_(drafts)))
                    s.execute(delete(Draft).where(Draft.id.in_(drafts)))
                s.execute(delete(DraftIdea).where(DraftIdea.idea_id.in_(stale)))
                # status history, screening and routing rows go with the idea (ON DELETE CASCADE)
                s.execute(delete(Idea).where(Idea.id.in_(stale)))
            return PurgeCounts(len(erase), len(stale))

        return self.database.write(work)
