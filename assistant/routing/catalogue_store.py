"""The routing catalogue kept in the database, seeded from and exported to the YAML files.

The YAML files under ``corpus/catalogues`` are the shipped source. On first use the units and committees are
copied into the ``catalogue_entries`` table; from then on the database is what the router reads, staff edit
entries there (in the app or with ``baixing catalogue import``), and ``baixing catalogue export`` writes the
current entries back to YAML. Channels and reason templates stay in ``routing_channels.yaml``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from assistant.accounts import UserSession, require_role
from assistant.errors import ConfigError, InputError
from assistant.routing.catalogue import (
    Catalogue,
    Unit,
    check_entries,
    committee_from_dict,
    committee_to_dict,
    load_catalogue,
    unit_from_dict,
    unit_to_dict,
)
from assistant.storage.catalogue_entries import CatalogueEntryStore
from assistant.storage.enums import Role

UNIT = "unit"
COMMITTEE = "committee"
EXPORT_HEADER = "# 由 `baixing catalogue export` 从数据库导出；字段说明见仓库 corpus/catalogues/units.yaml 文件头。\n"


class CatalogueStore:
    """Reads and edits the catalogue in the database; YAML files are the seed and the exchange format."""

    def __init__(self, entries: CatalogueEntryStore, directory: Path) -> None:
        self.entries = entries
        self.directory = directory

    def files(self) -> Catalogue:
        """The catalogue as the YAML files hold it."""
        return load_catalogue(self.directory)

    def seed(self) -> int:
        """Copy the YAML units and committees into an empty table; returns how many entries were written."""
        if self.entries.count():
            return 0
        return self.import_catalogue(self.files())

    def load(self) -> Catalogue:
        """The catalogue the router uses: database units and committees (seeded when empty), YAML channels."""
        self.seed()
        base = self.files()
        try:
            units = tuple(unit_from_dict({**p, "name": n}) for n, p in self.entries.entries(UNIT))
            committees = tuple(committee_from_dict({**p, "name": n}) for n, p in self.entries.entries(COMMITTEE))
        except (KeyError, TypeError) as exc:
            raise ConfigError("数据库中的分办目录条目缺少必填字段。", repr(exc)) from exc
        check_entries(units, committees)
        return dataclasses.replace(base, units=units, committees=committees)

    def save_unit(self, entry: dict[str, Any], user_id: int | None = None) -> Unit:
        """Create or update one unit after checking it against the rest of the catalogue."""
        try:
            unit = unit_from_dict(entry)
        except KeyError as exc:
            raise InputError("请填写单位名称和职能说明。", repr(exc)) from exc
        current = self.load()
        others = tuple(u for u in current.units if u.name != unit.name)
        try:
            check_entries((*others, unit), current.committees)
        except ConfigError as exc:
            raise InputError(exc.user_message, exc.cause) from exc
        self.entries.save(UNIT, unit.name, unit_to_dict(unit), user_id=user_id)
        return unit

    def remove_unit(self, name: str) -> bool:
        """Delete a unit (the last one cannot be removed)."""
        if len(self.load().units) <= 1:
            raise InputError("目录中至少要保留一个承办单位。", "last unit")
        return self.entries.delete(UNIT, name)

    def import_catalogue(self, catalogue: Catalogue, user_id: int | None = None) -> int:
        """Replace the database units and committees by ``catalogue``'s (file order kept)."""
        entries = [(UNIT, u.name, unit_to_dict(u)) for u in catalogue.units]
        entries += [(COMMITTEE, c.name, committee_to_dict(c)) for c in catalogue.committees]
        return self.entries.replace(entries, user_id=user_id)

    def import_files(self, directory: Path, user_id: int | None = None) -> int:
        """Replace the database entries by the YAML files in ``directory``."""
        return self.import_catalogue(load_catalogue(directory), user_id)

    def export_files(self, directory: Path) -> list[Path]:
        """Write ``units.yaml`` and ``committees.yaml`` from the database (other files are copied unchanged)."""
        catalogue = self.load()
        directory.mkdir(parents=True, exist_ok=True)
        source = self.directory
        committees_doc = yaml.safe_load((source / "committees.yaml").read_text(encoding="utf-8"))
        written = []
        for name, doc in (
            ("units.yaml", {"units": [unit_to_dict(u) for u in catalogue.units]}),
            ("committees.yaml", {**committees_doc, "committees": [committee_to_dict(c) for c in catalogue.committees]}),
        ):
            path = directory / name
            path.write_text(EXPORT_HEADER + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100),
                            encoding="utf-8")
            written.append(path)
        channels = directory / "routing_channels.yaml"
        if channels.resolve() != (source / "routing_channels.yaml").resolve():
            channels.write_text((source / "routing_channels.yaml").read_text(encoding="utf-8"), encoding="utf-8")
            written.append(channels)
        return written



class CatalogueEditor:
    """Staff edits of the catalogue (staff only); every change is handed to ``on_change`` (routing reloads)."""

    def __init__(self, store: CatalogueStore, on_change: Callable[[Catalogue], None]) -> None:
        self.store = store
        self.on_change = on_change

    def catalogue(self, actor: UserSession | None) -> Catalogue:
        """The current catalogue."""
        require_role(actor, Role.STAFF)
        return self.store.load()

    def save_unit(self, actor: UserSession | None, entry: dict[str, Any]) -> Unit:
        """Create or update a unit and apply it to routing at once."""
        staff = require_role(actor, Role.STAFF)
        unit = self.store.save_unit(entry, staff.user_id)
        self.on_change(self.store.load())
        return unit

    def remove_unit(self, actor: UserSession | None, name: str) -> bool:
        """Delete a unit and apply the change to routing."""
        require_role(actor, Role.STAFF)
        removed = self.store.remove_unit(name)
        if removed:
            self.on_change(self.store.load())
        return removed
