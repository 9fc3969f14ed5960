from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from retrieval.documents import Document, MemoryDocumentStore
from retrieval.embeddings import E5Embeddings
from retrieval.hybrid import Searcher
from retrieval.index_files import MANIFEST
from retrieval.indexer import Indexer
from retrieval.vector_store import ChromaVectorStore, make_chroma_client
from tests.retrieval.conftest import OtherSpaceEmbeddings

REPO = Path(__file__).resolve().parents[2]


def make_indexer(root: Path, embeddings: E5Embeddings) -> Indexer:
    return Indexer(root / "index", ChromaVectorStore(make_chroma_client(root / "chroma"), embeddings))


def test_first_sync_then_noop_resync(tmp_path: Path, store: MemoryDocumentStore, embeddings: E5Embeddings) -> None:
    indexer = make_indexer(tmp_path, embeddings)
    assert not indexer.is_ready()
    first = indexer.sync(store, progress=False)
    assert (first.added, first.changed, first.removed) == (store.count(), 0, 0)
    assert first.tokenised == first.embedded == store.count()
    assert first.bm25_rebuilt
    assert indexer.is_ready()

    second = indexer.sync(store, progress=False)
    assert (second.added, second.changed, second.removed) == (0, 0, 0)
    assert second.unchanged == store.count()
    assert second.tokenised == second.embedded == 0
    assert not second.bm25_rebuilt

    status = indexer.status()
    assert status.ready and status.documents == store.count() == status.vectors
    assert status.space_id == embeddings.space_id and status.generation == 1


def test_add_change_delete_are_incremental(
    tmp_path: Path, store: MemoryDocumentStore, docs: list[Document], embeddings: E5Embeddings
) -> None:
    indexer = make_indexer(tmp_path, embeddings)
    indexer.sync(store, progress=False)
    searcher = Searcher(store, tmp_path / "index", indexer.vector_store)

    store.upsert(
        [
            Document(
                doc_id="item-9", kind="item", title="菜市场环境脏乱", text="农贸市场地面积水，垃圾没人清理。", year=2024
            ),
            docs[0].model_copy(update={"title": "小区停车位不足", "text": "小区停车位严重不足，晚上车辆乱停。"}),
        ]
    )
    store.delete(["item-3"])
    report = indexer.sync(store, progress=False)
    assert (report.added, report.changed, report.removed) == (1, 1, 1)
    assert report.tokenised == report.embedded == 2
    assert indexer.vector_store.count() == store.count()

    for mode in ("bm25", "dense", "hybrid"):
        assert searcher.search("农贸市场垃圾", k=1, mode=mode)[0].doc_id == "item-9"  # type: ignore[arg-type]
        assert "item-3" not in [h.doc_id for h in searcher.search("共享单车人行道", k=10, mode=mode)]  # type: ignore[arg-type]
    changed = searcher.search("停车位不足", k=1, mode="bm25")[0]
    assert changed.doc_id == "item-1" and changed.title == "小区停车位不足"
    assert all(h.doc_id != "item-1" for h in searcher.search("加装电梯审批", k=10, mode="bm25"))

    again = indexer.sync(store, progress=False)
    assert (again.added, again.changed, again.removed, again.tokenised) == (0, 0, 0, 0)


def test_metadata_change_updates_filters(
    tmp_path: Path, store: MemoryDocumentStore, docs: list[Document], embeddings: E5Embeddings
) -> None:
    from retrieval.documents import SearchFilters

    indexer = make_indexer(tmp_path, embeddings)
    indexer.sync(store, progress=False)
    store.upsert([docs[2].model_copy(update={"region": "广州"})])
    assert indexer.sync(store, progress=False).changed == 1
    searcher = Searcher(store, tmp_path / "index", indexer.vector_store)
    for mode in ("bm25", "dense"):
        hits = searcher.search("共享单车", k=3, filters=SearchFilters(regions=["广州"]), mode=mode)  # type: ignore[arg-type]
        assert hits[0].doc_id == "item-3", mode


def test_empty_store_and_emptied_store(
    tmp_path: Path, store: MemoryDocumentStore, embeddings: E5Embeddings
) -> None:
    indexer = make_indexer(tmp_path, embeddings)
    report = indexer.sync(MemoryDocumentStore(), progress=False)
    assert report.documents == 0 and indexer.is_ready()
    indexer.sync(store, progress=False)
    removed = store.count()
    store.delete(list(store.fingerprints()))
    report = indexer.sync(store, progress=False)
    assert report.removed == removed and report.documents == 0
    assert len(indexer.load_bm25()) == 0
    assert indexer.vector_store.count() == 0
    assert Searcher(store, tmp_path / "index", indexer.vector_store).search("河涌", k=5) == []


def test_persistence_across_instances(tmp_path: Path, store: MemoryDocumentStore, embeddings: E5Embeddings) -> None:
    make_indexer(tmp_path, embeddings).sync(store, progress=False)
    fresh = make_indexer(tmp_path, E5Embeddings())
    assert fresh.is_ready()
    assert fresh.sync(store, progress=False).tokenised == 0
    hits = Searcher(store, tmp_path / "index", fresh.vector_store).search("长者饭堂菜价", k=1)
    assert hits[0].doc_id == "item-4"


def test_persistence_across_processes(
    tmp_path: Path, store: MemoryDocumentStore, docs: list[Document], embeddings: E5Embeddings
) -> None:
    make_indexer(tmp_path, embeddings).sync(store, progress=False)
    (tmp_path / "docs.json").write_text(
        json.dumps([d.model_dump(mode="json") for d in docs], ensure_ascii=False), encoding="utf-8"
    )
    script = textwrap.dedent(
        f"""
        import json, sys
        from pathlib import Path
        from retrieval.documents import Document, MemoryDocumentStore
        from retrieval.embeddings import E5Embeddings
        from retrieval.hybrid import Searcher
        from retrieval.indexer import Indexer
        from retrieval.vector_store import ChromaVectorStore, make_chroma_client
        root = Path({str(tmp_path)!r})
        store = MemoryDocumentStore()
        store.upsert(Document(**d) for d in json.loads((root / "docs.json").read_text(encoding="utf-8")))
        vs = ChromaVectorStore(make_chroma_client(root / "chroma"), E5Embeddings())
        report = Indexer(root / "index", vs).sync(store, progress=False)
        hits = Searcher(store, root / "index", vs).search("河涌黑臭", k=1, mode="dense")
        print(json.dumps({{"tokenised": report.tokenised, "top": hits[0].doc_id, "vectors": vs.count()}}))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120, check=True
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"tokenised": 0, "top": "item-2", "vectors": store.count()}


def test_recovers_when_the_manifest_was_never_written(
    tmp_path: Path, store: MemoryDocumentStore, embeddings: E5Embeddings
) -> None:
    """A crash after the vectors went in but before the commit: the next sync redoes the work cleanly."""
    indexer = make_indexer(tmp_path, embeddings)
    indexer.sync(store, progress=False)
    (tmp_path / "index" / MANIFEST).unlink()
    store.delete(["item-2"])  # removed while "crashed": its vector must not linger
    assert not indexer.is_ready()
    report = indexer.sync(store, progress=False)
    assert report.added == store.count()
    assert indexer.is_ready()
    assert indexer.vector_store.all_ids() == set(store.fingerprints())
    assert indexer.sync(store, progress=False).added == 0


def test_repairs_a_wiped_vector_store(tmp_path: Path, store: MemoryDocumentStore, embeddings: E5Embeddings) -> None:
    indexer = make_indexer(tmp_path, embeddings)
    indexer.sync(store, progress=False)
    indexer.vector_store.drop()
    report = indexer.sync(store, progress=False)
    assert report.embedded == store.count() and report.tokenised == store.count()
    assert indexer.vector_store.count() == store.count()


def test_new_embedding_space_reembeds_without_touching_bm25(
    tmp_path: Path, store: MemoryDocumentStore, embeddings: E5Embeddings
) -> None:
    make_indexer(tmp_path, embeddings).sync(store, progress=False)
    other = make_indexer(tmp_path, OtherSpaceEmbeddings())
    assert not other.is_ready()
    report = other.sync(store, progress=False)
    assert report.embedded == store.count() and not report.bm25_rebuilt
    assert other.is_ready() and other.vector_store.count() == store.count()
    hits = Searcher(store, tmp_path / "index", other.vector_store).search("河涌黑臭", k=1, mode="dense")
    assert hits[0].doc_id == "item-2"


def test_progress_bar_can_be_shown(
    tmp_path: Path, store: MemoryDocumentStore, embeddings: E5Embeddings, capsys: pytest.CaptureFixture[str]
) -> None:
    make_indexer(tmp_path, embeddings).sync(store, progress=True)
    assert "indexing" in capsys.readouterr().err


def test_changed_dictionary_retokenises_but_keeps_vectors(
    tmp_path: Path, store: MemoryDocumentStore, embeddings: E5Embeddings
) -> None:
    from retrieval.tokenizer import DEFAULT_STOPWORDS, DEFAULT_USERDICT, ChineseTokenizer

    make_indexer(tmp_path, embeddings).sync(store, progress=False)
    userdict = tmp_path / "userdict.txt"
    userdict.write_text(DEFAULT_USERDICT.read_text(encoding="utf-8") + "\n菜价上涨 9000\n", encoding="utf-8")
    tokenizer = ChineseTokenizer(userdict=userdict, stopwords=DEFAULT_STOPWORDS, cache_dir=tmp_path / "jieba")
    assert tokenizer.fingerprint != make_indexer(tmp_path, embeddings).tokenizer.fingerprint
    indexer = Indexer(
        tmp_path / "index", ChromaVectorStore(make_chroma_client(tmp_path / "chroma"), embeddings), tokenizer=tokenizer
    )
    report = indexer.sync(store, progress=False)
    assert report.tokenised == store.count() and report.embedded == 0 and report.bm25_rebuilt  # vectors kept
    assert "菜价上涨" in indexer.load_bm25()._engine.vocab_dict
    assert indexer.sync(store, progress=False).tokenised == 0


def test_concurrent_syncs_are_serialised(
    tmp_path: Path, store: MemoryDocumentStore, embeddings: E5Embeddings
) -> None:
    import threading

    indexers = [make_indexer(tmp_path, embeddings) for _ in range(2)]
    reports = []
    threads = [threading.Thread(target=lambda ix=ix: reports.append(ix.sync(store, progress=False))) for ix in indexers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.added for r in reports) == [0, store.count()]
    assert indexers[0].status().generation == 1 and indexers[0].vector_store.count() == store.count()
