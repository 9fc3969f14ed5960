"""Validator catches each violation; enforce always yields a compliant draft; titles; questions."""

from __future__ import annotations

import random

import pytest

from assistant.cultivation.engine import OfflineDrafter
from assistant.cultivation.models import DraftProposal, Proposer
from assistant.cultivation.validator import enforce, hard_violations, section_length, title_topic, validate


def codes(draft: DraftProposal, idea: str | None = None) -> set[str]:
    return {v.code for v in validate(draft, idea)}


def good() -> DraftProposal:
    return DraftProposal(
        title="关于老旧小区加装电梯的“百姓提案”",
        analysis=["据群众反映，该小区七层无电梯。"],
        suggestions=["建议市住房城乡建设局简化加装电梯审批。"],
        proposer=Proposer(name="张三", occupation="退休教师", phone="13800138000", address="天河区某路1号"),
    )


@pytest.mark.parametrize(
    ("update", "code"),
    [
        ({"title": "老旧小区加装电梯"}, "title_format"),
        ({"title": "关于我们小区七层楼没有电梯老人上下楼很难所以大家都希望加装电梯的“百姓提案”"}, "title_topic_length"),
        ({"title": "关于电梯，补贴的“百姓提案”"}, "title_topic_sentence"),
        ({"analysis": []}, "analysis_empty"),
        ({"suggestions": ["  "]}, "suggestions_empty"),
        ({"analysis": ["1. 据群众反映，该小区七层无电梯。"]}, "analysis_numbering"),
        ({"analysis": ["情况" * 300]}, "analysis_too_long"),
        ({"suggestions": ["建议市住房城乡建设局" + "补贴" * 600]}, "suggestions_too_long"),
        ({"suggestions": [f"建议有关部门做第{i}件事。" for i in range(12)]}, "suggestions_too_many"),
        ({"analysis": ["联系人电话13912345678。"]}, "pii"),
        ({"analysis": ["张三反映该小区没有电梯。"]}, "pii"),
    ],
)
def test_validator_catches_each_violation(update: dict, code: str) -> None:
    assert code not in codes(good())
    assert code in codes(good().model_copy(update=update))


def test_soft_checks_do_not_block() -> None:
    draft = good().model_copy(update={"proposer": Proposer(), "suggestions": ["简化审批。"]})
    found = {v.code: v.hard for v in validate(draft)}
    assert found == {"proposer_missing": False, "suggestion_actor": False}


WEIRD = ["", "啊", "！！！？？？", "1. 2. 3.", "建议" * 400, "电话13912345678，身份证110101199003071234",
         "😀😀😀公园😀", "\n\n\n", "a" * 3000, "关于关于关于的“百姓提案”", "。" * 50]


def random_idea(rng: random.Random) -> str:
    pool = "我们小区老人没有电梯上下楼很难建议政府加装补贴，。！？公交晚点学校门口危险123路灯坏了垃圾没人管\n"
    return "".join(rng.choice(pool) for _ in range(rng.randint(1, 1500)))


def test_enforce_always_yields_a_compliant_draft() -> None:
    rng = random.Random(7)
    for idea in WEIRD + [random_idea(rng) for _ in range(150)]:
        raw = DraftProposal(
            title=idea[:80],
            analysis=[idea, idea[::-1], *idea.split("。")][:20],
            suggestions=[idea] * rng.randint(0, 14),
            proposer=Proposer(name="李四", phone="13912345678"),
        )
        fixed = enforce(raw, idea)
        assert not hard_violations(fixed, idea), (idea[:40], [v.code for v in hard_violations(fixed, idea)])
        assert fixed.violations == []
        assert section_length(fixed.analysis) <= 500 and section_length(fixed.suggestions) <= 1000


def test_enforce_says_what_it_shortened() -> None:
    long_points = [f"第{i}方面的情况说明。" + "具体情况较为复杂，" * 12 for i in range(6)]
    draft = good().model_copy(update={"analysis": long_points})
    fixed = enforce(draft)
    assert section_length(fixed.analysis) <= 500
    assert any("情况分析" in n for n in fixed.notes)


@pytest.fixture(scope="module")
def drafter() -> OfflineDrafter:
    return OfflineDrafter()


def test_engine_drafts_are_compliant_with_a_concise_title(drafter: OfflineDrafter) -> None:
    rng = random.Random(3)
    for idea in [*WEIRD[1:], *(random_idea(rng) for _ in range(60))]:
        draft = drafter.draft(idea)
        assert not hard_violations(draft, idea)
        topic = title_topic(draft.title)
        assert topic and 2 <= len(topic) <= 25
        assert len(draft.questions) <= 3


def test_title_of_a_clear_idea(drafter: OfflineDrafter) -> None:
    idea = "我们小区是九十年代的老房子，七层没有电梯，老人家上下楼太难了，希望给老旧小区加装电梯多一些补贴。"
    draft = drafter.draft(idea)
    assert title_topic(draft.title) is not None and "电梯" in draft.title
    assert all(s.startswith("建议广州市住房和城乡建设局") for s in draft.suggestions)  # fallback table (no routing)
    assert "老年人" in draft.analysis[0] and "老人家" not in draft.analysis[0]


def test_questions_target_missing_elements_and_answers_feed_the_next_draft(drafter: OfflineDrafter) -> None:
    first = drafter.draft("公园里晚上太黑了，路灯坏了。")
    assert 1 <= len(first.questions) <= 3
    assert first.questions[0].element == "suggestion"
    answers = {"suggestion": "建议区林业园林局一个月内修复路灯并建立巡查机制", "affected": "附近约3000户居民晚上散步"}
    second = drafter.draft("公园里晚上太黑了，路灯坏了。", answers)
    assert "suggestion" not in {q.element for q in second.questions}
    assert any("巡查机制" in s for s in second.suggestions)
    assert any("3000户" in a for a in second.analysis)


def test_pii_in_the_idea_stays_out_of_the_body(drafter: OfflineDrafter) -> None:
    draft = drafter.draft("我是王小明，电话13912345678，小区门口垃圾没人清理，建议增加清运次数。")
    body = "".join(draft.analysis + draft.suggestions)
    assert "13912345678" not in body
