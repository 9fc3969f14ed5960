"""Small SQL helpers shared by repositories and the document store."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from assistant.storage.errors import NotFoundError, UnsupportedDatabaseError

T = TypeVar("T")


def upsert_insert(session: Session) -> Any:
    """The dialect's ``insert`` construct, which has ``on_conflict_do_update/nothing``."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert
    if name == "sqlite":
        return sqlite.insert
    raise UnsupportedDatabaseError(cause=f"no upsert support for dialect {name!r}")


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def digest(value: Any) -> str:
    """SHA-256 hex of a value's canonical JSON (for ``input_digest`` / ``request_digest``)."""
    if isinstance(value, bytes):
        raw = value
    elif isinstance(value, str):
        raw = value.encode("utf-8")
    else:
        raw = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")
    return hashlib.sha256(raw).hexdigest()


def get_or_raise(session: Session, model: type[Any], pk: Any, label: str) -> Any:
    """``session.get`` or NotFoundError("未找到该<label>。")."""
    obj = session.get(model, pk)
    if obj is None:
        raise NotFoundError(f"未找到该{label}。", f"{model.__tablename__} id={pk!r} not found")
    return obj
