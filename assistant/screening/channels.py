"""The redirect-channel catalogue (``corpus/catalogues/channels.yaml``): texts, channels and routing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import ConfigError
from assistant.screening.models import EXCLUSION_CATEGORIES, Redirect

CHANNELS_FILE = "channels.yaml"


@dataclass(frozen=True)
class RoutingRule:
    """Send a category to ``channel`` when any keyword occurs in the text."""

    channel: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class ChannelCatalogue:
    """Scheme clause, reasons per category, channels and the category → channel routing."""

    clause: str
    in_scope_reason: str
    mixed_warning: str
    low_confidence_note: str
    reasons: dict[str, str]
    channels: dict[str, Redirect]
    defaults: dict[str, str]
    rules: dict[str, tuple[RoutingRule, ...]]

    def route(self, category: str, text: str) -> Redirect:
        """The channel for ``category``: the first rule whose keyword occurs in ``text``, else the default."""
        for rule in self.rules.get(category, ()):
            if any(k in text for k in rule.keywords):
                return self.channels[rule.channel]
        return self.channels[self.defaults[category]]

    def by_name(self, name: str) -> Redirect | None:
        """The channel whose display name is ``name`` (for the LLM's choice)."""
        return next((c for c in self.channels.values() if c.channel == name), None)

    def names(self) -> list[str]:
        """Display names of all channels, catalogue order."""
        return [c.channel for c in self.channels.values()]

    def prompt_lines(self) -> list[str]:
        """``name：purpose`` lines for the LLM prompt."""
        return [f"{c.channel}：{c.purpose}" for c in self.channels.values()]


def _fail(path: Path, problem: str) -> ConfigError:
    return ConfigError("范围筛查的渠道目录文件有误，请联系管理员。", f"{path}: {problem}")


def load_channels(path: Path) -> ChannelCatalogue:
    """Read and check the catalogue (every category has a reason and a default channel that exists)."""
    try:
        raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise _fail(path, str(exc)) from exc
    try:
        channels = {str(k): Redirect(channel=v["name"], purpose=v["purpose"], how=v["how"])
                    for k, v in raw["channels"].items()}
        reasons = {k: str(v["reason"]).strip() for k, v in raw["categories"].items()}
        defaults = {k: str(v["default"]) for k, v in raw["routing"].items()}
        rules = {
            k: tuple(RoutingRule(str(r["channel"]), tuple(map(str, r["keywords"]))) for r in v.get("rules", []))
            for k, v in raw["routing"].items()
        }
        catalogue = ChannelCatalogue(
            clause=str(raw["clause"]).strip(),
            in_scope_reason=str(raw["in_scope_reason"]).strip(),
            mixed_warning=str(raw["mixed_warning"]).strip(),
            low_confidence_note=str(raw["low_confidence_note"]).strip(),
            reasons=reasons,
            channels=channels,
            defaults=defaults,
            rules=rules,
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise _fail(path, f"missing or malformed entry {exc}") from exc
    for category in EXCLUSION_CATEGORIES:
        if category not in reasons or category not in defaults:
            raise _fail(path, f"category {category} lacks a reason or a default channel")
    used = set(defaults.values()) | {r.channel for rs in rules.values() for r in rs}
    if used - channels.keys():
        raise _fail(path, f"routing names unknown channels {sorted(used - channels.keys())}")
    return catalogue
