"""Ingested files and which row produced which record."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.storage.errors import ConflictError
from assistant.storage.orm import IngestBatch, IngestRow
from assistant.storage.types import utcnow


class IngestRepository:
    """Which files were ingested, and which row produced which record."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def find(self, file_sha256: str, kind: str) -> IngestBatch | None:
        query = select(IngestBatch).where(IngestBatch.file_sha256 == file_sha256, IngestBatch.kind == kind)
        return self.session.scalar(query)

    def create(self, *, file_sha256: str, file_name: str, kind: str, completed: bool = True) -> IngestBatch:
        """A new batch (``completed=False`` for a file imported in several transactions, until it is closed);
        ConflictError when this file was already ingested as this kind."""
        batch = IngestBatch(
            file_sha256=file_sha256, file_name=file_name, kind=kind, rows_ok=0, rows_failed=0, errors=[],
            completed_at=utcnow() if completed else None,
        )
        try:
            with self.session.begin_nested():
                self.session.add(batch)
        except IntegrityError as exc:
            raise ConflictError(
                "该文件已导入过（或正在导入），无需重复导入。", f"file {file_sha256} already ingested as {kind}"
            ) from exc
        return batch

    def add_rows(self, batch_id: int, rows: Iterable[tuple[int, str, str, bool]]) -> None:
        """Record (row_no, entity_type, entity_id, changed) tuples."""
        values = [
            {"batch_id": batch_id, "row_no": r, "entity_type": t, "entity_id": i, "changed": c} for r, t, i, c in rows
        ]
        if values:
            self.session.execute(insert(IngestRow), values)

    def rows(self, batch_id: int) -> list[IngestRow]:
        query = select(IngestRow).where(IngestRow.batch_id == batch_id)
        return list(self.session.scalars(query.order_by(IngestRow.row_no, IngestRow.id)))

    def origins(self, entity_type: str, entity_id: str) -> list[tuple[IngestBatch, int]]:
        """(batch, row_no) pairs that produced a record, oldest first."""
        query = (
            select(IngestBatch, IngestRow.row_no)
            .join(IngestRow, IngestRow.batch_id == IngestBatch.id)
            .where(IngestRow.entity_type == entity_type, IngestRow.entity_id == entity_id)
            .order_by(IngestRow.id)
        )
        return [(batch, row_no) for batch, row_no in self.session.execute(query)]
