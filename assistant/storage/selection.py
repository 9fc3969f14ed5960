"""The annual selection's inputs and results: 办理成果 / 社会效应 recorded by staff, the chosen 50 with certificate
numbers; and a member's draft finalised as a 百姓提案 (its ideas move to "proposal")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from assistant.storage.db import Database
from assistant.storage.enums import DraftStatus, IdeaStatus
from assistant.storage.errors import ConflictError
from assistant.storage.ideas import IdeaStore, idea_record
from assistant.storage.orm import AnnualSelection, IdeaMerit
from assistant.storage.records import IdeaRecord
from assistant.storage.repositories import DraftRepository, IdeaRepository


@dataclass(frozen=True)
class MeritRecord:
    """The latest 办理成果 and 社会效应 staff recorded for an idea in a year (0–5, None: not recorded)."""

    idea_id: int
    year: int
    outcome: float | None
    social: float | None
    note: str | None
    at: datetime


@dataclass(frozen=True)
class SelectedRow:
    """One idea of the year's selection."""

    idea_id: int
    rank: int
    score: float
    certificate_no: str
    details: dict[str, Any] = field(default_factory=dict)


class SelectionStore:
    """Merits, the annual selection and finalised proposals."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def record_merit(self, idea_id: int, year: int, *, outcome: float | None, social: float | None,
                     note: str | None, user_id: int | None) -> MeritRecord:
        """Store staff's 办理成果 / 社会效应 for an idea (a new row; the latest counts)."""

        def work(s: Session) -> MeritRecord:
            IdeaRepository(s).require(idea_id)
            row = IdeaMerit(idea_id=idea_id, year=year, outcome=outcome, social=social, note=note, created_by=user_id)
            s.add(row)
            s.flush()
            return MeritRecord(idea_id, year, outcome, social, note, row.created_at)

        return self.database.write(work)

    def merits(self, year: int) -> dict[int, MeritRecord]:
        """The latest merit per idea of a year."""
        with self.database.session() as s:
            out: dict[int, MeritRecord] = {}
            query = select(IdeaMerit).where(IdeaMerit.year == year).order_by(IdeaMerit.id)
            for row in s.scalars(query):
                out[row.idea_id] = MeritRecord(row.idea_id, row.year, row.outcome, row.social, row.note,
                                               row.created_at)
            return out

    def save_selection(self, year: int, rows: Sequence[SelectedRow], *, user_id: int | None,
                       replace: bool = False) -> int:
        """Store the year's selection (ConflictError when one exists and ``replace`` is False)."""

        def work(s: Session) -> int:
            existing = s.scalar(select(AnnualSelection.id).where(AnnualSelection.year == year).limit(1))
            if existing is not None and not replace:
                raise ConflictError(f"{year} 年度的评选结果已经保存过；如需重新评选，请选择“覆盖已有结果”。",
                                    f"selection {year} exists")
            s.execute(delete(AnnualSelection).where(AnnualSelection.year == year))
            for r in rows:
                s.add(AnnualSelection(year=year, idea_id=r.idea_id, rank=r.rank, score=r.score, details=r.details,
                                      certificate_no=r.certificate_no, created_by=user_id))
            return len(rows)

        return self.database.write(work)

    def selection(self, year: int) -> list[SelectedRow]:
        """The stored selection of a year, by rank."""
        with self.database.session() as s:
            query = select(AnnualSelection).where(AnnualSelection.year == year).order_by(AnnualSelection.rank)
            return [SelectedRow(r.idea_id, r.rank, r.score, r.certificate_no, dict(r.details or {}))
                    for r in s.scalars(query)]

    def selected_ids(self) -> dict[int, set[int]]:
        """Year → ids of the ideas selected that year."""
        with self.database.session() as s:
            out: dict[int, set[int]] = {}
            for year, idea_id in s.execute(select(AnnualSelection.year, AnnualSelection.idea_id)):
                out.setdefault(int(year), set()).add(int(idea_id))
            return out

    def finalise(self, draft_id: int, *, member_id: int | None, note: str) -> list[IdeaRecord]:
        """A member's draft becomes a 百姓提案: the draft is final and its ideas move to "proposal"."""

        def work(s: Session) -> list[IdeaRecord]:
            drafts = DraftRepository(s)
            draft = drafts.require(draft_id)
            ideas = drafts.credited_ideas(draft_id)
            if not ideas:
                raise ConflictError("这份草稿没有关联市民的金点子，不能作为“百姓提案”提交（请先关联受理编号）。",
                                    f"draft {draft_id} has no ideas")
            drafts.set_status(draft.id, DraftStatus.FINAL, member_id=member_id)
            out = []
            for idea in ideas:
                if idea.status is not IdeaStatus.PROPOSAL:
                    IdeaStore.move_in(s, idea, IdeaStatus.PROPOSAL, member_id, note)
                out.append(idea_record(idea))
            return out

        return self.database.write(work)

    def idea_ids_with_status(self, statuses: Sequence[IdeaStatus]) -> list[int]:
        """Ids of ideas currently in ``statuses``."""
        with self.database.session() as s:
            return [i.id for i in IdeaRepository(s).list(status=list(statuses), limit=1_000_000)]
