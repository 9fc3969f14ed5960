"""ScreeningService: offline only, the LLM verdict with the offline one kept, fallback, audit records."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.llm import FALLBACK, OFFLINE, FakeChatBackend, InMemoryCallRecorder, LLMRunner, PromptLoader
from assistant.llm.backends import OpenAIChatBackend
from assistant.screening.engine import OfflineScreener
from assistant.screening.service import ScreeningService, audit_log_sink
from assistant.settings import REPO_ROOT
from tests.fakes.openai_server import FakeOpenAIServer, tool_call
from tests.screening.conftest import CANONICAL, MIXED

COMPLAINT = CANONICAL["投诉"][0]


@pytest.fixture
def prompts() -> PromptLoader:
    return PromptLoader(REPO_ROOT / "prompts")


@pytest.fixture
def audit() -> list[dict[str, Any]]:
    return []


def llm_answer(**overrides: Any) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "in_scope": False,
        "category": "举报",
        "confidence": 0.8,
        "reason": "检举具体商户的违法行为，依据《广州市政协“百姓提案”工作方案》四（一）不属于“百姓提案”。",
        "evidence": ["烧烤店", "油烟熏得我们开不了窗", "这句话原文里没有"],
        "channel": "12315市场监管投诉举报热线",
        "mixed": False,
        "reframe": None,
    }
    answer.update(overrides)
    return answer


def service_with(
    screener: OfflineScreener, backend: Any, prompts: PromptLoader, audit: list[dict[str, Any]]
) -> ScreeningService:
    return ScreeningService(screener, LLMRunner(backend, prompts), recorder=sink(audit))


def sink(audit: list[dict[str, Any]]):
    return lambda text, record: audit.append(record)


def test_without_runner_the_offline_verdict_is_shown(screener: OfflineScreener, audit: list) -> None:
    outcome = ScreeningService(screener, None, recorder=sink(audit)).screen(COMPLAINT)
    assert outcome.verdict == outcome.offline_verdict
    assert outcome.verdict.backend == OFFLINE and outcome.llm_audit is None
    assert audit[0]["verdict"]["category"] == "投诉" and audit[0]["agrees"]


def test_offline_mode_runner_does_not_call_a_model(
    screener: OfflineScreener, prompts: PromptLoader, audit: list
) -> None:
    service = service_with(screener, None, prompts, audit)
    assert not service.llm_enabled
    assert service.screen(MIXED).verdict.backend == OFFLINE


def test_llm_verdict_is_returned_and_the_offline_one_kept(
    screener: OfflineScreener, prompts: PromptLoader, audit: list
) -> None:
    fake = FakeChatBackend().enqueue(llm_answer())
    outcome = service_with(screener, fake, prompts, audit).screen(COMPLAINT)
    verdict = outcome.verdict
    assert (verdict.in_scope, verdict.category, verdict.backend) == (False, "举报", "fake")
    assert verdict.prompt_version == "v1" and verdict.model == "fake-model"
    assert verdict.redirect is not None and verdict.redirect.channel == "12315市场监管投诉举报热线"
    assert verdict.evidence == ["烧烤店", "油烟熏得我们开不了窗"]  # invented phrases are dropped
    assert verdict.reframe and "油烟" in verdict.reframe  # offline hint fills a missing reframe
    assert outcome.offline_verdict.category == "投诉" and outcome.offline_verdict.backend == OFFLINE
    assert not outcome.agrees
    record = audit[0]
    assert record["verdict"]["category"] == "举报" and record["offline_verdict"]["category"] == "投诉"
    assert record["llm"]["task"] == "screening" and record["llm"]["backend"] == "fake"
    assert COMPLAINT not in repr(record)


def test_prompt_delimits_the_citizen_text_and_lists_the_channels(
    screener: OfflineScreener, prompts: PromptLoader, audit: list
) -> None:
    fake = FakeChatBackend().enqueue(llm_answer())
    service_with(screener, fake, prompts, audit).screen(COMPLAINT)
    messages = fake.calls[0].messages
    assert messages[0].role == "system" and "四（一）" in messages[0].content
    assert "<citizen_text>" in messages[-1].content and COMPLAINT in messages[-1].content
    assert "信访部门：" in messages[-1].content


def test_llm_mixed_answer_gets_the_warning(screener: OfflineScreener, prompts: PromptLoader, audit: list) -> None:
    hint = "可改写为《关于提高公交准点率的建议》。"
    answer = llm_answer(in_scope=True, category=None, channel=None, mixed=True, reframe=hint)
    fake = FakeChatBackend().enqueue(answer)
    verdict = service_with(screener, fake, prompts, audit).screen(MIXED).verdict
    assert verdict.in_scope and verdict.warning and verdict.redirect is None
    assert verdict.reframe == hint


def test_invalid_output_twice_falls_back_to_the_offline_verdict(
    screener: OfflineScreener, prompts: PromptLoader, audit: list
) -> None:
    invalid = llm_answer(category=None)  # out of scope without a category: rejected by the schema
    fake = FakeChatBackend().enqueue(invalid, invalid)
    outcome = service_with(screener, fake, prompts, audit).screen(COMPLAINT)
    verdict = outcome.verdict
    assert len(fake.calls) == 2
    assert verdict.backend == FALLBACK and verdict.fallback and "离线" in verdict.fallback
    assert (verdict.in_scope, verdict.category) == (False, "投诉")
    assert verdict.model_dump(exclude={"backend", "model", "prompt_version", "fallback"}) == (
        outcome.offline_verdict.model_dump(exclude={"backend", "model", "prompt_version", "fallback"})
    )
    assert audit[0]["llm"]["fallback_code"] == "invalid_output"


def test_channel_outside_the_catalogue_is_retried(
    screener: OfflineScreener, prompts: PromptLoader, audit: list
) -> None:
    fake = FakeChatBackend().enqueue(llm_answer(channel="随便什么热线"), llm_answer(category="投诉", channel=None))
    verdict = service_with(screener, fake, prompts, audit).screen(COMPLAINT).verdict
    assert len(fake.calls) == 2 and verdict.backend == "fake"
    assert verdict.category == "投诉"
    assert verdict.redirect is not None and verdict.redirect.channel == "广州12345政务服务便民热线"  # routed offline


def test_a_broken_audit_sink_does_not_break_screening(screener: OfflineScreener) -> None:
    def broken(text: str, record: dict[str, Any]) -> None:
        raise RuntimeError("disk full")

    assert ScreeningService(screener, None, recorder=broken).screen(COMPLAINT).verdict.category == "投诉"


def test_real_http_path_masks_names_and_parses_the_tool_call(
    screener: OfflineScreener, prompts: PromptLoader, openai_server: FakeOpenAIServer
) -> None:
    openai_server.enqueue(tool_call(llm_answer(category="投诉", channel="广州12345政务服务便民热线")))
    backend = OpenAIChatBackend(base_url=openai_server.base_url, model="qwen-test", api_key="sk-test",
                                timeout_s=2.0, max_retries=0)
    recorder = InMemoryCallRecorder()
    service = ScreeningService(screener, LLMRunner(backend, prompts, recorder=recorder))
    text = "我叫张伟，电话13812345678。" + COMPLAINT
    verdict = service.screen(text, known_names=["张伟"]).verdict
    assert (verdict.backend, verdict.model, verdict.category) == ("openai", "qwen-test", "投诉")
    body = openai_server.all_bodies()
    assert "张伟" not in body and "13812345678" not in body
    assert "烧烤店" in body and "screening" not in [r.error_code for r in recorder.records]
    assert recorder.records[0].task == "screening" and recorder.records[0].ok


def test_audit_log_sink_writes_a_digest_and_both_verdicts(screener: OfflineScreener, container: Any) -> None:
    from assistant.storage.repositories.audit import AuditRepository

    service = ScreeningService(screener, None, recorder=audit_log_sink(container.audit_log))
    service.screen(COMPLAINT, entity_id="idea-42")
    service.screen(MIXED, audit=False)
    with container.database.session() as session:
        rows = AuditRepository(session).for_entity("screening", "idea-42")
        assert len(rows) == 1 and not AuditRepository(session).for_entity("screening", "idea-43")
        row = rows[0]
        assert (row.action, row.backend) == ("screen", OFFLINE)
        assert row.output["verdict"]["category"] == "投诉" and row.output["offline_verdict"]["category"] == "投诉"
        assert COMPLAINT not in repr(row.output) and row.input_digest != COMPLAINT
        assert len(AuditRepository(session).recent(action="screen")) == 1
