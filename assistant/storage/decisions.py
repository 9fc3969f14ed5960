"""Decisions about an idea kept as history — its grade (线索分级), the citizen's consent to be named, a 精品 mark.

The latest decision of a kind is the current one; older ones stay, so every change shows who made it, when and why.
A grade that refers the idea elsewhere moves it to "referred" in the same transaction (through the life cycle).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.storage.db import Database
from assistant.storage.enums import IdeaStatus
from assistant.storage.ideas import IdeaStore
from assistant.storage.orm import SchemeDecision, User
from assistant.storage.repositories import IdeaRepository

GRADE = "grade"
CONSENT = "consent"
BOUTIQUE = "boutique"


@dataclass(frozen=True)
class DecisionRecord:
    """One stored decision."""

    id: int
    idea_id: int
    kind: str
    value: str
    reason: str | None
    details: dict[str, Any]
    auto: bool
    by_id: int | None
    by_name: str | None
    at: datetime


@dataclass(frozen=True)
class NewDecision:
    """A decision to store; ``move_to`` moves the idea as well (skipped when it is already there)."""

    idea_id: int
    kind: str
    value: str
    reason: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    auto: bool = False
    move_to: IdeaStatus | None = None
    move_note: str | None = None


def _record(s: Session, row: SchemeDecision) -> DecisionRecord:
    user = s.get(User, row.created_by) if row.created_by is not None else None
    return DecisionRecord(row.id, row.idea_id, row.kind, row.value, row.reason, dict(row.details or {}), row.auto,
                          row.created_by, user.display_name if user else None, row.created_at)


class DecisionStore:
    """Stores and reads decisions about ideas."""

    def __init__(self, database: Database) -> None:
        self.database = database

    @staticmethod
    def add_in(s: Session, decision: NewDecision, user_id: int | None) -> SchemeDecision:
        """Within a storage transaction: store one decision (and the status move it asks for)."""
        idea = IdeaRepository(s).require(decision.idea_id)
        row = SchemeDecision(idea_id=idea.id, kind=decision.kind, value=decision.value, reason=decision.reason,
                             details=decision.details, auto=decision.auto, created_by=user_id)
        s.add(row)
        if decision.move_to is not None and idea.status is not decision.move_to:
            IdeaStore.move_in(s, idea, decision.move_to, user_id, decision.move_note or decision.reason)
        s.flush()
        return row

    def record(self, decision: NewDecision, *, user_id: int | None) -> DecisionRecord:
        """Store one decision (ConflictError, in Chinese, when the status move it asks for is not allowed)."""

        def work(s: Session) -> DecisionRecord:
            return _record(s, self.add_in(s, decision, user_id))

        return self.database.write(work)

    def record_many(self, decisions: Sequence[NewDecision], *, user_id: int | None) -> int:
        """Store several decisions in one transaction; returns how many."""

        def work(s: Session) -> int:
            for decision in decisions:
                self.add_in(s, decision, user_id)
            return len(decisions)

        return self.database.write(work) if decisions else 0

    def latest(self, idea_id: int, kind: str) -> DecisionRecord | None:
        """The current decision of a kind."""
        with self.database.session() as s:
            row = s.scalar(select(SchemeDecision).where(SchemeDecision.idea_id == idea_id, SchemeDecision.kind == kind)
                           .order_by(SchemeDecision.id.desc()).limit(1))
            return _record(s, row) if row is not None else None

    def latest_for(self, kind: str, idea_ids: Sequence[int] | None = None) -> dict[int, DecisionRecord]:
        """The current decision of a kind per idea (all ideas when ``idea_ids`` is None)."""
        with self.database.session() as s:
            query = select(SchemeDecision).where(SchemeDecision.kind == kind)
            if idea_ids is not None:
                query = query.where(SchemeDecision.idea_id.in_(list(idea_ids)))
            out: dict[int, DecisionRecord] = {}
            for row in s.scalars(query.order_by(SchemeDecision.id)):
                out[row.idea_id] = _record(s, row)
            return out

    def history(self, idea_id: int, kind: str | None = None) -> list[DecisionRecord]:
        """Every decision about an idea (of one kind), oldest first."""
        with self.database.session() as s:
            query = select(SchemeDecision).where(SchemeDecision.idea_id == idea_id)
            if kind is not None:
                query = query.where(SchemeDecision.kind == kind)
            return [_record(s, row) for row in s.scalars(query.order_by(SchemeDecision.id))]
