"""Staff confirmations of routings: the final units stored, the idea moved to routed, the choice audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from assistant.storage._sql import digest
from assistant.storage.db import Database
from assistant.storage.enums import IdeaStatus
from assistant.storage.errors import ConflictError
from assistant.storage.ideas import IdeaStore
from assistant.storage.orm import RoutingResult
from assistant.storage.queue import AUDIT_ENTITY, CONFIRM_ACTION
from assistant.storage.repositories import AuditRepository, IdeaRepository, RoutingRepository

STAFF_BACKEND = "staff"


@dataclass(frozen=True)
class Confirmation:
    """What a staff member confirms for an idea."""

    final_units: list[dict[str, str]]
    committee: str | None
    channel: str | None
    domain: str | None
    note: str | None
    status_note: str


class RoutingStore:
    """Stores staff confirmations (a confirmed routing is changed only by a new, revised confirmation)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def confirm(
        self, idea_id: int, confirmation: Confirmation, *, user_id: int | None, routing_id: int | None = None,
        revise: bool = False, suggested: list[dict[str, Any]] | None = None,
    ) -> int:
        """Store the confirmation; returns the confirmed routing id.

        ``routing_id`` is the suggestion the staff member saw: a newer one in the meantime is a conflict.
        ``suggested`` (names and roles of the suggestion) goes to the audit record.
        """

        def work(s: Session) -> int:
            ideas, routings = IdeaRepository(s), RoutingRepository(s)
            idea = ideas.require(idea_id)
            latest = routings.latest(idea_id)
            if routing_id is not None and (latest is None or latest.id != routing_id):
                raise ConflictError("该线索的分办建议已更新，请重新打开后再确认。", f"routing {routing_id} is stale")
            if latest is not None and latest.confirmed_at is not None and not revise:
                raise ConflictError("该线索已确认分办；如需修改，请勾选“修改已确认的分办”。", "already confirmed")
            target = self._target(routings, idea_id, latest, user_id)
            routings.confirm(target.id, user_id=user_id, final_units=confirmation.final_units, note=confirmation.note)
            if confirmation.domain and confirmation.domain != idea.domain:
                ideas.set_domain(idea_id, confirmation.domain)
            IdeaStore.move_in(s, idea, IdeaStatus.ROUTED, user_id, confirmation.status_note)
            output = {
                "routing_id": target.id, "final_units": confirmation.final_units, "committee": confirmation.committee,
                "channel": confirmation.channel, "domain": confirmation.domain or idea.domain,
                "note": confirmation.note, "suggested_units": suggested or [],
                "changed_from_suggestion": [(u.get("name"), u.get("role")) for u in suggested or []]
                != [(u["name"], u["role"]) for u in confirmation.final_units],
                "revision": bool(revise and latest is not None and latest.confirmed_at is not None),
            }
            AuditRepository(s).record(entity_type=AUDIT_ENTITY, entity_id=idea_id, action=CONFIRM_ACTION,
                                      backend=STAFF_BACKEND, input_digest=digest(output), output=output,
                                      user_id=user_id)
            return int(target.id)

        return self.database.write(work)

    @staticmethod
    def _target(routings: RoutingRepository, idea_id: int, latest: RoutingResult | None,
                user_id: int | None) -> RoutingResult:
        if latest is None:  # routed by hand: no suggestion (out of scope, or never screened)
            return routings.add(idea_id, suggested_units=[], created_by=user_id)
        if latest.confirmed_at is not None:  # a revision keeps the confirmed row as history
            return routings.add(idea_id, suggested_units=list(latest.suggested_units), created_by=user_id)
        return latest
