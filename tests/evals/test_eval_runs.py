"""Runs are saved in the database and as files, with a config snapshot and the model's token usage."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from assistant.accounts import LOCAL_OPERATOR as OP
from assistant.review import LLMIdeaReview
from assistant.screening.models import LLMScreening
from assistant.settings import Settings, test_settings
from assistant.storage.repositories.evals import EvalRepository
from evals.harness import file_sha256, load_run
from evals.runner import container_for, run_suite
from evals.snapshot import code_version


def test_offline_run_is_saved_in_the_database_and_as_a_file(offline: Any, small_screening: Path) -> None:
    run = run_suite(offline, "screening", dataset=small_screening, actor=OP)

    assert Path(run.path).is_file() and Path(run.path).parent == offline.settings.runs_dir
    assert load_run(Path(run.path)).model_dump(exclude={"path"}) == run.model_dump(exclude={"path"})
    cfg = run.config
    assert cfg["backend"] == "offline" and cfg["model"] is None
    assert cfg["datasets"] == [{"path": str(small_screening.resolve()), "sha256": file_sha256(small_screening)}]
    assert cfg["prompts"]["idea_review"]["version"] == "v1" and len(cfg["prompts"]["idea_review"]["sha256"]) == 64
    assert set(cfg["git"]) == {"commit", "dirty"} and cfg["code_version"] == code_version()
    assert cfg["settings"]["llm"]["mode"] == "offline"
    assert run.usage["llm_calls"] == 0 and run.usage["wall_s"] > 0
    assert run.aggregates["small"]["n"] == 16

    with offline.database.session() as session:
        repo = EvalRepository(session)
        row = repo.get_by_key(run.run_id)
        assert row is not None and row.suite == "screening" and row.file_path == run.path
        assert row.finished_at is not None and row.config["backend"] == "offline"
        assert row.aggregates["small"]["exact"] == run.aggregates["small"]["exact"]
        cases = repo.case_results(row.id)
        assert len(cases) == 16 and {c.group_name for c in cases} == {"small"}
        assert all(c.reason and c.passed is not None and c.latency_ms is not None for c in cases)
        assert sum(c.passed for c in cases) == sum(c.metrics["exact"] for c in run.cases)


def test_a_model_run_records_backend_model_and_token_usage(container: Any, small_screening: Path) -> None:
    fake = container.llm_runner.backend
    answer = LLMScreening(in_scope=True, confidence=0.8, reason="属于面向公众的建议。")
    fake.enqueue(*[LLMIdeaReview(screening=answer)] * 16)

    run = run_suite(container, "screening", dataset=small_screening, actor=OP)

    assert run.config["backend"] == "fake" and run.config["model"] == container.settings.llm.model
    assert run.usage["llm_calls"] == 16
    assert (run.usage["tokens_in"], run.usage["tokens_out"]) == (160, 80)  # FakeReply's default usage 10/5
    assert {c.details["backend"] for c in run.cases} == {"fake"}
    assert all(c.details["predicted"] == "范围内" for c in run.cases)
    with container.database.session() as session:
        row = EvalRepository(session).get_by_key(run.run_id)
        assert row is not None and row.usage["tokens_in"] == 160


def test_overrides_build_a_separate_root(container: Any) -> None:
    assert container_for(container, "screening") is container
    other = container_for(container, "drafting", backend="offline", model="m", prompt_version=["v2"])
    assert other is not container and other.settings.llm.mode == "offline" and other.settings.llm.model == "m"
    assert other.settings.prompts.version_for("draft") == "v2"
    assert other.settings.prompts.version_for("screening") == "v1"


@pytest.fixture
def indexed_offline(indexed_data_dir: Path, mini_corpus: Path, tmp_path: Path) -> Any:
    """An offline root over a private copy of the indexed mini corpus."""
    from assistant.container import Container

    data_dir = tmp_path / "indexed"
    shutil.copytree(indexed_data_dir, data_dir)
    settings: Settings = test_settings(data_dir, corpus_dir=mini_corpus)
    return container_for(Container(settings), "screening", backend="offline")


def test_every_suite_runs_offline_on_a_tiny_dataset(
    indexed_offline: Any, tmp_path: Path, write_jsonl: Any, screening_rows: list[dict[str, Any]]
) -> None:
    quality_row = json.loads((Path(__file__).parents[2] / "evals/quality/pairs.jsonl").open().readline())
    datasets = {
        "retrieval": [{"id": "r1", "query": "A2区景蓉华苑物业管理有问题", "relevant": ["item-2549"]}],
        "screening": screening_rows[:2],
        "domain": [{"id": "d1", "text": "幼儿园学位不足", "label": "教育文体"}],
        "routing": [{"id": "x", "text": "建议在小区门口加设公交站点", "domain": "交通运输",
                     "acceptable_units": ["广州市交通运输局"]}],
        "drafting": [{"id": "i1", "text": "我们小区楼梯房老人多，没电梯出门难，建议给老旧小区加装电梯多一些补贴。"}],
        "quality": [quality_row],
    }
    for suite, rows in datasets.items():
        path = write_jsonl(tmp_path / f"{suite}-tiny.jsonl", rows)
        modes = ["bm25"] if suite == "retrieval" else None
        run = run_suite(indexed_offline, suite, dataset=path, modes=modes, actor=OP)
        assert run.cases and run.config["backend"] == "offline", suite
        assert Path(run.path).is_file(), suite
    retrieval = indexed_offline.settings.runs_dir.glob("retrieval-*.json")
    assert load_run(next(retrieval)).aggregates["retrieval-tiny/bm25"]["hit@1"] == 1.0


def test_cli_run_against_an_openai_compatible_server(
    openai_server: Any, small_screening: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from baixing import main
    from tests.fakes.openai_server import tool_call

    monkeypatch.setenv("BAIXING_LLM__BASE_URL", openai_server.base_url)
    reply = {"screening": {"in_scope": True, "confidence": 0.9, "reason": "属于面向公众的建议。"}, "routing": None}
    openai_server.enqueue(*[tool_call(reply, usage=(30, 12)) for _ in range(16)])

    code = main(["eval", "screening", "--backend", "openai", "--model", "qwen-test", "--prompt-version", "v1",
                 "--dataset", str(small_screening), "--json"])

    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["usage"]["llm_calls"] == 16 and out["usage"]["tokens_in"] == 16 * 30
    saved = load_run(Path(out["path"]))
    assert saved.config["backend"] == "openai" and saved.config["model"] == "qwen-test"
    assert saved.config["prompts"]["idea_review"]["version"] == "v1"
    assert {c.details["backend"] for c in saved.cases} == {"openai"}
    assert [r.json["model"] for r in openai_server.chat_requests()] == ["qwen-test"] * 16
