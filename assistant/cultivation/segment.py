"""Chinese sentence segmentation and cue-based sorting into situation / cause / impact / suggestion."""

from __future__ import annotations

import re
from typing import Literal

from assistant.cultivation.catalogue import DraftingCatalogue, load_catalogue

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
        return [sentence]
    head = sentence[:cut].strip() + "。"
    return [head, sentence[cut + 1 :].strip()]


def sort_sentences(text: str, catalogue: DraftingCatalogue | None = None) -> dict[SentenceClass, list[str]]:
    """Sentences (and trailing suggestion clauses) of ``text`` grouped by class, in text order."""
    groups: dict[SentenceClass, list[str]] = {"situation": [], "cause": [], "impact": [], "suggestion": []}
    for sentence in split_sentences(text):
        for part in split_suggestion(sentence, catalogue):
            if re.search(r"\w", part):
                groups[classify(part, catalogue)].append(part)
    return groups
