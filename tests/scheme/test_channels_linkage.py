"""The channel model (深化培育 / 直通车 / 社情民意) and the 上下联动 flag: decisions, reasons, catalogue checks."""

from __future__ import annotations

import json

import pytest

from assistant.cultivation.models import DraftProposal
from assistant.errors import ConfigError
from assistant.review import IdeaReviewService
from assistant.routing.catalogue import load_catalogue
from assistant.routing.models import LLMRouting, LLMUnitChoice
from assistant.routing.spec import RoutingPart
from assistant.scheme.advisor import SchemeAdvisor
from assistant.scheme.catalogue import DEFAULT_DIR, load_scheme_catalogue, parse_catalogue
from assistant.scheme.channels import DraftSignal, draft_signal
from assistant.screening.models import ScreeningVerdict
from tests.scheme.conftest import BUS, NEIGHBOUR, PENSION

STRATEGIC = (
    "关于加快全市人工智能产业布局的建议\n当前各区都在建设人工智能产业园，但定位相近、重复招商，人才和算力资源分散。"
    "全市已有十余个相关园区，入驻企业300多家，但龙头企业不到10家。\n一、建议统筹制定全市人工智能产业发展规划。\n"
    "二、建议建立统一的算力公共服务平台。\n三、建议完善人才引进政策。\n四、建议优化营商环境，推动数字经济高质量发展。"
)
QUESTION = "请问地铁十一号线什么时候能通车？为什么一再延期？"


@pytest.fixture(scope="module")
def advisor() -> SchemeAdvisor:
    return SchemeAdvisor.load()


def test_channel_names_are_the_routing_catalogues(advisor: SchemeAdvisor) -> None:
    assert [c.name for c in advisor.catalogue.channels] == [c.name for c in load_catalogue(DEFAULT_DIR).channels]


def test_three_channels_each_with_an_explained_reason(reviewer: IdeaReviewService) -> None:
    cases = {BUS: "深化培育", STRATEGIC: "重要协商成果“直通车”", QUESTION: "摘编社情民意信息"}
    for text, channel in cases.items():
        decision = reviewer.review(text, routing="always").value.decision
        assert decision is not None and decision.channel == channel, text
        assert "四（三）" in decision.channel_reason and "“" in decision.channel_reason
    assert "增设" in reviewer.review(BUS).value.decision.channel_reason  # type: ignore[union-attr]


def test_out_of_scope_text_is_flagged_not_applicable(advisor: SchemeAdvisor, reviewer: IdeaReviewService) -> None:
    verdict = reviewer.review(NEIGHBOUR, routing="never").value.verdict
    assert not verdict.in_scope
    choice, flag = advisor.advise(NEIGHBOUR, verdict=verdict, domain="城乡建设")
    assert not choice.applicable and verdict.category and verdict.category in choice.reason
    assert "转其他渠道" in choice.reason and flag.level is None
    assert abs(sum(choice.probabilities.values()) - 1) < 1e-6
    in_scope = ScreeningVerdict(in_scope=True, confidence=0.9, reason="r", clause="c")
    assert advisor.advise(NEIGHBOUR, verdict=in_scope)[0].applicable


def test_a_mature_draft_moves_the_decision(advisor: SchemeAdvisor) -> None:
    text = "建议全市统一规划人工智能和数字经济产业布局，推动产业高质量发展，优化营商环境。"
    bare = advisor.channels.decide(text, domain="经济管理")
    mature = advisor.channels.decide(text, domain="经济管理", draft=DraftSignal(total=23))
    assert bare.channel == "深化培育"
    assert mature.probabilities["重要协商成果“直通车”"] > bare.probabilities["重要协商成果“直通车”"]
    assert any(f.key == "draft_mature" for f in mature.features)
    draft = DraftProposal(title="关于统一规划人工智能产业布局的“百姓提案”", analysis=["各区园区定位相近。"],
                          suggestions=["建议市发展改革委牵头制定产业规划。"])
    signal = draft_signal(draft)
    assert signal is not None and 5 <= signal.total <= 25
    assert draft_signal(None) is None and draft_signal(DraftProposal(title="x")) is None


@pytest.mark.parametrize(("text", "level", "word"), [
    (PENSION, "national", "养老金全国统筹"),
    ("建议延长婚假，希望省里修订计划生育条例，把婚假延长到十天。", "provincial", "婚假"),
    ("两区交界的断头路多年没有打通，区里互相推诿，建议市级统筹协调打通这条路。", "city", "市级统筹"),
    (BUS, None, None),
])
def test_linkage_levels(advisor: SchemeAdvisor, text: str, level: str | None, word: str | None) -> None:
    flag = advisor.linkage.flag(text)
    assert flag.level == level
    if word:
        assert flag.reason and word in flag.reason and "四（五）5" in flag.reason
        assert ("全国政协" in flag.reason) == (level == "national")


def test_a_ministry_named_in_passing_is_not_linkage(advisor: SchemeAdvisor) -> None:
    text = "教育部的文件早就要求配齐心理老师，我们区的学校还没有落实，建议区教育局尽快配备专职心理教师。"
    assert advisor.linkage.flag(text).level is None


def test_route_batch_record_and_model_answer_keep_the_offline_linkage(reviewer: IdeaReviewService) -> None:
    decision = reviewer.review(PENSION, routing="always").value.decision
    assert decision is not None and decision.linkage == "national"
    record = decision.batch_record("x")
    assert record["linkage"] == "national" and json.dumps(record, ensure_ascii=False)
    part = RoutingPart(reviewer.router)
    answer = LLMRouting(domain=decision.domain, units=[LLMUnitChoice(unit=decision.units[0].name, role="主办",
                                                                      reason="职责对口")],
                        committee=decision.committee, channel="深化培育", channel_reason="模型理由", abstain=False,
                        confidence=0.8)
    accepted = part.accept(answer, decision)
    assert accepted.linkage == "national" and accepted.linkage_reason == decision.linkage_reason
    assert accepted.channel == "深化培育"


def test_catalogue_errors_are_chinese(tmp_path) -> None:
    good = load_scheme_catalogue()
    assert good.handling_days > 0 and set(good.grades) == {"cultivate", "sqmy", "refer", "merge"}
    import yaml

    doc = yaml.safe_load((DEFAULT_DIR / "scheme.yaml").read_text(encoding="utf-8"))
    doc["channel_model"]["features"][0]["kind"] = "magic"
    with pytest.raises(ConfigError, match="特征类型"):
        parse_catalogue(doc)
    del doc["linkage"]
    with pytest.raises(ConfigError):
        parse_catalogue(doc)
