"""The offline router: domain, top-3 handling units with reasons, committee, channel, abstain.

Units first, by function. Each unit's score is a weighted sum of

1. **function** — bigram TF-IDF cosine of the idea with the unit's functions and keywords (divided by the best
   unit's cosine, or by ``FUNCTION_FLOOR`` when even the best match is weak), plus keyword hits; with the idea's
   e5 vector also the **meaning** of its functions: the e5 similarity of the idea with each unit's function text,
   as a z-score over the units (``z / 3`` clipped to [0, 1]);
2. **domain prior** — the probability of the best domain the unit serves;
3. **learned function** — the unit classifier fitted on which departments answered similar past messages
   (weak labels from the replies of the masked city, mapped to Guangzhou units of the same function);
4. **votes** — the share of *relevant* similar past items (retrieval's relevance floor) answered by the unit's
   counterpart; only when the idea has an e5 vector.

The **committee** is derived from the lead unit (each unit names its counterpart committees in the catalogue),
never guessed independently; so is the **domain** shown with a decision when the classifier's best class is not one
the lead unit serves (:meth:`OfflineRouter.domain_of`). Two weight sets are calibrated on the dev routing sets by
``tools/calibrate_routing.py`` (``models/router.json``): ``semantic`` for an idea routed with its e5 vector (the
review task, one idea at a time) and ``lexical`` for the batch path, which skips embeddings for speed.

The channel (深化培育 / 直通车 / 社情民意) and the 上下联动 flag come from the scheme advisor
(:mod:`assistant.scheme.channels`, :mod:`assistant.scheme.linkage`), which reads the whole text and the screening
verdict when there is one.
"""

from __future__ import annotations

import gzip
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.routing.catalogue import Catalogue
from assistant.routing.domain import DomainModel, DomainPrediction
from assistant.routing.features import CHAR_RANGE, TextFeatures, analyse, normalize
from assistant.routing.items import SimilarItem, SimilarItems, load_items
from assistant.routing.models import Role as UnitRole
from assistant.routing.models import RoutingDecision, UnitSuggestion
from assistant.routing.replies import DISTRICT_KINDS
from assistant.routing.semantic import semantic_text
from assistant.routing.units import UNIT_MODEL_FILE, UnitModel, vocab_digest
from assistant.scheme.advisor import SchemeAdvisor

if TYPE_CHECKING:
    from assistant.screening.models import ScreeningVerdict

log = logging.getLogger("assistant.routing")
CONFIG_FILE = "router.json"
PROFILE_VECTORS_FILE = "unit_profiles-e5.npz"
DOMAIN_MODEL_FILE = "domain_model.npz"
ROUTE_CHARS = 250
"""Only the beginning of a long text is scored: the topic is stated early (domain accuracy on 1,500 labelled
messages is flat from 120 to 1,000 characters) and it keeps batch routing fast."""
FUNCTION_FLOOR = 0.3
"""A bigram cosine below this never counts as a full function match (a weak best match is not a good one)."""
HISTORY_MIN = 0.5
"""A unit's reason mentions the past answers of its counterpart when the unit classifier gives it at least this."""
MEMO = 64
"""Analyses kept per router (the review task asks for the same idea's scores twice when a model is configured)."""


@dataclass(frozen=True)
class Weights:
    """Score weights and abstain thresholds of one routing form."""

    function: float = 1.0
    meaning: float = 0.0
    keywords: float = 0.25
    domain: float = 0.5
    units: float = 0.5
    votes: float = 0.5
    min_score: float = 0.0
    """Abstain when the top unit's score is below this."""
    abstain_below: float = 0.0
    """Abstain when the top unit's margin over the second is below this."""


@dataclass(frozen=True)
class RouterConfig:
    """Weights per form and shared settings (chosen on the dev routing sets, never on test)."""

    semantic: Weights = field(default_factory=Weights)
    """An idea routed with its e5 vector (votes of relevant past items, semantic heads)."""
    lexical: Weights = field(default_factory=lambda: Weights(votes=0.0))
    """An idea routed without a vector (the batch path)."""
    k_items: int = 8
    co_ratio: float = 0.7
    """Other units are 协办; those below co_ratio × the top score are flagged as weak in their reason."""
    level2_min: float = 0.6
    """Second level only when the domain probability is at least this."""
    embed: bool = True
    """Embed single ideas (False: every idea is routed the lexical way)."""

    def weights(self, semantic: bool) -> Weights:
        """The weights of the form in use."""
        return self.semantic if semantic else self.lexical

    @classmethod
    def load(cls, path: Path) -> RouterConfig:
        """Read ``router.json`` (defaults when absent)."""
        if not path.is_file():
            return cls()
        doc = json.loads(path.read_text(encoding="utf-8"))["config"]
        known = {f for f in cls.__dataclass_fields__ if f not in ("semantic", "lexical")}
        forms: dict[str, Any] = {k: Weights(**{n: v for n, v in doc[k].items() if n in Weights.__dataclass_fields__})
                                 for k in ("semantic", "lexical") if isinstance(doc.get(k), dict)}
        return cls(**forms, **{k: v for k, v in doc.items() if k in known})

    def dump(self) -> dict[str, Any]:
        """The JSON form written by the calibration tool."""
        return asdict(self)


@dataclass
class UnitScores:
    """Per-unit score components for one idea (arrays over the catalogue units)."""

    function: np.ndarray
    keywords: np.ndarray
    domain: np.ndarray
    units: np.ndarray
    votes: np.ndarray
    keyword_hits: list[list[str]]
    similar: list[SimilarItem] = field(default_factory=list)
    meaning: np.ndarray | None = None
    """e5 similarity with the units' function texts (None without the idea's vector)."""

    def total(self, w: Weights) -> np.ndarray:
        """Weighted sum, scaled to [0, 1] by the sum of weights."""
        meaning = self.meaning if self.meaning is not None else np.zeros_like(self.function)
        weights = w.function + w.meaning + w.keywords + w.domain + w.units + w.votes
        raw = (w.function * self.function + w.meaning * meaning + w.keywords * self.keywords
               + w.domain * self.domain + w.units * self.units + w.votes * self.votes)
        return raw / max(weights, 1e-9)


@dataclass
class Analysis:
    """Everything the router computed for one idea."""

    text: str
    domain: DomainPrediction
    parts: UnitScores
    semantic: bool
    """Whether the e5 vector was used (semantic heads and votes)."""

    def total(self, config: RouterConfig) -> np.ndarray:
        """Unit scores with the weights of this analysis's form."""
        return self.parts.total(config.weights(self.semantic))


class OfflineRouter:
    """Routes ideas with the shipped domain and unit models, the unit catalogue and relevant past items."""

    def __init__(
        self,
        domain_model: DomainModel,
        catalogue: Catalogue,
        vectorizer: Any,
        items: SimilarItems | None,
        config: RouterConfig | None = None,
        taxonomy: list[tuple[str, str, str]] | None = None,
        unit_model: UnitModel | None = None,
        embedder: Any = None,
        profile_vectors: Path | None = None,
        advisor: SchemeAdvisor | None = None,
    ) -> None:
        """``items``: the vote index, or None (no votes); ``embedder``: an e5 engine with
        ``embed_array(texts, query=True)`` (None: every idea is routed the lexical way); ``profile_vectors``: the
        shipped e5 vectors of the units' function texts (units not found there are embedded on first use)."""
        self.domain_model = domain_model
        self.catalogue = catalogue
        self.vectorizer = vectorizer
        self.items = items
        self.config = config or RouterConfig()
        self.taxonomy = taxonomy or []
        self.unit_model = unit_model
        self.embedder = embedder
        self.advisor = advisor or SchemeAdvisor.load()
        self._profiles = vectorizer.transform([normalize(u.profile()) for u in catalogue.units]).tocsr()
        self._profiles_t = self._profiles.T.tocsr()
        self._keywords = [[k for k in dict.fromkeys(normalize(k) for k in u.keywords) if k] for u in catalogue.units]
        every = {k for kws in self._keywords for k in kws}
        self._short_keywords = frozenset(k for k in every if len(k) <= CHAR_RANGE[1])
        self._long_keywords = tuple(k for k in every if len(k) > CHAR_RANGE[1])
        names = {c: i for i, c in enumerate(domain_model.classes)}
        self._unit_domains = np.zeros((len(catalogue.units), len(domain_model.classes)))
        for i, unit in enumerate(catalogue.units):
            for d in unit.domains:
                if d in names:
                    self._unit_domains[i, names[d]] = 1.0
        self._unit_rows = self._unit_model_rows()
        self.profile_vectors = profile_vectors
        self.profiles = UnitProfiles(catalogue, embedder, profile_vectors) if embedder is not None else None
        self._memo: OrderedDict[tuple[str, bool], Analysis] = OrderedDict()
        self._lock = threading.Lock()

    def _unit_model_rows(self) -> np.ndarray | None:
        """For each catalogue unit, its class index in the unit model (-1: unknown to the model)."""
        model = self.unit_model
        if model is None:
            return None
        if model.vocab_digest != vocab_digest(self.domain_model.vocab):
            log.warning("unit model was fitted on another domain vocabulary; not used")
            return None
        index = {c: i for i, c in enumerate(model.classes)}
        return np.asarray([index.get(u.name, -1) for u in self.catalogue.units])

    @classmethod
    def load(cls, catalogue: Catalogue, *, models_dir: Path, items_path: Path | None, taxonomy_path: Path,
             cache_dir: Path | None = None, embedder: Any = "default",
             catalogues_dir: Path | None = None) -> OfflineRouter:
        """The router over the trained models in ``models_dir``, a catalogue and the past items (None: no votes).

        ``cache_dir`` keeps what is derived from the items between runs (see :mod:`assistant.routing.index_cache`);
        ``embedder``: "default" for the bundled e5 engine (one thread, loaded on first use), None for none;
        ``catalogues_dir`` holds ``scheme.yaml`` (default: the shipped catalogues).
        """
        from assistant.routing.index_cache import fitted_vectorizer

        rows = load_items(items_path) if items_path else []
        vectorizer = fitted_vectorizer(rows, catalogue, items_path, cache_dir)
        config = RouterConfig.load(models_dir / CONFIG_FILE)
        if embedder == "default":
            embedder = default_embedder() if config.embed else None
        unit_path = models_dir / UNIT_MODEL_FILE
        unit_model = UnitModel.load(unit_path) if unit_path.is_file() else None
        items = None
        if rows and items_path is not None and embedder is not None:
            items = LazyVotes(rows, catalogue, items_path, embedder, cache_dir)
        return cls(DomainModel.load(models_dir / DOMAIN_MODEL_FILE), catalogue, vectorizer, items, config,
                   load_taxonomy(taxonomy_path), unit_model, embedder, models_dir / PROFILE_VECTORS_FILE,
                   SchemeAdvisor.load(catalogues_dir))

    def with_catalogue(self, catalogue: Catalogue) -> OfflineRouter:
        """The same router over an edited catalogue (the fitted vectorizer and models are reused)."""
        relabel = getattr(self.items, "relabel", None)
        items = relabel(catalogue) if relabel is not None else self.items
        return OfflineRouter(self.domain_model, catalogue, self.vectorizer, items, self.config, self.taxonomy,
                             self.unit_model, self.embedder, self.profile_vectors, self.advisor)

    # scoring ----------------------------------------------------------------------------------------
    def vector(self, text: str) -> np.ndarray | None:
        """The idea's e5 query vector (None without an embedder or when embedding fails)."""
        if self.embedder is None or not self.config.embed:
            return None
        try:
            return np.asarray(self.embedder.embed_array([semantic_text(text)], query=True)[0], dtype=np.float32)
        except Exception:  # a broken engine must not stop routing: the lexical form still answers
            log.exception("e5 embedding failed; routing without it")
            return None

    def analyse(self, text: str, semantic: bool = True) -> Analysis:
        """Domain and unit score components of one (already cleaned) idea; ``semantic`` embeds it when an
        embedder is configured. Recent analyses are reused."""
        text = text[:ROUTE_CHARS]
        key = (text, semantic)
        with self._lock:
            memo = self._memo.get(key)
            if memo is not None:
                self._memo.move_to_end(key)
                return memo
        vector = self.vector(text) if semantic else None
        pieces = analyse(text)
        idx, val = self.domain_model.vectorize_features(pieces)
        domain = self.domain_model.predict_vectorized(idx, val, vector)
        parts = self._parts([text], [pieces], [(idx, val)], [domain], [vector])[0]
        analysis = Analysis(text, domain, parts, vector is not None)
        with self._lock:
            self._memo[key] = analysis
            while len(self._memo) > MEMO:
                self._memo.popitem(last=False)
        return analysis

    def analyse_many(self, texts: Sequence[str]) -> list[Analysis]:
        """Lexical analyses of many ideas at once (the batch path: no embeddings, vectorised scoring)."""
        texts = [t[:ROUTE_CHARS] for t in texts]
        model = self.domain_model
        pieces = [analyse(t) for t in texts]
        rows = [model.vectorize_features(p) for p in pieces]
        scores = model.batch_scores(rows)
        domains = [model.prediction(scores[i], idx, val) for i, (idx, val) in enumerate(rows)]
        parts = self._parts(texts, pieces, rows, domains, [None] * len(texts))
        return [Analysis(t, d, p, False) for t, d, p in zip(texts, domains, parts, strict=True)]

    def unit_scores(self, text: str, domain: DomainPrediction | None = None) -> UnitScores:
        """Score components of every catalogue unit for one idea (kept for callers of the old API)."""
        return self.analyse(text).parts

    def _parts(
        self, texts: Sequence[str], pieces: Sequence[TextFeatures], rows: Sequence[tuple[np.ndarray, np.ndarray]],
        domains: Sequence[DomainPrediction], vectors: Sequence[np.ndarray | None],
    ) -> list[UnitScores]:
        query = self.vectorizer.transform_counts([p.bigrams() for p in pieces])
        cos = np.asarray((query @ self._profiles_t).todense())
        function = cos / np.maximum(cos.max(axis=1, keepdims=True), FUNCTION_FLOOR)
        class_index = {c: i for i, c in enumerate(self.domain_model.classes)}
        out = []
        for j, (piece, (idx, val), domain, vector) in enumerate(zip(pieces, rows, domains, vectors, strict=True)):
            found = set(piece.grams.keys() & self._short_keywords)  # every substring of ≤ 4 characters is a gram
            found.update(k for k in self._long_keywords if k in piece.norm)
            hits = [[k for k in kws if k in found] for kws in self._keywords]
            keywords = np.asarray([min(1.0, sum(min(len(k), 4) for k in h) / 6.0) for h in hits])
            probs = np.zeros(len(class_index))
            for label, prob in domain.ranked:
                probs[class_index[label]] = prob
            prior = (self._unit_domains * probs).max(axis=1)
            units = np.zeros(len(self.catalogue.units))
            if self._unit_rows is not None and self.unit_model is not None:
                p = self.unit_model.probabilities(idx, val, vector)
                known = self._unit_rows >= 0
                units[known] = p[self._unit_rows[known]]
                units = units / units.max() if units.max() > 0 else units
            votes = np.zeros(len(self.catalogue.units))
            similar: list[SimilarItem] = []
            if vector is not None and self.items is not None and self.config.k_items > 0:
                similar = self.items.similar(texts[j], self.config.k_items, vector)
                total = sum(s.relevance for s in similar)
                for s in similar:
                    for u in s.units:
                        votes[u] += s.relevance / len(s.units)
                if total > 0:
                    votes /= total
            meaning = None
            if vector is not None and self.profiles is not None:
                sims = self.profiles.vectors() @ vector
                meaning = np.clip((sims - sims.mean()) / (3 * sims.std() + 1e-9), 0.0, 1.0)
            out.append(UnitScores(function[j], keywords, prior, units, votes, hits, similar, meaning))
        return out

    # decisions --------------------------------------------------------------------------------------
    def route(self, text: str, verdict: ScreeningVerdict | None = None) -> RoutingDecision:
        """The offline routing decision for one (already cleaned) idea (with its e5 vector when available);
        ``verdict`` (the screening of the same text, when known) informs the channel."""
        return self.decide(self.analyse(text), verdict, text)

    def route_many(self, texts: Sequence[str], verdicts: Sequence[ScreeningVerdict | None] | None = None
                   ) -> list[RoutingDecision]:
        """Decisions for many ideas the batch way (lexical form, vectorised; no similar-item votes)."""
        given = list(verdicts) if verdicts is not None else [None] * len(texts)
        analyses = self.analyse_many(texts)
        return [self.decide(a, v, t) for a, v, t in zip(analyses, given, texts, strict=True)]

    def decide(self, analysis: Analysis, verdict: ScreeningVerdict | None = None, full_text: str | None = None
               ) -> RoutingDecision:
        """The routing decision of an analysis (the channel reads ``full_text``, the whole idea, when given)."""
        w = self.config.weights(analysis.semantic)
        parts, domain, text = analysis.parts, analysis.domain, analysis.text
        total = parts.total(w)
        order = [int(i) for i in np.argsort(-total, kind="stable")[:3]]
        top = float(total[order[0]])
        units = []
        for rank, i in enumerate(order):
            role: UnitRole = "主办" if rank == 0 else "协办"
            supporting = [s for s in parts.similar if i in s.units]
            reason = self._unit_reason(i, parts, supporting, domain.label)
            if rank and total[i] < self.config.co_ratio * top:
                reason += self.catalogue.templates["weak_co_unit"]
            units.append(UnitSuggestion(
                name=self.catalogue.units[i].name, role=role, score=float(min(1.0, max(0.0, total[i]))),
                reason=reason, similar_items=[s.item_id for s in supporting[:3]],
            ))
        margin = top - float(total[order[1]])
        abstain = margin < w.abstain_below or top < w.min_score
        domain = self.domain_of(order[0], domain)
        committee, committee_reason = self.committee_of(order, domain)
        channel, link = self.advisor.advise(full_text or text, verdict=verdict, domain=domain.label)
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
            linkage=link.level,
            linkage_reason=link.reason,
            abstain=abstain,
            abstain_reason=t["abstain_reason"].format(score=top, threshold=w.min_score) if abstain else None,
        )

    def _unit_reason(self, i: int, parts: UnitScores, supporting: list[SimilarItem], domain: str) -> str:
        unit = self.catalogue.units[i]
        t = self.catalogue.templates
        first = unit.functions.split("。")[0] + "。"
        evidence = ""
        if parts.keyword_hits[i]:
            evidence += t["unit_keywords"].format(keywords="、".join(parts.keyword_hits[i][:4]))
        if supporting:
            cited = "；".join(t["unit_vote_item"].format(origin=s.origin, title=s.title[:24], id=s.item_id,
                                                         department=s.department) for s in supporting[:2])
            evidence += t["unit_votes"].format(items=cited)
        elif parts.units[i] >= HISTORY_MIN and "unit_history" in t:
            evidence += t["unit_history"]
        if domain in unit.domains:
            evidence += t["unit_domain"].format(domain=domain)
        return t["unit_reason"].format(short=unit.short, function=first, evidence=evidence)

    def domain_of(self, lead: int, domain: DomainPrediction) -> DomainPrediction:
        """The domain shown with a decision: the classifier's best class when the lead unit serves it, otherwise the
        lead unit's domain the classifier finds most likely (units first: e.g. 长者饭堂 read as catering by the
        classifier, routed to 民政局, is shown as 民政). Local governments (各区政府) serve every kind of matter and
        never override the classifier."""
        unit = self.catalogue.units[lead]
        if not unit.domains or domain.label in unit.domains or unit.kind in DISTRICT_KINDS:
            return domain
        probs = dict(domain.ranked)
        label = max(unit.domains, key=lambda d: probs.get(d, 0.0))
        return DomainPrediction(label, probs.get(label, 0.0), domain.ranked)

    def committee_of(self, order: Sequence[int], domain: DomainPrediction) -> tuple[str, str]:
        """The counterpart committee of the lead unit, and why. A unit with two committees gets the second only
        when the idea's domain belongs to the second and not to the first. A lead unit without a committee (各区政府,
        which handles every kind of local matter) passes the choice to the idea's domain, then to the next
        suggested unit; the default committee is the last resort."""
        by_name = {c.name: c for c in self.catalogue.committees}
        t = self.catalogue.templates
        for rank, i in enumerate(order):
            unit = self.catalogue.units[i]
            names = [n for n in unit.committees if n in by_name]
            if not names:
                if rank == 0:
                    by_domain = next((c for c in self.catalogue.committees if domain.label in c.domains), None)
                    if by_domain is not None:
                        return by_domain.name, t["committee_reason_domain"].format(
                            short=unit.short, domain=domain.label, areas=by_domain.areas)
                continue
            chosen = names[0]
            for other in names[1:]:
                if domain.label in by_name[other].domains and domain.label not in by_name[chosen].domains:
                    chosen = other
                    break
            committee = by_name[chosen]
            template = t["committee_reason"] if rank == 0 else t["committee_reason_co"]
            return committee.name, template.format(short=unit.short, areas=committee.areas)
        default = by_name.get(self.catalogue.default_committee) or self.catalogue.committees[0]
        return default.name, t["committee_reason_default"].format(name=default.name, areas=default.areas)

    def committee(self, text: str, domain: DomainPrediction | None = None) -> tuple[str, str]:
        """The committee of ``text``'s routing (derived from its lead unit)."""
        analysis = self.analyse(text)
        order = [int(i) for i in np.argsort(-analysis.total(self.config), kind="stable")[:3]]
        return self.committee_of(order, analysis.domain)


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

    def lexical(self) -> OfflineRouter:
        """This router without embeddings (what batch routing computes for every idea)."""
        return OfflineRouter(self.domain_model, self.catalogue, self.vectorizer, self.items,
                             replace(self.config, embed=False), self.taxonomy, self.unit_model, None)


class LazyVotes:
    """The vote index, built (or read from the cache) on the first idea that has an e5 vector; copies made by
    :meth:`without` share the built index."""

    def __init__(self, rows: list[dict[str, Any]], catalogue: Catalogue, items_path: Path, embedder: Any,
                 cache_dir: Path | None, hidden: frozenset[str] = frozenset(), shared: list[Any] | None = None) -> None:
        self.rows = rows
        self.catalogue = catalogue
        self.items_path = items_path
        self.embedder = embedder
        self.cache_dir = cache_dir
        self.hidden = hidden
        self._shared: list[Any] = shared if shared is not None else [None, threading.Lock()]

    def index(self) -> Any:
        """The built index (all items, none hidden)."""
        if self._shared[0] is None:
            with self._shared[1]:
                if self._shared[0] is None:
                    from assistant.routing.index_cache import vote_index

                    space = getattr(self.embedder, "space_id", "")
                    self._shared[0] = vote_index(self.rows, self.catalogue, self.items_path, space, self.cache_dir)
        return self._shared[0]

    def similar(self, text: str, k: int, vector: np.ndarray | None = None) -> list[SimilarItem]:
        """Relevant answered items (see :meth:`assistant.routing.items.ItemIndex.similar`)."""
        if vector is None:
            return []
        index = self.index()
        return (index.without(set(self.hidden)) if self.hidden else index).similar(text, k, vector)

    def relabel(self, catalogue: Catalogue) -> LazyVotes:
        """Votes mapped to the units of an edited catalogue."""
        built = self._shared[0]
        shared = [built.relabel(catalogue) if built is not None else None, threading.Lock()]
        return LazyVotes(self.rows, catalogue, self.items_path, self.embedder, self.cache_dir, self.hidden, shared)

    def without(self, ids: set[str]) -> LazyVotes:
        """A copy that never returns these items (evals: an idea written from an item must not vote)."""
        return LazyVotes(self.rows, self.catalogue, self.items_path, self.embedder, self.cache_dir,
                         self.hidden | frozenset(ids), self._shared)


def profile_text(unit: Any) -> str:
    """What is embedded of a unit (as an e5 passage): its short name and function text."""
    return f"{unit.short}：{unit.functions}"


class UnitProfiles:
    """e5 passage vectors of the units' function texts: from the shipped file when the text is unchanged, else
    embedded on first use (a staff edit of one unit costs one embedding)."""

    def __init__(self, catalogue: Catalogue, embedder: Any, path: Path | None) -> None:
        self.catalogue = catalogue
        self.embedder = embedder
        self.path = path
        self._vectors: np.ndarray | None = None
        self._lock = threading.Lock()

    def vectors(self) -> np.ndarray:
        """One unit-length row per catalogue unit."""
        if self._vectors is None:
            with self._lock:
                if self._vectors is None:
                    self._vectors = self._load()
        return self._vectors

    def _load(self) -> np.ndarray:
        from assistant.routing.semantic import text_key

        texts = [profile_text(u) for u in self.catalogue.units]
        shipped: dict[str, np.ndarray] = {}
        if self.path is not None and self.path.is_file():
            with np.load(self.path, allow_pickle=False) as doc:
                shipped = dict(zip(doc["keys"].tolist(), doc["vectors"].astype(np.float32), strict=True))
        keys = [text_key(t) for t in texts]
        missing = [i for i, k in enumerate(keys) if k not in shipped]
        if missing:
            made = self.embedder.embed_array([texts[i] for i in missing], query=False)
            shipped.update({keys[i]: np.asarray(v, dtype=np.float32) for i, v in zip(missing, made, strict=True)})
        return np.stack([shipped[k] for k in keys])


def save_profile_vectors(catalogue: Catalogue, embedder: Any, path: Path) -> int:
    """Embed every unit's function text and write the shipped file; returns the number of units."""
    from assistant.routing.semantic import text_key

    texts = [profile_text(u) for u in catalogue.units]
    vectors = np.asarray(embedder.embed_array(texts, query=False), dtype=np.float16)
    np.savez_compressed(path, keys=np.asarray([text_key(t) for t in texts]), vectors=vectors)
    return len(texts)


def default_embedder() -> Any:
    """The bundled multilingual-e5-small engine on one thread, imported and loaded on first use."""
    from assistant.routing.semantic import LazyE5

    return LazyE5(threads=1)


def load_taxonomy(path: Path) -> list[tuple[str, str, str]]:
    """(level1, level2, level3) rows of the taxonomy file."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    return [(r["level1"], r["level2"], r["level3"]) for r in rows]
