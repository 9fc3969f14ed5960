"""Handling and feedback: assignment with deadlines, replies on the page and from a file, the overdue list,
the citizen's look-up with the reply and the satisfaction rating, the member's notices, closing and reopening."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from assistant.errors import InputError, NotFoundError, PermissionDenied
from assistant.scheme.models import AssignEdit, ReplyEdit
from assistant.storage.enums import IdeaStatus
from assistant.storage.errors import ConflictError
from tests.scheme.conftest import BUS, LAMP, World

UNIT = "广州市交通运输局"
REPLY = "经研究，已将该小区门口纳入公交站点优化方案，计划年内设站。"


def routed(world: World, text: str = BUS, **kw: str) -> int:
    idea = world.submit(text, **kw)
    world.route(idea)
    return idea.id


def test_assign_moves_to_handling_with_deadline_and_who(world: World) -> None:
    handling = world.scheme.handling
    fresh = world.submit(LAMP, phone="13800003333")
    with pytest.raises(ConflictError, match="确认分办"):
        handling.assign(world.staff, fresh.id, AssignEdit(unit=UNIT))
    idea_id = routed(world)
    with pytest.raises(PermissionDenied):
        handling.assign(world.member, idea_id, AssignEdit(unit=UNIT))
    with pytest.raises(InputError, match="督办级别"):
        handling.assign(world.staff, idea_id, AssignEdit(unit=UNIT, level="magic"))
    with pytest.raises(InputError, match="早于今天"):
        handling.assign(world.staff, idea_id, AssignEdit(unit=UNIT, deadline=dt.date(2000, 1, 1)))
    view = handling.assign(world.staff, idea_id, AssignEdit(unit=UNIT, level="leader", supervisor="张副主席"))
    assert view.status == "handling" and view.items[0].level_zh == "市政协领导牵头督办"
    default_days = world.scheme.catalogue.handling_days
    assert (view.items[0].deadline - handling.today()).days == default_days
    last = world.ideas.history(idea_id)[-1]
    assert last.to_status is IdeaStatus.HANDLING and last.by_name == "工作人员甲" and UNIT in (last.note or "")
    extended = handling.extend(world.staff, view.items[0].item_id, handling.today() + dt.timedelta(days=120),
                               "承办单位申请延期")
    assert extended.items[0].deadline == handling.today() + dt.timedelta(days=120)
    assert "承办单位申请延期" in (world.ideas.history(idea_id)[-1].note or "")


def test_overdue_list(world: World) -> None:
    handling = world.scheme.handling
    idea_id = routed(world)
    handling.assign(world.staff, idea_id, AssignEdit(unit=UNIT, deadline=handling.today()))
    assert handling.overdue(world.staff) == []
    later = handling.today() + dt.timedelta(days=3)
    late = handling.overdue(world.staff, later)
    assert [i.idea_id for i in late] == [idea_id] and late[0].overdue_days == 3
    handling.record_reply(world.staff, idea_id, ReplyEdit(unit=UNIT, content=REPLY))
    assert handling.overdue(world.staff, later) == [] and handling.open_items(world.staff) == []


def test_reply_status_lookup_rating_and_member_notice(world: World) -> None:
    handling, feedback = world.scheme.handling, world.scheme.feedback
    idea_id = routed(world, phone="020-81234567")
    idea = world.ideas.idea(idea_id)
    world.cultivate(idea, world.member, analysis=["小区距地铁站两公里。"], suggestions=["建议增设公交站。"])
    world.ideas.move(idea_id, IdeaStatus.ROUTED, by=world.staff.user_id, note="培育完成，回到分办")
    handling.assign(world.staff, idea_id, AssignEdit(unit=UNIT))
    status = feedback.status(idea.receipt_no or "", "02081234567")
    assert status.status == "handling" and not status.can_rate and UNIT in status.next_steps[0]
    with pytest.raises(InputError, match="答复后"):
        feedback.rate(idea.receipt_no or "", "02081234567", "满意")
    with pytest.raises(InputError, match="晚于今天"):
        handling.record_reply(world.staff, idea_id, ReplyEdit(unit=UNIT, content=REPLY,
                                                              replied_on=handling.today() + dt.timedelta(days=1)))
    with pytest.raises(InputError, match="办理结果"):
        handling.record_reply(world.staff, idea_id, ReplyEdit(unit=UNIT, content=REPLY, result="不知道"))
    view = handling.record_reply(world.staff, idea_id, ReplyEdit(unit=UNIT, content=REPLY, result="已采纳"))
    assert view.status == "replied" and view.items[0].status == "replied" and view.replies[0].result_zh == "已采纳"

    status = feedback.status(idea.receipt_no or "", "020-81234567")
    assert status.status_zh == "承办单位已答复" and status.can_rate
    assert status.replies[0].content == REPLY and status.replies[0].unit == UNIT
    assert any("评价" in s for s in status.next_steps)
    with pytest.raises(NotFoundError):
        feedback.status(idea.receipt_no or "", "13900000000")
    with pytest.raises(InputError, match="原因"):
        feedback.rate(idea.receipt_no or "", "02081234567", "不满意")
    with pytest.raises(InputError, match="满意"):
        feedback.rate(idea.receipt_no or "", "02081234567", "很好")
    rated = feedback.rate(idea.receipt_no or "", "02081234567", "基本满意", "希望尽快设站")
    assert [(f.rating, f.comment) for f in rated.feedback] == [("基本满意", "希望尽快设站")]

    page = world.scheme.members.page(world.member)
    assert page.unread == 2 and {n.kind for n in page.notices} == {"reply", "feedback"}
    assert any(UNIT in n.message for n in page.notices) and page.ideas[0].reply and UNIT in page.ideas[0].reply
    assert world.scheme.members.page(world.other_member).notices == []
    assert world.scheme.members.mark_read(world.member) == 2 and world.scheme.members.page(world.member).unread == 0


def test_reopen_and_close(world: World) -> None:
    handling = world.scheme.handling
    idea_id = routed(world)
    handling.record_reply(world.staff, idea_id, ReplyEdit(unit=UNIT, content=REPLY, result="explained"))
    moves = [h.to_status for h in world.ideas.history(idea_id)]
    assert moves[-2:] == [IdeaStatus.HANDLING, IdeaStatus.REPLIED]  # a reply without assignment is noted
    assert "补记交办" in (world.ideas.history(idea_id)[-2].note or "")
    with pytest.raises(InputError, match="理由"):
        handling.reopen(world.staff, idea_id, "")
    assert handling.reopen(world.staff, idea_id, "市民不满意，要求再办").status == "handling"
    handling.record_reply(world.staff, idea_id, ReplyEdit(unit=UNIT, content="再次答复：已设站。", result="adopted"))
    closed = handling.close(world.staff, idea_id, "市民满意，办结")
    assert closed.status == "closed" and len(closed.replies) == 2
    with pytest.raises(ConflictError):
        handling.reopen(world.staff, idea_id, "再来")
    steps = world.scheme.feedback.status(world.ideas.idea(idea_id).receipt_no or "", "13800001111")
    assert steps.can_rate and steps.next_steps[0].startswith("已办结")


def write_replies(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([["受理编号", "承办单位", "答复内容", "答复日期", "办理结果"], *rows])
    return path


def test_reply_import_reports_bad_rows_and_is_not_repeated(world: World, tmp_path: Path) -> None:
    handling = world.scheme.handling
    first, second = routed(world), routed(world, LAMP, phone="13800004444")
    a, b = world.ideas.idea(first), world.ideas.idea(second)
    path = write_replies(tmp_path / "答复.csv", [
        [a.receipt_no or "", UNIT, REPLY, "2024年3月1日", "部分采纳"],
        ["BX-1999-000001", UNIT, REPLY, "2024-03-01", "已采纳"],
        [b.receipt_no or "", "广州市城市管理和综合执法局", "将加装路灯，含“夜间”照明。", "2024/3/5", ""],
        [a.receipt_no or "", UNIT, REPLY, "三月", "已采纳"],
    ])
    report = handling.import_replies(world.staff, path)
    assert (report.read, report.recorded) == (4, 2) and [e.line for e in report.errors] == [3, 5]
    assert "找不到受理编号" in report.errors[0].message and "日期" in report.errors[1].message
    assert world.ideas.idea(first).status is IdeaStatus.REPLIED
    replies = handling.view(world.staff, second).replies
    assert replies[0].result == "unspecified" and replies[0].replied_on == dt.date(2024, 3, 5)
    assert replies[0].source == "import" and "“夜间”" in replies[0].content
    with pytest.raises(ConflictError, match="已导入过"):
        handling.import_replies(world.staff, path)
    with pytest.raises(InputError, match="承办单位"):
        bad = tmp_path / "缺列.csv"
        bad.write_text("受理编号,内容\nBX-2026-000001,x\n", encoding="utf-8")
        handling.import_replies(world.staff, bad)


def test_an_interrupted_reply_import_resumes_without_duplicates(world: World, tmp_path: Path) -> None:
    import hashlib

    from assistant.storage.batches import BatchStore
    from assistant.storage.handling import HandlingStore

    first, second = routed(world), routed(world, LAMP, phone="13800004444")
    a, b = world.ideas.idea(first), world.ideas.idea(second)
    path = write_replies(tmp_path / "答复.csv", [[a.receipt_no or "", UNIT, REPLY, "2024-03-01", "已采纳"],
                                                [b.receipt_no or "", UNIT, REPLY, "2024-03-02", "已采纳"]])
    batch = BatchStore(world.db).open(hashlib.sha256(path.read_bytes()).hexdigest(), path.name, "replies")
    HandlingStore(world.db).reply(first, unit=UNIT, content=REPLY, result="adopted", replied_on=dt.date(2024, 3, 1),
                                  source="import", user_id=None, status_note="导入", batch_id=batch.batch_id, line=2)
    report = world.scheme.handling.import_replies(world.staff, path)
    assert (report.recorded, report.skipped, report.errors) == (2, 1, [])
    assert len(world.scheme.handling.view(world.staff, first).replies) == 1
    assert len(world.scheme.handling.view(world.staff, second).replies) == 1
