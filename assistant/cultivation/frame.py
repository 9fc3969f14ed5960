"""What an idea is about, in words a draft can reuse: the noun phrase a clause is about (its subject), the problem
as a short phrase (公交站没有上盖, 地铁末班车过早), the people it affects (老人, 上班族) and the parts of a measure
(place, subject, verb, object). Everything comes from the citizen's own words; nothing is inferred.

These phrases feed the （待补充：…） mark, the questions, titles and suggestions, so they must be whole noun or
verb phrases — a fragment (其住, 时候电动自行车) is worse than nothing: every function returns '' when unsure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from assistant.cultivation.catalogue import DraftingCatalogue, load_catalogue

_NOUN_FLAGS = frozenset({"n", "nr", "ns", "nt", "nz", "ng", "x", "vn", "j", "an", "nrt", "nrfg", "eng"})
_NOUN_END = re.compile(r"[站场点馆室区路桥灯车线号箱柜棚亭院校园梯道口所堂厅楼房屋道处池架牌单"
                       r"费价位桩台机器网店铺档摊巷街村涌河湖]$")
_LOCATIVE_WORDS = frozenset({"附近", "周边", "旁边", "门口", "楼下", "楼上", "对面", "隔壁", "里面", "里", "内", "外",
                             "那边", "这边", "那里", "这里", "村", "镇",
                             "上", "下", "旁", "边", "前", "后", "一带", "沿线", "底下", "中间"})
_RESET_WORDS = frozenset({"的", "之", "那个", "这个", "那条", "这条", "那座", "这座", "那些", "这些", "时候", "时",
                          "期间", "当地", "本地"})
_LEAD = re.compile(
    r"^(?:现在|目前|如今|最近|近年来|近来|这几年|另外|但是|可是|不过|而且|并且|同时|此外|还有|很多|不少|一些|有些|有的|好多|"
    r"大量|部分|许多|所有|一[辆个座条间家位名些批段处]|最头痛的?(?:就)?是|最大的问题(?:就)?是|问题(?:就)?是|主要是|"
    r"(?:很多|不少|有的?)?[\u4e00-\u9fff]{1,3}(?:反映|反应|说)(?=[\u4e00-\u9fff]{4})|我们|咱们|我|"
    r"其所在|其家|其|提出人|群众|当地|这里|这边|那边|本市|全市|各区|广州市?的?|楼下的?|家门口的?)+"
)
_PRONOUN = re.compile(r"^(?:其|我|你|他|她|它|该|此|这|那|群众|提出人|本人|大家|人们|有人)|^(?:地方|东西|事情|情况|"
                      r"问题|"
                      r"时间|方面|现象|规定|要求|办法)$")
_PROBLEM_MARK = re.compile(r"不|没|无|难|太|过[高低少多早晚长短远窄陡大小慢快于]|坏|损|乱|脏|臭|贵|少|慢|远|堵|挤|"
                           r"危险|困|"
                           r"紧张|差|缺|占|挡|堆|漏|破|松|锈|老化|复杂|繁琐|吵|噪|淹|浸|拖欠|宰|偷|违|超|窄|陡|黑|被|只(?!能)|才|"
                           r"仅|就[关停收]|隐患|猫腻|扰|污|臭|异味|困人|故障|失修|开裂|拥挤|单一|(?:特别|非常|很|太)多$|较大|很大|严重|担心|"
                           r"麻烦|不便|辛苦|累|热|冷|晒|湿|滑|断|倒|塌|积水|水浸|内涝|刺鼻|排进|排入|直排|还在|仍在|差$|"
                           r"离.{1,8}[有要]|就[关停收没]|涨|越来越差|越来越少|不够|短缺|缺乏|爆满|满溢|来回穿行|逆行|闯红灯|超速|随意")
_ACTOR_NOUN = re.compile(r"(?:局|委|办|政府|交警|城管|街道|物业|居委会|村委会|派出所|部门|单位|有关方面)$")
_PLACE_ONLY = re.compile(r"^(?:广州|广州市|本市|全市|各区|市里|区里|当地|本地|城市)$")
_PLACE_MOD = re.compile(r"(?:(?<![社小园景校片城街辖厂营])区|市|县|镇|街|路|大道|一带)$")
_PEOPLE_END = re.compile(r"(?:人|者|族|民|工|手|生|长|客|户|员|师|童|孩|女|儿|姓|友|妇|主)$")
_ADVERBS = re.compile(r"(?:经常|一直|总是|老是|常常|根本|基本上|基本|都|就|也|还|又|才|全部|全都|已经|早就|竟然|"
                      r"居然|实在|"
                      r"真的|很多|好多|不少|大多|大部分|越来越|长期|时常|往往)")
_DEGREE = (
    ("太早", "过早"), ("太晚", "过晚"), ("太少", "过少"), ("太多", "过多"), ("太贵", "过高"), ("太高", "过高"),
    ("太长", "过长"), ("太短", "过短"), ("太远", "过远"), ("太窄", "过窄"), ("太陡", "过陡"), ("太慢", "过慢"),
    ("太小", "过小"), ("太大", "过大"), ("太挤", "拥挤"), ("太乱", "混乱"), ("太吵", "噪声过大"),
    ("太脏", "脏乱"), ("太复杂", "过于复杂"), ("太麻烦", "过于繁琐"), ("太难", "困难"), ("太黑", "照明不足"),
    ("太久", "长期"),
)
_BARE_PREDICATE = {
    "差": "较差", "坏": "损坏", "坏掉": "损坏", "烂": "破损", "少": "不足", "贵": "偏高", "乱": "混乱",
    "臭": "有异味", "脏": "脏乱", "挤": "拥挤", "吵": "噪声大", "黑": "照明不足", "慢": "较慢", "远": "较远",
    "难": "困难", "早": "过早", "窄": "狭窄",
}
_PRED_BAD = re.compile(r"[其我你他她们吗呢吧啊请望]|群众|提出人|怎么|什么|为什么|谁|反映|投诉|咨询|问题|建议|希望|领导|"
                       r"[A-Za-z]\d*[市区县镇]")
_TITLE_NOUN = re.compile(r"(?:书记|领导|局长|厅长|市长|县长|区长|主任|同志|大人|先生|女士|老师|阿姨|师傅)$")
_MEASURE_VERB = re.compile(
    r"^(?:在(?P<place>[^，]{2,14}?)(?:内|里|上|中|周边|附近|沿线|门口|出口)?)?"
    r"(?P<verb>增设|增加|增开|增建|新建|加装|加密|加大|加强|设置|设立|设|开通|开设|开放|开展|延长|安装|建设|建立|推广|推行|"
    r"划定|配备|配置|提高|提升|提供|改造|规范|整治|修复|维修|更换|实行|实施|保留|保障|引导|调整|限制|禁止|降低|减少|公示|"
    r"公开|公布|统一|扩大|完善|优化|取消|鼓励|出台|明确|落实|覆盖|督促|组织|检查|排查|制定|共享|简化|缩短|清理|疏导|"
    r"整合|规划|补贴|迁移|搬迁|恢复|放宽|打通|规定|要求|加快|推进|保证|安排|举办|实现|建)"
    r"(?P<obj>.*)$"
)


def _is_verb(word: str) -> bool:
    if word in ("统一", "集中", "定期"):
        return True
    found = _MEASURE_VERB.match(word)
    return found is not None and not found["obj"] and not found["place"]


@lru_cache(maxsize=1)
def _pos_tokenizer(tokenizer: Any) -> Any:
    """jieba's part-of-speech tokenizer over the shipped dictionary (built once)."""
    import jieba.posseg

    inner = tokenizer._tokenizer() if hasattr(tokenizer, "_tokenizer") else None
    return jieba.posseg.POSTokenizer(inner) if inner is not None else jieba.posseg.dt


def _tokenizer() -> Any:
    from assistant.cultivation.topic import default_tokenizer

    return _pos_tokenizer(default_tokenizer())


def pos_cut(text: str) -> list[tuple[str, str]]:
    """(word, part-of-speech flag) pairs of ``text`` (jieba over the shipped dictionary)."""
    return list(_pos_cut(text))


@lru_cache(maxsize=8192)
def _pos_cut(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((w.word, w.flag) for w in _tokenizer().cut(text))


_ACTION_VERBS = frozenset({
    "没有", "有", "是", "要", "用", "会", "能", "在", "被", "让", "给", "做", "开", "关", "去", "来", "到", "说",
    "看", "想", "买", "卖", "停", "走", "坐", "等", "排", "占", "挡", "堆", "坏", "不会", "不能", "需要", "没", "无",
})


_ATTRIBUTIVE = frozenset({
    "投放", "充电", "停车", "候车", "养老", "托育", "排水", "供水", "照明", "健身", "休息", "购物", "就医", "办事",
    "停放", "候诊", "挂号", "缴费", "接送", "避雨", "收费", "检测", "监测", "报警", "呼叫", "取餐", "寄存", "救助",
    "学习", "阅读", "运动", "游泳", "饮水", "外卖", "快递", "共享",
})
_SINGLE_HEAD = {"树": "树木", "车": "车辆", "路": "道路", "河": "河道", "灯": "路灯", "桥": "桥梁"}


def _merged(words: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """jieba's tokens with names it splits joined again: 21|号|线 → 21号线, C|出口 → C出口, 沙墟|一路 → 沙墟一路,
    新能源|车 → 新能源车, 老|小区 → 老小区."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(words):
        word, flag = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else ("", "")
        third = words[i + 2] if i + 2 < len(words) else ("", "")
        if re.fullmatch(r"\d+", word) and nxt[0] in ("号线", "号楼"):
            out.append((word + nxt[0], "n"))
            i += 2
            continue
        if re.fullmatch(r"\d+", word) and nxt[0] == "号" and third[0] in ("线", "楼", "馆"):
            out.append((word + "号" + third[0], "n"))
            i += 3
            continue
        if re.fullmatch(r"\d+号线|[A-Za-z]\d*", word) and nxt[0] in ("出口", "口", "座", "栋", "号楼", "区"):
            out.append((word + nxt[0], "n"))
            i += 2
            continue
        if out and (_nounlike(*out[-1]) or (out[-1][1] == "v" and len(out[-1][0]) == 2)) and (
                re.fullmatch(r"[一二三四五六七八九十\d]+(?:路|街|巷|横路|马路)", word)
                or (len(word) == 1 and re.fullmatch(r"[车站场楼桥门口房馆院点箱棚亭线桩柜塔]", word))):
            out[-1] = (out[-1][0] + word, "n")
            i += 1
            continue
        if word == "上" and nxt[0] in ("下楼", "下车", "下班", "下学"):
            out.append(("上" + nxt[0], "v"))
            i += 2
            continue
        if word == "上下" and nxt[0] in ("楼", "车", "班", "学"):
            out.append((word + nxt[0], "v"))
            i += 2
            continue
        if ((word in ("老", "新", "旧") and flag == "a") or word in ("二次", "一次性", "公共")) and _nounlike(*nxt):
            out.append((word + nxt[0], "n"))
            i += 2
            continue
        out.append((word, flag))
        i += 1
    return out


def _nounlike(word: str, flag: str) -> bool:
    if not word or not re.fullmatch(r"[A-Za-z0-9\u4e00-\u9fff]+", word) or re.fullmatch(r"[A-Za-z0-9]+", word):
        return False
    if flag == "vn" and _is_verb(word):
        return False  # 设置/vn, 统一/vn before an object are verbs here
    if flag.startswith("n") or flag in _NOUN_FLAGS:
        return (flag not in ("ng",) or len(word) >= 2) and word not in _ACTION_VERBS
    return len(word) >= 2 and bool(_NOUN_END.search(word)) and flag in ("a", "v", "vn", "s", "b")


def _nounish(word: str, flag: str, nxt: str) -> bool:
    if _nounlike(word, flag):
        return True
    # 投放点, 候车亭: a two-character verb used attributively before a noun (never 挡住红绿灯, 没有电梯…)
    return flag == "v" and word in _ATTRIBUTIVE and nxt.startswith("n")


@dataclass(frozen=True)
class Phrase:
    """A noun phrase found at the start of a clause and where it ends in that clause."""

    text: str
    end: int


@lru_cache(maxsize=4096)
def noun_phrase(clause: str, max_len: int = 10) -> Phrase:
    """The noun phrase a clause starts with, after leading adverbs, pronouns and locative modifiers (小区附近的公园晚上
    路灯很多都坏了 → 公园路灯; 很多社区的篮球场 → 社区篮球场; 广州的长者饭堂 → 长者饭堂); Phrase('', 0) if none."""
    lead = _LEAD.match(clause)
    start = lead.end() if lead else 0
    relative = re.match(r"^([^，的]{2,8})的(?=[\u4e00-\u9fff]{2})", clause[start:])
    if relative and (pos_cut(relative.group(1)) or [("", "")])[0][1][:1] in ("v", "d"):
        start += relative.end()  # 不会用手机的老人 → 老人 (a relative clause is not the noun phrase)
    words = _merged(pos_cut(clause[start:]))
    pos = start
    parts: list[str] = []
    modifier: list[str] = []  # X of X的Y, kept when it is short and not a place or locative
    end, local, place = start, False, False
    for i, (word, flag) in enumerate(words):
        nxt = words[i + 1][1] if i + 1 < len(words) else ""
        here = pos
        pos += len(word)
        if word in _RESET_WORDS:
            if parts and word in ("的", "之") and not local and not place \
                    and not _PLACE_ONLY.match("".join(parts)) and not is_people("".join(parts)):
                modifier = parts
            elif parts or word not in ("的", "之"):
                modifier = []
            parts, local, place = [], False, False
            continue
        if word in _LOCATIVE_WORDS or flag in ("f", "s"):
            if parts:
                local = True  # 小区附近(的)…, 公园里…: what follows is the head
            continue
        if flag == "t":
            if parts:
                continue  # 公园晚上路灯 → 公园路灯
            if not modifier:
                break
            continue
        if re.match(r"^(?:太|很|好|非常|十分|特别|越来越)", word):
            break  # 树|太久: a degree word starts the predicate
        single = word in _SINGLE_HEAD and not parts
        if (not _nounish(word, flag, nxt) and not single) or len("".join(parts)) + len(word) > max_len:
            break
        if local:
            parts, local, modifier = [], False, []
        place = place or flag == "ns"
        parts.append(word)
        end = here + len(word)
    text = "".join(parts)
    if modifier and text:
        mod = "".join(modifier)
        text = mod + text if len(mod) >= 2 and len(mod) + len(text) <= max_len and len(text) >= 2 \
            and not _PLACE_MOD.search(mod) else text
    text = _SINGLE_HEAD.get(text, text)  # 路边的树 → 树木 (a one-character head is a noun only with its class)
    text = re.sub(r"^(?:[A-Z]\d*[市区县镇乡村]|西地省)+", "", text)  # masked places of the other city's board
    text = re.sub(r"(?<=[\u4e00-\u9fff]{2})(?:问题|现象|情况)$", "", text)
    last = _merged(pos_cut(text))[-1] if text else ("", "")
    if not (2 <= len(text) <= max_len) or not re.search(r"[\u4e00-\u9fff]{2}", text) \
            or _PRONOUN.match(text) or _PLACE_ONLY.match(text) or _TITLE_NOUN.search(text) \
            or re.search(r"[A-Za-z]\d*[市区县]", text) or (last[1] in ("v", "vn") and not _NOUN_END.search(last[0])):
        return Phrase("", 0)
    return Phrase(text, end)


def is_people(noun: str) -> bool:
    """Whether a noun names people (老人, 上班族, 居民…) rather than a thing or place."""
    if not noun:
        return False
    return noun in _people_words() or (len(noun) <= 4 and bool(_PEOPLE_END.search(noun))
                                       and not _NOUN_END.search(noun))


def is_actor(noun: str) -> bool:
    """Whether a noun names who acts (交警, 街道, 物业, 有关部门…) rather than what the idea is about."""
    return bool(_ACTOR_NOUN.search(noun))


@lru_cache(maxsize=1)
def _people_words() -> frozenset[str]:
    groups = load_catalogue().raw.get("affected_groups", {})
    return frozenset({*groups.keys(), *groups.values(), "人", "人们", "市民", "群众", "大家"})


def affected_group(text: str, catalogue: DraftingCatalogue | None = None) -> str:
    """The first group of people the text names (老人家/阿婆 → 老人, 上班的人 → 上班族…), '' when none."""
    groups: dict[str, str] = (catalogue or load_catalogue()).raw.get("affected_groups", {})
    found = [(m.start(), -len(key), label) for key, label in groups.items() for m in re.finditer(re.escape(key), text)]
    return min(found)[2] if found else ""


def _clean_predicate(words: Sequence[tuple[str, str]], subject: str = "") -> str:
    out: list[str] = []
    for i, (word, flag) in enumerate(words):
        if not out and (word in ("了", "啦", "的", "呢", "吧", "啊", "着", "过")
                        or word in ("里", "里面", "内", "中", "附近", "周边", "门口", "一带")):
            continue  # 公园|里|晚上|照明不足 → 照明不足
        follows = words[i + 1][0][:1] if i + 1 < len(words) else ""
        if word in ("就", "还", "才") and (word == "才" or re.search(r"一[\u4e00-\u9fff]", "".join(out))
                                   or (word == "就" and follows != "" and follows in "关停收没")
                                   or (word == "还" and follows == "在")):
            out.append(word)  # 一下大雨就水浸, 十点就关灯: 就 stays
            continue
        if _ADVERBS.fullmatch(word) or (flag == "m" and word in ("很多", "好多", "不少", "大多", "一些")):
            continue
        out.append(word)
    pred = re.sub(r"(?:了|啦|的|呢|吧|啊)+$", "", "".join(out))
    pred = re.sub(r"^是(?=[\u4e00-\u9fff]{2})(?!否)", "", pred)  # 绿道是断开的 → 绿道断开
    for a, b in _DEGREE:
        pred = pred.replace(a, b)
    if subject and not re.search(r"[费价租金票]$", subject):
        pred = re.sub(r"^过高", "费用过高", pred)
    pred = re.sub(r"(?:很|好)(?=[贵高大多少长短远近快慢难差])", "较", pred)
    pred = re.sub(r"太(?=[\u4e00-\u9fff])", "过于", pred)
    return _BARE_PREDICATE.get(pred, pred)


def problem_phrase(clause: str, subject: str = "", max_len: int = 16) -> str:
    """The problem a situation clause states, as a short phrase: subject + predicate (其家楼下的公交站没有上盖 →
    公交站没有上盖; 地铁末班车太早了 → 地铁末班车过早); a clause without a subject of its own (现在下午一点就关门了)
    takes ``subject`` (→ 长者饭堂下午一点关门). '' when the clause does not make a clean phrase."""
    clause = re.split(r"[，。；！？,;!?]", clause.strip(), maxsplit=1)[0]
    if "、" in clause:
        clause = clause.split("、")[0]  # 校服质量差、价格高 → 校服质量差 (never a cut time range: 七点到九点、…)
        if re.search(r"[点时分号\d]$", clause):
            return ""
    if re.match(r"^(?:其|我|提出人|本人)(?!所在|家|邻近)", clause):
        return ""  # about the citizen (其住在…, 其为…), not the problem
    np = noun_phrase(clause)
    if np.text:
        head, rest = np.text, clause[np.end:]
    else:
        lead = _LEAD.match(clause)
        rest = clause[lead.end() if lead else 0:]
        if not subject or _ACTOR_NOUN.search(subject) or not subjectless(rest):
            return ""
        head = subject
    words = [(w, f) for w, f in pos_cut(rest) if not (f == "t" and w in ("现在", "目前", "如今", "最近"))]
    pred = _clean_predicate(words, head)
    pred = _BARE_PREDICATE.get(pred, pred)
    if len(pred) < 2 or _PRED_BAD.search(pred) or not re.search(r"[\u4e00-\u9fff]", pred) \
            or not _PROBLEM_MARK.search(pred):
        return ""
    # 没有配套的学校 → 没有配套学校
    phrase = re.sub(r"(?<=[\u4e00-\u9fff]{2})的(?=[\u4e00-\u9fff]{1,3}$)", "", head + pred)
    return phrase if 4 <= len(phrase) <= max_len else ""


def subjectless(clause: str) -> bool:
    """Whether a clause has no subject of its own before its verb (下午一点就关门了, 早晚高峰太挤了, 经常坏; not
    晚上很多人不敢走)."""
    words = _merged(pos_cut(clause))
    if not words or words[0][1][:1] not in ("t", "d", "v", "p", "m", "c", "a") or re.match(r"^[^，的]{1,8}的", clause):
        return False
    if noun_phrase(clause).text:
        return False  # 共享充电宝越来越贵: the clause has its own subject
    for word, flag in words:
        if word in ("的", "之"):
            return False  # 不会用手机的老人…: a relative clause before a subject
        if word in ("高峰", "早高峰", "晚高峰", "周末", "节假日", "放学", "上学", "下班", "上班", "夜间", "平时"):
            continue
        if flag.startswith("v") or flag in ("a", "ad") or word in ("就", "才", "只", "都", "已经", "还", "又", "经常"):
            return True
        if flag in ("t", "m", "q", "d", "p", "c", "f", "uj"):
            continue
        if _nounlike(word, flag) or word in ("人", "车"):
            return False
    return False


@dataclass(frozen=True)
class MeasureParts:
    """A measure's place (在…), the verb, its object, and the noun phrase before the verb when the measure is a
    subject-verb clause (长者饭堂延长营业时间 → subject 长者饭堂)."""

    place: str
    subject: str
    verb: str
    obj: str
    time: str = ""
    rest: str = ""  # what follows the subject (subject-verb measures)


def measure_parts(measure: str) -> MeasureParts:
    """The parts of a measure's first clause ('' for what it lacks)."""
    first = measure.split("，")[0]
    found = _MEASURE_VERB.match(first)
    if found:
        return MeasureParts(found["place"] or "", "", found["verb"], found["obj"])
    np = noun_phrase(first)
    if np.text:
        rest = first[np.end:]
        rest = re.sub(r"^(?:能够|能|可以|应该|应当|要|需要|都|也|尽快|及时)+", "", rest)
        time = re.match(r"^(?:早高峰|晚高峰|早晚高峰|高峰期|高峰时段|周末|夜间|晚上|早上|节假日|暑假|寒假|放学时段|"
                        r"上下班时段)",
                        rest)
        inner = _MEASURE_VERB.match(rest[time.end():] if time else rest)
        if inner and not inner["place"]:
            return MeasureParts("", np.text, inner["verb"], inner["obj"], time.group(0) if time else "", rest)
        return MeasureParts("", np.text, "", rest, "", rest)
    return MeasureParts("", "", "", first)


def object_noun(obj: str) -> str:
    """The thing a measure's object names (候车亭; 营业时间; 一定比例的现场号 → 现场号; 爱心座椅的数量 → 爱心座椅;
    自动体外除颤仪AED), '' if none."""
    obj = re.split(r"[，、；]|(?:和|并|及|或者?|同时)(?=[\u4e00-\u9fff]{2})", obj, maxsplit=1)[0]
    obj = re.sub(r"^(?:更多的?|一些|一点|一个|几个|几条|若干|部分|多个|各类|一批|一定比例的?)", "", obj)
    obj = re.sub(r"(?:的)?(?:数量|数目|比例|力度|范围)$|(?:到|至)[^，]{1,8}$", "", obj)
    words = _merged(pos_cut(obj)) if obj else []
    plain = bool(re.fullmatch(r"[A-Za-z0-9\u4e00-\u9fff]+", obj)) and not re.search(r"[的在对把给让]", obj)
    if 2 <= len(obj) <= 12 and plain \
            and words and (_nounlike(*words[-1]) or re.fullmatch(r"[A-Za-z]+", words[-1][0])) \
            and not any(f == "v" or _is_verb(w) for w, f in words[1:]):
        return obj
    np = noun_phrase(obj, max_len=10)
    return np.text if np.text and (np.end >= len(obj) - 1 or len(np.text) >= 3) else ""
