"""Cue extractors: regex lexicons that find evidence spans of private stakes, legal matters and suggestions.

Each pattern has a *kind* (what it shows), optionally the excluded *category* it points at, and a weight.
The classifier uses the per-kind counts as features; the engine uses the spans as evidence, applies the
decisive cues (a case number, explicit 行政复议/行政诉讼 wording) and detects mixed texts (a grievance plus a
general suggestion in the same text).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_CLAUSE_END = "，。！？；;!?\n"
_SENTENCE_SPLIT = re.compile(r"[。！？；;!?\n]+")
_NO_STOP = r"[^，。！？；;!?\n]"  # any character inside one clause

# Government organs (for "sue / contest an act of" patterns).
_ORGAN = (
    r"(?:区政府|市政府|镇政府|县政府|人民政府|政府|街道办?|管委会|城管|派出所|公安|交警|"
    r"[\u4e00-\u9fa5]{0,6}(?:局|委|办|所|队|中心|支队|大队|分局))"
)
_SUE = (
    r"(?:起诉|状告|告上法院|告到法院|去法院告|要告|准备告|打算告|打官司告|我告|告了|告他们|提起(?:了)?(?:行政)?诉讼|"
    r"把[^，。]{0,12}告上)"
)
# Organs whose acts are contested by administrative litigation (stricter than _ORGAN: no bare 所/中心).
_ORGAN_STRICT = re.compile(
    r"政府|街道办?|管委会|城管|派出所|公安(?:局|分局)?|交警|行政机关|执法局|"
    r"(?:住建|规划|规自|自然资源|人社|社保|税务|教育|卫健|民政|环保|生态环境|市场监管|交通|水务|国土|应急|消防|公积金|"
    r"房管|城建|农业农村|文旅|医保)(?:局|部门|委|中心|支队|大队)?"
)
_SUE_RE = re.compile(_SUE)
_MONEY = (
    r"(?:\d+(?:\.\d+)?\s*(?:多)?\s*(?:万|千)?\s*(?:元|块钱?|万)|"
    r"[一二三四五六七八九十两几]+(?:多)?(?:十|百|千|万)+(?:多)?(?:元|块钱?)?)"
)
_CLAIM = r"(?:欠|拖欠|退|赔|还|补偿|罚|扣|工资|押金|定金|首付|货款|借)"


@dataclass(frozen=True)
class CuePattern:
    """One lexicon entry."""

    kind: str
    regex: re.Pattern[str]
    category: str | None = None
    weight: float = 1.0


@dataclass(frozen=True)
class Cue:
    """One evidence span found in a text."""

    kind: str
    text: str
    start: int
    end: int
    category: str | None
    weight: float


def _p(kind: str, pattern: str, category: str | None = None, weight: float = 1.0) -> CuePattern:
    return CuePattern(kind, re.compile(pattern), category, weight)


PATTERNS: tuple[CuePattern, ...] = (
    # --- private stakes -------------------------------------------------------------------------
    _p("first_person", r"(?:我|俺|本人|咱)(?:们)?(?:家(?:里)?|的|老公|老婆|丈夫|妻子|爱人|父亲|母亲|爸爸?|妈妈?|"
       r"儿子|女儿|孩子|小孩|哥哥?|姐姐?|弟弟?|妹妹?|爷爷|奶奶|外婆|外公|父母|公司|店|房子?|车)|本人|"
       r"我(?:每天|天天|经常|上次|上个月|前阵子|昨天|自己|住的|住在|家住|坐的|被|在(?:网上|医院|小区|地铁))"),
    _p("collective_stake", r"我们(?:小区|村|组|楼|这栋|单位|业主|几户|几十户|全体)|(?:全体|广大)?业主们?"),
    _p("counterparty", rf"(?:公司|老板|物业|开发商|房东|包工头|商家|中介|邻居|楼上|楼下|前夫|前妻|朋友|亲戚|表哥|"
       rf"同事|单位|驾校|平台|店家|老赖|合伙人|室友|保姆|对方){_NO_STOP}{{0,12}}"
       rf"(?:欠|拖欠|不退|不还|不给|拒不|拒绝|赖账|不认账|克扣|扣了|跑路|卷款|不肯)"),
    _p("amount", rf"{_CLAIM}{_NO_STOP}{{0,10}}{_MONEY}|"
       rf"{_MONEY}{_NO_STOP}{{0,6}}(?:没还|不还|不退|没退|没给|拖欠|欠款)"),
    _p("case_number", r"[（(]\s*\d{4}\s*[）)]\s*[\u4e00-\u9fa5]{1,2}\s*\d{0,4}\s*[\u4e00-\u9fa5]{1,4}\s*\d+\s*号|案号",
       "司法诉讼", 3.0),
    _p("intervention", rf"(?:请|恳请|恳求|求求?|麻烦|拜托|盼|希望){_NO_STOP}{{0,8}}"
       rf"(?:帮(?:帮|忙)?我|为我|给我|替我|帮我们|为我们|给我们|帮帮)|(?:为民|为我们?|给我们?|替民)(?:做主|作主)|"
       rf"主持公道|讨(?:个|回)?(?:说法|公道)|还我(?:们)?(?:一个)?|帮帮我"),
    # --- legal matters --------------------------------------------------------------------------
    _p("litigation", r"法院|法官|判决|一审|二审|再审|终审|上诉|开庭|庭审|立案庭|执行局|强制执行|申请执行|执行案|"
       r"缺席判决|传票|诉讼费|律师|检察院|抗诉|不起诉|报案|刑事拘留|取保候审|看守所|批捕|判刑|判了|缓刑|量刑|"
       r"冤案|嫌疑人|经侦|调解书|裁定书|判决书|裁决书|老赖|查封|官司|案子|案件", "司法诉讼"),
    _p("sue", _SUE, "司法诉讼", 0.5),
    _p("admin_litigation", rf"行政诉讼|行政起诉|行政官司|行政案件|{_SUE}{_NO_STOP}{{0,10}}{_ORGAN}|"
       rf"{_ORGAN}{_NO_STOP}{{0,6}}(?:告上法院|告到法院)|告(?:区|市|镇|县)?政府", "行政诉讼", 2.5),
    _p("admin_review", r"行政复议|申请复议|复议", "行政复议", 2.5),
    _p("admin_act", rf"处罚决定|行政处罚|罚款|罚单|罚了我|吊销|暂扣|没收|责令|限期拆除|"
       rf"不予(?:批准|登记|受理|许可|认定|办理)|驳回了?我|(?:作出|下达|发了?)了?{_NO_STOP}{{0,10}}决定|"
       rf"认定(?:书|结论)|(?:不服|不认可?){_NO_STOP}{{0,12}}(?:决定|处罚|认定|罚)|"
       rf"(?:决定|处罚|认定|罚单){_NO_STOP}{{0,8}}(?:不服|不认可?|错误|有问题|事实不清)|"
       rf"撤销{_NO_STOP}{{0,10}}(?:决定|处罚|罚单|认定|备案)|重新(?:审查|核定|认定)", "行政复议"),
    # --- complaints, reports, petitions --------------------------------------------------------------
    _p("complaint", r"投诉|扰民|态度(?:恶劣|很差|差|蛮横|冷漠)|服务(?:太|很)?差|不给退|乱收费|不作为|推诿|踢皮球|"
       r"没人(?:管|修|理)|(?:一直|迟迟)(?:不|没)(?:修|处理|解决)|坏了|噪音|噪声|油烟|吵得|吵到|臭气|漏水|停水|缺斤少两",
       "投诉"),
    _p("report", r"举报|检举|违建|违章建筑|违法建设|私自加建|加建|偷排|排污|无证|非法|贪污|受贿|腐败|回扣|红包|传销|"
       r"诈骗|涉黄|保护伞|冒领|挪用|公款|公车私用|查处|严查|彻查|假冒|假药|掺假|过期|黑作坊|偷税|漏税|违法违规|违法|"
       r"利用职权|以权谋私|职务之便|纪委|索要|好处费|体罚|童工|赌场|赌博|内定|虚假|造假|行贿|收受|侵吞|私吞|"
       r"中饱私囊|截留|挪去|挪作|扶贫款",
       "举报"),
    _p("petition", rf"信访|上访|接访|申诉|复查|复核|拆迁|征收|征地|安置|回迁|补偿款|历史遗留|遗留问题|落实政策|平反|"
       rf"恢复名誉|民办教师|知青|移民|优抚|烈士|复员|多次反映|反映了{_NO_STOP}{{0,4}}(?:年|次)|"
       rf"跑了{_NO_STOP}{{0,4}}年|石沉大海|逐级|做主|作主|主持公道", "信访"),
    _p("civil", rf"邻居|楼上|楼下|隔壁|房东|押金|定金|借(?:了|给)?{_NO_STOP}{{0,6}}(?:钱|万|块)|欠条|借条|担保|赡养|"
       rf"抚养|离婚|前夫|前妻|遗产|遗嘱|继承|工资|工钱|欠薪|薪资|加班费|辞退|开除|劳动仲裁|仲裁|包工头|合同|违约|"
       rf"合伙|保姆|室友|加盟|工伤", "民事纠纷"),
    _p("personal", rf"咨询|请问|想问|问一下|问下|帮我(?:查|问|申请|安排|催|核|看)|我(?:能|可以|能不能|可不可以|"
       rf"符不符合|是否符合|够不够)|符合{_NO_STOP}{{0,4}}条件|够不够条件|怎么(?:办理|申请|办|交|领|补办|转|弄)|"
       rf"要(?:什么|哪些)(?:材料|手续|证件|条件)|去哪里?(?:办|申请|领)|需要(?:什么|哪些)|低保|救助|入学|落户|户口|"
       rf"社保卡|医保卡|公积金|退休金|养老金|失业金|居住证|身份证|护照|残疾证|求助", "个人问题"),
    # --- public-good suggestions -----------------------------------------------------------------
    _p("suggestion", rf"建议|建意|提议|倡议|呼吁|"
       rf"希望(?:zf|政府|有关部门|相关部门|市里|区里|市委|市政府|能够?|可以|尽快|"
       rf"加快|出台|增加|加强|推广|在|把|多|对)|应该|应当|能不能(?:在|把|多|给|统一|增加|开通|延长|建)|可否|"
       rf"恳请{_NO_STOP}{{0,6}}(?:出台|考虑|规划|增设)"),
    _p("generality", r"全市|全区|全省|全国|各区|各街道|各个|所有|每个|普遍|大家|市民|群众|老百姓|广大|多数|"
       r"很多(?:人|家庭|市民|老人|家长|小区|地方|学校)|每条|每一|各类|各条|同类|沿线|制度|机制|政策|规定|条例|标准|"
       r"规范|细则|办法|体系|统一|推广|出台|完善|纳入|规划|试点|长效|常态化|全覆盖"),
    _p("public_action", r"增设|增加|增开|增派|加密|开通|延长|建设|新建|修建|设立|设置|配建|配备|加装|安装|改造|优化|"
       r"简化|扩大|放宽|公开|公布|公示|推行|推进|推出|建立|加大|加强|开放|规范|提高|降低|减少|保障|引进|补贴|鼓励|"
       r"支持|限制|禁止|统筹|调整|整合|提供"),
)

KINDS: tuple[str, ...] = tuple(dict.fromkeys(p.kind for p in PATTERNS))
"""Every cue kind, pattern order."""

CATEGORY_KINDS: dict[str, str] = {p.kind: p.category for p in PATTERNS if p.category}
"""Cue kind → excluded category it points at."""

_SUGGESTION = next(p for p in PATTERNS if p.kind == "suggestion").regex
_GENERAL = next(p for p in PATTERNS if p.kind == "generality").regex
_ACTION = next(p for p in PATTERNS if p.kind == "public_action").regex
_HANDLE_ONLY = re.compile(r"(?:处理|查处|解决|整改|取缔|拆除|处置|严查|彻查|重视|关注|督促|答复|回复)")


def extract(text: str) -> list[Cue]:
    """All cue spans in ``text``, sorted by position."""
    cues = [
        Cue(p.kind, m.group(0), m.start(), m.end(), p.category, p.weight)
        for p in PATTERNS
        for m in p.regex.finditer(text)
        if m.end() > m.start()
    ]
    if not any(c.kind == "admin_litigation" for c in cues):
        cues.extend(_sentence_admin_litigation(text))
    return sorted(cues, key=lambda c: (c.start, c.kind))


def _sentence_admin_litigation(text: str) -> list[Cue]:
    """Suing and a government organ in the same sentence (「…城管把我的店拆了，法院已经立案我告他们的案子」)."""
    found: list[Cue] = []
    offset = 0
    for sentence in re.split(r"(?<=[。！？!?\n])", text):
        sue = _SUE_RE.search(sentence)
        if sue and _ORGAN_STRICT.search(sentence):
            start = offset + sue.start()
            found.append(Cue("admin_litigation", sue.group(0), start, start + len(sue.group(0)), "行政诉讼", 2.5))
        offset += len(sentence)
    return found


def counts(cues: Iterable[Cue]) -> Counter[str]:
    """Number of spans per kind."""
    return Counter(c.kind for c in cues)


def category_scores(cues: Iterable[Cue]) -> dict[str, float]:
    """Summed weights of the spans pointing at each excluded category."""
    scores: dict[str, float] = {}
    for cue in cues:
        if cue.category:
            scores[cue.category] = scores.get(cue.category, 0.0) + cue.weight
    return scores


def decisive_category(cues: Iterable[Cue]) -> str | None:
    """A category fixed by an unambiguous cue: explicit 行政诉讼, 行政复议 wording, or a court case number."""
    kinds = {c.kind for c in cues}
    if "admin_litigation" in kinds:
        return "行政诉讼"
    if "admin_review" in kinds:
        return "行政复议"
    if "case_number" in kinds:
        return "司法诉讼"
    return None


def general_suggestions(text: str) -> list[str]:
    """Sentences proposing something general: a suggestion word plus a generality word in the same sentence.

    "建议有关部门尽快处理" (asking to handle one case) does not count: it needs a word such as 全市, 制度,
    统一, 出台 … or a public action (增设, 开通 …) that is not just "handle / investigate this".
    """
    found: list[str] = []
    for sentence in _SENTENCE_SPLIT.split(text):
        sentence = sentence.strip()
        match = _SUGGESTION.search(sentence)
        if not match:
            continue
        rest = sentence[match.start() :]
        if _GENERAL.search(rest) or (_ACTION.search(rest) and not _HANDLE_ONLY.search(rest)):
            found.append(sentence)
    return found


def phrase(text: str, cue: Cue, limit: int = 24) -> str:
    """The evidence phrase of a cue: suggestions extend to the end of their clause, others are the match."""
    if cue.kind != "suggestion":
        return cue.text
    end = cue.end
    while end < len(text) and end - cue.start < limit and text[end] not in _CLAUSE_END:
        end += 1
    return text[cue.start : end]
