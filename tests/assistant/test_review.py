"""Screening + routing of one idea in one model call (task idea_review), with offline fallback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.llm import FakeChatBackend, LLMRunner, PromptLoader
from assistant.review import IdeaReviewService
from assistant.routing import build_routing_service
from assistant.screening import build_screening_service
from assistant.settings import REPO_ROOT, test_settings

IDEA = "城中村巷道里电动车乱停乱充电，消防通道被堵，建议统一建设集中充电桩并加强消防检查"


@pytest.fixture
def fake() -> FakeChatBackend:
    return FakeChatBackend(model="fake-model")


@pytest.fixture
def review(tmp_path: Path, fake: FakeChatBackend) -> IdeaReviewService:
    settings = test_settings(tmp_path)
    runner = LLMRunner(fake, PromptLoader(REPO_ROOT / "prompts"))
    screening = build_screening_service(settings, runner=runner)
    routing = build_routing_service(settings, runner=runner)
    return IdeaReviewService(screening, routing, runner)


def _routing_answer(review: IdeaReviewService, unit: str) -> dict[str, Any]:
    catalogue = review.routing.offline.catalogue
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
    return review.routing.candidates(IDEA, review.routing.offline.route(IDEA))


def test_in_scope_idea_is_screened_and_routed_in_one_call(review: IdeaReviewService, fake: FakeChatBackend) -> None:
    unit = _candidates(review)[1]  # not the offline first choice: proves the model's answer is used
    screening = {"in_scope": True, "confidence": 0.9, "reason": "面向公共安全的普遍性建议，符合方案四（一）。"}
    fake.enqueue({"screening": screening, "routing": _routing_answer(review, unit)})
    result = review.review(IDEA)
    assert result.llm_calls == 1
    assert result.screening.verdict.in_scope and result.screening.verdict.backend == "fake"
    assert result.routing is not None and result.routing.decision.units[0].name == unit
    assert result.routing.offline_decision.backend == "offline", "the offline decision is kept for audit"


def test_out_of_scope_idea_gets_no_routing(review: IdeaReviewService, fake: FakeChatBackend) -> None:
    channel = review.screening.offline.catalogue.names()[0]
    screening = {
        "in_scope": False,
        "category": "投诉",
        "confidence": 0.9,
        "reason": "针对具体商家的投诉，依据方案四（一）不属于范围。",
        "channel": channel,
    }
    fake.enqueue({"screening": screening, "routing": None})
    result = review.review("楼下烧烤店天天营业到凌晨，油烟熏得我家开不了窗，我要投诉")
    assert result.llm_calls == 1 and result.routing is None
    assert result.screening.verdict.category == "投诉"


def test_out_of_catalogue_answer_falls_back_to_both_offline_engines(
    review: IdeaReviewService, fake: FakeChatBackend
) -> None:
    screening = {"in_scope": True, "confidence": 0.9, "reason": "面向公共安全的普遍性建议，符合方案四（一）。"}
    bogus = {"screening": screening, "routing": _routing_answer(review, "广州市不存在局")}
    fake.enqueue(bogus, bogus)
    result = review.review(IDEA)
    assert result.llm_calls == 2, "one retry with the catalogue error, then fallback"
    assert result.screening.verdict.backend == "offline (fallback)"
    assert result.routing is not None and result.routing.decision.backend == "offline (fallback)"
    assert result.routing.decision.units[0].name in _candidates(review)


def test_offline_mode_makes_no_call(tmp_path: Path) -> None:
    settings = test_settings(tmp_path)
    service = IdeaReviewService(build_screening_service(settings), build_routing_service(settings), None)
    result = service.review(IDEA)
    assert result.llm_calls == 0 and result.routing is not None
    assert result.screening.verdict.backend == "offline"
