"""Input normalisation: Traditional → Simplified, Cantonese → Mandarin, whole-word register, third person."""

from __future__ import annotations

import pytest

from assistant.cultivation.normalize import InputNormaliser, to_simplified, traditional_residue


@pytest.fixture(scope="module")
def norm() -> InputNormaliser:
    return InputNormaliser()


def test_traditional_becomes_simplified(norm: InputNormaliser) -> None:
    out = norm.normalise("建議市民政局園林部門統一規劃，醫院門診大廳安排志願者。")
    assert out.traditional and out.text == "建议市民政局园林部门统一规划，医院门诊大厅安排志愿者。"
    assert traditional_residue(out.text) == []
    assert to_simplified("地铁末班车") == "地铁末班车"  # Simplified text is left alone


@pytest.mark.parametrize(
    ("cantonese", "wanted", "absent"),
    [
        ("我哋屋企楼下個巴士站冇上蓋，落雨嘅時候等車全身濕晒", ["我们", "公交站", "没有", "下雨", "的时候"], []),
        ("啲路燈壞咗成個月都冇人嚟整", ["坏了", "整个月", "没有人来修"], []),
        ("佢哋喺度起緊樓，嘈到冇人瞓得著", ["他们", "在这里", "正在建楼", "吵", "入睡"], []),
        ("點解唔可以畀我哋攞多啲？係咪冇得揀", ["为什么", "不", "给", "拿", "是不是", "没有"], []),
        ("乜嘢都冇，啲細路哥冇地方去", ["什么", "儿童", "没有地方"], []),
    ],
)
def test_written_cantonese_becomes_mandarin(norm: InputNormaliser, cantonese: str, wanted: list[str],
                                            absent: list[str]) -> None:
    out = norm.normalise(cantonese)
    assert out.cantonese
    assert norm.residue(out.text) == [], out.text
    for word in wanted:
        assert word in out.text, (word, out.text)


def test_mandarin_text_is_not_treated_as_cantonese(norm: InputNormaliser) -> None:
    text = "关系到群众切身利益的系统工程，建议劳动仲裁委员会公开流程。"
    out = norm.normalise(text)
    assert not out.cantonese and "关系" in out.text and "系统" in out.text and "仲裁" in out.text


def test_register_is_whole_word_only(norm: InputNormaliser) -> None:
    assert norm.normalise_text("打工的人的孩子没人带") == "务工人员的孩子无人照看"  # never 务工人员人…
    assert "乘坐出租车" in norm.normalise_text("晚上只能打车回家")
    assert norm.normalise_text("整治调整完整") == "整治调整完整"  # no bare 整 → 开展整治 inside words
    assert norm.normalise_text("打车软件的价格") == "网约车平台的价格"  # a compound has its own entry


def test_quotations_and_titles_are_never_changed(norm: InputNormaliser) -> None:
    text = "《广州市城市道路管理条例》第三十条规定：“任何单位和个人不得擅自占用城市道路……”，但好多人搞占道经营！！"
    out = norm.normalise_text(text)
    assert "《广州市城市道路管理条例》" in out and "“任何单位和个人不得擅自占用城市道路……”" in out
    assert "好多" not in out and "！！" not in out


def test_first_person_becomes_third_person(norm: InputNormaliser) -> None:
    analysis = norm.third_person("我们小区没有电梯，我妈妈每天爬七楼，我觉得很辛苦", "analysis")
    assert analysis.startswith("其所在小区") and "其母亲" in analysis and "我" not in analysis
    suggestion = norm.third_person("给我们小区装电梯", "suggestion")
    assert "该小区" in suggestion and "我" not in suggestion
