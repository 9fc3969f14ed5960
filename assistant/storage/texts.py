"""Texts staff analyses read: past items (documents of kind ``item``) and the ideas staff handle."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from assistant.storage.db import Database
from assistant.storage.enums import IdeaStatus
from assistant.storage.ideas import idea_record
from assistant.storage.orm import DocumentRow, Idea
from assistant.storage.records import IdeaRecord

ITEM_KIND = "item"


@dataclass(frozen=True)
class ItemText:
    """One past item as stored."""

    doc_id: str
    title: str
    text: str
    meta: dict[str, Any]
    year: int | None
    content_hash: str


class TextStore:
    """Reads past items and submitted ideas for similarity, clustering and hot topics."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def items(self) -> list[ItemText]:
        """Past citizen messages stored as documents of kind ``item`` (ordered by id)."""
        query = (select(DocumentRow.doc_id, DocumentRow.title, DocumentRow.text, DocumentRow.meta, DocumentRow.year,
                        DocumentRow.content_hash).where(DocumentRow.kind == ITEM_KIND).order_by(DocumentRow.doc_id))
        with self.database.session() as session:
            return [ItemText(d, t or "", x or "", dict(m or {}), y, h) for d, t, x, m, y, h in session.execute(query)]

    def item_fingerprint(self) -> str:
        """A digest of the ids and content hashes of all past items (changes when any item changes)."""
        digest = hashlib.sha256()
        query = select(DocumentRow.doc_id, DocumentRow.content_hash).where(DocumentRow.kind == ITEM_KIND)
        with self.database.session() as session:
            for doc_id, content_hash in session.execute(query.order_by(DocumentRow.doc_id)):
                digest.update(f"{doc_id}\x1f{content_hash}\x1e".encode())
        return digest.hexdigest()

    def ideas(self, exclude_ids: set[int] | None = None) -> list[IdeaRecord]:
        """Ideas staff handle (every status but a citizen's unsubmitted draft), oldest first."""
        query = select(Idea).where(Idea.status != IdeaStatus.DRAFT).order_by(Idea.id)
        with self.database.session() as session:
            return [idea_record(i) for i in session.scalars(query) if not exclude_ids or i.id not in exclude_ids]
