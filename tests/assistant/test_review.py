"""Screening + routing of one idea in one model call (task idea_review), with offline fallback."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.llm import FakeChatBackend
from assistant.review import IdeaReviewService
from assistant.routing.engine import OfflineRouter
from assistant.screening.engine import OfflineScreener
from tests.support import RecordingSink, llm_runner, review_service

IDEA = "城中村巷道里电动车乱停乱充电，消防通道被堵，建议统一建设集中充电桩并加强消防检查"


@pytest.fixture
def fake() -> FakeChatBackend:
    return FakeChatBackend(model="fake-model")


@pytest.fixture
def sink() -> RecordingSink:
    return RecordingSink()


@pytest.fixture
def review(screener: OfflineScreener, router: OfflineRouter, fake: FakeChatBackend,
           sink: RecordingSink) -> IdeaReviewService:
    return review_service(screener, router, llm_runner(fake), sink)


def _routing_answer(review: IdeaReviewService, unit: str) -> dict[str, Any]:
    catalogue = review.catalogue
    return {
        "domain": "城乡建设",
        "units": [{"unit": unit, "role": "主办", "reason": "负责消防监督检查和消防车通道管理。"}],
        "committee": catalogue.committees[0].name,
        "channel": catalogue.channels[0].name,
        "channel_reason": "建议具体可行。",
        "abstain": False,
        "confidence": 0.8,
    }


def _candidates(review: IdeaReviewService) -> list[str]:
    part = review.spec.routing
    return part.candidates(IDEA, part.offline(IDEA))


IN_SCOPE = {"in_scope": True, "confidence": 0.9, "reason": "面向公共安全的普遍性建议，符合方案四（一）。"}


def test_in_scope_idea_is_screened_and_routed_in_one_call(
    review: IdeaReviewService, fake: FakeChatBackend, sink: RecordingSink
) -> None:
    unit = _candidates(review)[1]  # not the offline first choice: proves the model's answer is used
    fake.enqueue({"screening": IN_SCOPE, "routing": _routing_answer(review, unit)})
    outcome = review.review(IDEA)
    assert outcome.run.calls == 1 and outcome.run.task == "idea_review" and outcome.run.prompt_version == "v1"
    assert outcome.value.verdict.in_scope and outcome.value.verdict.backend == "fake"
    assert outcome.value.decision is not None and outcome.value.decision.units[0].name == unit
    assert outcome.offline.decision is not None and outcome.offline.decision.backend == "offline"
    [record] = sink.records
    assert record.task == "idea_review" and record.shown["routing"]["units"][0][0] == unit
    assert record.offline["routing"]["units"][0][0] != unit and not record.agrees
    assert IDEA not in record.model_dump_json()


def test_out_of_scope_idea_gets_no_routing(review: IdeaReviewService, fake: FakeChatBackend) -> None:
    channel = review.spec.screening.engine.catalogue.names()[0]
    screening = {"in_scope": False, "category": "投诉", "confidence": 0.9,
                 "reason": "针对具体商家的投诉，依据方案四（一）不属于范围。", "channel": channel}
    fake.enqueue({"screening": screening, "routing": None})
    outcome = review.review("楼下烧烤店天天营业到凌晨，油烟熏得我家开不了窗，我要投诉")
    assert outcome.run.calls == 1 and outcome.value.decision is None
    assert outcome.value.verdict.category == "投诉"


def test_routing_always_keeps_an_offline_routing_the_model_did_not_give(
    review: IdeaReviewService, fake: FakeChatBackend
) -> None:
    screening = {"in_scope": False, "category": "投诉", "confidence": 0.9,
                 "reason": "针对具体商家的投诉，依据方案四（一）不属于范围。"}
    fake.enqueue({"screening": screening, "routing": None})
    decision = review.review(IDEA, routing="always").value.decision
    assert decision is not None and decision.backend == "offline"
    assert decision.fallback and "离线规则" in decision.fallback


def test_out_of_catalogue_answer_falls_back_to_both_offline_engines(
    review: IdeaReviewService, fake: FakeChatBackend
) -> None:
    bogus = {"screening": IN_SCOPE, "routing": _routing_answer(review, "广州市不存在局")}
    fake.enqueue(bogus, bogus)
    outcome = review.review(IDEA)
    assert outcome.run.calls == 2, "one retry with the catalogue error, then fallback"
    assert outcome.run.is_fallback and outcome.run.fallback_code == "catalogue"
    assert outcome.value.verdict.backend == "offline (fallback)"
    assert outcome.value.decision is not None and outcome.value.decision.backend == "offline (fallback)"
    assert outcome.value.decision.units[0].name in _candidates(review)


def test_offline_mode_makes_no_call(screener: OfflineScreener, router: OfflineRouter) -> None:
    outcome = review_service(screener, router).review(IDEA)
    assert outcome.run.calls == 0 and outcome.run.prompt_version is None
    assert outcome.value.decision is not None and outcome.value.verdict.backend == "offline"


def test_screening_only_requests_route_nothing_offline(screener: OfflineScreener, router: OfflineRouter) -> None:
    assert review_service(screener, router).review(IDEA, routing="never").value.decision is None
