"""The staff queue: filters (status, domain, date, scope, routing, text), pages, detail."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from assistant.accounts import LOCAL_OPERATOR as OP
from assistant.errors import InputError
from assistant.staff.models import QueueFilters
from assistant.staff.queue import QueueService
from assistant.storage.orm import Idea
from assistant.storage.queue import QueueStore
from assistant.storage.repositories import IdeaRepository, RoutingRepository, ScreeningRepository


@pytest.fixture
def queue(database: Any) -> QueueService:
    """Six ideas: a draft, screened in/out of scope, an unscreened one, a routed one, on different days."""
    with database.session() as session:
        ideas, screenings = IdeaRepository(session), ScreeningRepository(session)

        def make(text: str, status: str, day: int, domain: str | None = None, in_scope: bool | None = None) -> int:
            idea = ideas.create(text, title=text[:8], status=status, domain=domain)
            idea.created_at = datetime(2026, 3, day, 4, 0, tzinfo=UTC)  # noon in Beijing
            if in_scope is not None:
                screenings.add(idea.id, in_scope=in_scope, details={"category": None if in_scope else "投诉"})
            return idea.id

        make("草稿：还没提交的想法内容", "draft", 1)
        make("建议增设公交站点方便出行", "screened", 2, "交通运输", True)
        make("邻居噪音扰民请帮我处理", "screened", 3, None, False)
        make("建议学校周边设置护学岗", "submitted", 4)
        routed = make("建议老旧小区加装电梯", "routed", 5, "城乡建设", True)
        RoutingRepository(session).add(routed, suggested_units=[{"name": "广州市住房和城乡建设局", "role": "主办"}])
        pending = make("建议公园增加无障碍设施", "screened", 6, "城乡建设", True)
        RoutingRepository(session).add(pending, suggested_units=["广州市林业和园林局"])
    return QueueService(QueueStore(database))


def titles(queue: QueueService, **filters: Any) -> list[str]:
    return [r.title for r in queue.list(OP, QueueFilters(**filters)).rows]


def test_filters(queue: QueueService) -> None:
    assert len(titles(queue)) == 5, "drafts are not staff work"
    assert titles(queue, status="draft") == ["草稿：还没提交的"]
    assert titles(queue, domain="城乡建设") == ["建议公园增加无障", "建议老旧小区加装"]
    assert titles(queue, scope="out") == ["邻居噪音扰民请帮"]
    assert titles(queue, scope="unscreened") == ["建议学校周边设置"]
    assert len(titles(queue, scope="in")) == 3
    in_range = titles(queue, date_from=date(2026, 3, 3), date_to=date(2026, 3, 4))
    assert in_range == ["建议学校周边设置", "邻居噪音扰民请帮"]
    assert titles(queue, routing="unconfirmed") == ["建议公园增加无障", "建议老旧小区加装"]
    assert titles(queue, text="护学岗") == ["建议学校周边设置"]


def test_pages_and_rows(queue: QueueService) -> None:
    first = queue.list(OP, page=1, page_size=2)
    last = queue.list(OP, page=99, page_size=2)
    assert (first.total, first.pages, len(first.rows)) == (5, 3, 2)
    assert last.page == 3 and len(last.rows) == 1
    row = queue.list(OP, QueueFilters(text="加装电梯")).rows[0]
    assert row.main_unit == "广州市住房和城乡建设局" and not row.confirmed and row.in_scope is True
    assert queue.list(OP, QueueFilters(text="无障碍")).rows[0].main_unit == "广州市林业和园林局"


def test_bad_date_range_is_refused(queue: QueueService) -> None:
    with pytest.raises(InputError, match="开始日期晚于结束日期"):
        queue.list(OP, QueueFilters(date_from=date(2026, 3, 5), date_to=date(2026, 3, 1)))


def test_detail(queue: QueueService, database: Any) -> None:
    with database.session() as session:
        idea = session.query(Idea).filter(Idea.title == "邻居噪音扰民请帮").one()
        IdeaRepository(session).set_status(idea.id, "referred", note="已告知拨打12345")
    item = queue.detail(OP, idea.id)
    assert item.screening is not None and item.screening.in_scope is False and item.screening.category == "投诉"
    assert item.routing is None
    assert [h.to_status for h in item.history] == ["已筛查", "已转其他渠道"]
    assert item.history[-1].note == "已告知拨打12345"
