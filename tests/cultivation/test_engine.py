"""The offline drafter: titles from the request, routed units, references by jurisdiction, questions for THIS
idea, answers rewritten into sections, grievances aside, no template seams."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from assistant.cultivation.engine import OfflineDrafter
from assistant.cultivation.models import CONTEXT_LABEL, DraftRequest, Reference
from assistant.cultivation.references import from_hit, jurisdiction_of, whole_sentences
from assistant.cultivation.validator import hard_violations
from assistant.routing.models import RoutingDecision, UnitSuggestion

METRO = ("地铁末班车太早了，很多人加班到十一点多出来已经没有地铁，只能打车回家，打车又贵。"
         "希望地铁末班车后能增开几条夜间公交线路，覆盖主要的地铁站。")


def routing(*names: str, abstain: bool = False) -> RoutingDecision:
    units = [UnitSuggestion(name=n, role="主办" if i == 0 else "协办", score=0.9 - 0.05 * i, reason="测试")
             for i, n in enumerate(names)]
    return RoutingDecision(domain="交通运输", domain_confidence=0.9, units=units, committee="", committee_reason="",
                           channel="", channel_reason="", abstain=abstain)


@pytest.fixture(scope="module")
def drafter() -> OfflineDrafter:
    return OfflineDrafter()


def test_title_comes_from_the_main_request(drafter: OfflineDrafter) -> None:
    draft = drafter.draft(DraftRequest(idea=METRO))
    assert draft.title == "关于在地铁末班车后增开夜间公交线路的“百姓提案”"
    assert "出租车" not in draft.title  # 打车 → 乘坐出租车 never becomes the topic


def test_suggestions_name_the_routed_units(drafter: OfflineDrafter) -> None:
    draft = drafter.draft(DraftRequest(idea=METRO, routing=routing("广州市交通运输局", "广州地铁集团有限公司")))
    assert draft.suggestions[0].startswith("建议由广州市交通运输局牵头，会同广州地铁集团有限公司，在地铁末班车后增开")
    assert draft.units == ["广州市交通运输局", "广州地铁集团有限公司"]
    without = drafter.draft(DraftRequest(idea=METRO))  # no routing: the fallback table
    assert without.suggestions[0].startswith("建议广州市交通运输局")


def test_a_city_wide_idea_is_not_asked_for_a_street(drafter: OfflineDrafter) -> None:
    citywide = drafter.draft(DraftRequest(idea="建议在全市推广垃圾分类积分兑换，提高居民分类的积极性。"))
    assert "where" not in {q.element for q in citywide.questions}
    local = drafter.draft(DraftRequest(idea="我们小区门口的路灯坏了好久，晚上很黑。"))
    assert local.questions and local.questions[0].element in ("suggestion", "where")
    assert "where" in {q.element for q in local.questions}


def test_questions_differ_between_ideas(drafter: OfflineDrafter) -> None:
    a = drafter.draft(DraftRequest(idea="公交车报站听不清楚。"))
    b = drafter.draft(DraftRequest(idea=METRO))
    assert [q.element for q in a.questions] != [q.element for q in b.questions]
    assert a.questions[0].element == "suggestion" and "suggestion" not in {q.element for q in b.questions}


def test_answers_are_rewritten_into_their_sections(drafter: OfflineDrafter) -> None:
    first = drafter.draft(DraftRequest(idea=METRO))
    answers = {"affected": "我们公司就有三十多个人经常十一点以后下班。",
               "evidence": "我从去年开始每周至少有三天赶不上末班车。"}
    second = drafter.draft(DraftRequest(idea=METRO, answers=answers, asked={q.element for q in first.questions}))
    analysis = "".join(second.analysis)
    assert "三十多个人" in analysis and "每周至少有三天" in analysis
    assert "我" not in analysis and answers["affected"] not in analysis  # rewritten, not pasted
    assert len(second.gaps) < len(first.gaps)
    assert {q.element for q in second.questions}.isdisjoint(answers)


def test_a_grievance_becomes_context_and_is_pointed_to_its_channel(drafter: OfflineDrafter) -> None:
    idea = ("公司拖欠了我三个月工资，找劳动部门也没用。其实很多工地的农民工都被拖欠工资，"
            "希望政府建立工资保证金制度，让企业先交钱再开工。")
    draft = drafter.draft(DraftRequest(idea=idea))
    assert "工资保证金" in draft.title and "工资保证金制度" in draft.suggestions[0]
    assert any(p.startswith("有群众反映") for p in draft.analysis)
    assert draft.redirects and draft.redirects[0].channel
    assert not any("解决" in s and "我" in s for s in draft.suggestions)


def test_other_cities_material_stays_beside_the_draft(drafter: OfflineDrafter) -> None:
    item = SimpleNamespace(doc_id="item-1", kind="item", title="希望尽快建好A市高铁南站公交遮雨棚",
                           snippet="公交站没有遮雨棚",
                           citation="A市留言", matched_terms=["公交站", "遮雨棚", "候车亭"], region="A市",
                           reply="您好！已安排公交公司增设遮雨棚。", score=3.0)
    shantou = SimpleNamespace(doc_id="law-1", kind="policy", title="汕头市公共交通条例",
                              citation="《汕头市公共交通条例》第十二条",
                              snippet="公交站应当设置候车亭和遮雨棚，"
                                      "方便乘客候车。", matched_terms=["公交站", "候车亭", "遮雨棚"],
                              region="汕头", reply=None, score=5.0)
    idea = "很多公交站没有遮雨棚，夏天下大雨等车全身湿透。建议给客流量大的公交站加装候车亭和遮雨棚。"
    draft = drafter.draft(idea, items=[item], policies=[shantou])
    body = "".join([draft.title, *draft.analysis, *draft.suggestions])
    assert "A市" not in body and "汕头" not in body and "借鉴" not in body
    assert [c.label for c in draft.context_references] == [CONTEXT_LABEL]
    assert draft.context_references[0].jurisdiction == "外地"
    assert not hard_violations(draft)


def test_jurisdiction_of_hits() -> None:
    assert jurisdiction_of("item", None) == "外地" and jurisdiction_of("item", "A市") == "外地"
    assert jurisdiction_of("policy", "广州") == "广州市" and jurisdiction_of("policy", "广东") == "广东省"
    assert jurisdiction_of("policy", "全国") == "全国" and jurisdiction_of("policy", "阳江") == "外地"
    hit = SimpleNamespace(doc_id="x", kind="policy", title="t", snippet="【条文】", citation="c", region="广东")
    ref = from_hit(hit)
    assert isinstance(ref, Reference) and ref.applies_to_guangzhou


def test_quotes_are_whole_sentences_never_cut_in_brackets() -> None:
    text = "公交站应当设置候车亭（含遮雨棚），方便乘客候车。站牌应当标明线路和首末班时间，并及时更新"
    assert whole_sentences(text) == "公交站应当设置候车亭（含遮雨棚），方便乘客候车。"
    assert whole_sentences("……并及时更新。") == ""
    assert whole_sentences("有下列情形之一的：（一）未经批准") == ""


def test_an_off_point_law_is_never_cited(drafter: OfflineDrafter) -> None:
    maritime = Reference(doc_id="law-2", kind="policy", title="中华人民共和国海上交通安全法",
                         citation="《中华人民共和国海上交通安全法》第十二条", text="船舶应当依照有关规定配备船员。",
                         jurisdiction="全国", applies_to_guangzhou=True, score=9.0)
    draft = drafter.draft(DraftRequest(idea="很多公交站没有遮雨棚，建议给公交站加装候车亭。", references=[maritime]))
    assert "《" not in "".join(draft.analysis + draft.suggestions)


def test_cantonese_and_traditional_ideas_give_mandarin_drafts(drafter: OfflineDrafter) -> None:
    draft = drafter.draft(DraftRequest(idea="我哋屋企楼下個巴士站冇上蓋，落雨嘅時候等車全身濕晒，啲阿伯阿婆好辛苦，"
                                            "希望可以加返個候車亭。"))
    body = "".join([draft.title, *draft.analysis, *draft.suggestions])
    assert not set(body) & set("哋咗冇嘅啲唔喺佢係個蓋")
    assert "候车亭" in draft.title and "公交站" in body
    assert any("粤语" in n for n in draft.notes)


def test_no_template_seams_across_different_ideas(drafter: OfflineDrafter) -> None:
    ideas = [METRO, "公交车报站听不清楚。", "夜市太少了，希望多搞几个。", "我们村的垃圾好几天才收一次。",
             "建议公园里多设置一些直饮水机。", "社区的健身器材很多都坏了没人修，建议明确维护责任单位。"]
    drafts = [drafter.draft(DraftRequest(idea=i)) for i in ideas]
    runs: dict[str, int] = {}
    for d in drafts:
        points = [*d.analysis, *d.suggestions]
        for run in {p[i : i + 12] for p in points for i in range(len(p) - 11)}:
            runs[run] = runs.get(run, 0) + 1
    assert max(runs.values()) < 0.5 * len(drafts), [r for r, n in runs.items() if n >= 3]


PENSION = "建议国家提高城乡居民基础养老金标准，农村老人每月只有一两百元，根本不够生活。"


def test_what_the_citizen_reports_after_a_suggestion_goes_to_the_analysis(drafter: OfflineDrafter) -> None:
    from assistant.cultivation.segment import split_suggestion

    assert split_suggestion(PENSION) == ["建议国家提高城乡居民基础养老金标准。",
                                         "农村老人每月只有一两百元，根本不够生活。"]
    assert split_suggestion("建议在小区门口增设斑马线，老人和小孩过马路很危险。")[1] == "老人和小孩过马路很危险。"
    rider = split_suggestion("建议在商圈设置骑手休息驿站，外卖骑手经常在路边等单，他们夏天很热。")
    assert rider[1].startswith("外卖骑手经常在路边等单")
    named = split_suggestion("建议给外卖骑手设置休息驿站，他们经常在路边等单。")
    assert named == ["建议给外卖骑手设置休息驿站。", "外卖骑手经常在路边等单。"]
    for purpose in ("建议在地铁站增设电梯，方便老人出行。", "建议为环卫工人设置休息点，以便他们休息。"):
        assert split_suggestion(purpose) == [purpose]  # a purpose stays with its suggestion
    draft = drafter.draft(DraftRequest(idea=PENSION))
    assert draft.analysis[0] == "据提出人反映，农村老人每月只有一两百元，根本不够生活。"
    assert not any("一两百元" in s for s in draft.suggestions)


def test_a_national_matter_goes_up_through_the_members_not_to_a_city_unit(drafter: OfflineDrafter) -> None:
    decision = routing("广州市人力资源和社会保障局").model_copy(update={"linkage": "national"})
    draft = drafter.draft(DraftRequest(idea=PENSION, routing=decision))
    assert draft.suggestions[0] == "建议通过住穗全国政协委员向国家有关部门反映，提高城乡居民基础养老金标准。"
    assert not any("人力资源和社会保障局提高" in s for s in draft.suggestions)
    city = drafter.draft(DraftRequest(idea=PENSION, routing=routing("广州市人力资源和社会保障局")))
    assert city.suggestions[0].startswith("建议广州市人力资源和社会保障局")


def test_colloquial_asks_become_measures_with_their_object(drafter: OfflineDrafter) -> None:
    from assistant.cultivation.segment import split_suggestion

    parts = split_suggestion("建议广州地铁推出老年人优惠卡，65岁以上老人免费坐地铁已经有了，但60到65岁的老人没有优惠。")
    assert parts[0] == "建议广州地铁推出老年人优惠卡。"
    canteen_idea = "社区的长者饭堂饭菜太贵了，一餐要二十多元，很多老人吃不起，希望政府多补贴一点。"
    canteen = drafter.draft(DraftRequest(idea=canteen_idea))
    assert "长者饭堂" in canteen.suggestions[0] and "补贴标准" in canteen.suggestions[0]
    assert "多补贴一点" not in canteen.suggestions[0]
    noise = drafter.draft(DraftRequest(idea="我家楼下的菜市场每天早上五点就开始卸货，噪音很大，希望管一管。"))
    assert not any("噪音很大的管理" in s or "噪音较大的管理" in s for s in noise.suggestions)


def test_a_rambling_idea_keeps_its_request_and_drops_fillers(drafter: OfflineDrafter) -> None:
    idea = ("你好领导，我想说一下，就是我们那个小区吧，也不是我们一个小区，附近好几个小区都是，晚上十点以后还有广场舞，"
            "音响开得特别大，找过物业找过居委都没用，我认为应该全市出台一个规定，广场舞几点必须结束，音量多少分贝以内，"
            "还要有人执法，不然根本管不住。")
    draft = drafter.draft(DraftRequest(idea=idea, routing=routing("广州市城市管理和综合执法局")))
    text = "".join(draft.analysis)
    assert "不然" not in text and "应该全市" not in text and not text.startswith("据提出人反映，就是")
    assert "不是群众一个小区" not in text
    assert any("出台" in s and "应该" not in s for s in draft.suggestions)
    assert any(s.endswith("加强执法。") for s in draft.suggestions)


def test_a_measure_that_names_a_place_is_not_read_as_its_actor(drafter: OfflineDrafter) -> None:
    assert drafter.suggestion("加开一条社区公交线去医院", "广州市交通运输局", None, "") == \
        "建议广州市交通运输局加开一条社区公交线去医院。"
