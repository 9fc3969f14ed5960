"""Accounts: log in, check roles server-side, create the first accounts of a fresh installation."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from assistant.errors import InputError, PermissionDenied
from assistant.settings import SecuritySettings
from assistant.storage.enums import Role
from assistant.storage.passwords import dummy_hash, verify_or_dummy
from assistant.storage.repositories.users import UserRepository
from assistant.storage.types import utcnow

if TYPE_CHECKING:
    from assistant.security.limits import RateLimits

ROLE_NAMES_ZH: dict[str, str] = {
    Role.CITIZEN: "市民",
    Role.MEMBER: "委员",
    Role.STAFF: "工作人员",
    Role.EVALUATOR: "评估人员",
    Role.ADMIN: "管理员",
}
BOOTSTRAP_ROLES: tuple[Role, ...] = (Role.ADMIN, Role.MEMBER, Role.STAFF, Role.EVALUATOR)
ACCOUNTS_FILE = "initial-accounts.txt"
MAX_PASSWORD_CHARS = 1024
BAD_CREDENTIALS_ZH = "用户名或密码不正确，或账号已停用。"


class UserSession(BaseModel):
    """Who is logged in on one browser session (kept in per-session state, never in a module global)."""

    model_config = ConfigDict(frozen=True)

    user_id: int | None = Field(description="None for the machine's own operator (command line, background jobs).")
    username: str
    display_name: str
    role: Role

    @property
    def role_zh(self) -> str:
        """The role's Chinese name."""
        return ROLE_NAMES_ZH.get(self.role, str(self.role))


LOCAL_OPERATOR = UserSession(user_id=None, username="operator", display_name="本机操作员", role=Role.ADMIN)
"""Who acts from the command line and in background jobs: whoever may run commands on the server machine."""


def require_role(session: UserSession | None, *roles: Role | str) -> UserSession:
    """The session when its role is one of ``roles`` (admins may do everything); else PermissionDenied."""
    wanted = [Role(r) for r in roles]
    names = "或".join(ROLE_NAMES_ZH[r] for r in wanted)
    if session is None:
        raise PermissionDenied(f"请先以{names}身份登录。", "not logged in")
    if session.role is not Role.ADMIN and session.role not in wanted:
        raise PermissionDenied(f"您当前的身份是{session.role_zh}，此功能仅限{names}使用。", f"role {session.role}")
    return session


class AccountService:
    """Log in and manage accounts over the users table.

    Logins are throttled (``LoginThrottler``: a username or an address is locked after too many wrong
    passwords; every failure is audited) and, when ``limits`` is given, rate-limited per address.
    """

    def __init__(
        self,
        database: object,
        security: SecuritySettings | None = None,
        *,
        limits: RateLimits | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        from assistant.security.throttle import LoginThrottler

        self.database = database
        self.security = security or SecuritySettings()
        self.limits = limits
        self.clock = clock
        self.throttle = LoginThrottler(database, self.security, clock=clock)
        dummy_hash()  # made now (once per process), so the first unknown username costs no extra hash

    def login(self, username: str, password: str, address: str | None = None) -> UserSession:
        """The session of a valid username/password pair; InputError with a Chinese message otherwise.

        ``address``: the client's IP address (per-address rate limit and lockout). A locked username or
        address raises ``LoginLocked``. An unknown username gets the same message after the same scrypt
        work as a wrong password, and is counted and locked like a real one.
        """
        if not (username or "").strip() or not password:
            raise InputError("请输入用户名和密码。", "empty credentials")
        if self.limits is not None:
            self.limits.check("login", address)
        name = username.strip()
        self.throttle.check(name, address)
        found: UserSession | None = None
        with self.database.session() as session:  # type: ignore[attr-defined]
            user = UserRepository(session).get_by_username(name)
            too_long = len(password) > MAX_PASSWORD_CHARS
            matches = verify_or_dummy("" if too_long else password, None if user is None else user.password_hash)
            user_id = None if user is None else user.id
            if user is None:
                reason = "unknown user"
            elif too_long or not matches:
                reason = "wrong password"
            elif not user.is_active:
                reason = "inactive account"
            else:
                found = UserSession(
                    user_id=user.id, username=user.username, display_name=user.display_name, role=Role(user.role)
                )
        if found is None:
            locked = self.throttle.failed(name, address, user_id, reason)
            if locked is not None:
                raise locked
            raise InputError(BAD_CREDENTIALS_ZH, "bad credentials")
        self.throttle.succeeded(name, address, found.user_id)
        return found

    def create(self, username: str, display_name: str, role: Role | str, password: str) -> UserSession:
        """A new account (ConflictError when the username is taken)."""
        if len(password) < 8:
            raise InputError("密码至少需要 8 个字符。", "short password")
        with self.database.session() as session:  # type: ignore[attr-defined]
            user = UserRepository(session).create(username, display_name or username, role, password)
            session.flush()
            return UserSession(
                user_id=user.id, username=user.username, display_name=user.display_name, role=Role(user.role)
            )

    def set_password(self, username: str, password: str) -> None:
        """Change a password; every login session of the account ends (audited)."""
        if len(password) < 8:
            raise InputError("密码至少需要 8 个字符。", "short password")
        if len(password) > MAX_PASSWORD_CHARS:
            raise InputError(f"密码不能超过 {MAX_PASSWORD_CHARS} 个字符。", "long password")
        from assistant.security.sessions import revoke_all_in

        with self.database.session() as session:  # type: ignore[attr-defined]
            repo = UserRepository(session)
            user = repo.get_by_username(username)
            if user is None:
                raise InputError(f"没有用户名为「{username}」的账号。", "unknown user")
            repo.set_password(user.id, password)
            revoke_all_in(session, user.id, "password_changed", self.clock())
        self.throttle.unlock(username=username)

    def set_active(self, username: str, active: bool) -> None:
        """Enable or disable an account; disabling ends every login session of it (audited)."""
        from assistant.security.sessions import revoke_all_in

        with self.database.session() as session:  # type: ignore[attr-defined]
            repo = UserRepository(session)
            user = repo.get_by_username(username)
            if user is None:
                raise InputError(f"没有用户名为「{username}」的账号。", "unknown user")
            repo.set_active(user.id, active)
            if not active:
                revoke_all_in(session, user.id, "account_disabled", self.clock())

    def unlock(self, username: str) -> None:
        """Lift a username's login lockout (an admin, after checking with the person)."""
        self.throttle.unlock(username=username)

    def list_accounts(self) -> list[UserSession]:
        """Every account."""
        with self.database.session() as session:  # type: ignore[attr-defined]
            return [
                UserSession(user_id=u.id, username=u.username, display_name=u.display_name, role=Role(u.role))
                for u in UserRepository(session).list()
            ]

    def ensure_initial_accounts(self, data_dir: Path, roles: Iterable[Role] = BOOTSTRAP_ROLES) -> Path | None:
        """On a fresh installation (no users), create one account per role with a random password.

        The passwords are written to ``<data_dir>/initial-accounts.txt`` (readable by the owner only) and
        that path is returned; None when accounts already exist.
        """
        with self.database.session() as session:  # type: ignore[attr-defined]
            repo = UserRepository(session)
            if repo.list():
                return None
            lines = ["# 首次启动自动创建的账号（请登录后用 `baixing user passwd` 修改密码，然后删除本文件）"]
            for role in roles:
                username = str(role)
                password = secrets.token_urlsafe(9)
                repo.create(username, f"{ROLE_NAMES_ZH[role]}（初始账号）", role, password)
                lines.append(f"{ROLE_NAMES_ZH[role]}\t用户名 {username}\t密码 {password}")
        data_dir.mkdir(parents=True, exist_ok=True)
        path = data_dir / ACCOUNTS_FILE
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        os.chmod(path, 0o600)
        return path
