"""Compare two real runs (bootstrap intervals, flipped cases) and write their self-contained HTML report."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.accounts import LOCAL_OPERATOR as OP
from assistant.errors import InputError
from assistant.review import LLMIdeaReview
from assistant.screening.models import LLMScreening
from evals.compare import compare_runs, paired_bootstrap
from evals.harness import CaseResult, Run, new_run
from evals.report import render_html, report_figures, write_report
from evals.runner import run_suite


@pytest.fixture
def two_runs(offline: Any, container: Any, small_screening: Path) -> tuple[Run, Run]:
    """A: the offline engine; B: a scripted model that calls everything in scope."""
    baseline = run_suite(offline, "screening", dataset=small_screening, actor=OP)
    answer = LLMIdeaReview(screening=LLMScreening(in_scope=True, confidence=0.7, reason="属于公共建议。"))
    container.llm_runner.backend.enqueue(*[answer] * 16)
    return baseline, run_suite(container, "screening", dataset=small_screening, actor=OP)


def test_paired_bootstrap_interval() -> None:
    a = np.zeros(50)
    assert paired_bootstrap(a, a) == (0.0, 0.0)
    assert paired_bootstrap(a, a + 1) == (1.0, 1.0)
    rng = np.random.default_rng(1)
    b = (rng.random(200) < 0.6).astype(float)
    low, high = paired_bootstrap(np.zeros(200), b)
    assert low < b.mean() < high and high - low < 0.2
    assert paired_bootstrap(np.zeros(200), b) == (low, high), "fixed seed: the same interval every time"


def test_compare_two_real_runs(two_runs: tuple[Run, Run]) -> None:
    a, b = two_runs
    result = compare_runs(a, b)
    assert (result.common, result.only_a, result.only_b) == (16, 0, 0)
    by_metric = {d.metric: d for d in result.deltas}
    oos = by_metric["oos_recall"]
    assert oos.b == 0.0 and oos.delta == pytest.approx(-oos.a)
    assert oos.ci_low <= oos.delta <= oos.ci_high and oos.verdict() == "变差"
    assert by_metric["false_reject"].b == 0.0 and by_metric["false_reject"].lower_is_better
    for d in result.deltas:
        assert d.ci_low <= d.delta + 1e-9 and d.delta - 1e-9 <= d.ci_high, d.metric
    caught_offline = {c.case_id for c in a.cases if c.details["gold"] != "范围内" and c.metrics["exact"] == 1.0}
    assert {f.case_id for f in result.flipped if not f.now_passed} >= caught_offline
    assert caught_offline, "the offline engine catches some out-of-scope cases of the sample"
    text = result.text_zh()
    assert "自助法" in text and "改坏" in text and sorted(caught_offline)[0] in text
    assert len(result.delta_rows()) == len(result.deltas) and result.flipped_rows()[0][2] in {"修好", "改坏"}


def test_compare_refuses_different_suites_or_no_common_cases() -> None:
    one = new_run("screening", {}, [CaseResult(case_id="1", group="g", metrics={"exact": 1.0})])
    other = new_run("domain", {}, [CaseResult(case_id="1", group="g", metrics={"accuracy": 1.0})])
    with pytest.raises(InputError, match="同一评测套件"):
        compare_runs(one, other)
    disjoint = new_run("screening", {}, [CaseResult(case_id="2", group="g", metrics={"exact": 1.0})])
    with pytest.raises(InputError, match="没有共同的用例"):
        compare_runs(one, disjoint)


def test_html_report_is_self_contained_with_every_plot(two_runs: tuple[Run, Run], tmp_path: Path) -> None:
    run = two_runs[0]
    figures = report_figures(run)
    assert set(figures) == {"confusion", "calibration", "abstention", "latency"}
    titles = [figures[k].layout.title.text for k in ("calibration", "abstention")]
    assert titles[0] == "校准曲线（把握度对准确率）" and not any(re.search(r"[a-z]{3}", t) for t in titles)
    out = write_report(run, tmp_path / "report" / "r.html")
    page = out.read_text(encoding="utf-8")
    for key in ("confusion", "calibration", "abstention", "latency"):
        assert f'id="fig-{key}"' in page
    assert "混淆矩阵" in page and "校准曲线" in page and "耗时分布" in page and run.run_id in page
    assert page.count('id="plotly-js"') == 1, "plotly.js inlined exactly once"
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=[\"']?(https?:)?//", page), "no external resource"
    outside_library = re.sub(r'<script type="text/javascript" id="plotly-js">.*?</script>', "", page, flags=re.S)
    assert "cdn." not in outside_library and "https://" not in outside_library


def test_report_of_a_suite_without_labels_has_the_latency_plot_only() -> None:
    run = new_run("drafting", {}, [CaseResult(case_id="1", group="citizen", metrics={"compliant": 1.0},
                                              latency_ms=3.0)])
    assert set(report_figures(run)) == {"latency"}
    assert "fig-latency" in render_html(run) and "没有未通过的用例" in render_html(run)
