"""Typed errors of the security layer (each with a Chinese message a citizen can read)."""

from __future__ import annotations

from assistant.errors import BaixingError, InputError


class RateLimited(BaixingError):
    """Too many requests of one kind from one address (or too many wrong passwords): try again later."""

    def __init__(self, user_message: str, cause: str = "", retry_after: int = 60) -> None:
        super().__init__(user_message, cause)
        self.retry_after = retry_after


class LoginLocked(RateLimited):
    """A username (or an address) is locked after too many wrong passwords."""


class UnsafeFileError(InputError):
    """An upload is refused before parsing: too big, a decompression bomb, too many rows or parts."""
