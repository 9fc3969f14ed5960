"""The fitted item index is cached on disk and gives the same routing as a fresh fit."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.routing.index_cache import fitted_items
from assistant.routing.items import load_items
from tests.support import SHIPPED, shipped_catalogue

ITEMS = SHIPPED.items_path


def test_cache_round_trip_matches_a_fresh_fit(tmp_path: Path) -> None:
    rows, catalogue = load_items(ITEMS)[:300], shipped_catalogue()
    fresh_vec, fresh = fitted_items(rows, catalogue, ITEMS, cache_dir=None)
    first_vec, first = fitted_items(rows, catalogue, ITEMS, cache_dir=tmp_path)
    files = list(tmp_path.glob("router-items-*.npz"))
    assert len(files) == 1
    cached_vec, cached = fitted_items(rows, catalogue, ITEMS, cache_dir=tmp_path)
    assert first_vec.vocab == fresh_vec.vocab and (first.matrix != fresh.matrix).nnz == 0
    assert cached_vec.vocab == fresh_vec.vocab and np.allclose(cached_vec.idf, fresh_vec.idf)
    assert (cached.matrix != fresh.matrix).nnz == 0 and cached.units == fresh.units
    query = "小区门口的道路坑洼不平，下雨积水，建议尽快修缮"
    assert [s.item_id for s in cached.similar(query, 5)] == [s.item_id for s in fresh.similar(query, 5)]


def test_a_changed_catalogue_or_a_broken_file_rebuilds(tmp_path: Path) -> None:
    import dataclasses

    rows, catalogue = load_items(ITEMS)[:100], shipped_catalogue()
    fitted_items(rows, catalogue, ITEMS, cache_dir=tmp_path)
    edited = dataclasses.replace(catalogue, units=catalogue.units[:-1])
    fitted_items(rows, edited, ITEMS, cache_dir=tmp_path)
    files = sorted(tmp_path.glob("router-items-*.npz"))
    assert len(files) == 2
    for path in files:
        path.write_bytes(b"not an npz")
    _, index = fitted_items(rows, catalogue, ITEMS, cache_dir=tmp_path)
    assert index is not None and len(index.ids) == len(rows)
    _, again = fitted_items(rows, catalogue, ITEMS, cache_dir=tmp_path)  # the rebuilt cache is readable again
    assert (again.matrix != index.matrix).nnz == 0
