"""Handling after routing: assignments (交办/督办) with deadlines, the units' replies, the citizen's satisfaction,
and in-app notices for the members who cultivated the idea.

Every method is one transaction; status moves go through the life cycle (routed / proposal → handling → replied →
closed, replied → handling when a reply is handled again) and are recorded with who, when and why.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.storage.db import Database
from assistant.storage.enums import IdeaStatus
from assistant.storage.errors import ConflictError
from assistant.storage.ideas import IdeaStore, idea_record
from assistant.storage.orm import (
    CitizenFeedback,
    Draft,
    DraftIdea,
    HandlingItem,
    HandlingReply,
    Idea,
    MemberNotice,
    User,
)
from assistant.storage.records import IdeaRecord
from assistant.storage.repositories import IdeaRepository, IngestRepository
from assistant.storage.types import utcnow

OPEN = "open"
REPLIED = "replied"
CLOSED = "closed"
ASSIGNABLE = (IdeaStatus.ROUTED, IdeaStatus.PROPOSAL, IdeaStatus.HANDLING, IdeaStatus.REPLIED)
REPLYABLE = (IdeaStatus.ROUTED, IdeaStatus.PROPOSAL, IdeaStatus.HANDLING, IdeaStatus.REPLIED)
REPLY_ENTITY = "reply"
NoticeText = Callable[[IdeaRecord], str]


@dataclass(frozen=True)
class ItemRecord:
    """One handling assignment."""

    id: int
    idea_id: int
    receipt_no: str | None
    title: str
    unit: str
    level: str
    supervisor: str | None
    deadline: date
    status: str
    note: str | None
    created_at: datetime
    created_by: str | None
    closed_at: datetime | None


@dataclass(frozen=True)
class ReplyRecord:
    """One reply of a handling unit."""

    id: int
    idea_id: int
    item_id: int | None
    unit: str
    content: str
    result: str
    replied_on: date
    source: str
    created_at: datetime
    created_by: str | None


@dataclass(frozen=True)
class FeedbackRecord:
    """One satisfaction rating by the citizen."""

    id: int
    idea_id: int
    reply_id: int | None
    rating: str
    comment: str | None
    created_at: datetime


@dataclass(frozen=True)
class NoticeRecord:
    """One in-app notice for a member."""

    id: int
    user_id: int
    idea_id: int | None
    receipt_no: str | None
    kind: str
    message: str
    created_at: datetime
    read_at: datetime | None


def _name(s: Session, user_id: int | None) -> str | None:
    user = s.get(User, user_id) if user_id is not None else None
    return user.display_name if user else None


def _item(s: Session, row: HandlingItem, idea: Idea | None = None) -> ItemRecord:
    idea = idea or s.get(Idea, row.idea_id)
    return ItemRecord(row.id, row.idea_id, idea.receipt_no if idea else None,
                      (idea.title or idea.raw_text[:30]) if idea else "", row.unit, row.level, row.supervisor,
                      row.deadline, row.status, row.note, row.created_at, _name(s, row.created_by), row.closed_at)


def _reply(s: Session, row: HandlingReply) -> ReplyRecord:
    return ReplyRecord(row.id, row.idea_id, row.item_id, row.unit, row.content, row.result, row.replied_on,
                       row.source, row.created_at, _name(s, row.created_by))


def _feedback(row: CitizenFeedback) -> FeedbackRecord:
    return FeedbackRecord(row.id, row.idea_id, row.reply_id, row.rating, row.comment, row.created_at)


def members_in(s: Session, idea_id: int) -> list[int]:
    """Within a transaction: ids of the members whose drafts are credited to an idea (who cultivated it)."""
    query = (select(Draft.member_id).join(DraftIdea, DraftIdea.draft_id == Draft.id)
             .where(DraftIdea.idea_id == idea_id, Draft.member_id.is_not(None)).distinct())
    return sorted(int(m) for m in s.scalars(query) if m is not None)


def notify_in(s: Session, idea: Idea, kind: str, message: str) -> int:
    """Within a transaction: an in-app notice for every member who cultivated the idea; returns how many."""
    members = members_in(s, idea.id)
    for user_id in members:
        s.add(MemberNotice(user_id=user_id, idea_id=idea.id, kind=kind, message=message))
    return len(members)


class HandlingStore:
    """Assignments, replies, citizen feedback and member notices."""

    def __init__(self, database: Database) -> None:
        self.database = database

    # assignments -------------------------------------------------------------------------------------
    def assign(
        self, idea_id: int, *, unit: str, deadline: date, level: str, supervisor: str | None, note: str | None,
        user_id: int | None, status_note: str,
    ) -> ItemRecord:
        """Hand an idea to a unit with a deadline (the idea moves to handling)."""

        def work(s: Session) -> ItemRecord:
            idea = IdeaRepository(s).require(idea_id)
            if idea.status not in ASSIGNABLE:
                raise ConflictError(
                    "只有已分办、已形成提案或正在办理的金点子才能交办，请先在「待办队列」确认分办。",
                    f"idea {idea_id} status {idea.status}",
                )
            row = HandlingItem(idea_id=idea.id, unit=unit, level=level, supervisor=supervisor, deadline=deadline,
                               status=OPEN, note=note, created_by=user_id)
            s.add(row)
            IdeaStore.move_in(s, idea, IdeaStatus.HANDLING, user_id, status_note)
            return _item(s, row, idea)

        return self.database.write(work)

    def update_deadline(self, item_id: int, deadline: date, *, user_id: int | None, note: str) -> ItemRecord:
        """Change an open item's deadline (recorded as a handling → handling move with the note)."""

        def work(s: Session) -> ItemRecord:
            row = s.get(HandlingItem, item_id)
            if row is None or row.status != OPEN:
                raise ConflictError("只有未答复的交办事项可以调整期限。", f"item {item_id}")
            idea = IdeaRepository(s).require(row.idea_id)
            row.deadline = deadline
            IdeaStore.move_in(s, idea, IdeaStatus.HANDLING, user_id, note)
            return _item(s, row, idea)

        return self.database.write(work)

    # replies -----------------------------------------------------------------------------------------
    def reply(
        self, idea_id: int, *, unit: str, content: str, result: str, replied_on: date, source: str,
        user_id: int | None, status_note: str, notice: NoticeText | None = None, batch_id: int | None = None,
        line: int | None = None,
    ) -> ReplyRecord:
        """Record a unit's reply: the unit's open items are marked replied, the idea moves to replied (an idea
        never assigned in the system is first moved to handling, noted as such), and the members who cultivated
        it get a notice. ``batch_id``/``line``: the imported file and row it came from."""

        def work(s: Session) -> ReplyRecord:
            row = self.reply_in(s, idea_id, unit=unit, content=content, result=result, replied_on=replied_on,
                                source=source, user_id=user_id, status_note=status_note, notice=notice,
                                batch_id=batch_id)
            if batch_id is not None and line is not None:
                IngestRepository(s).add_rows(batch_id, [(line, REPLY_ENTITY, str(row.id), True)])
            return _reply(s, row)

        return self.database.write(work)

    @staticmethod
    def reply_in(
        s: Session, idea_id: int, *, unit: str, content: str, result: str, replied_on: date, source: str,
        user_id: int | None, status_note: str, notice: NoticeText | None = None, batch_id: int | None = None,
    ) -> HandlingReply:
        """Within a storage transaction: :meth:`reply`."""
        idea = IdeaRepository(s).require(idea_id)
        if idea.status not in REPLYABLE:
            raise ConflictError(f"受理编号 {idea.receipt_no} 的状态不是已分办或办理中，不能登记答复。",
                                f"idea {idea_id} status {idea.status}")
        open_items = list(s.scalars(select(HandlingItem).where(HandlingItem.idea_id == idea_id,
                                                               HandlingItem.status == OPEN)
                                    .order_by(HandlingItem.id)))
        mine = [i for i in open_items if i.unit == unit]
        now = utcnow()
        for item in mine:
            item.status, item.closed_at = REPLIED, now
        row = HandlingReply(idea_id=idea_id, item_id=mine[0].id if mine else None, unit=unit, content=content,
                            result=result, replied_on=replied_on, source=source, batch_id=batch_id,
                            created_by=user_id)
        s.add(row)
        if idea.status in (IdeaStatus.ROUTED, IdeaStatus.PROPOSAL):
            IdeaStore.move_in(s, idea, IdeaStatus.HANDLING, user_id, "登记答复时补记交办（此前未在系统中交办）")
        IdeaStore.move_in(s, idea, IdeaStatus.REPLIED, user_id, status_note)
        if notice is not None:
            notify_in(s, idea, "reply", notice(idea_record(idea)))
        s.flush()
        return row

    # citizen feedback --------------------------------------------------------------------------------
    def feedback(self, idea_id: int, *, rating: str, comment: str | None, notice: NoticeText | None = None
                 ) -> FeedbackRecord:
        """Store the citizen's rating of the latest reply (ConflictError before any reply)."""

        def work(s: Session) -> FeedbackRecord:
            idea = IdeaRepository(s).require(idea_id)
            latest = s.scalar(select(HandlingReply).where(HandlingReply.idea_id == idea_id)
                              .order_by(HandlingReply.id.desc()).limit(1))
            if latest is None:
                raise ConflictError("承办单位还没有答复，答复后才能评价办理结果。", f"idea {idea_id} has no reply")
            row = CitizenFeedback(idea_id=idea_id, reply_id=latest.id, rating=rating, comment=comment)
            s.add(row)
            if notice is not None:
                notify_in(s, idea, "feedback", notice(idea_record(idea)))
            s.flush()
            return _feedback(row)

        return self.database.write(work)

    # closing -----------------------------------------------------------------------------------------
    def close(self, idea_id: int, *, user_id: int | None, note: str, notice: NoticeText | None = None) -> IdeaRecord:
        """办结: the idea moves to closed and its open items are closed."""

        def work(s: Session) -> IdeaRecord:
            idea = IdeaRepository(s).require(idea_id)
            now = utcnow()
            for item in s.scalars(select(HandlingItem).where(HandlingItem.idea_id == idea_id,
                                                             HandlingItem.status == OPEN)):
                item.status, item.closed_at = CLOSED, now
            IdeaStore.move_in(s, idea, IdeaStatus.CLOSED, user_id, note)
            if notice is not None:
                notify_in(s, idea, "closed", notice(idea_record(idea)))
            return idea_record(idea)

        return self.database.write(work)

    def reopen(self, idea_id: int, *, user_id: int | None, note: str) -> IdeaRecord:
        """A replied idea handled again (e.g. the citizen was not satisfied): replied → handling."""

        def work(s: Session) -> IdeaRecord:
            idea = IdeaRepository(s).require(idea_id)
            IdeaStore.move_in(s, idea, IdeaStatus.HANDLING, user_id, note)
            return idea_record(idea)

        return self.database.write(work)

    # reading -----------------------------------------------------------------------------------------
    def items(self, idea_id: int) -> list[ItemRecord]:
        """An idea's assignments, oldest first."""
        with self.database.session() as s:
            rows = s.scalars(select(HandlingItem).where(HandlingItem.idea_id == idea_id).order_by(HandlingItem.id))
            return [_item(s, r) for r in rows]

    def open_items(self, due_before: date | None = None) -> list[ItemRecord]:
        """Open assignments (with a deadline before ``due_before``: overdue), earliest deadline first."""
        with self.database.session() as s:
            query = select(HandlingItem).where(HandlingItem.status == OPEN)
            if due_before is not None:
                query = query.where(HandlingItem.deadline < due_before)
            return [_item(s, r) for r in s.scalars(query.order_by(HandlingItem.deadline, HandlingItem.id))]

    def replies(self, idea_id: int) -> list[ReplyRecord]:
        """An idea's replies, oldest first."""
        with self.database.session() as s:
            rows = s.scalars(select(HandlingReply).where(HandlingReply.idea_id == idea_id).order_by(HandlingReply.id))
            return [_reply(s, r) for r in rows]

    def feedbacks(self, idea_id: int) -> list[FeedbackRecord]:
        """An idea's satisfaction ratings, oldest first."""
        with self.database.session() as s:
            rows = s.scalars(select(CitizenFeedback).where(CitizenFeedback.idea_id == idea_id)
                             .order_by(CitizenFeedback.id))
            return [_feedback(r) for r in rows]

    def members_of(self, idea_id: int) -> list[int]:
        """Ids of the members who cultivated an idea."""
        with self.database.session() as s:
            return members_in(s, idea_id)

    # notices -----------------------------------------------------------------------------------------
    def notices(self, user_id: int, *, unread_only: bool = False, limit: int = 100) -> list[NoticeRecord]:
        """A member's notices, newest first."""
        with self.database.session() as s:
            query = select(MemberNotice, Idea.receipt_no).outerjoin(Idea, Idea.id == MemberNotice.idea_id).where(
                MemberNotice.user_id == user_id)
            if unread_only:
                query = query.where(MemberNotice.read_at.is_(None))
            rows = s.execute(query.order_by(MemberNotice.id.desc()).limit(limit))
            return [NoticeRecord(n.id, n.user_id, n.idea_id, receipt, n.kind, n.message, n.created_at, n.read_at)
                    for n, receipt in rows]

    def mark_read(self, user_id: int, notice_ids: Sequence[int] | None = None) -> int:
        """Mark a member's notices (all unread ones when ``notice_ids`` is None) as read; returns how many."""

        def work(s: Session) -> int:
            query = select(MemberNotice).where(MemberNotice.user_id == user_id, MemberNotice.read_at.is_(None))
            if notice_ids is not None:
                query = query.where(MemberNotice.id.in_(list(notice_ids)))
            rows = list(s.scalars(query))
            now = utcnow()
            for row in rows:
                row.read_at = now
            return len(rows)

        return self.database.write(work)
