"""Load the shipped corpus (``corpus/data/*.jsonl.gz``, built by ``corpus/build.py``) as Documents."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from retrieval.documents import DocKind, Document

SHIPPED_FILES: dict[str, str] = {"item": "items.jsonl.gz", "policy": "policies.jsonl.gz"}
"""Which file holds each shipped document kind."""

ALL_FILES: tuple[str, ...] = (
    "items.jsonl.gz",
    "policies.jsonl.gz",
    "labelled_titles.jsonl.gz",
    "labelled_texts.jsonl.gz",
    "labelled_full.jsonl.gz",
    "taxonomy.jsonl.gz",
)


def shipped_data_dir(corpus_dir: Path) -> Path:
    """The folder holding the .jsonl.gz files: ``corpus_dir/data`` if it exists, else ``corpus_dir``."""
    corpus_dir = Path(corpus_dir)
    data = corpus_dir / "data"
    if (data / SHIPPED_FILES["item"]).exists() or not (corpus_dir / SHIPPED_FILES["item"]).exists():
        return data
    return corpus_dir


def load_jsonl_gz(path: Path) -> Iterator[dict[str, Any]]:
    """Records of a gzip-compressed JSONL file, one dict per non-empty line."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def item_document(rec: dict[str, Any]) -> Document:
    """A past citizen message (with the government's reply if any) as a Document."""
    meta = {
        "msg_id": rec["msg_id"],
        "time": rec.get("time"),
        "likes": rec.get("likes"),
        "opposes": rec.get("opposes"),
        "reply_time": rec.get("reply_time"),
    }
    if rec.get("dup_ids"):
        meta["dup_ids"] = rec["dup_ids"]
    return Document(
        doc_id=rec["id"],
        kind="item",
        title=rec["title"],
        text=rec["text"],
        year=rec.get("year"),
        region=rec.get("region"),
        reply=rec.get("reply"),
        source=rec.get("source"),
        meta=meta,
    )


def policy_document(rec: dict[str, Any]) -> Document:
    """One article of a law, regulation or policy document as a Document."""
    return Document(
        doc_id=rec["id"],
        kind="policy",
        title=rec["title"],
        text=rec["text"],
        year=rec.get("year"),
        region=rec.get("region"),
        article=rec.get("article"),
        source=rec.get("source"),
        meta={
            "law_id": rec["law_id"],
            "category": rec.get("category"),
            "chapter": rec.get("chapter"),
            "version_date": rec.get("version_date"),
        },
    )


_BUILDERS = {"item": item_document, "policy": policy_document}


def load_shipped_documents(corpus_dir: Path, kinds: Iterable[DocKind] = ("item", "policy")) -> Iterator[Document]:
    """Every shipped document of the given kinds (items first, then policies, in file order)."""
    data = shipped_data_dir(corpus_dir)
    for kind in kinds:
        if kind not in SHIPPED_FILES:
            raise ValueError(f"no shipped documents of kind {kind!r}")
        build = _BUILDERS[kind]
        for rec in load_jsonl_gz(data / SHIPPED_FILES[kind]):
            yield build(rec)


def shipped_counts(corpus_dir: Path) -> dict[str, int]:
    """Rows per shipped file (file stem -> count); missing files are left out."""
    data = shipped_data_dir(corpus_dir)
    counts: dict[str, int] = {}
    for name in ALL_FILES:
        path = data / name
        if path.exists():
            with gzip.open(path, "rb") as fh:
                counts[name.removesuffix(".jsonl.gz")] = sum(1 for line in fh if line.strip())
    return counts
