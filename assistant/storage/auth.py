"""The store of who may log in: accounts, server-side login sessions, login-throttle counters and the
security audit trail (``security_events``).

``assistant.accounts`` and ``assistant.security`` use only this store (plain records in, plain records
out); every write is one transaction through :meth:`Database.write` (lock taken up front, retried on
contention).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from assistant.errors import InputError
from assistant.storage.db import Database
from assistant.storage.enums import Role
from assistant.storage.orm import AuthSession, LoginThrottle, SecurityEvent, User
from assistant.storage.repositories.sessions import (
    AuthSessionRepository,
    LoginThrottleRepository,
    SecurityEventRepository,
)
from assistant.storage.repositories.users import UserRepository

log = logging.getLogger("baixing.security")


@dataclass(frozen=True)
class AccountRecord:
    """One account (never its password hash)."""

    id: int
    username: str
    display_name: str
    role: Role
    is_active: bool
    session_epoch: int


@dataclass(frozen=True)
class SessionRecord:
    """One server-side login session (never its token)."""

    id: int
    user_id: int
    session_epoch: int
    address: str | None
    created_at: datetime
    last_seen_at: datetime
    idle_expires_at: datetime
    expires_at: datetime
    revoked: bool
    revoked_at: datetime | None = None
    revoke_reason: str | None = None


@dataclass(frozen=True)
class ThrottleRecord:
    """Recent wrong passwords of one username or address and its lock."""

    scope: str
    key: str
    failures: int
    window_started_at: datetime
    locked_until: datetime | None


@dataclass(frozen=True)
class SecurityEventRecord:
    """One audited security event."""

    id: int
    kind: str
    user_id: int | None
    username: str | None
    address: str | None
    created_at: datetime
    detail: dict[str, Any] = field(default_factory=dict)


def _account(user: User) -> AccountRecord:
    return AccountRecord(id=user.id, username=user.username, display_name=user.display_name, role=Role(user.role),
                         is_active=bool(user.is_active), session_epoch=int(user.session_epoch or 0))


def _session(row: AuthSession) -> SessionRecord:
    return SessionRecord(id=row.id, user_id=row.user_id, session_epoch=row.session_epoch, address=row.address,
                         created_at=row.created_at, last_seen_at=row.last_seen_at,
                         idle_expires_at=row.idle_expires_at, expires_at=row.expires_at, revoked=bool(row.revoked),
                         revoked_at=row.revoked_at, revoke_reason=row.revoke_reason)


def _throttle(row: LoginThrottle) -> ThrottleRecord:
    return ThrottleRecord(scope=row.scope, key=row.key, failures=row.failures,
                          window_started_at=row.window_started_at, locked_until=row.locked_until)


def _event(row: SecurityEvent) -> SecurityEventRecord:
    return SecurityEventRecord(id=row.id, kind=row.kind, user_id=row.user_id, username=row.username,
                               address=row.address, created_at=row.created_at, detail=dict(row.detail or {}))


class AuthStore:
    """Accounts, login sessions, throttle counters and security events (one transaction per method)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    # accounts ---------------------------------------------------------------------------------------
    def account(self, user_id: int | None) -> AccountRecord | None:
        """The account with this id, if any."""
        if user_id is None:
            return None
        with self.database.session() as s:
            user = s.get(User, user_id)
            return _account(user) if user is not None else None

    def account_by_name(self, username: str) -> AccountRecord | None:
        """The account with this username (trimmed), if any."""
        with self.database.session() as s:
            user = UserRepository(s).get_by_username(username)
            return _account(user) if user is not None else None

    def credentials(self, username: str) -> tuple[AccountRecord | None, str | None]:
        """The account and its password hash (both None for an unknown username)."""
        with self.database.session() as s:
            user = UserRepository(s).get_by_username(username)
            if user is None:
                return None, None
            return _account(user), user.password_hash

    def accounts(self, role: Role | str | None = None) -> list[AccountRecord]:
        """Every account (of ``role``), by username."""
        with self.database.session() as s:
            return [_account(u) for u in UserRepository(s).list(role)]

    def create_account(self, username: str, display_name: str, role: Role | str, password: str) -> AccountRecord:
        """A new active account (ConflictError when the username is taken)."""

        def work(s: Session) -> AccountRecord:
            user = UserRepository(s).create(username, display_name or username, role, password)
            s.flush()
            return _account(user)

        return self.database.write(work)

    def create_initial(self, accounts: Sequence[tuple[str, str, Role, str]]) -> bool:
        """Create ``(username, display name, role, password)`` accounts when there are none yet; whether it did."""

        def work(s: Session) -> bool:
            repo = UserRepository(s)
            if repo.list():
                return False
            for username, display_name, role, password in accounts:
                repo.create(username, display_name, role, password)
            return True

        return self.database.write(work)

    def _require(self, s: Session, username: str) -> User:
        user = UserRepository(s).get_by_username(username)
        if user is None:
            raise InputError(f"没有用户名为「{username}」的账号。", "unknown user")
        return user

    def set_password(self, username: str, password: str, *, now: datetime, reason: str = "password_changed"
                     ) -> tuple[AccountRecord, int]:
        """Change a password and revoke every session of the account in the same transaction (audited);
        the account and how many sessions ended."""

        def work(s: Session) -> tuple[AccountRecord, int]:
            user = self._require(s, username)
            UserRepository(s).set_password(user.id, password)
            ended = self._revoke_all(s, user.id, reason, now)
            return _account(user), ended

        return self.database.write(work)

    def set_active(self, username: str, active: bool, *, now: datetime) -> tuple[AccountRecord, int]:
        """Enable or disable an account; disabling revokes its sessions in the same transaction (audited)."""

        def work(s: Session) -> tuple[AccountRecord, int]:
            user = self._require(s, username)
            UserRepository(s).set_active(user.id, active)
            ended = 0 if active else self._revoke_all(s, user.id, "account_disabled", now)
            return _account(user), ended

        return self.database.write(work)

    # sessions ---------------------------------------------------------------------------------------
    def open_session(self, *, token_digest: str, user_id: int, now: datetime, idle_expires_at: datetime,
                     expires_at: datetime, address: str | None) -> SessionRecord | None:
        """A new session of an active account (None when the account is unknown or disabled)."""

        def work(s: Session) -> SessionRecord | None:
            user = s.get(User, user_id)
            if user is None or not user.is_active:
                return None
            row = AuthSessionRepository(s).create(
                token_digest=token_digest, user_id=user_id, session_epoch=user.session_epoch, now=now,
                idle_expires_at=idle_expires_at, expires_at=expires_at, address=address,
            )
            return _session(row)

        return self.database.write(work)

    def session_with_account(self, token_digest: str) -> tuple[SessionRecord, AccountRecord] | None:
        """The session of a token digest and its account as they are now (None when unknown)."""
        with self.database.session() as s:
            row = AuthSessionRepository(s).get_by_digest(token_digest)
            if row is None:
                return None
            user = s.get(User, row.user_id)
            if user is None:
                return None
            return _session(row), _account(user)

    def touch_session(self, session_id: int, now: datetime, idle_expires_at: datetime, not_after: datetime) -> bool:
        """Move last-seen to ``now`` (unless another request just did); never raises — a missed touch only
        shortens the idle time."""
        try:
            return self.database.write(
                lambda s: AuthSessionRepository(s).touch(session_id, now, idle_expires_at, not_after), attempts=2
            )
        except SQLAlchemyError:
            log.warning("could not extend a session", exc_info=True)
            return False

    def revoke_session(self, token_digest: str, *, now: datetime, reason: str) -> SessionRecord | None:
        """Revoke one session (audited); None when unknown or already revoked."""

        def work(s: Session) -> SessionRecord | None:
            row = AuthSessionRepository(s).revoke(token_digest, now, reason)
            if row is None:
                return None
            SecurityEventRepository(s).record("session_revoked", user_id=row.user_id, address=row.address,
                                              detail={"reason": reason}, now=now)
            return _session(row)

        return self.database.write(work)

    def revoke_sessions(self, user_id: int, *, now: datetime, reason: str) -> int:
        """Revoke every open session of an account (audited); how many."""
        return self.database.write(lambda s: self._revoke_all(s, user_id, reason, now))

    @staticmethod
    def _revoke_all(s: Session, user_id: int, reason: str, now: datetime) -> int:
        count = AuthSessionRepository(s).revoke_all(user_id, now, reason)
        SecurityEventRepository(s).record("sessions_revoked", user_id=user_id,
                                          detail={"reason": reason, "count": count}, now=now)
        return count

    def active_sessions(self, user_id: int, now: datetime) -> list[SessionRecord]:
        """Open sessions of an account, newest first."""
        with self.database.session() as s:
            return [_session(r) for r in AuthSessionRepository(s).active_for_user(user_id, now)]

    def purge_sessions(self, now: datetime) -> int:
        """Delete expired sessions and long-revoked ones; how many."""
        return self.database.write(lambda s: AuthSessionRepository(s).delete_stale(now))

    # throttle ---------------------------------------------------------------------------------------
    def throttle(self, scope: str, key: str) -> ThrottleRecord | None:
        """The counter of a username or address, if any."""
        with self.database.session() as s:
            row = LoginThrottleRepository(s).get(scope, key)
            return _throttle(row) if row is not None else None

    def add_failure(self, scope: str, key: str, now: datetime, window: timedelta, threshold: int,
                    lock_for: timedelta) -> tuple[int, datetime | None]:
        """Count one wrong password in its own transaction; (failures in the window, locked_until when this
        failure locked it)."""
        return self.database.write(
            lambda s: LoginThrottleRepository(s).add_failure(scope, key, now, window, threshold, lock_for)
        )

    def clear_failures(self, scope: str, key: str) -> None:
        """Forget the failures of a username or address."""
        self.database.write(lambda s: LoginThrottleRepository(s).clear(scope, key))

    def purge_throttle(self, before: datetime) -> int:
        """Delete unlocked counters last updated before ``before``; how many."""
        return self.database.write(lambda s: LoginThrottleRepository(s).delete_stale(before))

    # events -----------------------------------------------------------------------------------------
    def record_event(self, kind: str, *, user_id: int | None = None, username: str | None = None,
                     address: str | None = None, detail: dict[str, Any] | None = None,
                     now: datetime | None = None) -> int:
        """Store one security event; its id."""

        def work(s: Session) -> int:
            return SecurityEventRepository(s).record(kind, user_id=user_id, username=username, address=address,
                                                     detail=detail, now=now).id

        return self.database.write(work)

    def events(self, *, kind: str | None = None, user_id: int | None = None, limit: int = 100
               ) -> list[SecurityEventRecord]:
        """Newest first."""
        with self.database.session() as s:
            return [_event(e) for e in SecurityEventRepository(s).recent(kind=kind, user_id=user_id, limit=limit)]
