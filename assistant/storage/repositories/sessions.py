"""Login sessions, login throttling state and security events (see ``assistant.security``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from assistant.storage._sql import upsert_insert
from assistant.storage.orm import AuthSession, LoginThrottle, SecurityEvent


class AuthSessionRepository:
    """Server-side login sessions, found by the SHA-256 digest of their token."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def create(
        self,
        *,
        token_digest: str,
        user_id: int,
        session_epoch: int,
        now: datetime,
        idle_expires_at: datetime,
        expires_at: datetime,
        address: str | None = None,
    ) -> AuthSession:
        """A new, unrevoked session."""
        row = AuthSession(
            token_digest=token_digest,
            user_id=user_id,
            session_epoch=session_epoch,
            address=address,
            created_at=now,
            last_seen_at=now,
            idle_expires_at=idle_expires_at,
            expires_at=expires_at,
            revoked=False,
        )
        self.session.add(row)
        self.session.flush()
        return row

    def get_by_digest(self, token_digest: str) -> AuthSession | None:
        return self.session.scalar(select(AuthSession).where(AuthSession.token_digest == token_digest))

    def touch(self, session_id: int, now: datetime, idle_expires_at: datetime, not_after: datetime) -> bool:
        """Move last-seen to ``now`` unless another request did so after ``not_after``; whether it moved."""
        result = self.session.execute(
            update(AuthSession)
            .where(AuthSession.id == session_id, AuthSession.last_seen_at < not_after, AuthSession.revoked.is_(False))
            .values(last_seen_at=now, idle_expires_at=idle_expires_at)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def revoke(self, token_digest: str, now: datetime, reason: str) -> AuthSession | None:
        """Revoke one session; the row (None when unknown or already revoked)."""
        row = self.get_by_digest(token_digest)
        if row is None or row.revoked:
            return None
        row.revoked, row.revoked_at, row.revoke_reason = True, now, reason[:32]
        self.session.flush()
        return row

    def revoke_all(self, user_id: int, now: datetime, reason: str) -> int:
        """Revoke every open session of a user; how many."""
        result = self.session.execute(
            update(AuthSession)
            .where(AuthSession.user_id == user_id, AuthSession.revoked.is_(False))
            .values(revoked=True, revoked_at=now, revoke_reason=reason[:32])
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def active_for_user(self, user_id: int, now: datetime) -> list[AuthSession]:
        """Open sessions of a user (not revoked, not expired), newest first."""
        query = select(AuthSession).where(
            AuthSession.user_id == user_id,
            AuthSession.revoked.is_(False),
            AuthSession.expires_at > now,
            AuthSession.idle_expires_at > now,
        )
        return list(self.session.scalars(query.order_by(AuthSession.id.desc())))

    def delete_stale(self, now: datetime, keep_revoked: timedelta = timedelta(days=1)) -> int:
        """Delete sessions that expired, and revoked ones older than ``keep_revoked``; how many."""
        result = self.session.execute(
            delete(AuthSession).where(
                or_(
                    AuthSession.expires_at <= now,
                    AuthSession.idle_expires_at <= now,
                    AuthSession.revoked_at <= now - keep_revoked,
                )
            )
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


class LoginThrottleRepository:
    """Counters of recent wrong passwords per (scope, key) and their lock time."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, scope: str, key: str) -> LoginThrottle | None:
        return self.session.get(LoginThrottle, (scope, key))

    def add_failure(
        self, scope: str, key: str, now: datetime, window: timedelta, threshold: int, lock_for: timedelta
    ) -> tuple[int, datetime | None]:
        """Count one wrong password; (failures in the current window, locked_until when this one locked it).

        The first statement is a write (an upsert), so the row is locked for the rest of the transaction
        on both SQLite and PostgreSQL and concurrent failures are all counted. Call it in its own
        transaction.
        """
        insert = upsert_insert(self.session)
        statement = insert(LoginThrottle).values(
            scope=scope, key=key, failures=1, window_started_at=now, locked_until=None, updated_at=now
        )
        statement = statement.on_conflict_do_update(
            index_elements=[LoginThrottle.scope, LoginThrottle.key],
            set_={"failures": LoginThrottle.failures + 1, "updated_at": now},
        )
        self.session.execute(statement)
        row = self.session.get(LoginThrottle, (scope, key), populate_existing=True)
        assert row is not None
        if row.window_started_at <= now - window:
            row.failures, row.window_started_at = 1, now  # the earlier failures are stale
        locked_until: datetime | None = None
        if threshold > 0 and row.failures >= threshold:
            locked_until = now + lock_for
            row.locked_until, row.failures, row.window_started_at = locked_until, 0, now
        self.session.flush()
        return row.failures, locked_until

    def clear(self, scope: str, key: str) -> None:
        """Forget the failures of (scope, key) (a successful login, or an admin unlocking)."""
        self.session.execute(delete(LoginThrottle).where(LoginThrottle.scope == scope, LoginThrottle.key == key))

    def delete_stale(self, before: datetime) -> int:
        """Delete counters last updated before ``before`` that are not locked any more."""
        result = self.session.execute(
            delete(LoginThrottle).where(
                LoginThrottle.updated_at < before,
                or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < before),
            )
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


class SecurityEventRepository:
    """The audit trail of logins, failures, lockouts, logouts and revocations."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def record(
        self,
        kind: str,
        *,
        user_id: int | None = None,
        username: str | None = None,
        address: str | None = None,
        detail: dict[str, Any] | None = None,
        now: datetime | None = None,
    ) -> SecurityEvent:
        """Log one event."""
        event = SecurityEvent(
            kind=kind[:32],
            user_id=user_id,
            username=None if username is None else username[:64],
            address=None if address is None else address[:64],
            detail=detail or {},
        )
        if now is not None:
            event.created_at = now
        self.session.add(event)
        self.session.flush()
        return event

    def recent(self, *, kind: str | None = None, user_id: int | None = None, limit: int = 100) -> list[SecurityEvent]:
        """Newest first."""
        query = select(SecurityEvent)
        if kind is not None:
            query = query.where(SecurityEvent.kind == kind)
        if user_id is not None:
            query = query.where(SecurityEvent.user_id == user_id)
        return list(self.session.scalars(query.order_by(SecurityEvent.id.desc()).limit(limit)))
