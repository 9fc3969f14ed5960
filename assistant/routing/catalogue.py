"""The editable catalogues: handling units, CPPCC special committees and the scheme's three channels."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import ConfigError

DOMAINS = (
    "城乡建设", "党务政务", "国土资源", "环境保护", "纪检监察", "交通运输", "经济管理", "科技与信息产业",
    "民政", "农村农业", "商贸旅游", "卫生计生", "政法", "教育文体", "劳动和社会保障",
)


@dataclass(frozen=True)
class Unit:
    """One handling unit (承办单位)."""

    name: str
    short: str
    aliases: tuple[str, ...]
    functions: str
    keywords: tuple[str, ...]
    domains: tuple[str, ...]
    kind: str
    source: str
    committees: tuple[str, ...] = ()
    """Counterpart special committees, main one first (an idea's committee is derived from its lead unit)."""

    def profile(self) -> str:
        """Text the idea is matched against: functions, keywords (twice) and names."""
        kw = " ".join(self.keywords)
        return f"{self.short} {self.functions} {kw} {kw}"

    def prompt_line(self) -> str:
        """One line for the LLM prompt."""
        return f"{self.name}（{self.short}）：{self.functions}"


@dataclass(frozen=True)
class Committee:
    """One CPPCC special committee and its counterpart areas."""

    name: str
    areas: str
    domains: tuple[str, ...]
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Channel:
    """One of the scheme's three channels."""

    name: str
    what: str
    reason: str
    cues: tuple[str, ...]


@dataclass(frozen=True)
class Catalogue:
    """Everything the router needs from the YAML files."""

    units: tuple[Unit, ...]
    committees: tuple[Committee, ...]
    default_committee: str
    channels: tuple[Channel, ...]
    default_channel: str
    channel_clause: str
    templates: dict[str, str]

    def unit(self, name: str) -> Unit | None:
        """The unit with this official name (or short name)."""
        for unit in self.units:
            if name in (unit.name, unit.short):
                return unit
        return None

    def unit_names(self) -> list[str]:
        """Official names, in file order."""
        return [u.name for u in self.units]

    def alias_pattern(self) -> tuple[re.Pattern[str], dict[str, int]]:
        """A regex matching any name or alias (longest first) and the map alias → unit index."""
        table: dict[str, int] = {}
        for i, unit in enumerate(self.units):
            for alias in (unit.name, unit.short, *unit.aliases):
                table.setdefault(alias, i)
                if alias.startswith(("广州市", "市")):
                    table.setdefault(alias.removeprefix("广州").removeprefix("市"), i)
        names = sorted(table, key=len, reverse=True)
        return re.compile("|".join(re.escape(n) for n in names)), table


def _tuple(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in (value or []))


def _read(path: Path) -> dict[str, Any]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"分办目录文件无法读取：{path.name}", str(exc)) from exc
    if not isinstance(doc, dict):
        raise ConfigError(f"分办目录文件格式不对：{path.name}", "not a mapping")
    return doc


def unit_from_dict(u: dict[str, Any]) -> Unit:
    """A unit from its YAML/database mapping (KeyError when ``name`` or ``functions`` is missing)."""
    return Unit(
        name=str(u["name"]).strip(), short=str(u.get("short") or u["name"]).strip(), aliases=_tuple(u.get("aliases")),
        functions="".join(str(u["functions"]).split()), keywords=_tuple(u.get("keywords")),
        domains=_tuple(u.get("domains")), kind=str(u.get("kind", "")), source=str(u.get("source", "")),
        committees=_tuple(u.get("committees")),
    )


def unit_to_dict(unit: Unit) -> dict[str, Any]:
    """The mapping stored in YAML and in the database."""
    return {
        "name": unit.name, "short": unit.short, "aliases": list(unit.aliases), "functions": unit.functions,
        "keywords": list(unit.keywords), "domains": list(unit.domains), "kind": unit.kind, "source": unit.source,
        "committees": list(unit.committees),
    }


def committee_from_dict(c: dict[str, Any]) -> Committee:
    """A committee from its YAML/database mapping."""
    return Committee(str(c["name"]).strip(), str(c.get("areas", "")), _tuple(c.get("domains")),
                     _tuple(c.get("keywords")))


def committee_to_dict(committee: Committee) -> dict[str, Any]:
    """The mapping stored in YAML and in the database."""
    return {"name": committee.name, "areas": committee.areas, "domains": list(committee.domains),
            "keywords": list(committee.keywords)}


def check_entries(units: tuple[Unit, ...], committees: tuple[Committee, ...]) -> None:
    """ConfigError on empty names/functions, duplicate unit names, domains outside the 15 classes or unit
    committees that are not in the committee list."""
    if not units or not committees:
        raise ConfigError("分办目录至少需要一个承办单位和一个专委会。", "empty catalogue")
    if any(not u.name or not u.functions for u in units):
        raise ConfigError("每个承办单位都需要名称和职能说明。", "empty name or functions")
    names = [u.name for u in units]
    if len(set(names)) != len(names):
        raise ConfigError("承办单位目录中有重复的单位名称。", "duplicate unit name")
    used = {d for u in units for d in u.domains} | {d for c in committees for d in c.domains}
    bad = sorted(used - set(DOMAINS))
    if bad:
        raise ConfigError(f"目录中的领域不是一级分类：{'、'.join(bad)}", "unknown domain")
    known = {c.name for c in committees}
    unknown = sorted({c for u in units for c in u.committees} - known)
    if unknown:
        raise ConfigError(f"承办单位的对口专委会不在专委会目录中：{'、'.join(unknown)}", "unknown committee")


def load_catalogue(directory: Path) -> Catalogue:
    """Read ``units.yaml``, ``committees.yaml`` and ``routing_channels.yaml``; checks names and domains."""
    try:
        units = tuple(unit_from_dict(u) for u in _read(directory / "units.yaml")["units"])
        cdoc = _read(directory / "committees.yaml")
        committees = tuple(committee_from_dict(c) for c in cdoc["committees"])
        hdoc = _read(directory / "routing_channels.yaml")
        channels = tuple(
            Channel(str(c["name"]), str(c["what"]), str(c["reason"]), _tuple(c.get("cues"))) for c in hdoc["channels"]
        )
    except (KeyError, TypeError) as exc:
        raise ConfigError("分办目录缺少必填字段（name、functions 等），请检查 YAML 文件。", repr(exc)) from exc
    check_entries(units, committees)
    return Catalogue(
        units=units,
        committees=committees,
        default_committee=str(cdoc.get("default", committees[0].name)),
        channels=channels,
        default_channel=str(hdoc.get("default", channels[0].name)),
        channel_clause=str(hdoc.get("clause", "")),
        templates={str(k): str(v) for k, v in (hdoc.get("templates") or {}).items()},
    )
