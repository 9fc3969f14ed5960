"""Where a document comes from and whether it applies to Guangzhou, so callers can say so honestly."""

from __future__ import annotations

import re

from retrieval.documents import Document, Origin

GUANGDONG_CITIES = frozenset(
    [
        "广州",
        "深圳",
        "珠海",
        "汕头",
        "佛山",
        "韶关",
        "湛江",
        "肇庆",
        "江门",
        "茂名",
        "惠州",
        "梅州",
        "汕尾",
        "河源",
        "阳江",
        "清远",
        "东莞",
        "中山",
        "潮州",
        "揭阳",
        "云浮",
    ]
)
PROVINCES = frozenset(
    [
        "河北",
        "山西",
        "辽宁",
        "吉林",
        "黑龙江",
        "江苏",
        "浙江",
        "安徽",
        "福建",
        "江西",
        "山东",
        "河南",
        "湖北",
        "湖南",
        "海南",
        "四川",
        "贵州",
        "云南",
        "陕西",
        "甘肃",
        "青海",
        "台湾",
        "内蒙古",
        "广西",
        "西藏",
        "宁夏",
        "新疆",
    ]
)
MUNICIPALITIES = frozenset(["北京", "上海", "天津", "重庆"])
TEDDY_SOURCES = frozenset({"replies", "hot"})
"""Sources of the shipped past messages: the Teddy Cup 2020 data of another (masked) city."""
_MASKED = re.compile(r"^[A-Z]\d*[市县区]$|^西地省$")


def _when(year: int | None) -> str:
    return f"{year}年" if year else "年份不详"


def _policy_jurisdiction(region: str | None) -> str:
    r = (region or "").strip()
    if not r:
        return "未注明"
    if r == "全国":
        return "全国"
    if r in ("广东", "广东省"):
        return "广东省"
    if r in GUANGDONG_CITIES or r in MUNICIPALITIES:
        return f"{r}市"
    if r in PROVINCES:
        return f"{r}省" if r not in ("内蒙古", "广西", "西藏", "宁夏", "新疆") else r
    return r if r.endswith(("市", "省", "区", "县")) else f"{r}市"


def origin_of(doc: Document) -> Origin:
    """The origin of a document (items, policies and proposals)."""
    if doc.kind == "policy":
        where = _policy_jurisdiction(doc.region)
        applies = where in ("全国", "广东省", "广州市", "未注明")  # 未注明: imported by staff without a region
        if where == "未注明":
            label = "法规文件（适用地区未注明）"
        elif where == "全国":
            label = "全国性法律法规"
        elif where == "广东省":
            label = "广东省地方性法规"
        elif where == "广州市":
            label = "广州市法规文件"
        else:
            label = f"外地法规（{where}，不适用于广州，仅供参考）"
        return Origin(jurisdiction=where, place=doc.region, year=doc.year, applies_to_guangzhou=applies, label=label)
    if doc.kind == "proposal":
        return Origin(
            jurisdiction="本系统",
            place=doc.region,
            year=doc.year,
            applies_to_guangzhou=True,
            label=f"本系统提案（{_when(doc.year)}）",
        )
    region = (doc.region or "").strip()
    local = "广州" in region
    if local:
        return Origin(
            jurisdiction="广州市",
            place=region,
            year=doc.year,
            applies_to_guangzhou=True,
            label=f"广州往期留言（{_when(doc.year)}）",
        )
    teddy = doc.source in TEDDY_SOURCES or not region or bool(_MASKED.match(region))
    place = region or "地区不详"
    prefix = "外地类似留言" if teddy or region else "类似留言"
    return Origin(
        jurisdiction="外地",
        place=region or None,
        year=doc.year,
        applies_to_guangzhou=False,
        label=f"{prefix}（{place}，{_when(doc.year)}）",
    )
