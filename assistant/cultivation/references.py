"""References for drafting: the adapter from retrieval hits, jurisdiction, on-point tests, whole-sentence quotes.

Retrieval's ``Hit`` knows a document's ``region`` (items: A市/西地省/None — another city's message board; policies:
全国/广东/广州/other places). The drafter's :class:`~assistant.cultivation.models.Reference` says what that means
for a Guangzhou proposal: only national, Guangdong and Guangzhou rules apply; everything else is 外地 and is shown
beside the draft, never stated in its body.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from assistant.cultivation.models import GUANGZHOU_JURISDICTIONS, Jurisdiction, Reference, SourceKind
from assistant.cultivation.segment import split_sentences

_MARKS = re.compile(r"[【】]")
_REGIONS: dict[str, Jurisdiction] = {
    "广州": "广州市", "广州市": "广州市", "广东": "广东省", "广东省": "广东省", "全国": "全国", "国家": "全国",
}
_OPEN_CLOSE = {"《": "》", "（": "）", "(": ")", "“": "”", "「": "」", "【": "】", "‘": "’"}


def jurisdiction_of(kind: str, region: str | None) -> Jurisdiction:
    """广州市 / 广东省 / 全国 for documents that apply in Guangzhou, else 外地.

    Past items (citizen messages) come from another city's board whatever their region says; a policy's region
    is the body that issued it.
    """
    if kind == "item":
        return "外地"
    return _REGIONS.get((region or "").strip(), "外地")


def from_hit(hit: Any) -> Reference:
    """A :class:`Reference` from a ``retrieval.documents.Hit`` (or anything with its fields).

    Fields retrieval may add later are used when present: ``jurisdiction``, ``relevant``, ``text`` (full text).
    """
    kind: SourceKind = hit.kind if hit.kind in ("item", "policy", "proposal") else "item"
    jurisdiction = getattr(hit, "jurisdiction", None) or jurisdiction_of(kind, getattr(hit, "region", None))
    if jurisdiction not in ("广州市", "广东省", "全国", "外地"):
        jurisdiction = jurisdiction_of(kind, str(jurisdiction))
    text = getattr(hit, "text", None) or _MARKS.sub("", getattr(hit, "snippet", "") or "")
    relevant = getattr(hit, "relevant", None)
    return Reference(
        doc_id=hit.doc_id,
        kind=kind,
        title=_MARKS.sub("", hit.title or "").strip(),
        citation=hit.citation or hit.title or hit.doc_id,
        text=text.strip(),
        reply=getattr(hit, "reply", None),
        jurisdiction=jurisdiction,
        applies_to_guangzhou=kind != "item" and jurisdiction in GUANGZHOU_JURISDICTIONS,
        relevant=True if relevant is None else bool(relevant),
        score=float(getattr(hit, "score", 0.0) or 0.0),
        matched_terms=list(getattr(hit, "matched_terms", []) or []),
        year=getattr(hit, "year", None),
    )


def from_hits(hits: Iterable[Any]) -> list[Reference]:
    """:func:`from_hit` for each hit."""
    return [from_hit(h) for h in hits]


def balanced(text: str) -> bool:
    """Whether every 《（“「【 in ``text`` is closed, in order."""
    stack: list[str] = []
    closers = {v: k for k, v in _OPEN_CLOSE.items()}
    for ch in text:
        if ch in _OPEN_CLOSE and not (ch == "‘" and stack and stack[-1] == "‘"):
            stack.append(ch)
        elif ch in closers:
            if not stack or stack[-1] != closers[ch]:
                return False
            stack.pop()
    return not stack


def repair_brackets(text: str) -> str:
    """``text`` with unmatched brackets and quotes removed (a “ met while “ is open is taken as its ”)."""
    closers = {v: k for k, v in _OPEN_CLOSE.items()}
    chars = list(text)
    stack: list[int] = []
    drop: set[int] = set()
    for i, ch in enumerate(chars):
        if ch == "“" and stack and chars[stack[-1]] == "“":
            chars[i] = "”"
            stack.pop()
        elif ch in _OPEN_CLOSE and ch != "‘":
            stack.append(i)
        elif ch in closers and ch != "’":
            if stack and chars[stack[-1]] == closers[ch]:
                stack.pop()
            else:
                drop.add(i)
    drop |= set(stack)
    return "".join(c for i, c in enumerate(chars) if i not in drop)


def whole_sentences(text: str, limit: int = 120) -> str:
    """The opening complete sentences of ``text`` (≤ ``limit`` characters, never cut inside brackets/quotes);
    "" when the first sentence alone is too long or the text is a truncated snippet."""
    text = _MARKS.sub("", text or "").replace("\n", "").strip()
    text = re.sub(r"^第[一二三四五六七八九十百零〇]+条\s*", "", text)
    if not text or text.startswith(("…", "……")):
        return ""
    kept = ""
    for sentence in split_sentences(text, max_len=10_000):
        if not sentence.endswith(("。", "；", "！", "？")):
            break
        list_intro = re.search(r"[：:]（?[一二三四五六七八九十]?）?", sentence)
        if len(kept) + len(sentence) > limit or not balanced(sentence) or list_intro:
            break
        kept += sentence
    return kept.rstrip("；") + ("。" if kept.endswith("；") else "") if kept else ""


def on_point(ref: Reference, keywords: Sequence[str], anchors: Sequence[str], min_terms: int = 2) -> bool:
    """Whether a reference is about the idea: at least ``min_terms`` of the idea's keywords occur in its title or
    text, and at least one of them is an ``anchor`` (the idea's main object, e.g. 电梯 for 加装电梯)."""
    if not ref.relevant:
        return False
    body = ref.title + ref.text
    found = {k for k in keywords if len(k) >= 2 and k in body}
    return len(found) >= min_terms and any(a in body for a in anchors if len(a) >= 2)
