"""One read of everything the scheme reports need about many ideas at once: screening, suggested and confirmed
routing, grade, consent, 精品 mark, cultivating members, drafts, status history, replies and feedback.

The periodical's counts, the annual selection and the members' figures all come from these facts, so the
numbers in every report are the same numbers the database holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.storage._sql import chunks
from assistant.storage.db import Database
from assistant.storage.decisions import BOUTIQUE, CONSENT, GRADE
from assistant.storage.enums import IdeaStatus, Role
from assistant.storage.ideas import idea_record
from assistant.storage.orm import (
    AuditRecord,
    CitizenFeedback,
    Draft,
    DraftIdea,
    HandlingReply,
    Idea,
    IdeaStatusChange,
    RoutingResult,
    SchemeDecision,
    ScreeningResult,
    User,
)
from assistant.storage.queue import AUDIT_ENTITY, CONFIRM_ACTION
from assistant.storage.records import IdeaRecord

CHUNK = 500


@dataclass(frozen=True)
class ReplyFact:
    """The latest reply of an idea."""

    unit: str
    result: str
    replied_on: date
    content: str


@dataclass
class IdeaFacts:
    """What the reports need about one idea."""

    idea: IdeaRecord
    in_scope: bool | None = None
    category: str | None = None
    suggested: dict[str, Any] = field(default_factory=dict)
    """The routing suggestion stored with the screening (domain, committee, channel, linkage…)."""
    suggested_units: list[Any] = field(default_factory=list)
    confirmed: dict[str, Any] | None = None
    """The staff's confirmation (final units, committee, channel), when routing was confirmed."""
    grade: str | None = None
    grade_auto: bool = False
    consent: str | None = None
    boutique: bool = False
    members: list[int] = field(default_factory=list)
    drafts: list[int] = field(default_factory=list)
    reached: dict[IdeaStatus, datetime] = field(default_factory=dict)
    """The first time the idea reached each status."""
    reply: ReplyFact | None = None
    replies: int = 0
    feedback: str | None = None

    @property
    def channel(self) -> str | None:
        """The confirmed channel, else the suggested one."""
        return (self.confirmed or {}).get("channel") or self.suggested.get("channel")

    @property
    def committee(self) -> str | None:
        """The confirmed committee, else the suggested one."""
        return (self.confirmed or {}).get("committee") or self.suggested.get("committee")

    @property
    def main_unit(self) -> str | None:
        """The confirmed 主办 unit, else the suggested one."""
        units = (self.confirmed or {}).get("final_units") or self.suggested_units
        for rank, unit in enumerate(units or []):
            if isinstance(unit, dict) and (unit.get("role") == "主办" or rank == 0):
                return str(unit.get("name") or unit.get("unit") or "") or None
        return None

    @property
    def linkage(self) -> str | None:
        """The 上下联动 level suggested at routing."""
        return self.suggested.get("linkage")


@dataclass(frozen=True)
class MemberAccount:
    """A member's account."""

    user_id: int
    username: str
    display_name: str


class SchemeFactsStore:
    """Reads ideas with everything the scheme reports need."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def facts(self, *, start: datetime | None = None, end: datetime | None = None,
              idea_ids: Sequence[int] | None = None) -> list[IdeaFacts]:
        """Submitted ideas (submitted in ``[start, end)`` when given, or exactly ``idea_ids``), oldest first."""
        with self.database.session() as s:
            query = select(Idea).where(Idea.status != IdeaStatus.DRAFT, Idea.submitted_at.is_not(None))
            if start is not None:
                query = query.where(Idea.submitted_at >= start)
            if end is not None:
                query = query.where(Idea.submitted_at < end)
            if idea_ids is not None:
                query = query.where(Idea.id.in_(list(idea_ids)))
            ideas = list(s.scalars(query.order_by(Idea.submitted_at, Idea.id)))
            facts = {i.id: IdeaFacts(idea=idea_record(i)) for i in ideas}
            for part in chunks(list(facts), CHUNK):
                self._fill(s, facts, list(part))
            return list(facts.values())

    @staticmethod
    def _fill(s: Session, facts: dict[int, IdeaFacts], ids: list[int]) -> None:
        for screening in s.scalars(select(ScreeningResult).where(ScreeningResult.idea_id.in_(ids))
                                   .order_by(ScreeningResult.id)):
            f = facts[screening.idea_id]
            details = dict(screening.details or {})
            f.in_scope, f.category = screening.in_scope, details.get("category")
            f.suggested = dict(details.get("routing") or {})
        for routing in s.scalars(select(RoutingResult).where(RoutingResult.idea_id.in_(ids))
                                 .order_by(RoutingResult.id)):
            facts[routing.idea_id].suggested_units = list(routing.suggested_units or [])
        audits = select(AuditRecord).where(AuditRecord.entity_type == AUDIT_ENTITY,
                                           AuditRecord.action == CONFIRM_ACTION,
                                           AuditRecord.entity_id.in_([str(i) for i in ids]))
        for audit in s.scalars(audits.order_by(AuditRecord.id)):
            facts[int(audit.entity_id)].confirmed = dict(audit.output or {})
        for decision in s.scalars(select(SchemeDecision).where(SchemeDecision.idea_id.in_(ids))
                                  .order_by(SchemeDecision.id)):
            f = facts[decision.idea_id]
            if decision.kind == GRADE:
                f.grade, f.grade_auto = decision.value, decision.auto
            elif decision.kind == CONSENT:
                f.consent = decision.value
            elif decision.kind == BOUTIQUE:
                f.boutique = decision.value == "yes"
        query = (select(DraftIdea.idea_id, Draft.id, Draft.member_id).join(Draft, Draft.id == DraftIdea.draft_id)
                 .where(DraftIdea.idea_id.in_(ids)).order_by(Draft.id))
        for idea_id, draft_id, member_id in s.execute(query):
            f = facts[idea_id]
            f.drafts.append(int(draft_id))
            if member_id is not None and member_id not in f.members:
                f.members.append(int(member_id))
        for change in s.scalars(select(IdeaStatusChange).where(IdeaStatusChange.idea_id.in_(ids))
                                .order_by(IdeaStatusChange.id)):
            facts[change.idea_id].reached.setdefault(change.to_status, change.created_at)
        for reply in s.scalars(select(HandlingReply).where(HandlingReply.idea_id.in_(ids))
                               .order_by(HandlingReply.id)):
            f = facts[reply.idea_id]
            f.reply = ReplyFact(reply.unit, reply.result, reply.replied_on, reply.content)
            f.replies += 1
        for rating in s.scalars(select(CitizenFeedback).where(CitizenFeedback.idea_id.in_(ids))
                                .order_by(CitizenFeedback.id)):
            facts[rating.idea_id].feedback = rating.rating

    def members(self) -> list[MemberAccount]:
        """Every active member account, by name."""
        with self.database.session() as s:
            query = select(User).where(User.role == Role.MEMBER, User.is_active.is_(True)).order_by(User.display_name)
            return [MemberAccount(u.id, u.username, u.display_name) for u in s.scalars(query)]

    def member_drafts(self, member_id: int) -> list[tuple[int, list[int]]]:
        """(draft id, credited idea ids) of the drafts a member polished or created, oldest first."""
        with self.database.session() as s:
            query = (select(Draft.id, DraftIdea.idea_id).outerjoin(DraftIdea, DraftIdea.draft_id == Draft.id)
                     .where((Draft.member_id == member_id) | (Draft.created_by == member_id)).order_by(Draft.id))
            out: dict[int, list[int]] = {}
            for draft_id, idea_id in s.execute(query):
                out.setdefault(int(draft_id), [])
                if idea_id is not None:
                    out[int(draft_id)].append(int(idea_id))
            return list(out.items())
