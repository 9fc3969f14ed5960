"""Imported clue files: one batch per file; an interrupted import resumes where it stopped.

Each chunk of rows is stored in one transaction (ideas, their reviews and which row made which idea), so a
killed import leaves whole chunks; importing the same file again skips the rows already stored and finishes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.storage.db import Database
from assistant.storage.enums import IdeaSource, IdeaStatus
from assistant.storage.errors import ConflictError
from assistant.storage.ideas import IdeaStore
from assistant.storage.orm import IngestBatch, IngestRow
from assistant.storage.records import CitizenInfo, ReviewRecord
from assistant.storage.repositories import IdeaRepository, IngestRepository
from assistant.storage.types import utcnow

IDEA = "idea"


@dataclass(frozen=True)
class BatchState:
    """An open batch: its id, and the rows (line numbers) already stored by an earlier, interrupted run."""

    batch_id: int
    done: frozenset[int]
    resumed: bool


@dataclass(frozen=True)
class ClueRow:
    """One collected clue ready to store: its line, text, the citizen's details and its review (None: unscreened)."""

    line: int
    title: str
    text: str
    citizen: CitizenInfo
    channel: str | None
    review: ReviewRecord | None
    note: str


class BatchStore:
    """Opens, fills and closes import batches of clues (ideas with source ``import``)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def open(self, file_sha256: str, file_name: str, kind: str) -> BatchState:
        """A new batch, or the unfinished batch of the same file (ConflictError when it was fully imported)."""

        def work(s: Session) -> BatchState:
            batch = IngestRepository(s).find(file_sha256, kind)
            if batch is None:
                batch = IngestRepository(s).create(file_sha256=file_sha256, file_name=file_name[:500], kind=kind,
                                                   completed=False)
                return BatchState(batch.id, frozenset(), False)
            if batch.completed_at is not None:
                raise ConflictError("该文件已导入过，无需重复导入。", f"file {file_sha256} already imported as {kind}")
            done = s.scalars(select(IngestRow.row_no).where(IngestRow.batch_id == batch.id))
            return BatchState(batch.id, frozenset(int(r) for r in done), True)

        return self.database.write(work)

    def store(self, batch_id: int, rows: Sequence[ClueRow], *, user_id: int | None) -> list[tuple[int, int, str]]:
        """Store a chunk of clues as submitted ideas (screened when reviewed), all or nothing; returns
        ``(line, idea id, receipt)`` per row."""

        def work(s: Session) -> list[tuple[int, int, str]]:
            ideas = IdeaRepository(s)
            out: list[tuple[int, int, str]] = []
            for row in rows:
                idea = ideas.create(row.text, title=row.title, citizen=row.citizen, channel=row.channel,
                                    source=IdeaSource.IMPORT, status=IdeaStatus.SUBMITTED, submitted_by=user_id,
                                    import_batch_id=batch_id, import_row=row.line, note="批量导入")
                if row.review is not None:
                    IdeaStore.record_in(s, idea, row.review, user_id)
                    IdeaStore.move_in(s, idea, IdeaStatus.SCREENED, user_id, row.note)
                assert idea.receipt_no is not None
                out.append((row.line, idea.id, idea.receipt_no))
            IngestRepository(s).add_rows(batch_id, [(line, IDEA, str(idea_id), True) for line, idea_id, _ in out])
            return out

        return self.database.write(work)

    def stored(self, batch_id: int) -> dict[int, tuple[int, str]]:
        """Line → (idea id, receipt) of the rows a batch has stored so far."""
        with self.database.session() as s:
            query = select(IngestRow.row_no, IngestRow.entity_id).where(IngestRow.batch_id == batch_id,
                                                                        IngestRow.entity_type == IDEA)
            ids = {int(row): int(entity) for row, entity in s.execute(query)}
            repo = IdeaRepository(s)
            out = {}
            for line, idea_id in ids.items():
                idea = repo.get(idea_id)
                if idea is not None and idea.receipt_no:
                    out[line] = (idea_id, idea.receipt_no)
            return out

    def close(self, batch_id: int, *, rows_ok: int, rows_failed: int, errors: list[dict[str, object]]) -> None:
        """Mark the batch complete with its figures."""

        def work(s: Session) -> None:
            batch = s.get(IngestBatch, batch_id)
            if batch is not None:
                batch.rows_ok, batch.rows_failed, batch.errors = rows_ok, rows_failed, errors[:1000]
                batch.completed_at = utcnow()

        self.database.write(work)
