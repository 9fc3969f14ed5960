"""Confirming a routing: stored, audited, refused for units outside the catalogue."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.accounts import UserSession
from assistant.errors import InputError
from assistant.staff.desk import RoutingDesk
from assistant.staff.models import RoutingEdit, UnitChoice
from assistant.staff.queue import QueueService
from assistant.storage.enums import IdeaStatus
from assistant.storage.errors import ConflictError
from assistant.storage.queue import QueueStore
from assistant.storage.repositories import AuditRepository, IdeaRepository, RoutingRepository
from assistant.storage.routings import RoutingStore
from tests.support import shipped_catalogue

IDEA = "建议在小区门口加设公交站点，方便老人出行。"


@pytest.fixture
def desk(database: Any) -> RoutingDesk:
    catalogue = shipped_catalogue()
    return RoutingDesk(RoutingStore(database), QueueStore(database), lambda: catalogue)


@pytest.fixture
def routed_idea(database: Any) -> tuple[int, int, list[str]]:
    names = shipped_catalogue().unit_names()
    with database.session() as session:
        idea = IdeaRepository(session).create(IDEA, status="screened", domain="交通运输")
        suggested = [{"name": names[0], "role": "主办", "score": 0.8, "reason": "职责相关"},
                     {"name": names[1], "role": "协办", "score": 0.6, "reason": "关键词"}]
        routing = RoutingRepository(session).add(idea.id, suggested_units=suggested)
        return idea.id, routing.id, names


def test_confirmation_is_stored_and_audited(
    desk: RoutingDesk, database: Any, staff_user: UserSession, routed_idea: tuple[int, int, list[str]]
) -> None:
    idea_id, routing_id, names = routed_idea
    _, committees, channels = desk.options(staff_user)
    edit = RoutingEdit(units=[UnitChoice(name=names[2], role="主办"), UnitChoice(name=names[0], role="协办")],
                       committee=committees[0], channel=channels[0], domain="城乡建设", note="改由第三个单位主办")
    assert desk.confirm(staff_user, idea_id, edit, routing_id=routing_id) == routing_id

    with database.session() as session:
        routing = RoutingRepository(session).latest(idea_id)
        assert routing.final_units == [{"name": names[2], "role": "主办"}, {"name": names[0], "role": "协办"}]
        assert routing.confirmed_by == staff_user.user_id and routing.note == "改由第三个单位主办"
        idea = IdeaRepository(session).require(idea_id)
        assert idea.status is IdeaStatus.ROUTED and idea.domain == "城乡建设"
        (audit,) = AuditRepository(session).for_entity("idea", idea_id)
        assert audit.action == "confirm_routing" and audit.user_id == staff_user.user_id
        assert audit.output["changed_from_suggestion"] is True and audit.output["committee"] == committees[0]

    view = QueueService(QueueStore(database)).detail(staff_user, idea_id).routing
    assert view is not None and view.confirmed and view.confirmed_by == "工作人员甲"
    assert [u.name for u in view.final_units] == [names[2], names[0]] and view.final_channel == channels[0]


def test_units_outside_the_catalogue_are_refused_and_nothing_is_stored(
    desk: RoutingDesk, database: Any, staff_user: UserSession, routed_idea: tuple[int, int, list[str]]
) -> None:
    idea_id, _, names = routed_idea
    bad = RoutingEdit(units=[UnitChoice(name="火星事务局", role="主办")])
    with pytest.raises(InputError, match="不在承办单位目录中"):
        desk.confirm(staff_user, idea_id, bad)
    two_leads = RoutingEdit(units=[UnitChoice(name=names[0], role="主办"), UnitChoice(name=names[1], role="主办")])
    with pytest.raises(InputError, match="一个主办"):
        desk.confirm(staff_user, idea_id, two_leads)
    with pytest.raises(InputError, match="专门委员会"):
        desk.confirm(staff_user, idea_id, RoutingEdit(units=[UnitChoice(name=names[0], role="主办")],
                                                      committee="某委员会"))
    with database.session() as session:
        assert RoutingRepository(session).latest(idea_id).confirmed_at is None
        assert AuditRepository(session).for_entity("idea", idea_id) == []


def test_short_names_become_official_and_revisions_keep_history(
    desk: RoutingDesk, database: Any, staff_user: UserSession, routed_idea: tuple[int, int, list[str]]
) -> None:
    idea_id, routing_id, names = routed_idea
    unit = shipped_catalogue().unit(names[3])
    assert unit is not None
    edit = RoutingEdit(units=[UnitChoice(name=unit.short, role="主办")])
    desk.confirm(staff_user, idea_id, edit, routing_id=routing_id)
    with pytest.raises(ConflictError, match="已确认分办"):
        desk.confirm(staff_user, idea_id, edit, routing_id=routing_id)
    revised = desk.confirm(staff_user, idea_id, RoutingEdit(units=[UnitChoice(name=names[0], role="主办")]),
                           routing_id=routing_id, revise=True)
    assert revised != routing_id
    with pytest.raises(ConflictError, match="已更新"):
        desk.confirm(staff_user, idea_id, edit, routing_id=routing_id, revise=True)
    with database.session() as session:
        first = session.get(type(RoutingRepository(session).latest(idea_id)), routing_id)
        assert first.final_units == [{"name": unit.name, "role": "主办"}]
        assert RoutingRepository(session).latest(idea_id).final_units == [{"name": names[0], "role": "主办"}]
        assert [a.output["revision"] for a in AuditRepository(session).for_entity("idea", idea_id)] == [False, True]


def test_an_idea_without_suggestion_can_be_routed_by_hand(
    desk: RoutingDesk, database: Any, staff_user: UserSession
) -> None:
    with database.session() as session:
        idea_id = IdeaRepository(session).create(IDEA, status="screened").id
    names = shipped_catalogue().unit_names()
    desk.confirm(staff_user, idea_id, RoutingEdit(units=[UnitChoice(name=names[0], role="主办")]))
    with database.session() as session:
        routing = RoutingRepository(session).latest(idea_id)
        assert routing.suggested_units == [] and routing.final_units == [{"name": names[0], "role": "主办"}]


def test_only_staff_may_confirm(desk: RoutingDesk, routed_idea: tuple[int, int, list[str]]) -> None:
    from assistant.accounts import UserSession
    from assistant.errors import PermissionDenied
    from assistant.storage.enums import Role

    idea_id, _, names = routed_idea
    member = UserSession(user_id=None, username="m", display_name="委员", role=Role.MEMBER)
    edit = RoutingEdit(units=[UnitChoice(name=names[0], role="主办")])
    for actor in (None, member):
        with pytest.raises(PermissionDenied):
            desk.confirm(actor, idea_id, edit)
        with pytest.raises(PermissionDenied):
            desk.options(actor)
