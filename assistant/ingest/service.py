"""The ingest service: file -> rows -> documents -> store (idempotent) -> index sync."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, Field

from assistant.errors import InputError
from assistant.ingest.mapping import ARCHIVE_KINDS, RowProblem, resolve_columns, row_to_documents
from assistant.ingest.readers import read_rows
from retrieval.documents import Document, DocumentStore

BATCH_SIZE = 2000


class RowError(BaseModel):
    """A row that was skipped, with its line number in the file."""

    line: int
    message: str


class IngestReport(BaseModel):
    """What an import did."""

    file: str
    kind: str
    sha256: str
    rows_read: int = 0
    rows_ok: int = 0
    documents: int = Field(default=0, description="Documents the good rows produced.")
    added_or_changed: int = Field(default=0, description="Documents new to the store or changed.")
    unchanged: int = 0
    errors: list[RowError] = Field(default_factory=list)
    index_synced: bool = False


class IndexSync(Protocol):
    """Brings the search index up to date with the store."""

    def __call__(self) -> object: ...


class BatchRecorder(Protocol):
    """Keeps a record of each import (file hash, counts, errors)."""

    def __call__(self, report: IngestReport) -> object: ...


class IngestService:
    """Imports CSV/XLSX/JSONL archives; a bad row is reported with its line number and skipped."""

    def __init__(
        self,
        store: DocumentStore,
        sync_index: IndexSync | None = None,
        record_batch: BatchRecorder | None = None,
    ) -> None:
        self._store = store
        self._sync_index = sync_index
        self._record_batch = record_batch

    def ingest_file(
        self,
        path: Path,
        kind: str,
        mapping: dict[str, str] | None = None,
        fmt: str | None = None,
        sheet: str | None = None,
        on_progress: Callable[[int], None] | None = None,
    ) -> IngestReport:
        """Import one file of ``kind`` (proposals, policies or items)."""
        if kind not in ARCHIVE_KINDS:
            raise InputError(f"未知的导入类型「{kind}」，可选：{'、'.join(ARCHIVE_KINDS)}", kind)
        doc_kind = ARCHIVE_KINDS[kind]
        sha = _sha256(path) if path.is_file() else ""
        report = IngestReport(file=str(path), kind=kind, sha256=sha)
        columns: dict[str, str] | None = None
        pending: list[Document] = []
        for row in read_rows(path, fmt, sheet):
            report.rows_read += 1
            if row.error:
                report.errors.append(RowError(line=row.line, message=row.error))
                continue
            if columns is None:
                columns = resolve_columns(row.cells.keys(), mapping or {})
                _check_columns(columns, list(row.cells))
            try:
                docs = row_to_documents(row.cells, columns, doc_kind, source=path.name)
            except (RowProblem, ValueError) as exc:
                report.errors.append(RowError(line=row.line, message=str(exc)))
                continue
            report.rows_ok += 1
            pending.extend(docs)
            if len(pending) >= BATCH_SIZE:
                self._flush(pending, report)
                if on_progress:
                    on_progress(report.rows_read)
        self._flush(pending, report)
        if report.rows_read == 0:
            raise InputError(f"文件 {path.name} 中没有可导入的数据行。", "no rows")
        if self._sync_index is not None and report.added_or_changed:
            self._sync_index()
            report.index_synced = True
        if self._record_batch is not None:
            self._record_batch(report)
        return report

    def _flush(self, pending: list[Document], report: IngestReport) -> None:
        if not pending:
            return
        unique = {doc.doc_id: doc for doc in pending}
        changed = self._store.upsert(unique.values())
        report.documents += len(unique)
        report.added_or_changed += len(changed)
        report.unchanged += len(unique) - len(changed)
        pending.clear()


def _check_columns(columns: dict[str, str], present: Sequence[str]) -> None:
    missing = [c for f, c in columns.items() if c not in present]
    if missing:
        raise InputError(
            f"文件中找不到映射的列：{'、'.join(missing)}。文件的列有：{'、'.join(present)}", f"missing {missing}"
        )
    if "text" not in columns:
        raise InputError(
            f"无法确定哪一列是正文，请用 --map text=列名 指定。文件的列有：{'、'.join(present)}", "no text column"
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
