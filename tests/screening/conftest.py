"""Fixtures of the screening tests: the shipped offline screener (loaded once) and canonical texts."""

from __future__ import annotations

import pytest

from assistant.screening.engine import OfflineScreener

# One clear example per excluded category, with the channel it must be sent to.
CANONICAL = {
    "个人问题": ("我家孩子入学积分差两分，能不能帮忙让他进家附近的小学？", "广州12345政务服务便民热线"),
    "民事纠纷": ("楼上邻居装修导致我家天花板漏水，协商不成，请帮我让他赔偿。", "人民调解委员会"),
    "司法诉讼": ("（2021）粤0106民初12345号案件已经开庭三次了还没有判，请督促法院尽快判决。", "人民法院"),
    "行政复议": ("区城管局对我的摊位罚款五千元，我不服，想撤销这个处罚。", "行政复议机关"),
    "行政诉讼": ("我要起诉街道办违法拆除我的铺面，请帮我打这场官司。", "人民法院（行政诉讼）"),
    "投诉": (
        "小区门口那家烧烤店每天晚上油烟熏得我们开不了窗，投诉了几次了，请相关部门去处理。",
        "广州12345政务服务便民热线",
    ),
    "举报": ("实名举报某村委会主任收受开发商好处，私自把村集体的地租出去。", "纪检监察机关（12388）"),
    "信访": ("我家的拆迁补偿问题反映了五年都没解决，上访多次无果，请督促有关部门给我答复。", "信访部门"),
}

MIXED = (
    "我每天坐的B12路公交老是晚点，有时候等四十分钟都不来，上班天天迟到。"
    "建议公交公司公布每条线路的准点率，并且在高峰期加密班次。"
)

SUGGESTIONS = (
    "建议在地铁站出口统一划定共享单车停放区，现在下班高峰单车堆满人行道。",
    "希望全市公交站台都加装电子站牌，显示下一班车还有几分钟到。",
    "建议完善行政复议的网上申请渠道，并公开办理进度。",
    "建议劳动监察部门公布欠薪企业黑名单，保护农民工权益。",
    "建议公园里设置宠物活动专区，遛狗的和带小孩的可以分开。",
)


@pytest.fixture(scope="session")
def screener() -> OfflineScreener:
    """The shipped model and catalogues."""
    return OfflineScreener.load()
