"""Screening, routing (with staff confirmation) and quality-report results."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.storage._sql import get_or_raise
from assistant.storage.errors import ConflictError
from assistant.storage.orm import QualityReport, RoutingResult, ScreeningResult
from assistant.storage.types import utcnow


class ScreeningRepository:
    """Scope screening results of ideas."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self,
        idea_id: int,
        *,
        in_scope: bool,
        domain: str | None = None,
        confidence: float | None = None,
        reasons: Sequence[Any] = (),
        details: Mapping[str, Any] | None = None,
        audit_id: int | None = None,
        created_by: int | None = None,
    ) -> ScreeningResult:
        result = ScreeningResult(
            idea_id=idea_id,
            in_scope=in_scope,
            domain=domain,
            confidence=confidence,
            reasons=list(reasons),
            details=dict(details or {}),
            audit_id=audit_id,
            created_by=created_by,
        )
        self.session.add(result)
        self.session.flush()
        return result

    def latest(self, idea_id: int) -> ScreeningResult | None:
        query = select(ScreeningResult).where(ScreeningResult.idea_id == idea_id)
        return self.session.scalar(query.order_by(ScreeningResult.id.desc()).limit(1))


class RoutingRepository:
    """Handling-unit suggestions and their confirmation by staff."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self,
        idea_id: int,
        *,
        suggested_units: Sequence[Any],
        audit_id: int | None = None,
        created_by: int | None = None,
    ) -> RoutingResult:
        result = RoutingResult(
            idea_id=idea_id, suggested_units=list(suggested_units), audit_id=audit_id, created_by=created_by
        )
        self.session.add(result)
        self.session.flush()
        return result

    def confirm(
        self, routing_id: int, *, user_id: int | None, final_units: Sequence[Any], note: str | None = None
    ) -> RoutingResult:
        """Record the staff's final choice; ConflictError if it was already confirmed."""
        result = get_or_raise(self.session, RoutingResult, routing_id, "分办建议")
        if result.confirmed_at is not None:
            raise ConflictError("该分办建议已确认，请勿重复确认。", f"routing {routing_id} already confirmed")
        result.final_units = list(final_units)
        result.confirmed_by = user_id
        result.confirmed_at = utcnow()
        result.note = note
        self.session.flush()
        return result

    def latest(self, idea_id: int) -> RoutingResult | None:
        query = select(RoutingResult).where(RoutingResult.idea_id == idea_id)
        return self.session.scalar(query.order_by(RoutingResult.id.desc()).limit(1))

    def unconfirmed(self, limit: int = 100) -> list[RoutingResult]:
        """Suggestions waiting for staff, oldest first."""
        query = select(RoutingResult).where(RoutingResult.confirmed_at.is_(None))
        return list(self.session.scalars(query.order_by(RoutingResult.id).limit(limit)))


class QualityRepository:
    """Quality reports of draft versions."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self,
        draft_version_id: int,
        *,
        score: float | None,
        grade: str | None = None,
        checks: Sequence[Any] = (),
        summary: str | None = None,
        audit_id: int | None = None,
        created_by: int | None = None,
    ) -> QualityReport:
        report = QualityReport(
            draft_version_id=draft_version_id,
            score=score,
            grade=grade,
            checks=list(checks),
            summary=summary,
            audit_id=audit_id,
            created_by=created_by,
        )
        self.session.add(report)
        self.session.flush()
        return report

    def latest_for_version(self, draft_version_id: int) -> QualityReport | None:
        query = select(QualityReport).where(QualityReport.draft_version_id == draft_version_id)
        return self.session.scalar(query.order_by(QualityReport.id.desc()).limit(1))
