"""Are the past items a routing reason quotes on topic? Judged on ``evals/retrieval/ideas.jsonl`` (32 everyday
ideas whose relevant / acceptable past messages were judged for the retrieval evaluation; 15 have none).

    uv run python bench/routing_quotes.py

For each idea: the items the router now quotes (relevant answered items, retrieval's relevance floor) against the
items the previous router voted with and quoted (the 8 nearest answered items by character-bigram TF-IDF whose reply
names a unit, no floor). precision = quoted items judged relevant or acceptable (an unjudged item counts as off
topic); empty ok = ideas with nothing relevant that quote nothing off topic. Note: the relevance floor was fitted on
the odd ("tune") ideas of this file, so its figures are split by half.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from assistant.routing.features import normalize
from assistant.routing.items import item_text, load_items
from assistant.routing.similarity import BigramTfidf
from tests.support import SHIPPED, shipped_router

IDEAS = Path(__file__).resolve().parents[1] / "evals" / "retrieval" / "ideas.jsonl"


def main() -> int:
    router = shipped_router(cache_dir=Path("var/cache"))
    cases = [json.loads(line) for line in IDEAS.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = load_items(SHIPPED.items_path)
    index = router.items.index() if hasattr(router.items, "index") else None
    usable = {i for i, lab in zip(index.ids, index.labels, strict=True) if lab is not None} if index else set()
    answered = [r for r in rows if r["id"] in usable]
    vectorizer = BigramTfidf().fit([item_text(r) for r in rows])
    matrix = vectorizer.transform([item_text(r) for r in answered])
    report: dict[str, dict[str, list[int]]] = {}
    for case in cases:
        ok = set(case["relevant"]) | set(case.get("acceptable", []))
        half = case.get("split", "report")
        now = [s.item_id for s in router.analyse(case["query"]).parts.similar]
        sims = np.asarray((vectorizer.transform([normalize(case["query"])]) @ matrix.T).todense()).ravel()
        before = [answered[i]["id"] for i in np.argsort(-sims)[:8] if sims[i] > 0]
        for name, quoted in (("now", now), ("before", before)):
            r = report.setdefault(f"{half}/{name}", {"shown": [], "good": [], "empty": [], "empty_ok": []})
            r["shown"].append(len(quoted))
            r["good"].append(sum(1 for q in quoted if q in ok))
            if not case["relevant"]:
                r["empty"].append(1)
                r["empty_ok"].append(int(all(q in ok for q in quoted)))
    print("| half / router | quoted items | precision | ideas with nothing relevant: nothing off topic quoted |")
    print("|---|---|---|---|")
    for key, r in sorted(report.items()):
        shown, good = sum(r["shown"]), sum(r["good"])
        print(f"| {key} | {shown} | {good / shown if shown else 0:.2f} | {sum(r['empty_ok'])} / {sum(r['empty'])} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
