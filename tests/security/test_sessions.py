"""Server-side sessions: a token resolves to its user until logout, expiry, password change or disabling."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assistant.accounts import AccountService, UserSession
from assistant.errors import PermissionDenied
from assistant.security.sessions import SessionManager, token_digest
from assistant.settings import SecuritySettings
from assistant.storage.db import Database
from assistant.storage.enums import Role
from assistant.storage.orm import AuthSession, SecurityEvent
from assistant.storage.repositories.users import UserRepository
from tests.security.conftest import FakeClock


@pytest.fixture
def sessions(db: Database, security: SecuritySettings, clock: FakeClock) -> SessionManager:
    return SessionManager(db, security, clock=clock)


def test_issue_and_resolve_store_only_a_digest(db: Database, sessions: SessionManager, staff: UserSession) -> None:
    token = sessions.issue(staff, address="203.0.113.7")
    assert len(token) >= 43
    assert sessions.resolve(token) == staff
    with db.session() as s:
        rows = list(s.scalars(select(AuthSession)))
    assert [r.token_digest for r in rows] == [token_digest(token)]
    assert token not in {r.token_digest for r in rows} and rows[0].address == "203.0.113.7"
    assert sessions.issue(staff) != token  # every login gets its own token


@pytest.mark.parametrize("bad", [None, "", "x", "a" * 10_000, 42])
def test_garbage_tokens_resolve_to_nobody(sessions: SessionManager, staff: UserSession, bad: object) -> None:
    sessions.issue(staff)
    assert sessions.resolve(bad) is None  # type: ignore[arg-type]


def test_token_replayed_after_logout_is_refused(db: Database, sessions: SessionManager, staff: UserSession) -> None:
    token = sessions.issue(staff)
    other = sessions.issue(staff)
    assert sessions.revoke(token) is True
    assert sessions.resolve(token) is None
    assert sessions.revoke(token) is False  # already ended
    assert sessions.resolve(other) == staff  # only that one session ended
    with db.session() as s:
        kinds = list(s.scalars(select(SecurityEvent.kind)))
    assert "session_revoked" in kinds


def test_idle_expiry_and_sliding_renewal(sessions: SessionManager, staff: UserSession, clock: FakeClock) -> None:
    token = sessions.issue(staff)
    clock.advance(minutes=20)
    assert sessions.resolve(token) == staff  # used: idle time starts again
    clock.advance(minutes=20)
    assert sessions.resolve(token) == staff
    clock.advance(minutes=31)
    assert sessions.resolve(token) is None  # 31 minutes without a request


def test_absolute_expiry_ends_a_busy_session(sessions: SessionManager, staff: UserSession, clock: FakeClock) -> None:
    token = sessions.issue(staff)
    for _ in range(12 * 3 - 1):  # a request every 20 minutes for 11 h 40 min
        clock.advance(minutes=20)
        assert sessions.resolve(token) == staff
    clock.advance(minutes=20)  # 12 h after login
    assert sessions.resolve(token) is None


def test_password_change_ends_every_session(
    db: Database, accounts: AccountService, sessions: SessionManager, staff: UserSession
) -> None:
    first, second = sessions.issue(staff), sessions.issue(staff)
    accounts.set_password("gongzuo", "a-new-password")
    assert sessions.resolve(first) is None and sessions.resolve(second) is None
    fresh = sessions.issue(accounts.login("gongzuo", "a-new-password"))
    assert sessions.resolve(fresh) == staff
    with db.session() as s:
        rows = list(s.scalars(select(AuthSession).where(AuthSession.revoked.is_(True))))
    assert {r.revoke_reason for r in rows} == {"password_changed"} and len(rows) == 2


def test_password_changed_through_any_code_path_ends_sessions(
    db: Database, sessions: SessionManager, staff: UserSession
) -> None:
    token = sessions.issue(staff)
    with db.session() as s:  # e.g. an admin tool that talks to the repository directly
        UserRepository(s).set_password(staff.user_id, "changed-elsewhere")
    assert sessions.resolve(token) is None


def test_disabling_an_account_ends_its_sessions_for_good(
    accounts: AccountService, sessions: SessionManager, staff: UserSession
) -> None:
    token = sessions.issue(staff)
    accounts.set_active("gongzuo", False)
    assert sessions.resolve(token) is None
    with pytest.raises(PermissionDenied):
        sessions.issue(staff)
    accounts.set_active("gongzuo", True)
    assert sessions.resolve(token) is None  # re-enabling does not revive old sessions
    assert sessions.resolve(sessions.issue(staff)) == staff


def test_revoke_all_and_role_is_read_fresh(
    db: Database, accounts: AccountService, sessions: SessionManager, staff: UserSession
) -> None:
    member = accounts.create("weiyuan", "委员乙", Role.MEMBER, "member-pass-1")
    mine, theirs = sessions.issue(staff), sessions.issue(member)
    with db.session() as s:
        UserRepository(s).get(staff.user_id).role = Role.CITIZEN  # type: ignore[union-attr]
    assert sessions.resolve(mine).role is Role.CITIZEN  # type: ignore[union-attr]
    assert sessions.revoke_all(staff.user_id) == 1
    assert sessions.resolve(mine) is None
    assert sessions.resolve(theirs) == member


def test_purge_removes_expired_sessions(
    db: Database, sessions: SessionManager, staff: UserSession, clock: FakeClock
) -> None:
    old = sessions.issue(staff)
    clock.advance(hours=13)
    live = sessions.issue(staff)
    assert sessions.purge() == 1
    assert sessions.resolve(old) is None and sessions.resolve(live) == staff
    with db.session() as s:
        assert [r.token_digest for r in s.scalars(select(AuthSession))] == [token_digest(live)]
