"""Server-side login sessions: an unguessable token in the browser, only its SHA-256 digest on the server.

::

    sessions = SessionManager(database, settings.security)
    token = sessions.issue(user, address=client_ip)     # after AccountService.login; give it to the browser
    user = sessions.resolve(token)                      # on every request: UserSession, or None → log in
    sessions.revoke(token)                              # log out

``resolve`` refuses a token that is unknown, revoked, idle too long, past its absolute lifetime, whose
account is disabled, or that was issued before the account's password changed (``users.session_epoch``,
bumped by the ORM whenever ``password_hash`` changes or ``is_active`` goes False).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from assistant.accounts import UserSession
from assistant.errors import PermissionDenied
from assistant.security.net import address_key
from assistant.settings import SecuritySettings
from assistant.storage.enums import Role
from assistant.storage.orm import User
from assistant.storage.repositories.sessions import AuthSessionRepository, SecurityEventRepository
from assistant.storage.types import utcnow

log = logging.getLogger("baixing.security")

TOKEN_BYTES = 32
MAX_TOKEN_CHARS = 256


def token_digest(token: str) -> str:
    """SHA-256 hex of a token (what the database keeps)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class SessionManager:
    """Issue, resolve and revoke login sessions (settings: ``session_idle_minutes`` etc.)."""

    def __init__(
        self,
        database: Any,
        settings: SecuritySettings | None = None,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.database = database
        self.settings = settings or SecuritySettings()
        self.clock = clock

    @property
    def _idle(self) -> timedelta:
        return timedelta(minutes=self.settings.session_idle_minutes)

    @property
    def _absolute(self) -> timedelta:
        return timedelta(hours=self.settings.session_absolute_hours)

    def issue(self, user: UserSession | int, address: str | None = None) -> str:
        """A new session for an active user (PermissionDenied otherwise); returns the token, never stored."""
        user_id = user if isinstance(user, int) else user.user_id
        token = secrets.token_urlsafe(TOKEN_BYTES)
        now = self.clock()
        expires = now + self._absolute
        with self.database.session() as session:
            account = session.get(User, user_id)
            if account is None or not account.is_active:
                raise PermissionDenied("该账号不存在或已停用，无法登录。", f"no session for user {user_id}")
            AuthSessionRepository(session).create(
                token_digest=token_digest(token),
                user_id=user_id,
                session_epoch=account.session_epoch,
                now=now,
                idle_expires_at=min(now + self._idle, expires),
                expires_at=expires,
                address=address_key(address) if address else None,
            )
        return token

    def resolve(self, token: str | None) -> UserSession | None:
        """The logged-in user of a token, or None (unknown, revoked, expired, account disabled or password
        changed since). Extends the idle expiry (written at most every ``session_touch_seconds``)."""
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
            return None
        now = self.clock()
        with self.database.session() as session:
            row = AuthSessionRepository(session).get_by_digest(token_digest(token))
            if row is None or row.revoked or row.expires_at <= now or row.idle_expires_at <= now:
                return None
            user = session.get(User, row.user_id)
            if user is None or not user.is_active or user.session_epoch != row.session_epoch:
                return None
            found = UserSession(
                user_id=user.id, username=user.username, display_name=user.display_name, role=Role(user.role)
            )
            session_id, last_seen, expires = row.id, row.last_seen_at, row.expires_at
        touch_every = timedelta(seconds=self.settings.session_touch_seconds)
        if now - last_seen >= touch_every:
            self._touch(session_id, now, min(now + self._idle, expires), now - touch_every)
        return found

    def _touch(self, session_id: int, now: datetime, idle_expires_at: datetime, not_after: datetime) -> None:
        try:
            with self.database.session() as session:  # write-first transaction: no SQLite snapshot conflicts
                AuthSessionRepository(session).touch(session_id, now, idle_expires_at, not_after)
        except SQLAlchemyError:  # a missed touch only shortens the idle time; never fail the request
            log.warning("could not extend a session", exc_info=True)

    def revoke(self, token: str | None, reason: str = "logout") -> bool:
        """End one session (log out); whether there was an open session for the token."""
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
            return False
        now = self.clock()
        with self.database.session() as session:
            row = AuthSessionRepository(session).revoke(token_digest(token), now, reason)
            if row is None:
                return False
            SecurityEventRepository(session).record(
                "session_revoked", user_id=row.user_id, address=row.address, detail={"reason": reason}, now=now
            )
        return True

    def revoke_all(self, user_id: int, reason: str = "revoke_all") -> int:
        """End every session of a user (password change, account disabled, "log out everywhere")."""
        now = self.clock()
        with self.database.session() as session:
            count = revoke_all_in(session, user_id, reason, now)
        return count

    def purge(self) -> int:
        """Delete expired sessions and long-revoked ones (call now and then, e.g. with the temp sweeper)."""
        with self.database.session() as session:
            return AuthSessionRepository(session).delete_stale(self.clock())


def revoke_all_in(session: Any, user_id: int, reason: str, now: datetime | None = None) -> int:
    """Revoke every session of ``user_id`` inside the caller's transaction (audited); how many."""
    now = now or utcnow()
    count = AuthSessionRepository(session).revoke_all(user_id, now, reason)
    SecurityEventRepository(session).record(
        "sessions_revoked", user_id=user_id, detail={"reason": reason, "count": count}, now=now
    )
    return count
