"""Hot topics (民意热度): a time × domain heat map and rising keywords, from ideas and past items in the database.

Each text's domain (routing domain classifier) and its keywords (jieba content words) are computed once and kept
in a cache file keyed by the text's content hash, so later requests only read the database and count.
"""

from __future__ import annotations

import json
import math
import os
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from assistant.accounts import UserSession, require_role
from assistant.errors import InputError
from assistant.staff.models import HeatMap, RisingKeyword, RisingReport
from assistant.staff.sources import TextRecord, idea_records, item_records
from assistant.storage.enums import Role
from assistant.storage.texts import TextStore

Source = Literal["all", "ideas", "items"]
CACHE_VERSION = 1
CLASSIFY_CHARS = 500
KEYWORD_CHARS = 300
"""Keywords come from the title and the beginning of the text, where the topic is stated."""
_GENERIC = (
    "建议 希望 问题 反映 请问 领导 您好 你好 政府 相关 部门 进行 情况 现在 已经 没有 我们 他们 市民 群众 一个 这个 "
    "什么 怎么 为什么 还是 可以 能否 是否 谢谢 感谢 有关 目前 要求 解决 处理 回复 书记 市长 尊敬 关于 存在 导致 严重 "
    "能够 及时 一直 请求 咨询 表示 出现 影响 时间 工作 地方 自己 大家 这样 那么 因为 所以 如果 但是 而且 以及 还有 "
    "今年 去年 每天 这些 那些 其中 非常 不能 不是 就是 可能 应该 需要 还要 相关部门 有关部门 多次 至今"
)
GENERIC_TERMS = frozenset(_GENERIC.split())


@dataclass(frozen=True)
class Analysed:
    """A record with its domain and keyword set."""

    record: TextRecord
    domain: str
    terms: frozenset[str]


class AnalysisCache:
    """content hash → (domain, keywords), in a JSON file; invalidated when the classifier or tokenizer changes."""

    def __init__(self, path: Path, tag: str) -> None:
        self.path = path
        self.tag = tag
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[str, list[str]]] | None = None

    def _load(self) -> dict[str, tuple[str, list[str]]]:
        if self._entries is None:
            self._entries = {}
            try:
                doc = json.loads(self.path.read_text(encoding="utf-8"))
                if doc.get("version") == CACHE_VERSION and doc.get("tag") == self.tag:
                    self._entries = {k: (v[0], list(v[1])) for k, v in doc["entries"].items()}
            except (OSError, ValueError, KeyError, TypeError, IndexError):
                pass  # missing or stale cache: recompute
        return self._entries

    def get_many(self, keys: Sequence[str]) -> dict[str, tuple[str, list[str]]]:
        """Cached entries of those keys that have one."""
        with self._lock:
            entries = self._load()
            return {k: entries[k] for k in keys if k in entries}

    def put_many(self, new: dict[str, tuple[str, list[str]]]) -> None:
        """Add entries and rewrite the file atomically."""
        if not new:
            return
        with self._lock:
            entries = self._load()
            entries.update(new)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
            doc = {"version": CACHE_VERSION, "tag": self.tag, "entries": entries}
            tmp.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
            os.replace(tmp, self.path)


class HotTopics:
    """Heat map (period × domain) and rising keywords over submitted ideas and past items."""

    def __init__(
        self,
        texts: TextStore,
        classify: Callable[[str], str],
        words: Callable[[str], Sequence[str]],
        cache: AnalysisCache,
    ) -> None:
        self.texts = texts
        self.classify = classify
        self.words = words
        self.cache = cache

    # data ----------------------------------------------------------------------------------------
    def analysed(self, actor: UserSession | None, source: Source = "all") -> list[Analysed]:
        """Dated records of ``source`` with domain and keywords (computed once per content hash); staff only."""
        require_role(actor, Role.STAFF)
        records: list[TextRecord] = []
        if source in ("all", "items"):
            records += item_records(self.texts)
        if source in ("all", "ideas"):
            records += idea_records(self.texts)
        records = [r for r in records if r.month]
        cached = self.cache.get_many([r.content_hash for r in records])
        new: dict[str, tuple[str, list[str]]] = {}
        out = []
        for r in records:
            entry = cached.get(r.content_hash) or new.get(r.content_hash)
            if entry is None:
                entry = new[r.content_hash] = self._analyse(r)
            domain = r.domain or entry[0]  # a domain set on an idea (routing, staff) wins
            out.append(Analysed(r, domain, frozenset(entry[1])))
        self.cache.put_many(new)
        return out

    def _analyse(self, record: TextRecord) -> tuple[str, list[str]]:
        text = record.full_text
        domain = self.classify(text[:CLASSIFY_CHARS])
        head = f"{record.title}\n{record.text[:KEYWORD_CHARS]}"
        terms = sorted({w for w in self.words(head) if keyword_ok(w)})
        return domain, terms

    # heat map ------------------------------------------------------------------------------------
    def heat_map(self, actor: UserSession | None, months: int | None = 12, source: Source = "all",
                 data: list[Analysed] | None = None) -> HeatMap:
        """Counts per domain and month over the last ``months`` months that have data (``None``: all)."""
        require_role(actor, Role.STAFF)
        data = self.analysed(actor, source) if data is None else data
        if not data:
            return HeatMap(periods=[], domains=[], counts=[], total=0, sources={})
        last = max(a.record.month for a in data if a.record.month)
        first = shift_month(last, -(months - 1)) if months else min(a.record.month for a in data if a.record.month)
        periods = month_range(first, last)
        index = {p: i for i, p in enumerate(periods)}
        per_domain: dict[str, list[int]] = {}
        kinds: Counter[str] = Counter()
        for a in data:
            col = index.get(a.record.month or "")
            if col is None:
                continue
            per_domain.setdefault(a.domain, [0] * len(periods))[col] += 1
            kinds[a.record.kind] += 1
        domains = sorted(per_domain, key=lambda d: (-sum(per_domain[d]), d))
        counts = [per_domain[d] for d in domains]
        return HeatMap(
            periods=periods, domains=domains, counts=counts, total=sum(map(sum, counts)),
            sources={"ideas": kinds["idea"], "items": kinds["item"]},
        )

    # rising keywords -----------------------------------------------------------------------------
    def rising(
        self,
        actor: UserSession | None,
        window: int = 3,
        source: Source = "all",
        min_count: int = 5,
        top: int = 20,
        data: list[Analysed] | None = None,
    ) -> RisingReport:
        """Terms whose document share rose most from the previous ``window`` months to the latest ones."""
        require_role(actor, Role.STAFF)
        if window < 1 or window > 24:
            raise InputError("时间窗口应在 1 到 24 个月之间。", f"window {window}")
        data = self.analysed(actor, source) if data is None else data
        if not data:
            return RisingReport(latest_window="", previous_window="", latest_docs=0, previous_docs=0, keywords=[],
                                note="还没有可统计的线索或往期留言。")
        last = max(a.record.month for a in data if a.record.month)
        latest = month_range(shift_month(last, -(window - 1)), last)
        previous = month_range(shift_month(last, -(2 * window - 1)), shift_month(last, -window))
        return rising_keywords(data, latest, previous, min_count=min_count, top=top)


def rising_keywords(
    data: Sequence[Analysed], latest: Sequence[str], previous: Sequence[str], min_count: int = 5, top: int = 20
) -> RisingReport:
    """Rank terms by the two-proportion z-score of their document share, latest vs previous window.

    Only terms in at least ``min_count`` documents of the latest window whose share rose are kept.
    """
    now, before = set(latest), set(previous)
    df_now: Counter[str] = Counter()
    df_before: Counter[str] = Counter()
    n_now = n_before = 0
    for a in data:
        if a.record.month in now:
            n_now += 1
            df_now.update(a.terms)
        elif a.record.month in before:
            n_before += 1
            df_before.update(a.terms)
    label = _window_label
    report = RisingReport(latest_window=label(latest), previous_window=label(previous), latest_docs=n_now,
                          previous_docs=n_before, keywords=[])
    if n_now == 0 or n_before == 0:
        return report.model_copy(update={"note": "所选时间窗口或上一窗口内没有数据，无法比较。"})
    scored = []
    for term, c1 in df_now.items():
        if c1 < min_count:
            continue
        c0 = df_before.get(term, 0)
        p1, p0 = c1 / n_now, c0 / n_before
        if p1 <= p0:
            continue
        pooled = (c1 + c0) / (n_now + n_before)
        z = (p1 - p0) / math.sqrt(max(pooled * (1 - pooled) * (1 / n_now + 1 / n_before), 1e-12))
        ratio = ((c1 + 1) / (n_now + 1)) / ((c0 + 1) / (n_before + 1))
        scored.append((z, RisingKeyword(term=term, latest=c1, previous=c0, latest_share=round(p1, 4),
                                        previous_share=round(p0, 4), rise=round(100 * (p1 - p0), 2),
                                        ratio=round(ratio, 2))))
    scored.sort(key=lambda s: (-s[0], s[1].term))
    return report.model_copy(update={"keywords": [k for _, k in scored[:top]]})


def keyword_ok(word: str) -> bool:
    """A keyword is a Chinese word of 2–8 characters that is not generic."""
    return 2 <= len(word) <= 8 and all("\u4e00" <= ch <= "\u9fff" for ch in word) and word not in GENERIC_TERMS


def shift_month(month: str, delta: int) -> str:
    """``YYYY-MM`` moved by ``delta`` months."""
    year, mon = int(month[:4]), int(month[5:7])
    total = year * 12 + (mon - 1) + delta
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def month_range(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` inclusive."""
    out, current = [], first
    while current <= last:
        out.append(current)
        current = shift_month(current, 1)
    return out


def _window_label(months: Sequence[str]) -> str:
    if not months:
        return ""
    return months[0] if len(months) == 1 else f"{months[0]} 至 {months[-1]}"
