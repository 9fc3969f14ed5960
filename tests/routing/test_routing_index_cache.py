"""What the router derives from the past items is cached on disk and equals a fresh build."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from assistant.routing.index_cache import fitted_vectorizer, vote_index
from assistant.routing.items import load_items
from assistant.routing.semantic import LazyE5, semantic_text
from tests.support import SHIPPED, shipped_catalogue

ITEMS = SHIPPED.items_path


def test_vectorizer_cache_round_trip_and_rebuild(tmp_path: Path) -> None:
    rows, catalogue = load_items(ITEMS)[:300], shipped_catalogue()
    fresh = fitted_vectorizer(rows, catalogue, ITEMS, cache_dir=None)
    first = fitted_vectorizer(rows, catalogue, ITEMS, cache_dir=tmp_path)
    assert len(list(tmp_path.glob("router-items-*.npz"))) == 1
    cached = fitted_vectorizer(rows, catalogue, ITEMS, cache_dir=tmp_path)
    assert first.vocab == fresh.vocab == cached.vocab and np.allclose(cached.idf, fresh.idf)
    edited = dataclasses.replace(catalogue, units=catalogue.units[:-1])
    fitted_vectorizer(rows, edited, ITEMS, cache_dir=tmp_path)  # other unit profiles: another file
    files = sorted(tmp_path.glob("router-items-*.npz"))
    assert len(files) == 2
    for path in files:
        path.write_bytes(b"not an npz")
    again = fitted_vectorizer(rows, catalogue, ITEMS, cache_dir=tmp_path)
    assert again.vocab == fresh.vocab


def test_vote_index_cache_round_trip(tmp_path: Path) -> None:
    rows, catalogue = load_items(ITEMS)[:200], shipped_catalogue()
    e5 = LazyE5()
    fresh = vote_index(rows, catalogue, ITEMS, e5.space_id, cache_dir=None)
    vote_index(rows, catalogue, ITEMS, e5.space_id, cache_dir=tmp_path)
    assert len(list(tmp_path.glob("router-votes-*.npz"))) == 1
    cached = vote_index(rows, catalogue, ITEMS, e5.space_id, cache_dir=tmp_path)
    assert cached.ids == fresh.ids and np.allclose(cached.vectors, fresh.vectors)
    assert (np.abs(fresh.vectors).sum(axis=1) > 0).mean() > 0.95  # shipped passage vectors were found
    query = rows[0]["title"] + "，建议有关部门尽快处理"
    vector = e5.embed_array([semantic_text(query)], query=True)[0]
    assert [s.item_id for s in cached.similar(query, 5, vector)] == [s.item_id for s in fresh.similar(query, 5, vector)]
