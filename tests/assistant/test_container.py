"""The composition root types every service it builds (no ``Any`` standing for a service)."""

from __future__ import annotations

import typing
from functools import cached_property

from assistant import container as root


def test_every_service_of_the_container_has_a_concrete_type() -> None:
    hints_ns = {**vars(root)}
    typing_ns = {}
    for name in ("Embeddings", "Searcher", "Indexer", "ChromaVectorStore"):
        module = {"Embeddings": "langchain_core.embeddings", "Searcher": "retrieval.hybrid",
                  "Indexer": "retrieval.indexer", "ChromaVectorStore": "retrieval.vector_store"}[name]
        typing_ns[name] = getattr(__import__(module, fromlist=[name]), name)
    properties = {n: p for n, p in vars(root.Container).items() if isinstance(p, cached_property)}
    assert len(properties) >= 20
    for name, prop in properties.items():
        hint = typing.get_type_hints(prop.func, {**hints_ns, **typing_ns})["return"]
        assert hint is not typing.Any, name
        assert isinstance(hint, type), f"{name}: {hint!r}"
