"""Typed errors: a message a citizen can read (Chinese) and a cause an engineer can read."""

from __future__ import annotations


class BaixingError(Exception):
    """Base of every error the app reports to a user."""

    def __init__(self, user_message: str, cause: str = "") -> None:
        super().__init__(cause or user_message)
        self.user_message = user_message
        self.cause = cause

    def __str__(self) -> str:
        return f"{self.user_message}（{self.cause}）" if self.cause else self.user_message


class InputError(BaixingError):
    """The user's input cannot be used as given (empty, too long, binary, wrong encoding, malformed)."""


class ConfigError(BaixingError):
    """Settings are inconsistent or a configured service cannot be reached."""


class NotFoundError(BaixingError):
    """A requested record does not exist."""


class PermissionDenied(BaixingError):
    """The current user's role may not do this."""
