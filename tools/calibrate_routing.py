"""Choose the router's weights and abstain thresholds on the dev routing sets (never on test).

    uv run python tools/calibrate_routing.py    # writes <models_dir>/router.json and unit_profiles-e5.npz

First the e5 vectors of the units' function texts (``unit_profiles-e5.npz``, the "meaning" component) are computed
from the catalogue files.

Dev sets: ``evals/routing/dev.jsonl`` (88 ideas, rewritten from past items or on recurring themes) and
``evals/routing/citizen_dev.jsonl`` (98 ideas written in citizens' words). Two forms are calibrated separately:
``semantic`` (an idea routed alone, with its e5 vector: semantic heads and votes of relevant past items) and
``lexical`` (the batch path: no embeddings, no votes). Weights: grid search maximising top-1 + top-3 hit rate over
all dev ideas (ties: top-1). Abstain thresholds: the margin (top-1 minus top-2 score) below which the top-1 unit was
right at most half of the time on dev — the largest such threshold that abstains on ≤ 25 % of dev ideas — and the
5th percentile of the dev ideas' top scores (text that matches no unit's functions).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from typing import Any

import numpy as np

from assistant.routing.catalogue import load_catalogue
from assistant.routing.engine import (
    CONFIG_FILE,
    PROFILE_VECTORS_FILE,
    Analysis,
    OfflineRouter,
    RouterConfig,
    Weights,
    default_embedder,
    save_profile_vectors,
)
from assistant.settings import REPO_ROOT, load_settings
from evals.harness import load_dataset

DEV = (REPO_ROOT / "evals" / "routing" / "dev.jsonl", REPO_ROOT / "evals" / "routing" / "citizen_dev.jsonl")
GRID = {
    "meaning": (0.0, 0.25, 0.5),
    "keywords": (0.0, 0.25, 0.5),
    "domain": (0.0, 0.25, 0.5, 1.0),
    "units": (0.0, 0.25, 0.5, 1.0, 2.0),
    "votes": (0.0, 0.25, 0.5, 1.0),
}


def exclude_sources(items: Any, cases: list[dict[str, Any]]) -> Any:
    """The item index without the past items the ideas were written from (they must not vote for themselves)."""
    sources = {c["source"].split()[-1] for c in cases if "item-" in c.get("source", "")}
    return items.without(sources) if items is not None and hasattr(items, "without") else items


def hits(cached: list[tuple[Analysis, set[int]]], w: Weights) -> tuple[int, int]:
    """(top-1, top-3) hits of the weights ``w`` on cached analyses."""
    top1 = top3 = 0
    for analysis, gold in cached:
        order = np.argsort(-analysis.parts.total(w), kind="stable")[:3]
        top1 += int(order[0] in gold)
        top3 += int(any(o in gold for o in order))
    return top1, top3


def calibrate(cached: list[tuple[Analysis, set[int]]], votes: bool) -> tuple[Weights, dict[str, float]]:
    """The best weights and abstain thresholds of one form (``votes``: the semantic form, with the e5-only
    components)."""
    best, best_key = Weights(), (-1, -1)
    for wm, wk, wd, wu, wv in itertools.product(GRID["meaning"] if votes else (0.0,), GRID["keywords"],
                                                GRID["domain"], GRID["units"], GRID["votes"] if votes else (0.0,)):
        w = Weights(function=1.0, meaning=wm, keywords=wk, domain=wd, units=wu, votes=wv)
        top1, top3 = hits(cached, w)
        if (top1 + top3, top1) > best_key:
            best, best_key = w, (top1 + top3, top1)
    margins, right, tops = [], [], []
    for analysis, gold in cached:
        total = analysis.parts.total(best)
        order = np.argsort(-total, kind="stable")
        margins.append(float(total[order[0]] - total[order[1]]))
        right.append(order[0] in gold)
        tops.append(float(total[order[0]]))
    threshold = 0.0
    for t in sorted(set(np.round(margins, 4))):
        below = [r for m, r in zip(margins, right, strict=True) if m < t]
        if len(below) > 0.25 * len(cached):
            break
        if below and sum(below) / len(below) <= 0.5:
            threshold = float(t)
    best = replace(best, abstain_below=threshold, min_score=round(float(np.percentile(tops, 5)), 4))
    n = len(cached)
    return best, {"top1": round(best_key[1] / n, 4), "top3": round((best_key[0] - best_key[1]) / n, 4), "n": n}


def main() -> int:
    s = load_settings()
    catalogue = load_catalogue(s.catalogues_dir)
    engine = default_embedder()
    count = save_profile_vectors(catalogue, engine, s.models_dir / PROFILE_VECTORS_FILE)
    print(f"embedded the function texts of {count} units")
    router = OfflineRouter.load(catalogue, models_dir=s.models_dir, items_path=s.items_path,
                                taxonomy_path=s.taxonomy_path, cache_dir=s.cache_dir, embedder=engine)
    router.config = RouterConfig(k_items=router.config.k_items, co_ratio=router.config.co_ratio,
                                 level2_min=router.config.level2_min)
    cases = [c for path in DEV for c in load_dataset(path)]
    router.items = exclude_sources(router.items, cases)
    names = router.catalogue.unit_names()
    semantic, lexical = [], []
    for case in cases:
        gold = {names.index(n) for n in case["acceptable_units"]}
        semantic.append((router.analyse(case["text"], semantic=True), gold))
        lexical.append((router.analyse(case["text"], semantic=False), gold))
    if not all(a.semantic for a, _ in semantic):
        print("warning: no e5 vectors (embedder unavailable); the semantic form is calibrated without them")
    sem_w, sem_report = calibrate(semantic, votes=True)
    lex_w, lex_report = calibrate(lexical, votes=False)
    config = replace(router.config, semantic=sem_w, lexical=lex_w)
    report = {"semantic": sem_report, "lexical": lex_report, "dev_sets": [p.name for p in DEV]}
    document = json.dumps({"config": config.dump(), "dev": report}, ensure_ascii=False, indent=1)
    (s.models_dir / CONFIG_FILE).write_text(document + "\n", encoding="utf-8")
    print(document)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
