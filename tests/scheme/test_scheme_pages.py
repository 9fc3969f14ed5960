"""The scheme tabs: handlers refuse the wrong role with a Chinese message and, for the right one, grade, hand over,
record replies, select, publish the periodical and report; the citizen's look-up shows the reply and takes a rating;
the member sees notices and their own ideas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr
import pytest

from tests.scheme.conftest import BUS, NEIGHBOUR, World
from ui.scheme_citizen import build_rating, lookup
from ui.scheme_member import build_member_scheme
from ui.scheme_staff import (
    build_digest_tab,
    build_grading_tab,
    build_handling_tab,
    build_members_tab,
    build_selection_tab,
)


class Root:
    """What the tabs need of the composition root."""

    def __init__(self, world: World) -> None:
        self.scheme = world.scheme

    def log_exception(self, where: str) -> None:
        raise AssertionError(f"unexpected error in {where}")


@pytest.fixture
def page(world: World) -> dict[str, Any]:
    """Every handler of the scheme tabs by name."""
    root = Root(world)
    with gr.Blocks() as app:
        session = gr.State(None)
        for build in (build_grading_tab, build_handling_tab, build_selection_tab, build_digest_tab,
                      build_members_tab, build_member_scheme):
            build(root, session)
        number, phone, result = gr.Textbox(), gr.Textbox(), gr.Markdown()
        build_rating(root, number, phone, result)
    handlers: dict[str, Any] = {}
    for f in app.fns.values():
        assert handlers.setdefault(f.name, f.fn) is f.fn, f"two handlers are called {f.name}"
    return handlers


def test_staff_tabs_refuse_other_roles(page: dict[str, Any], world: World) -> None:
    idea = world.submit(BUS)
    with pytest.raises(gr.Error, match="请先以工作人员身份登录"):
        page["on_grade_show"](None, idea.receipt_no)
    with pytest.raises(gr.Error, match="仅限工作人员"):
        page["on_overdue"](world.member)
    with pytest.raises(gr.Error, match="仅限委员"):
        page["on_member_refresh"](world.staff)


def test_grading_handling_and_citizen_rating_through_the_page(page: dict[str, Any], world: World) -> None:
    idea, other = world.submit(BUS, phone="13800001111"), world.submit(NEIGHBOUR, phone="13800002222")
    advice, grade = page["on_grade_show"](world.staff, idea.receipt_no)
    assert "建议处理通道" in advice and "深化培育" in advice and "未分级" in grade
    with pytest.raises(gr.Error, match="请选择分级"):
        page["on_grade_save"](world.staff, idea.receipt_no, None, "理由", "", "")
    shown = page["on_grade_save"](world.staff, other.receipt_no, "转其他渠道", "邻里纠纷", "人民调解委员会", "")
    assert "转其他渠道" in shown and "人民调解委员会" in shown
    assert Path(page["on_sqmy"](world.staff, idea.receipt_no)).read_bytes()[:2] == b"PK"

    world.route(idea)
    view, message = page["on_assign"](world.staff, idea.receipt_no, "", "", "市政协领导牵头督办", "张副主席")
    assert "已交" in message and "市政协领导牵头督办" in view
    with pytest.raises(gr.Error, match="日期"):
        page["on_reply"](world.staff, idea.receipt_no, "广州市交通运输局", "明天", "已采纳", "已设站")
    view, _ = page["on_reply"](world.staff, idea.receipt_no, "广州市交通运输局", "", "已采纳", "已在小区门口设站。")
    assert "已在小区门口设站" in view

    shown = lookup(Root(world), idea.receipt_no or "", "13800001111")
    assert "承办单位答复" in shown and "已在小区门口设站" in shown and "下一步" in shown
    with pytest.raises(gr.Error, match="原因"):
        page["on_rate"](idea.receipt_no, "13800001111", "不满意", "")
    rated = page["on_rate"](idea.receipt_no, "13800001111", "满意", "")
    assert "您的评价" in rated and "满意" in rated
    with pytest.raises(gr.Error, match="没有找到"):
        page["on_rate"](idea.receipt_no, "13900000000", "满意", "")


def test_selection_digest_report_and_member_through_the_page(page: dict[str, Any], world: World) -> None:
    import datetime as dt

    from assistant.clock import CHINA_TZ

    idea = world.submit(BUS)
    world.route(idea)
    draft = world.cultivate(idea, world.member, analysis=["小区距地铁两公里。"], suggestions=["建议增设公交站。"])
    today = dt.datetime.now(CHINA_TZ).date()
    with pytest.raises(gr.Error, match="年度"):
        page["on_rank"](world.staff, None)
    summary, rows, files = page["on_select"](world.staff, today.year, 50, False)
    assert "选出 1 件" in summary and rows[0][1] == idea.receipt_no and any(f.endswith(".zip") for f in files)
    summary, files = page["on_digest_make"](world.staff, today.isoformat(), today.isoformat(), 1, "")
    assert "本期金点子 1 件" in summary and any(f.endswith(".docx") for f in files)
    summary, members, committees, file = page["on_report"](world.staff, today.year)
    assert "委员" in summary and Path(file).is_file() and committees and members[0][0] in ("王委员", "李委员")

    notes, rows = page["on_member_refresh"](world.member)
    assert rows[0][0] == idea.receipt_no and "暂无提醒" in notes
    message, _, rows = page["on_finalise"](world.member, draft)
    assert idea.receipt_no in message and rows[0][2] == "已形成提案"
    text = "建议社区长者饭堂提供送餐上门服务，方便行动不便的老人。"
    message, _, rows = page["on_collect"](world.member, text, "", "", "", "只署姓氏（默认）")
    assert "受理编号 BX-" in message and len(rows) == 2


def test_single_grading_in_the_queue_detail(world: World) -> None:
    from ui.staff_queue import build_queue_tab

    with gr.Blocks() as app:
        build_queue_tab(Root(world), world.staff_services, gr.State(None))
    handlers = {f.name: f.fn for f in app.fns.values()}
    idea = world.submit(NEIGHBOUR)
    opened = handlers["do_open"](world.staff, idea.receipt_no)
    assert "线索分级：**未分级**" in opened[0]
    with pytest.raises(gr.Error, match="请先打开"):
        handlers["do_grade"](world.staff, None, "转其他渠道", "邻里纠纷", "", "")
    state = opened[-1]
    with pytest.raises(gr.Error, match="请选择分级"):
        handlers["do_grade"](world.staff, state, None, "邻里纠纷", "", "")
    done = handlers["do_grade"](world.staff, state, "转其他渠道", "邻里纠纷，转人民调解", "人民调解委员会", "")
    assert "已确认分级：转其他渠道" in done[-1] and "人民调解委员会" in done[0] and "已转其他渠道" in done[0]
    with pytest.raises(gr.Error, match="仅限工作人员"):
        handlers["do_grade"](world.member, state, "深化培育", "x", "", "")
