"""Request dependencies: the composition root, the client's real address, per-address limits, bearer tokens
and role checks (401 without a valid token, 403 for the wrong role)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Depends, Request

from api.errors import ApiError
from assistant.accounts import UserSession
from assistant.security.limits import Action
from assistant.security.net import client_address
from assistant.storage.enums import Role

BEARER = "bearer"
NEED_LOGIN_ZH = "请先登录：在请求头中带上 Authorization: Bearer <访问令牌>（由 POST /api/v1/auth/token 取得）。"
EXPIRED_ZH = "访问令牌无效、已过期或已注销，请重新登录。"


def container_of(request: Request) -> Any:
    """The composition root the application was built with."""
    return request.app.state.container


def client_ip(request: Request) -> str:
    """The client's address (X-Forwarded-For only from a configured reverse proxy)."""
    container = container_of(request)
    peer = request.client.host if request.client else None
    return client_address(peer, request.headers.get("x-forwarded-for"),
                          container.settings.security.trusted_proxies)


def limited(action: Action) -> Callable[[Request], None]:
    """A dependency counting one ``action`` against the client's address (429 with Retry-After when over)."""

    def check(request: Request) -> None:
        container_of(request).rate_limits.check(action, client_ip(request))

    return check


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer …`` header, if any."""
    header = request.headers.get("authorization") or ""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != BEARER or not token.strip():
        return None
    return token.strip()


def current_user(request: Request) -> UserSession:
    """The logged-in user of the bearer token (401 otherwise)."""
    token = bearer_token(request)
    if token is None:
        raise ApiError(401, "unauthorized", NEED_LOGIN_ZH, {"WWW-Authenticate": "Bearer"})
    user = container_of(request).sessions.resolve(token)
    if user is None:
        raise ApiError(401, "unauthorized", EXPIRED_ZH, {"WWW-Authenticate": 'Bearer error="invalid_token"'})
    return user


def role(*roles: Role) -> Callable[..., UserSession]:
    """A dependency: the logged-in user when their role is one of ``roles`` (admins pass), else 403."""
    names = "或".join({Role.STAFF: "工作人员", Role.MEMBER: "委员", Role.EVALUATOR: "评估人员",
                       Role.ADMIN: "管理员"}.get(r, str(r)) for r in roles)

    def check(user: UserSession = Depends(current_user)) -> UserSession:  # noqa: B008
        if user.role is not Role.ADMIN and user.role not in roles:
            raise ApiError(403, "forbidden", f"您当前的身份是{user.role_zh}，此接口仅限{names}使用。")
        return user

    return check


staff_only = role(Role.STAFF)
