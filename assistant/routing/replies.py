"""Who answered a past item: weak unit labels from the government replies of the masked city (A市…).

A reply rarely signs with a department, but it names the departments that investigated or to which the message
was passed ("经A5区教育局调查", "已转市人社局", "区城管执法局已责令…"). The answering department of a reply is taken to
be the first functional department it names, mapped to the Guangzhou catalogue unit of the same function through the
units' names and aliases ("A市住房和城乡建设局" → 广州市住房和城乡建设局); districts, streets, towns and village
committees count only when no functional department is named (→ 各区政府). Hotline numbers (12345) pass messages
on and never answer them. These labels are *weak*: A市's division of work differs from Guangzhou's, a reply may
name a department it merely consulted, and about 40 % of replies name none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from assistant.routing.catalogue import Catalogue

DISTRICT_KINDS = ("区级政府",)
"""Catalogue kinds that stand for the local governments (used only when no functional department is named)."""
_PREFIX = re.compile(r"(?:[A-Z]\d{0,2}[市区县]|西地省|市|区|县)$")
_NOT_A_HANDLER = re.compile(r"^\d+(?:热线)?$")


@dataclass(frozen=True)
class ReplyLabel:
    """The catalogue unit (index) that corresponds to a reply's answering department, and that department's name
    as the reply writes it (with its masked place, e.g. "A5区教育局")."""

    unit: int
    name: str


class ReplyLabeller:
    """Maps replies to catalogue units (see the module docstring)."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.pattern, self.table = catalogue.alias_pattern()
        self.district = {i for i, u in enumerate(catalogue.units) if u.kind in DISTRICT_KINDS}

    def label(self, reply: str) -> ReplyLabel | None:
        """The answering department of ``reply`` (None when it names none)."""
        first_local: ReplyLabel | None = None
        for match in self.pattern.finditer(reply):
            alias = match.group()
            if _NOT_A_HANDLER.match(alias):
                continue
            unit = self.table[alias]
            prefix = _PREFIX.search(reply[max(0, match.start() - 4) : match.start()])
            found = ReplyLabel(unit, (prefix.group() if prefix else "") + alias)
            if unit not in self.district:
                return found
            first_local = first_local or found
        return first_local

    def labels(self, rows: list[dict[str, Any]]) -> list[ReplyLabel | None]:
        """The label of every row's ``reply``."""
        return [self.label(str(r.get("reply") or "")) for r in rows]
