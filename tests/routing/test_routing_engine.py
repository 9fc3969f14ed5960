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


def test_strategic_idea_takes_the_direct_channel(router: OfflineRouter) -> None:
    d = router.route("建议全市统一规划人工智能和数字经济产业布局，推动产业高质量发展，优化营商环境。")
    assert d.channel == "重要协商成果“直通车”"
    assert router.route("建议在小区门口增设公交站").channel == "深化培育"
