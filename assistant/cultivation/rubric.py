"""Quality rubric (seeds 003/004: 选题聚焦、情况准确、分析深入、建议具体可行、格式规范), deterministic offline."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from assistant.cultivation.catalogue import DraftingCatalogue, load_catalogue
from assistant.cultivation.models import DraftProposal
from assistant.cultivation.validator import title_topic, validate

DIMENSIONS = {
    "focus": "选题聚焦",
    "accuracy": "情况准确",
    "depth": "分析深入",
    "specificity": "建议具体可行",
    "format": "格式规范",
}
_PLACEHOLDER = "有待进一步调研核实"


class DimensionScore(BaseModel):
    """One rubric dimension: 1 (poor) – 5 (good), with the reason."""

    key: str
    name: str
    score: int = Field(ge=1, le=5)
    reason: str


class QualityReport(BaseModel):
    """Five dimension scores and their total (5–25)."""

    dimensions: list[DimensionScore]
    total: int

    def score(self, key: str) -> int:
        """The score of one dimension."""
        return next(d.score for d in self.dimensions if d.key == key)

    def grade(self) -> str:
        """优 / 良 / 中 / 差 by total."""
        return "优" if self.total >= 21 else "良" if self.total >= 17 else "中" if self.total >= 12 else "差"


def _clamp(value: float) -> int:
    return max(1, min(5, round(value)))


def _bigrams(text: str) -> set[str]:
    runs = re.findall(r"[\u4e00-\u9fff]+", text)
    return {r[i : i + 2] for r in runs for i in range(len(r) - 1)}


class QualityRubric:
    """Scores a draft on the five dimensions the seeds name for a good proposal."""

    def __init__(self, catalogue: DraftingCatalogue | None = None) -> None:
        self.catalogue = catalogue or load_catalogue()

    def topic_coverage(self, draft: DraftProposal) -> float:
        """Share of points that talk about the title's topic: they share a character bigram with it, two for
        longer topics (老旧小区加装电梯), so one common word (老旧) does not make a point on topic."""
        topic = title_topic(draft.title) or draft.title
        for verb in sorted(self.catalogue.topic_verbs, key=len, reverse=True):
            if topic.startswith(verb):
                topic = topic[len(verb) :]
                break
        grams = _bigrams(topic)
        points = [p for p in draft.analysis + draft.suggestions if p.strip()]
        if not grams or not points:
            return 0.0
        need = 2 if len(grams) >= 4 else 1
        return sum(1 for p in points if len(_bigrams(p) & grams) >= need) / len(points)

    def score(self, draft: DraftProposal) -> QualityReport:
        """The five scores and the total."""
        c = self.catalogue
        violations = validate(draft)
        hard = [v for v in violations if v.hard]
        soft = [v for v in violations if not v.hard and v.code != "proposer_missing"]
        unique = list(dict.fromkeys(p.strip() for p in draft.analysis if p.strip()))  # repeats add nothing
        analysis = "".join(unique)
        suggestions = [s for s in draft.suggestions if s.strip()]
        dims: list[DimensionScore] = []

        coverage = self.topic_coverage(draft)
        title_ok = not any(v.field == "title" for v in hard)
        focus = 1 + 4 * coverage - (2 if not title_ok else 0)
        reason = f"标题{'规范' if title_ok else '不规范'}；{coverage:.0%} 的条目围绕标题议题展开。"
        dims.append(DimensionScore(key="focus", name=DIMENSIONS["focus"], score=_clamp(focus), reason=reason))

        on_topic = coverage >= 0.5
        found = [e for e in ("problem", "affected", "evidence")
                 if all(p.search(analysis) for p in c.element_patterns[e])]
        placeholder = _PLACEHOLDER in analysis or not analysis.strip()
        accuracy = 1.5 + len(found) + (0.5 if len(analysis) >= 80 else 0) - (2 if placeholder else 0)
        if not on_topic:
            accuracy = min(accuracy, 2)
        labels = {"problem": "问题与地点", "affected": "受影响人群", "evidence": "数据或事例"}
        reason = "情况分析缺少具体的地点、人群和数据"
        if found:
            reason = "情况分析写明了" + "、".join(labels[e] for e in found)
        reason += ("；与标题议题不符" if not on_topic else "") + "。"
        dims.append(
            DimensionScore(key="accuracy", name=DIMENSIONS["accuracy"], score=_clamp(accuracy), reason=reason)
        )

        has_cause = any(w in analysis for w in c.cues["cause"]) or "成因" in analysis
        has_impact = any(w in analysis for w in c.cues["impact"])
        cites = "《" in analysis or bool(draft.sources)
        depth = 1 + has_cause + has_impact + (len(unique) >= 3) + cites
        if not on_topic:
            depth = min(depth, 2)
        parts = [n for n, ok in (("成因", has_cause), ("影响", has_impact), ("政策或往期依据", cites)) if ok]
        dims.append(DimensionScore(key="depth", name=DIMENSIONS["depth"], score=_clamp(depth),
                                   reason=("分析涉及" + "、".join(parts) if parts else "分析停留在现象描述") + "。"))

        if suggestions:
            per = []
            for s in suggestions:
                actor = c.names_actor(s)
                concrete = sum(1 for p in c.concrete_patterns if p.search(s))
                vague = sum(s.count(w) for w in c.vague_words)
                per.append(0.35 * actor + min(concrete, 2) * 0.25 + (0.15 if vague <= concrete + 1 else 0.0))
            spec = 1 + 4 * (sum(per) / len(per)) * (1 if len(suggestions) >= 2 else 0.8)
            reason = f"{len(suggestions)} 条建议，{sum(c.names_actor(s) for s in suggestions)} 条写明由谁来做。"
        else:
            spec, reason = 1, "没有具体建议。"
        dims.append(
            DimensionScore(key="specificity", name=DIMENSIONS["specificity"], score=_clamp(spec), reason=reason)
        )

        fmt = 5 - 2 * len(hard) - 0.5 * len(soft)
        dims.append(DimensionScore(key="format", name=DIMENSIONS["format"], score=_clamp(fmt),
                                   reason="；".join(v.message for v in hard + soft) or "符合附件1 标准格式。"))
        return QualityReport(dimensions=dims, total=sum(d.score for d in dims))
