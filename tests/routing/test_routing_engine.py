"""The offline router: catalogue units with roles and reasons, committee, channel, abstain."""

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


def test_reasons_cite_similar_past_items(router: OfflineRouter) -> None:
    d = router.route("餐馆油烟直排进住户窗户，建议强制餐饮店安装油烟净化器")
    top = d.units[0]
    assert top.name == "广州市城市管理和综合执法局"
    assert top.similar_items and all(i.startswith("item-") for i in top.similar_items)
    assert top.similar_items[0] in top.reason


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
