"""LLMRunner with the scripted fake backend and the offline engine: retry, fallback, records, streaming."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.llm import (
    FALLBACK,
    OFFLINE,
    FakeChatBackend,
    FakeReply,
    IdeaAnalysis,
    InMemoryCallRecorder,
    LLMCallRecord,
    LLMConfigError,
    LLMRunner,
    LLMUnavailable,
    PromptLoader,
    PromptVariableError,
    Usage,
    build_chat_backend,
    build_llm_runner,
)
from assistant.llm.backends import OpenAIChatBackend
from assistant.settings import LLMSettings, PromptSettings, test_settings
from tests.llm.helpers import (
    CATALOGUES,
    IDEA,
    PII_VALUES,
    PROPOSER,
    analysis_args,
    analysis_variables,
    offline_analysis,
)


def run_analysis(runner: LLMRunner, idea: str = IDEA):
    return runner.run_structured(
        "idea_analysis",
        IdeaAnalysis,
        offline=offline_analysis,
        variables=analysis_variables(),
        untrusted={"idea": idea},
        catalogues=CATALOGUES,
        known_names=[PROPOSER],
    )


@pytest.fixture
def fake() -> FakeChatBackend:
    return FakeChatBackend()


@pytest.fixture
def runner(fake: FakeChatBackend, prompts: PromptLoader, recorder: InMemoryCallRecorder) -> LLMRunner:
    return LLMRunner(fake, prompts, recorder=recorder)


def test_offline_mode_uses_the_offline_engine(prompts: PromptLoader) -> None:
    result = run_analysis(LLMRunner(None, prompts))
    assert result.backend == OFFLINE
    assert result.value == offline_analysis()
    assert not result.is_fallback
    assert (result.calls, result.prompt_version, result.guard_version) == (0, "v1", "v1")


def test_offline_mode_still_checks_prompt_variables(prompts: PromptLoader) -> None:
    with pytest.raises(PromptVariableError):
        LLMRunner(None, prompts).run_structured(
            "idea_analysis", IdeaAnalysis, offline=offline_analysis, untrusted={"idea": "x"}
        )


def test_trusted_and_untrusted_variables_must_not_overlap(runner: LLMRunner) -> None:
    with pytest.raises(PromptVariableError, match="both"):
        runner.build_messages(
            "draft", {"idea": "a", "domain": "", "units": ""}, {"idea": "b", "references": ""}
        )


def test_success_restores_pii_and_records_the_call(
    runner: LLMRunner, fake: FakeChatBackend, recorder: InMemoryCallRecorder
) -> None:
    fake.enqueue(FakeReply(data=analysis_args(summary="⟨NAME_1⟩建议增设停放区"), usage=Usage(100, 20)))
    result = run_analysis(runner)
    assert result.backend == "fake" and result.model == "fake-model"
    assert result.value.summary == f"{PROPOSER}建议增设停放区"
    assert (result.tokens_in, result.tokens_out, result.calls) == (100, 20, 1)
    sent = "\n".join(m.content for m in fake.calls[0].messages)
    assert not [v for v in PII_VALUES if v in sent]
    [call] = recorder.records
    assert isinstance(call, LLMCallRecord)
    assert (call.task, call.prompt_version, call.ok, call.tokens_in, call.kind) == (
        "idea_analysis",
        "v1",
        True,
        100,
        "structured",
    )
    audit = result.audit()
    assert audit["prompt_version"] == "v1" and audit["backend"] == "fake"
    assert not [v for v in PII_VALUES if v in str(audit)]


def test_validation_error_is_retried_once_with_the_error(
    runner: LLMRunner, fake: FakeChatBackend, recorder: InMemoryCallRecorder
) -> None:
    fake.enqueue(analysis_args(in_scope=False), analysis_args())  # first: category missing
    result = run_analysis(runner)
    assert result.backend == "fake" and result.calls == 2
    retry_message = fake.calls[1].messages[-1]
    assert retry_message.role == "user"
    assert "exclusion_category is required" in retry_message.content
    assert [r.ok for r in recorder.records] == [False, True]
    assert recorder.records[0].error_code == "invalid_output"


def test_two_validation_errors_fall_back(runner: LLMRunner, fake: FakeChatBackend) -> None:
    fake.enqueue("我觉得属于范围。", analysis_args(exclusion_category="其他"))
    result = run_analysis(runner)
    assert result.backend == FALLBACK and result.is_fallback
    assert result.value == offline_analysis()
    assert result.fallback is not None and result.fallback.code == "invalid_output"
    assert result.fallback.message.startswith("大模型两次输出")
    assert result.calls == 2 and fake.pending == 0


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (LLMUnavailable("down", code="connection"), "connection"),
        (TimeoutError("slow"), "timeout"),
        (RuntimeError("bug in a client"), "unexpected"),
    ],
)
def test_transport_failures_fall_back_without_retry(
    runner: LLMRunner, fake: FakeChatBackend, error: Exception, code: str
) -> None:
    fake.enqueue(error, analysis_args())
    result = run_analysis(runner)
    assert result.backend == FALLBACK
    assert result.fallback is not None and result.fallback.code == code
    assert result.calls == 1 and fake.pending == 1


def test_empty_fake_script_falls_back(runner: LLMRunner) -> None:
    result = run_analysis(runner)
    assert result.fallback is not None and result.fallback.code == "fake_exhausted"


def test_a_broken_recorder_does_not_break_the_answer(fake: FakeChatBackend, prompts: PromptLoader) -> None:
    class Broken:
        def record(self, call: LLMCallRecord) -> None:
            raise OSError("disk full")

    fake.enqueue(analysis_args())
    assert run_analysis(LLMRunner(fake, prompts, recorder=Broken())).backend == "fake"


def test_active_prompt_version_is_recorded(tmp_path: Path, prompts_dir: Path, fake: FakeChatBackend) -> None:
    root = tmp_path / "prompts"
    for task in ("idea_analysis", "guard"):
        (root / task).mkdir(parents=True)
        (root / task / "v1.md").write_text((prompts_dir / task / "v1.md").read_text("utf-8"), "utf-8")
    v2 = (prompts_dir / "idea_analysis" / "v1.md").read_text("utf-8").replace("version: v1", "version: v2")
    (root / "idea_analysis" / "v2.md").write_text(v2, "utf-8")
    settings = test_settings(tmp_path, prompts=PromptSettings(dir=root, versions={"idea_analysis": "v2"}))
    recorder = InMemoryCallRecorder()
    runner = build_llm_runner(settings, recorder=recorder, backend=fake)
    fake.enqueue(analysis_args())
    result = run_analysis(runner)
    assert result.prompt_version == "v2" and recorder.records[0].prompt_version == "v2"
    assert result.audit()["prompt_sha256"] == runner.prompts.load("idea_analysis", "v2").sha256


# streaming ----------------------------------------------------------------------------------------


def draft_stream(runner: LLMRunner):
    return runner.run_stream(
        "draft",
        offline=lambda: "离线草稿全文",
        variables={"domain": "交通出行", "units": ["市交通运输局"]},
        untrusted={"idea": IDEA, "references": ""},
        known_names=[PROPOSER],
    )


def test_stream_yields_chunks_in_order_and_restores_placeholders(
    runner: LLMRunner, fake: FakeChatBackend, recorder: InMemoryCallRecorder
) -> None:
    fake.enqueue(FakeReply(chunks=["关于增设", "停放区的“百姓", "提案”\n提案人：⟨NAM", "E_1⟩"]))
    stream = draft_stream(runner)
    with pytest.raises(RuntimeError):
        _ = stream.result
    chunks = list(stream)
    assert "".join(chunks) == f"关于增设停放区的“百姓提案”\n提案人：{PROPOSER}"
    assert stream.result.value == "".join(chunks)
    assert stream.result.backend == "fake" and stream.result.tokens_in == 10
    assert recorder.records[0].kind == "stream"
    sent = "\n".join(m.content for m in fake.calls[0].messages)
    assert not [v for v in PII_VALUES if v in sent]


def test_stream_failure_before_text_yields_the_offline_text(runner: LLMRunner, fake: FakeChatBackend) -> None:
    fake.enqueue(LLMUnavailable("refused", code="connection"))
    stream = draft_stream(runner)
    assert list(stream) == ["离线草稿全文"]
    assert stream.result.backend == FALLBACK and stream.result.fallback.code == "connection"


def test_stream_failure_mid_way_marks_the_result_as_fallback(
    runner: LLMRunner, fake: FakeChatBackend
) -> None:
    fake.enqueue(FakeReply(chunks=["关于", "增设", TimeoutError("read timed out")]))
    stream = draft_stream(runner)
    assert list(stream) == ["关于", "增设"]
    result = stream.result
    assert result.is_fallback and result.value == "离线草稿全文"
    assert result.fallback.code == "timeout" and "partial text discarded" in result.fallback.cause


def test_empty_stream_falls_back(runner: LLMRunner, fake: FakeChatBackend) -> None:
    fake.enqueue(FakeReply(chunks=[]))
    assert draft_stream(runner).collect().fallback.code == "empty_output"


def test_offline_stream(prompts: PromptLoader) -> None:
    stream = draft_stream(LLMRunner(None, prompts))
    assert list(stream) == ["离线草稿全文"] and stream.result.backend == OFFLINE


# factory ------------------------------------------------------------------------------------------


def test_factory_picks_the_backend_by_mode() -> None:
    assert build_chat_backend(LLMSettings(mode="offline")) is None
    assert isinstance(build_chat_backend(LLMSettings(mode="fake")), FakeChatBackend)
    backend = build_chat_backend(LLMSettings(mode="openai", base_url="http://127.0.0.1:9/v1", model="m"))
    assert isinstance(backend, OpenAIChatBackend) and backend.model == "m"
    with pytest.raises(LLMConfigError):
        build_chat_backend(LLMSettings(mode="openai"))


def test_runner_from_test_settings_is_fake(tmp_path: Path) -> None:
    runner = build_llm_runner(test_settings(tmp_path))
    assert runner.mode == "fake"
