"""The three channels (四(三)): 深化培育, 重要协商成果“直通车”, 摘编社情民意信息 — a small linear model over cues.

Every feature (cue words in the text, the screening verdict, the routing domain, the 上下联动 flag, the draft's
completeness) has a value in [0, 1] and a weight per channel (``corpus/catalogues/scheme.yaml``); a channel's score
is its bias plus the weighted features, the probabilities are the softmax of the scores, and the reason names the
features that separate the chosen channel from the runner-up. Offline, deterministic and explainable.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from assistant.scheme.catalogue import ChannelSpec, FeatureSpec, SchemeCatalogue
from assistant.scheme.linkage import LinkageFlag

if TYPE_CHECKING:
    from assistant.cultivation.models import DraftProposal
    from assistant.screening.models import ScreeningVerdict

MAX_CHARS = 3000
MAX_REASONS = 3
MAX_QUOTES = 3
_FIGURE = re.compile(
    r"\d+(?:\.\d+)?\s*(?:%|％|万|千|百|亿|元|块|米|公里|千米|平方米|㎡|户|人|名|个|辆|条|所|家|次|栋|层|吨)"
)
"""A figure with a unit (dates — 年, 月, 日 — are not evidence and do not count)."""
_SPLIT = re.compile(r"[。！？；;!?\n]+")


class TextParts:
    """The parts of a text cue features look at: all of it, the title (first line), the request sentences."""

    def __init__(self, text: str, ask: re.Pattern[str]) -> None:
        self.all = (text or "")[:MAX_CHARS]
        first, _, rest = self.all.partition("\n")
        self.title = first if rest and len(first) <= 60 else ""
        self.asks = "。".join(s for s in split_sentences(self.all) if ask.search(s))

    def get(self, where: str) -> str:
        """The text of one part (``all``, ``title`` or ``asks``)."""
        return {"title": self.title, "asks": self.asks}.get(where, self.all)


class DraftSignal(BaseModel):
    """How complete a standard-format draft is (the rubric total, 5–25)."""

    total: int = Field(ge=0, le=25)
    grade: str = ""


class FeatureHit(BaseModel):
    """One feature that fired, its value and what it adds to each channel."""

    key: str
    label: str
    value: float
    quotes: list[str] = Field(default_factory=list)
    contributions: dict[str, float] = Field(default_factory=dict)


class ChannelChoice(BaseModel):
    """The suggested channel (its official name), the probabilities and the explainable reason."""

    channel: str
    key: str
    reason: str
    probabilities: dict[str, float]
    features: list[FeatureHit] = Field(default_factory=list)
    applicable: bool = Field(default=True, description="False when screening found the text out of scope.")


def draft_signal(draft: DraftProposal | None) -> DraftSignal | None:
    """The rubric total of a draft (None without a draft or with an empty one)."""
    if draft is None or not (draft.analysis or draft.suggestions):
        return None
    from assistant.cultivation.rubric import QualityRubric

    report = QualityRubric().score(draft)
    return DraftSignal(total=report.total, grade=report.grade())


def _cue_hits(feature: FeatureSpec, text: str) -> list[str]:
    found: list[str] = []
    for pattern in feature.patterns:
        match = pattern.search(text)
        if match and match.group(0) not in found:
            found.append(match.group(0))
    return found


def _general_count(text: str) -> int:
    from assistant.screening.cues import general_suggestions

    return len(general_suggestions(text))


class ChannelModel:
    """Scores the three channels for one idea."""

    def __init__(self, catalogue: SchemeCatalogue) -> None:
        self.catalogue = catalogue

    @property
    def names(self) -> list[str]:
        """Official channel names, in catalogue order."""
        return [c.name for c in self.catalogue.channels]

    def _value(self, feature: FeatureSpec, parts: TextParts, verdict: ScreeningVerdict | None, domain: str | None,
               linkage: LinkageFlag | None, draft: DraftSignal | None, general: int) -> tuple[float, list[str]]:
        kind = feature.kind
        text = parts.all
        if kind == "cues":
            hits = _cue_hits(feature, parts.get(feature.where))
            return min(len(hits), feature.cap) / feature.cap, hits[:MAX_QUOTES]
        if kind == "scope":
            if verdict is None:
                return 0.0, []
            if feature.when == "out":
                return (1.0, [verdict.category]) if not verdict.in_scope and verdict.category else (0.0, [])
            return (1.0, []) if verdict.in_scope and verdict.warning else (0.0, [])
        if kind == "general":
            return min(general, feature.cap) / feature.cap, []
        if kind == "numbers":
            figures = list(dict.fromkeys(m.group(0) for m in _FIGURE.finditer(text)))
            return min(len(figures), feature.cap) / feature.cap, figures[:MAX_QUOTES]
        if kind == "length":
            size = len(text)
            if feature.minimum is not None and size >= feature.minimum:
                return 1.0, []
            if feature.maximum is not None and size < feature.maximum:
                return 1.0, []
            return 0.0, []
        if kind == "domain":
            return (1.0, [domain]) if domain and domain in feature.domains else (0.0, [])
        if kind == "linkage":
            return (1.0, linkage.evidence) if linkage and linkage.level in feature.levels else (0.0, [])
        if kind == "draft":
            if draft is None:
                return 0.0, []
            if feature.minimum is not None and draft.total >= feature.minimum:
                return 1.0, [f"{draft.total}/25"]
            if feature.maximum is not None and draft.total < feature.maximum:
                return 1.0, [f"{draft.total}/25"]
            return 0.0, []
        return 0.0, []

    def decide(
        self, text: str, *, verdict: ScreeningVerdict | None = None, domain: str | None = None,
        linkage: LinkageFlag | None = None, draft: DraftSignal | None = None,
    ) -> ChannelChoice:
        """The channel for one idea (and its draft, when there is one), with probabilities and reasons."""
        parts = TextParts(text, self.catalogue.ask)
        general = _general_count(parts.all) if any(f.kind == "general" for f in self.catalogue.features) else 0
        channels = self.catalogue.channels
        scores = {c.key: c.bias for c in channels}
        hits: list[FeatureHit] = []
        for feature in self.catalogue.features:
            value, quotes = self._value(feature, parts, verdict, domain, linkage, draft, general)
            if value <= 0:
                continue
            contributions = {c.key: round(value * feature.weights.get(c.key, 0.0), 4) for c in channels}
            for key, add in contributions.items():
                scores[key] += add
            hits.append(FeatureHit(key=feature.key, label=feature.label, value=round(value, 3),
                                   quotes=[q for q in quotes if q], contributions=contributions))
        probabilities = _softmax(scores)
        best = max(channels, key=lambda c: (scores[c.key], -channels.index(c)))
        runner = max((c for c in channels if c is not best), key=lambda c: scores[c.key])
        applicable = verdict is None or verdict.in_scope
        return ChannelChoice(
            channel=best.name, key=best.key, reason=self._reason(best, runner, hits, applicable, verdict),
            probabilities={c.name: round(probabilities[c.key], 3) for c in channels}, features=hits,
            applicable=applicable,
        )

    def _reason(self, best: ChannelSpec, runner: ChannelSpec, hits: Sequence[FeatureHit], applicable: bool,
                verdict: ScreeningVerdict | None) -> str:
        margin = sorted(hits, key=lambda h: -(h.contributions[best.key] - h.contributions[runner.key]))
        supporting = [h for h in margin if h.contributions[best.key] > 0] or margin
        grounds: list[str] = []
        for hit in supporting:
            if hit.contributions[best.key] - hit.contributions[runner.key] <= 0 or len(grounds) >= MAX_REASONS:
                break
            quoted = "、".join(f"“{q}”" for q in hit.quotes[:MAX_QUOTES])
            grounds.append(hit.label + (f"（{quoted}）" if quoted else ""))
        why = "；".join(grounds) if grounds else "没有明显的其他通道特征，按常规处理"
        text = f"{why}。{best.action}（依据：{self.catalogue.clause}）。"
        if not applicable and verdict is not None:
            text = (f"范围审查认为本条属于“{verdict.category}”，不属于“百姓提案”，分级时应转其他渠道；"
                    f"其中如有带普遍性的问题，可考虑：{text}")
        return text


def _softmax(scores: dict[str, float]) -> dict[str, float]:
    top = max(scores.values())
    exp = {k: math.exp(v - top) for k, v in scores.items()}
    total = sum(exp.values())
    return {k: v / total for k, v in exp.items()}


def split_sentences(text: str) -> list[str]:
    """Sentences of a text (for the 《社情民意》 digest)."""
    return [s.strip() for s in _SPLIT.split(text or "") if s.strip()]
