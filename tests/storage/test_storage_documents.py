"""SqlDocumentStore: the DocumentStore contract on real SQLite and PostgreSQL, plus file ingestion."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import select

from assistant.storage.db import Database
from assistant.storage.documents import SqlDocumentStore, sha256_file
from assistant.storage.orm import IngestBatch
from assistant.storage.repositories import IngestRepository
from retrieval.documents import Document, DocumentStore, MemoryDocumentStore


def _doc(doc_id: str, text: str = "正文", **extra: object) -> Document:
    fields: dict[str, object] = {"kind": "item", "title": f"标题 {doc_id}", "text": text}
    fields.update(extra)
    return Document(doc_id=doc_id, **fields)  # type: ignore[arg-type]


def test_satisfies_the_protocol(db: Database) -> None:
    store: DocumentStore = SqlDocumentStore(db.sessions)
    assert store.count() == 0


def test_upsert_returns_only_added_or_changed_ids(db: Database) -> None:
    store = SqlDocumentStore(db.sessions, batch_size=3)  # several batches
    docs = [_doc(f"item-{i}") for i in range(10)]

    assert store.upsert(docs) == [d.doc_id for d in docs]
    assert store.upsert(docs) == []
    assert store.count() == 10

    changed = [*docs[:4], _doc("item-5", text="修改后的正文"), *docs[6:], _doc("item-new")]
    assert store.upsert(changed) == ["item-5", "item-new"]
    assert store.get_many(["item-5"])["item-5"].text == "修改后的正文"
    assert store.count() == 11


def test_upsert_of_a_repeated_id_keeps_the_last_copy(db: Database) -> None:
    store = SqlDocumentStore(db.sessions)
    assert store.upsert([_doc("a", "第一版"), _doc("b"), _doc("a", "第二版")]) == ["a", "b"]
    assert store.get_many(["a"])["a"].text == "第二版"
    assert store.upsert([_doc("a", "第二版")]) == []


def test_round_trip_of_every_field(db: Database) -> None:
    store = SqlDocumentStore(db.sessions)
    policy = Document(
        doc_id="law:广州市养犬管理条例#第十条",
        kind="policy",
        title="广州市养犬管理条例",
        text="携犬出户时，应当为犬只束犬链……",
        year=2019,
        region="广州",
        article="第十条",
        reply=None,
        source="法规库.xlsx",
        meta={"章": "第二章 养犬登记", "tags": ["养犬", "文明"], "weight": 0.5, "n": 3, "nested": {"是": True}},
    )
    store.upsert([policy])
    loaded = store.get_many([policy.doc_id])[policy.doc_id]
    assert loaded == policy
    assert loaded.content_hash() == policy.content_hash()


def test_get_many_skips_missing_ids(db: Database) -> None:
    store = SqlDocumentStore(db.sessions, batch_size=2)
    store.upsert([_doc("x1"), _doc("x2"), _doc("x3")])
    found = store.get_many(["x3", "missing", "x1", "x3"])
    assert list(found) == ["x3", "x1"]
    assert found["x1"].title == "标题 x1"
    assert store.get_many([]) == {}


def test_fingerprints_are_the_content_hashes(db: Database) -> None:
    store = SqlDocumentStore(db.sessions)
    docs = [_doc("f1"), _doc("f2", year=2024, region="广州", meta={"来源": "网站"})]
    store.upsert(docs)
    assert store.fingerprints() == {d.doc_id: d.content_hash() for d in docs}


def test_iter_all_pages_in_code_point_order(db: Database) -> None:
    # Mixed case, '-' vs '_', CJK and punctuation: a linguistic collation would order these differently.
    ids = ["item_1", "item-10", "Item-2", "a", "B", "law:x#第二条", "法规#第十条", "proposal-2024-001", "z", "Z"]
    store = SqlDocumentStore(db.sessions)
    store.upsert(_doc(i) for i in ids)
    for page_size in (1, 2, 3, 5, 10, 1000):
        assert [d.doc_id for d in store.iter_all(batch_size=page_size)] == sorted(ids)


def test_delete_counts_removed_documents(db: Database) -> None:
    store = SqlDocumentStore(db.sessions, batch_size=2)
    store.upsert([_doc("d1"), _doc("d2"), _doc("d3")])
    assert store.delete(["d1", "d3", "d3", "nope"]) == 2
    assert store.delete([]) == 0
    assert store.count() == 1
    assert set(store.fingerprints()) == {"d2"}
    # A deleted document comes back as "added".
    assert store.upsert([_doc("d1"), _doc("d2")]) == ["d1"]


def test_same_operations_as_the_memory_store(db: Database) -> None:
    sql_store, memory = SqlDocumentStore(db.sessions, batch_size=4), MemoryDocumentStore()
    steps = [
        [_doc(f"p{i}", kind="proposal", year=2020 + i % 3) for i in range(9)],
        [_doc("p1", kind="proposal", year=2021), _doc("p2", kind="proposal", text="改"), _doc("q")],
    ]
    for step in steps:
        assert sql_store.upsert(step) == memory.upsert(step)
    assert sql_store.delete(["p3", "p4"]) == memory.delete(["p3", "p4"])
    assert sql_store.fingerprints() == memory.fingerprints()
    assert list(sql_store.iter_all(batch_size=3)) == list(memory.iter_all())
    assert sql_store.count() == memory.count()


def test_ingest_file_records_rows_and_skips_a_known_file(db: Database, tmp_path: Path) -> None:
    source = tmp_path / "往期提案.csv"
    source.write_text("标题,正文\n甲,一\n乙,二\n", encoding="utf-8")
    sha = sha256_file(source)
    store = SqlDocumentStore(db.sessions, batch_size=2)
    rows = [(2, _doc("p-1")), (3, _doc("p-2")), (3, _doc("p-2b")), (5, _doc("p-3"))]
    errors = [{"row": 4, "error": "缺少正文"}]

    first = store.ingest_file(file_sha256=sha, file_name=source.name, kind="proposal", rows=rows, errors=errors)
    assert not first.already_ingested
    assert (first.rows_ok, first.rows_failed, first.documents) == (3, 1, 4)
    assert first.changed_ids == ["p-1", "p-2", "p-2b", "p-3"]

    again = store.ingest_file(file_sha256=sha, file_name=source.name, kind="proposal", rows=rows, errors=errors)
    assert again.already_ingested
    assert again.batch_id == first.batch_id
    assert again.changed_ids == []

    # Another file with the same documents: a new batch, but nothing added or changed.
    other = store.ingest_file(file_sha256="0" * 64, file_name="copy.csv", kind="proposal", rows=rows[:2])
    assert not other.already_ingested
    assert other.changed_ids == []
    assert store.count() == 4

    with db.session() as s:
        ingest = IngestRepository(s)
        batches = s.scalars(select(IngestBatch).order_by(IngestBatch.id)).all()
        assert [(b.file_name, b.rows_ok, b.rows_failed) for b in batches] == [
            ("往期提案.csv", 3, 1),
            ("copy.csv", 2, 0),
        ]
        assert batches[0].errors == errors
        assert [(r.row_no, r.entity_id, r.changed) for r in ingest.rows(first.batch_id)] == [
            (2, "p-1", True),
            (3, "p-2", True),
            (3, "p-2b", True),
            (5, "p-3", True),
        ]
        assert [(r.row_no, r.changed) for r in ingest.rows(other.batch_id)] == [(2, False), (3, False)]
        origins = ingest.origins("document", "p-2")
        assert [(batch.file_name, row_no) for batch, row_no in origins] == [("往期提案.csv", 3), ("copy.csv", 3)]


def test_record_batch_for_the_ingest_service(db: Database) -> None:
    store = SqlDocumentStore(db.sessions)
    report = SimpleNamespace(
        sha256="ab" * 32,
        kind="items",
        file="/data/留言.xlsx",
        rows_ok=10,
        errors=[SimpleNamespace(line=7, message="缺少标题")],
    )
    batch_id = store.record_batch(report)
    assert store.record_batch(report) == batch_id
    batch = store.find_batch("ab" * 32, "items")
    assert batch is not None
    assert (batch.id, batch.rows_ok, batch.rows_failed) == (batch_id, 10, 1)
    assert batch.errors == [{"line": 7, "message": "缺少标题"}]
    assert store.find_batch("ab" * 32, "policies") is None
