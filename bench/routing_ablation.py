"""What each unit-score component is worth, on the dev routing sets only (dev.jsonl + citizen_dev.jsonl, 186 ideas).

    uv run python bench/routing_ablation.py

For every variant the weights are re-chosen by the calibration grid (``tools/calibrate_routing.py``) so that each
row is that variant at its best on dev; the figures are therefore optimistic and only compare variants. Variants
of the votes: the e5 votes of relevant items (shipped), and the previous router's votes (the 8 nearest answered
items by character-bigram TF-IDF, no relevance floor, reply units by alias).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from assistant.routing.engine import Analysis
from assistant.routing.features import normalize
from assistant.routing.items import item_text, load_items, reply_units
from assistant.routing.similarity import BigramTfidf
from evals.harness import load_dataset
from tests.support import SHIPPED, shipped_router
from tools.calibrate_routing import DEV, GRID, calibrate, exclude_sources


def tfidf_votes(router: object, cases: list[dict], hidden: set[str]) -> list[np.ndarray]:
    """The previous router's votes for every case."""
    catalogue = router.catalogue  # type: ignore[attr-defined]
    rows = [r for r in load_items(SHIPPED.items_path) if r["id"] not in hidden]
    pattern, table = catalogue.alias_pattern()
    units = [reply_units(r["reply"], catalogue, pattern, table) for r in rows]
    vectorizer = BigramTfidf().fit([item_text(r) for r in rows])
    matrix = vectorizer.transform([item_text(r) for r in rows]).T.tocsr()
    out = []
    for case in cases:
        sims = np.asarray((vectorizer.transform([normalize(case["text"][:250])]) @ matrix).todense()).ravel()
        votes, total, taken = np.zeros(len(catalogue.units)), 0.0, 0
        for i in np.argsort(-sims):
            if sims[i] <= 0 or taken >= 8:
                break
            if units[i]:
                for u in units[i]:
                    votes[u] += sims[i] / len(units[i])
                total, taken = total + sims[i], taken + 1
        out.append(votes / total if total else votes)
    return out


def main() -> int:
    router = shipped_router(cache_dir=Path("var/cache"))
    cases = [c for path in DEV for c in load_dataset(path)]
    hidden = {c["source"].split()[-1] for c in cases if "item-" in c.get("source", "")}
    router.items = exclude_sources(router.items, cases)
    names = router.catalogue.unit_names()
    gold = [{names.index(n) for n in c["acceptable_units"]} for c in cases]
    semantic = [router.analyse(c["text"], semantic=True) for c in cases]
    lexical = [router.analyse(c["text"], semantic=False) for c in cases]
    old_votes = tfidf_votes(router, cases, hidden)

    def with_parts(analyses: list[Analysis], **changes: object) -> list[tuple[Analysis, set[int]]]:
        out = []
        for j, (a, g) in enumerate(zip(analyses, gold, strict=True)):
            values = {k: (v[j] if isinstance(v, list) else v) for k, v in changes.items()}
            out.append((dataclasses.replace(a, parts=dataclasses.replace(a.parts, **values)), g))
        return out

    zeros = np.zeros(len(names))
    variants = {
        "single (e5), shipped components": (with_parts(semantic), True),
        "  without the meaning of functions (e5)": (with_parts(semantic, meaning=None), True),
        "  without the unit classifier (weak labels)": (with_parts(semantic, units=zeros), True),
        "  without relevant-item votes": (with_parts(semantic, votes=zeros), True),
        "  votes = previous TF-IDF votes (no floor)": (with_parts(semantic, votes=old_votes), True),
        "batch (no e5), shipped components": (with_parts(lexical), False),
        "  without the unit classifier": (with_parts(lexical, units=zeros), False),
        "  with the previous TF-IDF votes": (with_parts(lexical, votes=old_votes), True),
    }
    print(f"| variant (dev, n = {len(cases)}) | top-1 | top-3 | weights chosen |")
    print("|---|---|---|---|")
    for name, (cached, votes) in variants.items():
        if name.strip().startswith("with the previous"):  # the lexical form with a votes weight
            GRID["meaning"] = (0.0,)
        weights, report = calibrate(cached, votes=votes)
        GRID["meaning"] = (0.0, 0.25, 0.5)
        shown = {k: v for k, v in dataclasses.asdict(weights).items() if k not in ("min_score", "abstain_below")}
        print(f"| {name} | {report['top1']:.3f} | {report['top3']:.3f} | {shown} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
