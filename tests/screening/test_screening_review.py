"""Screening through the review task: the model's verdict with the offline one kept, fallback, audit records."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.llm import FALLBACK, OFFLINE, FakeChatBackend, InMemoryCallRecorder
from assistant.llm.backends import OpenAIChatBackend
from assistant.review import IdeaReviewService
from assistant.routing.engine import OfflineRouter
from assistant.screening.engine import OfflineScreener
from assistant.tasks import TaskAudit
from assistant.tasks.audit import AuditLogSink
from tests.fakes.openai_server import FakeOpenAIServer, tool_call
from tests.screening.conftest import CANONICAL, MIXED
from tests.support import RecordingSink, llm_runner, review_service

COMPLAINT = CANONICAL["投诉"][0]


def llm_answer(**overrides: Any) -> dict[str, Any]:
    screening: dict[str, Any] = {
        "in_scope": False,
        "category": "举报",
        "confidence": 0.8,
        "reason": "检举具体商户的违法行为，依据《广州市政协“百姓提案”工作方案》四（一）不属于“百姓提案”。",
        "evidence": ["烧烤店", "油烟熏得我们开不了窗", "这句话原文里没有"],
        "channel": "12315市场监管投诉举报热线",
        "mixed": False,
        "reframe": None,
    }
    screening.update(overrides)
    return {"screening": screening, "routing": None}


@pytest.fixture
def sink() -> RecordingSink:
    return RecordingSink()


def reviewer(screener: OfflineScreener, router: OfflineRouter, backend: Any, sink: RecordingSink | None = None
             ) -> IdeaReviewService:
    return review_service(screener, router, llm_runner(backend), sink)


def test_without_a_model_the_offline_verdict_is_shown_and_audited(
    screener: OfflineScreener, router: OfflineRouter, sink: RecordingSink
) -> None:
    outcome = review_service(screener, router, None, sink).review(COMPLAINT, routing="never")
    assert outcome.value.verdict == outcome.offline.verdict and outcome.value.verdict.backend == OFFLINE
    [record] = sink.records
    assert record.shown["screening"]["category"] == "投诉" and record.agrees and record.run.engine == OFFLINE


def test_model_verdict_is_returned_and_the_offline_one_kept(
    screener: OfflineScreener, router: OfflineRouter, sink: RecordingSink
) -> None:
    outcome = reviewer(screener, router, FakeChatBackend().enqueue(llm_answer()), sink).review(COMPLAINT)
    verdict = outcome.value.verdict
    assert (verdict.in_scope, verdict.category, verdict.backend) == (False, "举报", "fake")
    assert verdict.prompt_version == "v1" and verdict.model == "fake-model"
    assert verdict.redirect is not None and verdict.redirect.channel == "12315市场监管投诉举报热线"
    assert verdict.evidence == ["烧烤店", "油烟熏得我们开不了窗"]  # invented phrases are dropped
    assert verdict.reframe and "油烟" in verdict.reframe  # offline hint fills a missing reframe
    assert outcome.offline.verdict.category == "投诉" and outcome.offline.verdict.backend == OFFLINE
    record: TaskAudit = sink.records[0]
    assert record.shown["screening"]["category"] == "举报" and record.offline["screening"]["category"] == "投诉"
    assert not record.agrees and record.run.task == "idea_review" and record.run.engine == "fake"
    assert COMPLAINT not in record.model_dump_json()


def test_prompt_delimits_the_citizen_text_and_lists_the_channels(
    screener: OfflineScreener, router: OfflineRouter
) -> None:
    fake = FakeChatBackend().enqueue(llm_answer())
    reviewer(screener, router, fake).review(COMPLAINT)
    messages = fake.calls[0].messages
    assert messages[0].role == "system" and "四（一）" in messages[0].content
    assert "<citizen_text>" in messages[-1].content and COMPLAINT in messages[-1].content
    assert "信访部门" in messages[-1].content or "信访部门" in messages[0].content


def test_mixed_answer_gets_the_warning(screener: OfflineScreener, router: OfflineRouter) -> None:
    hint = "可改写为《关于提高公交准点率的建议》。"
    answer = llm_answer(in_scope=True, category=None, channel=None, mixed=True, reframe=hint)
    verdict = reviewer(screener, router, FakeChatBackend().enqueue(answer)).review(MIXED).value.verdict
    assert verdict.in_scope and verdict.warning and verdict.redirect is None
    assert verdict.reframe == hint


def test_invalid_output_twice_falls_back_to_the_offline_verdict(
    screener: OfflineScreener, router: OfflineRouter, sink: RecordingSink
) -> None:
    invalid = llm_answer(category=None)  # out of scope without a category: rejected by the schema
    fake = FakeChatBackend().enqueue(invalid, invalid)
    outcome = reviewer(screener, router, fake, sink).review(COMPLAINT)
    verdict = outcome.value.verdict
    assert len(fake.calls) == 2
    assert verdict.backend == FALLBACK and verdict.fallback and "离线" in verdict.fallback
    assert (verdict.in_scope, verdict.category) == (False, "投诉")
    stamp = {"backend", "model", "prompt_version", "fallback"}
    assert verdict.model_dump(exclude=stamp) == outcome.offline.verdict.model_dump(exclude=stamp)
    assert sink.records[0].run.fallback_code == "invalid_output"


def test_channel_outside_the_catalogue_is_retried(screener: OfflineScreener, router: OfflineRouter) -> None:
    fake = FakeChatBackend().enqueue(llm_answer(channel="随便什么热线"), llm_answer(category="投诉", channel=None))
    verdict = reviewer(screener, router, fake).review(COMPLAINT).value.verdict
    assert len(fake.calls) == 2 and verdict.backend == "fake"
    assert verdict.category == "投诉"
    assert verdict.redirect is not None and verdict.redirect.channel == "广州12345政务服务便民热线"  # routed offline


def test_a_broken_audit_sink_does_not_break_screening(screener: OfflineScreener, router: OfflineRouter) -> None:
    class Broken(RecordingSink):
        def record(self, audit: TaskAudit) -> None:
            raise RuntimeError("disk full")

    outcome = review_service(screener, router, None, Broken()).review(COMPLAINT)
    assert outcome.value.verdict.category == "投诉"


def test_real_http_path_masks_names_and_parses_the_tool_call(
    screener: OfflineScreener, router: OfflineRouter, openai_server: FakeOpenAIServer
) -> None:
    openai_server.enqueue(tool_call(llm_answer(category="投诉", channel="广州12345政务服务便民热线")))
    backend = OpenAIChatBackend(base_url=openai_server.base_url, model="qwen-test", api_key="sk-test",
                                timeout_s=2.0, max_retries=0)
    recorder = InMemoryCallRecorder()
    service = review_service(screener, router, llm_runner(backend, recorder=recorder))
    text = "我叫张伟，电话13812345678。" + COMPLAINT
    verdict = service.review(text, known_names=("张伟",)).value.verdict
    assert (verdict.backend, verdict.model, verdict.category) == ("openai", "qwen-test", "投诉")
    body = openai_server.all_bodies()
    assert "张伟" not in body and "13812345678" not in body
    assert "烧烤店" in body
    assert recorder.records[0].task == "idea_review" and recorder.records[0].ok


def test_audit_log_sink_writes_a_digest_and_both_verdicts(
    screener: OfflineScreener, router: OfflineRouter, container: Any
) -> None:
    from assistant.storage.repositories.audit import AuditRepository

    service = review_service(screener, router, None, AuditLogSink(container.audit_log))  # type: ignore[arg-type]
    service.review(COMPLAINT, entity_id="idea-42")
    service.review(MIXED, audit=False)
    with container.database.session() as session:
        rows = AuditRepository(session).for_entity("idea", "idea-42")
        assert len(rows) == 1 and not AuditRepository(session).for_entity("idea", "idea-43")
        row = rows[0]
        assert (row.action, row.backend) == ("review", OFFLINE)
        assert row.output["shown"]["screening"]["category"] == "投诉"
        assert row.output["offline"]["screening"]["category"] == "投诉" and row.output["task"] == "idea_review"
        assert COMPLAINT not in repr(row.output) and row.input_digest != COMPLAINT
        assert len(AuditRepository(session).recent(action="review")) == 1
