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
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from assistant.accounts import UserSession
from assistant.errors import PermissionDenied
from assistant.security.net import address_key
from assistant.settings import SecuritySettings
from assistant.storage.auth import AuthStore
from assistant.storage.types import utcnow

TOKEN_BYTES = 32
MAX_TOKEN_CHARS = 256


def token_digest(token: str) -> str:
    """SHA-256 hex of a token (what the database keeps)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _store(database: Any) -> AuthStore:
    return database if isinstance(database, AuthStore) else AuthStore(database)


class SessionManager:
    """Issue, resolve and revoke login sessions (settings: ``session_idle_minutes`` etc.).

    ``database``: the :class:`~assistant.storage.db.Database` (or an :class:`AuthStore` over it).
    """

    def __init__(
        self,
        database: Any,
        settings: SecuritySettings | None = None,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = _store(database)
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
        if user_id is None:
            raise PermissionDenied("本机操作员不能以网页会话登录。", "no session for the local operator")
        token = secrets.token_urlsafe(TOKEN_BYTES)
        now = self.clock()
        expires = now + self._absolute
        opened = self.store.open_session(
            token_digest=token_digest(token), user_id=user_id, now=now, idle_expires_at=min(now + self._idle, expires),
            expires_at=expires, address=address_key(address) if address else None,
        )
        if opened is None:
            raise PermissionDenied("该账号不存在或已停用，无法登录。", f"no session for user {user_id}")
        return token

    def resolve(self, token: str | None) -> UserSession | None:
        """The logged-in user of a token, or None (unknown, revoked, expired, account disabled or password
        changed since). Extends the idle expiry (written at most every ``session_touch_seconds``)."""
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
            return None
        now = self.clock()
        found = self.store.session_with_account(token_digest(token))
        if found is None:
            return None
        row, account = found
        if row.revoked or row.expires_at <= now or row.idle_expires_at <= now:
            return None
        if not account.is_active or account.session_epoch != row.session_epoch:
            return None
        user = UserSession(user_id=account.id, username=account.username, display_name=account.display_name,
                           role=account.role)
        touch_every = timedelta(seconds=self.settings.session_touch_seconds)
        if now - row.last_seen_at >= touch_every:
            self.store.touch_session(row.id, now, min(now + self._idle, row.expires_at), now - touch_every)
        return user

    def revoke(self, token: str | None, reason: str = "logout") -> bool:
        """End one session (log out); whether there was an open session for the token."""
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
            return False
        return self.store.revoke_session(token_digest(token), now=self.clock(), reason=reason) is not None

    def revoke_all(self, user_id: int, reason: str = "revoke_all") -> int:
        """End every session of a user (password change, account disabled, "log out everywhere")."""
        return self.store.revoke_sessions(user_id, now=self.clock(), reason=reason)

    def purge(self) -> int:
        """Delete expired sessions and long-revoked ones (call now and then, e.g. with the temp sweeper)."""
        return self.store.purge_sessions(self.clock())
