"""Colloquial → formal register: the maintained phrase table plus punctuation and interjection clean-up."""

from __future__ import annotations

import re
from collections.abc import Mapping

from assistant.cultivation.catalogue import load_phrases

_REPEATED_MARKS = re.compile(r"([！!？?。～~])\1+")
_EXCLAIM = re.compile(r"[！!～~]+")
_QUESTION = re.compile(r"[？?]+")
_INTERJECTION = re.compile(r"[啊呀吧呢哈嘛啦哦呗噢哇]+(?=[，。；！？,.;!?]|$)")
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\ufe0f]")
_ELLIPSIS = re.compile(r"(?:\.{3,}|。{2,}|…{2,})")
_SPACES = re.compile(r"[ \t\u3000]{2,}")


class RegisterNormaliser:
    """Rewrites citizen phrasing into the formal register of a proposal (longest phrase first)."""

    def __init__(self, phrases: Mapping[str, str] | None = None) -> None:
        table = dict(load_phrases() if phrases is None else phrases)
        self.phrases = table
        keys = sorted(table, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(k) for k in keys)) if keys else None

    def normalise(self, text: str) -> str:
        """The text in formal register; meaning-bearing words are never dropped except listed fillers."""
        text = _EMOJI.sub("", text)
        text = _ELLIPSIS.sub("。", text)
        text = _REPEATED_MARKS.sub(r"\1", text)
        if self._pattern is not None:
            text = self._pattern.sub(lambda m: self.phrases[m.group(0)], text)
        text = _INTERJECTION.sub("", text)
        text = _EXCLAIM.sub("。", text)
        text = _QUESTION.sub("？", text)
        text = _SPACES.sub(" ", text)
        return re.sub(r"([，。；])\1+", r"\1", text).strip("，、 ")

    def changes(self, text: str) -> list[tuple[str, str]]:
        """(colloquial, formal) pairs that :meth:`normalise` would apply to ``text``."""
        if self._pattern is None:
            return []
        return [(m.group(0), self.phrases[m.group(0)]) for m in self._pattern.finditer(text)]
