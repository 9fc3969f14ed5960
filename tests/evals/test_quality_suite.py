"""The quality suite: shipped pairs are well formed; pairs and bands are scored by the rubric or the LLM judge."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.accounts import LOCAL_OPERATOR as OP
from assistant.errors import InputError
from assistant.ratings import RubricJudgement
from evals.harness import load_dataset
from evals.quality.build_dataset import PERTURBATIONS
from evals.quality_suite import DATASET, run_quality
from evals.runner import run_suite


def test_shipped_pairs_are_well_formed_and_balanced() -> None:
    rows = load_dataset(DATASET, ("a", "b", "preferred"))
    assert len(rows) == 24 * len(PERTURBATIONS) and {r["group"] for r in rows} == set(PERTURBATIONS)
    sides = [r["preferred"] for r in rows]
    assert set(sides) == {"a", "b"} and 0.35 < sides.count("a") / len(sides) < 0.65
    for row in rows:
        for side in ("a", "b"):
            assert set(row[side]) == {"title", "analysis", "suggestions"}


def _rows() -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in DATASET.read_text(encoding="utf-8").splitlines()]
    pairs = [r for r in rows if r["group"] in {"remove", "raw_idea"}][:4]
    good = pairs[0]["a"] if pairs[0]["preferred"] == "a" else pairs[0]["b"]
    bands = [{"id": "band-good", "proposal": good, "band": "优"},
             {"id": "band-raw", "proposal": {"title": "路灯坏了", "analysis": ["晚上很黑。"]}, "band": "差"}]
    return pairs + bands


def test_pairs_and_bands_offline(tmp_path: Path, write_jsonl: Any) -> None:
    cases, config = run_quality(None, write_jsonl(tmp_path / "q.jsonl", _rows()))
    assert config["judge"] == "rubric" and config["distinct_proposals"] <= 10
    pairs = [c for c in cases if "pairwise_correct" in c.metrics]
    assert len(pairs) == 4 and all(c.metrics["pairwise_correct"] == 1.0 and c.metrics["margin"] > 0 for c in pairs)
    assert all("判断正确" in c.reason for c in pairs)
    bands = {c.case_id: c for c in cases if c.group == "bands"}
    assert bands["band-raw"].details == {"gold": "差", "predicted": "差", "total": bands["band-raw"].details["total"],
                                         "judge": "offline"}
    assert bands["band-raw"].metrics["band_exact"] == 1.0
    assert set(bands["band-good"].metrics) == {"band_exact", "band_within1"}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"id": "x", "a": {"title": "t"}, "b": {"title": "u"}, "preferred": "c"}, "preferred 应为 a 或 b"),
        ({"id": "x", "proposal": {"title": "t"}, "band": "很好"}, "band 应为"),
        ({"id": "x", "a": "text", "b": {"title": "u"}, "preferred": "a"}, "应是包含 title"),
        ({"id": "x", "text": "no proposal"}, "缺少 a或proposal"),
    ],
)
def test_bad_quality_cases(tmp_path: Path, write_jsonl: Any, row: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message):
        run_quality(None, write_jsonl(tmp_path / "bad.jsonl", [row]))


def test_llm_judge_run_shows_both_judges(container: Any, tmp_path: Path, write_jsonl: Any) -> None:
    all_rows = [json.loads(line) for line in DATASET.read_text(encoding="utf-8").splitlines()]
    rows = [r for r in all_rows if r["group"] == "remove"][:2]  # two different drafts: four distinct proposals
    # a judge that always prefers side a: right on pairs whose better side is a, wrong otherwise
    good = RubricJudgement(**{f"{k}_score": 5 for k in ("focus", "accuracy", "depth", "specificity", "format")},
                           **{f"{k}_reason": "很好。" for k in ("focus", "accuracy", "depth", "specificity", "format")})
    bad = good.model_copy(update={"specificity_score": 1, "specificity_reason": "较差。"})
    container.llm_runner.backend.enqueue(good, bad, good, bad)
    run = run_suite(container, "quality", dataset=write_jsonl(tmp_path / "q.jsonl", rows), actor=OP)
    assert run.config["backend"] == "fake" and run.config["judge"] == "llm"
    assert run.usage["llm_calls"] == 4
    for case, row in zip(run.cases, rows, strict=True):
        assert case.metrics["pairwise_correct"] == float(row["preferred"] == "a")
        assert case.metrics["rubric_pairwise_correct"] == 1.0
        assert case.details["judge"] == "fake"
