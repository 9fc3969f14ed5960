"""The staff queue: filtered, paginated ideas and one idea's detail (screening, routing, status history)."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from assistant.errors import InputError
from assistant.staff.models import (
    ItemDetail,
    QueueFilters,
    QueuePage,
    QueueRow,
    RoutingView,
    ScreeningView,
    StatusEntry,
    UnitChoice,
)
from assistant.storage.enums import IdeaStatus
from assistant.storage.orm import AuditRecord, Idea, IdeaStatusChange, RoutingResult, ScreeningResult, User
from assistant.storage.repositories import IdeaRepository, RoutingRepository, ScreeningRepository
from assistant.storage.repositories.ideas import CHINA_TZ

STATUS_ZH: dict[str, str] = {
    IdeaStatus.DRAFT: "草稿",
    IdeaStatus.SUBMITTED: "已提交",
    IdeaStatus.SCREENED: "已筛查",
    IdeaStatus.ROUTED: "已分办",
    IdeaStatus.IN_CULTIVATION: "培育中",
    IdeaStatus.ACCEPTED: "已采纳",
    IdeaStatus.REFERRED: "已转其他渠道",
    IdeaStatus.CLOSED: "已办结",
}
SOURCE_ZH = {"web": "网页", "import": "批量导入", "cli": "命令行"}
CONFIRM_ACTION = "confirm_routing"
AUDIT_ENTITY = "idea"
PAGE_SIZE_MAX = 200


def beijing_bounds(day_from: date | None, day_to: date | None) -> tuple[datetime | None, datetime | None]:
    """UTC-aware [start, end) bounds of an inclusive Beijing-time date range."""
    start = datetime.combine(day_from, time(), CHINA_TZ) if day_from else None
    end = datetime.combine(day_to + timedelta(days=1), time(), CHINA_TZ) if day_to else None
    return start, end


class QueueService:
    """Lists ideas for staff with filters, and shows one idea in full."""

    def __init__(self, database: Any) -> None:
        self.database = database

    def list(self, filters: QueueFilters | None = None, page: int = 1, page_size: int = 20) -> QueuePage:
        """One page of ideas matching ``filters``, newest first."""
        filters = filters or QueueFilters()
        page_size = max(1, min(page_size, PAGE_SIZE_MAX))
        if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
            raise InputError("开始日期晚于结束日期，请调整日期范围。", "date_from > date_to")
        with self.database.session() as session:
            screening = aliased_latest(ScreeningResult)
            routing = aliased_latest(RoutingResult)
            base = (
                select(Idea, ScreeningResult, RoutingResult)
                .outerjoin(screening, screening.c.idea_id == Idea.id)
                .outerjoin(ScreeningResult, ScreeningResult.id == screening.c.id)
                .outerjoin(routing, routing.c.idea_id == Idea.id)
                .outerjoin(RoutingResult, RoutingResult.id == routing.c.id)
            )
            query = self._filtered(base, filters)
            total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
            pages = max(1, math.ceil(total / page_size))
            page = max(1, min(page, pages))
            rows = session.execute(
                query.order_by(Idea.created_at.desc(), Idea.id.desc()).limit(page_size).offset((page - 1) * page_size)
            ).all()
            return QueuePage(
                rows=[_row(i, s, r) for i, s, r in rows], total=total, page=page, pages=pages, page_size=page_size
            )

    @staticmethod
    def _filtered(query: Select[Any], f: QueueFilters) -> Select[Any]:
        if f.status:
            query = query.where(Idea.status == IdeaStatus(f.status))
        else:  # a citizen's unsubmitted draft is not staff work
            query = query.where(Idea.status != IdeaStatus.DRAFT)
        if f.domain:
            query = query.where(Idea.domain == f.domain)
        start, end = beijing_bounds(f.date_from, f.date_to)
        if start is not None:
            query = query.where(Idea.created_at >= start)
        if end is not None:
            query = query.where(Idea.created_at < end)
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
            query = query.where(
                or_(Idea.title.like(like), Idea.raw_text.like(like), Idea.receipt_no == needle.upper())
            )
        return query

    def detail(self, idea_id: int) -> ItemDetail:
        """One idea with its latest screening and routing and its status history."""
        with self.database.session() as session:
            idea = IdeaRepository(session).require(idea_id)
            screening = ScreeningRepository(session).latest(idea_id)
            routing = RoutingRepository(session).latest(idea_id)
            history = [
                StatusEntry(
                    from_status=STATUS_ZH.get(h.from_status, h.from_status) if h.from_status else None,
                    to_status=STATUS_ZH.get(h.to_status, h.to_status),
                    at=h.created_at,
                    by=_user_name(session, h.changed_by),
                    note=h.note,
                )
                for h in session.scalars(
                    select(IdeaStatusChange).where(IdeaStatusChange.idea_id == idea_id).order_by(IdeaStatusChange.id)
                )
            ]
            return ItemDetail(
                idea_id=idea.id,
                receipt_no=idea.receipt_no,
                title=idea.title or idea.raw_text[:30],
                text=idea.raw_text,
                status=str(idea.status),
                source=str(idea.source),
                channel=idea.channel,
                domain=idea.domain,
                created_at=idea.created_at,
                import_row=idea.import_row,
                screening=screening_view(screening),
                routing=routing_view(session, routing, screening),
                history=history,
            )

    def domains(self) -> list[str]:
        """Domains that ideas currently have (for the filter)."""
        with self.database.session() as session:
            query = select(Idea.domain).where(Idea.domain.is_not(None)).distinct().order_by(Idea.domain)
            return [d for d in session.scalars(query) if d]


def aliased_latest(model: Any) -> Any:
    """Subquery (idea_id, id) of the latest row of ``model`` per idea."""
    sub = select(model.idea_id.label("idea_id"), func.max(model.id).label("id")).group_by(model.idea_id)
    return sub.subquery()


def _row(idea: Idea, screening: ScreeningResult | None, routing: RoutingResult | None) -> QueueRow:
    stored = (routing.final_units or routing.suggested_units) if routing else []
    units = unit_choices(stored)
    main = next((u.name for u in units if u.role == "主办"), None)
    return QueueRow(
        idea_id=idea.id,
        receipt_no=idea.receipt_no,
        title=idea.title or idea.raw_text[:30],
        status=str(idea.status),
        source=str(idea.source),
        domain=idea.domain,
        in_scope=screening.in_scope if screening else None,
        category=(screening.details or {}).get("category") if screening else None,
        main_unit=main,
        confirmed=bool(routing and routing.confirmed_at),
        created_at=idea.created_at,
    )


def unit_choices(raw: Any) -> list[UnitChoice]:
    """Units stored in a routing result (dicts with name/unit and role, or bare names; first is 主办)."""
    out: list[UnitChoice] = []
    for rank, entry in enumerate(raw or []):
        if isinstance(entry, str):
            name, role, score, reason = entry, None, None, None
        elif isinstance(entry, dict):
            name = str(entry.get("name") or entry.get("unit") or "")
            role, score, reason = entry.get("role"), entry.get("score"), entry.get("reason")
        else:
            continue
        if not name:
            continue
        role = role if role in ("主办", "协办") else ("主办" if rank == 0 else "协办")
        out.append(UnitChoice(name=name, role=role, score=score, reason=reason))
    return out


def screening_view(result: ScreeningResult | None) -> ScreeningView | None:
    """The stored screening as shown to staff."""
    if result is None:
        return None
    details = result.details or {}
    reasons = result.reasons or []
    return ScreeningView(
        in_scope=result.in_scope,
        category=details.get("category"),
        confidence=result.confidence,
        reason=str(reasons[0]) if reasons else details.get("reason"),
        redirect=_redirect_text(details.get("redirect")),
        reframe=details.get("reframe"),
        backend=details.get("backend"),
    )


def routing_view(
    session: Session, result: RoutingResult | None, screening: ScreeningResult | None
) -> RoutingView | None:
    """The stored routing suggestion (decision context from the screening details) and its confirmation."""
    if result is None:
        return None
    ctx: dict[str, Any] = ((screening.details or {}).get("routing") or {}) if screening else {}
    view = RoutingView(
        routing_id=result.id,
        domain=ctx.get("domain"),
        units=unit_choices(result.suggested_units),
        committee=ctx.get("committee"),
        committee_reason=ctx.get("committee_reason"),
        channel=ctx.get("channel"),
        channel_reason=ctx.get("channel_reason"),
        abstain=bool(ctx.get("abstain", False)),
        abstain_reason=ctx.get("abstain_reason"),
        backend=ctx.get("backend"),
        confirmed=result.confirmed_at is not None,
    )
    if result.confirmed_at is None:
        return view
    confirmation = session.scalar(
        select(AuditRecord)
        .where(
            AuditRecord.entity_type == AUDIT_ENTITY,
            AuditRecord.entity_id == str(result.idea_id),
            AuditRecord.action == CONFIRM_ACTION,
        )
        .order_by(AuditRecord.id.desc())
        .limit(1)
    )
    output = (confirmation.output or {}) if confirmation else {}
    return view.model_copy(
        update={
            "confirmed_by": _user_name(session, result.confirmed_by),
            "confirmed_at": result.confirmed_at,
            "final_units": unit_choices(result.final_units),
            "final_committee": output.get("committee"),
            "final_channel": output.get("channel"),
            "note": result.note,
        }
    )


def _redirect_text(value: Any) -> str | None:
    if isinstance(value, dict):
        channel, purpose, how = value.get("channel"), value.get("purpose"), value.get("how")
        return f"{channel}：{purpose}（{how}）" if purpose else channel
    return str(value) if value else None


def _user_name(session: Session, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    user = session.get(User, user_id)
    return user.display_name if user else None
