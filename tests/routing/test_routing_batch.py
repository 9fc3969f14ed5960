"""The batch API of the review task: many texts at once, in order, errors in place, one audit record each."""

from __future__ import annotations

from assistant.errors import InputError
from assistant.routing.engine import OfflineRouter
from assistant.screening.engine import OfflineScreener
from tests.support import RecordingSink, review_service

TEXTS = ["建议在小区门口加设公交站点，方便老人出行", "", "楼下烧烤店油烟太大，建议加装油烟净化器",
         "我要起诉邻居，法院什么时候立案？", "建议公园里多装几盏路灯，晚上散步太黑了"]


def test_review_many_answers_in_order_with_errors_in_place(screener: OfflineScreener, router: OfflineRouter) -> None:
    sink = RecordingSink()
    service = review_service(screener, router, sink=sink)
    outcomes = service.review_many(TEXTS, routing="if_in_scope", entity_ids=[f"row-{i}" for i in range(len(TEXTS))])
    assert len(outcomes) == len(TEXTS)
    assert isinstance(outcomes[1], InputError) and outcomes[1].user_message
    answered = [o for o in outcomes if not isinstance(o, Exception)]
    assert [a.entity_id for a in sink.records] == [f"row-{i}" for i in (0, 2, 3, 4)]
    lexical = router.lexical()
    for text, outcome in zip(TEXTS, outcomes, strict=True):
        if isinstance(outcome, Exception):
            continue
        single = service.review(text, routing="if_in_scope", offline_only=True, audit=False).value
        assert outcome.value.verdict.model_dump() == single.verdict.model_dump()
        if outcome.value.decision is not None:  # the batch form: the lexical router, vectorised
            one, units = lexical.route(text), outcome.value.decision.units
            assert [(u.name, u.reason) for u in units] == [(u.name, u.reason) for u in one.units]
            assert all(abs(a.score - b.score) < 1e-9 for a, b in zip(units, one.units, strict=True))
            assert outcome.run.task == "idea_review" and outcome.value.decision.backend == "offline"
    assert any(a.value.decision is None for a in answered)  # the court question is out of scope: not routed
