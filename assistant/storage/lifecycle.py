"""The life of an idea as an explicit state machine: which status may follow which, and their Chinese names.

draft → submitted → screened / routed → in cultivation → proposal / referred / closed, and after routing (or once
it is a proposal) handling → replied → closed (a reply the citizen is not satisfied with may be handled again).
Every move is written by the stores (:class:`assistant.storage.ideas.IdeaStore`,
:class:`assistant.storage.handling.HandlingStore`) with who made it, when and why; any other move is refused.
See ``docs/workflow.md`` for the diagram.
"""

from __future__ import annotations

from assistant.storage.enums import IdeaStatus
from assistant.storage.errors import ConflictError

S = IdeaStatus
TRANSITIONS: dict[IdeaStatus, frozenset[IdeaStatus]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.CLOSED}),
    S.SUBMITTED: frozenset({S.SCREENED, S.ROUTED, S.IN_CULTIVATION, S.REFERRED, S.CLOSED}),
    S.SCREENED: frozenset({S.SCREENED, S.ROUTED, S.IN_CULTIVATION, S.REFERRED, S.CLOSED}),
    S.ROUTED: frozenset({S.ROUTED, S.IN_CULTIVATION, S.PROPOSAL, S.HANDLING, S.REFERRED, S.CLOSED}),
    S.IN_CULTIVATION: frozenset({S.ROUTED, S.PROPOSAL, S.REFERRED, S.CLOSED}),
    S.PROPOSAL: frozenset({S.HANDLING, S.CLOSED}),
    S.HANDLING: frozenset({S.HANDLING, S.REPLIED, S.CLOSED}),
    S.REPLIED: frozenset({S.REPLIED, S.HANDLING, S.CLOSED}),
    S.REFERRED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}
"""Allowed moves. A re-screening (screened → screened), a revised routing (routed → routed), another handling unit
or a new deadline (handling → handling) and a further reply (replied → replied) are moves too, so they show in the
history; replied → handling is a reply handled again (the citizen was not satisfied)."""

STATUS_ZH: dict[IdeaStatus, str] = {
    S.DRAFT: "尚未提交（草稿）",
    S.SUBMITTED: "已提交，等待工作人员审查",
    S.SCREENED: "已完成范围审查",
    S.ROUTED: "已分办",
    S.IN_CULTIVATION: "委员培育中",
    S.PROPOSAL: "已形成提案",
    S.HANDLING: "承办单位办理中",
    S.REPLIED: "承办单位已答复",
    S.REFERRED: "已转交其他渠道",
    S.CLOSED: "已办结",
}
"""Chinese names of the statuses as citizens read them."""

STATUS_SHORT_ZH: dict[IdeaStatus, str] = {
    S.DRAFT: "草稿",
    S.SUBMITTED: "已提交",
    S.SCREENED: "已筛查",
    S.ROUTED: "已分办",
    S.IN_CULTIVATION: "培育中",
    S.PROPOSAL: "已成提案",
    S.HANDLING: "办理中",
    S.REPLIED: "已答复",
    S.REFERRED: "已转其他渠道",
    S.CLOSED: "已办结",
}
"""Short names for the staff's tables and filters."""

STAFF_WORK = frozenset(set(IdeaStatus) - {S.DRAFT})
"""Statuses staff see in their queue (a citizen's unsubmitted draft is not staff work)."""


def status_zh(status: IdeaStatus | str) -> str:
    """The Chinese name of a status (the raw value for an unknown one)."""
    try:
        return STATUS_ZH[IdeaStatus(status)]
    except ValueError:
        return str(status)


def can_move(current: IdeaStatus, target: IdeaStatus) -> bool:
    """Whether ``current → target`` is an allowed move."""
    return target in TRANSITIONS[current]


def check_move(current: IdeaStatus, target: IdeaStatus) -> None:
    """Raise ConflictError (a Chinese message) unless ``current → target`` is allowed."""
    if not can_move(current, target):
        raise ConflictError(
            f"这条金点子当前状态是“{status_zh(current)}”，不能改为“{status_zh(target)}”。",
            f"illegal transition {current.value} -> {target.value}",
        )
