"""The quality gate: thresholds parse, hold on the current figures and fail once raised above them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.accounts import LOCAL_OPERATOR as OP
from assistant.errors import InputError
from baixing import main
from evals.gate import check_run, load_thresholds, parse_thresholds
from evals.harness import CaseResult, new_run
from evals.quality.build_dataset import PERTURBATIONS
from evals.runner import run_suite
from evals.suites import ROOT

SHIPPED = ROOT / "evals" / "thresholds.yaml"


def _gate_file(tmp_path: Path, dataset: Path, bounds: dict[str, Any]) -> Path:
    path = tmp_path / "thresholds.yaml"
    doc = {"screening": {"dataset": str(dataset), "groups": {dataset.stem: bounds}}}
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def test_gate_passes_at_the_current_figure_and_fails_above_it(
    offline: Any, small_screening: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    current = run_suite(offline, "screening", dataset=small_screening, actor=OP).aggregates["small"]
    exact, false_reject = current["exact"], current["false_reject"]

    holds = _gate_file(tmp_path, small_screening, {"exact": exact, "false_reject": {"max": false_reject}})
    assert main(["eval", "check", str(holds)]) == 0
    out = capsys.readouterr().out
    assert "质量门槛全部通过（2 项）" in out and "✔ screening/small exact" in out

    raised = _gate_file(tmp_path, small_screening, {"exact": round(exact + 0.01, 4), "accuracy": 0.0})
    assert main(["eval", "check", str(raised)]) == 1
    out = capsys.readouterr().out
    assert "质量门槛未通过：1 项低于要求" in out
    assert f"✘ screening/small exact = {exact:.3f}（要求 ≥ {exact + 0.01:.3f}）" in out
    assert "✔ screening/small accuracy" in out


def test_gate_can_check_given_runs_without_running_again(
    offline: Any, small_screening: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = run_suite(offline, "screening", dataset=small_screening, actor=OP)
    gate = _gate_file(tmp_path, small_screening, {"exact": 1.01})
    assert main(["eval", "check", str(gate), "--runs", run.run_id]) == 1
    out = capsys.readouterr().out
    assert "✘ screening/small exact" in out
    assert len(list(offline.settings.runs_dir.glob("screening-*.json"))) == 1, "no second run"


def test_a_missing_group_or_metric_fails() -> None:
    run = new_run("screening", {}, [CaseResult(case_id="1", group="dev", metrics={"exact": 1.0})])
    [gate] = parse_thresholds({"screening": {"groups": {"dev": {"oos_recall": 0.5}, "test": {"exact": 0.5}}}})
    results = check_run(run, gate.thresholds)
    assert [r.ok for r in results] == [False, False] and "缺失" in results[0].line_zh()


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"screening": {"groups": {"dev": {"latency_p50_ms": {"max": 5}}}}}, "耗时"),
        ({"screening": {"groups": {"dev": {"exact": "high"}}}}, "写法不对"),
        ({"screening": {"groups": {"dev": {"exact": {"minimum": 1}}}}}, "写法不对"),
        ({"nope": {"groups": {"dev": {"exact": 1}}}}, "未知的评测套件"),
        ({"screening": {"dev": {"exact": 1}}}, "缺少 groups"),
        ({"screening": {"groups": {"dev": {}}}}, "没有列出指标"),
        ([1, 2], "YAML 映射"),
    ],
)
def test_threshold_file_errors_are_chinese(doc: Any, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_thresholds(doc)


def test_shipped_thresholds_name_real_groups() -> None:
    gates = {g.suite: g for g in load_thresholds(SHIPPED)}
    assert set(gates) == {"retrieval", "screening", "domain", "routing", "drafting", "quality"}
    rows = [json.loads(line) for line in (ROOT / "evals/drafting/ideas.jsonl").open()]
    drafting_groups = {r.get("group") or r["source"] for r in rows}
    expected = {
        "retrieval": {f"{s}/{m}" for s in ("near_duplicates", "queries") for m in ("bm25", "dense", "hybrid")},
        "screening": {"dev", "test"},
        "domain": {"titles-test", "texts-test"},
        "routing": {"dev", "test"},
        "drafting": drafting_groups,
        "quality": set(PERTURBATIONS),
    }
    for suite, gate in gates.items():
        assert {t.group for t in gate.thresholds} <= expected[suite], suite
        assert all(t.min is not None or t.max is not None for t in gate.thresholds)
