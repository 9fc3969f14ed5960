"""Title topics: a concise verb + noun phrase (e.g. 加装电梯 / 优化公交线路) from an idea's key words."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Protocol

from assistant.cultivation.catalogue import DraftingCatalogue, load_catalogue
from retrieval.tokenizer import DEFAULT_USERDICT, ChineseTokenizer, load_userdict

MAX_TOPIC = 20
_CJK_WORD = re.compile(r"^[\u4e00-\u9fff]{2,8}$")
_PERSONAL = re.compile(r"^(我|你|他|她|本人|咱)")
_TIMEISH = re.compile(
    r"(年代|[年月天日号]|分钟|小时|早上|晚上|上午|下午|中午|时候|时间|凌晨|夜里|周末|以来|之前|之后|期间)$"
    r"|^[一二三四五六七八九十百千万两几多每太很好真挺最更超]"
)
_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,4}(区|县|市|省|镇|街|村|乡)$|^[A-Z]\d*[区县市]")
_NOT_PLACE = re.compile(r"(小区|社区|园区|景区|校区|片区|街区|城区|厂区|营业区|服务区|停车区)$")
_SINGLE = re.compile(r"^[\u4e00-\u9fff]$")
_FUNCTION = frozenset(
    "在对和与及并让使给把以为从向等或来去能要会都也就还再更又将"
)


class Tokenizer(Protocol):
    """The part of :class:`retrieval.tokenizer.ChineseTokenizer` topic extraction uses."""

    def cut(self, text: str) -> list[str]: ...


@lru_cache(maxsize=1)
def default_tokenizer() -> ChineseTokenizer:
    """jieba with the shipped domain dictionary (``corpus/dict/userdict.txt``)."""
    return ChineseTokenizer()


@lru_cache(maxsize=1)
def domain_words() -> frozenset[str]:
    """Words of the shipped user dictionary."""
    return frozenset(word for word, _ in load_userdict(DEFAULT_USERDICT))


class TopicExtractor:
    """Finds the topic XX of ``关于XX的“百姓提案”`` from the idea's most salient words."""

    def __init__(self, tokenizer: Tokenizer | None = None, catalogue: DraftingCatalogue | None = None) -> None:
        self.tokenizer = tokenizer or default_tokenizer()
        self.catalogue = catalogue or load_catalogue()
        self.domain = domain_words()

    def keywords(self, text: str, k: int = 6) -> list[str]:
        """The ``k`` most salient content words (domain dictionary and early, repeated words first)."""
        stop = self.catalogue.topic_stopwords
        verbs = set(self.catalogue.topic_verbs)
        words = [w for w in self.tokenizer.cut(text) if _CJK_WORD.match(w) and w not in stop]
        words = [w for w in words if w not in verbs and not _PERSONAL.match(w) and not _TIMEISH.search(w)
                 and not self._is_place(w)]
        if not words:
            return []
        counts = Counter(words)
        first = {w: i for i, w in reversed(list(enumerate(words)))}
        n = len(words)

        def score(word: str) -> float:
            return counts[word] + (2.5 if word in self.domain else 0.0) + 1.5 * (1 - first[word] / n) + 0.2 * len(word)

        return sorted(counts, key=lambda w: (-score(w), first[w]))[:k]

    def _is_place(self, word: str) -> bool:
        """A district/town name (天河区), not a domain term or an area noun (老旧小区, 产业园区)."""
        return bool(_PLACE.match(word)) and word not in self.domain and not _NOT_PLACE.search(word)

    def verb(self, text: str, suggestions: list[str]) -> str | None:
        """The first topic verb used in the suggestion sentences (else anywhere in the text)."""
        for source in ("".join(suggestions), text):
            hits = [(source.find(v), v) for v in self.catalogue.topic_verbs if v in source]
            if hits:
                return min(hits)[1]
        return None

    def action(self, suggestions: list[str]) -> str | None:
        """``<verb><object>`` from the first suggestion that uses a topic verb (e.g. 设置接送区).

        A domain-dictionary action term in the sentence (加装电梯) wins over a parse; a verb used as an adverb
        before another topic verb (统一加装电梯) is skipped.
        """
        stop = self.catalogue.topic_stopwords
        verbs = self.catalogue.topic_verbs
        for sentence in suggestions:
            terms = [(sentence.find(w), w) for w in self.domain if w.startswith(verbs) and w in sentence]
            if terms:
                return min(terms, key=lambda h: (h[0], -len(h[1])))[1]
            hits = sorted((sentence.find(v), v) for v in verbs if v in sentence)
            hits = [(p, v) for p, v in hits if not sentence[p + len(v) :].startswith(verbs)] or hits
            for pos, verb in hits:
                obj = ""
                for word in self.tokenizer.cut(sentence[pos + len(verb) :]):
                    if word == "的" and obj:
                        continue
                    usable = (_CJK_WORD.match(word) or _SINGLE.match(word)) and word not in _FUNCTION
                    if not usable or word in stop or len(obj) + len(word) > 10:
                        break
                    obj += word
                if len(obj) >= 2:
                    return verb + obj
        return None

    def topic(self, text: str, suggestions: list[str] | None = None) -> str:
        """A concise topic (≤ 20 characters), never the idea pasted."""
        keys = self.keywords(text)
        action = self.action(suggestions or [])
        if action:
            context = next((k for k in keys if k in self.domain and not shares_bigram(k, action)), None)
            context = context or next((k for k in keys[:1] if not shares_bigram(k, action)), None)
            if context and len(context) + len(action) <= MAX_TOPIC and text.find(context) >= 0:
                return context + action
            return action[:MAX_TOPIC]
        if not keys:
            return self.catalogue.fallback_topic
        head = keys[0]
        core = head
        for other in keys[1:]:
            if other in head or head in other:
                continue
            pos_h, pos_o = text.find(head), text.find(other)
            if abs(pos_h - pos_o) > 12 or len(head) + len(other) > 12:
                continue
            core = head + other if pos_h <= pos_o else other + head
            break
        verbs = self.catalogue.topic_verbs
        if not any(v in core for v in verbs):
            core = (self.verb(text, []) or self.catalogue.default_topic_verb) + core
        return core[:MAX_TOPIC]


def shares_bigram(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` have a two-character substring in common."""
    grams = {a[i : i + 2] for i in range(len(a) - 1)}
    return any(b[i : i + 2] in grams for i in range(len(b) - 1))


def make_title(topic: str) -> str:
    """``关于<topic>的“百姓提案”``."""
    return f"关于{topic}的“百姓提案”"
