"""What similar past items and policy articles contribute: relevance, reply summaries, short excerpts."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Protocol

from assistant.cultivation.segment import split_sentences

_ACTION = re.compile(
    r"(已|将|组织|完成|安排|督促|要求|整改|预计|开展|实施|纳入|启动|协调|处理|拆除|修复|增设|清理|查处|责令)"
)
_GREETING = re.compile(r"(您好|你好|感谢|谢谢|网友|来信|留言|收悉|现答复|回复如下|答复如下|关心|支持|理解|信任)")
_MARKS = re.compile(r"[【】]")


class HitLike(Protocol):
    """The fields of :class:`retrieval.documents.Hit` the engine reads."""

    doc_id: str
    kind: str
    title: str
    snippet: str
    citation: str
    matched_terms: list[str]
    reply: str | None


def reply_summary(reply: str | None, limit: int = 70) -> str | None:
    """What the reply says was done (action sentences, greetings dropped), ≤ ``limit`` characters."""
    if not reply:
        return None
    picked: list[str] = []
    for sentence in split_sentences(reply, max_len=limit):
        if _GREETING.search(sentence) or not _ACTION.search(sentence):
            continue
        picked.append(sentence.rstrip("。；;，,"))
        if sum(len(p) for p in picked) >= limit // 2:
            break
    if not picked:
        return None
    text = "；".join(picked)
    if len(text) > limit:
        cut = max(text.rfind(m, 0, limit) for m in "，；、")
        text = text[: cut if cut > limit // 2 else limit]
    return text.rstrip("，；、")


def excerpt(text: str, limit: int = 50) -> str:
    """The start of a policy article, cut at a clause boundary."""
    text = _MARKS.sub("", text).replace("\n", "").strip().lstrip("…").strip()
    if len(text) <= limit:
        return text.rstrip("。；;")
    cut = max(text.rfind(m, 0, limit) for m in "，；、。")
    return text[: cut if cut > limit // 3 else limit].rstrip("，；、。") + "……"


def relevant(hits: Iterable[HitLike], keywords: Sequence[str], k: int, min_terms: int = 2) -> list[HitLike]:
    """Hits that share at least ``min_terms`` matched terms, or a keyword in the title, with the idea."""
    keys = [w for w in keywords if len(w) >= 2]
    out = []
    for hit in hits:
        strong = len(set(hit.matched_terms)) >= min_terms
        if strong or any(w in hit.title for w in keys[:3]):
            out.append(hit)
        if len(out) >= k:
            break
    return out


def clean_title(title: str, limit: int = 24) -> str:
    """A past item's title, short enough to quote."""
    title = _MARKS.sub("", title).strip()
    return title if len(title) <= limit else title[: limit - 1] + "…"
