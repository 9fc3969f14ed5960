"""Input normalisation: Traditional → Simplified (OpenCC), written Cantonese → Mandarin, colloquial → formal.

Every substitution except the Cantonese-only phrases works on whole jieba words, so a key never replaces part of
a longer word (打车 inside 打车软件, 打工的 inside 打工的人). Text inside 《》“”「」 is never changed: it is a title
or a quotation. First person → third person is a separate step (:meth:`InputNormaliser.third_person`) because
the engine needs the first person to find personal grievances and self-introductions first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal, Protocol

import yaml

from assistant.cultivation.catalogue import catalogue_file, load_phrases

CANTONESE_FILE = "cantonese.yaml"
PERSON_FILE = "person.yaml"
Context = Literal["analysis", "suggestion"]

_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\ufe0f\u200d]")
_ELLIPSIS = re.compile(r"(?:\.{3,}|。{2,}|…{1,}|～+|~+)")
_REPEATED = re.compile(r"([！!？?。，,；;])\1+")
_EXCLAIM = re.compile(r"[！!]+")
_SPACES = re.compile(r"[ \t\u3000]+")
_PROTECTED = re.compile(r"《[^《》]*》|“[^“”]*”|「[^「」]*」|『[^『』]*』")
_CLAUSE_END = "，。！？；：,.!?;:\n"
_INTERJECTION = re.compile(r"(?<![酒网水书氧茶])[啊呀吧呢哈嘛啦哦呗噢哇咯]+(?=[，。！？；]|$)")
_FULLWIDTH = str.maketrans({",": "，", "!": "！", "?": "？", ";": "；", ":": "："})
_COLON_TIME = re.compile(r"(\d)：(\d)")
_OUR_CITY = re.compile(r"我(?=市|区(?![域]))")
_VERY = re.compile(r"(?<![好友美良正还最爱])好(?=难|远|贵|慢|吵|臭|脏|乱|挤|危险|辛苦|麻烦|黑|热|冷)")
_HOUR = re.compile(r"([一两半二三四五六七八九十几])个钟(?![表头楼声点])")
_OUR_PLACE = tuple(
    (re.compile(rf"(?:我们|我家|咱们)(?:这个|这栋|这条|那栋|那个|那条|这|那)?{key}"), f"其所在{a}", f"该{b}")
    for key, a, b in (("楼栋", "楼栋", "楼栋"), ("楼", "楼栋", "楼栋"), ("小区", "小区", "小区"),
                      ("村", "村", "村"), ("社区", "社区", "社区"), ("街道", "街道", "街道"),
                      ("学校", "学校", "校"), ("班", "班级", "班级"), ("公司", "公司", "公司"),
                      ("单位", "单位", "单位"), ("片", "片区", "片区"))
)
_FIRST = re.compile(r"我(?!国|省|市|区|们)|本人|俺(?!们)")


class Tokenizer(Protocol):
    """The part of :class:`retrieval.tokenizer.ChineseTokenizer` normalisation uses."""

    def cut(self, text: str) -> list[str]: ...


@lru_cache(maxsize=1)
def _opencc() -> Callable[[str], str]:
    import opencc

    return opencc.OpenCC("hk2s").convert


def to_simplified(text: str) -> str:
    """Traditional (incl. Hong Kong variants) → Simplified Chinese with OpenCC; Simplified text is unchanged."""
    return _opencc()(text) if text else text


@dataclass(frozen=True)
class CantoneseTable:
    """The shipped written-Cantonese table (``corpus/catalogues/cantonese.yaml``)."""

    markers: frozenset[str]
    phrases: dict[str, str]
    words: dict[str, str]
    patterns: tuple[tuple[re.Pattern[str], str], ...]
    particles: tuple[str, ...]
    phrase_re: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        keys = sorted(self.phrases, key=len, reverse=True)
        object.__setattr__(self, "phrase_re", re.compile("|".join(map(re.escape, keys)) if keys else "(?!)"))

    def is_cantonese(self, text: str) -> bool:
        """Whether ``text`` contains a character only written Cantonese uses."""
        return any(ch in self.markers for ch in text)


def load_cantonese(path: Path | None = None) -> CantoneseTable:
    """The written-Cantonese table (default: ``cantonese.yaml`` of the catalogues folder)."""
    return _load_cantonese(path or catalogue_file(CANTONESE_FILE))


@lru_cache(maxsize=2)
def _load_cantonese(path: Path) -> CantoneseTable:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    phrases = {str(k): "" if v is None else str(v) for k, v in raw["phrases"].items()}
    for key, value in list(phrases.items()):  # OpenCC writes 嗰 as 𠮶: accept both spellings
        if "嗰" in key:
            phrases.setdefault(key.replace("嗰", "\U00020bb6"), value)
    return CantoneseTable(
        markers=frozenset(raw["markers"]) | {"\U00020bb6"},
        phrases=phrases,
        words={str(k): "" if v is None else str(v) for k, v in raw["words"].items()},
        patterns=tuple((re.compile(p), r) for p, r in raw["patterns"]),
        particles=tuple(raw["particles"]),
    )


def load_person(path: Path | None = None) -> dict[str, dict[str, str]]:
    """First → third person tables per context (``analysis`` / ``suggestion``)."""
    return _load_person(path or catalogue_file(PERSON_FILE))


@lru_cache(maxsize=2)
def _load_person(path: Path) -> dict[str, dict[str, str]]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {ctx: {str(k): "" if v is None else str(v) for k, v in table.items()} for ctx, table in raw.items()}


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Spans of 《titles》 and quotations (“…”「…」) that normalisation and polishing must not touch."""
    return [m.span() for m in _PROTECTED.finditer(text)]


def _outside(text: str, fn: Callable[[str], str]) -> str:
    """Apply ``fn`` to the parts of ``text`` outside protected spans."""
    out, last = [], 0
    for start, end in protected_spans(text):
        out.append(fn(text[last:start]))
        out.append(text[start:end])
        last = end
    out.append(fn(text[last:]))
    return "".join(out)


def substitute_words(
    text: str, table: Mapping[str, str], tokenizer: Tokenizer, *, changes: list[tuple[str, str]] | None = None
) -> str:
    """Replace keys of ``table`` that start and end on jieba word boundaries (longest key first)."""
    if not table or not text:
        return text
    by_first: dict[str, list[str]] = {}
    for key in sorted(table, key=len, reverse=True):
        by_first.setdefault(key[0], []).append(key)
    tokens = tokenizer.cut(text)
    bounds, pos = {0}, 0
    for tok in tokens:
        pos += len(tok)
        bounds.add(pos)
    out: list[str] = []
    i = 0
    while i < len(text):
        hit = None
        if i in bounds:
            hit = next((k for k in by_first.get(text[i], ()) if text.startswith(k, i) and i + len(k) in bounds), None)
        if hit is None:
            out.append(text[i])
            i += 1
            continue
        out.append(table[hit])
        if changes is not None:
            changes.append((hit, table[hit]))
        i += len(hit)
    return "".join(out)


class NormalizedText:
    """The normalised text and what was done to it."""

    def __init__(self, original: str, text: str, traditional: bool, cantonese: bool,
                 changes: list[tuple[str, str]]) -> None:
        self.original = original
        self.text = text
        self.traditional = traditional
        self.cantonese = cantonese
        self.changes = changes

    def notes(self) -> list[str]:
        """Chinese notes for the citizen about what normalisation did."""
        out = []
        if self.traditional:
            out.append("原文为繁体字，已转为简体字。")
        if self.cantonese:
            out.append("原文含粤语书面表达，已改写为普通话书面语，请核对意思是否有出入。")
        return out


class InputNormaliser:
    """Traditional → Simplified, Cantonese → Mandarin, colloquial → formal; first → third person on request."""

    def __init__(
        self,
        tokenizer: Tokenizer | None = None,
        phrases: Mapping[str, str] | None = None,
        cantonese: CantoneseTable | None = None,
        person: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        if tokenizer is None:
            from assistant.cultivation.topic import default_tokenizer

            tokenizer = default_tokenizer()
        self.tokenizer = tokenizer
        self.phrases = dict(load_phrases() if phrases is None else phrases)
        self.cantonese = cantonese or load_cantonese()
        self.person = {k: dict(v) for k, v in (person or load_person()).items()}
        self._particles = re.compile(
            "(?:" + "|".join(map(re.escape, self.cantonese.particles)) + f")+(?=[{_CLAUSE_END}]|$)"
        )

    # steps -----------------------------------------------------------------------------------------
    def simplified(self, text: str) -> str:
        """Traditional → Simplified (OpenCC ``hk2s``)."""
        return _outside(text, to_simplified)

    def mandarin(self, text: str, changes: list[tuple[str, str]] | None = None, force: bool = False) -> str:
        """Written Cantonese → Mandarin (a no-op for texts without a Cantonese-only character, unless ``force``: an
        answer to a Cantonese idea is read as Cantonese even when it has no such character, e.g. 朝早八點同夜晚)."""
        table = self.cantonese
        if not force and not table.is_cantonese(text):
            return text

        def convert(part: str) -> str:
            def phrase(m: re.Match[str]) -> str:
                if changes is not None:
                    changes.append((m.group(0), table.phrases[m.group(0)]))
                return table.phrases[m.group(0)]

            part = self._particles.sub("", part)
            part = table.phrase_re.sub(phrase, part)
            part = substitute_words(part, table.words, self.tokenizer, changes=changes)
            for pattern, repl in table.patterns:
                part = pattern.sub(repl, part)
            return part

        return _outside(text, convert)

    def formal(self, text: str, changes: list[tuple[str, str]] | None = None) -> str:
        """Colloquial → formal by whole-word substitution; emoji, repeated marks and interjections cleaned."""

        def convert(part: str) -> str:
            part = _EMOJI.sub("", part)
            part = part.translate(_FULLWIDTH)
            part = _COLON_TIME.sub(r"\1:\2", part)
            part = _ELLIPSIS.sub("，", part)
            part = _REPEATED.sub(r"\1", part)
            part = _HOUR.sub(r"\1小时", part)  # 一个钟/两个钟 (Guangzhou colloquial) → 一小时/两小时
            part = _VERY.sub("很", part)  # 好难等 → 很难等
            part = re.sub(r"(?:^|(?<=[，。！？；,!?;]))那个(?=[\u4e00-\u9fff]{2})", "", part)  # a filler, not 那个天桥
            part = part.replace("电动车主", "电动车车主")
            part = substitute_words(part, self.phrases, self.tokenizer, changes=changes)
            part = self._particles.sub("", part)
            part = _INTERJECTION.sub("", part)
            part = _EXCLAIM.sub("。", part)
            part = _SPACES.sub("", part) if re.search(r"[\u4e00-\u9fff]", part) else part
            part = re.sub(r"，([。？；])", r"\1", part)
            return re.sub(r"([，。；])\1+", r"\1", part)

        return _outside(text, convert).strip("，、 \n")

    def third_person(self, text: str, context: Context = "analysis") -> str:
        """First person (我/我们/我家/我们小区…) → third person for a 情况分析 or a 具体建议 sentence."""

        def convert(part: str) -> str:
            for pattern, analysis, suggestion in _OUR_PLACE:
                part = pattern.sub(analysis if context == "analysis" else suggestion, part)
            part = re.sub(r"我看(?=[有到见])", "其了解到" if context == "analysis" else "提出人了解到", part)
            part = substitute_words(part, self.person[context], self.tokenizer)
            part = _OUR_CITY.sub("本市", part)
            part = re.sub(r"我们|咱们|俺们", "群众", part)
            return _FIRST.sub("其" if context == "analysis" else "提出人", part)

        return _outside(text, convert)

    # all at once -----------------------------------------------------------------------------------
    def normalise(self, text: str, cantonese_context: bool = False) -> NormalizedText:
        """Simplified, Mandarin, formal (still in the citizen's person); ``cantonese_context`` reads the text as
        Cantonese even without a Cantonese-only character (the answers of a Cantonese idea)."""
        changes: list[tuple[str, str]] = []
        simple = self.simplified(text)
        traditional = simple != text
        cantonese = self.cantonese.is_cantonese(simple)
        mandarin = self.mandarin(simple, changes, force=cantonese_context)
        formal = self.formal(mandarin, changes)
        return NormalizedText(text, formal, traditional, cantonese, changes)

    def normalise_text(self, text: str) -> str:
        """Only the normalised text."""
        return self.normalise(text).text

    def residue(self, text: str) -> list[str]:
        """Cantonese-only characters still in ``text`` (an eval check)."""
        return sorted({ch for ch in text if ch in self.cantonese.markers})


def traditional_residue(text: str) -> list[str]:
    """Characters that OpenCC would still change (Traditional left in a draft)."""
    simple = to_simplified(text)
    return sorted({a for a, b in zip(text, simple, strict=False) if a != b}) if len(simple) == len(text) else (
        ["?"] if simple != text else [])


def normalise_all(normaliser: InputNormaliser, texts: Sequence[str]) -> list[str]:
    """Normalise several texts (answers) at once."""
    return [normaliser.normalise_text(t) for t in texts]
