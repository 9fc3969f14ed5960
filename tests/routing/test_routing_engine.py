"""The offline router: catalogue units with roles and honest reasons, committee from the lead unit, channel,
abstain, and the batch form."""

from __future__ import annotations

from assistant.routing.catalogue import DOMAINS
from assistant.routing.engine import OfflineRouter


def test_bus_stop_idea_goes_to_transport(router: OfflineRouter) -> None:
    d = router.route("我们小区到地铁站之间两公里没有公交站，建议在小区门口加设一个公交站点。")
    assert d.domain in DOMAINS
    assert d.units[0].name == "广州市交通运输局" and d.units[0].role == "主办"
    assert len(d.units) == 3 and d.units[0].role == "主办" and {u.role for u in d.units[1:]} == {"协办"}
    assert "公交" in d.units[0].reason and "职责" in d.units[0].reason
    assert d.committee in {c.name for c in router.catalogue.committees}
    assert d.channel in {c.name for c in router.catalogue.channels}
    assert not d.abstain


def test_a_quoted_past_item_is_labelled_as_another_citys_answer(router: OfflineRouter) -> None:
    d = router.route("餐馆油烟直排进住户窗户，建议强制餐饮店安装油烟净化器")
    assert d.units[0].name == "广州市城市管理和综合执法局"
    citing = [u for u in d.units if u.similar_items]
    assert citing, "a relevant past item on kitchen fumes exists and should be quoted"
    for unit in citing:
        assert all(i.startswith("item-") and i in unit.reason for i in unit.similar_items)
        assert "外地类似留言（" in unit.reason and "由当地“" in unit.reason
    for unit in d.units:
        assert "由该单位" not in unit.reason


def test_no_past_item_is_quoted_when_none_is_on_topic(router: OfflineRouter) -> None:
    # No past message asks for nursing rooms in metro stations (judged in evals/retrieval/ideas.jsonl).
    d = router.route("建议在地铁站里增设母婴室，带孩子出门喂奶太不方便")
    assert all(not u.similar_items for u in d.units)
    assert all("类似留言" not in u.reason for u in d.units)


def test_committee_follows_the_lead_unit(router: OfflineRouter) -> None:
    cat = router.catalogue
    for text in ("我们社区的长者饭堂中午一点就关门了，晚上不供应，建议延长营业时间。",
                 "地铁票价太贵了，建议推出月票和按次数累计优惠。",
                 "小区旁边的河涌又黑又臭，建议加快整治。",
                 "建议在中小学开展课后托管服务，延长到下午六点。"):
        d = router.route(text)
        lead = next(u for u in (cat.unit(s.name) for s in d.units) if u is not None and u.committees)
        assert d.committee in lead.committees
        assert lead.short in d.committee_reason
    assert router.route("我们社区的长者饭堂晚上不开，建议延长营业时间。").committee == "社会和法制委员会"


def test_vague_text_abstains(router: OfflineRouter) -> None:
    d = router.route("你好，请问一下")
    assert d.abstain and d.abstain_reason and "人工分办" in d.abstain_reason


def test_strategic_idea_takes_the_direct_channel_when_mature(router: OfflineRouter) -> None:
    one_line = router.route("建议全市统一规划人工智能和数字经济产业布局，推动产业高质量发展，优化营商环境。")
    assert one_line.channel == "深化培育"  # forward-looking but not mature: cultivate it first
    mature = router.route(
        "关于加快全市人工智能产业布局的建议\n当前各区都在建设人工智能产业园，但定位相近、重复招商，企业反映政策标准"
        "各区不一，人才和算力资源分散。全市已有十余个相关园区，入驻企业300多家，但龙头企业不到10家。\n"
        "一、建议市里统筹制定全市人工智能产业发展规划，明确各区功能定位，避免同质化竞争。\n"
        "二、建议建立全市统一的算力公共服务平台，降低中小企业成本。\n三、建议完善人才引进和住房保障政策。\n"
        "四、建议优化营商环境，推动数字经济高质量发展。"
    )
    assert mature.channel == "重要协商成果“直通车”"
    assert "产业" in mature.channel_reason and "四（三）" in mature.channel_reason
    assert router.route("建议在小区门口增设公交站").channel == "深化培育"


def test_batch_form_equals_routing_one_by_one_without_embeddings(router: OfflineRouter) -> None:
    texts = ["建议在小区门口加设公交站点", "垃圾分类定时定点投放时间太短，上班族赶不上",
             "餐馆油烟直排进住户窗户，建议强制餐饮店安装油烟净化器", "你好，请问一下"]
    batch = router.route_many(texts)
    lexical = router.lexical()
    for d, one in zip(batch, (lexical.route(t) for t in texts), strict=True):  # equal up to float rounding
        assert [(u.name, u.role, u.reason) for u in d.units] == [(u.name, u.role, u.reason) for u in one.units]
        assert all(abs(a.score - b.score) < 1e-9 for a, b in zip(d.units, one.units, strict=True))
        assert (d.domain, d.committee, d.channel, d.abstain) == (one.domain, one.committee, one.channel, one.abstain)
    assert all(not u.similar_items for d in batch for u in d.units)  # no votes without the e5 vector


def test_single_ideas_use_the_e5_vector(router: OfflineRouter) -> None:
    analysis = router.analyse("公园里的路灯坏了，晚上散步很黑，建议尽快修好")
    assert analysis.semantic
    assert not router.analyse("公园里的路灯坏了，晚上散步很黑，建议尽快修好", semantic=False).semantic
