"""上下联动 (四(五)5): does an idea need provincial or national action, or city coordination of a district problem?

National and provincial matters go, once the committee has cultivated them, to the 住穗全国政协委员 / 广东省政协委员;
district problems that need the city become candidates for 市领导督办. The first level whose cue is found wins
(national before provincial before city); the reason quotes the words found.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from assistant.scheme.catalogue import SchemeCatalogue

if TYPE_CHECKING:
    from assistant.screening.models import ScreeningVerdict

Linkage = Literal["national", "provincial", "city"]
LINKAGE_ZH: dict[str, str] = {"national": "全国层面", "provincial": "省级层面", "city": "市级统筹"}
MAX_CHARS = 3000
MAX_QUOTES = 3
_SENTENCE = re.compile(r"[。！？；;!?\n]+")


class LinkageFlag(BaseModel):
    """The linkage level of an idea (None: the city can act on it itself) and why."""

    level: Linkage | None = None
    reason: str | None = None
    evidence: list[str] = Field(default_factory=list, description="Words of the text the flag rests on.")

    @property
    def level_zh(self) -> str:
        """全国层面 / 省级层面 / 市级统筹 / 无."""
        return LINKAGE_ZH.get(self.level or "", "无")


class LinkageAdvisor:
    """Flags ideas for 上下联动 from the cues of the scheme catalogue."""

    def __init__(self, catalogue: SchemeCatalogue) -> None:
        self.catalogue = catalogue

    def flag(self, text: str, verdict: ScreeningVerdict | None = None) -> LinkageFlag:
        """The first level (national, provincial, city) whose cues occur in ``text``: topic cues anywhere, authority
        cues only inside a request sentence. None for a text screening found out of scope (not a 百姓提案)."""
        if verdict is not None and not verdict.in_scope:
            return LinkageFlag()
        body = (text or "")[:MAX_CHARS]
        asks = "。".join(s for s in _SENTENCE.split(body) if self.catalogue.ask.search(s))
        for spec in self.catalogue.levels:
            if spec.requires is not None and not spec.requires.search(body):
                continue
            found: list[str] = []
            for pattern, where in [*((p, body) for p in spec.patterns), *((p, asks) for p in spec.asks)]:
                match = pattern.search(where)
                if match and match.group(0) not in found:
                    found.append(match.group(0))
            if not found:
                continue
            quoted = "、".join(f"“{w}”" for w in found[:MAX_QUOTES])
            reason = (f"文中提到{quoted}，{spec.reason}。{spec.route}"
                      f"（依据：{self.catalogue.linkage_clause}）。")
            return LinkageFlag(level=spec.level, reason=reason, evidence=found[:MAX_QUOTES])  # type: ignore[arg-type]
        return LinkageFlag()
