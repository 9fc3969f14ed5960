"""Typed storage errors (``assistant.errors.BaixingError``): a Chinese message for users, a cause for engineers."""

from __future__ import annotations

from assistant import errors


class StorageError(errors.BaixingError):
    """Base of every storage error; ``user_message`` never holds SQL or personal data."""

    default_message = "数据存储出现问题，请稍后重试或联系管理员。"

    def __init__(self, user_message: str | None = None, cause: str = "") -> None:
        super().__init__(user_message or self.default_message, cause)


class UnsupportedDatabaseError(StorageError, errors.ConfigError):
    """The URL names a database other than SQLite or PostgreSQL."""

    default_message = "不支持所配置的数据库类型，请使用 SQLite 或 PostgreSQL。"


class DatabaseUnavailableError(StorageError, errors.ConfigError):
    """The database cannot be reached or opened."""

    default_message = "无法连接数据库，请检查数据库配置或稍后重试。"


class MigrationError(StorageError):
    """Upgrading the schema failed."""

    default_message = "数据库结构升级失败，请联系管理员。"


class NotFoundError(StorageError, errors.NotFoundError):
    """A requested record does not exist."""

    default_message = "未找到相应记录。"


class ConflictError(StorageError):
    """A write clashes with existing data (duplicate username, already confirmed, ...)."""

    default_message = "数据冲突，请刷新后重试。"


class WriteFailedError(StorageError):
    """A write could not be stored (database locked for too long, read-only, disk full, I/O error): nothing of
    it was kept, so the same request may be sent again (with the same idempotency key)."""

    default_message = "数据库暂时无法保存（繁忙、只读或磁盘已满），您这次提交的内容没有保存，请稍后再试。"
