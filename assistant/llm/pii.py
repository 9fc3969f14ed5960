"""Personal data masking: PII is replaced by placeholders before any request and restored afterwards.

One :class:`PIIMasker` lives for one logical request (all its attempts), so the same value always gets
the same placeholder (``⟨PHONE_1⟩``) and :meth:`PIIMasker.unmask` can restore it anywhere in the result.
Detected: mainland mobile and landline numbers (with or without +86), 15/18-digit ID-card numbers,
e-mail addresses, street addresses with a house number or building/unit/room, vehicle plates, WeChat and QQ ids,
the proposer's name when passed in, and names introduced by phrases such as 我叫/本人/姓名：/我是.

:func:`find_personal_data` exposes the same detectors as spans (the drafting engine and its validator use it to
keep personal data out of a proposal's body), so there is one set of detectors for masking and for drafting.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from pydantic import BaseModel

from assistant.llm.protocol import ChatMessage

T = TypeVar("T")

OPEN, CLOSE = "⟨", "⟩"
KINDS = ("EMAIL", "IDCARD", "PHONE", "ADDRESS", "NAME", "PLATE", "WECHAT", "QQ")

_HAN = r"[\u4e00-\u9fff]"
_NUM = r"[0-9０-９一二三四五六七八九十百零〇两]+"

_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?![A-Za-z0-9-])")
_ID18 = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}[\s-]?(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
    r"[\s-]?\d{3}[0-9Xx](?![0-9A-Za-z])"
)
_ID15 = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?![0-9A-Za-z])"
)
_MOBILE = re.compile(r"(?<![\d+])(?:(?:\+|00)\s?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)")
_LANDLINE = re.compile(
    r"(?<![\d+])(?:"
    r"(?:\+|00)\s?86[\s-]?\(?0?\d{2,3}\)?[\s-]?\d{7,8}"  # +86 20 12345678
    r"|(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3})[\s-]?\d{7,8}"  # 020-12345678, (020)12345678
    r")(?:(?:-|转)\d{1,6})?(?!\d)"
)
_ROAD = rf"{_HAN}{{1,10}}?(?:大道|大街|大马路|马路|路|街|巷|弄|里|坊|村|涌)(?:[东南西北中]{{1,2}}(?:段|路)?)?"
_BUILDING = rf"(?:{_NUM}(?:栋|座|幢|号楼))?(?:{_NUM}单元)?(?:{_NUM}(?:楼|层))?(?:{_NUM}(?:室|房|号房))?"
_ADDR_STREET = re.compile(
    rf"{_ROAD}{_NUM}(?:[-—之]{_NUM})?号(?:之{_NUM})?(?:{_HAN}{{0,8}}?(?:大厦|广场|花园|小区|公寓|苑))?{_BUILDING}"
)
_ADDR_COMPOUND = re.compile(
    rf"{_HAN}{{1,10}}?(?:小区|花园|苑|大厦|公寓|新村|社区|家园|山庄)?{_NUM}(?:栋|座|幢|号楼)"
    rf"(?:{_NUM}单元)?(?:{_NUM}(?:楼|层))?(?:{_NUM}(?:室|房))?"
)
_ADDR_ROOM = re.compile(r"(?<![0-9])\d+(?:栋|座|幢)\d+(?:单元)?\d*(?:室|房)")
_ADDR_LEAD = re.compile(r"^.*(?:家住在|居住在|住在|家住|位于|住址[:：]?|地址[:：]?|在|于|是|的|到|住)")

_SURNAMES = (
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 司徒 令狐 夏侯 "
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任"
    "卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万钱严赖覃洪武莫孔"
    "汤向常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕"
    "单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚"
    "娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池"
    "查麻苑迟邝"
)
_COMPOUND_SURNAMES = [s for s in _SURNAMES.split(" ") if len(s) == 2]
_SINGLE_SURNAMES = "".join(s for s in _SURNAMES.split(" ") if len(s) > 2)
_SURNAME = "(?:" + "|".join(_COMPOUND_SURNAMES) + f"|[{_SINGLE_SURNAMES}])"
_NAME_END = r"(?=[，,。.；;、！!？?\s（()）:：]|$|是|住|家|系|现|今年|现年|电话|手机|联系)"
_NAME_LEAD = (
    r"(?:我叫|我名叫|我的名字是|我的名字叫|本人叫|本人名叫|本人姓名|姓名|联系人|提案人|署名|落款)[:：\s]*"
)
_NAME_INTRO_EXACT = re.compile(rf"{_NAME_LEAD}(?P<name>{_HAN}{{2,4}}?){_NAME_END}")
_NAME_INTRO = re.compile(rf"{_NAME_LEAD}(?P<name>{_HAN}{{2,3}})")
_NAME_SELF = re.compile(rf"(?:本人|我是)\s*(?P<name>{_SURNAME}{_HAN}{{1,2}}?){_NAME_END}")

_NAME_AFTER_INTRO = re.compile(
    rf"(?:我姓{_HAN}[，,\s]*(?:叫|名叫|全名叫?)|我是[^，。！？；\n]{{2,30}}?的)(?P<name>{_SURNAME}{_HAN}{{1,2}}?){_NAME_END}"
)
_PLATE = re.compile(
    r"(?<![A-Za-z0-9])[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][·・\s-]?"
    r"[A-HJ-NP-Z0-9]{4,5}[A-HJ-NP-Z0-9挂学警港澳]?(?![A-Za-z0-9])"
)
_WECHAT = re.compile(r"(?:微信号?|[vV][xX]号?|[wW][xX]号?|[vV]信)(?:号码)?\s*(?:[:：]|是|"
                     r"为)?\s*(?P<id>[A-Za-z][-_A-Za-z0-9]{5,19})")
_QQ = re.compile(r"(?:QQ|qq|扣扣)\s*(?:号码?)?\s*(?:[:：]|是|为)?\s*(?P<id>[1-9]\d{4,10})(?!\d)")

_PLACEHOLDER = re.compile(r"[⟨<〈《\[【]?\s*(?P<key>(?:" + "|".join(KINDS) + r")_\d+)\s*[⟩>〉》\]】]?")
_HOLD_BACK = re.compile(r"(?:[⟨<〈《\[【][A-Z_0-9\s]*|[A-Z][A-Z_0-9]*)$")


def _trim_address(text: str, pattern: re.Pattern[str]) -> str:
    """Drop a leading '我家住在…' so only the address itself is masked, if what is left still matches."""
    lead = _ADDR_LEAD.match(text)
    while lead:
        rest = text[lead.end() :]
        if pattern.fullmatch(rest):
            return rest
        lead = _ADDR_LEAD.match(text[: lead.end() - 1])
    return text


class PIIMasker:
    """Masks personal data in outgoing text and restores it in results (one instance per request)."""

    def __init__(self, known_names: Iterable[str] = ()) -> None:
        self._names = sorted(
            {n.strip() for n in known_names if n and len(n.strip()) >= 2}, key=len, reverse=True
        )
        self._placeholder_by_value: dict[tuple[str, str], str] = {}
        self._value_by_key: dict[str, str] = {}
        self._counts: dict[str, int] = dict.fromkeys(KINDS, 0)

    # masking -------------------------------------------------------------------------------------
    @property
    def mapping(self) -> dict[str, str]:
        """Placeholder → original value (never log this)."""
        return {f"{OPEN}{k}{CLOSE}": v for k, v in self._value_by_key.items()}

    def _placeholder(self, kind: str, value: str) -> str:
        key = (kind, value)
        if key not in self._placeholder_by_value:
            self._counts[kind] += 1
            name = f"{kind}_{self._counts[kind]}"
            self._value_by_key[name] = value
            self._placeholder_by_value[key] = f"{OPEN}{name}{CLOSE}"
        return self._placeholder_by_value[key]

    def _sub(self, pattern: re.Pattern[str], kind: str, text: str, group: str | int = 0) -> str:
        def repl(match: re.Match[str]) -> str:
            whole = match.group(0)
            value = match.group(group)
            start = match.start(group) - match.start(0)
            return whole[:start] + self._placeholder(kind, value) + whole[start + len(value) :]

        return pattern.sub(repl, text)

    def _sub_address(self, pattern: re.Pattern[str], text: str) -> str:
        def repl(match: re.Match[str]) -> str:
            whole = match.group(0)
            value = _trim_address(whole, pattern)
            return whole[: len(whole) - len(value)] + self._placeholder("ADDRESS", value)

        return pattern.sub(repl, text)

    def mask(self, text: str) -> str:
        """``text`` with every detected personal datum replaced by a stable placeholder."""
        text = self._sub(_EMAIL, "EMAIL", text)
        text = self._sub(_ID18, "IDCARD", text)
        text = self._sub(_ID15, "IDCARD", text)
        text = self._sub(_MOBILE, "PHONE", text)
        text = self._sub(_LANDLINE, "PHONE", text)
        for pattern in (_ADDR_STREET, _ADDR_COMPOUND, _ADDR_ROOM):
            text = self._sub_address(pattern, text)
        for name in self._names:
            if name in text:
                text = text.replace(name, self._placeholder("NAME", name))
        text = self._sub(_NAME_INTRO_EXACT, "NAME", text, "name")
        text = self._sub(_NAME_INTRO, "NAME", text, "name")
        text = self._sub(_NAME_SELF, "NAME", text, "name")
        text = self._sub(_NAME_AFTER_INTRO, "NAME", text, "name")
        text = self._sub(_PLATE, "PLATE", text)
        text = self._sub(_WECHAT, "WECHAT", text, "id")
        text = self._sub(_QQ, "QQ", text, "id")
        return text

    def mask_messages(self, messages: Sequence[ChatMessage]) -> list[ChatMessage]:
        """Every message of a request, masked."""
        return [replace(m, content=self.mask(m.content)) for m in messages]

    # restoring -----------------------------------------------------------------------------------
    def unmask_text(self, text: str) -> str:
        """Placeholders (also when the model dropped or changed the brackets) back to the originals."""
        if not self._value_by_key:
            return text

        def repl(match: re.Match[str]) -> str:
            return self._value_by_key.get(match.group("key"), match.group(0))

        return _PLACEHOLDER.sub(repl, text)

    def unmask(self, obj: T) -> T:
        """Restore placeholders in any string inside ``obj`` (str, pydantic model, dict, list, tuple)."""
        return self._walk(obj, self.unmask_text)

    def _walk(self, obj: Any, fn: Callable[[str], str]) -> Any:
        if isinstance(obj, str):
            return fn(obj)
        if isinstance(obj, BaseModel):
            updates = {name: self._walk(getattr(obj, name), fn) for name in type(obj).model_fields}
            return obj.model_copy(update=updates)
        if isinstance(obj, dict):
            return {self._walk(k, fn): self._walk(v, fn) for k, v in obj.items()}
        if isinstance(obj, list):
            return [self._walk(v, fn) for v in obj]
        if isinstance(obj, tuple):
            return tuple(self._walk(v, fn) for v in obj)
        return obj

    def stream_unmasker(self) -> StreamUnmasker:
        """A restorer for streamed text whose placeholders may be split across chunks."""
        return StreamUnmasker(self)


@dataclass(frozen=True)
class PIISpan:
    """One personal datum found in a text: its kind (one of :data:`KINDS`), value and position."""

    kind: str
    value: str
    start: int
    end: int


_SPAN_DETECTORS: tuple[tuple[str, re.Pattern[str], str | int], ...] = (
    ("EMAIL", _EMAIL, 0),
    ("IDCARD", _ID18, 0),
    ("IDCARD", _ID15, 0),
    ("WECHAT", _WECHAT, "id"),
    ("QQ", _QQ, "id"),
    ("PHONE", _MOBILE, 0),
    ("PHONE", _LANDLINE, 0),
    ("PLATE", _PLATE, 0),
    ("NAME", _NAME_INTRO_EXACT, "name"),
    ("NAME", _NAME_INTRO, "name"),
    ("NAME", _NAME_SELF, "name"),
    ("NAME", _NAME_AFTER_INTRO, "name"),
)


def find_personal_data(text: str, known: Iterable[str] = ()) -> list[PIISpan]:
    """Every personal datum in ``text`` (the detectors of :class:`PIIMasker`), non-overlapping, in text order.

    ``known`` are values known to be personal (the proposer's name, phone, address): found wherever they occur.
    Addresses are reported without a leading 住在/位于 (only the address itself).
    """
    spans: list[PIISpan] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, start: int, end: int) -> None:
        if end <= start or any(start < b and a < end for a, b in taken):
            return
        taken.append((start, end))
        spans.append(PIISpan(kind, text[start:end], start, end))

    for value in sorted({v.strip() for v in known if v and len(v.strip()) >= 2}, key=len, reverse=True):
        for m in re.finditer(re.escape(value), text):
            add("NAME" if not re.search(r"\d", value) and len(value) <= 4 else "KNOWN", m.start(), m.end())
    for kind, pattern, group in _SPAN_DETECTORS:
        for m in pattern.finditer(text):
            add(kind, m.start(group), m.end(group))
    for pattern in (_ADDR_STREET, _ADDR_COMPOUND, _ADDR_ROOM):
        for m in pattern.finditer(text):
            value = _trim_address(m.group(0), pattern)
            add("ADDRESS", m.end() - len(value), m.end())
    return sorted(spans, key=lambda s: s.start)


class StreamUnmasker:
    """Restores placeholders in a stream, holding back a possibly incomplete placeholder at a chunk's end."""

    _MAX_HOLD = 24

    def __init__(self, masker: PIIMasker) -> None:
        self._masker = masker
        self._buffer = ""

    def feed(self, chunk: str) -> str:
        """Text that is safe to emit now."""
        self._buffer += chunk
        hold = _HOLD_BACK.search(self._buffer)
        cut = (
            hold.start() if hold and len(self._buffer) - hold.start() <= self._MAX_HOLD else len(self._buffer)
        )
        ready, self._buffer = self._buffer[:cut], self._buffer[cut:]
        return self._masker.unmask_text(ready)

    def flush(self) -> str:
        """Whatever is left at the end of the stream."""
        ready, self._buffer = self._buffer, ""
        return self._masker.unmask_text(ready)
