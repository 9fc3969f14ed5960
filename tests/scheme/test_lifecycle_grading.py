"""The extended life cycle (handling → replied → closed) and clue grading, every move recorded with who/when/why."""

from __future__ import annotations

import pytest

from assistant.errors import InputError, PermissionDenied
from assistant.scheme.grading import DuplicateLead, suggest_grade
from assistant.scheme.models import GradeEdit
from assistant.storage.enums import IdeaStatus
from assistant.storage.errors import ConflictError
from assistant.storage.lifecycle import STATUS_SHORT_ZH, STATUS_ZH, TRANSITIONS, can_move, check_move
from tests.scheme.conftest import BUS, LAMP, NEIGHBOUR, World

S = IdeaStatus


@pytest.mark.parametrize(("current", "target"), [
    (S.ROUTED, S.HANDLING), (S.PROPOSAL, S.HANDLING), (S.HANDLING, S.HANDLING), (S.HANDLING, S.REPLIED),
    (S.HANDLING, S.CLOSED), (S.REPLIED, S.REPLIED), (S.REPLIED, S.HANDLING), (S.REPLIED, S.CLOSED),
    (S.SUBMITTED, S.REFERRED), (S.SCREENED, S.REFERRED),
])
def test_allowed_moves(current: IdeaStatus, target: IdeaStatus) -> None:
    assert can_move(current, target)
    check_move(current, target)


@pytest.mark.parametrize(("current", "target"), [
    (S.SUBMITTED, S.HANDLING), (S.SCREENED, S.HANDLING), (S.IN_CULTIVATION, S.HANDLING), (S.REFERRED, S.HANDLING),
    (S.HANDLING, S.PROPOSAL), (S.REPLIED, S.PROPOSAL), (S.CLOSED, S.HANDLING), (S.CLOSED, S.REPLIED),
    (S.DRAFT, S.REPLIED), (S.HANDLING, S.REFERRED),
])
def test_refused_moves(current: IdeaStatus, target: IdeaStatus) -> None:
    assert not can_move(current, target)
    with pytest.raises(ConflictError, match="不能改为"):
        check_move(current, target)


def test_every_status_has_names_and_moves() -> None:
    assert set(TRANSITIONS) == set(IdeaStatus) == set(STATUS_ZH) == set(STATUS_SHORT_ZH)


def test_suggested_grades() -> None:
    out = suggest_grade(in_scope=False, category="投诉", redirect="广州12345政务服务便民热线：…（拨打12345）")
    assert out.grade == "refer" and out.refer_to == "广州12345政务服务便民热线" and "投诉" in out.reason
    assert suggest_grade(in_scope=True, channel_key="sqmy", channel="摘编社情民意信息").grade == "sqmy"
    assert suggest_grade(in_scope=True, channel_key="express").grade == "cultivate"
    assert suggest_grade(in_scope=None).grade == "cultivate"
    lead = DuplicateLead(receipt_no="BX-2026-000001", title="增设公交站", similarity=0.91)
    merged = suggest_grade(in_scope=False, category="投诉", lead=lead)
    assert merged.grade == "merge" and "BX-2026-000001" in merged.reason and "0.91" in merged.reason


def test_staff_grade_refer_moves_the_idea_with_who_and_why(world: World) -> None:
    idea = world.submit(NEIGHBOUR)
    grading = world.scheme.grading
    with pytest.raises(PermissionDenied):
        grading.grade(world.member, idea.id, GradeEdit(grade="refer", reason="个人纠纷"))
    with pytest.raises(InputError, match="分级理由"):
        grading.grade(world.staff, idea.id, GradeEdit(grade="refer", reason=" "))
    view = grading.grade(world.staff, idea.id, GradeEdit(grade="refer", reason="邻里纠纷，转人民调解",
                                                         refer_to="人民调解委员会"))
    assert view.grade == "refer" and view.refer_to == "人民调解委员会" and view.by == "工作人员甲" and not view.auto
    assert world.ideas.idea(idea.id).status is IdeaStatus.REFERRED
    last = world.ideas.history(idea.id)[-1]
    assert last.to_status is IdeaStatus.REFERRED and last.by_name == "工作人员甲"
    assert "人民调解委员会" in (last.note or "") and "邻里纠纷" in (last.note or "")
    with pytest.raises(ConflictError):  # referred cannot become a clue to cultivate again… by a referral
        world.ideas.move(idea.id, IdeaStatus.HANDLING, by=world.staff.user_id)


def test_merge_and_history(world: World) -> None:
    lead, again = world.submit(BUS), world.submit(BUS + "（再次反映）", phone="13800002222")
    grading = world.scheme.grading
    suggested = grading.suggest(world.staff, again.id, in_scope=True, category=None, redirect=None,
                                channel_key="cultivate", channel="深化培育")
    assert suggested.grade == "merge" and suggested.merge_into and suggested.merge_into.idea_id == lead.id
    with pytest.raises(InputError, match="受理编号"):
        grading.grade(world.staff, again.id, GradeEdit(grade="merge", reason="重复", merge_into="BX-1999-000009"))
    with pytest.raises(InputError, match="自己"):
        grading.grade(world.staff, again.id, GradeEdit(grade="merge", reason="重复", merge_into=again.receipt_no))
    grading.grade(world.staff, again.id, GradeEdit(grade="cultivate", reason="先按培育登记"))
    view = grading.grade(world.staff, again.id, GradeEdit(grade="merge", reason="与牵头线索重复",
                                                          merge_into=lead.receipt_no))
    assert view.merge_into == lead.receipt_no and [h.grade for h in view.history] == ["深化培育", "并入1+N"]
    assert world.ideas.idea(again.id).status is IdeaStatus.SUBMITTED  # merging moves nothing


def test_auto_grades_do_not_overwrite_staff_grades(world: World) -> None:
    idea = world.submit(LAMP)
    grading = world.scheme.grading
    grading.grade(world.staff, idea.id, GradeEdit(grade="sqmy", reason="以反映情况为主"))
    stored = grading.record_auto([(idea.id, suggest_grade(in_scope=True, channel_key="cultivate"))], user_id=None)
    assert stored == 0 and grading.view(world.staff, idea.id).grade == "sqmy"
