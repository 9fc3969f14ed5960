"""The texts staff analyses work on: submitted ideas and past items (documents of kind ``item``), from the database."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from assistant.clock import CHINA_TZ
from assistant.storage.records import IdeaRecord
from assistant.storage.texts import TextStore


@dataclass(frozen=True)
class TextRecord:
    """One idea or past item: what similarity, clustering and hot topics need."""

    kind: Literal["idea", "item"]
    key: str
    """Receipt number of an idea, document id of a past item."""
    title: str
    text: str
    month: str | None
    """YYYY-MM (Beijing time for ideas; the message time for past items)."""
    date: str | None
    content_hash: str
    domain: str | None = None
    idea_id: int | None = None

    @property
    def full_text(self) -> str:
        """Title and text, as compared and classified."""
        return join_title(self.title, self.text)


def join_title(title: str, text: str) -> str:
    """Title and text as one text (the title alone is dropped when the text starts with it)."""
    return text if not title or text.startswith(title) else f"{title}\n{text}"


def text_hash(text: str) -> str:
    """SHA-256 of a text (cache key of ideas, which have no stored content hash)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _item_date(meta: dict[str, Any] | None, year: int | None) -> tuple[str | None, str | None]:
    raw = str((meta or {}).get("time") or "")
    if len(raw) >= 7 and raw[:4].isdigit() and raw[4] == "-" and raw[5:7].isdigit():
        return raw[:7], raw[:10]
    return (None, str(year)) if year else (None, None)


def item_records(texts: TextStore) -> list[TextRecord]:
    """Past citizen messages stored as documents of kind ``item`` (ordered by id)."""
    out = []
    for item in texts.items():
        month, day = _item_date(item.meta, item.year)
        out.append(TextRecord("item", item.doc_id, item.title, item.text, month, day, item.content_hash))
    return out


def idea_text_record(idea: IdeaRecord) -> TextRecord:
    """An idea as a text record."""
    local = idea.created_at.astimezone(CHINA_TZ)
    title = idea.title or ""
    full = join_title(title, idea.raw_text)
    return TextRecord(
        "idea", idea.receipt_no or f"#{idea.id}", title, idea.raw_text, local.strftime("%Y-%m"),
        local.strftime("%Y-%m-%d"), text_hash(full), idea.domain, idea.id,
    )


def idea_records(texts: TextStore, exclude_ids: set[int] | None = None) -> list[TextRecord]:
    """Ideas staff handle (every status but a citizen's unsubmitted draft), oldest first."""
    return [idea_text_record(i) for i in texts.ideas(exclude_ids)]


def when(record: TextRecord) -> datetime | None:
    """The record's date as a datetime (for ordering), if known."""
    if not record.date or len(record.date) < 10:
        return None
    try:
        return datetime.fromisoformat(record.date)
    except ValueError:
        return None
