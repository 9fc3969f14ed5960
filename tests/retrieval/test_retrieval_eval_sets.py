"""The judged retrieval sets: ids exist, halves are disjoint and fixed, queries do not copy titles."""

from __future__ import annotations

import json
from pathlib import Path

from retrieval.shipped import load_jsonl_gz

REPO = Path(__file__).resolve().parents[2]
SETS = REPO / "evals" / "retrieval"


def _rows(name: str) -> list[dict]:
    return [json.loads(x) for x in (SETS / name).read_text(encoding="utf-8").splitlines() if x.strip()]


def test_paraphrases_and_ideas_reference_shipped_items() -> None:
    items = {r["id"]: r for r in load_jsonl_gz(REPO / "corpus" / "data" / "items.jsonl.gz")}
    paraphrases, ideas = _rows("paraphrases.jsonl"), _rows("ideas.jsonl")
    assert len(paraphrases) >= 150 and len(ideas) >= 30
    for case in paraphrases:
        assert case["source"] in case["relevant"] and set(case["relevant"]) <= set(items), case["id"]
        title = items[case["source"]]["title"]
        assert title not in case["query"] and case["query"] not in title, case["id"]  # no copied titles
    for case in ideas:
        assert set(case["relevant"]) | set(case["acceptable"]) <= set(items), case["id"]
        assert not set(case["relevant"]) & set(case["acceptable"]), case["id"]
    assert sum(not c["relevant"] for c in ideas) >= 10  # ideas with nothing similar tune the floor


def test_halves_are_fixed_and_balanced() -> None:
    for name in ("paraphrases.jsonl", "ideas.jsonl"):
        rows = _rows(name)
        splits = [r["split"] for r in rows]
        assert set(splits) == {"tune", "report"}
        assert abs(splits.count("tune") - splits.count("report")) <= 2
        assert len({r["id"] for r in rows}) == len(rows)
