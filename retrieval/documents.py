"""Documents that retrieval indexes, the hits it returns, and the store it reads documents from."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field

DocKind = Literal["item", "policy", "proposal"]
"""item: a past citizen message (with the government's reply when there is one);
policy: one article of a law, regulation or policy document; proposal: a past proposal."""

DOC_KINDS: tuple[DocKind, ...] = ("item", "policy", "proposal")


class Document(BaseModel):
    """One retrievable unit: a past item, a past proposal, or one article of a policy document."""

    doc_id: str = Field(description="Stable id, unique across kinds (e.g. item-2549, law:<slug>#第十条).")
    kind: DocKind
    title: str = Field(description="Message subject, proposal title, or the law's title.")
    text: str = Field(description="Body: message detail, proposal text, or the article's text.")
    year: int | None = Field(default=None, description="Year of the message/proposal or of the law's version.")
    region: str | None = Field(default=None, description="Region (e.g. 广东, 广州, 全国, A市).")
    article: str | None = Field(default=None, description="Article number for policies, e.g. 第十条.")
    reply: str | None = Field(default=None, description="What the government replied (items), if anything.")
    source: str | None = Field(default=None, description="Where it came from (file or dataset name).")
    meta: dict[str, Any] = Field(default_factory=dict, description="Further fields kept for display.")

    def content_hash(self) -> str:
        """A hash of everything that affects indexing or display; equal hash = nothing to re-index."""
        payload = self.model_dump(mode="json")
        raw = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return hashlib.sha1(raw).hexdigest()

    def index_text(self) -> str:
        """The text both retrievers see: title then body."""
        return f"{self.title}\n{self.text}"

    def citation(self) -> str:
        """How a user cites it, saying where it comes from: 《title》第X条 for policies (with a warning when the
        rule is another place's), the origin label, title and id otherwise (e.g. 外地类似留言（A市，2019年）「…」)."""
        from retrieval.origins import origin_of

        origin = origin_of(self)
        if self.kind == "policy":
            base = f"《{self.title}》{self.article or ''}"
            return base if origin.applies_to_guangzhou else f"{base}（{origin.jurisdiction}法规，不适用于广州）"
        return f"{origin.label}「{self.title}」({self.doc_id})"


class Origin(BaseModel):
    """Jurisdiction and provenance of a document."""

    jurisdiction: str = Field(
        description="外地 / 广州市 / 本系统 for messages and proposals; 全国 / 广东省 / 广州市 / "
        "another province or city for policies."
    )
    place: str | None = Field(default=None, description="Region as recorded (A市, 西地省, 深圳 …).")
    year: int | None = None
    applies_to_guangzhou: bool = Field(
        description="Whether the document speaks for Guangzhou (a rule in force "
        "there, or a message/proposal from there)."
    )
    label: str = Field(description="Chinese label to show, e.g. 外地类似留言（A市，2019年）.")


class Hit(BaseModel):
    """One search result, ready to show or to serialise."""

    doc_id: str
    kind: DocKind
    title: str
    snippet: str = Field(description="A short excerpt around the matched terms, matched terms in 【】.")
    score: float = Field(description="Fused (or single-retriever) score; higher is better.")
    citation: str
    matched_terms: list[str] = Field(default_factory=list)
    year: int | None = None
    region: str | None = None
    article: str | None = None
    reply: str | None = Field(default=None, description="The government's reply for items, if any.")
    similarity: float | None = Field(
        default=None, description="Cosine of query and passage vectors (e5; compressed, ~0.8-0.95); None without."
    )
    relevance: float | None = Field(
        default=None, description="Probability (0..1) that the hit is about the same thing (retrieval.relevance)."
    )
    relevant: bool = Field(
        default=True, description="Above the relevance floor: safe to show as similar or to cite as a reference."
    )
    origin: Origin | None = Field(default=None, description="Jurisdiction, year and a Chinese label to show.")


class SearchFilters(BaseModel):
    """Restrict a search by kind, year range and region."""

    kinds: list[DocKind] | None = None
    year_from: int | None = None
    year_to: int | None = None
    regions: list[str] | None = None

    def accepts(self, kind: str, year: int | None, region: str | None) -> bool:
        """Whether a document with these attributes passes the filters."""
        if self.kinds and kind not in self.kinds:
            return False
        if self.year_from is not None and (year is None or year < self.year_from):
            return False
        if self.year_to is not None and (year is None or year > self.year_to):
            return False
        return not (self.regions and region not in self.regions)


class DocumentStore(Protocol):
    """Where documents live (the SQL database in the app; a dict in some tests)."""

    def upsert(self, docs: Iterable[Document]) -> list[str]:
        """Insert new documents and replace changed ones; return the ids that were added or changed."""
        ...

    def get_many(self, doc_ids: Sequence[str]) -> dict[str, Document]:
        """Documents by id (missing ids are simply absent)."""
        ...

    def fingerprints(self) -> dict[str, str]:
        """doc_id -> content hash of every stored document."""
        ...

    def iter_all(self, batch_size: int = 1000) -> Iterator[Document]:
        """Every stored document, in doc_id order."""
        ...

    def delete(self, doc_ids: Sequence[str]) -> int:
        """Remove documents; return how many were removed."""
        ...

    def count(self) -> int:
        """How many documents are stored."""
        ...


class MemoryDocumentStore:
    """A DocumentStore in a dict, for tests and benchmarks."""

    def __init__(self) -> None:
        self._docs: dict[str, Document] = {}
        self._hashes: dict[str, str] = {}

    def upsert(self, docs: Iterable[Document]) -> list[str]:
        changed: list[str] = []
        for doc in docs:
            digest = doc.content_hash()
            if self._hashes.get(doc.doc_id) != digest:
                self._docs[doc.doc_id] = doc
                self._hashes[doc.doc_id] = digest
                changed.append(doc.doc_id)
        return changed

    def get_many(self, doc_ids: Sequence[str]) -> dict[str, Document]:
        return {i: self._docs[i] for i in doc_ids if i in self._docs}

    def fingerprints(self) -> dict[str, str]:
        return dict(self._hashes)

    def iter_all(self, batch_size: int = 1000) -> Iterator[Document]:
        for doc_id in sorted(self._docs):
            yield self._docs[doc_id]

    def delete(self, doc_ids: Sequence[str]) -> int:
        removed = 0
        for doc_id in doc_ids:
            if self._docs.pop(doc_id, None) is not None:
                self._hashes.pop(doc_id, None)
                removed += 1
        return removed

    def count(self) -> int:
        return len(self._docs)
