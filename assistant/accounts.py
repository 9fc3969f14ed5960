"""Accounts: log in, check roles server-side, create the first accounts of a fresh installation."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from assistant.errors import InputError, PermissionDenied
from assistant.settings import SecuritySettings
from assistant.storage.auth import AccountRecord, AuthStore
from assistant.storage.enums import Role
from assistant.storage.passwords import dummy_hash, verify_or_dummy
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


def session_of(account: AccountRecord) -> UserSession:
    """The acting session of a stored account."""
    return UserSession(user_id=account.id, username=account.username, display_name=account.display_name,
                       role=account.role)


class AccountService:
    """Log in and manage accounts (through the :class:`AuthStore`).

    Logins are throttled (``LoginThrottler``: a username or an address is locked after too many wrong
    passwords; every failure is audited) and, when ``limits`` is given, rate-limited per address.
    ``database``: the :class:`~assistant.storage.db.Database` (or an :class:`AuthStore` over it).
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

        self.store = database if isinstance(database, AuthStore) else AuthStore(database)  # type: ignore[arg-type]
        self.security = security or SecuritySettings()
        self.limits = limits
        self.clock = clock
        self.throttle = LoginThrottler(self.store, self.security, clock=clock)
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
        account, password_hash = self.store.credentials(name)
        too_long = len(password) > MAX_PASSWORD_CHARS
        matches = verify_or_dummy("" if too_long else password, password_hash)
        found: UserSession | None = None
        if account is None:
            reason = "unknown user"
        elif too_long or not matches:
            reason = "wrong password"
        elif not account.is_active:
            reason = "inactive account"
        else:
            found = session_of(account)
        if found is None or found.user_id is None:
            locked = self.throttle.failed(name, address, None if account is None else account.id, reason)
            if locked is not None:
                raise locked
            raise InputError(BAD_CREDENTIALS_ZH, "bad credentials")
        self.throttle.succeeded(name, address, found.user_id)
        return found

    def create(self, username: str, display_name: str, role: Role | str, password: str) -> UserSession:
        """A new account (ConflictError when the username is taken)."""
        if len(password) < 8:
            raise InputError("密码至少需要 8 个字符。", "short password")
        if len(password) > MAX_PASSWORD_CHARS:
            raise InputError(f"密码不能超过 {MAX_PASSWORD_CHARS} 个字符。", "long password")
        return session_of(self.store.create_account(username, display_name or username, role, password))

    def set_password(self, username: str, password: str) -> None:
        """Change a password; every login session of the account ends (audited)."""
        if len(password) < 8:
            raise InputError("密码至少需要 8 个字符。", "short password")
        if len(password) > MAX_PASSWORD_CHARS:
            raise InputError(f"密码不能超过 {MAX_PASSWORD_CHARS} 个字符。", "long password")
        self.store.set_password(username, password, now=self.clock())
        self.throttle.unlock(username=username)

    def set_active(self, username: str, active: bool) -> None:
        """Enable or disable an account; disabling ends every login session of it (audited)."""
        self.store.set_active(username, active, now=self.clock())

    def unlock(self, username: str) -> None:
        """Lift a username's login lockout (an admin, after checking with the person)."""
        self.throttle.unlock(username=username)

    def get(self, user_id: int | None) -> UserSession | None:
        """The session of an active account by id (None when unknown or disabled)."""
        account = self.store.account(user_id)
        return session_of(account) if account is not None and account.is_active else None

    def list_accounts(self) -> list[UserSession]:
        """Every account."""
        return [session_of(a) for a in self.store.accounts()]

    def ensure_initial_accounts(self, data_dir: Path, roles: Iterable[Role] = BOOTSTRAP_ROLES) -> Path | None:
        """On a fresh installation (no users), create one account per role with a random password.

        The passwords are written to ``<data_dir>/initial-accounts.txt`` (readable by the owner only) and
        that path is returned; None when accounts already exist.
        """
        if self.store.accounts():
            return None
        made = [(str(role), f"{ROLE_NAMES_ZH[role]}（初始账号）", role, secrets.token_urlsafe(9)) for role in roles]
        if not self.store.create_initial(made):
            return None
        lines = ["# 首次启动自动创建的账号（请登录后用 `baixing user passwd` 修改密码，然后删除本文件）"]
        lines += [f"{ROLE_NAMES_ZH[role]}\t用户名 {username}\t密码 {password}" for username, _, role, password in made]
        from assistant.security.files import write_private

        return write_private(data_dir / ACCOUNTS_FILE, "\n".join(lines) + "\n")
