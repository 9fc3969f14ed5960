"""The offline screener: cues + the two-stage classifier + rules → a :class:`ScreeningVerdict`.

Rules on top of the classifier (parameters chosen on the dev split, stored with the model):

1. Out of scope when P(out) ≥ threshold.
2. Mixed texts (a personal story or dispute plus a general suggestion, see :func:`cues.general_suggestions`)
   that the classifier keeps in scope get a warning and a reframing hint. Optionally (``mixed_override``) a
   general suggestion also keeps a text in scope against the classifier while P(out) < ``mixed_max_p`` and no
   decisive legal cue is present; the shipped model has this off because it lowered dev recall.
3. Category: argmax of log P(category) + cue_weight × cue score; a decisive cue (explicit 行政诉讼 or 行政复议
   wording, a court case number) fixes the category.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import InputError
from assistant.screening import cues as cue_lib
from assistant.screening.channels import CHANNELS_FILE, ChannelCatalogue, load_channels
from assistant.screening.classifier import Decision, Prediction, ScreeningModel
from assistant.screening.cues import Cue
from assistant.screening.models import ScreeningVerdict
from assistant.screening.reframe import REFRAME_FILE, Reframer
from assistant.textinput import require_substance

MAX_SCREEN_CHARS = 4000
"""Longer texts are screened on their first 4,000 characters."""
MIXED_CONFIDENCE = 0.6
"""Confidence reported for a mixed text kept in scope against the classifier's lean."""
WARN_P_OUT = 0.2
"""An in-scope text with a general suggestion gets the mixed warning when P(out) is at least this, or when a
first-person story, a personal stake or a category cue appears outside the suggestion sentences."""
MAX_EVIDENCE = 6
_NARRATIVE = re.compile(r"[我俺咱](?!们?(?:建议|觉得|认为|希望|想建议|提议))|本人")
"""First-person narrative (not "我建议/我觉得"): outside a suggestion sentence it marks a personal story."""
_STAKE_KINDS = ("first_person", "collective_stake", "counterparty", "amount", "intervention", "case_number")


@dataclass(frozen=True)
class Analysis:
    """Everything the engine computed for one text (for the verdict, training and debugging)."""

    text: str
    cues: tuple[Cue, ...]
    general: tuple[str, ...]
    prediction: Prediction
    decisive: str | None


class OfflineScreener:
    """Deterministic, fast screening without any LLM."""

    def __init__(
        self,
        model: ScreeningModel,
        catalogue: ChannelCatalogue,
        reframer: Reframer,
        params: Decision | None = None,
    ) -> None:
        self.model = model
        self.catalogue = catalogue
        self.reframer = reframer
        self.params = params or model.decision

    @classmethod
    def load(cls, model_path: Path, catalogues_dir: Path) -> OfflineScreener:
        """The screener over a trained model file and the catalogues folder (channels.yaml, reframe.yaml)."""
        return cls(ScreeningModel.load(model_path), load_channels(catalogues_dir / CHANNELS_FILE),
                   Reframer.load(catalogues_dir / REFRAME_FILE))

    # analysis --------------------------------------------------------------------------------------
    def analyse(self, text: str) -> Analysis:
        """Cues, general-suggestion sentences and the classifier's probabilities."""
        text = text.strip()[:MAX_SCREEN_CHARS]
        cues = tuple(cue_lib.extract(text))
        general = tuple(cue_lib.general_suggestions(text))
        prediction = self.model.predict(text, cues, bool(general))
        return Analysis(text, cues, general, prediction, cue_lib.decisive_category(cues))

    def decide(self, analysis: Analysis) -> tuple[bool, str | None, float, bool]:
        """(in_scope, category, confidence, mixed) under the current parameters."""
        p = self.params
        p_out = analysis.prediction.p_out
        if p_out < p.threshold:
            return True, None, 1.0 - p_out, bool(analysis.general) and self._grievance(analysis)
        if p.mixed_override and analysis.general and analysis.decisive is None and p_out < p.mixed_max_p:
            return True, None, MIXED_CONFIDENCE, True
        category = analysis.decisive or self._category(analysis)
        return False, category, p_out, False

    @staticmethod
    def _grievance(analysis: Analysis) -> bool:
        """A personal stake or a specific dispute is visible outside the general-suggestion sentences."""
        if analysis.prediction.p_out >= WARN_P_OUT:
            return True
        spans = []
        for sentence in analysis.general:
            start = analysis.text.find(sentence)
            if start >= 0:
                spans.append((start, start + len(sentence)))
        outside = [
            (start, start + len(m.group(0)))
            for m in _NARRATIVE.finditer(analysis.text)
            for start in (m.start(),)
        ] + [(c.start, c.end) for c in analysis.cues if c.kind in _STAKE_KINDS or c.category is not None]
        return any(not any(a <= start < b for a, b in spans) for start, _ in outside)

    def _category(self, analysis: Analysis) -> str:
        scores = cue_lib.category_scores(analysis.cues)
        weight = self.params.cue_weight
        best, best_score = "", -math.inf
        for category, prob in analysis.prediction.categories.items():
            score = math.log(max(prob, 1e-9)) + weight * min(scores.get(category, 0.0), 4.0)
            if score > best_score:
                best, best_score = category, score
        return best

    # verdict ---------------------------------------------------------------------------------------
    def screen(self, text: str) -> ScreeningVerdict:
        """The verdict for one text."""
        if not text or not text.strip():
            raise InputError("请先输入要筛查的内容。", "empty text")
        require_substance(text)
        analysis = self.analyse(text)
        in_scope, category, confidence, mixed = self.decide(analysis)
        catalogue = self.catalogue
        if in_scope:
            return ScreeningVerdict(
                in_scope=True,
                confidence=round(confidence, 4),
                reason=catalogue.in_scope_reason,
                clause=catalogue.clause,
                evidence=self._evidence(analysis, None),
                reframe=self.reframer.hint(analysis.text) if mixed else None,
                warning=catalogue.mixed_warning if mixed else None,
            )
        assert category is not None
        return ScreeningVerdict(
            in_scope=False,
            category=category,  # type: ignore[arg-type]
            confidence=round(confidence, 4),
            category_confidence=round(analysis.prediction.categories.get(category, 0.0), 4),
            reason=catalogue.reasons[category],
            clause=catalogue.clause,
            evidence=self._evidence(analysis, category),
            redirect=catalogue.route(category, analysis.text),
            reframe=self.reframer.hint(analysis.text),
        )

    def screen_many(self, texts: Iterable[str]) -> list[ScreeningVerdict]:
        """Verdicts for many texts (same engine, no shared state)."""
        return [self.screen(t) for t in texts]

    def _evidence(self, analysis: Analysis, category: str | None) -> list[str]:
        if category is None:
            picked = [cue_lib.phrase(analysis.text, c) for c in analysis.cues if c.kind == "suggestion"]
            picked += [s[:40] for s in analysis.general]
        else:
            picked = [
                cue_lib.phrase(analysis.text, c)
                for c in analysis.cues
                if c.category == category or c.kind in _STAKE_KINDS
            ]
        unique: list[str] = []
        for phrase in picked:
            if phrase and not any(phrase in u or u in phrase for u in unique):
                unique.append(phrase)
        return unique[:MAX_EVIDENCE]
