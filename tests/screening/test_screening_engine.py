"""The offline screener: canonical categories and channels, mixed texts, suggestions, input checks."""

from __future__ import annotations

import pytest

from assistant.errors import InputError
from assistant.screening.classifier import ScreeningModel
from assistant.screening.engine import OfflineScreener
from assistant.screening.features import normalize
from tests.screening.conftest import CANONICAL, MIXED, SUGGESTIONS


@pytest.mark.parametrize("category", sorted(CANONICAL))
def test_canonical_example_gets_its_category_and_channel(screener: OfflineScreener, category: str) -> None:
    text, channel = CANONICAL[category]
    verdict = screener.screen(text)
    assert not verdict.in_scope
    assert verdict.category == category
    assert verdict.redirect is not None and verdict.redirect.channel == channel
    assert verdict.clause == "《广州市政协“百姓提案”工作方案》四（一）"
    assert category in verdict.reason and "四（一）" in verdict.reason
    assert verdict.evidence and all(e in text for e in verdict.evidence)
    assert 0.5 <= verdict.confidence <= 1.0


def test_wage_arrears_go_to_labour_arbitration(screener: OfflineScreener) -> None:
    verdict = screener.screen("公司拖欠我三个月工资一万八，老板说没钱，我要怎么才能拿回来？")
    assert verdict.category == "民事纠纷"
    assert verdict.redirect is not None and verdict.redirect.channel == "劳动人事争议仲裁委员会"
    assert verdict.reframe and "欠薪" in verdict.reframe


def test_consumer_complaint_goes_to_12315(screener: OfflineScreener) -> None:
    verdict = screener.screen("我在某健身房办了年卡，现在健身房说要装修停业，钱也不退，我要投诉。")
    assert verdict.category == "投诉"
    assert verdict.redirect is not None and verdict.redirect.channel.startswith("12315")


def test_mixed_text_stays_in_scope_with_warning_and_reframe(screener: OfflineScreener) -> None:
    verdict = screener.screen(MIXED)
    assert verdict.in_scope and verdict.category is None and verdict.redirect is None
    assert verdict.warning and "个人诉求" in verdict.warning
    assert verdict.reframe and "公交" in verdict.reframe
    assert any("准点率" in e for e in verdict.evidence)


def test_grievance_about_a_general_problem_gets_a_reframing_hint(screener: OfflineScreener) -> None:
    verdict = screener.screen("我天天坐的那趟公交车老是晚点，司机态度还差，我要投诉这个司机！")
    assert not verdict.in_scope and verdict.category == "投诉"
    assert verdict.reframe and "关于提高公交准点率" in verdict.reframe


@pytest.mark.parametrize("text", SUGGESTIONS)
def test_public_suggestions_stay_in_scope(screener: OfflineScreener, text: str) -> None:
    verdict = screener.screen(text)
    assert verdict.in_scope, text
    assert verdict.category is None and verdict.redirect is None and verdict.warning is None
    assert "金点子" in verdict.reason


@pytest.mark.parametrize("text", ["", "   ", "你好", "垃圾分类"])
def test_empty_or_too_short_text_is_refused(screener: OfflineScreener, text: str) -> None:
    with pytest.raises(InputError):
        screener.screen(text)


def test_batch_equals_single(screener: OfflineScreener) -> None:
    texts = [MIXED, *SUGGESTIONS[:2], CANONICAL["投诉"][0]]
    assert screener.screen_many(texts) == [screener.screen(t) for t in texts]


def test_place_names_and_digits_are_masked_before_features() -> None:
    assert normalize("A3区的天河区广州市 2019年") == "某地的某地某地 0年"


def test_model_round_trips_through_json(screener: OfflineScreener) -> None:
    model = screener.model
    copy = ScreeningModel.from_json(model.to_json())
    text = CANONICAL["举报"][0]
    analysis = screener.analyse(text)
    a = model.predict(text, analysis.cues, bool(analysis.general))
    b = copy.predict(text, analysis.cues, bool(analysis.general))
    assert a.p_out == pytest.approx(b.p_out, abs=1e-4)
    assert max(a.categories, key=a.categories.get) == max(b.categories, key=b.categories.get)


def test_shipped_model_records_how_it_was_chosen(screener: OfflineScreener) -> None:
    info = screener.model.info
    assert info["decision_chosen_on"].endswith("dev.jsonl")
    assert "test" not in info["train_file"]
    assert 0.0 < screener.params.threshold < 1.0
