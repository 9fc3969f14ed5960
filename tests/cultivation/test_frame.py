"""Round 2 of issue 14: drafts that read like a careful 提案委 staff member wrote them — whole noun phrases for what
an idea is about, one grammatical （待补充：…） sentence naming what THIS idea lacks, verb-first measures without an
empty 推动, no lost subjects, titles without filler."""

from __future__ import annotations

import re

import pytest

from assistant.cultivation.engine import OfflineDrafter, with_subject
from assistant.cultivation.frame import affected_group, measure_parts, noun_phrase, problem_phrase
from assistant.cultivation.gaps import gap_sentence
from assistant.cultivation.models import DraftRequest
from assistant.routing.models import RoutingDecision, UnitSuggestion

_GAP = re.compile(r"（待补充：([^（）]*)。）")


def routing(*names: str) -> RoutingDecision:
    units = [UnitSuggestion(name=n, role="主办" if i == 0 else "协办", score=0.9 - 0.05 * i, reason="测试")
             for i, n in enumerate(names)]
    return RoutingDecision(domain="测试", domain_confidence=0.9, units=units, committee="", committee_reason="",
                           channel="", channel_reason="", abstain=False)


@pytest.fixture(scope="module")
def drafter() -> OfflineDrafter:
    return OfflineDrafter()


@pytest.mark.parametrize(("clause", "expected"), [
    ("小区附近的公园晚上路灯很多都坏了", "公园路灯"),   # locative modifier and time word dropped
    ("很多社区的篮球场晚上十点就关灯了", "社区篮球场"),
    ("广州的长者饭堂延长营业时间", "长者饭堂"),          # the city is no part of the subject
    ("学校门口放学的时候电动自行车乱停", "电动自行车"),  # never 时候电动自行车
    ("其住在海珠区江南大道中一带", ""),                 # about the citizen: no subject (never 其住)
    ("现在下午一点就关门了", ""),
])
def test_noun_phrases_are_whole_or_empty(clause: str, expected: str) -> None:
    assert noun_phrase(clause).text == expected


def test_problem_phrases_come_from_the_citizens_clause() -> None:
    assert problem_phrase("其家楼下的公交站没有上盖") == "公交站没有上盖"
    assert problem_phrase("地铁末班车太早了") == "地铁末班车过早"
    assert problem_phrase("现在下午一点就关门了", "长者饭堂") == "长者饭堂下午一点就关门"
    assert problem_phrase("其住在海珠区江南大道中一带", "长者饭堂") == ""   # never a fragment
    assert problem_phrase("很多家长送孩子去学游泳") == ""                  # a fact, not a problem


def test_measures_and_people_are_read_from_the_words() -> None:
    parts = measure_parts("长者饭堂延长营业时间")
    assert (parts.subject, parts.verb, parts.obj) == ("长者饭堂", "延长", "营业时间")
    assert affected_group("老人家过马路好惊") == "老人"
    assert affected_group("方便上班族和学生晚上去看书") == "上班族"
    assert gap_sentence(["A", "B", "C"]) == "A、B及C" and gap_sentence(["A", "B"]) == "A及B"


def test_the_gap_mark_is_one_specific_sentence(drafter: OfflineDrafter) -> None:
    draft = drafter.draft(DraftRequest(idea="建议广州的长者饭堂延长营业时间，现在下午一点就关门了，"
                                            "很多老人吃不上午饭。"))
    marks = [m for p in draft.analysis for m in _GAP.findall(p)]
    assert len(marks) == 1
    mark = marks[0]
    assert "长者饭堂" in mark and "老人" in mark and "；" not in mark
    assert not re.search(r"(?:老人|其住|小区)问题", mark)  # no “X问题” fragments


def test_a_lost_subject_is_restored(drafter: OfflineDrafter) -> None:
    draft = drafter.draft(DraftRequest(idea="建议广州的长者饭堂延长营业时间，现在下午一点就关门了，"
                                            "很多老人吃不上午饭。"))
    assert draft.analysis[0].startswith("据提出人反映，目前长者饭堂下午一点就关门")
    assert with_subject("经常坏。", "扶梯") == "扶梯经常坏。"
    assert with_subject("其住在海珠区。", "扶梯") == "其住在海珠区。"


def test_titles_and_suggestions_say_the_action_without_filler(drafter: OfflineDrafter) -> None:
    draft = drafter.draft(DraftRequest(idea="建议广州的长者饭堂延长营业时间，现在下午一点就关门了，"
                                            "很多老人吃不上午饭。",
                                       routing=routing("广州市民政局")))
    assert draft.title == "关于延长长者饭堂营业时间的“百姓提案”"
    assert draft.suggestions[0] == "建议广州市民政局延长长者饭堂的营业时间。"
    metro = drafter.draft(DraftRequest(
        idea="地铁末班车太早了，加班到十一点多出来已经没有地铁，只能打车回家，希望地铁延长运营时间或者增开夜班公交。",
        routing=routing("广州地铁集团有限公司")))
    assert "推动" not in metro.title + "".join(metro.suggestions)
    assert metro.title == "关于延长地铁运营时间或增开夜班公交的“百姓提案”"
    lights = drafter.draft(DraftRequest(idea="小区附近的公园晚上路灯好多都坏了，黑乎乎的，老人晚上散步不安全，"
                                             "希望修一修。"))
    assert "进行维修" not in "".join(lights.suggestions) and "路灯" in lights.suggestions[0]


def test_a_subject_place_becomes_where_the_measure_happens(drafter: OfflineDrafter) -> None:
    draft = drafter.draft(DraftRequest(idea="现在外卖骑手在小区门口进不去，建议小区设置统一的外卖存放柜。"))
    assert "在小区设置统一的外卖存放柜" in draft.suggestions[0] and "推动" not in draft.suggestions[0]


def test_a_bare_request_says_what_it_is_for_and_asks_about_today(drafter: OfflineDrafter) -> None:
    draft = drafter.draft(DraftRequest(idea="建议在各区图书馆延长开放时间到晚上十点，方便上班族和学生晚上去看书。"))
    assert draft.analysis[0] == "提出人提出这一建议，是为了方便上班族和学生晚上去看书。"
    mark = _GAP.findall("".join(draft.analysis))[0]
    assert "各区图书馆目前的开放时间" in mark and "上班族" in mark


def test_a_residence_is_the_place_of_a_local_problem(drafter: OfflineDrafter) -> None:
    draft = drafter.draft(DraftRequest(idea="我是陈秀英，住在海珠区江南大道中123号，电话13926481357。"
                                            "我们这边人行道被共享单车占满了，推轮椅只能走马路，建议划定停放区。"))
    assert draft.analysis[0].startswith("据提出人反映，在其居住的海珠区江南大道中一带，人行道被共享单车占满了")
    body = "".join([draft.title, *draft.analysis, *draft.suggestions])
    assert "123号" not in body and "13926481357" not in body and "其住" not in body


def test_answers_to_a_cantonese_idea_are_read_as_cantonese(drafter: OfflineDrafter) -> None:
    idea = "啲細路哥放暑假冇地方去，父母又要返工，希望社區可以搞啲暑期托管班，收平啲。"
    draft = drafter.draft(DraftRequest(idea=idea, answers={"detail": "最好七月同八月每日朝早八點到夜晚六點，"
                                                                     "一個月收一千蚊以內。"}))
    text = "".join(draft.suggestions)
    assert "早上八点到晚上六点" in text and "一千元" in text
    assert not re.search(r"朝早|夜晚|蚊|同八月", text)


def test_a_wish_is_a_request_and_the_citizens_view_of_the_cause_stays_his(drafter: OfflineDrafter) -> None:
    draft = drafter.draft(DraftRequest(idea="很多绿道是断开的，骑着骑着就没了，很危险，感觉如果把绿道连起来，"
                                            "做成一个网，"
                                            "那就很好了。"))
    assert draft.suggestions[0].startswith("建议") and "连通绿道" in draft.suggestions[0]
    cause = drafter.draft(DraftRequest(idea="菜市场门口很乱，我觉得主要是市场里面的摊位不够，建议增设临时摊位区。"))
    assert any(p.startswith("关于成因，提出人认为，主要是市场里面的摊位不够") for p in cause.analysis)
    assert not any("其认为" in p for p in cause.analysis)


@pytest.mark.parametrize(("idea", "name", "absent"), [
    ("我是退休教师王建国，家住越秀区东风东路120号3栋502，手机13500001234。建议在社区开设老年人智能手机培训班。",
     "王建国", ["王建国", "502", "120号", "13500001234"]),
    ("我是住在天河区石牌街华师附近的居民，叫周敏，手机13798765432。我们这边的夜宵档每晚经营到两三点，建议规范经营时间。",
     "周敏", ["周敏", "13798765432"]),
])
def test_a_name_after_an_occupation_or_a_bare_call_name_leaves_the_body(drafter: OfflineDrafter, idea: str,
                                                                         name: str, absent: list[str]) -> None:
    draft = drafter.draft(DraftRequest(idea=idea))
    body = "".join([draft.title, *draft.analysis, *draft.suggestions])
    assert not [a for a in absent if a in body], body
    assert draft.extracted is not None and draft.extracted.name == name
