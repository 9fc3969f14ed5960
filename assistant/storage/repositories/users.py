"""Accounts and password checks."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.storage._sql import get_or_raise
from assistant.storage.enums import Role
from assistant.storage.errors import ConflictError
from assistant.storage.orm import User
from assistant.storage.passwords import hash_password, verify_password


class UserRepository:
    """Accounts and password checks."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def create(self, username: str, display_name: str, role: Role | str, password: str) -> User:
        """A new active user; ConflictError when the username is taken."""
        user = User(
            username=username.strip(),
            display_name=display_name.strip(),
            role=Role(role),
            password_hash=hash_password(password),
            is_active=True,
        )
        try:
            with self.session.begin_nested():
                self.session.add(user)
        except IntegrityError as exc:
            raise ConflictError("该用户名已被使用。", f"username {username!r} exists") from exc
        return user

    def get(self, user_id: int) -> User | None:
        return self.session.get(User, user_id)

    def get_by_username(self, username: str) -> User | None:
        return self.session.scalar(select(User).where(User.username == username.strip()))

    def authenticate(self, username: str, password: str) -> User | None:
        """The active user with this username and password, else None."""
        user = self.get_by_username(username)
        if user is None or not user.is_active or not verify_password(password, user.password_hash):
            return None
        return user

    def set_password(self, user_id: int, password: str) -> None:
        get_or_raise(self.session, User, user_id, "用户").password_hash = hash_password(password)
        self.session.flush()

    def set_active(self, user_id: int, active: bool) -> None:
        get_or_raise(self.session, User, user_id, "用户").is_active = active
        self.session.flush()

    def list(self, role: Role | str | None = None) -> list[User]:
        query = select(User).order_by(User.username)
        if role is not None:
            query = query.where(User.role == Role(role))
        return list(self.session.scalars(query))
