"""Near-duplicate ideas and past items, grouped for "1+N" joint handling (one lead, N related)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix

from assistant.accounts import UserSession, require_role
from assistant.staff.models import ClusterMember, ClusterReport, DuplicateCluster
from assistant.staff.sources import TextRecord, idea_records, item_records
from assistant.staff.textsim import DUPLICATE_THRESHOLD, BigramSets, UnionFind, jaccard, similar_pairs
from assistant.storage.enums import Role
from assistant.storage.texts import TextStore


@dataclass
class CorpusSnapshot:
    """Past items with their bigram matrix; pairs among them are computed once, on first use."""

    fingerprint: str
    records: list[TextRecord]
    sets: BigramSets
    matrix: csr_matrix
    sizes: np.ndarray
    pairs: list[tuple[int, int, float]] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class CorpusSimilarity:
    """Near-duplicate look-ups against the past items in the database (rebuilt when they change)."""

    def __init__(self, texts: TextStore, threshold: float = DUPLICATE_THRESHOLD) -> None:
        self.texts = texts
        self.threshold = threshold
        self._lock = threading.Lock()
        self._snapshot: CorpusSnapshot | None = None

    def snapshot(self) -> CorpusSnapshot:
        """The current past items and their bigram matrix."""
        fingerprint = self.texts.item_fingerprint()
        with self._lock:
            if self._snapshot is None or self._snapshot.fingerprint != fingerprint:
                records = item_records(self.texts)
                sets = BigramSets()
                matrix, sizes = sets.matrix([r.full_text for r in records])
                self._snapshot = CorpusSnapshot(fingerprint, records, sets, matrix, sizes)
            return self._snapshot

    def item_pairs(self, snap: CorpusSnapshot) -> list[tuple[int, int, float]]:
        """Near-duplicate pairs among the past items (i < j)."""
        with snap.lock:
            if snap.pairs is None:
                snap.pairs = similar_pairs(snap.matrix, snap.sizes, snap.matrix, snap.sizes, self.threshold, same=True)
            return snap.pairs

    def against_items(self, texts: Sequence[str], snap: CorpusSnapshot) -> list[tuple[int, int, float]]:
        """(text index, item index, similarity) for texts that nearly duplicate a past item."""
        if not texts or not snap.records:
            return []
        matrix, sizes = snap.sets.matrix(texts, grow=False)
        return similar_pairs(matrix, sizes, snap.matrix, snap.sizes, self.threshold)

    def among(self, texts: Sequence[str]) -> list[tuple[int, int, float]]:
        """(i, j, similarity), i < j, for near-duplicate pairs within ``texts``."""
        if len(texts) < 2:
            return []
        matrix, sizes = BigramSets().matrix(texts)
        return similar_pairs(matrix, sizes, matrix, sizes, self.threshold, same=True)

    def between(self, left: Sequence[str], right: Sequence[str]) -> list[tuple[int, int, float]]:
        """(i, j, similarity) for left[i] nearly duplicating right[j]."""
        if not left or not right:
            return []
        sets = BigramSets()
        rmatrix, rsizes = sets.matrix(right)
        lmatrix, lsizes = sets.matrix(left)
        return similar_pairs(lmatrix, lsizes, rmatrix, rsizes, self.threshold)


class DuplicateClusters:
    """Clusters of near-duplicate ideas and past items: union-find over pairs at or above the threshold."""

    def __init__(self, texts: TextStore, similarity: CorpusSimilarity) -> None:
        self.texts = texts
        self.similarity = similarity

    def clusters(self, actor: UserSession | None, *, with_items: bool = True, only_with_ideas: bool = False,
                 limit: int = 50) -> ClusterReport:
        """Clusters (largest first; those holding ideas first), each with a lead and related members (staff only)."""
        require_role(actor, Role.STAFF)
        ideas = idea_records(self.texts)
        snap = self.similarity.snapshot() if with_items else None
        items = snap.records if snap else []
        m = len(ideas)
        uf = UnionFind(m + len(items))
        for i, j, _ in self.similarity.among([r.full_text for r in ideas]):
            uf.union(i, j)
        if snap is not None:
            for i, j, _ in self.similarity.against_items([r.full_text for r in ideas], snap):
                uf.union(i, m + j)
            for i, j, _ in self.similarity.item_pairs(snap):
                uf.union(m + i, m + j)
        records = ideas + items
        built = [self._cluster(0, [records[k] for k in group]) for group in uf.groups()]
        if only_with_ideas:
            built = [c for c in built if c.lead.kind == "idea" or any(r.kind == "idea" for r in c.related)]
        built.sort(key=_latest_date, reverse=True)  # stable: newest first within the same kind and size
        built.sort(key=lambda c: (c.lead.kind != "idea", -c.size))
        numbered = [c.model_copy(update={"cluster_id": n}) for n, c in enumerate(built[:limit], start=1)]
        return ClusterReport(
            clusters=numbered, total=len(built), ideas=m, items=len(items), threshold=self.similarity.threshold
        )

    @staticmethod
    def _cluster(cluster_id: int, members: list[TextRecord]) -> DuplicateCluster:
        lead = min(members, key=_lead_key)
        related = [r for r in members if r is not lead]
        scored = sorted(((jaccard(lead.full_text, r.full_text), r) for r in related), key=lambda p: -p[0])
        return DuplicateCluster(
            cluster_id=cluster_id,
            lead=_member(lead, 1.0, True),
            related=[_member(r, s, False) for s, r in scored],
        )


def _lead_key(record: TextRecord) -> tuple[int, str, int, str]:
    """Ideas before past items; then the earliest (unknown dates last)."""
    return (0 if record.kind == "idea" else 1, record.date or "9999", record.idea_id or 0, record.key)


def _latest_date(cluster: DuplicateCluster) -> str:
    return max((m.date or "" for m in [cluster.lead, *cluster.related]), default="")


def _member(record: TextRecord, similarity: float, is_lead: bool) -> ClusterMember:
    return ClusterMember(
        kind=record.kind, ref=record.key, title=record.title or record.text[:30], date=record.date,
        similarity=round(similarity, 3), is_lead=is_lead, idea_id=record.idea_id,
    )
