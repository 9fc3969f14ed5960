"""The staff queue: filtered, paginated ideas and one idea's detail (screening, routing, status history)."""

from __future__ import annotations

import builtins
from typing import Any, cast

from assistant.accounts import UserSession, require_role
from assistant.clock import beijing_bounds
from assistant.errors import InputError
from assistant.staff.clusters import CorpusSimilarity
from assistant.staff.models import (
    DraftView,
    DuplicateRef,
    ItemDetail,
    QueueFilters,
    QueuePage,
    QueueRow,
    RoutingView,
    ScreeningView,
    StatusEntry,
    UnitChoice,
    UnitRole,
)
from assistant.staff.sources import idea_records, join_title
from assistant.storage.enums import IdeaStatus, Role
from assistant.storage.ideas import IdeaStore
from assistant.storage.lifecycle import STATUS_SHORT_ZH as STATUS_ZH
from assistant.storage.queue import QueueEntry, QueueQuery, QueueStore, RoutingRow, ScreeningRow

SOURCE_ZH = {"web": "网页", "import": "批量导入", "cli": "命令行", "api": "接口"}
PAGE_SIZE_MAX = 200
MAX_DUPLICATES = 5


class QueueService:
    """Lists ideas for staff with filters, and shows one idea in full (staff only)."""

    def __init__(self, store: QueueStore, ideas: IdeaStore | None = None,
                 similarity: CorpusSimilarity | None = None) -> None:
        self.store = store
        self.ideas = ideas
        self.similarity = similarity

    def list(self, actor: UserSession | None, filters: QueueFilters | None = None, page: int = 1,
             page_size: int = 20) -> QueuePage:
        """One page of ideas matching ``filters``, newest first."""
        require_role(actor, Role.STAFF)
        filters = filters or QueueFilters()
        page_size = max(1, min(page_size, PAGE_SIZE_MAX))
        if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
            raise InputError("开始日期晚于结束日期，请调整日期范围。", "date_from > date_to")
        start, end = beijing_bounds(filters.date_from, filters.date_to)
        query = QueueQuery(status=IdeaStatus(filters.status) if filters.status else None, domain=filters.domain,
                           start=start, end=end, scope=filters.scope, routing=filters.routing, text=filters.text)
        found = self.store.page(query, page, page_size)
        return QueuePage(rows=[_row(e) for e in found.entries], total=found.total, page=found.page,
                         pages=found.pages, page_size=found.page_size)

    def detail(self, actor: UserSession | None, idea_id: int) -> ItemDetail:
        """One idea with its latest screening and routing and its status history."""
        require_role(actor, Role.STAFF)
        entry, changes = self.store.entry(idea_id)
        idea = entry.idea
        history = [StatusEntry(from_status=STATUS_ZH[h.from_status] if h.from_status else None,
                               to_status=STATUS_ZH[h.to_status], at=h.at, by=h.by_name, note=h.note)
                   for h in changes]
        return ItemDetail(
            idea_id=idea.id, receipt_no=idea.receipt_no or "", title=idea.display_title, text=idea.raw_text,
            status=idea.status.value, source=idea.source.value, channel=idea.channel, domain=idea.domain,
            created_at=idea.created_at, import_row=idea.import_row, screening=screening_view(entry.screening),
            routing=routing_view(entry.routing, entry.screening), history=history, draft=self._draft(idea.id),
            duplicates=self._duplicates(idea.id, join_title(idea.display_title, idea.raw_text)),
        )

    def _draft(self, idea_id: int) -> DraftView | None:
        """The latest version of the idea's first draft (the citizen's, cultivated since)."""
        if self.ideas is None:
            return None
        drafts = self.ideas.drafts_for(idea_id)
        if not drafts:
            return None
        version = self.ideas.snapshot(drafts[0]).version
        c = version.content
        return DraftView(draft_id=drafts[0], version_no=version.version_no, title=c.title, analysis=list(c.analysis),
                         suggestions=list(c.suggestions), note=version.change_note)

    def _duplicates(self, idea_id: int, text: str) -> builtins.list[DuplicateRef]:
        """Other ideas and past items that nearly duplicate this one."""
        if self.similarity is None:
            return []
        refs: builtins.list[DuplicateRef] = []
        ideas = idea_records(self.similarity.texts, {idea_id})
        for _, j, score in self.similarity.between([text], [r.full_text for r in ideas]):
            other = ideas[j]
            refs.append(DuplicateRef(kind="idea", ref=other.key, title=other.title or other.text[:30],
                                     similarity=score))
        snap = self.similarity.snapshot()
        for _, j, score in self.similarity.against_items([text], snap):
            item = snap.records[j]
            refs.append(DuplicateRef(kind="item", ref=item.key, title=item.title, similarity=score))
        return sorted(refs, key=lambda r: -r.similarity)[:MAX_DUPLICATES]

    def domains(self, actor: UserSession | None) -> builtins.list[str]:
        """Domains that ideas currently have (for the filter)."""
        require_role(actor, Role.STAFF)
        return self.store.domains()


def _row(entry: QueueEntry) -> QueueRow:
    idea, screening, routing = entry.idea, entry.screening, entry.routing
    stored = (routing.final_units or routing.suggested_units) if routing else []
    main = next((u.name for u in unit_choices(stored) if u.role == "主办"), None)
    return QueueRow(
        idea_id=idea.id, receipt_no=idea.receipt_no or "", title=idea.display_title, status=idea.status.value,
        source=idea.source.value, domain=idea.domain, in_scope=screening.in_scope if screening else None,
        category=screening.details.get("category") if screening else None, main_unit=main,
        confirmed=bool(routing and routing.confirmed_at), created_at=idea.created_at,
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
        chosen = cast(UnitRole, role if role in ("主办", "协办") else ("主办" if rank == 0 else "协办"))
        out.append(UnitChoice(name=name, role=chosen, score=score, reason=reason))
    return out


def screening_view(result: ScreeningRow | None) -> ScreeningView | None:
    """The stored screening as shown to staff."""
    if result is None:
        return None
    details = result.details
    return ScreeningView(
        in_scope=result.in_scope, category=details.get("category"), confidence=result.confidence,
        reason=str(result.reasons[0]) if result.reasons else details.get("reason"),
        redirect=_redirect_text(details.get("redirect")), reframe=details.get("reframe"),
        backend=details.get("backend"),
    )


def routing_view(result: RoutingRow | None, screening: ScreeningRow | None) -> RoutingView | None:
    """The stored routing suggestion (decision context from the screening details) and its confirmation."""
    if result is None:
        return None
    ctx: dict[str, Any] = (screening.details.get("routing") or {}) if screening else {}
    view = RoutingView(
        routing_id=result.id, domain=ctx.get("domain"), units=unit_choices(result.suggested_units),
        committee=ctx.get("committee"), committee_reason=ctx.get("committee_reason"), channel=ctx.get("channel"),
        channel_reason=ctx.get("channel_reason"), abstain=bool(ctx.get("abstain", False)),
        abstain_reason=ctx.get("abstain_reason"), backend=ctx.get("backend"), confirmed=result.confirmed_at is not None,
        linkage_reason=ctx.get("linkage_reason"),
    )
    if result.confirmed_at is None:
        return view
    output = result.confirmation
    return view.model_copy(update={
        "confirmed_by": result.confirmed_by, "confirmed_at": result.confirmed_at,
        "final_units": unit_choices(result.final_units), "final_committee": output.get("committee"),
        "final_channel": output.get("channel"), "note": result.note,
    })


def _redirect_text(value: Any) -> str | None:
    if isinstance(value, dict):
        channel, purpose, how = value.get("channel"), value.get("purpose"), value.get("how")
        return f"{channel}：{purpose}（{how}）" if purpose else channel
    return str(value) if value else None
