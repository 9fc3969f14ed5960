"""Similar answered past items — the router's "votes" and the precedents its reasons may quote.

Past items come from a masked city of another province (A市…); what their replies say about who answered
(:mod:`assistant.routing.replies`) is weak evidence for the Guangzhou unit of the same function. An item votes
only when it is *relevant* to the idea in the retrieval sense (:mod:`retrieval.relevance`): the same logistic model
over the e5 cosine, the cosine above the idea's background, and the share of the idea's word and character-bigram
IDF mass the item contains, with the same floor as the hybrid searcher's ``relevant`` flag. So an idea on a topic
no past item covers gets no votes and no quoted precedent.

Item vectors are the shipped passage vectors (``corpus/data/vectors-e5.npz``, e5 ``passage:`` of title + the first
200 characters, looked up by passage hash); the idea's vector is its e5 ``query:`` vector, computed once by the
router. Without an idea vector (batch routing) there are no votes.
"""

from __future__ import annotations

import copy
import gzip
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from scipy.sparse import csr_matrix

from assistant.routing.catalogue import Catalogue
from assistant.routing.features import normalize
from assistant.routing.replies import ReplyLabel, ReplyLabeller

ITEM_CHARS = 300
CANDIDATES = 30
"""Items (best e5 cosine first) whose relevance is computed for an idea."""


@dataclass(frozen=True)
class SimilarItem:
    """One relevant answered past item: the unit of its answering department and how it is cited."""

    item_id: str
    title: str
    similarity: float
    units: tuple[int, ...]
    relevance: float = 0.0
    department: str = ""
    """The answering department as the reply names it (e.g. "A5区教育局")."""
    place: str = ""
    year: int | None = None

    @property
    def origin(self) -> str:
        """Where the item comes from, e.g. "外地类似留言（A市，2019年）" (never a Guangzhou precedent)."""
        when = f"{self.year}年" if self.year else "年份不详"
        return f"外地类似留言（{self.place or '地区不详'}，{when}）"


class SimilarItems(Protocol):
    """Finds relevant answered past items for an idea (the router's votes)."""

    def similar(self, text: str, k: int, vector: np.ndarray | None = None) -> list[SimilarItem]: ...


def load_items(path: Path) -> list[dict[str, Any]]:
    """Past items (the shipped ``items.jsonl.gz``) that have a reply."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    return [r for r in rows if r.get("reply")]


def reply_units(
    reply: str, catalogue: Catalogue, pattern: Any = None, table: dict[str, int] | None = None
) -> tuple[int, ...]:
    """Indices of catalogue units named anywhere in a reply (first mention order, each once)."""
    if pattern is None or table is None:
        pattern, table = catalogue.alias_pattern()
    found = dict.fromkeys(table[m.group()] for m in pattern.finditer(reply))
    return tuple(found)


def item_text(row: dict[str, Any]) -> str:
    """The normalised text of an item used to fit the bigram vectorizer (title + beginning of the message)."""
    return normalize(f"{row['title']} {str(row.get('text') or '')[:ITEM_CHARS]}")


@dataclass
class ItemTerms:
    """Which word terms and character bigrams each item contains (binary CSR over ``vocab``) and their df."""

    vocab: dict[str, int]
    matrix: Any
    df: np.ndarray

    @classmethod
    def build(cls, analyses: Sequence[tuple[list[str], list[str]]]) -> ItemTerms:
        """From (terms, bigrams) per item; bigrams are stored with a ``\\x02`` prefix."""
        vocab: dict[str, int] = {}
        indptr: list[int] = [0]
        indices: list[int] = []
        for terms, grams in analyses:
            keys = set(terms) | {"\x02" + g for g in grams}
            indices.extend(vocab.setdefault(k, len(vocab)) for k in keys)
            indptr.append(len(indices))
        matrix = csr_matrix((np.ones(len(indices), dtype=np.int8), indices, indptr), shape=(len(analyses), len(vocab)))
        df = np.bincount(np.asarray(indices, dtype=np.int64), minlength=len(vocab)).astype(np.float64)
        return cls(vocab, matrix, df)

    def coverage(self, keys: Sequence[str], rows: Sequence[int]) -> np.ndarray:
        """Share of the IDF mass of the known ``keys`` (BM25 idf over the items) that each row contains."""
        known = [self.vocab[k] for k in dict.fromkeys(keys) if k in self.vocab]
        if not known or not len(rows):
            return np.zeros(len(rows))
        n = self.matrix.shape[0]
        df = self.df[known]
        idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
        sub = self.matrix[np.asarray(rows)][:, known]
        return np.asarray(sub @ idf).ravel() / float(idf.sum())


class ItemIndex:
    """Answered past items with an answering department: e5 vectors, term sets and the relevance model."""

    def __init__(self, rows: Sequence[dict[str, Any]], labels: Sequence[ReplyLabel | None], vectors: np.ndarray,
                 terms: ItemTerms, analyse: Any, relevance: Any = None, floor: float | None = None) -> None:
        """``rows`` / ``labels`` / ``vectors`` / ``terms`` are aligned (one per item; a row without a vector has a
        zero vector and never votes); ``analyse(text) -> (terms, bigrams)`` analyses an idea like the items."""
        from retrieval.hybrid import DEFAULT_FLOOR
        from retrieval.relevance import RelevanceModel

        self.ids = [str(r["id"]) for r in rows]
        self.titles = [str(r["title"]) for r in rows]
        self.replies = [str(r.get("reply") or "") for r in rows]
        self.places = [str(r.get("region") or "") for r in rows]
        self.years = [int(r["year"]) if r.get("year") else None for r in rows]
        self.labels = list(labels)
        self.vectors = vectors
        self.terms = terms
        self.analyse = analyse
        self.relevance = relevance or RelevanceModel()
        self.floor = DEFAULT_FLOOR if floor is None else floor
        self._usable = np.asarray([lab is not None for lab in self.labels]) & (np.abs(vectors).sum(axis=1) > 0)

    def __len__(self) -> int:
        return len(self.ids)

    def relabel(self, catalogue: Catalogue) -> ItemIndex:
        """A copy whose replies are mapped to the units of another catalogue (after staff edited it)."""
        clone = copy.copy(self)
        clone.labels = [ReplyLabeller(catalogue).label(r) for r in self.replies]
        clone._usable = np.asarray([lab is not None for lab in clone.labels]) & (np.abs(self.vectors).sum(axis=1) > 0)
        return clone

    def without(self, ids: set[str]) -> ItemIndex:
        """A copy that never returns these items (used by evals: an idea written from an item must not vote)."""
        clone = copy.copy(self)
        clone._usable = self._usable & np.asarray([i not in ids for i in self.ids])
        return clone

    def similar(self, text: str, k: int, vector: np.ndarray | None = None) -> list[SimilarItem]:
        """Up to ``k`` relevant answered items (most relevant first); none without the idea's e5 vector."""
        if vector is None or k <= 0 or not self._usable.any():
            return []
        from retrieval.relevance import background

        cos = self.vectors @ vector
        order = np.argsort(-cos)
        base = background([float(c) for c in cos[order[: 60]]])
        candidates = [int(i) for i in order[: CANDIDATES * 2] if self._usable[i]][:CANDIDATES]
        if not candidates:
            return []
        terms, grams = self.analyse(text)
        words = self.terms.coverage(terms, candidates)
        chars = self.terms.coverage(["\x02" + g for g in grams], candidates)
        found = []
        for j, i in enumerate(candidates):
            p = self.relevance.probability(float(cos[i]), float(cos[i]) - base, float(words[j]), float(chars[j]))
            if p >= self.floor:
                label = self.labels[i]
                assert label is not None
                found.append(SimilarItem(self.ids[i], self.titles[i], float(cos[i]), (label.unit,), p, label.name,
                                         self.places[i], self.years[i]))
        found.sort(key=lambda s: -s.relevance)
        return found[:k]


def analyser() -> Any:
    """``text -> (word terms, character bigrams)`` with the retrieval tokenizer (shipped dictionaries)."""
    from retrieval.tokenizer import default_tokenizer

    tokenizer = default_tokenizer()

    def analyse(text: str) -> tuple[list[str], list[str]]:
        analysis = tokenizer.analyse(text)
        return list(dict.fromkeys(analysis.terms)), list(dict.fromkeys(analysis.bigrams(tokenizer.stop_chars)))

    return analyse


def passage_vectors(rows: Sequence[dict[str, Any]], space_id: str) -> np.ndarray:
    """The shipped e5 passage vectors of ``rows`` (zero rows where the passage changed or none is shipped)."""
    from retrieval.embeddings import PASSAGE_CHARS, passage_hash
    from retrieval.shipped_vectors import load_shipped_vectors

    shipped = load_shipped_vectors(space_id)
    out = np.zeros((len(rows), 384), dtype=np.float32)
    if not len(shipped):
        return out
    hashes = [passage_hash(space_id, f"{r['title']}\n{str(r.get('text') or '')[:PASSAGE_CHARS]}".strip()) for r in rows]
    found, vectors = shipped.lookup(hashes)
    out[found] = vectors
    return out

