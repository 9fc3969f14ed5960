"""The routing desk: staff edit the suggested units, roles, committee and channel, then confirm (stored + audited)."""

from __future__ import annotations

from collections.abc import Callable

from assistant.accounts import UserSession, require_role
from assistant.errors import InputError
from assistant.routing.catalogue import DOMAINS, Catalogue
from assistant.staff.models import RoutingEdit, UnitChoice
from assistant.staff.queue import unit_choices
from assistant.storage.enums import Role
from assistant.storage.queue import QueueStore
from assistant.storage.routings import Confirmation, RoutingStore

MAX_UNITS = 5
MAX_NOTE_CHARS = 500


class RoutingDesk:
    """Confirms routings (staff only): names are checked against the unit catalogue, each confirmation audited."""

    def __init__(self, store: RoutingStore, queue: QueueStore, catalogue: Callable[[], Catalogue]) -> None:
        self.store = store
        self.queue = queue
        self.catalogue = catalogue

    def options(self, actor: UserSession | None) -> tuple[list[str], list[str], list[str]]:
        """Unit names, committee names and channel names staff may choose from."""
        require_role(actor, Role.STAFF)
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
        self, actor: UserSession | None, idea_id: int, edit: RoutingEdit, *, routing_id: int | None = None,
        revise: bool = False,
    ) -> int:
        """Store the staff's routing for an idea and audit it; returns the confirmed routing id.

        ``routing_id`` is the suggestion the staff member saw: a newer one in the meantime is a conflict.
        A confirmed routing is changed only with ``revise=True`` (a new confirmed row; the old one stays).
        """
        staff = require_role(actor, Role.STAFF)
        edit = self.validate(edit)
        lead = edit.units[0].name
        note = f"确认分办：主办 {lead}" + (f"；协办 {'、'.join(u.name for u in edit.units[1:])}"
                                          if len(edit.units) > 1 else "")
        entry, _ = self.queue.entry(idea_id)
        suggested = [{"name": u.name, "role": u.role}
                     for u in unit_choices(entry.routing.suggested_units if entry.routing else [])]
        confirmation = Confirmation(
            final_units=[{"name": u.name, "role": u.role} for u in edit.units], committee=edit.committee,
            channel=edit.channel, domain=edit.domain, note=edit.note, status_note="修改分办" if revise else note,
        )
        return self.store.confirm(idea_id, confirmation, user_id=staff.user_id, routing_id=routing_id, revise=revise,
                                  suggested=suggested)
