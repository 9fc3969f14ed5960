"""The scheme catalogue (``corpus/catalogues/scheme.yaml``): channel model, research needs, linkage cues, grades,
handling levels and selection weights, read once into typed, frozen objects."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import ConfigError
from assistant.settings import REPO_ROOT

SCHEME_FILE = "scheme.yaml"
DEFAULT_DIR = REPO_ROOT / "corpus" / "catalogues"
FEATURE_KINDS = frozenset({"cues", "scope", "general", "numbers", "length", "domain", "linkage", "draft"})
LEVELS = ("national", "provincial", "city")


@dataclass(frozen=True)
class ChannelSpec:
    """One of the three channels: its key, official name (as in routing_channels.yaml), bias and what to do."""

    key: str
    name: str
    bias: float
    action: str


@dataclass(frozen=True)
class FeatureSpec:
    """One feature of the channel model with its weight per channel key."""

    key: str
    kind: str
    label: str
    weights: dict[str, float]
    cues: tuple[str, ...] = ()
    patterns: tuple[re.Pattern[str], ...] = ()
    cap: int = 1
    when: str = ""
    minimum: float | None = None
    maximum: float | None = None
    domains: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    where: str = "all"
    """Where cues count: ``all`` of the text, the ``title`` (first line) or the ``asks`` (request sentences)."""


@dataclass(frozen=True)
class LevelSpec:
    """One linkage level: national, provincial or city."""

    level: str
    name: str
    route: str
    reason: str
    patterns: tuple[re.Pattern[str], ...]
    asks: tuple[re.Pattern[str], ...] = ()
    """Cues that count only inside a request sentence (建议国家…, 希望省里…)."""
    requires: re.Pattern[str] | None = None


@dataclass(frozen=True)
class SchemeCatalogue:
    """Everything of ``scheme.yaml``."""

    clause: str
    ask: re.Pattern[str]
    """A request sentence: 建议, 希望, 请, 恳请, 要求, 呼吁…"""
    channels: tuple[ChannelSpec, ...]
    features: tuple[FeatureSpec, ...]
    research: dict[str, str]
    sqmy: dict[str, str]
    linkage_clause: str
    levels: tuple[LevelSpec, ...]
    grades: dict[str, str]
    refer_default: str
    handling_days: int
    handling_levels: dict[str, str]
    handling_results: dict[str, str]
    selection: dict[str, Any] = field(default_factory=dict)
    keywords_exclude: frozenset[str] = frozenset()
    """Generic words the periodical does not list as a topic's frequent words."""
    greetings: tuple[re.Pattern[str], ...] = ()
    """Salutations and greetings stripped from the start of an idea's summary."""

    def channel(self, key: str) -> ChannelSpec:
        """The channel with this key (KeyError when unknown)."""
        return next(c for c in self.channels if c.key == key)

    def channel_named(self, name: str) -> ChannelSpec | None:
        """The channel with this official name, if any."""
        return next((c for c in self.channels if c.name == name), None)

    def level(self, level: str) -> LevelSpec:
        """The linkage level with this key."""
        return next(x for x in self.levels if x.level == level)


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ConfigError(f"scheme.yaml 中的规则写法有误：{where}", f"{pattern!r}: {exc}") from exc


def _feature(raw: dict[str, Any], channel_keys: set[str]) -> FeatureSpec:
    kind = str(raw["kind"])
    if kind not in FEATURE_KINDS:
        raise ConfigError(f"scheme.yaml 中的特征类型不认识：{kind}", f"feature {raw.get('key')}")
    weights = {str(k): float(v) for k, v in (raw.get("weights") or {}).items()}
    if set(weights) - channel_keys:
        raise ConfigError("scheme.yaml 中特征的权重指向了不存在的通道。", f"feature {raw.get('key')}: {weights}")
    cues = tuple(str(c) for c in raw.get("cues") or ())
    patterns = tuple(_compile(c if raw.get("regex") else re.escape(c), str(raw["key"])) for c in cues)
    return FeatureSpec(
        key=str(raw["key"]), kind=kind, label=str(raw["label"]), weights=weights, cues=cues, patterns=patterns,
        cap=max(1, int(raw.get("cap", 1))), when=str(raw.get("when", "")),
        minimum=float(raw["min"]) if "min" in raw else None, maximum=float(raw["max"]) if "max" in raw else None,
        domains=tuple(str(d) for d in raw.get("domains") or ()), levels=tuple(str(x) for x in raw.get("levels") or ()),
        where=str(raw.get("in", "all")),
    )


def _level(raw: dict[str, Any]) -> LevelSpec:
    level = str(raw["level"])
    if level not in LEVELS:
        raise ConfigError(f"scheme.yaml 中的联动层级不认识：{level}", level)
    requires = raw.get("requires")
    return LevelSpec(
        level=level, name=str(raw["name"]), route=str(raw["route"]), reason=str(raw["reason"]),
        patterns=tuple(_compile(str(c), f"linkage {level}") for c in raw.get("cues") or ()),
        asks=tuple(_compile(str(c), f"linkage {level} asks") for c in raw.get("asks") or ()),
        requires=_compile(str(requires), f"linkage {level} requires") if requires else None,
    )


def parse_catalogue(doc: dict[str, Any]) -> SchemeCatalogue:
    """The typed catalogue of a parsed ``scheme.yaml`` (ConfigError with a Chinese message when malformed)."""
    try:
        model = doc["channel_model"]
        channels = tuple(ChannelSpec(str(c["key"]), str(c["name"]), float(c.get("bias", 0.0)), str(c["action"]))
                         for c in model["channels"])
        keys = {c.key for c in channels}
        features = tuple(_feature(f, keys) for f in model["features"])
        link = doc["linkage"]
        handling = doc["handling"]
        return SchemeCatalogue(
            clause=str(model["clause"]), ask=_compile(str(doc["ask"]), "ask"), channels=channels, features=features,
            research={str(k): str(v) for k, v in doc["research"].items()},
            sqmy={str(k): str(v) for k, v in doc["sqmy"].items()},
            linkage_clause=str(link["clause"]), levels=tuple(_level(x) for x in link["levels"]),
            grades={str(k): str(v) for k, v in doc["grading"]["grades"].items()},
            refer_default=str(doc["grading"]["refer_default"]), handling_days=int(handling["default_days"]),
            handling_levels={str(k): str(v) for k, v in handling["levels"].items()},
            handling_results={str(k): str(v) for k, v in handling["results"].items()},
            selection=dict(doc["selection"]),
            keywords_exclude=frozenset(str(w) for w in (doc.get("digest") or {}).get("keywords_exclude") or ()),
            greetings=tuple(_compile(str((doc.get("digest") or {})[k]), f"digest {k}")
                            for k in ("greeting", "hello") if (doc.get("digest") or {}).get(k)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError("scheme.yaml 缺少必填字段或格式不对，请检查。", repr(exc)) from exc


@lru_cache(maxsize=8)
def load_scheme_catalogue(directory: Path = DEFAULT_DIR) -> SchemeCatalogue:
    """The catalogue in ``<directory>/scheme.yaml`` (cached per folder)."""
    path = Path(directory) / SCHEME_FILE
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"无法读取流程目录文件 {SCHEME_FILE}。", f"{path}: {exc}") from exc
    if not isinstance(doc, dict):
        raise ConfigError(f"流程目录文件 {SCHEME_FILE} 格式不对。", "not a mapping")
    return parse_catalogue(doc)
