"""Personal data out of the body: names, addresses, phones, IDs, e-mails, plates, WeChat/QQ ids found in an idea are
taken out of the text and offered for the 提出者 fields (detectors: :func:`assistant.llm.pii.find_personal_data`).

A clause that introduces the citizen (我叫…, 电话…, 身份证…) is removed; a street address keeps only its public part
(海珠区江南大道中123号 → 海珠区江南大道中), which says where the problem is without saying who lives there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import BaseModel, Field

from assistant.cultivation.models import Proposer
from assistant.llm.pii import PIISpan, find_personal_data

KIND_ZH = {"NAME": "姓名", "PHONE": "电话", "IDCARD": "身份证号", "EMAIL": "电子邮箱", "ADDRESS": "门牌地址",
           "PLATE": "车牌号", "WECHAT": "微信号", "QQ": "QQ号", "KNOWN": "个人信息"}
_REMOVE_CLAUSE = {"NAME", "PHONE", "IDCARD", "EMAIL", "WECHAT", "QQ", "KNOWN"}
_CLAUSE = re.compile(r"[^，,。；;！!？?\n]+[，,。；;！!？?\n]*")
_HOUSE_NO = re.compile(r"[0-9０-９一二三四五六七八九十百零〇两]+(?:[-—之][0-9０-９]+)?号")
_BUILDING = re.compile(r"[0-9０-９一二三四五六七八九十百零〇两]+(?:栋|座|幢|号楼).*$")
_OCCUPATION = re.compile(r"^(?:是|我是|职业是?)?(?:一名|一个)?(?P<job>[\u4e00-\u9fff]{2,8}?(?:工人|教师|老师|医生|"
                         r"护士|司机|"
                         r"骑手|职工|干部|律师|学生|退休人员|个体户|店主|农民|工程师|会计|保安|居民|党员))[，,。；;]?$")
_RESIDENCE = re.compile(r"(?:家住在|居住在|住在|家住|住址是?|地址是?|住)")
_REMNANT = re.compile(r"^[0-9０-９一二三四五六七八九十]+(?:栋|座|幢|号楼|楼|单元)?[0-9０-９]*(?:室|房|号)?")
_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
             "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
             "欧区麦冼关植梅甘柯")
_INTRO_NAME = re.compile(
    r"(?:我是|本人是?)(?:一名|一个|退休的?)?(?P<job>[一-鿿]{0,6}?(?:工人|教师|老师|医生|护士|司机|骑手|职工|干部|"
    r"律师|学生|退休人员|个体户|店主|农民|工程师|会计|保安|居民|党员|业主|村民))"
    rf"(?P<name>[{_SURNAMES}][\u4e00-\u9fff]{{1,2}})(?=[，,。；;！!]|$)"
)


_CALLED = re.compile(rf"(?:^|[，,。；;])(?:我)?(?:叫|名叫|姓名是?)(?P<job>)"
                     rf"(?P<name>[{_SURNAMES}][\u4e00-\u9fff]{{1,2}})(?=[，,。；;！!]|$)")


class PrivacyResult(BaseModel):
    """The text without personal data, and what was found (for the 提出者 fields)."""

    text: str
    proposer: Proposer = Field(default_factory=Proposer)
    contacts: list[str] = Field(default_factory=list, description="E-mail, WeChat, QQ (no 提出者 field of their own).")
    kinds: list[str] = Field(default_factory=list, description="Chinese names of the kinds found.")

    @property
    def found(self) -> bool:
        """Whether any personal datum was found."""
        return bool(self.kinds)


def public_place(address: str) -> str:
    """The public part of an address: district and road without house number, building or room ('' if none)."""
    m = _HOUSE_NO.search(address)
    base = address[: m.start()] if m else _BUILDING.sub("", address)
    base = re.sub(r"^(?:我家|我|家|住|在|于|是)+", "", base).rstrip("之第-— ")
    return base if len(base) >= 3 else ""


def _replace_plates(clause: str, spans: list[PIISpan], offset: int) -> str:
    out, last = [], 0
    for s in spans:
        a, b = s.start - offset, s.end - offset
        out.append(clause[last:a])
        rest = clause[b:]
        if rest.startswith(("这辆", "那辆")):
            out.append("一辆")
            b += 2
        else:
            out.append("某车辆")
        last = b
    out.append(clause[last:])
    return "".join(out)


def extract_personal_data(text: str, known: Iterable[str] = ()) -> PrivacyResult:
    """``text`` with personal data taken out, and the data found (name, phone, full address; other contacts)."""
    intro = _INTRO_NAME.search(text) or _CALLED.search(text)  # 我是退休教师王建国 / …的居民，叫周敏
    if intro:
        known = [*known, intro["name"]]
    spans = find_personal_data(text, known)
    if not spans:
        return PrivacyResult(text=text)
    proposer = Proposer()
    if intro:
        proposer.name = intro["name"]
        proposer.occupation = intro["job"]
    contacts: list[str] = []
    kinds: list[str] = []
    for s in spans:
        kinds.append(KIND_ZH.get(s.kind, "个人信息"))
        if s.kind in ("NAME", "KNOWN") and not proposer.name and intro and s.value == intro["name"]:
            continue
        if s.kind == "NAME" and not proposer.name:
            proposer.name = s.value
        elif s.kind == "PHONE" and not proposer.phone:
            proposer.phone = s.value
        elif s.kind == "ADDRESS" and not proposer.address:
            proposer.address = s.value
        elif s.kind in ("EMAIL", "WECHAT", "QQ"):
            contacts.append(f"{KIND_ZH[s.kind]}：{s.value}")
    out: list[str] = []
    removed_intro = False
    for m in _CLAUSE.finditer(text):
        clause, start, end = m.group(0), m.start(), m.end()
        inside = [s for s in spans if start <= s.start < end]
        if not inside:
            if re.fullmatch(r"\s*(?:我|本人)姓[\u4e00-\u9fff]{1,2}[，,。；;]?\s*", clause):
                continue
            job = _OCCUPATION.match(clause.strip()) if removed_intro else None
            if job and len(clause.strip()) <= 12:
                proposer.occupation = proposer.occupation or job["job"]
                continue
            removed_intro = False
            out.append(clause)
            continue
        kinds_here = {s.kind for s in inside}
        addresses = [s for s in inside if s.kind == "ADDRESS"]
        if kinds_here & _REMOVE_CLAUSE:
            removed_intro = True
            place = public_place(addresses[0].value) if addresses else ""
            if place:
                out.append(f"我居住在{place}一带" + (clause[-1] if clause[-1] in "，,。；;！!？?" else "，"))
            continue
        removed_intro = False
        new = clause
        for s in sorted(addresses, key=lambda x: -x.start):
            place = public_place(s.value)
            a, b = s.start - start, s.end - start
            rest = _REMNANT.sub("", new[b:])  # 120号|3栋502: the building and room go with the house number
            new = new[:a] + (place + "一带" if place and _RESIDENCE.search(new[:a]) else place) + rest
            if re.match(r"^\s*住", new):
                new = "我" + new.lstrip()
        plates = sorted((s for s in inside if s.kind == "PLATE"), key=lambda x: x.start)
        if plates:
            shift = 0 if not addresses else None
            new = _replace_plates(new, plates, start) if shift == 0 else re.sub(
                "|".join(re.escape(p.value) for p in plates), "某车辆", new)
        out.append(new)
    cleaned = "".join(out)
    cleaned = re.sub(r"^[，,。；;\s]+", "", cleaned)
    cleaned = re.sub(r"([，,])\s*([。；;])", r"\2", cleaned).strip()
    if cleaned and cleaned[-1] in "，,":
        cleaned = cleaned[:-1] + "。"
    return PrivacyResult(text=cleaned, proposer=proposer, contacts=contacts, kinds=list(dict.fromkeys(kinds)))
