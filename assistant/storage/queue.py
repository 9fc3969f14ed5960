"""The staff queue's queries: ideas with their latest screening and routing, filtered and paginated."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, TypeVar

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from assistant.storage.db import Database
from assistant.storage.enums import IdeaStatus
from assistant.storage.ideas import idea_record
from assistant.storage.orm import AuditRecord, Idea, IdeaStatusChange, RoutingResult, ScreeningResult, User
from assistant.storage.records import IdeaRecord, StatusRecord
from assistant.storage.repositories import IdeaRepository, RoutingRepository, ScreeningRepository

Q = TypeVar("Q", bound=Select[*tuple[Any, ...]])
CONFIRM_ACTION = "confirm_routing"
AUDIT_ENTITY = "idea"


@dataclass(frozen=True)
class ScreeningRow:
    """The latest stored screening of an idea."""

    in_scope: bool
    confidence: float | None
    reasons: list[Any]
    details: dict[str, Any]


@dataclass(frozen=True)
class RoutingRow:
    """The latest stored routing of an idea and, once confirmed, the staff's choice."""

    id: int
    suggested_units: list[Any]
    final_units: list[Any] | None
    confirmed_at: datetime | None
    confirmed_by: str | None
    note: str | None
    confirmation: dict[str, Any]


@dataclass(frozen=True)
class QueueEntry:
    """One idea of the queue with its latest screening and routing."""

    idea: IdeaRecord
    screening: ScreeningRow | None
    routing: RoutingRow | None


@dataclass(frozen=True)
class QueueSlice:
    """One page of the queue."""

    entries: list[QueueEntry]
    total: int
    page: int
    pages: int
    page_size: int


@dataclass(frozen=True)
class QueueQuery:
    """Filters of the queue (``None``: any); bounds are UTC-aware, ``end`` exclusive."""

    status: IdeaStatus | None = None
    domain: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    scope: Literal["all", "in", "out", "unscreened"] = "all"
    routing: Literal["all", "unconfirmed", "confirmed"] = "all"
    text: str | None = None


def _latest(model: Any) -> Any:
    """Subquery (idea_id, id) of the latest row of ``model`` per idea."""
    return select(model.idea_id.label("idea_id"), func.max(model.id).label("id")).group_by(model.idea_id).subquery()


def _screening(row: ScreeningResult | None) -> ScreeningRow | None:
    if row is None:
        return None
    return ScreeningRow(row.in_scope, row.confidence, list(row.reasons or []), dict(row.details or {}))


def _user_name(session: Session, user_id: int | None) -> str | None:
    user = session.get(User, user_id) if user_id is not None else None
    return user.display_name if user else None


def _routing(session: Session, row: RoutingResult | None, with_confirmation: bool) -> RoutingRow | None:
    if row is None:
        return None
    confirmation: dict[str, Any] = {}
    if with_confirmation and row.confirmed_at is not None:
        audit = session.scalar(
            select(AuditRecord)
            .where(AuditRecord.entity_type == AUDIT_ENTITY, AuditRecord.entity_id == str(row.idea_id),
                   AuditRecord.action == CONFIRM_ACTION)
            .order_by(AuditRecord.id.desc()).limit(1)
        )
        confirmation = dict(audit.output or {}) if audit else {}
    return RoutingRow(row.id, list(row.suggested_units or []), list(row.final_units) if row.final_units else None,
                      row.confirmed_at, _user_name(session, row.confirmed_by), row.note, confirmation)


class QueueStore:
    """Reads the staff queue."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def page(self, query: QueueQuery, page: int, page_size: int) -> QueueSlice:
        """One page of ideas matching ``query``, newest first."""
        with self.database.session() as session:
            screening, routing = _latest(ScreeningResult), _latest(RoutingResult)
            base = (
                select(Idea, ScreeningResult, RoutingResult)
                .outerjoin(screening, screening.c.idea_id == Idea.id)
                .outerjoin(ScreeningResult, ScreeningResult.id == screening.c.id)
                .outerjoin(routing, routing.c.idea_id == Idea.id)
                .outerjoin(RoutingResult, RoutingResult.id == routing.c.id)
            )
            filtered = self._filtered(base, query)
            total = int(session.scalar(select(func.count()).select_from(filtered.subquery())) or 0)
            pages = max(1, math.ceil(total / page_size))
            page = max(1, min(page, pages))
            rows = session.execute(filtered.order_by(Idea.created_at.desc(), Idea.id.desc())
                                   .limit(page_size).offset((page - 1) * page_size)).all()
            entries = [QueueEntry(idea_record(i), _screening(s), _routing(session, r, False)) for i, s, r in rows]
            return QueueSlice(entries, total, page, pages, page_size)

    @staticmethod
    def _filtered(query: Q, f: QueueQuery) -> Q:
        # without a status filter, a citizen's unsubmitted draft is not staff work
        query = query.where(Idea.status == f.status) if f.status else query.where(Idea.status != IdeaStatus.DRAFT)
        if f.domain:
            query = query.where(Idea.domain == f.domain)
        if f.start is not None:
            query = query.where(Idea.created_at >= f.start)
        if f.end is not None:
            query = query.where(Idea.created_at < f.end)
        if f.scope == "in":
            query = query.where(ScreeningResult.in_scope.is_(True))
        elif f.scope == "out":
            query = query.where(ScreeningResult.in_scope.is_(False))
        elif f.scope == "unscreened":
            query = query.where(ScreeningResult.id.is_(None))
        if f.routing == "unconfirmed":
            query = query.where(and_(RoutingResult.id.is_not(None), RoutingResult.confirmed_at.is_(None)))
        elif f.routing == "confirmed":
            query = query.where(RoutingResult.confirmed_at.is_not(None))
        if f.text and f.text.strip():
            needle = f.text.strip()
            like = f"%{needle}%"
            query = query.where(or_(Idea.title.like(like), Idea.raw_text.like(like), Idea.receipt_no == needle.upper()))
        return query

    def entry(self, idea_id: int) -> tuple[QueueEntry, list[StatusRecord]]:
        """One idea with its latest screening, routing (and confirmation) and its status history."""
        with self.database.session() as session:
            idea = IdeaRepository(session).require(idea_id)
            entry = QueueEntry(idea_record(idea), _screening(ScreeningRepository(session).latest(idea_id)),
                               _routing(session, RoutingRepository(session).latest(idea_id), True))
            changes = session.scalars(select(IdeaStatusChange).where(IdeaStatusChange.idea_id == idea_id)
                                      .order_by(IdeaStatusChange.id))
            history = [StatusRecord(h.from_status, h.to_status, h.created_at, h.changed_by,
                                    _user_name(session, h.changed_by), h.note) for h in changes]
            return entry, history

    def domains(self) -> list[str]:
        """Domains that ideas currently have (for the filter)."""
        with self.database.session() as session:
            query = select(Idea.domain).where(Idea.domain.is_not(None)).distinct().order_by(Idea.domain)
            return [d for d in session.scalars(query) if d]
