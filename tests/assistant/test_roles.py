"""Roles are enforced in the core services, whoever calls them: staff, evaluator and member actions refuse
anonymous callers and the wrong role."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.accounts import LOCAL_OPERATOR, UserSession
from assistant.errors import PermissionDenied
from assistant.ratings import ProposalRater, ProposalText
from assistant.staff.models import QueueFilters
from assistant.storage.enums import Role
from evals.runner import run_suite
from evals.store import RunStore


def person(role: Role) -> UserSession:
    return UserSession(user_id=None, username=role.value, display_name=role.value, role=role)


CITIZEN, MEMBER, STAFF, EVALUATOR = (person(r) for r in (Role.CITIZEN, Role.MEMBER, Role.STAFF, Role.EVALUATOR))


@pytest.mark.parametrize("actor", [None, CITIZEN, MEMBER, EVALUATOR])
def test_staff_services_refuse_everyone_but_staff(container: Any, tmp_path: Path, actor: UserSession | None) -> None:
    staff = container.staff
    calls = [
        lambda: staff.queue.list(actor, QueueFilters()),
        lambda: staff.queue.detail(actor, 1),
        lambda: staff.queue.domains(actor),
        lambda: staff.desk.options(actor),
        lambda: staff.triage.triage_file(actor, tmp_path / "clues.csv"),
        lambda: staff.clusters.clusters(actor),
        lambda: staff.hot.heat_map(actor),
        lambda: container.catalogue_editor.save_unit(actor, {"name": "x", "functions": "y"}),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()


def test_staff_and_the_operator_pass(container: Any) -> None:
    assert container.staff.queue.list(STAFF).total == 0
    assert container.staff.queue.list(LOCAL_OPERATOR).total == 0


@pytest.mark.parametrize("actor", [None, CITIZEN, MEMBER, STAFF])
def test_evaluator_services_refuse_everyone_but_evaluators(container: Any, actor: UserSession | None) -> None:
    store = RunStore.of(container)
    proposal = ProposalText(id="p", title="关于增设母婴室的“百姓提案”", analysis=["现状"], suggestions=["建议"])
    for call in (
        lambda: run_suite(container, "screening", actor=actor),
        lambda: store.list_runs(actor),
        lambda: store.load(actor, "screening-x"),
        lambda: ProposalRater(None).rate(actor, [proposal]),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert store.list_runs(EVALUATOR) == []


@pytest.mark.parametrize("actor", [None, CITIZEN, STAFF, EVALUATOR])
def test_member_services_refuse_everyone_but_members(container: Any, actor: UserSession | None) -> None:
    member = container.member_workflow
    for call in (lambda: member.submissions(actor), lambda: member.open(actor, "1"),
                 lambda: member.import_text(actor, "建议在地铁站增设母婴室，方便带婴儿出行的家长。")):
        with pytest.raises(PermissionDenied):
            call()
