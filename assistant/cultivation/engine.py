"""The offline drafter: a :class:`DraftRequest` (idea, answers, references, routing…) → a 附件1 draft that says only
what the citizen said or answered and what a cited source says, with the standing that source has.

It organises, normalises, asks and points to references; it never invents facts, numbers, precedents or legal
obligations. Where something is missing the draft says （待补充：…） and the questions ask for it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, Protocol

from assistant.cultivation.catalogue import DraftingCatalogue, load_catalogue
from assistant.cultivation.claims import FUNCTION_CHARS, Evidence, enforce_claims, place_names
from assistant.cultivation.enrich import reply_summary
from assistant.cultivation.frame import (
    affected_group,
    is_actor,
    is_people,
    measure_parts,
    noun_phrase,
    object_noun,
    problem_phrase,
    subjectless,
)
from assistant.cultivation.gaps import IdeaProfile, gap_marks, gap_sentence, profile, questions_for
from assistant.cultivation.grievance import channel_for, grievance_category, strip_demands
from assistant.cultivation.models import (
    CONTEXT_LABEL,
    POLICY_CONTEXT_LABEL,
    Attribution,
    ChannelPointer,
    ContextReference,
    DraftProposal,
    DraftRequest,
    Proposer,
    Reference,
    Source,
)
from assistant.cultivation.normalize import InputNormaliser
from assistant.cultivation.privacy import extract_personal_data
from assistant.cultivation.references import from_hits, on_point, whole_sentences
from assistant.cultivation.segment import classify, split_sentences, split_suggestion
from assistant.cultivation.topic import TopicExtractor, make_title
from assistant.cultivation.validator import enforce, trim_point
from assistant.screening.cues import general_suggestions

_LEADING_CUE = re.compile(
    r"^(?:另外|还有|同时|所以|因此|但是|可是|不过|我想|我|我们|本人)?(?:我认为|我觉得|其认为|提出人认为|"
    r"(?:大家|家长们?|群众|我们)?都?(?:觉得|认为)(?=可以))?(?:强烈)?"
    r"(?:建议|希望|恳请|呼吁|请求|要求|提议|可否|是否能|能不能|能否|"
    r"可不可以|最好|期望|盼望|请|应该|应当|可以(?=把|在|将|对|给))(?:一下)?(?:政府|有关部门|相关部门)?[，,：:]?"
)
_SUBJECT = re.compile(r"^(?:政府|有关部门|相关部门|市里|区里|上面)")
_END = re.compile(r"[？?！!，,；;、。]+$")
_RHETORICAL = re.compile(r"(为什么|为何|凭什么|难道|怎么能|怎么走|谁来|咋办|怎么办)")
_REQUEST_START = re.compile(
    r"(?:^|[，,；;：:])\s*(?:另外|还有|同时|所以|因此|因而|特此|在此)?[，,]?(?:我们|本人|我)?(?:个人)?(?:认为|觉得)?(?:强烈|真诚|诚恳地?)?"
    r"(?:建议|希望|恳请|呼吁|请求|提议|盼望|期望|期盼|请|能否|可否|能不能|可不可以|是否可以|最好|应该|应当|要求|需要尽快|"
    r"[\u4e00-\u9fff]{1,8}(?:应该|应当|要|需要|能够?|可以)(?=[增设加开延安建推划配提改规整修实保引放调限禁降减公统扩完优取鼓恢新出办装覆明落多在对把将为给管]))"
)
_REQUEST_Q = re.compile(r"(建议|能否|可否|是否可以|可不可以|能不能|希望|请)")
_UNIT_SUFFIX = re.compile(r"（[^（）]*）$")
_DESCRIPTION = re.compile(
    r"^(?:现在|目前|因为|由于|但是|可是|不然|否则|这样|那样|其实|而且|毕竟|所以|反正|结果|本来|很多|不少|大家|群众|老人|"
    r"有的|有些|经常|每次|每天|导致|造成|影响)"
)
_CONNECTIVE = re.compile(r"^(?:另外|还有|同时|此外|而且|并且|再说|然后|其次|最后|首先|总之|所以|因此|但是|可是|不过|"
                         r"但)[，,]?")
_VERB_START = "增设加开延安建推划配提改规整修实保引放调限禁降减公统扩完优取鼓恢新出办装覆多明落设"
_LOCATIVE = re.compile(
    rf"^(?!出台|制定|建立|规定|实行|推行|加强|规范|开展|设立|根据|按照|通过)(?P<loc>(?:(?![的在对把将给为])[\u4e00-\u9fff]){{2,10}}?(?:后|前|内|里|旁|周边|附近|门口|出口|沿线|期间|时段|站|广场|小区|公园|学校|医院|村|社区|"
    rf"路口|路段|市场))(?P<rest>[{_VERB_START}][\u4e00-\u9fff].*)$"
)
_PREAMBLE = re.compile(
    r"^(?:也|又)?不(?:只|光|止)?是(?:我们|我家|我)(?:一个|一家|这一?个)?[\u4e00-\u9fff]{1,4}$|"  # 也不是我们一个小区
    r"^(?:这件事|此事)?(?:我|其)?就?不(?:追究|计较)了?$|^(?:其实)?(?:这)?(?:也)?不是(?:我们|我|司机|骑手)的(?:问题|责任|错)$|"
    r"^(?:其实)?(?:已经)?(?:说了|反映了|讲了|提了)(?:很久|好久|很多次|多次|几次|好几次)了?$|"
    r"^(?:我|其)?(?:想|要)?建议一下$|"
    r"^(?:你好|您好|领导好)?(?:我|本人)?(?:想|要|来)?(?:反映|说说|说一下|讲讲|谈谈|提)(?:一下|下)?(?:个事|一件事|一个事|个问题|"
    r"一个问题|一个建议|个建议)?(?:[\u4e00-\u9fff]{0,14}?(?:的事情|的事|的问题|的想法|一点想法|一点建议))?$"
)
_WE_GROUP = re.compile(
    r"(?:我们|咱们)(?=(?:越秀|海珠|荔湾|天河|白云|黄埔|番禺|花都|南沙|从化|增城|这些|上班族|老人|老年人|家长|居民|业主|村民|骑手|"
    r"司机|老师|学生|年轻人|退休|残疾人|外卖|租户|街坊))"
)
_SUBJECT_VERB = re.compile(
    r"^(?:一次性|在|对|把|将|为|给|由|让|使|增设|增加|增开|增建|增派|设立|设置|设定|加装|加大|加强|加快|加密|开通|开设|开放|开展|开辟|"
    r"开发|延长|延伸|安装|安排|建设|建立|新建|修建|推广|推行|推动|推进|推出|划定|配备|配置|配建|提高|提升|提供|改造|改进|改善|"
    r"规范|规定|规划|整治|整合|整改|修复|修缮|维修|实行|实施|保留|保障|保证|引导|引进|引入|放宽|调整|限制|限价|禁止|降低|减少|"
    r"公示|公开|公布|统一|统筹|扩大|完善|优化|取消|鼓励|恢复|出台|办理|明确|落实|覆盖|允许|要求|督促|组织|利用|针对|结合|参照|"
    r"做好|定期|严格|严查|严禁|免费|免除|协调|研究|探索|试行|采取|每天|每年|尽快|及时|简化|缩短|打通|连通|畅通|清理|清洗|拆除|"
    r"疏导|疏通|监测|检查|排查|核查|督查|查处|处罚|宣传|培训|指导|帮助|支持|维护|管理|监管|发放|补贴|奖励|发布|播报|显示|标注|"
    r"标明|贴|张贴|印制|编制|制定|修订|执行|共享|对接|联合|联动|会同|牵头|派|购买|招募|合理|设|建|装|开|加|增|修|换|更换|"
    r"清|建成|打造|做成|做|搞|办|收|放|留|种|铺|拓宽|拆|挪|迁|移|限|禁|减|降|提|补|送|发|给予|参考|借鉴|连通|举办)"
)
_FIRST_PERSON = re.compile(r"我|其|提出人|本人")
_NOUN_FLAGS = frozenset({"x", "vn", "j", "nz", "zg", "ng", "an", "eng"})
_SUBJECT_LEAD = re.compile(
    r"^(?:现在|目前|如今|最近|近年来|其实|另外|很多|不少|一些|有些|有的|好多|大量|部分|我们|咱们|我|其所在|其家|其|提出人|"
    r"楼下的?|这里的?|这边的?|当地的?|那条|这条|那个|这个|广州的?|本市的?)+"
)
_MEASURE_VERB = re.compile(r"^(?:加开|增开|增设|设置|增加|开通|安装|加装|延长|推出|推广|开设|建立|完善|提高|降低|"
                           r"扩大|优化|规范|统一|恢复|取消|新建|增建|修建|改造|配备|配置)")
_ACTOR_START = re.compile(
    r"^(?:由)?[\u4e00-\u9fff]{0,8}?(?:局|委|办|政府|街道办|居委会|村委会|公司|集团|交警|城管|物业|学校|医院|社区|街道|"
    r"派出所|支队|管理处|运营方|平台)(?:要|应|应该|可以|能|来|尽快|及时)?(?:[\u4e00-\u9fff\d]{1,6}?(?:内|前|起))?"
    r"(?=[增设加开延安建推划配提改规整修实保引放调限禁降减公统扩完优取鼓恢新出办装覆明落多对在把牵组负协])"
)


@lru_cache(maxsize=1)
def _pos_tokenizer(tokenizer: Any) -> Any:
    """jieba's part-of-speech tokenizer over the shipped dictionary (built once)."""
    import jieba.posseg

    inner = tokenizer._tokenizer() if hasattr(tokenizer, "_tokenizer") else None
    return jieba.posseg.POSTokenizer(inner) if inner is not None else jieba.posseg.dt


_SALUTATION = re.compile(r"(?:^|(?<=[。！？\n]))(?:尊敬的)?[\u4e00-\u9fff]{0,4}(?:书记|领导|局长|厅长|市长|主任|"
                         r"同志)(?:大人|们)?"
                         r"[：:，,]?(?:您好|你好)?[，,。！!]?")
_TAG_REQUEST = re.compile(r"([，,])([^，,。！？]{2,30}?)(?:好不好|行不行|可不可以|可以吗|好吗|行吗)(?=[。？！?]|$)")
_PLEA = re.compile(
    r"^(?:您|你们|领导|政府|市政府|上级|有关部门|相关部门)*(?:可以|能|能够)?(?:尽快|及时|一定)?(?:跟|与|和|向|对)?"
    r"(?:有关|相关|上级)?(?:部门|领导|单位)?[^，]{0,10}?(?:沟通解决|协调解决|督办|彻查|调查核实|核实|回复|答复|答疑解惑|重视|"
    r"关注|做主|给予帮助|帮助|帮忙|解决一下|处理一下)(?:一下)?(?:，|$)"
)
_WISH = re.compile(r"(?:感觉|觉得|我想|其认为|我认为)?(?:如果|要是|假如|若)(?:能够?|可以)?([^。！？]{4,60}?)[，"
                   r",]?(?:那样?)?(?:就|也)?"
                   r"(?:很|更|会)?(?:好|方便|安全|放心)(?:多)?了")
_POSSESSIVE = re.compile(r"^(?:加强|改进|延长|缩短|增加|减少|提高|降低|调整|扩大|优化|公开|公示|公布|加密|规范|"
                         r"完善|改善|"
                         r"提升|放宽|"
                         r"延迟|提前|丰富|更新)$")
_VERB_2 = ("增开", "增设", "增加", "加密", "延长", "开放", "加装", "安装", "设置", "划定", "更换", "修复",
           "维修", "提高", "降低", "调整", "规范", "整治", "公开", "公示", "优化", "配备", "增建", "建设", "加强",
           "清理", "拆除", "清运")
_PLACE_SUBJECT = re.compile(r"(?:小区|社区|地铁站|公交站|站台|路口|人行道|村|菜市场|市场|广场|商圈|景区|车厢|路段|天桥|"
                            r"工地|楼道|老旧小区|城中村|江边|河边|绿道|写字楼|商场)$")
_AGENT = re.compile(r"(?:局|公司|企业|平台|学校|医院|幼儿园|饭堂|食堂|中心|机构|物业|驿站|商家|商户|地铁|公交|馆|"
                    r"公园|院|所|校|"
                    r"大厅|养老院|街道|居委会|村委会|协会|银行|运营方|中小学|小学|中学|高校)$")
_GUIDED = re.compile(r"(?:学校|幼儿园|医院|卫生服务中心|社区|饭堂|食堂|图书馆|公园|养老院|养老机构|驿站|街道|"
                     r"居委会|村委会|"
                     r"服务中心|服务大厅|博物馆|体育馆|文化馆|中小学|小学|中学)$")
_ANY_VERB = re.compile(r"(?:增设|增加|增开|设立|设置|加装|加大|加强|开通|开设|开放|延长|安装|建设|建立|推广|推行|"
                       r"划定|配备|"
                       r"提高|提升|提供|改造|规范|整治|整改|修复|实行|实施|保留|保障|引导|调整|限制|禁止|不准|不得|降低|减少|"
                       r"公示|公开|公布|统一|扩大|完善|优化|取消|鼓励|出台|明确|落实|覆盖|督促|组织|检查|排查|查处|处罚|宣传|"
                       r"培训|监管|发放|补贴|制定|共享|开展)")
_GENERIC_ACTOR = re.compile(
    r"^(?:地铁公司|公交公司|单车公司|物业公司|有关单位|相关单位|政府部门|管理部门|职能部门|政府|"
    r"[\u4e00-\u9fff]{1,4}部门(?=[对在把为给加做进开实建设出推公定严依督要规限查清整明制组协统落]))"
)
_MODAL = re.compile(rf"(?:能够|(?<![功性效可技智动体热电])能|可以|应该|应当|需要|要)(?=[{_VERB_START}在对把将为给管])")
_BARE_VERB = re.compile(r"更换|修复|修好|修理|维修|处理|解决|整治|清理|拆除|改造|安装|加装|增设|设置|增加|管理|规范")
_FEW = re.compile(r"(?<=[增开设建装加排置立])(?=(?:几条|几个|几家|几处|几台|几辆|几趟|一些|一点|一个|一座|"
                  r"一批)[\u4e00-\u9fff])(?:几条|几个|几家|几处|几台|几辆|几趟|一些|一点|一个|一座|一批)")
ANSWER_ELEMENTS = ("where", "affected", "evidence", "cause", "actor", "policy", "detail", "suggestion", "problem")


class UnitSuggester(Protocol):
    """Optional legacy collaborator: handling units for a text, best first (use ``DraftRequest.routing`` instead)."""

    def suggest_units(self, text: str) -> Sequence[str]: ...


def _sentence(text: str) -> str:
    text = _END.sub("", text.strip())
    return text + "。" if text else text


def _unit_name(name: str) -> str:
    return _UNIT_SUFFIX.sub("", name.strip())


class OfflineDrafter:
    """Deterministic drafting: normalisation, personal data out, grievances aside, the citizen's requests as
    suggestions naming the routed unit, gaps marked and asked about, claims checked."""

    def __init__(
        self,
        normaliser: InputNormaliser | None = None,
        topics: TopicExtractor | None = None,
        units: UnitSuggester | None = None,
        catalogue: DraftingCatalogue | None = None,
    ) -> None:
        self.catalogue = catalogue or load_catalogue()
        self.normaliser = normaliser or InputNormaliser()
        self.topics = topics or TopicExtractor(catalogue=self.catalogue)
        self.units = units

    # who acts ----------------------------------------------------------------------------------------
    def actor(self, text: str) -> str:
        """Fallback unit when no routing decision is given: the legacy suggester, else the catalogue table."""
        if self.units is not None:
            try:
                found = list(self.units.suggest_units(text))
            except Exception:  # routing is optional help, never a reason to fail a draft
                found = []
            if found:
                return found[0]
        return self.catalogue.actor_for(text)

    def _units(self, request: DraftRequest, text: str) -> tuple[str, str | None, bool]:
        """(主办, 协办 or None, whether a routing decision gave them)."""
        routing = request.routing
        if routing is not None and routing.units and routing.abstain:
            return self.actor(text), None, False  # the router is unsure: the table, else 有关部门 (and ask)
        if routing is not None and routing.units:
            main = _unit_name(routing.units[0].name)
            top = routing.units[0].score or 1.0
            co = next((_unit_name(u.name) for u in routing.units[1:]
                       if _unit_name(u.name) != main and u.score >= 0.75 * top), None)
            return main, co, not routing.abstain
        return self.actor(text), None, False

    # entry -------------------------------------------------------------------------------------------
    def draft(
        self,
        request: DraftRequest | str,
        answers: Mapping[str, str] | None = None,
        items: Sequence[Any] = (),
        policies: Sequence[Any] = (),
        proposer: Proposer | None = None,
        attribution: Attribution | None = None,
        asked: set[str] | None = None,
    ) -> DraftProposal:
        """A compliant draft from a :class:`DraftRequest` (or, for older callers, from the idea text and the
        retrieval hits ``items``/``policies``)."""
        if isinstance(request, str):
            request = DraftRequest(
                idea=request, answers=dict(answers or {}), references=from_hits([*items, *policies]),
                proposer=proposer, attribution=attribution, asked=set(asked or ()),
            )
        return self._draft(request)

    def _draft(self, req: DraftRequest) -> DraftProposal:
        c = self.catalogue
        t = c.template
        notes: list[str] = []
        known = self._known_values(req)
        norm = self.normaliser.normalise(req.idea)
        notes += norm.notes()
        private = extract_personal_data(norm.text, known)
        text = private.text
        answers: dict[str, str] = {}
        for key, value in req.answers.items():
            if value and value.strip():
                value = self.normaliser.normalise(value, cantonese_context=norm.cantonese).text
                answers[key] = extract_personal_data(value, known).text
        extracted = private.proposer if private.found else None
        notice = t("privacy_notice", kinds="、".join(private.kinds)) if private.found else ""

        job = re.search(r"(?:我|其)(?:是|为)(?:一名|一个)?(外卖骑手|骑手|网约车司机|出租车司机|公交司机|快递员|"
                        r"环卫工人|保安|"
                        r"教师|老师|医生|护士|农民工)", text)
        if job:  # a rider's “我们” are riders, not the public
            text = re.sub(r"我们(?!小区|村|社区|街道|楼|这|那)", job.group(1), text)
        groups, grievances = self._sort(text)
        main, co, routed = self._units(req, text + "".join(answers.values()))
        described_sentences = groups["situation"] + groups["impact"] + groups["cause"]
        clauses = [c for x in described_sentences for c in re.split(r"[，。；]", self._third(x))
                   if c and not re.match(r"^(?:其为|其是|提出人|(?:其|我)?家?(?:居住|住))", c)]
        hint = next((h for h in (noun_phrase(c).text for c in clauses[:4]) if h and not is_people(h)
                     and not is_actor(h)), "")
        measures = [m for s in groups["suggestion"] for m in self.measures(s, hint)]
        measures += [m for m in self.measures(answers.get("suggestion", ""), hint)]
        road = next((p for p in place_names(text) if re.search(r"(?:路|街|大道|巷)$", p)), "")
        measures = [re.sub(r"该路段|这条路|那条路|这段路|这一段路", road if road and road not in m else "相关路段", m)
                    for m in measures]
        measures = [re.sub(r"(?:这条|那条|这个|那个|这座|那座)(?=[\u4e00-\u9fff]{2})", "该", m) for m in measures]
        topic = self.title_topic(measures, "".join(described_sentences) or text, "")
        described = "".join(self._third(s) for s in groups["situation"] + groups["impact"])
        place = re.match(r"^在(?P<p>[^，]{2,10}?)(?:后|前|内|里|期间|时段)?(?=[" + _VERB_START + "])", topic)
        object_ = hint or (place["p"] if place else self.object_of(described or text, measures))
        where_answer = self.normaliser.third_person(answers.get("where", ""), "suggestion")
        where_answer = re.sub(r"^(?:嗯|就是|是|在|就在|位于)+[，,]?", "", where_answer).strip("。；，, ")
        where_answer = re.split(r"[，。；]", where_answer, maxsplit=1)[0]
        if measures and 4 <= len(where_answer) <= 24 and not measures[0].startswith("在") \
                and not place_names(measures[0]):
            measures[0] = f"在{where_answer}{measures[0]}"
        first_sentence = re.split(r"[。！？]", text, maxsplit=1)[0]
        where_word = next((p for p in c.raw["title_places"] if p in first_sentence), "")
        measures = [m.replace("加大对", "加大对" + where_word, 1) if m.startswith("加大对") and where_word
                    and where_word not in m else m for m in measures]
        if where_word and measures and measures[0].startswith("加大对"):
            topic = self.title_topic(measures, text, "")
        full = text + "".join(answers.values())
        frame = self.frame(text, clauses, measures, bool(clauses))
        prof = profile(full, measures, bool(groups["cause"]), object_, routed, c, idea=text, **frame)
        if not measures:
            topic = self.title_topic(measures, "".join(described_sentences) or text, frame["subject"],
                                     problem=frame["problem"])
        elif (frame["problem"] or frame["subject"]) and re.fullmatch(r"(?:有人)?(?:加强)?管理",
                                                                     measures[0].split("，")[0]):
            issue = frame["problem"].replace("有人", "") or frame["subject"]
            state = re.sub(r"(?:较|很|太|非常|十分|特别|比较|越来越)?(?:大|严重|突出|多|频繁|高|差|乱)$", "", issue)
            issue = state if len(state) >= 2 else issue  # 噪音较大 → 加强对噪音的管理, not 对噪音较大的管理
            measures[0] = f"加强对{issue}的管理" + measures[0][len(measures[0].split("，")[0]):]
            topic = self.title_topic(measures, "".join(described_sentences) or text, "")

        # 情况分析 ------------------------------------------------------------------------------------
        analysis: list[str] = []
        situation = [c for s in groups["described"] for c in _chunks(self._third(s))]
        situation = [s for s in situation if s]
        situation = [r for r in (_residence(x, prof.local) for x in situation) if r]
        if situation and frame["subject"]:
            situation[0] = with_subject(situation[0], frame["subject"])
        where = self._answer("where", answers)
        if where:
            situation.insert(0, where)
        if situation:
            analysis += self._points(t("situation_lead"), situation, 170)
        elif not described_sentences:
            purpose = next((p for p in (self._purpose(x) for x in groups["suggestion"]) if p), "")
            if purpose:
                analysis.append(t("purpose", purpose=purpose))
        facts = [a for a in (self._answer(k, answers) for k in ("affected", "evidence", "problem")) if a]
        if facts:
            analysis.append(trim_point("".join(facts), 170))
        causes = [self._third(s) for s in groups["cause"]]
        cause_answer = self._answer("cause", answers)
        if causes or cause_answer:
            lead = c.raw["answer_leads"]["cause"]
            body = "".join(causes) + (cause_answer or "")
            analysis.append(trim_point(body if not cause_answer or causes else cause_answer, 160))
            if causes and not cause_answer:
                analysis[-1] = trim_point(lead + "".join(causes), 160)
        for key in ("actor", "policy"):
            extra = self._answer(key, answers)
            if extra:
                analysis.append(trim_point(extra, 120))
        redirects: list[ChannelPointer] = []
        if grievances:
            context = [g for g, _ in grievances]
            analysis.append(trim_point("有群众反映，" + "".join(context), 150))
            for sentence, category in grievances[:2]:
                redirects.append(channel_for(category, text, _sentence(sentence)))
            notes.append("原文中的个人诉求不属于“百姓提案”范围，只作为背景写入；个人诉求的办理渠道见草稿旁的提示。")
        sources: list[Source] = []
        keywords = self.topics.keywords(full, k=8)
        anchors = [w for w in keywords[:3]]
        cited: list[Reference] = []
        for ref in req.references:
            if ref.kind != "policy" or not ref.applies_to_guangzhou or cited:
                continue
            quote = whole_sentences(ref.text)
            asked = self.topics.keywords(measures[0].split("，")[0], k=3) if measures else []
            if asked and sum(1 for k in asked if k in ref.text + ref.title) < min(2, len(asked)):
                continue  # the article must be about what the citizen asks (not only share the idea's words)
            heads = [object_[i:] for i in range(max(1, len(object_) - 1))] if object_ else anchors
            if quote and on_point(ref, keywords, heads, min_terms=4) and \
                    not quote.rstrip("。").endswith(("：", ":")) and object_ and \
                    any(object_[i:] in ref.text + ref.title for i in range(max(1, len(object_) - 1))):
                analysis.append(t("policy_quote", citation=ref.citation, quote=quote.rstrip("。")) + "。")
                cited.append(ref)
                sources.append(Source(kind="policy", doc_id=ref.doc_id, citation=ref.citation,
                                      used_for=f"情况分析第{len(analysis)}条"))
        if req.duplicate_count:
            analysis.append(t("count", n=req.duplicate_count))
        gaps = gap_marks(prof, answers)
        if gaps:
            analysis.append(t("gap", items=gap_sentence(gaps)))

        # 具体建议 ------------------------------------------------------------------------------------
        suggestions: list[str] = []
        detail = self._detail(answers.get("detail", ""))
        upper = req.routing.linkage if req.routing is not None else None
        for i, measure in enumerate(dict.fromkeys(measures)):
            if i == 0 and upper in ("national", "provincial"):
                suggestions.append(self.upper_suggestion(measure, str(upper), detail))
                continue
            if i == 0 and len(measure.split("，")[0]) <= 10:
                head, sep, tail = measure.partition("，")
                measure = qualified(head, frame["subject"]) + sep + tail
            suggestions.append(self.suggestion(measure, main, co if i == 0 else None, detail if i == 0 else ""))
        for remedy in c.remedies:
            if len(suggestions) >= 4 or (measures and not remedy.always):
                continue
            if any(_overlap(remedy.measure, m) >= 0.25 for m in measures):
                continue
            if remedy.pattern.search(full) and not any(remedy.key in s for s in suggestions):
                measure = remedy.measure.format(object=_clip(frame["subject"], 10))
                measure = re.sub(r"^简化(.{2,10}?(?:手续|程序|流程))相关申请审批手续", r"简化\1", measure)
                suggestions.append(self.suggestion(measure, main, co if not suggestions else None, "", ours=True))
        if not suggestions:
            issue = frame["problem"] or (frame["subject"] + "方面问题" if frame["subject"] else "上述问题")
            suggestions.append(t("suggestion_placeholder", unit=main, issue=issue))

        title = make_title(topic)
        proposer = req.proposer or (req.attribution.citizen if req.attribution else None) or Proposer()
        draft = DraftProposal(
            title=title,
            analysis=analysis,
            suggestions=suggestions,
            proposer=proposer,
            remarks=self.remarks(req.attribution),
            sources=sources,
            attribution=req.attribution,
            notes=notes,
            context_references=self.context(req.references, keywords, anchors, cited),
            redirects=redirects,
            extracted=extracted,
            privacy_notice=notice,
            gaps=gaps,
            units=[main] + ([co] if co else []),
        )
        units = draft.units
        evidence = Evidence.build(req.idea, req.answers, cited, units, req.duplicate_count,
                                  extra_texts=[norm.text, text, *answers.values()])
        draft = enforce_claims(draft, evidence, fallback_title=title)
        draft = enforce(draft, req.idea, topic_fn=lambda s: self.topics.topic(self.normaliser.normalise_text(s)))
        draft.questions = questions_for(prof, req.answers, req.asked, c)
        return draft

    def evidence_for(self, request: DraftRequest, draft: DraftProposal | None = None) -> Evidence:
        """What a draft of ``request`` may rest on (for :func:`assistant.cultivation.claims.check_claims` /
        ``enforce_claims``, also on the model's output): the idea and the answers as given and normalised, the
        references the draft cites (only those that apply in Guangzhou count), the routed units (and the units the
        draft names) and the duplicate count."""
        idea = self.normaliser.normalise(request.idea)
        norm = [idea.text] + [self.normaliser.normalise(t, cantonese_context=idea.cantonese).text
                              for t in request.answers.values() if t]
        cited = {s.doc_id for s in draft.sources} if draft is not None else {r.doc_id for r in request.references}
        units = [u.name for u in request.routing.units] if request.routing else []
        units += [_unit_name(u) for u in units] + (list(draft.units) if draft is not None else [])
        refs = [r for r in request.references if r.doc_id in cited]
        return Evidence.build(request.idea, request.answers, refs, units, request.duplicate_count, extra_texts=norm)

    # what the idea is about -------------------------------------------------------------------------
    def frame(self, text: str, clauses: list[str], measures: list[str], described: bool) -> dict[str, Any]:
        """Subject, problem phrase, affected people and (for a bare request) the state to ask about, all in the
        citizen's words (frame.py); '' wherever they do not give a clean phrase."""
        raw = self.catalogue.raw
        parts = measure_parts(measures[0]) if measures else measure_parts("")
        obj = object_noun(parts.obj) if parts.verb else ""
        from_measure = parts.subject if parts.subject and not is_people(parts.subject) \
            and not is_actor(parts.subject) else ""
        from_measure = from_measure or _strip_place_suffix(parts.place) or obj
        from_idea = next((np for np in (noun_phrase(c).text for c in clauses[:4])
                          if np and not is_people(np) and not is_actor(np) and not place_names(np)
                          and not re.fullmatch(r"(?:班级|公司|单位|家|家里|其家)", np)), "")
        subject = from_idea or from_measure
        group = affected_group(text, self.catalogue)
        thing = parts.subject if parts.subject and not is_people(parts.subject) and not is_actor(parts.subject) \
            and not re.search(r"(?:时间|时段|标准|费用|政策|制度|规定|办法|机制|手续|服务)$", parts.subject) else ""
        problem, last = "", ""
        # a clause without a subject of its own takes the previous clause's (电梯用了二十多年，经常困人)
        for clause in clauses[:3]:
            inherit = last if last and re.match(r"^(?:经常|总是|老是|一直|常常|就|都|还|又|也|晚上|早上|白天|夜里|"
                                                r"夜间|周末|每天|"
                                                 r"一到|一下雨|下雨天)", clause) else ""
            problem = problem_phrase(clause, inherit or thing)
            if problem:
                break
            own = noun_phrase(clause).text
            is_place = bool(own) and (bool(place_names(own)) or bool(re.search(r"(?<![小社园景校片城街])[区市县镇]$",
                                                                               own)))
            last = own if own and not is_actor(own) and not is_place else last
        if not group:
            users = raw.get("facility_users", {})
            head = subject + re.split(r"[。！？]", text, maxsplit=1)[0]
            group = next((g for key, g in users.items() if key in head), "")
        current = ""
        if not described and measures and obj:
            items = raw["current_items"]
            place = _strip_place_suffix(parts.place)
            place = "" if place and (place in obj or len(place) + len(obj) > 14) else place
            if re.search(r"(?:时间|时段|班次|频次|标准|价格|收费|费用)$", obj):
                current = items["time"].format(place=place, object=obj)
            elif re.match(r"增|新建|加装|设置|设立|建设|安装|配备|配置|开通|开设|建", parts.verb):
                current = items["add"].format(place=place, object=obj)
            else:
                current = items["other"].format(place=place, object=obj)
        first = re.split(r"[。！？]", text, maxsplit=1)[0]
        facility = next((p for p in raw["title_places"] if p in first), "")
        places = [(text.find(k), v) for k, v in raw["where_places"].items() if k in text]
        return {"subject": facility if facility and facility not in subject and not from_idea else subject,
                "problem": problem, "group": group, "current": current, "described": described,
                "place": min(places)[1] if places else ""}

    # pieces ------------------------------------------------------------------------------------------
    @staticmethod
    def _known_values(req: DraftRequest) -> list[str]:
        people = [req.proposer] + ([req.attribution.citizen] if req.attribution else [])
        return [v for p in people if p for v in (p.name, p.phone, p.address) if v and len(v.strip()) >= 2]

    def _sort(self, text: str) -> tuple[dict[str, list[str]], list[tuple[str, str]]]:
        """Sentences by class; personal grievances apart (with their category); feelings and rhetorical
        questions dropped."""
        c = self.catalogue
        fillers = [re.compile(p) for p in c.raw["fillers"]]
        groups: dict[str, list[str]] = {"situation": [], "cause": [], "impact": [], "suggestion": [], "described": []}
        grievances: list[tuple[str, str]] = []
        text = _SALUTATION.sub("", text)  # 邱书记：/尊敬的领导：你好，
        text = _TAG_REQUEST.sub(lambda m: m.group(1) + "希望" + m.group(2), text)  # …搞个连廊好不好 → 希望…
        wishes = [m.group(1).rstrip("，, ") for m in _WISH.finditer(text)]
        text = re.sub(r"[，,]?。", "。", _WISH.sub("。", text))  # 要是能送餐上门就好了: a wish, not a description
        # the citizen's view of the cause is a sentence of its own
        text = re.sub(r"[，,](?=(?:其|我)认为(?:主要是|主要原因|原因|一是|一个是))", "。", text)
        for sentence in split_sentences(text, max_len=400):
            kept = [x for x in re.split(r"(?<=[，,])", sentence) if not _PREAMBLE.match(x.strip().rstrip("，,。"))]
            sentence = "".join(kept).strip("，, ")
            if not sentence or not re.search(r"[\u4e00-\u9fff]{2}", sentence):
                continue
            whole = grievance_category(sentence, c)
            if whole:
                parts = split_suggestion(sentence, c)
                public = [p for p in parts if general_suggestions(p)]
                private = [p for p in parts if p not in public]
                core = strip_demands("".join(p.rstrip("。") + "，" for p in private).rstrip("，"), c)
                if len(core) >= 6:
                    grievances.append((self._third(core), whole))
                groups["suggestion"] += public
                continue
            for part in split_suggestion(sentence, c):
                part = part.strip()
                if not re.search(r"[\u4e00-\u9fff]", part) or any(f.search(part) for f in fillers):
                    continue
                if re.search(r"吗[。？?！!]?$", part) and not _REQUEST_Q.search(part):
                    head = re.split(r"[，,](?=[^，,]*$)", part)[0] if re.search(r"[，,]", part) else ""
                    if len(head) < 6:
                        continue  # 这还是…吗: a rhetorical question says nothing to report
                    part = head.rstrip("，,") + "。"
                if part.endswith(("？", "?")):
                    if _REQUEST_Q.search(part):
                        part = part.rstrip("？?") + "。"
                    elif _RHETORICAL.search(part):
                        part = _RHETORICAL.split(part)[0].rstrip("，,") or ""
                        if len(part) < 6:
                            continue
                category = grievance_category(part, c)
                if category:
                    core = strip_demands(part, c)
                    if len(core) >= 6:
                        grievances.append((self._third(core), category))
                    continue
                cls = classify(part, c)
                if cls == "suggestion" and not _REQUEST_START.search(part):
                    cls = "situation"
                if cls == "cause" and re.search(r"(?:就|正|也)因为", part):
                    cls = "impact"  # 去年就因为充电起过火: an incident, not the citizen's view of the cause
                groups[cls].append(part)
                if cls in ("situation", "impact"):
                    groups["described"].append(part)
                if cls == "suggestion" and self.descriptions(part):
                    groups["situation"].append("，".join(self.descriptions(part)) + "。")
                    groups["described"].append(groups["situation"][-1])
        if not groups["suggestion"]:
            groups["suggestion"] = ["希望" + w + "。" for w in wishes if len(w) >= 4]
        refer = [s for s in groups["situation"] if re.match(r"^(?:可以|可|也可以|建议)?(?:参考|借鉴|学习)", s)]
        groups["situation"] = [s for s in groups["situation"] if s not in refer]
        groups["described"] = [s for s in groups["described"] if s not in refer]
        if groups["suggestion"]:
            groups["suggestion"] += ["希望" + re.sub(r"^(?:可以|可|也可以|建议)", "", s) for s in refer]
        return groups, grievances

    def _third(self, sentence: str) -> str:
        clauses = [c for c in re.split(r"(?<=[，,])", sentence.strip()) if not _PREAMBLE.match(c.rstrip("，,。"))]
        text = _CONNECTIVE.sub("", "".join(clauses).strip("，, "))
        text = re.sub(r"^(?:就是|那个|嗯|呃)[，,]?(?=[\u4e00-\u9fff]{2})", "", text)  # spoken fillers
        text = re.sub(r"(?:^|(?<=[，,]))(?:我|其)认为[，,]?", "", text)  # the lead already says whose view it is
        text = _WE_GROUP.sub("", text)
        return _sentence(self.normaliser.third_person(text, "analysis")) if len(text) >= 2 else ""

    def _points(self, lead: str, sentences: list[str], limit: int) -> list[str]:
        """Sentences as one or two points (a second when the first would be too long)."""
        points, current = [], lead
        for s in sentences:
            if len(current) + len(s) > limit and current != lead:
                points.append(current)
                current = ""
            current += s
        if current and current != lead:
            points.append(current)
        return [trim_point(p, limit + 40) for p in points]

    def _answer(self, element: str, answers: Mapping[str, str]) -> str:
        """An answer rewritten for its section (third person, its lead), or ''."""
        value = answers.get(element, "").strip()
        if not value:
            return ""
        value = re.sub(r"^(?:嗯|就是|那个|是的|对|是|在|就在|大概是|主要是在(?=[\u4e00-\u9fff]{2,}(?:区|镇|路)))[，"
                       r",]?", "",
                       value)
        value = re.sub(r"(?:那|这)条线(?=[，。；]|$)", "线路", value)
        value = re.sub(r"(?<=[\u4e00-\u9fff])(?:那个|这个|那条|这条)(?=[\u4e00-\u9fff])", "", value)
        value = "".join(self._third(s) for s in split_sentences(value))
        lead = self.catalogue.raw["answer_leads"].get(element, "")
        if element == "where":
            value = value.rstrip("。") + "。"
        return lead + value if lead and not value.startswith(lead[:2]) else value

    def _detail(self, text: str) -> str:
        if not text.strip():
            return ""
        text = re.sub(r"一个月收(?:费)?", "每月收费", text)
        parts = [self.request(s) for s in split_sentences(text)]
        body = "，".join(p for p in parts if p)
        return self.normaliser.third_person(body, "suggestion") if body else ""

    # requests → suggestions --------------------------------------------------------------------------
    def measures(self, sentence: str, object_hint: str = "") -> list[str]:
        """The measures a request sentence asks for (cue, subject and fillers removed; one per ask)."""
        if not sentence.strip():
            return []
        asks = [a for a in re.split(r"[，,；;](?:然后|另外|同时|还要|还有|此外|并且)[，,]?", sentence) if a.strip()]
        if len(asks) > 1:
            return [m for a in asks for m in self.measures(a, object_hint)]
        body = self.request(sentence)
        clauses = [c for c in body.split("，") if c]
        kept = [clauses[0]] if clauses else []
        kept += [c for c in clauses[1:] if _is_ask(c)]
        kept = [k for i, k in enumerate(kept) if not (i == 0 and len(kept) > 1 and is_actor(k) and len(k) <= 10)]
        body = clean_measure("，".join(kept))
        freq = re.fullmatch(r"(每天|每日|天天|每周|每[一二两三]天|至少[一二两三]天)?(?:来)?收(?:一次|垃圾)?", body)
        if freq and "垃圾" in object_hint + sentence:
            body = f"提高垃圾清运频次，做到{freq.group(1)}清运一次" if freq.group(1) else "提高垃圾清运频次"
        bare = re.sub(r"^(?:尽快|及时|赶紧|马上|早日|抓紧)?(?:进行|开展)?(?=[\u4e00-\u9fff]{2}$)", "", body)
        if bare in ("管理", "加强管理"):
            body = "加强管理"  # the draft names what is to be managed (the problem, else the subject)
        elif len(bare) <= 3 and _BARE_VERB.fullmatch(bare) and object_hint:
            body = bare + object_hint
        demand = re.compile(self.catalogue.raw["grievance_demands"])
        if len(body) < 4 or len(demand.sub("", body).strip("，、 ")) < 3 or _PLEA.match(body):
            return []
        for frame in self.catalogue.request_frames:
            found = frame.pattern.match(body.split("，")[0])
            if found:
                rest = body.partition("，")[2]
                body = frame.template.format(actor="", obj=found.groupdict().get("obj") or "").rstrip("。")
                body = body + ("，" + rest if rest else "")
                break
        return [self.normaliser.third_person(body, "suggestion")]

    def _purpose(self, sentence: str) -> str:
        """What a request says it is for (…，方便上班族和学生晚上去看书 → 方便上班族和学生晚上去看书), third
        person, '' when it says nothing."""
        for clause in self.request(sentence).split("，")[1:]:
            if len(clause) >= 6 and re.match(r"^(?:方便|便于|以便|让|使|缓解|减少|提高|帮助|避免|防止|保障|确保|满足)",
                                             clause):
                return _END.sub("", self.normaliser.third_person(clause, "analysis"))
        return ""

    def descriptions(self, sentence: str) -> list[str]:
        """Clauses of a request sentence that describe rather than ask (they belong to the situation)."""
        clauses = [c for c in self.request(sentence).split("，") if c]
        return [c for c in clauses[1:] if not _is_ask(c)
                and not re.match(r"^(?:不然|否则|要不然|要不)", c)]  # 不然根本管不住: rhetoric, not a fact

    def request(self, sentence: str) -> str:
        """The verb phrase of a citizen's request: cue (建议/希望…), subject (政府…) and fillers removed from
        every clause, 把-constructions turned round (把水管更换 → 更换水管)."""
        clauses = [self._clause(re.sub(r"(?:(?<=[\u4e00-\u9fff])|^)(?:能不能|能否|可不可以|是否可以|可否|是不是可以|"
                                       r"是不是|是否能|是否)(?=[\u4e00-\u9fff])",
                                       "", c)) for c in re.split(r"[，,]", _END.sub("", sentence.strip()))]
        return "，".join(c for c in clauses if c)

    def _clause(self, clause: str) -> str:
        c = self.catalogue
        body, previous = clause.strip(), None
        while body != previous:
            previous = body
            for pattern in (_LEADING_CUE, _SUBJECT, c.request_lead, c.request_trail):
                body = _END.sub("", pattern.sub("", body, count=1).strip())
        found = c.request_disposal.match(body)
        return found["verb"] + found["obj"] if found else body

    def suggestion(self, measure: str, main: str, co: str | None, detail: str, ours: bool = False) -> str:
        """``建议<unit><measure>`` (the citizen's own actor kept when the measure names one)."""
        t = self.catalogue.template
        measure = _END.sub("", measure.strip())
        if _GENERIC_ACTOR.match(measure):
            measure = _GENERIC_ACTOR.sub("", measure)
            return self.suggestion(measure, main, co, detail)
        if (_ACTOR_START.match(measure) and not measure.startswith(("在", "对", "把", "为", "给"))
                and not _MEASURE_VERB.match(measure)  # 加开一条社区公交线: a measure, not 社区 acting
                and not re.match(r"^(?:学校|医院|社区|街道|物业|居委会|村委会|公园|市场|商场|企业|平台|商家|"
                                 r"交警)", measure)):
            text = "建议" + measure
        else:
            if not ours and not _SUBJECT_VERB.match(measure):
                measure = self.verb_first(re.sub(r"^(全市|各区|全区)的", r"\1", measure))
            if co:
                text = t("suggestion_lead_joint", unit=main, co=co) + "，" + measure
            else:
                text = t("suggestion_lead", unit=main) + measure
        text = _sentence(text)
        if detail:
            lead = self.catalogue.raw["answer_leads"]["detail"]
            text += lead + _sentence(detail)
        return text

    def upper_suggestion(self, measure: str, level: str, detail: str) -> str:
        """The first suggestion of an idea that needs national or provincial action (上下联动, 四（五）5): what the
        citizen asks, to be raised with the level that decides it through the CPPCC members in Guangzhou, instead
        of asking a city unit to do what it cannot (建议通过住穗全国政协委员向国家有关部门反映，推动提高……)."""
        measure = _END.sub("", measure.strip())
        measure = re.sub(r"^(?:由|请|让)?(?:国家|中央|全国|省里|省级|广东省|省)(?:有关部门|相关部门)?", "", measure)
        measure = re.sub(r"(?:国家|全国|省里|省级|全省)的", "", measure, count=1)
        if not re.match(rf"^(?:[{_VERB_START}]|推动|推进|研究|出台|制定|修订|调整|统一)", measure):
            measure = "推动" + measure
        text = _sentence(self.catalogue.template(f"suggestion_lead_{level}") + measure)
        if detail:
            text += self.catalogue.raw["answer_leads"]["detail"] + _sentence(detail)
        return text

    def verb_first(self, measure: str, title: bool = False) -> str:
        """A measure that starts with its subject, said as what the unit does: 长者饭堂延长营业时间 → 延长长者饭堂的
        营业时间; 小区设置外卖柜 → 在小区设置外卖柜; 社区卫生服务中心保留现场号 → 指导社区卫生服务中心保留现场号
        (督促 for an operator); a subject with only a state (收费清单更加透明) keeps 推动. A title keeps a
        subject-verb clause as it is (no 指导/督促)."""
        first, sep, rest = measure.partition("，")
        first = re.sub(r"或者", "或", first)
        parts = measure_parts(first)
        subject = parts.subject
        if not subject or is_people(subject):
            return ("" if title else "推动") + measure
        after = re.sub(r"^(?:能够|能|可以|应该|应当|要|需要|都|也|尽快|及时)+", "", parts.rest)
        if not after:
            return measure  # the whole measure is a noun phrase: nothing to put a verb before
        clause = subject + after
        acts = bool(parts.verb) or bool(re.match(rf"^(?:在|对|向|为|给|把|将)[^，]{{1,12}}?[{_VERB_START}]", after))
        change = re.match(r"^(调大|调高|调低|调小|加大|放大|缩短|改为|改成|改用)(.*)$", after)
        if change and not parts.verb:
            verb = change.group(1)
            head = (f"{verb}{subject}{change.group(2)}" if verb.startswith(("调", "加", "放", "缩"))
                    else f"将{subject}{after}")
        elif parts.verb and _POSSESSIVE.match(parts.verb) and object_noun(parts.obj) and not parts.time:
            head = parts.verb + subject + ("" if title else "的") + parts.obj
        elif parts.verb and parts.time and _POSSESSIVE.match(parts.verb):
            head = f"在{parts.time}{parts.verb}{subject}{parts.obj}"
        elif acts and _PLACE_SUBJECT.search(subject):
            head = f"在{subject}{after}"
        elif acts and (_AGENT.search(subject) or is_actor(subject)):
            head = clause if title else ("指导" if _GUIDED.search(subject) else "督促") + clause
        else:
            state = re.match(r"^(?:更加|更|进一步)?(?:公开)?透明$", after)
            original = re.sub(r"(?<=[\u4e00-\u9fff])(?:能够|能|可以)(?=[\u4e00-\u9fff])", "",
                              re.sub(r"^(?:广州市?|本市)的?", "", first)).replace("里的", "内的")
            head = f"提高{subject}的透明度" if state else original if title else "推动" + clause
        return head + sep + rest

    # title -------------------------------------------------------------------------------------------
    def subject_of(self, text: str) -> str:
        """The noun phrase that is the subject of the idea's first clause (地铁末班车太早了 → 地铁末班车; 很多小区的快递
        驿站只开到八点 → 小区快递驿站), '' when it has none (frame.noun_phrase)."""
        clause = re.split(r"[，。；！？,;!?]", text.strip(), maxsplit=1)[0]
        return noun_phrase(_LEADING_CUE.sub("", clause)).text

    def problem_topic(self, text: str) -> str:
        """解决 + the first clause as a problem (花城大道那个天桥没有电梯 → 解决花城大道天桥没有电梯问题), or ''."""
        clause = re.split(r"[，。；！？,;!?]", text.strip(), maxsplit=1)[0]
        clause = _SUBJECT_LEAD.sub("", _LEADING_CUE.sub("", clause))
        clause = re.sub(r"(?:那个|这个|那条|这条|那座|这座)", "", clause)
        clause = re.sub(r"(?:了|啦|的)$", "", re.sub(r"^(?:我们|其所在|其|该)", "", clause))
        return f"解决{clause}问题" if 4 <= len(clause) <= 16 and not _FIRST_PERSON.search(clause) else ""

    def object_of(self, text: str, measures: list[str]) -> str:
        """The idea's main object (for questions and gap marks): the subject of its first clause, else its top
        keyword."""
        subject = self.subject_of(text)
        if subject:
            return subject
        from assistant.cultivation.claims import load_rules

        places = load_rules().districts
        first = re.split(r"[，。；！？]", text, maxsplit=1)[0]
        for source in (first, text):
            keys = [k for k in self.topics.keywords(source, k=4) if not any(k.startswith(d) for d in places)]
            if keys:
                return keys[0]
        return "这个问题"

    def title_topic(self, measures: list[str], text: str, object_: str, problem: str = "") -> str:
        """关于 + object + action: from the citizen's main request, else a remedy's title, else the keywords."""
        cfg = self.catalogue.raw["title"]
        subject = self.subject_of(text)
        for measure in measures:
            topic = measure.split("，")[0]
            topic = re.sub(cfg["actor_prefix"], "", topic)
            topic = re.sub(f"(?<![一二三四五六七八九十两每\\d])(?:{cfg['vague']})", "", topic)
            topic = re.sub(cfg["more_verb"], "", topic)
            topic = re.sub(r"^(?:该|其|提出人|群众)", "", topic)
            topic = re.sub(r"(?<![应])该(?=[\u4e00-\u9fff]{2})", "", topic)
            topic = re.sub(r"^(全市|各区|全区)的", r"\1", topic)
            loc = re.match(cfg["locative"], topic)
            if loc and not topic.startswith("在"):
                topic = "在" + topic
            if not (_SUBJECT_VERB.match(topic) or _ACTOR_START.match(topic)) and self.subject_of(topic):
                topic = self.verb_first(topic, title=True)
            elif len(topic) <= 10 and qualified(topic, subject) != topic:
                topic = qualified(topic, subject)
            else:
                topic = self._with_place(topic, text)
            if len(topic) > int(cfg["max_len"]):
                topic = re.sub(r"(?<=[\u4e00-\u9fff]{2})(?:在|于)[^，在对]{2,8}?(?=对|向|给|开放|实行)", "", topic)
                topic = re.sub(r"(?<=[\u4e00-\u9fff]{2})对[^，]{2,8}?(?=开放|公开|公示)", "", topic)
            topic = _cut(topic, int(cfg["max_len"]))
            topic = re.sub(r"(?<=[\u4e00-\u9fff]{2})的(?=[\u4e00-\u9fff]{2,4}$)", "", topic)  # …补贴政策的“百姓提案”
            verbs = "|".join(self.catalogue.topic_verbs)
            starts_with_verb = re.match(rf"^(?:在[^，]{{2,12}}?)?[{_VERB_START}对将]", topic)
            if len(topic) >= 4 and (starts_with_verb or re.search(verbs, topic)
                                    or _SUBJECT_VERB.search(topic)
                                    or re.search(r"加密|增开|开设|安排|保证|开放|公示|公开|整合|推行|出台|规划为|"
                                                 r"取消|限制|禁止",
                                                 topic)):
                return topic
        fallback = next((_cut(re.sub(cfg["vague"], "", m.split("，")[0]), int(cfg["max_len"])) for m in measures
                         if 6 <= len(m.split("，")[0]) <= 30 and self.subject_of(m)), None)
        if fallback:
            return fallback
        places = [p.split("=") for p in self.catalogue.raw["remedy_places"]]
        place = next((p[-1] for p in places if p[0] in text), "")
        for remedy in self.catalogue.remedies:
            if remedy.pattern.search(text):
                return re.sub(r"^简化办理手续$", f"简化{object_}" if re.search(r"(?:手续|程序|流程)$", object_) else
                              "简化办理手续", remedy.title.format(place=place))
        if problem and len(problem) <= 18:
            return f"解决{problem}问题"
        topic = self.problem_topic(text)
        if topic and "的" not in topic:
            return topic
        return f"解决{object_}相关问题" if object_ and 2 <= len(object_) <= 10 else self.topics.topic(text)

    def _with_place(self, topic: str, text: str) -> str:
        """在出口… → 在地铁站出口… when the idea says whose 出口/门口 it is; 在<place> added to a topic without one
        when the idea's first sentence names a facility (公交站, 学校门口…)."""
        short = re.match(r"^在(出口|门口|路口|站内|站台|车厢|园内|周边|附近)", topic)
        if short:
            m = re.search(rf"([\u4e00-\u9fff]{{2,5}}?(?:站|校|学校|区|园|场|院|村|桥|路|楼)){short.group(1)}", text)
            if m and not FUNCTION_CHARS.search(m.group(1)):
                return "在" + m.group(1) + topic[1:]
            return topic
        if topic.startswith(("在", "将", "把", "对", "加大对")):
            return topic
        places = self.catalogue.raw["title_places"]
        first = re.split(r"[。！？，；]", text, maxsplit=1)[0]
        place = next((p for p in places if p in first and p not in topic
                      and not any(p[i:i + 2] in topic for i in range(len(p) - 1))), None)
        return f"在{place}{topic}" if place else topic

    def context(self, refs: Sequence[Reference], keywords: list[str], anchors: list[str],
                cited: list[Reference]) -> list[ContextReference]:
        """References shown beside the draft: other cities' similar messages and replies, policies to check."""
        out: list[ContextReference] = []
        ids = {r.doc_id for r in cited}
        for ref in refs:
            if ref.doc_id in ids or not on_point(ref, keywords, anchors, min_terms=2):
                continue
            if ref.kind in ("item", "proposal") and ref.jurisdiction == "外地":
                out.append(ContextReference(label=CONTEXT_LABEL, doc_id=ref.doc_id, kind=ref.kind, title=ref.title,
                                            citation=ref.citation, jurisdiction=ref.jurisdiction,
                                            summary=reply_summary(ref.reply) or ""))
            elif ref.kind == "policy" and ref.applies_to_guangzhou:
                out.append(ContextReference(label=POLICY_CONTEXT_LABEL, doc_id=ref.doc_id, kind=ref.kind,
                                            title=ref.title, citation=ref.citation, jurisdiction=ref.jurisdiction,
                                            summary=whole_sentences(ref.text, 80)))
            if len(out) >= 4:
                break
        return out

    def remarks(self, attribution: Attribution | None) -> str:
        """备注: the citizen behind the idea (群众署名) and who submits on their behalf."""
        if attribution is None:
            return ""
        t = self.catalogue.template
        name = attribution.citizen.name or "匿名"
        receipt = f"，受理编号 {attribution.receipt_no}" if attribution.receipt_no else ""
        text = t("remarks_citizen", name=name, receipt=receipt)
        if attribution.member:
            text += t("remarks_member", member=attribution.member)
        return text


def _overlap(a: str, b: str) -> float:
    """Share of ``a``'s character bigrams found in ``b``."""
    x = {a[i : i + 2] for i in range(len(a) - 1)}
    y = {b[i : i + 2] for i in range(len(b) - 1)}
    return len(x & y) / len(x) if x else 0.0


def _is_ask(clause: str) -> bool:
    """Whether a further clause of a request still asks for something (或者…, 并…, 方便…, 公示…) rather than
    describes the situation (现在…, 轮椅也进不去, 很不方便)."""
    c = clause.strip()
    if re.match(r"^(?:不要|不得|不准|禁止|严禁|或者|或|并|同时|尤其|特别是|比如|例如|包括|方便|便于|以便|确保|"
                r"保证)", c):
        return True
    if re.search(r"不要|不准|不得|禁止|严禁|不让|有(?:一)?个[^，]{2,12}?(?:程序|机制|渠道|平台|制度|办法)", c):
        return True
    if _DESCRIPTION.match(c) or re.match(r"^(?:还|也|又|并且|而且)?被", c):
        return False
    if _ANY_VERB.search(c) and not re.match(r"^[\u4e00-\u9fff]{1,6}(?:也|都)?(?:进不去|上不去|过不去|用不了)", c):
        return True
    return not re.search(r"不(?!文明|合格|规范|达标|良)|没|难|很|太|较为|十分|非常|特别|越来越|无人|无法|缺|只能", c)


def clean_measure(text: str) -> str:
    """A request without modal verbs before its verb (能增开 → 增开) and vague counts (增开几条 → 增开); a leading
    place or time gets 在 (地铁末班车后增开… → 在地铁末班车后增开…)."""
    text = _GENERIC_ACTOR.sub("", _CONNECTIVE.sub("", _MODAL.sub("", text))).lstrip("喺")
    text = re.sub(r"^把(.{2,16}?)(规划|改造|改建|建设|建|开辟|利用)(?:一下)?(?:做|成|为|作)", r"将\1\2为", text)
    text = re.sub(r"^把(.{2,16}?)改(?:成|为|造成|建成)", r"将\1改为", text)
    text = re.sub(r"多开(?:点|一些|几个|几家)?(?=[\u4e00-\u9fff]{2})", "增开", text)
    text = re.sub(r"的时候(?=不要|不准|不让|禁止)", "时段", text)
    text = re.sub(r"(?:别让|不要让|不让|免得|省得)(?=(?:群众|市民|居民|老人|老年人|大家|家长|乘客|提出人|我们|我|"
                  r"咱们)[\u4e00-\u9fff])",
                  "避免", text)
    text = re.sub(r"(?:不要让|不准|不让|别让)", "禁止", text)
    text = re.sub(r"(?<=[\u4e00-\u9fff])的时候(?=[\u4e00-\u9fff])", "时", text)
    text = re.sub(r"(?:加强管理|管一管|管管)(?!的)(.{2,14}?)(的)?(?=，|$)",
                  lambda m: f"加强对{m.group(1)}{'现象' if m.group(2) else ''}的管理", text)
    text = re.sub(r"(?<=，)([\u4e00-\u9fff]{2,4}?)也?(?:要)?(丰富|多样)一?(?:点|些)(?=，|$)", r"\2\1", text)
    text = re.sub(r"(?<![需主重只想还不就也将快])要(?=[让留有在把对给做按实公开设保提接进验])", "应", text)
    text = re.sub(r"^(?:我认为|我觉得|其认为)", "", text)
    text = re.sub(r"^延长(?=到|至)", "延长开放时间", text)
    text = re.sub(r"^(?:在)?网上(?:能)?办(?:理)?(?=，|$)", "实现网上办理", text)
    text = re.sub(r"多放(?:几个|一些|点)?(?=[\u4e00-\u9fff]{2})", "增设", text)
    text = re.sub(r"(?<=[\u4e00-\u9fff])里面(?=[加装设])", "内", text)
    text = re.sub(r"(?<![增追参附施])加(?![装大强快密班入上开工盖宽深重剧设建])"
                  r"(?=[\u4e00-\u9fff]{0,3}(?:屏|牌|灯|栏|杆|椅|桶|柜|棚|亭|梯|扶手|镜|网))", "加装", text)
    text = re.sub(r"坏了(?:要|应|应该)?(?:尽快|及时)?修(?:好|复)", "出现故障及时修复", text)
    text = re.sub(r"有(?:一)?个([^，]{2,12}?)的?(程序|机制|渠道|平台|制度|办法)", r"建立\1\2", text)
    text = re.sub(r"(?<=，)(?:主管部门|有关部门|相关部门|政府)(?:要|应|应该)?(?=[\u4e00-\u9fff]{2})", "", text)
    text = re.sub(r"^(?:还)?(?:要|应|需要)?有人(执法|监管|巡查)$", r"加强\1", text)  # 还要有人执法 → 加强执法
    text = re.sub(r"以后(?:坏了|出了问题|有问题)?(?:能|要|可以)?有人(定期)?(检查|维修|管理|清理|巡查)",
                  lambda m: f"安排专人{m.group(1) or ''}{m.group(2)}", text)
    text = re.sub(r"^把(.{2,10}?)(?:连起来|连接起来|连通起来|打通)", r"连通\1", text)
    text = re.sub(r"(?<=，)做成一个网(?=，|$)", "形成网络", text)
    text = re.sub(r"(?<=，)标识(?:要)?清楚(?=，|$)", "设置清晰的标识", text)
    text = re.sub(r"^(设|建|装|办|修)(?![置立设计施成造理装好复饰])(?=[\u4e00-\u9fff]{2})",
                  lambda m: {"设": "设置", "建": "建设", "装": "安装", "办": "举办", "修": "维修"}[m.group(1)], text)
    text = re.sub(r"(?<=[近远大小多少快慢低高宽长])一点(?=，|$)", "", text)
    text = re.sub(rf"^([\u4e00-\u9fff]{{2,8}}?)(?:都|也|全部|统一|全都)(?=[{_VERB_START}])", r"\1", text)
    text = re.sub(r"多建(?!议)", "增建", re.sub(r"多设置?", "增设", re.sub(r"多装", "加装", text)))
    text = re.sub(r"多开(?=(?:几|一些)?(?:条|班|趟|个|家|间|辆))", "增开", text)
    text = re.sub(r"增开几班", "增开班次", re.sub(r"出个规定", "出台规定", text))
    text = re.sub(r"(?<=[增加][建设装开])点(?=[\u4e00-\u9fff]{2})", "", text)
    text = re.sub(r"多(?:给|为)(?=[\u4e00-\u9fff])", "为", text)
    text = re.sub(r"(?<=[\u4e00-\u9fff])一下(?=[\u4e00-\u9fff]|$)", "", text)
    first_clause, sep0, others = text.partition("，")
    first_clause = re.sub(r"^(.{2,16}?)(?:应该|应当|要|需要)?更(?:加)?(规范|完善)$", r"\2\1", first_clause)
    text = first_clause + sep0 + others
    text = re.sub(r"多(开发|提供|组织|举办|安排|开展)(?:一些|一点)?", r"\1更多", text)
    text = _FEW.sub("", text).strip("，、 ")
    text = re.sub(r"^(出台|制定)(?:一个|相关)?规定，([^，]{3,20})(?=，|$)", r"\1\2的规定", text)
    first, sep, rest = text.partition("，")
    loc = _LOCATIVE.match(first)
    if loc and not first.startswith(("在", "对", "把", "为", "给", "由")) and not _SUBJECT_VERB.match(first):
        first = "在" + first
    return first + sep + rest


def _chunks(sentence: str, limit: int = 90) -> list[str]:
    """A long run-on sentence as several sentences: at 而且/另外/还有…, then at commas (≈ ``limit`` characters)."""
    if len(sentence) <= limit:
        return [sentence]
    parts = [p for p in re.split(r"[，,](?:而且|另外|还有就是|还有|同时|此外|再加上)[，"
                                 r",]?", sentence.rstrip("。")) if p]
    out: list[str] = []
    for part in parts:
        current = ""
        for clause in re.split(r"(?<=[，,])", part):
            if current and len(current) + len(clause) > limit:
                out.append(current.rstrip("，,") + "。")
                current = ""
            current += clause
        if current.strip("，, "):
            out.append(current.rstrip("，,。") + "。")
    return out


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit]


def _cut(topic: str, limit: int) -> str:
    """A title topic of at most ``limit`` characters: a list of places or people shortened to its first item + 等
    (在大型商场、医院和地铁站配置… → 在大型商场等配置…), else cut at 、/和/或/并 rather than mid-word."""
    topic = topic.strip("，、；。 ")
    if len(topic) <= limit:
        return topic
    short = re.sub(r"(?<=[\u4e00-\u9fff]{2})(?:、[\u4e00-\u9fff]{2,8}?)+(?:(?:和|及|与)[\u4e00-\u9fff]{2,8}?)?"
                   r"(?=(?:配置|发放|设置|增设|增建|安装|加装|推广|开展|设立|建设))", "等", topic, count=1)
    if short != topic and len(short) <= limit:
        return short
    for sep in ("，", "；", "并", "、", "或者", "或", "和", "同时"):
        pos = topic.find(sep, 4)
        if 4 <= pos <= limit:
            return topic[:pos]
    return topic[:limit]


def profile_of(drafter: OfflineDrafter, idea: str) -> IdeaProfile:
    """The gap profile of an idea (for tests and the eval)."""
    text = drafter.normaliser.normalise_text(idea)
    groups, _ = drafter._sort(text)
    measures = [m for s in groups["suggestion"] for m in drafter.measures(s)]
    return profile(text, measures, bool(groups["cause"]), drafter.object_of(text, measures), False)


def _strip_place_suffix(place: str) -> str:
    """在公园里 → 公园 (the place of a measure without its locative)."""
    return re.sub(r"(?:内|里|上|中|周边|附近|沿线|门口|出口|一带)$", "", place or "")


def with_subject(sentence: str, subject: str) -> str:
    """A situation sentence that has no subject of its own (现在下午一点就关门了…) with the idea's subject put in
    (目前长者饭堂下午一点就关门了…); unchanged when it has one or already names the subject."""
    if not subject or subject in sentence or re.match(r"^(?:其|在其|提出人|有群众|家住|住在|居住)", sentence):
        return sentence
    lead = re.match(r"^(?:现在|目前|如今|最近)?", sentence)
    time_word = lead.group(0) if lead else ""
    rest = sentence[len(time_word):]
    first = re.split(r"[，。；]", rest, maxsplit=1)[0]
    if not first or not subjectless(first):
        return sentence
    return ("目前" if time_word in ("现在", "目前", "如今") else time_word) + subject + rest


_ATTRIBUTE = re.compile(r"^(?:的)?(?:班次|发车频次|开放时间|营业时间|运营时间|服务时间|频次|数量|收费标准|票价|"
                        r"覆盖范围|维修|管理|巡查|维护|检查|监管|执法|清运|补贴)")
_PLACE_LIKE = re.compile(r"(?:路|公路|大道|街|巷|道|站|园|小区|社区|村|桥|广场|场|院|馆|口|江边|河边|沿线|楼)$")


def qualified(measure: str, subject: str) -> str:
    """A short measure given the thing it is about: 增开班次 + 公交车 → 增开公交车班次; 加装护栏 + 乡村公路 →
    在乡村公路加装护栏; unchanged when the subject is people, already named, or neither attribute nor place."""
    if not subject or subject in measure or is_people(subject) or is_actor(subject) \
            or measure.startswith(("在", "对", "把", "将")) \
            or any(subject[i:i + 2] in measure for i in range(len(subject) - 1)):
        return measure
    verb = re.match(rf"^(?:{'|'.join(_VERB_2)})", measure)
    if verb and re.match(r"^(?:并|和|、|$)", measure[verb.end():]):
        return f"{verb.group(0)}{subject}{measure[verb.end():]}"  # 清理并恢复绿化 + 绿化带 → 清理绿化带并恢复绿化
    if verb and _ATTRIBUTE.match(measure[verb.end():]):
        return f"{verb.group(0)}{subject}{measure[verb.end():]}"
    if verb and _PLACE_LIKE.search(subject) and len(subject) <= 8:
        return f"在{subject}{measure}"
    return measure


def _residence(sentence: str, local: bool) -> str:
    """The citizen's residence (其住在海珠区江南大道中一带，…) as the place of what follows (在其居住的海珠区江南大道中
    一带，…) for a local idea; dropped for a city-wide one (where the citizen lives says nothing about it)."""
    m = re.match(r"^其?(?:家)?(?:居)?住(?:在)?(?P<place>[^，。；]{2,24}?一带)(?P<sep>[，。；]?)(?P<rest>.*)$", sentence)
    if not m:
        return sentence
    rest = re.sub(r"^(?:当地的?|这边的?|那边的?)", "", m["rest"]).strip()
    if rest.strip("。"):
        return f"在其居住的{m['place']}，{rest}" if local else rest
    return f"提出人居住在{m['place']}。" if local else ""
