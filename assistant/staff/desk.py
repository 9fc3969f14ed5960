"""The routing desk: staff edit the suggested units, roles, committee and channel, then confirm (stored + audited)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from assistant.errors import InputError
from assistant.routing.catalogue import DOMAINS, Catalogue
from assistant.staff.models import RoutingEdit, UnitChoice
from assistant.staff.queue import AUDIT_ENTITY, CONFIRM_ACTION, unit_choices
from assistant.storage._sql import digest
from assistant.storage.enums import IdeaStatus
from assistant.storage.errors import ConflictError
from assistant.storage.orm import RoutingResult
from assistant.storage.repositories import AuditRepository, IdeaRepository, RoutingRepository

MAX_UNITS = 5
MAX_NOTE_CHARS = 500
STAFF_BACKEND = "staff"


class RoutingDesk:
    """Confirms routings: names are checked against the unit catalogue, each confirmation is audited."""

    def __init__(self, database: Any, catalogue: Callable[[], Catalogue]) -> None:
        self.database = database
        self.catalogue = catalogue

    def options(self) -> tuple[list[str], list[str], list[str]]:
        """Unit names, committee names and channel names staff may choose from."""
        cat = self.catalogue()
        return cat.unit_names(), [c.name for c in cat.committees], [c.name for c in cat.channels]

    def validate(self, edit: RoutingEdit) -> RoutingEdit:
        """The edit with official unit names; InputError (Chinese) for anything outside the catalogues."""
        cat = self.catalogue()
        units: list[UnitChoice] = []
        seen: set[str] = set()
        for choice in edit.units:
            name = choice.name.strip()
            if not name:
                continue
            unit = cat.unit(name)
            if unit is None:
                raise InputError(
                    f"「{name}」不在承办单位目录中，请从下拉列表中选择（或先在单位目录中添加该单位）。",
                    f"unknown unit {name!r}",
                )
            if unit.name in seen:
                raise InputError(f"「{unit.name}」重复出现，请每个单位只选一次。", "duplicate unit")
            seen.add(unit.name)
            units.append(UnitChoice(name=unit.name, role=choice.role, score=choice.score, reason=choice.reason))
        if not units:
            raise InputError("请至少选择一个承办单位（主办）。", "no units")
        if len(units) > MAX_UNITS:
            raise InputError(f"承办单位最多 {MAX_UNITS} 个（1 个主办，其余协办）。", "too many units")
        leads = [u for u in units if u.role == "主办"]
        if len(leads) != 1:
            raise InputError("请恰好指定一个主办单位，其余为协办。", f"{len(leads)} leads")
        units = leads + [u for u in units if u.role != "主办"]
        committee = (edit.committee or "").strip() or None
        if committee and committee not in {c.name for c in cat.committees}:
            raise InputError(f"「{committee}」不是专门委员会目录中的名称，请从列表中选择。", "unknown committee")
        channel = (edit.channel or "").strip() or None
        if channel and channel not in {c.name for c in cat.channels}:
            raise InputError(f"「{channel}」不是处理通道之一，请从列表中选择。", "unknown channel")
        domain = (edit.domain or "").strip() or None
        if domain and domain not in DOMAINS:
            raise InputError(f"「{domain}」不是一级分类，请从列表中选择。", "unknown domain")
        note = (edit.note or "").strip() or None
        if note and len(note) > MAX_NOTE_CHARS:
            raise InputError(f"备注太长（{len(note)} 字），请精简到 {MAX_NOTE_CHARS} 字以内。", "note too long")
        return RoutingEdit(units=units, committee=committee, channel=channel, domain=domain, note=note)

    def confirm(
        self, idea_id: int, edit: RoutingEdit, *, user_id: int, routing_id: int | None = None, revise: bool = False
    ) -> int:
        """Store the staff's routing for an idea and audit it; returns the confirmed routing id.

        ``routing_id`` is the suggestion the staff member saw: a newer one in the meantime is a conflict.
        A confirmed routing is changed only with ``revise=True`` (a new confirmed row; the old one stays).
        """
        edit = self.validate(edit)
        with self.database.session() as session:
            ideas, routings = IdeaRepository(session), RoutingRepository(session)
            idea = ideas.require(idea_id)
            latest = routings.latest(idea_id)
            if routing_id is not None and (latest is None or latest.id != routing_id):
                raise ConflictError("该线索的分办建议已更新，请重新打开后再确认。", f"routing {routing_id} is stale")
            if latest is not None and latest.confirmed_at is not None and not revise:
                raise ConflictError("该线索已确认分办；如需修改，请勾选“修改已确认的分办”。", "already confirmed")
            target = self._target(routings, idea_id, latest, user_id)
            final = [{"name": u.name, "role": u.role} for u in edit.units]
            routings.confirm(target.id, user_id=user_id, final_units=final, note=edit.note)
            suggested = unit_choices(target.suggested_units)
            changed = [(u.name, u.role) for u in suggested] != [(u.name, u.role) for u in edit.units]
            if edit.domain and edit.domain != idea.domain:
                ideas.set_domain(idea_id, edit.domain)
            lead = edit.units[0].name
            note = f"确认分办：主办 {lead}" + (f"；协办 {'、'.join(u.name for u in edit.units[1:])}" if
                                              len(edit.units) > 1 else "")
            ideas.set_status(idea_id, IdeaStatus.ROUTED, user_id=user_id, note=("修改分办" if revise else note))
            output = {
                "routing_id": target.id,
                "final_units": final,
                "committee": edit.committee,
                "channel": edit.channel,
                "domain": edit.domain or idea.domain,
                "note": edit.note,
                "suggested_units": [{"name": u.name, "role": u.role} for u in suggested],
                "changed_from_suggestion": changed,
                "revision": bool(revise and latest is not None and latest.confirmed_at is not None),
            }
            AuditRepository(session).record(
                entity_type=AUDIT_ENTITY,
                entity_id=idea_id,
                action=CONFIRM_ACTION,
                backend=STAFF_BACKEND,
                input_digest=digest(output),
                output=output,
                user_id=user_id,
            )
            return int(target.id)

    @staticmethod
    def _target(
        routings: RoutingRepository, idea_id: int, latest: RoutingResult | None, user_id: int
    ) -> RoutingResult:
        if latest is None:  # routed by hand: no suggestion (out of scope, or never screened)
            return routings.add(idea_id, suggested_units=[], created_by=user_id)
        if latest.confirmed_at is not None:  # a revision keeps the confirmed row as history
            return routings.add(idea_id, suggested_units=list(latest.suggested_units), created_by=user_id)
        return latest
