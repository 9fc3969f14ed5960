"""Similar past items and the units their government replies name (the "votes" of the router).

Past items come from a masked city (A市…); a reply usually names the replying department ("A市住房和城乡建设局",
"市城管局"). Those names are mapped to catalogue units through the units' short names and aliases.
"""

from __future__ import annotations

import copy
import gzip
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from assistant.routing.catalogue import Catalogue
from assistant.routing.features import normalize

ITEM_CHARS = 300


@dataclass(frozen=True)
class SimilarItem:
    """One similar past item with the catalogue units its reply names."""

    item_id: str
    title: str
    similarity: float
    units: tuple[int, ...]


class SimilarItems(Protocol):
    """Finds similar answered past items (the router's votes)."""

    def similar(self, text: str, k: int, query: Any = None) -> list[SimilarItem]: ...


class Vectorizer(Protocol):
    """The part of a fitted scikit-learn TF-IDF vectorizer the index uses."""

    def transform(self, raw_documents: Iterable[str]) -> Any: ...


def reply_units(
    reply: str, catalogue: Catalogue, pattern: Any = None, table: dict[str, int] | None = None
) -> tuple[int, ...]:
    """Indices of catalogue units named in a reply (first mention order, each once)."""
    if pattern is None or table is None:
        pattern, table = catalogue.alias_pattern()
    found = dict.fromkeys(table[m.group()] for m in pattern.finditer(reply))
    return tuple(found)


def load_items(path: Path) -> list[dict[str, Any]]:
    """Past items (the shipped ``items.jsonl.gz``) that have a reply."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    return [r for r in rows if r.get("reply")]


class ItemIndex:
    """In-memory TF-IDF index of answered past items; fast enough for batch routing (no database needed)."""

    def __init__(self, vectorizer: Vectorizer, items: Sequence[dict[str, Any]], catalogue: Catalogue,
                 texts: Sequence[str] | None = None, matrix: Any = None) -> None:
        """``matrix``: the items already vectorised (one row per item), e.g. from the on-disk cache."""
        pattern, table = catalogue.alias_pattern()
        self.vectorizer = vectorizer
        self.ids = [str(r["id"]) for r in items]
        self.titles = [str(r["title"]) for r in items]
        self.replies = [str(r["reply"]) for r in items]
        self.units = [reply_units(reply, catalogue, pattern, table) for reply in self.replies]
        if matrix is None:
            matrix = vectorizer.transform(texts if texts is not None else [item_text(r) for r in items])
        self.matrix = matrix.T.tocsr()

    def relabel(self, catalogue: Catalogue) -> ItemIndex:
        """A copy whose replies are mapped to the units of another catalogue (after staff edited it)."""
        pattern, table = catalogue.alias_pattern()
        clone = copy.copy(self)
        clone.units = [reply_units(reply, catalogue, pattern, table) for reply in self.replies]
        return clone

    def without(self, ids: set[str]) -> ItemIndex:
        """A copy that never returns these items (used by evals: an idea written from an item must not vote)."""
        clone = copy.copy(self)
        clone.units = [() if i in ids else u for i, u in zip(self.ids, self.units, strict=True)]
        return clone

    def similar(self, text: str, k: int, query: Any = None) -> list[SimilarItem]:
        """The ``k`` most similar answered items whose reply names a catalogue unit.

        ``query`` is the text already vectorised (saves a second transform).
        """
        if query is None:
            query = self.vectorizer.transform([normalize(text)])
        sims = np.asarray((query @ self.matrix).todense()).ravel()
        out: list[SimilarItem] = []
        for i in np.argsort(-sims)[: k * 3]:
            if sims[i] <= 0:
                break
            if self.units[i]:
                out.append(SimilarItem(self.ids[i], self.titles[i], float(sims[i]), self.units[i]))
            if len(out) >= k:
                break
        return out


def item_text(row: dict[str, Any]) -> str:
    """The normalised text of an item used for similarity (title + beginning of the message)."""
    return normalize(f"{row['title']} {str(row.get('text') or '')[:ITEM_CHARS]}")
