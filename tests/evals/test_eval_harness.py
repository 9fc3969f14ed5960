"""The harness: dataset format errors, aggregates, suite registry, run options."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import InputError
from assistant.settings import test_settings
from evals.harness import CaseResult, aggregate, fmt, load_dataset, new_run
from evals.runner import prompt_versions, settings_for
from evals.suites import SUITES, get_suite


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cases.jsonl"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"id": "a", "text": "x"}\nnot json\n', "第 2 行不是有效的 JSON"),
        ('{"text": "x"}\n', "第 1 行缺少 id 字段"),
        ('{"id": ["a"], "text": "x"}\n', "id 必须是文字或整数"),
        ('{"id": "a", "text": "x"}\n{"id": "a", "text": "y"}\n', "id「a」重复"),
        ('{"id": "a"}\n', "第 1 行缺少 text 字段"),
        ("\n\n", "是空的"),
    ],
)
def test_dataset_format_errors_name_the_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        load_dataset(_write(tmp_path, text), ("text",))
    assert message in info.value.user_message


def test_alternative_fields_and_false_values_count_as_present(tmp_path: Path) -> None:
    path = _write(tmp_path, '{"id": 1, "text": "x", "in_scope": false}\n{"id": 2, "proposal": {"title": "t"}}\n')
    assert len(load_dataset(path, ("a|proposal|text",))) == 2
    assert load_dataset(path.with_name("cases.jsonl"), ())[0]["in_scope"] is False
    with pytest.raises(InputError, match="缺少 a或proposal"):
        load_dataset(path, ("a|proposal",))


def test_missing_dataset_is_a_chinese_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="找不到评测数据集"):
        load_dataset(tmp_path / "nope.jsonl")


def test_aggregate_means_per_group_with_latency_percentiles() -> None:
    cases = [
        CaseResult(case_id=str(i), group="g", metrics={"ok": float(i % 2)}, latency_ms=float(i)) for i in range(10)
    ]
    cases.append(CaseResult(case_id="x", group="h", metrics={"ok": 1.0, "only_h": 0.5}))
    agg = aggregate(cases)
    assert agg["g"]["ok"] == 0.5 and agg["g"]["n"] == 10 and agg["g"]["latency_p50_ms"] == 5.0
    assert agg["h"] == {"ok": 1.0, "only_h": 0.5, "latency_p50_ms": 0.0, "latency_p95_ms": 0.0, "n": 1.0}


def test_new_run_refuses_an_empty_run_and_formats_tables() -> None:
    with pytest.raises(InputError):
        new_run("screening", {}, [])
    run = new_run("screening", {"backend": "offline"}, [CaseResult(case_id="1", group="dev", metrics={"exact": 1.0})])
    assert run.run_id.startswith("screening-") and run.config["python"]
    assert "| dev |" in run.markdown_table() and "exact" in run.summary_zh()
    headers, rows = run.table()
    assert headers[0] == "分组" and rows[0][0] == "dev"
    assert fmt(float("nan")) == "–" and fmt(12.0) == "12" and fmt(0.5) == "0.500"


def test_every_suite_is_registered_with_fields_and_a_primary_metric() -> None:
    assert set(SUITES) == {"retrieval", "screening", "domain", "routing", "drafting", "quality"}
    for spec in SUITES.values():
        assert spec.fields and spec.primary and spec.default_datasets
        assert all(p.is_file() for p in spec.default_datasets), spec.name
    with pytest.raises(InputError, match="未知的评测套件"):
        get_suite("nope")


def test_prompt_versions_apply_to_the_suite_tasks_or_one_task() -> None:
    assert prompt_versions(("draft",), ["v2"]) == {"draft": "v2"}
    assert prompt_versions(("screening",), ["screening=v3", "guard=v1"]) == {"screening": "v3", "guard": "v1"}
    assert prompt_versions(("draft",), None) == {}
    with pytest.raises(InputError):
        prompt_versions(("draft",), ["draft="])


def test_settings_for_overrides_backend_model_and_versions(tmp_path: Path) -> None:
    base = test_settings(tmp_path)
    changed = settings_for(base, backend="offline", model="m-1", versions={"draft": "v2"})
    assert (changed.llm.mode, changed.llm.model) == ("offline", "m-1")
    assert changed.prompts.version_for("draft") == "v2" and base.prompts.version_for("draft") == "v1"
    assert base.llm.mode == "fake"
    with pytest.raises(InputError, match="未知的模型后端"):
        settings_for(base, backend="gpt")
