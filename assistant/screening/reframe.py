"""Reframing hints: turn a personal grievance that points at a general problem into a proposal angle.

Topics and wording live in ``corpus/catalogues/reframe.yaml``; this module only picks the topic.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant.errors import ConfigError

REFRAME_FILE = "reframe.yaml"


@dataclass(frozen=True)
class ReframeTopic:
    """One topic: its keywords, a proposal title and a hint of what the proposal should say."""

    title: str
    keywords: tuple[str, ...]
    hint: str


class Reframer:
    """Chooses the topic with the most keyword hits (ties: catalogue order) and fills the template."""

    def __init__(self, template: str, topics: list[ReframeTopic]) -> None:
        self.template = template
        self.topics = topics

    @classmethod
    def load(cls, path: Path) -> Reframer:
        """Read ``reframe.yaml``."""
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
            topics = [
                ReframeTopic(str(t["title"]), tuple(map(str, t["keywords"])), str(t["hint"]))
                for t in raw["topics"]
            ]
            template = str(raw["template"]).strip()
        except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
            raise ConfigError("范围筛查的改写提示目录文件有误，请联系管理员。", f"{path}: {exc}") from exc
        return cls(template, topics)

    def topic(self, text: str) -> ReframeTopic | None:
        """The best-matching topic, or None when no keyword occurs."""
        best, best_hits = None, 0
        for topic in self.topics:
            hits = sum(text.count(k) for k in topic.keywords)
            if hits > best_hits:
                best, best_hits = topic, hits
        return best

    def hint(self, text: str) -> str | None:
        """The filled hint for ``text``, or None when no topic matches."""
        topic = self.topic(text)
        if topic is None:
            return None
        return self.template.format(title=topic.title, hint=topic.hint)
