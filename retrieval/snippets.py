"""Snippets: a short excerpt around the matched terms, matched terms wrapped in 【】."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

_WS = re.compile(r"\s+")
_MAX_MATCHES = 300


def maximal_terms(terms: Sequence[str]) -> list[str]:
    """Drop terms contained in a longer term of the list (加装 and 电梯 go when 加装电梯 is there)."""
    unique = list(dict.fromkeys(t for t in terms if t))
    return [t for t in unique if not any(t != o and t in o for o in unique)]


def _pattern(terms: Sequence[str]) -> re.Pattern[str] | None:
    return _compiled(tuple(sorted({t for t in terms if t}, key=lambda t: (-len(t), t))))


@lru_cache(maxsize=512)
def _compiled(ordered: tuple[str, ...]) -> re.Pattern[str] | None:
    if not ordered:
        return None
    return re.compile("|".join(re.escape(t) for t in ordered), re.IGNORECASE)


def terms_in_text(terms: Sequence[str], text: str) -> list[str]:
    """The terms that occur in ``text`` (case-insensitive), maximal ones only, query order kept."""
    low = text.lower()
    return maximal_terms([t for t in terms if t and t.lower() in low])


def best_window_start(matches: Sequence[re.Match[str]], length: int, chars: int) -> int:
    """Start of the ``chars``-wide window holding the longest total of distinct matched terms.

    A sliding window over the (non-overlapping, ordered) matches: add those that end inside the window,
    drop those that start before it, and track the summed length of the distinct terms inside.
    """
    lead = max(chars // 8, 0)
    best_start, best_score = 0, -1.0
    words = [m.group(0).lower() for m in matches]
    inside: Counter[str] = Counter()
    added = [False] * len(matches)
    distinct_len = 0
    lo = hi = 0
    for anchor in matches:
        start = max(anchor.start() - lead, 0)
        end = start + chars
        while hi < len(matches) and matches[hi].end() <= end:
            if matches[hi].start() >= start:
                added[hi] = True
                inside[words[hi]] += 1
                if inside[words[hi]] == 1:
                    distinct_len += len(words[hi])
            hi += 1
        while lo < hi and matches[lo].start() < start:
            if added[lo]:
                inside[words[lo]] -= 1
                if inside[words[lo]] == 0:
                    distinct_len -= len(words[lo])
            lo += 1
        score = distinct_len + 0.001 * (length - start)  # prefer earlier on ties
        if score > best_score:
            best_start, best_score = start, score
    return best_start


def make_snippet(text: str, terms: Sequence[str], chars: int = 120) -> str:
    """About ``chars`` characters of ``text`` around the densest cluster of ``terms``, terms in 【】."""
    flat = _WS.sub(" ", text).strip()
    pattern = _pattern(terms)
    matches = list(pattern.finditer(flat))[:_MAX_MATCHES] if pattern else []
    if not matches:
        return flat[:chars] + ("…" if len(flat) > chars else "")

    start = best_window_start(matches, len(flat), chars)
    end = min(start + chars, len(flat))
    start = max(min(start, end - chars), 0)
    for m in matches:  # never cut a matched term in half
        if m.start() < start < m.end():
            start = m.start()
        if m.start() < end < m.end():
            end = m.end()

    window = flat[start:end]
    marked = pattern.sub(lambda m: f"【{m.group(0)}】", window) if pattern else window
    return ("…" if start > 0 else "") + marked + ("…" if end < len(flat) else "")
