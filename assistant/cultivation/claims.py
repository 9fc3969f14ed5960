"""Claim discipline, one checker for both engines: every number, place, institution, document and legal or stock
claim in a draft's body must trace to the idea, the answers, a cited source that applies in Guangzhou, or a count
the system itself knows.

    report = check_claims(draft, evidence)      # what is unsupported, where
    draft = enforce_claims(draft, evidence)     # sentences with unsupported claims removed, notes added

The offline drafter builds :class:`Evidence` with :meth:`Evidence.build`; the model path passes the same evidence
(the idea, the answers, the references it showed the model, the routing units, the duplicate count).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field

from assistant.cultivation.catalogue import catalogue_file
from assistant.cultivation.models import DraftProposal, Reference
from assistant.cultivation.segment import sentences_of

CLAIMS_FILE = "claims.yaml"
ClaimKind = Literal["number", "place", "institution", "document", "stock", "legal"]
KIND_ZH = {"number": "数字", "place": "地名", "institution": "单位", "document": "文件", "stock": "套话式论断",
           "legal": "法律义务"}

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000}
_CN_NUM = "零〇一二两三四五六七八九十百千万"
_MEASURE = (
    r"(?:多|余|来)?(?:个|人|户|名|家|位|次|年|月|天|日|周|星期|小时|分钟|秒|条|辆|盏|米|公里|千米|元|块|倍|岁|层|栋|台|件|"
    r"起|所|班|趟|场|处|项|成|宗|座|间|张|部|路|号线|号|平方米|亩|吨|万元|亿元|%|％)"
)
_ARABIC = re.compile(r"\d+(?:\.\d+)?")
_CHINESE = re.compile(rf"(?<![{_CN_NUM}第])([{_CN_NUM}]{{1,8}})(?={_MEASURE})")
_ARTICLE = re.compile(rf"第([{_CN_NUM}\d]+)条")
_DOC = re.compile(r"《([^《》]{1,60})》")
_ROAD_PLACE = re.compile(
    r"(?:^|(?<=[，。；：、\s在到于从沿经至的和与及或往向近对是]))(?P<name>(?:(?![的了和或与及在是有为把被对向从到于着过就都也还又再将其该这那个些各每等])[\u4e00-\u9fff]){2,4}?)"
    r"(?P<suffix>大道|大街|路(?![灯口段面线况费边旁人由过径网基标牌])|街道|街(?![坊头])|巷|涌|地铁站|"
    r"站(?![台点牌长])|公园|广场|新村(?![民委内])|村(?![民委内])|镇(?![政])|小学|中学|医院)"
)
FUNCTION_CHARS = re.compile(r"[的了和或与及在是有为把被对向从到于着过就都也还又再将其该这那个些各每等]")
"""Function characters: a name containing one is a phrase, not a name (shared with the drafter)."""
_INSTITUTION = re.compile(
    r"[\u4e00-\u9fff]{2,14}?(?:局|委员会|办公室|管委会|支队|大队|派出所|法院|检察院|街道办事处|居委会|村委会|集团|"
    r"有限公司|公司|服务中心)"
)
_GENERIC_PREFIX = re.compile(
    r"^(?:其所在|所在|该|各|全|本|周边|附近|老旧|新建|住宅|居民|城中|行政|自然|相关|有关|沿线|辖区|片区|主要|部分|多个|"
    r"一些|每个|所有|大型|公共|社区|地铁|公交|乡村|农村|城市|市内|区内|街头|这条|那条|这个|那个|此|上述|当地|不同|同一|"
    r"临近|就近|中小|示范|试点|重点|客流量大的|人流密集)"
)


@dataclass(frozen=True)
class ClaimRules:
    """The shipped lists of ``corpus/catalogues/claims.yaml``."""

    stock: tuple[str, ...]
    legal: tuple[str, ...]
    generic_institutions: tuple[str, ...]
    known_numbers: frozenset[float]
    districts: tuple[str, ...]
    other_places: tuple[str, ...]
    place_stems: frozenset[str]


def load_rules(path: Path | None = None) -> ClaimRules:
    """The claim lists (default: ``claims.yaml`` of the catalogues folder)."""
    return _load_rules(path or catalogue_file(CLAIMS_FILE))


@lru_cache(maxsize=2)
def _load_rules(path: Path) -> ClaimRules:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return ClaimRules(
        stock=tuple(raw["stock"]),
        legal=tuple(raw["legal"]),
        generic_institutions=tuple(raw["generic_institutions"]),
        known_numbers=frozenset(float(n) for n in raw["known_numbers"]),
        districts=tuple(raw["guangzhou_districts"]),
        other_places=tuple(raw["other_places"]),
        place_stems=frozenset(raw["place_stems"]),
    )


def chinese_number(text: str) -> float | None:
    """The value of a Chinese numeral (三十六 → 36, 一万二 → 12000, 两百 → 200); None when vague or invalid."""
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in text):
        return None
    total, section, digit, last_unit = 0, 0, None, 1
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
            continue
        unit = _CN_UNITS[ch]
        if unit == 10_000:
            section += digit or 0
            total += section * unit
            section, digit, last_unit = 0, None, unit
            continue
        section += (1 if digit is None else digit) * unit
        digit, last_unit = None, unit
    if digit is not None:  # 一万二 = 12000, 三百五 = 350
        section += digit * (last_unit // 10 if last_unit >= 100 and len(text) >= 3 and text[-2] in _CN_UNITS else 1)
    return float(total + section)


def numbers_in(text: str) -> set[float]:
    """Every numeric value written in ``text`` (Arabic or Chinese numerals)."""
    values = {float(m.group(0)) for m in _ARABIC.finditer(text)}
    for m in re.finditer(rf"[{_CN_NUM}]+", text):
        v = chinese_number(m.group(0))
        if v is not None:
            values.add(v)
    return values


class Evidence(BaseModel):
    """What a draft's statements may rest on."""

    texts: list[str] = Field(default_factory=list, description="The idea and the answers (raw and normalised).")
    references: list[Reference] = Field(default_factory=list, description="References cited in the body.")
    units: list[str] = Field(default_factory=list, description="Units the routing decision (or fallback) chose.")
    counts: dict[str, int] = Field(default_factory=dict, description="Counts the system knows, e.g. duplicates.")

    @classmethod
    def build(
        cls,
        idea: str,
        answers: Mapping[str, str] | None = None,
        references: Iterable[Reference] = (),
        units: Iterable[str] = (),
        duplicate_count: int | None = None,
        extra_texts: Iterable[str] = (),
    ) -> Evidence:
        """Evidence from a request; only references that apply in Guangzhou can support the body."""
        texts = [idea, *(answers or {}).values(), *extra_texts]
        counts = {"duplicates": duplicate_count} if duplicate_count else {}
        usable = [r for r in references if r.applies_to_guangzhou]
        return cls(texts=[t for t in texts if t], references=usable, units=[u for u in units if u], counts=counts)

    def corpus(self) -> str:
        """All the text statements may be traced to."""
        parts = list(self.texts)
        for r in self.references:
            parts += [r.title, r.citation, r.text]
        return "\n".join(parts + self.units)

    def number_values(self) -> set[float]:
        """Numbers the evidence contains, plus the system's counts and known service numbers."""
        values = numbers_in(self.corpus())
        values |= {float(v) for v in self.counts.values()}
        return values | set(load_rules().known_numbers)


class Claim(BaseModel):
    """One checkable statement in a draft."""

    kind: ClaimKind
    text: str
    field: str = Field(description="title / analysis / suggestions")
    index: int = Field(description="Point number (0-based); 0 for the title.")
    sentence: str
    supported: bool


class ClaimReport(BaseModel):
    """Every claim found, and which are not supported."""

    claims: list[Claim] = Field(default_factory=list)

    @property
    def unsupported(self) -> list[Claim]:
        """Claims with no support."""
        return [c for c in self.claims if not c.supported]

    @property
    def ok(self) -> bool:
        """True when every claim is supported."""
        return not self.unsupported

    def summary(self) -> str:
        """A Chinese one-liner for notes and eval reasons."""
        if self.ok:
            return "正文中的数字、地名、单位和文件均有依据。"
        items = "；".join(f"{KIND_ZH[c.kind]}“{c.text}”" for c in self.unsupported[:6])
        return f"正文中有 {len(self.unsupported)} 处说法没有依据：{items}。"


# --- splitting ------------------------------------------------------------------------------------------
# --- extraction -----------------------------------------------------------------------------------------
def _number_claims(sentence: str) -> list[tuple[str, float]]:
    found: list[tuple[str, float]] = []
    for m in _ARABIC.finditer(sentence):
        found.append((m.group(0), float(m.group(0))))
    for m in _CHINESE.finditer(sentence):
        value = chinese_number(m.group(1))
        if value is not None and value >= 2:
            found.append((m.group(1), value))
    for m in _ARTICLE.finditer(sentence):
        raw = m.group(1)
        value = float(raw) if raw.isdigit() else chinese_number(raw)
        if value is not None:
            found.append((m.group(0), value))
    return found


def place_names(sentence: str, rules: ClaimRules | None = None) -> list[str]:
    """Named places in ``sentence``: Guangzhou districts, other places, masked names, named roads/stations/parks."""
    rules = rules or load_rules()
    found = [d for d in rules.districts if d in sentence]
    found += [p for p in rules.other_places if re.search(f"{p}(?!路|大道|大街|街|[东南西北中]路)", sentence)]
    found += [m.group(0) for m in re.finditer(r"(?<![A-Za-z0-9])[A-Z]\d{0,2}(?:市|区|县)", sentence)]
    freq = _word_freq()
    for m in _ROAD_PLACE.finditer(sentence):
        name = m.group("name")
        if _GENERIC_PREFIX.match(name) or FUNCTION_CHARS.search(name):
            continue
        common = [w for w in (name, name[-2:]) if freq.get(w, 0) > 500 and w not in rules.place_stems]
        if common:  # a common word (维护, 修复, 更新), not a name
            continue
        found.append(m.group(0))
    return found


@lru_cache(maxsize=1)
def _word_freq() -> dict[str, int]:
    from assistant.cultivation.topic import default_tokenizer

    return default_tokenizer()._tokenizer().FREQ


def _institution_claims(sentence: str, rules: ClaimRules) -> list[str]:
    out = []
    for m in _INSTITUTION.finditer(sentence):
        name = re.sub(r"^(?:建议|由|请|会同|联合|督促|指导|推动|支持|鼓励|要求|以及|和|与|及|并|在|对|向|为|其所在|"
                      r"所在|该|其)+",
                      "", m.group(0))
        name = re.sub(r"^(?:改进|加强|完善|规范|优化|推进|落实|解决|关于|治理|整治)+", "", name)
        if not any(g in name for g in rules.generic_institutions) and len(name) >= 3 and not re.fullmatch(
                r"(?:有限)?(?:责任)?(?:公司|集团|局|中心)", name):
            out.append(name)
    return out


def _supported_place(claim: str, corpus: str) -> bool:
    if claim in corpus:
        return True
    for cut in range(1, len(claim) - 1):  # 改进社区医院 → 社区医院: a verb in front of a named place
        if claim[cut:] in corpus:
            return True
    stem = re.sub(r"(大道|大街|路|街道|街|巷|涌|地铁站|公交站|站|公园|广场|新村|村|镇|市场|小学|中学|医院|市|区|"
                  r"县)$", "",
                  claim)
    return len(stem) >= 2 and stem in corpus


def _supported_institution(claim: str, corpus: str, units: Sequence[str]) -> bool:
    if claim in corpus or any(claim in u or u in claim for u in units):
        return True
    core = re.sub(r"^(?:广州市|广东省|市|区|省)", "", claim)
    if len(core) >= 3 and (core in corpus or any(core in u for u in units)):
        return True
    return any(claim[cut:] in corpus for cut in range(1, len(claim) - 2))


def check_claims(draft: DraftProposal, evidence: Evidence) -> ClaimReport:
    """Every number, place, institution, document, stock and legal claim of the title and body, and whether the
    evidence supports it."""
    rules = load_rules()
    corpus = evidence.corpus()
    citizen = "\n".join(evidence.texts)
    numbers = evidence.number_values()
    claims: list[Claim] = []
    sections = [("title", [draft.title]), ("analysis", draft.analysis), ("suggestions", draft.suggestions)]
    for field, points in sections:
        for index, point in enumerate(points):
            for sentence in sentences_of(point):
                if sentence.startswith("（待补充"):
                    continue

                def add(kind: ClaimKind, text: str, ok: bool, field: str = field, index: int = index,
                        sentence: str = sentence) -> None:
                    claims.append(Claim(kind=kind, text=text, field=field, index=index, sentence=sentence,
                                        supported=ok))

                body = sentence if field != "title" else re.sub(r"^关于|的“百姓提案”$", "", sentence)
                docs = _DOC.findall(body)
                for doc in docs:
                    add("document", f"《{doc}》", doc in corpus)
                plain = _DOC.sub("", body)
                for text, value in _number_claims(plain):
                    add("number", text, value in numbers)
                for place in place_names(plain, rules):
                    add("place", place, _supported_place(place, corpus))
                for name in _institution_claims(plain, rules):
                    add("institution", name, _supported_institution(name, corpus, evidence.units))
                for phrase in rules.stock:
                    if phrase in body:
                        add("stock", phrase, phrase in citizen)
                for phrase in rules.legal:
                    if phrase in body:
                        cited = any(d in corpus for d in docs)
                        add("legal", phrase, cited or phrase in citizen)
    return ClaimReport(claims=claims)


def enforce_claims(draft: DraftProposal, evidence: Evidence, fallback_title: str | None = None) -> DraftProposal:
    """A copy of ``draft`` without the sentences that carry unsupported claims (points left empty are dropped;
    an unsupported title is replaced by ``fallback_title`` when given); what was removed goes to ``notes``."""
    report = check_claims(draft, evidence)
    if report.ok:
        return draft
    bad = {(c.field, c.index, c.sentence) for c in report.unsupported}
    notes = list(draft.notes)
    update: dict[str, object] = {}
    for field in ("analysis", "suggestions"):
        points = []
        for index, point in enumerate(getattr(draft, field)):
            kept = [s for s in sentences_of(point) if (field, index, s) not in bad]
            text = "".join(kept).strip()
            if text and re.search(r"[\u4e00-\u9fff]", text):
                points.append(text)
        update[field] = points
    if any(c.field == "title" for c in report.unsupported) and fallback_title:
        update["title"] = fallback_title
    removed = "；".join(dict.fromkeys(f"{KIND_ZH[c.kind]}“{c.text}”" for c in report.unsupported))
    notes.append(f"删去了没有依据的说法（{removed}）：草稿只写群众原话、补充回答和可核实的资料中有的内容。")
    update["notes"] = list(dict.fromkeys(notes))
    return draft.model_copy(update=update)
