"""The service's LLM path (catalogue-bound, offline decision kept) and the batch CLI contract."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from assistant.errors import InputError
from assistant.llm.runner import LLMResult
from assistant.routing import cli
from assistant.routing.engine import OfflineRouter
from assistant.routing.models import LLMRouting, LLMUnitChoice
from assistant.routing.service import RoutingService

IDEA = "老旧小区没有电梯，老人上下楼太难，建议加大加装电梯补贴并简化审批。"


class FakeRunner:
    """Returns a preset answer and records what the service asked for."""

    mode = "openai"

    def __init__(self, answer: LLMRouting | None) -> None:
        self.answer = answer
        self.kwargs: dict[str, Any] = {}

    def run_structured(self, task: str, schema: Any, **kwargs: Any) -> LLMResult[Any]:
        self.kwargs = kwargs
        if self.answer is None:
            return LLMResult(value=kwargs["offline"](), backend="offline (fallback)", model="m", task=task,
                             prompt_version="v1")
        return LLMResult(value=self.answer, backend="openai", model="m", task=task, prompt_version="v1")


def test_llm_answer_is_used_and_offline_kept(router: OfflineRouter) -> None:
    answer = LLMRouting(
        domain="城乡建设",
        units=[LLMUnitChoice(unit="广州市住房和城乡建设局", role="主办", reason="负责老旧小区改造和加装电梯。")],
        committee="城乡建设委员会", channel="深化培育", channel_reason="可操作性强。", abstain=False, confidence=0.9,
    )
    runner = FakeRunner(answer)
    records: list[dict[str, Any]] = []
    service = RoutingService(router, runner=runner, recorder=lambda _t, r: records.append(r))
    outcome = service.route(IDEA)
    assert outcome.decision.backend == "openai"
    assert outcome.decision.units[0].name == "广州市住房和城乡建设局"
    assert outcome.offline_decision.backend == "offline"
    allowed = runner.kwargs["catalogues"]["units.unit"]
    assert "广州市住房和城乡建设局" in allowed and len(allowed) <= 8
    assert records and records[0]["offline_decision"]["units"]
    assert IDEA not in json.dumps(records, ensure_ascii=False)


def test_fallback_returns_offline_decision(router: OfflineRouter) -> None:
    outcome = RoutingService(router, runner=FakeRunner(None)).route(IDEA)
    assert outcome.decision.units == outcome.offline_decision.units
    assert outcome.decision.backend == "offline (fallback)"


def test_empty_text_is_an_input_error(router: OfflineRouter) -> None:
    with pytest.raises(InputError):
        RoutingService(router).route("   ")


def test_batch_cli_keys_and_error_records(router: OfflineRouter, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    service = RoutingService(router)
    lines = [json.dumps({"id": "a", "text": IDEA}, ensure_ascii=False), "not json", json.dumps({"id": "c"}),
             json.dumps({"id": "d", "text": ""})]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    assert cli.ROUTE.batch(service, offline=True) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert list(out[0]) == ["id", "domain", "units", "committee", "channel", "abstain"]
    assert list(out[0]["units"][0]) == ["name", "role", "score", "reason"]
    assert out[0]["units"][0]["name"] in router.catalogue.unit_names()
    assert [r.get("line") for r in out[1:]] == [2, 3, 4] and all("error" in r for r in out[1:])


def test_too_short_text_is_refused_not_routed(router) -> None:
    import pytest

    from assistant.errors import InputError
    from assistant.routing.service import RoutingService

    with pytest.raises(InputError, match="内容太短"):
        RoutingService(router).route("修路", audit=False)
