"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def json_dumps(value: Any) -> str:
    """JSON for the database: Chinese stays readable (no \\u escapes)."""
    return json.dumps(value, ensure_ascii=False)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime, stored in UTC, always read back as an aware UTC datetime.

    Naive datetimes are rejected: they are a bug (local time or UTC? nobody knows).
    SQLite has no time zones, so the value is stored there as naive UTC text.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            raise ValueError("naive datetime given to a UTCDateTime column; use datetime.now(UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class JSONDoc(TypeDecorator[Any]):
    """JSON on SQLite, JSONB on PostgreSQL; Python ``None`` is stored as SQL NULL."""

    impl = JSON(none_as_null=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.JSONB(none_as_null=True))
        return dialect.type_descriptor(JSON(none_as_null=True))


class EnumText(TypeDecorator[StrEnum]):
    """A ``StrEnum`` stored as its value in a VARCHAR (no database enum type, no CHECK constraint,
    so adding a member needs no migration). Unknown values raise on write and on read."""

    impl = String
    cache_ok = True

    def __init__(self, enum_cls: type[StrEnum], length: int = 32) -> None:
        super().__init__(length=length)
        self.enum_cls = enum_cls
        self.length = length

    def process_bind_param(self, value: StrEnum | str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.enum_cls(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> StrEnum | None:
        return None if value is None else self.enum_cls(value)


def doc_id_type(length: int = 255) -> TypeEngine[str]:
    """A VARCHAR compared byte-wise ("C" collation on PostgreSQL, SQLite's default BINARY), so that
    ORDER BY / keyset pagination follow Python's ``sorted()`` whatever the database's locale."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")
