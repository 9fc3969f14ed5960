"""Chinese sentence segmentation and cue-based sorting into situation / cause / impact / suggestion."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from assistant.cultivation.catalogue import DraftingCatalogue, load_catalogue
from assistant.cultivation.frame import affected_group, is_people, noun_phrase

SentenceClass = Literal["situation", "cause", "impact", "suggestion"]

_BOUNDARY = re.compile(r"(?<=[。！？!?；;…])|\n+")
_CLAUSE = re.compile(r"(?<=[，,、：:])")
_NUMBERING = re.compile(
    r"^\s*(?:[（(]?[0-9一二三四五六七八九十]{1,3}[)）.．、:：]|[①-⑩]|第[一二三四五六七八九十]+[，、,])\s*"
)
_SPACES = re.compile(r"[ \t\u3000]+")
MAX_SENTENCE = 160


def strip_numbering(text: str) -> str:
    """Remove a leading list number (``1.``, ``（二）``, ``①``…)."""
    previous = None
    while previous != text:
        previous, text = text, _NUMBERING.sub("", text, count=1).strip()
    return text


def split_sentences(text: str, max_len: int = MAX_SENTENCE) -> list[str]:
    """Sentences of ``text`` (end punctuation kept); over-long ones are split again at commas."""
    out: list[str] = []
    for raw in _BOUNDARY.split(text or ""):
        sentence = strip_numbering(_SPACES.sub(" ", raw or "").strip())
        if not sentence or not re.search(r"\w", sentence):
            continue
        if len(sentence) <= max_len:
            out.append(sentence)
            continue
        chunk = ""
        for clause in _CLAUSE.split(sentence):
            if chunk and len(chunk) + len(clause) > max_len:
                out.append(chunk)
                chunk = ""
            chunk += clause
            while len(chunk) > max_len:  # no commas at all: hard split
                out.append(chunk[:max_len])
                chunk = chunk[max_len:]
        if chunk.strip():
            out.append(chunk)
    return out


_SENTENCE_END = "。！？；"
_OPENERS = {"《": "》", "（": "）", "“": "”", "「": "」", "(": ")"}


def sentences_of(text: str) -> list[str]:
    """Sentences of a point, never split inside 《》（）“”「」 (end marks kept)."""
    out, current, stack = [], "", []
    closers = set(_OPENERS.values())
    for ch in text:
        current += ch
        if ch in _OPENERS:
            stack.append(_OPENERS[ch])
        elif ch in closers and stack and stack[-1] == ch:
            stack.pop()
        elif ch in _SENTENCE_END and not stack:
            out.append(current)
            current = ""
    if current.strip():
        out.append(current)
    return out


def classify(sentence: str, catalogue: DraftingCatalogue | None = None) -> SentenceClass:
    """The class of one sentence by its cue words (suggestion > cause > impact > situation)."""
    cues = (catalogue or load_catalogue()).cues
    for name in ("suggestion", "cause", "impact"):
        if any(cue in sentence for cue in cues[name]):
            return name
    return "situation"


def split_suggestion(sentence: str, catalogue: DraftingCatalogue | None = None) -> list[str]:
    """Split a sentence before a suggestion cue that follows other content (……很危险，建议……)."""
    cues = (catalogue or load_catalogue()).cues["suggestion"]
    positions = [p for c in cues if c in sentence
                 for p in [sentence.find(c)] if not (c == "要求" and p > 0 and sentence[p - 1] in "还也又并")]
    if not positions:
        return [sentence]
    first = min(positions)
    cut = max(sentence.rfind(mark, 0, first) for mark in "，,：:")
    if cut <= 0:
        return _trailing_facts(sentence, cues)
    head = sentence[:cut].strip() + "。"
    return [head, sentence[cut + 1 :].strip()]


_FACT_LEAD = re.compile(r"^(?:现在|目前|如今|现时|平时|每天|每月|每年|每到|很多|不少|有的|有些|部分|经常|往往|"
                        r"但是?|可是|然而|由于|因为|据了解|据统计)")

_PURPOSE_LEAD = re.compile(r"^(?:方便|便于|以便|让|使|使得|为了|为|给|帮助|保障|确保|提高|减少|避免|解决|"
                           r"这样|从而|进而|以|满足|惠及|服务|照顾)")


def _trailing_facts(sentence: str, cues: Sequence[str]) -> list[str]:
    """A suggestion followed by what the citizen reports (建议国家提高基础养老金标准，农村老人每月只有一两百元，根本不够
    生活) split into the suggestion and the report, so the report goes to 情况分析 and not into a measure. A clause
    counts as a report when it opens with a time or quantity word (现在、很多…) or with a group of people who are
    the subject of their own clause (农村老人每月…, or 他们… when the suggestion names them); purposes
    (方便老人出行、让居民少跑腿) stay with the suggestion."""
    clauses = re.split(r"(?<=[，,])", sentence)
    for i in range(1, len(clauses)):
        rest = "".join(clauses[i:]).strip()
        if len(rest.rstrip("。")) < 6 or any(c in rest for c in cues):
            break
        head = "".join(clauses[:i]).strip().rstrip("，,") + "。"
        pronoun = re.match(r"^(?:他们|她们)(?=[\u4e00-\u9fff]{2})", rest)
        if pronoun:
            group = affected_group(head)
            if not group:
                break  # 他们 with no people named before: leave the sentence as it is
            rest = group + rest[pronoun.end():]  # 他们经常在路边等单 → 外卖骑手经常在路边等单
        if pronoun or _FACT_LEAD.match(rest) or opens_with_people(rest):
            return [head, rest if rest.endswith(("。", "！", "？")) else rest + "。"]
    return [sentence]


def opens_with_people(clause: str) -> bool:
    """Whether a clause opens with people as its subject (农村老人每月…, 老人和小孩过马路…, 老人上下楼…)."""
    if _PURPOSE_LEAD.match(clause):
        return False
    age = re.match(r"^(?:\d{1,3}|[一二三四五六七八九十]{1,3})(?:岁|周岁)(?:以上|以下|及以上|以内)?(?:的)?", clause)
    if age and len(clause) > age.end() + 2:
        clause = clause[age.end():]  # 65岁以上老人免费… → 老人免费…
    end = next((k for k in range(6, 1, -1) if is_people(clause[:k])), 0)
    if not end:
        phrase = noun_phrase(clause)
        end = phrase.end if is_people(phrase.text) else 0
    if not end:
        return False
    more = re.match(r"^(?:和|及|与|、)", clause[end:])
    if more:
        return opens_with_people(clause[end + 1:])
    return len(clause) > end + 2 and not re.match(r"^(?:的|，|,)", clause[end:])


def sort_sentences(text: str, catalogue: DraftingCatalogue | None = None) -> dict[SentenceClass, list[str]]:
    """Sentences (and trailing suggestion clauses) of ``text`` grouped by class, in text order."""
    groups: dict[SentenceClass, list[str]] = {"situation": [], "cause": [], "impact": [], "suggestion": []}
    for sentence in split_sentences(text):
        for part in split_suggestion(sentence, catalogue):
            if re.search(r"\w", part):
                groups[classify(part, catalogue)].append(part)
    return groups
