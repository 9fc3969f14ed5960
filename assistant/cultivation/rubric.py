"""Quality rubric, deterministic offline: the six dimensions a strict 提案委 reviewer grades (docs/draft-quality.md).

:meth:`QualityRubric.review` scores 选题聚焦、反映情况准确、分析问题深入、建议具体可行、语言通顺、引用恰当 (1–5 each).
It rewards what the citizen gave and what a source supports, and penalises unsupported claims (checked with
:mod:`assistant.cultivation.claims` when the evidence is known, else by their stock phrasing), boilerplate
suggestions, Traditional/Cantonese residue, first person, cut quotes and other places' material in the body.
An honest （待补充：…） counts for part of what it stands for; a fluent invented sentence costs more.

:meth:`QualityRubric.score` keeps the older five-key report (focus, accuracy, depth, specificity, format) for the
ratings page; its ``format`` is the worst of format compliance, language and citations.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from assistant.cultivation.catalogue import DraftingCatalogue, load_catalogue
from assistant.cultivation.claims import Evidence, check_claims, load_rules, sentences_of
from assistant.cultivation.models import DraftProposal
from assistant.cultivation.references import balanced
from assistant.cultivation.validator import find_pii, title_topic, validate

DIMENSIONS = {
    "focus": "选题聚焦",
    "accuracy": "情况准确",
    "depth": "分析深入",
    "specificity": "建议具体可行",
    "format": "格式规范",
}
REVIEW_DIMENSIONS = {
    "focus": "选题聚焦",
    "accuracy": "反映情况准确",
    "depth": "分析问题深入",
    "specificity": "建议具体可行",
    "language": "语言通顺",
    "citation": "引用恰当",
}
BOILERPLATE = (
    "开展专项调研", "摸清问题底数", "建立群众意见", "意见收集和反馈", "接受群众监督", "定期向社会通报", "高度重视",
    "进一步加强", "加强日常监督检查", "将个案处置经验", "常态化工作机制", "研究提出改进措施", "加强宣传引导",
    "形成工作合力", "切实维护群众利益", "明确责任分工和办理时限",
)
_GAP = re.compile(r"（待补充：([^（）]*)）")
_REAL_UNIT = re.compile(
    r"(?:广州市|市|区|省)[\u4e00-\u9fff]{1,14}?(?:局|委员会|委|办公室|办|厅|中心|支队|政府)|[\u4e00-\u9fff]{2,10}(?:集团有限公司|有限公司|集团)"
)
_CONCRETE = re.compile(
    r"\d|[一二三四五六七八九十两]+(?:个|条|点|次|小时|分钟|天|周|月|年|成|倍|元|米|公里|户|人)|凌晨|夜间|周末|节假日|高峰|时段|"
    r"每[天周月年个]|至少|不少于|以内|全市|各区|统一|公示|公布|补贴|标准|清单|试点|监控|抓拍|候车亭|电梯|路灯|扶手|充电|"
    r"接送区|停放区|[\u4e00-\u9fff]{2,5}(?:路|站|公园|小区|村|街|线)"
)
_PLACE = re.compile(r"[越海荔天白黄番花南从增][秀珠湾河云埔禺都沙化城]|[\u4e00-\u9fff]{2,5}(?:路|大道|街|站|公园|"
                    r"小区|村|镇|市场|线)")
_SCALE = re.compile(r"\d+\s*(?:多|余)?(?:个)?(?:人|户|名|家|位|辆)|[一二三四五六七八九十百千两几]+(?:多|"
                    r"余)?(?:个)?(?:人|户|名|家|位)|一半|大部分")
_TIME = re.compile(r"去年|今年|上个?月|上周|每天|每周|每晚|每年|经常|多次|长期|一直|已经|\d+\s*(?:次|天|个月|年|周|点)|"
                   r"[一二三四五六七八九十两几半]+(?:次|天|个月|年|周|点)|早高峰|晚上|夜间|凌晨")
_CAUSE = re.compile(r"成因|原因|因为|由于|缺乏|缺少|不足|不到位|职责|推诿|不归|没有人管|资金|标准")
_COLLOQUIAL = re.compile(
    r"[吧呢啊嘛呀哦]|好多|搞|咋|啥|太[\u4e00-\u9fff]{1,3}了|死了|要死|真的|特别特别|老是|挺|蛮|一下子|咱|俺|啥的|一点[。，]|"
    r"怎么|那块|要是|就好了|这样了|一个钟|多到|离谱|放在一起|很烦|其为一|不关他事|就是|人多到|又[\u4e00-\u9fff]{1,2}又|"
    r"根本|一堆|都没用|好几|说了还|讲点|这么|那么"
)
_FIRST_PERSON = re.compile(r"我(?!国|市|省|区)|本人")
# a name kept after a self-introduction (其为退休教师王建国) and a room number after the public address
_NAMED = re.compile(r"(?:其为|其是)[\u4e00-\u9fff]{0,8}?[王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓"
                    r"曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢钟谭陆范廖邱][\u4e00-\u9fff]{1,2}(?=[，,。；])")
_ROOM = re.compile(r"一带[0-9]{2,4}")
# substitution and transcription slips a reader stumbles on (开展得 ← 搞得, 推动 before a non-measure, 那边, 方面问题)
_GARBLE = re.compile(r"开展得|推动(?:应该|大家|有人|是不是|错误)|那边|这边的|好难|群众(?:那|这)栋")
_GENERIC_GRAMS = frozenset({"广州", "州市", "广东", "东省", "中华", "华人", "人民", "民共", "共和", "和国", "条例",
                            "管理",
                            "规定", "办法", "实施", "关于", "百姓", "姓提", "提案", "建设", "工作", "服务", "社会"})
_TOPIC_STOP = frozenset({"建议", "提出", "出人", "反映", "问题", "推动", "加强", "开展", "设置", "增设", "进行", "提高",
                         "完善", "改进", "有关", "部门", "群众", "老人", "居民"})
_OTHER_PRACTICE = re.compile(r"借鉴|参照|学习[^，。]{0,6}(?:做法|经验)|外地|兄弟城市|先进城市")


class DimensionScore(BaseModel):
    """One rubric dimension: 1 (poor) – 5 (good), with the reason."""

    key: str
    name: str
    score: int = Field(ge=1, le=5)
    reason: str


class QualityReport(BaseModel):
    """Dimension scores and their total (five dimensions: 5–25; six: 6–30)."""

    dimensions: list[DimensionScore]
    total: int

    def score(self, key: str) -> int:
        """The score of one dimension."""
        return next(d.score for d in self.dimensions if d.key == key)

    @property
    def mean(self) -> float:
        """Mean dimension score."""
        return self.total / max(1, len(self.dimensions))

    def grade(self) -> str:
        """优 / 良 / 中 / 差 by the mean score (4.2 / 3.4 / 2.4)."""
        m = self.mean
        return "优" if m >= 4.2 else "良" if m >= 3.4 else "中" if m >= 2.4 else "差"


def _cantonese_words() -> frozenset[str]:
    """Written-Cantonese words of the shipped table (朝早, 返工, 而家…) that are residue in a Mandarin draft."""
    from assistant.cultivation.normalize import load_cantonese

    table = load_cantonese()
    return frozenset(w for w in table.words if len(w) >= 2 and w not in ("巴士", "的士", "单车", "老人家"))


def _clamp(value: float) -> int:
    return max(1, min(5, round(value)))


def _bigrams(text: str) -> set[str]:
    runs = re.findall(r"[\u4e00-\u9fff]+", text)
    return {r[i : i + 2] for r in runs for i in range(len(r) - 1)}


class QualityRubric:
    """Scores a draft as a strict reviewer would, from the draft (and, when known, its evidence)."""

    def __init__(self, catalogue: DraftingCatalogue | None = None) -> None:
        self.catalogue = catalogue or load_catalogue()

    def topic_coverage(self, draft: DraftProposal) -> float:
        """Share of points that share at least one character bigram (two for long topics) with the title topic."""
        topic = title_topic(draft.title) or draft.title
        grams = _bigrams(re.sub(r"^(在|对|将|把|推动|解决)", "", topic)) - _GENERIC_GRAMS - _TOPIC_STOP
        points = [p for p in draft.analysis + draft.suggestions if p.strip() and not _GAP.fullmatch(p.strip())]
        if not grams or not points:
            return 0.0
        return sum(1 for p in points if _bigrams(p) & grams) / len(points)

    # the six dimensions ----------------------------------------------------------------------------------
    def review(self, draft: DraftProposal, evidence: Evidence | None = None) -> QualityReport:
        """The six dimensions of docs/draft-quality.md (total 6–30)."""
        dims = [self._focus(draft), self._accuracy(draft, evidence), self._depth(draft),
                self._specificity(draft), self._language(draft), self._citation(draft, evidence)]
        if self.topic_coverage(draft) < 0.3:  # the body is about something else than the title
            dims = [d if d.key not in ("accuracy", "depth", "specificity") or d.score <= 2 else
                    d.model_copy(update={"score": 2, "reason": d.reason + "（正文与标题议题不符）"}) for d in dims]
        return QualityReport(dimensions=dims, total=sum(d.score for d in dims))

    def _dim(self, key: str, value: float, reason: str) -> DimensionScore:
        return DimensionScore(key=key, name=REVIEW_DIMENSIONS[key], score=_clamp(value), reason=reason)

    def _focus(self, d: DraftProposal) -> DimensionScore:
        topic = title_topic(d.title)
        if topic is None:
            return self._dim("focus", 1, "标题不是“关于××的‘百姓提案’”格式。")
        verbs = self.catalogue.topic_verbs
        action = bool(re.search("|".join(verbs) + r"|增开|开设|安排|保证|开放|公示|公开|整合|推行|出台|取消|限制|禁止|"
                                r"加大|划定|修复|设置|设立|建设|规范|治理|整治", topic))
        value = 3.0 + (1 if action else -0.5) + (0.5 if 6 <= len(topic) <= 24 else -0.5)
        if topic == self.catalogue.fallback_topic or topic.startswith(self.catalogue.default_topic_verb):
            value -= 1.5
        if re.search(r"[，。？！]|^(?:的|在的)|您好|你好", topic):
            value -= 1.5
        if re.search(r"该路段|这条|那条|这个|那个|那块|这些|^该", topic):
            value -= 1  # points at something the title never names
        if re.search(r"被[^，]{0,8}(?:打|骂|推|撞|骗)|家孩子|我家", topic):
            value -= 2  # a personal grievance as the topic
        if topic.startswith(("推动", "解决")) or topic.count("的") >= 2 or re.search(r"的地方$|一点$|一下", topic):
            value -= 0.5
        coverage = self.topic_coverage(d)
        value += 0.5 if coverage >= 0.6 else -2 if coverage < 0.3 else 0
        reason = f"标题{'写明了行动' if action else '没有写明要做什么'}；{coverage:.0%} 的条目围绕标题。"
        return self._dim("focus", value, reason)

    def _accuracy(self, d: DraftProposal, evidence: Evidence | None) -> DimensionScore:
        rules = load_rules()
        body = "".join([d.title, *d.analysis, *d.suggestions])
        problems: list[str] = []
        if evidence is not None:
            report = check_claims(d, evidence)
            problems += [f"“{c.text}”无依据" for c in report.unsupported]
        else:
            problems += [f"套话式论断“{p}”" for p in rules.stock if p in body]
            problems += [f"法律义务“{p}”" for p in rules.legal if p in body and "《" not in body]
            problems += [f"外地地名“{p}”" for p in rules.other_places if p in body]
            problems += [f"外地（{m}）" for m in re.findall(r"(?<![A-Za-z0-9])[A-Z]\d{0,2}(?:市|区|县)", body)]
        pii = bool(find_pii(body)) or bool(_NAMED.search(body)) or bool(_ROOM.search(body))
        if pii:
            problems.append("正文含个人信息")
        value = 5 - 1.5 * min(3, len(problems))
        if pii:
            value = min(value, 2)
        if not d.analysis or all(_GAP.fullmatch(p.strip()) for p in d.analysis):
            value = min(value, 3)
        reason = "所写情况均有来源。" if not problems else "；".join(dict.fromkeys(problems[:4])) + "。"
        return self._dim("accuracy", value, reason)

    def _depth(self, d: DraftProposal) -> DimensionScore:
        analysis = "".join(p for p in d.analysis if not _GAP.fullmatch(p.strip()))
        marked = "".join(_GAP.findall("".join(d.analysis)))
        checks = {
            "地点": bool(_PLACE.search(analysis)),
            "人群和规模": bool(_SCALE.search(analysis)),
            "时间或事例": bool(_TIME.search(analysis)),
            "成因": bool(_CAUSE.search(analysis)),
        }
        present = sum(checks.values())
        gaps = sum(1 for k in ("地点|位置|名称", "影响|受益", "持续", "成因|原因|现状|数量") if re.search(k, marked))
        length = len(re.sub(r"\s", "", analysis))
        value = 1 + present * 0.8 + min(gaps, 4 - present) * 0.35
        value += 0.5 if length >= 120 else 0 if length >= 50 else -0.5
        stock = sum(1 for p in load_rules().stock if p in analysis)
        value -= 0.7 * stock
        have = [k for k, v in checks.items() if v]
        reason = "分析写到了" + "、".join(have) if have else "分析只复述了现象"
        reason += (f"；{gaps} 项标明待补充" if gaps else "") + "。"
        return self._dim("depth", value, reason)

    def _specificity(self, d: DraftProposal) -> DimensionScore:
        points = [s for s in d.suggestions if s.strip()]
        if not points:
            return self._dim("specificity", 1, "没有具体建议。")
        per = []
        for s in points:
            if s.startswith("（待补充") or "研究提出改进措施" in s or "具体措施）" in s:
                per.append(0.15)
                continue
            unit = bool(_REAL_UNIT.search(s[:40]))
            concrete = len(_CONCRETE.findall(s))
            boiler = sum(1 for b in BOILERPLATE if b in s)
            per.append(max(0.0, 0.3 * unit + min(concrete, 3) * 0.17 + 0.2 - 0.35 * boiler))
        mean = sum(per) / len(per)
        boiler_total = sum(1 for s in points for b in BOILERPLATE if b in s)
        value = 1 + 4.2 * mean - (0.5 if boiler_total >= 2 else 0)
        units = sum(bool(_REAL_UNIT.search(s[:40])) for s in points)
        reason = f"{len(points)} 条建议，{units} 条写明承办单位"
        reason += (f"，{boiler_total} 处套话" if boiler_total else "") + "。"
        return self._dim("specificity", value, reason)

    def _language(self, d: DraftProposal) -> DimensionScore:
        from assistant.cultivation.normalize import load_cantonese, traditional_residue

        points = [d.title, *d.analysis, *d.suggestions]
        body = "".join(points[1:])
        issues = []
        if traditional_residue(body + d.title):
            issues.append("繁体字")
        markers = load_cantonese().markers
        if any(ch in markers for ch in body):
            issues.append("粤语用字")
        if any(not balanced(p) for p in points):
            issues.append("引号或括号不成对")
        if _FIRST_PERSON.search(body):
            issues.append("第一人称")
        colloquial = len(_COLLOQUIAL.findall(body))
        if colloquial >= 2:
            issues.append("口语")
        if re.search(r"([\u4e00-\u9fff])\1\1|人人孩子|的的|了了|，，|。。|？", body):
            issues.append("拼接痕迹或问句")
        if "个人信息已隐去" in body:
            issues.append("隐去占位")
        long = [s for p in points for s in sentences_of(p) if len(s) > 110]
        if long:
            issues.append("句子过长")
        if re.search(r"据提出人反映，(?:说|想|其实|其是)|尊敬的|你们好|您好", body):
            issues.append("照搬口述")
        gap_objects = [m.group(1) for mark in _GAP.findall(body) for item in mark.split("；")
                       for m in [re.match(r"(.+)问题(?:影响|持续|的|$)", item)] if m]
        if any(re.search(r"^(?:时候|其|乘坐|住|该)|很$|的$|是$|住$|"
                         r"[A-Za-z0-9]$", g) or len(g) < 2 for g in gap_objects):
            issues.append("待补充项断词")
        if _GARBLE.search(body) or any(w in body for w in _cantonese_words()):
            issues.append("替换或转写痕迹")
        value = 5 - 0.9 * len(issues) - (0.5 if colloquial >= 4 else 0)
        return self._dim("language", value, "语言规范。" if not issues else "存在" + "、".join(issues) + "。")

    def _citation(self, d: DraftProposal, evidence: Evidence | None) -> DimensionScore:
        rules = load_rules()
        body = "".join([*d.analysis, *d.suggestions])
        docs = re.findall(r"《([^《》]+)》", body)
        problems = []
        if evidence is not None:
            report = check_claims(d, evidence)
            problems += [c.text for c in report.unsupported if c.kind in ("document", "legal")]
        problems += [x for x in docs if any(p in x for p in rules.other_places)]
        topic = _bigrams(title_topic(d.title) or d.title) - _GENERIC_GRAMS
        problems += [f"《{x}》与议题无关" for x in docs if not ((_bigrams(x) - _GENERIC_GRAMS) & topic)]
        if docs and any(p in body for p in ("对此已有规定", "已有规定", "落实中仍有差距", "依据上述规定")):
            problems.append("夸大条文效力")
        if _OTHER_PRACTICE.search(body) or re.search(r"(?<![A-Za-z0-9])[A-Z]\d{0,2}(?:市|区|县)", body):
            problems.append("外地做法")
        if any(s.kind == "item" and "情况分析" in s.used_for + "具体建议" for s in d.sources if s.used_for):
            problems.append("外地留言写入正文")
        if problems:
            return self._dim("citation", 2 - 0.5 * (len(problems) - 1), "引用不当：" + "、".join(problems[:3]) + "。")
        if not docs:
            return self._dim("citation", 3, "未引用政策依据（没有把握时不引，不扣分也不加分）。")
        return self._dim("citation", 4.5, "引用了适用于广州的政策条文。")

    # the older five-key report -------------------------------------------------------------------------
    def score(self, draft: DraftProposal, evidence: Evidence | None = None) -> QualityReport:
        """Five keys for the ratings page: the review's first four, and format = the worst of format compliance,
        language and citations."""
        review = self.review(draft, evidence)
        violations = validate(draft)
        hard = [v for v in violations if v.hard]
        soft = [v for v in violations if not v.hard and v.code not in ("proposer_missing", "suggestion_actor")]
        fmt = 5 - 2 * len(hard) - 0.5 * len(soft)
        worst = _clamp(fmt - 0.5 * (5 - review.score("language")) - 0.5 * (5 - review.score("citation")))
        dims = [d.model_copy(update={"name": DIMENSIONS[d.key]}) for d in review.dimensions[:4]]
        reason = "；".join(v.message for v in hard + soft) or "符合附件1 标准格式。"
        reason += f"语言：{review.dimensions[4].reason}引用：{review.dimensions[5].reason}"
        dims.append(DimensionScore(key="format", name=DIMENSIONS["format"], score=worst, reason=reason))
        return QualityReport(dimensions=dims, total=sum(d.score for d in dims))
