"""Loads the drafting catalogue (``drafting.yaml`` in the catalogues folder) and the phrase table, once.

The folder is the one the settings name (``BAIXING_PATHS__CATALOGUES``, default ``<corpus_dir>/catalogues``); the
composition root passes it explicitly, and components built without one read the same settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from assistant.settings import load_settings

DRAFTING_FILE = "drafting.yaml"
PHRASES_FILE = "phrases.yaml"


@lru_cache(maxsize=1)
def catalogues_dir() -> Path:
    """The catalogues folder of the settings in force."""
    return load_settings().catalogues_dir


def catalogue_file(name: str) -> Path:
    """A file of the catalogues folder."""
    return catalogues_dir() / name


@dataclass(frozen=True)
class Actor:
    """A unit that should act on suggestions whose idea contains one of ``keywords``."""

    unit: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Frame:
    """A rewrite rule: ``pattern`` (regular expression) matched → ``template`` filled (engine.py)."""

    pattern: re.Pattern[str]
    template: str
    key: str = ""


@dataclass(frozen=True)
class Remedy:
    """A well-known measure for a described problem (``pattern`` found → ``measure``; ``title`` for the topic)."""

    pattern: re.Pattern[str]
    key: str
    measure: str
    title: str
    always: bool = False


@dataclass(frozen=True)
class DraftingCatalogue:
    """Cue lexicons, gap questions, actors and text templates of the offline engine."""

    cues: dict[str, tuple[str, ...]]
    element_patterns: dict[str, tuple[re.Pattern[str], ...]]
    element_questions: dict[str, str]
    question_order: tuple[str, ...]
    max_questions: int
    actors: tuple[Actor, ...]
    default_actor: str
    actor_patterns: tuple[re.Pattern[str], ...]
    vague_words: tuple[str, ...]
    concrete_patterns: tuple[re.Pattern[str], ...]
    topic_stopwords: frozenset[str]
    topic_verbs: tuple[str, ...]
    default_topic_verb: str
    fallback_topic: str
    templates: dict[str, str]
    request_lead: re.Pattern[str] = re.compile(r"(?!)")
    request_trail: re.Pattern[str] = re.compile(r"(?!)")
    request_disposal: re.Pattern[str] = re.compile(r"(?!)")
    request_frames: tuple[Frame, ...] = ()
    remedies: tuple[Remedy, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict)

    def template(self, template_name: str, /, **values: Any) -> str:
        """A filled text template."""
        return self.templates[template_name].format(**values)

    def actor_for(self, text: str) -> str:
        """The unit whose keywords occur most often in ``text`` (ties: catalogue order), else the default."""
        best, best_hits = self.default_actor, 0
        for actor in self.actors:
            hits = sum(text.count(k) for k in actor.keywords)
            if hits > best_hits:
                best, best_hits = actor.unit, hits
        return best

    def names_actor(self, sentence: str) -> bool:
        """Whether a suggestion already says who should act."""
        return any(p.search(sentence) for p in self.actor_patterns)


def load_catalogue(path: Path | None = None) -> DraftingCatalogue:
    """The drafting catalogue (default: ``drafting.yaml`` of the catalogues folder)."""
    return _load_catalogue(path or catalogue_file(DRAFTING_FILE))


@lru_cache(maxsize=4)
def _load_catalogue(path: Path) -> DraftingCatalogue:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    elements = raw["elements"]
    return DraftingCatalogue(
        cues={k: tuple(v) for k, v in raw["cues"].items()},
        element_patterns={k: tuple(re.compile(p) for p in v["patterns"]) for k, v in elements.items()},
        element_questions={k: v["question"] for k, v in elements.items()},
        question_order=tuple(raw["question_order"]),
        max_questions=int(raw["max_questions"]),
        actors=tuple(Actor(a["unit"], tuple(a["keywords"])) for a in raw["actors"]),
        default_actor=raw["default_actor"],
        actor_patterns=tuple(re.compile(p) for p in raw["actor_patterns"]),
        vague_words=tuple(raw["vague_words"]),
        concrete_patterns=tuple(re.compile(p) for p in raw["concrete_patterns"]),
        topic_stopwords=frozenset(raw["topic_stopwords"]),
        topic_verbs=tuple(raw["topic_verbs"]),
        default_topic_verb=raw["default_topic_verb"],
        fallback_topic=raw["fallback_topic"],
        templates=dict(raw["templates"]),
        request_lead=re.compile(raw["requests"]["lead"]),
        request_trail=re.compile(raw["requests"]["trail"]),
        request_disposal=re.compile(raw["requests"]["disposal"]),
        request_frames=_frames(raw["requests"]["frames"]),
        remedies=tuple(Remedy(re.compile(r["pattern"]), r["key"], r["measure"], r["title"], bool(r.get("always")))
                       for r in raw["remedies"]),
        raw=raw,
    )


def _frames(raw: list[dict[str, str]]) -> tuple[Frame, ...]:
    return tuple(Frame(re.compile(f["pattern"]), f["template"], f.get("key", "")) for f in raw)


def load_phrases(path: Path | None = None) -> dict[str, str]:
    """The colloquial → formal phrase table (phrase → replacement, possibly empty)."""
    return _load_phrases(path or catalogue_file(PHRASES_FILE))


@lru_cache(maxsize=4)
def _load_phrases(path: Path) -> dict[str, str]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {str(k): "" if v is None else str(v) for k, v in raw["phrases"].items()}
