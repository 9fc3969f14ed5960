"""Catalogue entries (handling units, special committees) as staff edit them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.storage.orm import CatalogueEntry


class CatalogueRepository:
    """Handling units and committees stored as JSON payloads, in catalogue order."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def list(self, kind: str) -> list[CatalogueEntry]:
        """Entries of one kind in catalogue order."""
        query = select(CatalogueEntry).where(CatalogueEntry.kind == kind)
        return list(self.session.scalars(query.order_by(CatalogueEntry.position, CatalogueEntry.id)))

    def count(self) -> int:
        """Number of entries of every kind."""
        return int(self.session.scalar(select(func.count()).select_from(CatalogueEntry)) or 0)

    def get(self, kind: str, name: str) -> CatalogueEntry | None:
        return self.session.scalar(
            select(CatalogueEntry).where(CatalogueEntry.kind == kind, CatalogueEntry.name == name)
        )

    def upsert(
        self, kind: str, name: str, payload: dict[str, Any], *, position: int | None = None,
        user_id: int | None = None,
    ) -> CatalogueEntry:
        """Create or replace one entry; a new entry goes last unless ``position`` is given."""
        entry = self.get(kind, name)
        if entry is None:
            if position is None:
                last = self.session.scalar(
                    select(func.coalesce(func.max(CatalogueEntry.position), -1)).where(CatalogueEntry.kind == kind)
                )
                position = int(last if last is not None else -1) + 1
            entry = CatalogueEntry(kind=kind, name=name, position=position)
            self.session.add(entry)
        elif position is not None:
            entry.position = position
        entry.payload = dict(payload)
        entry.updated_by = user_id
        self.session.flush()
        return entry

    def delete(self, kind: str, name: str) -> bool:
        """Remove one entry; False when it did not exist."""
        entry = self.get(kind, name)
        if entry is None:
            return False
        self.session.delete(entry)
        self.session.flush()
        return True
