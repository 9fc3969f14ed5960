"""Citizen ideas (金点子): receipt numbers, personal data, status history."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from assistant.clock import CHINA_TZ
from assistant.storage._sql import get_or_raise, upsert_insert
from assistant.storage.enums import IdeaSource, IdeaStatus
from assistant.storage.orm import Idea, IdeaStatusChange, ReceiptCounter
from assistant.storage.records import CitizenInfo
from assistant.storage.types import utcnow


def format_receipt_no(year: int, seq: int) -> str:
    """BX-2026-000123."""
    return f"BX-{year}-{seq:06d}"


class IdeaRepository:
    """Citizen ideas (金点子), their receipt numbers and status history."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def next_receipt_no(self, when: datetime | None = None) -> str:
        """Reserve the next receipt number of the (Beijing-time) year; atomic across sessions."""
        year = (when or utcnow()).astimezone(CHINA_TZ).year
        insert = upsert_insert(self.session)
        self.session.execute(
            insert(ReceiptCounter).values(year=year, last_value=0).on_conflict_do_nothing(index_elements=["year"])
        )
        seq = self.session.execute(
            update(ReceiptCounter)
            .where(ReceiptCounter.year == year)
            .values(last_value=ReceiptCounter.last_value + 1)
            .returning(ReceiptCounter.last_value)
        ).scalar_one()
        return format_receipt_no(year, seq)

    def create(
        self,
        raw_text: str,
        *,
        title: str | None = None,
        citizen: CitizenInfo | None = None,
        channel: str | None = None,
        source: IdeaSource | str = IdeaSource.WEB,
        status: IdeaStatus | str = IdeaStatus.SUBMITTED,
        domain: str | None = None,
        submitted_by: int | None = None,
        import_batch_id: int | None = None,
        import_row: int | None = None,
        note: str | None = None,
    ) -> Idea:
        """Store a new idea and its first status-history entry; a submitted idea gets its receipt number now,
        a draft only when it is submitted."""
        citizen = citizen or CitizenInfo()
        now = utcnow()
        submitted = IdeaStatus(status) is not IdeaStatus.DRAFT
        idea = Idea(
            receipt_no=self.next_receipt_no(now) if submitted else None,
            submitted_at=now if submitted else None,
            title=title,
            raw_text=raw_text,
            citizen_name=citizen.name,
            citizen_occupation=citizen.occupation,
            citizen_phone=citizen.phone,
            citizen_address=citizen.address,
            channel=channel,
            source=IdeaSource(source),
            status=IdeaStatus(status),
            domain=domain,
            submitted_by=submitted_by,
            import_batch_id=import_batch_id,
            import_row=import_row,
            created_at=now,
            updated_at=now,
        )
        self.session.add(idea)
        self.session.flush()
        self.session.add(
            IdeaStatusChange(idea_id=idea.id, from_status=None, to_status=idea.status, changed_by=submitted_by,
                             note=note)
        )
        self.session.flush()
        return idea

    def get(self, idea_id: int) -> Idea | None:
        return self.session.get(Idea, idea_id)

    def require(self, idea_id: int) -> Idea:
        """The idea, or NotFoundError."""
        return get_or_raise(self.session, Idea, idea_id, "金点子")

    def get_by_receipt(self, receipt_no: str) -> Idea | None:
        return self.session.scalar(select(Idea).where(Idea.receipt_no == receipt_no.strip().upper()))

    def list(
        self,
        *,
        status: IdeaStatus | str | Sequence[IdeaStatus | str] | None = None,
        domain: str | None = None,
        submitted_by: int | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[Idea]:
        """Newest first."""
        query = self._filtered(select(Idea), status, domain, submitted_by)
        return list(
            self.session.scalars(query.order_by(Idea.created_at.desc(), Idea.id.desc()).limit(limit).offset(offset))
        )

    def count(
        self,
        *,
        status: IdeaStatus | str | Sequence[IdeaStatus | str] | None = None,
        domain: str | None = None,
        submitted_by: int | None = None,
    ) -> int:
        query = self._filtered(select(func.count()).select_from(Idea), status, domain, submitted_by)
        return int(self.session.scalar(query) or 0)

    @staticmethod
    def _filtered(query: Any, status: Any, domain: str | None, submitted_by: int | None) -> Any:
        if status is not None:
            statuses = [status] if isinstance(status, str) else list(status)
            query = query.where(Idea.status.in_([IdeaStatus(s) for s in statuses]))
        if domain is not None:
            query = query.where(Idea.domain == domain)
        if submitted_by is not None:
            query = query.where(Idea.submitted_by == submitted_by)
        return query

    def set_status(
        self, idea_id: int, status: IdeaStatus | str, *, user_id: int | None = None, note: str | None = None
    ) -> Idea:
        """Move an idea to ``status`` and record who did it (services decide which moves are allowed)."""
        idea = self.require(idea_id)
        new = IdeaStatus(status)
        self.session.add(
            IdeaStatusChange(idea_id=idea.id, from_status=idea.status, to_status=new, changed_by=user_id, note=note)
        )
        idea.status = new
        idea.updated_at = utcnow()
        self.session.flush()
        return idea

    def set_domain(self, idea_id: int, domain: str | None) -> Idea:
        idea = self.require(idea_id)
        idea.domain = domain
        idea.updated_at = utcnow()
        self.session.flush()
        return idea

    def status_history(self, idea_id: int) -> builtins.list[IdeaStatusChange]:
        """Oldest first."""
        query = select(IdeaStatusChange).where(IdeaStatusChange.idea_id == idea_id)
        return list(self.session.scalars(query.order_by(IdeaStatusChange.id)))
