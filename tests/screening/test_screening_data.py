"""The labelled splits: size, balance, fields, and no leakage into the test split."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from evals.harness import CaseResult
from evals.screening_suite import DATA_DIR, LABELS, run_screening, summarize

SPLITS = ("train", "dev", "test")
CATEGORIES = LABELS[1:]


def load(split: str) -> list[dict]:
    return [json.loads(line) for line in (DATA_DIR / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def data() -> dict[str, list[dict]]:
    return {split: load(split) for split in SPLITS}


def test_sizes_and_balance(data: dict[str, list[dict]]) -> None:
    total = sum(len(rows) for rows in data.values())
    assert total >= 600 and len(data["test"]) >= 150
    counts = Counter(r["category"] or "范围内" for rows in data.values() for r in rows)
    assert all(counts[c] >= 25 for c in CATEGORIES), counts
    sources = Counter(r["source"].split(":")[0] for rows in data.values() for r in rows)
    assert set(sources) == {"teddy", "written"}


def test_fields_and_consistency(data: dict[str, list[dict]]) -> None:
    ids = [r["id"] for rows in data.values() for r in rows]
    assert len(ids) == len(set(ids))
    for rows in data.values():
        for r in rows:
            assert set(r) == {"id", "text", "in_scope", "category", "source", "note"}
            assert r["text"].strip()
            assert (r["category"] is None) == r["in_scope"]
            assert r["category"] is None or r["category"] in CATEGORIES


def test_no_text_of_the_test_split_is_in_train_or_dev(data: dict[str, list[dict]]) -> None:
    seen = {r["text"] for split in ("train", "dev") for r in data[split]}
    assert not [r["id"] for r in data["test"] if r["text"] in seen]
    teddy = {r["source"] for split in ("train", "dev") for r in data[split]}
    assert not [r["id"] for r in data["test"] if r["source"] != "written" and r["source"] in teddy]


def test_both_sources_have_in_and_out_of_scope_examples(data: dict[str, list[dict]]) -> None:
    rows = [r for split in ("train", "dev") for r in data[split]]
    for source in ("teddy", "written"):
        labels = {r["in_scope"] for r in rows if r["source"].startswith(source)}
        assert labels == {True, False}


def test_suite_metrics_and_confusion(tmp_path) -> None:
    path = tmp_path / "mini.jsonl"
    rows = [
        {"id": "1", "text": "a", "in_scope": True, "category": None, "source": "written"},
        {"id": "2", "text": "b", "in_scope": False, "category": "投诉", "source": "written"},
        {"id": "3", "text": "c", "in_scope": False, "category": "举报", "source": "teddy:1"},
        {"id": "4", "text": "d", "in_scope": False, "category": "信访", "source": "teddy:2"},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    answers = {"a": (False, "投诉"), "b": (False, "投诉"), "c": (False, "投诉"), "d": (True, None)}

    def screen(text: str):
        in_scope, category = answers[text]
        return type("V", (), {"in_scope": in_scope, "category": category, "confidence": 0.9, "backend": "stub"})()

    cases, config = run_screening(screen, path)
    assert all(isinstance(c, CaseResult) and c.group == "mini" for c in cases)
    overall = config["summary"]["mini"]["overall"]
    assert overall["accuracy"] == 0.5  # cases 2 and 3 right on in/out
    assert overall["false_reject"] == 1.0 and overall["oos_recall"] == pytest.approx(2 / 3, abs=1e-3)
    assert overall["category_accuracy"] == 0.5
    assert config["summary"]["mini"]["confusion"]["举报"]["投诉"] == 1
    assert summarize(cases)["by_source"]["teddy"]["n"] == 2
