"""The routing catalogue's rows: handling units and committees as JSON payloads, in catalogue order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from assistant.storage.db import Database
from assistant.storage.repositories.catalogue import CatalogueRepository


class CatalogueEntryStore:
    """Reads and writes catalogue entries ``(kind, name, payload)``; each call is one transaction."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def count(self) -> int:
        """Entries of every kind."""
        with self.database.session() as s:
            return CatalogueRepository(s).count()

    def entries(self, kind: str) -> list[tuple[str, dict[str, Any]]]:
        """``(name, payload)`` of one kind, in catalogue order."""
        with self.database.session() as s:
            return [(e.name, dict(e.payload)) for e in CatalogueRepository(s).list(kind)]

    def save(self, kind: str, name: str, payload: dict[str, Any], *, user_id: int | None = None) -> None:
        """Create or replace one entry (a new one goes last)."""
        self.database.write(lambda s: CatalogueRepository(s).upsert(kind, name, payload, user_id=user_id))

    def delete(self, kind: str, name: str) -> bool:
        """Remove one entry; False when it did not exist."""
        return self.database.write(lambda s: CatalogueRepository(s).delete(kind, name))

    def replace(self, entries: Sequence[tuple[str, str, dict[str, Any]]], *, user_id: int | None = None) -> int:
        """Replace every entry of the kinds given by ``(kind, name, payload)`` (order kept); returns how many."""

        def work(s: Session) -> int:
            repo = CatalogueRepository(s)
            keep = {(kind, name) for kind, name, _ in entries}
            for kind in {k for k, _, _ in entries}:
                for old in repo.list(kind):
                    if (kind, old.name) not in keep:
                        repo.delete(kind, old.name)
            for position, (kind, name, payload) in enumerate(entries):
                repo.upsert(kind, name, payload, position=position, user_id=user_id)
            return len(entries)

        return self.database.write(work)
