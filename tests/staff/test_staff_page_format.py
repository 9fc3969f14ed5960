"""What the staff page shows: dates parsed with Chinese errors, markdown escaped, services wired to the engines."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from assistant.accounts import LOCAL_OPERATOR as OP
from assistant.errors import InputError
from assistant.routing.catalogue import DOMAINS
from assistant.staff import StaffServices
from assistant.staff.models import ItemDetail, RoutingView, ScreeningView, UnitChoice
from tests.staff.conftest import add_items
from ui.staff_format import detail_markdown, parse_day


def test_dates() -> None:
    assert parse_day("2026/03/05", "开始日期") == date(2026, 3, 5)
    assert parse_day("  ", "开始日期") is None
    with pytest.raises(InputError, match="开始日期格式不对"):
        parse_day("三月五日", "开始日期")


def test_detail_escapes_citizen_text_and_shows_reasons() -> None:
    item = ItemDetail(
        idea_id=1, receipt_no="BX-2026-000001", title="<b>标题</b>", text="# 不是标题 [链接](http://x)",
        status="screened", source="import", channel=None, domain="交通运输",
        created_at=datetime(2026, 3, 1, 4, tzinfo=UTC), import_row=7,
        screening=ScreeningView(in_scope=True, category=None, confidence=0.9, reason="属于公共建议", redirect=None,
                                reframe=None, backend="offline"),
        routing=RoutingView(routing_id=3, domain="交通运输", units=[UnitChoice(name="广州市交通运输局", role="主办",
                            score=0.8, reason="负责公共交通")], committee="城乡建设委员会", committee_reason="对口",
                            channel="深化培育", channel_reason="可行", abstain=False, abstain_reason=None,
                            backend="offline", confirmed=False),
        history=[],
    )
    md = detail_markdown(item)
    assert "<b>" not in md and "&lt;b&gt;" in md and "\\# 不是标题" in md
    assert "负责公共交通" in md and "离线引擎" in md and "第 7 行" in md and "2026-03-01 12:00" in md


def test_services_use_the_routing_domain_classifier(
    staff: StaffServices, database: Any, shipped_items: dict[str, Any]
) -> None:
    add_items(database, list(shipped_items.values())[:30])
    data = staff.hot.analysed(OP, "items")
    assert len(data) == 30 and {a.domain for a in data} <= set(DOMAINS)
    assert any(a.terms for a in data)
    assert staff.hot.heat_map(OP, months=None, data=data).total == 30
