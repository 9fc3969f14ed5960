"""Login throttling: lock a username after repeated wrong passwords, and an address that tries many.

State lives in the database (``login_throttle``), so a lock survives a restart and holds across worker
processes; every failure, lockout and success is written to ``security_events``. Unknown usernames are
counted and locked exactly like real ones, so neither the messages nor the lockout reveal which
usernames exist (the password check itself does equal work for both: ``verify_or_dummy``).
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from assistant.security.errors import LoginLocked
from assistant.security.net import address_key
from assistant.settings import SecuritySettings
from assistant.storage.auth import AuthStore
from assistant.storage.types import utcnow

log = logging.getLogger("baixing.security")

ACCOUNT = "account"
ADDRESS = "address"
EVENT_FAILED = "login_failed"
EVENT_LOCKED = "login_locked"
EVENT_REFUSED = "login_refused_locked"
EVENT_OK = "login_ok"


def username_key(username: str) -> str:
    """The throttle key of a typed username (trimmed, at most 128 characters)."""
    return username.strip()[:128]


def audit_name(username: str, known: bool) -> str:
    """What the audit trail keeps of a typed username: the name of a real account, else only a digest
    (people type passwords into the username field; those must not land in a log)."""
    if known:
        return username.strip()[:64]
    return "unknown:" + hashlib.sha256(username.strip().encode("utf-8")).hexdigest()[:16]


def _minutes(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds() / 60))


class LoginThrottler:
    """Per-username lockout and per-address lockout after wrong passwords (see ``SecuritySettings``).

    ``database``: the :class:`~assistant.storage.db.Database` (or an :class:`AuthStore` over it).
    """

    def __init__(
        self,
        database: Any,
        settings: SecuritySettings | None = None,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = database if isinstance(database, AuthStore) else AuthStore(database)
        self.settings = settings or SecuritySettings()
        self.clock = clock

    @property
    def _lock_for(self) -> timedelta:
        return timedelta(minutes=self.settings.lockout_minutes)

    @property
    def _window(self) -> timedelta:
        return timedelta(minutes=self.settings.failure_window_minutes)

    def check(self, username: str, address: str | None) -> None:
        """LoginLocked when the username or the address is locked now (nothing else is checked)."""
        now = self.clock()
        for scope, key in ((ACCOUNT, username_key(username)), (ADDRESS, address_key(address))):
            row = self.store.throttle(scope, key)
            if row is not None and row.locked_until is not None and row.locked_until > now:
                minutes = _minutes(row.locked_until, now)
                account = self.store.account_by_name(username)
                user_id = None if account is None else account.id
                self._event(EVENT_REFUSED, user_id, audit_name(username, account is not None), address,
                            {"scope": scope})
                raise LoginLocked(
                    f"登录失败次数过多，请 {minutes} 分钟后再试。",
                    f"{scope} locked until {row.locked_until.isoformat()}",
                    retry_after=minutes * 60,
                )

    def failed(self, username: str, address: str | None, user_id: int | None, reason: str) -> LoginLocked | None:
        """Count a wrong password (audited); the LoginLocked to raise when this failure locked something."""
        now = self.clock()
        cfg = self.settings
        account_failures, account_lock = self.store.add_failure(
            ACCOUNT, username_key(username), now, self._window, cfg.lockout_threshold, self._lock_for
        )
        _, address_lock = self.store.add_failure(
            ADDRESS, address_key(address), now, self._window, cfg.address_lockout_threshold, self._lock_for
        )
        name = audit_name(username, user_id is not None)
        self._event(EVENT_FAILED, user_id, name, address, {"reason": reason, "failures": account_failures})
        locked_until = account_lock or address_lock
        if locked_until is None:
            return None
        scope = ACCOUNT if account_lock else ADDRESS
        self._event(EVENT_LOCKED, user_id, name, address, {"scope": scope, "until": locked_until.isoformat()})
        log.warning("login locked (%s) until %s", scope, locked_until.isoformat())
        minutes = _minutes(locked_until, now)
        return LoginLocked(
            f"用户名或密码不正确；登录失败次数过多，请 {minutes} 分钟后再试。",
            f"{scope} locked until {locked_until.isoformat()}",
            retry_after=minutes * 60,
        )

    def succeeded(self, username: str, address: str | None, user_id: int) -> None:
        """A right password: the username's failures are forgotten (the address's are not), audited."""
        self.store.clear_failures(ACCOUNT, username_key(username))
        self._event(EVENT_OK, user_id, audit_name(username, True), address, {})

    def unlock(self, username: str | None = None, address: str | None = None) -> None:
        """An admin lifts the lock of a username and/or an address."""
        if username is not None:
            self.store.clear_failures(ACCOUNT, username_key(username))
        if address is not None:
            self.store.clear_failures(ADDRESS, address_key(address))

    def _event(
        self, kind: str, user_id: int | None, username: str, address: str | None, detail: dict[str, Any]
    ) -> None:
        try:
            self.store.record_event(kind, user_id=user_id, username=username,
                                    address=address_key(address) if address else None, detail=detail,
                                    now=self.clock())
        except Exception:  # auditing must not turn a refused login into a crash
            log.warning("could not record security event %s", kind, exc_info=True)
