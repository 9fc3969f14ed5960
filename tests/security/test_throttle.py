"""Login throttling: lockout after 10 wrong passwords, unknown users answered like known ones, all audited."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from assistant.accounts import BAD_CREDENTIALS_ZH, AccountService, UserSession
from assistant.errors import BaixingError, InputError
from assistant.security.errors import LoginLocked, RateLimited
from assistant.security.limits import RateLimits
from assistant.settings import LimitsSettings, SecuritySettings
from assistant.storage.db import Database
from assistant.storage.orm import SecurityEvent
from tests.security.conftest import FakeClock, has_chinese

ADDRESS = "198.51.100.20"


def _fail(accounts: AccountService, username: str, times: int, address: str = ADDRESS) -> list[BaixingError]:
    errors = []
    for _ in range(times):
        with pytest.raises(BaixingError) as caught:
            accounts.login(username, "wrong-password", address)
        errors.append(caught.value)
    return errors


def _events(db: Database, kind: str) -> list[SecurityEvent]:
    with db.session() as s:
        return list(s.scalars(select(SecurityEvent).where(SecurityEvent.kind == kind).order_by(SecurityEvent.id)))


def test_ten_wrong_passwords_lock_the_account(
    db: Database, accounts: AccountService, staff: UserSession, clock: FakeClock
) -> None:
    errors = _fail(accounts, "gongzuo", 10)
    assert all(not isinstance(e, LoginLocked) for e in errors[:9])
    assert isinstance(errors[9], LoginLocked) and "15 分钟后再试" in errors[9].user_message
    with pytest.raises(LoginLocked) as locked:  # even the right password is refused while locked
        accounts.login("gongzuo", "staff-pass-1", ADDRESS)
    assert has_chinese(locked.value.user_message) and locked.value.retry_after == 15 * 60
    with pytest.raises(LoginLocked):  # from another address too: the lock is on the account
        accounts.login("gongzuo", "staff-pass-1", "192.0.2.1")
    clock.advance(minutes=16)
    assert accounts.login("gongzuo", "staff-pass-1", ADDRESS) == staff

    failed, lockouts = _events(db, "login_failed"), _events(db, "login_locked")
    assert len(failed) == 10 and len(lockouts) == 1
    assert {e.username for e in failed} == {"gongzuo"} and {e.user_id for e in failed} == {staff.user_id}
    assert failed[0].address == ADDRESS and failed[0].detail["reason"] == "wrong password"
    assert len(_events(db, "login_refused_locked")) == 2 and len(_events(db, "login_ok")) == 1


def test_a_right_password_resets_the_count(accounts: AccountService, staff: UserSession) -> None:
    _fail(accounts, "gongzuo", 9)
    assert accounts.login("gongzuo", "staff-pass-1", ADDRESS) == staff
    errors = _fail(accounts, "gongzuo", 9)
    assert not any(isinstance(e, LoginLocked) for e in errors)


def test_old_failures_fall_out_of_the_window(accounts: AccountService, staff: UserSession, clock: FakeClock) -> None:
    _fail(accounts, "gongzuo", 9)
    clock.advance(minutes=16)
    errors = _fail(accounts, "gongzuo", 9)
    assert not any(isinstance(e, LoginLocked) for e in errors)
    assert accounts.login("gongzuo", "staff-pass-1") == staff


def test_unknown_user_is_answered_like_a_known_one(db: Database, accounts: AccountService, staff: UserSession) -> None:
    known = _fail(accounts, "gongzuo", 10, "192.0.2.10")
    unknown = _fail(accounts, "nobody-here", 10, "192.0.2.11")
    assert [e.user_message for e in known] == [e.user_message for e in unknown]
    assert [type(e) for e in known] == [type(e) for e in unknown]
    assert known[0].user_message == BAD_CREDENTIALS_ZH
    with pytest.raises(LoginLocked) as a:
        accounts.login("gongzuo", "x", "192.0.2.12")
    with pytest.raises(LoginLocked) as b:
        accounts.login("nobody-here", "x", "192.0.2.12")
    assert a.value.user_message == b.value.user_message
    # The typed name of an unknown account is kept only as a digest (it may be a mistyped password).
    names = {e.username for e in _events(db, "login_failed") if e.user_id is None}
    assert names == {"unknown:" + hashlib.sha256(b"nobody-here").hexdigest()[:16]}


def test_unknown_user_costs_the_same_scrypt_work(
    accounts: AccountService, staff: UserSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assistant.storage.passwords as passwords

    passwords.dummy_hash()  # made once per process, before counting
    calls: list[int] = []
    real = passwords.hashlib.scrypt

    def counting(*args: object, **kwargs: object) -> bytes:
        calls.append(int(kwargs["n"]))  # type: ignore[arg-type]
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(passwords.hashlib, "scrypt", counting)
    _fail(accounts, "gongzuo", 1)
    known = list(calls)
    calls.clear()
    _fail(accounts, "nobody-here", 1)
    assert known == calls == [2**14]  # one scrypt with the same cost parameter each


def test_disabled_account_gets_the_same_answer(accounts: AccountService, staff: UserSession) -> None:
    accounts.set_active("gongzuo", False)
    with pytest.raises(InputError) as disabled:
        accounts.login("gongzuo", "staff-pass-1", ADDRESS)
    assert disabled.value.user_message == BAD_CREDENTIALS_ZH


def test_huge_password_is_a_plain_failure(accounts: AccountService, staff: UserSession) -> None:
    with pytest.raises(InputError) as caught:
        accounts.login("gongzuo", "x" * 1_000_000, ADDRESS)
    assert caught.value.user_message == BAD_CREDENTIALS_ZH


def test_an_address_trying_many_usernames_is_locked(db: Database, clock: FakeClock, staff: UserSession) -> None:
    accounts = AccountService(db, SecuritySettings(address_lockout_threshold=5), clock=clock)
    errors = [e for name in ("a1", "a2", "a3", "a4", "a5") for e in _fail(accounts, name, 1)]
    assert isinstance(errors[-1], LoginLocked)
    with pytest.raises(LoginLocked):
        accounts.login("gongzuo", "staff-pass-1", ADDRESS)
    assert accounts.login("gongzuo", "staff-pass-1", "192.0.2.99") == staff  # other addresses are fine
    lock = _events(db, "login_locked")
    assert len(lock) == 1 and lock[0].detail["scope"] == "address"


def test_admin_unlock_and_password_reset_lift_the_lock(accounts: AccountService, staff: UserSession) -> None:
    _fail(accounts, "gongzuo", 10)
    accounts.unlock("gongzuo")
    assert accounts.login("gongzuo", "staff-pass-1", ADDRESS) == staff
    _fail(accounts, "gongzuo", 10)
    accounts.set_password("gongzuo", "brand-new-pass")
    assert accounts.login("gongzuo", "brand-new-pass", ADDRESS) == staff


def test_login_rate_limit_per_address(db: Database, staff: UserSession) -> None:
    limits = RateLimits(LimitsSettings(logins_per_minute=3))
    accounts = AccountService(db, limits=limits)
    for _ in range(3):
        accounts.login("gongzuo", "staff-pass-1", ADDRESS)
    with pytest.raises(RateLimited) as caught:
        accounts.login("gongzuo", "staff-pass-1", ADDRESS)
    assert "秒后再试" in caught.value.user_message
    assert accounts.login("gongzuo", "staff-pass-1", "192.0.2.5") == staff
