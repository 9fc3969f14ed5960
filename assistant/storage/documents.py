"""``SqlDocumentStore``: the retrieval ``DocumentStore`` on the ``documents`` table, plus file ingestion
that remembers which file (by SHA-256) and row produced which document."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from assistant.storage._sql import chunks, upsert_insert
from assistant.storage.db import run_write, write_session
from assistant.storage.orm import DocumentRow, IngestBatch
from assistant.storage.repositories import IngestRepository
from assistant.storage.types import utcnow
from retrieval.documents import Document

_TABLE = DocumentRow.__table__
_CONTENT_COLUMNS = ("kind", "title", "text", "year", "region", "article", "reply", "source", "meta")


def sha256_file(path: str | Path, chunk_size: int = 1 << 20) -> str:
    """SHA-256 hex of a file's bytes (the identity of an ingest batch)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while block := handle.read(chunk_size):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class IngestReport:
    """What ingesting one file did."""

    batch_id: int
    already_ingested: bool
    rows_ok: int = 0
    rows_failed: int = 0
    documents: int = 0
    changed_ids: list[str] = field(default_factory=list)


def _error_dict(error: Any) -> dict[str, Any]:
    if isinstance(error, Mapping):
        return dict(error)
    return {"line": getattr(error, "line", None), "message": str(getattr(error, "message", error))}


def _to_document(row: DocumentRow) -> Document:
    return Document(
        doc_id=row.doc_id,
        kind=row.kind,  # type: ignore[arg-type]
        title=row.title,
        text=row.text,
        year=row.year,
        region=row.region,
        article=row.article,
        reply=row.reply,
        source=row.source,
        meta=row.meta or {},
    )


class SqlDocumentStore:
    """Documents in SQL. Writes compare content hashes first, so re-upserting unchanged documents
    writes nothing and reports nothing; ``iter_all`` pages by keyset (``doc_id > last``)."""

    def __init__(self, sessions: sessionmaker[Session], *, batch_size: int = 500) -> None:
        self._sessions = sessions
        self._batch_size = batch_size

    # --- DocumentStore protocol -------------------------------------------------------------------------

    def upsert(self, docs: Iterable[Document]) -> list[str]:
        """Insert new and replace changed documents (one transaction per batch); return their ids."""
        changed: list[str] = []
        for batch in self._batches(docs):

            def work(session: Session, part: list[Document] = batch) -> list[str]:
                return self._upsert_batch(session, part)

            changed.extend(run_write(self._sessions, work))
        return list(dict.fromkeys(changed))

    def get_many(self, doc_ids: Sequence[str]) -> dict[str, Document]:
        wanted = list(dict.fromkeys(doc_ids))
        found: dict[str, Document] = {}
        with self._sessions() as session:
            for part in chunks(wanted, self._batch_size):
                for row in session.scalars(select(DocumentRow).where(DocumentRow.doc_id.in_(part))):
                    found[row.doc_id] = _to_document(row)
        return {doc_id: found[doc_id] for doc_id in wanted if doc_id in found}

    def fingerprints(self) -> dict[str, str]:
        with self._sessions() as session:
            rows = session.execute(select(DocumentRow.doc_id, DocumentRow.content_hash))
            return {doc_id: content_hash for doc_id, content_hash in rows}

    def iter_all(self, batch_size: int = 1000) -> Iterator[Document]:
        """Every document in doc_id (code point) order; each page is its own short read."""
        last: str | None = None
        while True:
            query = select(DocumentRow).order_by(DocumentRow.doc_id).limit(batch_size)
            if last is not None:
                query = query.where(DocumentRow.doc_id > last)
            with self._sessions() as session:
                page = [_to_document(row) for row in session.scalars(query)]
            yield from page
            if len(page) < batch_size:
                return
            last = page[-1].doc_id

    def delete(self, doc_ids: Sequence[str]) -> int:
        def work(session: Session) -> int:
            removed = 0
            for part in chunks(list(dict.fromkeys(doc_ids)), self._batch_size):
                result = session.execute(delete(DocumentRow).where(DocumentRow.doc_id.in_(part)))
                removed += result.rowcount or 0  # type: ignore[attr-defined]
            return removed

        return run_write(self._sessions, work)

    def count(self) -> int:
        with self._sessions() as session:
            return int(session.scalar(select(func.count()).select_from(DocumentRow)) or 0)

    # --- ingestion -----------------------------------------------------------------------------------------

    def ingest_file(
        self,
        *,
        file_sha256: str,
        file_name: str,
        kind: str,
        rows: Iterable[tuple[int, Document]],
        errors: Sequence[Mapping[str, Any]] = (),
    ) -> IngestReport:
        """Ingest the documents parsed from one file, atomically.

        ``rows`` yields (row number, document) pairs (a row may yield several documents); ``errors`` are
        rows that failed to parse, e.g. ``{"row": 7, "error": "缺少标题"}``. If this file (same SHA-256)
        was already ingested as ``kind``, nothing is written and ``already_ingested`` is True.
        """
        with write_session(self._sessions) as session:  # lock up front; ``rows`` is read once, so no retry
            ingest = IngestRepository(session)
            existing = ingest.find(file_sha256, kind)
            if existing is not None:
                return IngestReport(
                    batch_id=existing.id,
                    already_ingested=True,
                    rows_ok=existing.rows_ok,
                    rows_failed=existing.rows_failed,
                )
            batch = ingest.create(file_sha256=file_sha256, file_name=file_name, kind=kind)
            row_numbers: set[int] = set()
            changed: list[str] = []
            documents = 0
            for part in self._batches(rows):
                changed_here = set(self._upsert_batch(session, [doc for _, doc in part]))
                changed.extend(doc.doc_id for _, doc in part if doc.doc_id in changed_here)
                ingest.add_rows(
                    batch.id, [(row_no, "document", doc.doc_id, doc.doc_id in changed_here) for row_no, doc in part]
                )
                row_numbers.update(row_no for row_no, _ in part)
                documents += len(part)
            batch.rows_ok = len(row_numbers)
            batch.rows_failed = len(errors)
            batch.errors = [dict(e) for e in errors]
            session.flush()
            return IngestReport(
                batch_id=batch.id,
                already_ingested=False,
                rows_ok=batch.rows_ok,
                rows_failed=batch.rows_failed,
                documents=documents,
                changed_ids=list(dict.fromkeys(changed)),
            )

    def find_batch(self, file_sha256: str, kind: str) -> IngestBatch | None:
        """The record of an earlier ingest of this file as ``kind``, if any."""
        with self._sessions() as session:
            return IngestRepository(session).find(file_sha256, kind)

    def record_batch(self, report: Any) -> int:
        """Record a finished import done through ``upsert`` (the ingest service's ``BatchRecorder``).

        ``report`` needs ``sha256``, ``kind``, ``file``, ``rows_ok`` and ``errors`` (items with ``line``
        and ``message``). A file already recorded for that kind is not recorded again. Returns the batch id.
        """
        def work(session: Session) -> int:
            ingest = IngestRepository(session)
            existing = ingest.find(report.sha256, report.kind)
            if existing is not None:
                return int(existing.id)
            batch = ingest.create(file_sha256=report.sha256, file_name=str(report.file), kind=report.kind)
            batch.rows_ok = int(report.rows_ok)
            batch.rows_failed = len(report.errors)
            batch.errors = [_error_dict(e) for e in report.errors]
            session.flush()
            return int(batch.id)

        return run_write(self._sessions, work, retry_unique=True)

    # --- internals -------------------------------------------------------------------------------------------

    def _batches(self, items: Iterable[Any]) -> Iterator[list[Any]]:
        batch: list[Any] = []
        for item in items:
            batch.append(item)
            if len(batch) >= self._batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    def _upsert_batch(self, session: Session, docs: Sequence[Document]) -> list[str]:
        """Write the documents of one batch whose hash differs from the stored one; return their ids."""
        latest = {doc.doc_id: doc for doc in docs}  # a repeated id: the last copy wins
        hashes = {doc_id: doc.content_hash() for doc_id, doc in latest.items()}
        query = select(DocumentRow.doc_id, DocumentRow.content_hash).where(DocumentRow.doc_id.in_(list(latest)))
        stored = {doc_id: content_hash for doc_id, content_hash in session.execute(query)}
        todo = [doc_id for doc_id in latest if stored.get(doc_id) != hashes[doc_id]]
        if not todo:
            return []
        now = utcnow()
        values = [
            {
                **latest[doc_id].model_dump(mode="json", include={"doc_id", *_CONTENT_COLUMNS}),
                "content_hash": hashes[doc_id],
                "updated_at": now,
            }
            for doc_id in todo
        ]
        insert = upsert_insert(session)(_TABLE)
        statement = insert.on_conflict_do_update(
            index_elements=[_TABLE.c.doc_id],
            set_={name: insert.excluded[name] for name in (*_CONTENT_COLUMNS, "content_hash", "updated_at")},
            where=_TABLE.c.content_hash != insert.excluded.content_hash,
        )
        session.execute(statement, values)
        return todo
