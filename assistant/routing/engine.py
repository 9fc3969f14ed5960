"""The offline router: domain, top-3 handling units with reasons, committee, channel, abstain.

Unit score = weighted sum of (1) function matching — TF-IDF cosine of the idea against the unit's functions and
keywords, plus keyword hits; (2) domain prior — the probability of the best domain the unit serves; (3) votes —
similarity-weighted share of similar past items whose reply names the unit. Weights and the abstain threshold
are chosen on the dev routing set by ``tools/calibrate_routing.py`` and stored in ``models/router.json``.
The channel (深化培育 / 直通车 / 社情民意) and the 上下联动 flag come from the scheme advisor
(:mod:`assistant.scheme.channels`, :mod:`assistant.scheme.linkage`), which reads the whole text and the screening
verdict when there is one.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.routing.catalogue import Catalogue
from assistant.routing.domain import DomainModel, DomainPrediction
from assistant.routing.features import normalize
from assistant.routing.items import ItemIndex, SimilarItem, SimilarItems, load_items
from assistant.routing.models import Role as UnitRole
from assistant.routing.models import RoutingDecision, UnitSuggestion
from assistant.scheme.advisor import SchemeAdvisor

if TYPE_CHECKING:
    from assistant.screening.models import ScreeningVerdict

CONFIG_FILE = "router.json"
DOMAIN_MODEL_FILE = "domain_model.npz"
ROUTE_CHARS = 250
"""Only the beginning of a long text is scored: the topic is stated early (domain accuracy on 1,500 labelled
messages is flat from 120 to 1,000 characters) and it keeps batch routing fast."""


@dataclass(frozen=True)
class RouterConfig:
    """Scoring weights and decision thresholds (chosen on the dev routing set, never on test)."""

    w_function: float = 1.0
    w_keywords: float = 0.5
    w_domain: float = 0.5
    w_votes: float = 0.5
    k_items: int = 8
    abstain_below: float = 0.0
    """Abstain when the top unit's margin over the second is below this."""
    min_score: float = 0.0
    """Abstain when the top unit's score is below this."""
    co_ratio: float = 0.7
    """Other units are 协办; those below co_ratio × the top score are flagged as weak in their reason."""
    level2_min: float = 0.6
    """Second level only when the domain probability is at least this."""

    @classmethod
    def load(cls, path: Path) -> RouterConfig:
        """Read ``router.json`` (defaults when absent)."""
        if not path.is_file():
            return cls()
        return cls(**json.loads(path.read_text(encoding="utf-8"))["config"])


@dataclass
class UnitScores:
    """Per-unit score components for one idea (arrays over the catalogue units)."""

    function: np.ndarray
    keywords: np.ndarray
    domain: np.ndarray
    votes: np.ndarray
    keyword_hits: list[list[str]]
    similar: list[SimilarItem] = field(default_factory=list)

    def total(self, cfg: RouterConfig) -> np.ndarray:
        """Weighted sum, scaled to [0, 1] by the sum of weights."""
        weights = cfg.w_function + cfg.w_keywords + cfg.w_domain + cfg.w_votes
        raw = (cfg.w_function * self.function + cfg.w_keywords * self.keywords + cfg.w_domain * self.domain
               + cfg.w_votes * self.votes)
        return raw / max(weights, 1e-9)


class OfflineRouter:
    """Routes ideas with the shipped domain model, the unit catalogue and similar past items."""

    def __init__(
        self,
        domain_model: DomainModel,
        catalogue: Catalogue,
        vectorizer: Any,
        items: SimilarItems | None,
        config: RouterConfig | None = None,
        taxonomy: list[tuple[str, str, str]] | None = None,
        advisor: SchemeAdvisor | None = None,
    ) -> None:
        self.domain_model = domain_model
        self.catalogue = catalogue
        self.vectorizer = vectorizer
        self.items = items
        self.config = config or RouterConfig()
        self.taxonomy = taxonomy or []
        self.advisor = advisor or SchemeAdvisor.load()
        self._profiles = vectorizer.transform([normalize(u.profile()) for u in catalogue.units]).tocsr()
        self._keywords = [[normalize(k) for k in u.keywords] for u in catalogue.units]
        self._unit_domains = [set(u.domains) for u in catalogue.units]

    @classmethod
    def load(cls, catalogue: Catalogue, *, models_dir: Path, items_path: Path | None, taxonomy_path: Path,
             cache_dir: Path | None = None, catalogues_dir: Path | None = None) -> OfflineRouter:
        """The router over the trained model in ``models_dir``, a catalogue and the past items (None: no votes).

        ``cache_dir`` keeps the fitted item index between runs (see :mod:`assistant.routing.index_cache`);
        ``catalogues_dir`` holds ``scheme.yaml`` (default: the shipped catalogues).
        """
        from assistant.routing.index_cache import fitted_items

        vectorizer, index = fitted_items(load_items(items_path) if items_path else [], catalogue, items_path, cache_dir)
        return cls(DomainModel.load(models_dir / DOMAIN_MODEL_FILE), catalogue, vectorizer, index,
                   RouterConfig.load(models_dir / CONFIG_FILE), load_taxonomy(taxonomy_path),
                   SchemeAdvisor.load(catalogues_dir))

    def with_catalogue(self, catalogue: Catalogue) -> OfflineRouter:
        """The same router over an edited catalogue (the fitted vectorizer and item index are reused)."""
        items = self.items.relabel(catalogue) if isinstance(self.items, ItemIndex) else self.items
        return OfflineRouter(self.domain_model, catalogue, self.vectorizer, items, self.config, self.taxonomy,
                             self.advisor)

    # scoring ----------------------------------------------------------------------------------------
    def unit_scores(self, text: str, domain: DomainPrediction) -> UnitScores:
        """Score components of every catalogue unit for one idea."""
        norm = normalize(text)
        query = self.vectorizer.transform([norm])
        cos = (self._profiles @ query.T).toarray().ravel()
        function = cos / cos.max() if cos.max() > 0 else cos
        hits = [[k for k in kws if k and k in norm] for kws in self._keywords]
        keywords = np.asarray([min(1.0, sum(min(len(k), 4) for k in h) / 6.0) for h in hits])
        probs = dict(domain.ranked)
        dom = np.asarray([max((probs.get(d, 0.0) for d in ds), default=0.0) for ds in self._unit_domains])
        votes = np.zeros(len(self.catalogue.units))
        similar: list[SimilarItem] = []
        if self.items is not None and self.config.k_items > 0:
            similar = self.items.similar(text, self.config.k_items, query)
            total = sum(s.similarity for s in similar)
            for s in similar:
                for u in s.units:
                    votes[u] += s.similarity / len(s.units)
            if total > 0:
                votes /= total
        return UnitScores(function, keywords, dom, votes, hits, similar)

    def route(self, text: str, verdict: ScreeningVerdict | None = None) -> RoutingDecision:
        """The offline routing decision for one (already cleaned) idea; ``verdict`` (the screening of the same
        text, when known) informs the channel."""
        cfg = self.config
        full = text
        text = text[:ROUTE_CHARS]
        domain = self.domain_model.predict(text)
        parts = self.unit_scores(text, domain)
        total = parts.total(cfg)
        order = [int(i) for i in np.argsort(-total)[:3]]
        top = float(total[order[0]])
        units = []
        for rank, i in enumerate(order):
            role: UnitRole = "主办" if rank == 0 else "协办"
            supporting = [s for s in parts.similar if i in s.units]
            reason = self._unit_reason(i, parts, supporting, domain.label)
            if rank and total[i] < cfg.co_ratio * top:
                reason += self.catalogue.templates["weak_co_unit"]
            units.append(UnitSuggestion(
                name=self.catalogue.units[i].name, role=role, score=float(min(1.0, max(0.0, total[i]))),
                reason=reason,
                similar_items=[s.item_id for s in supporting[:3]],
            ))
        margin = top - float(total[order[1]])
        abstain = margin < cfg.abstain_below or top < cfg.min_score
        committee, committee_reason = self.committee(text, domain)
        channel, link = self.advisor.advise(full, verdict=verdict, domain=domain.label)
        t = self.catalogue.templates
        return RoutingDecision(
            domain=domain.label,
            domain_confidence=round(domain.probability, 4),
            level2=domain.level2 or self.level2(text, domain),
            units=units,
            committee=committee,
            committee_reason=committee_reason,
            channel=channel.channel,
            channel_reason=channel.reason,
            abstain=abstain,
            abstain_reason=t["abstain_reason"].format(score=top, threshold=cfg.min_score) if abstain else None,
            linkage=link.level,
            linkage_reason=link.reason,
        )

    def _unit_reason(self, i: int, parts: UnitScores, supporting: list[SimilarItem], domain: str) -> str:
        unit = self.catalogue.units[i]
        t = self.catalogue.templates
        first = unit.functions.split("。")[0] + "。"
        evidence = ""
        if parts.keyword_hits[i]:
            evidence += t["unit_keywords"].format(keywords="、".join(parts.keyword_hits[i][:4]))
        if supporting:
            cited = "、".join(f"《{s.title[:24]}》（{s.item_id}）" for s in supporting[:2])
            evidence += t["unit_votes"].format(items=cited)
        if domain in unit.domains:
            evidence += t["unit_domain"].format(domain=domain)
        return t["unit_reason"].format(short=unit.short, function=first, evidence=evidence)

    def committee(self, text: str, domain: DomainPrediction) -> tuple[str, str]:
        """The counterpart special committee and why."""
        norm = normalize(text)
        probs = dict(domain.ranked)
        best, best_score = None, 0.0
        for c in self.catalogue.committees:
            score = max((probs.get(d, 0.0) for d in c.domains), default=0.0)
            score += 0.35 * sum(1 for k in c.keywords if k in norm)
            if score > best_score:
                best, best_score = c, score
        if best is None:
            best = next(c for c in self.catalogue.committees if c.name == self.catalogue.default_committee)
        return best.name, self.catalogue.templates["committee_reason"].format(areas=best.areas)

    def level2(self, text: str, domain: DomainPrediction) -> str | None:
        """Second-level class when the domain is confident and a level-2/3 label occurs in the text."""
        if domain.probability < self.config.level2_min:
            return None
        norm = normalize(text)
        found: dict[str, int] = {}
        for level1, level2, level3 in self.taxonomy:
            if level1 != domain.label or level2 == "其他":
                continue
            for label in (level2, level3):
                if label and len(label) >= 2 and label in norm:
                    found[level2] = found.get(level2, 0) + len(label)
        return max(found, key=found.__getitem__) if found else None


def load_taxonomy(path: Path) -> list[tuple[str, str, str]]:
    """(level1, level2, level3) rows of the taxonomy file."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    return [(r["level1"], r["level2"], r["level3"]) for r in rows]
