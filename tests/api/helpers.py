"""Shared builders of the API tests: valid bodies, containers with an account per role, log-in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from assistant.settings import LimitsSettings, LLMSettings, test_settings
from assistant.storage.enums import Role
from tests.workflow.ideas import IN_SCOPE, OUT_OF_SCOPE

__all__ = ["HIGH_LIMITS", "IN_SCOPE", "OUT_OF_SCOPE", "PASSWORDS", "PHONE", "idea_body", "login", "make_container"]

PASSWORDS = {Role.STAFF: "staff-pass-1", Role.MEMBER: "member-pass-1", Role.EVALUATOR: "eval-pass-1"}
PHONE = "13912345678"
HIGH_LIMITS = LimitsSettings(submissions_per_minute=100000, lookups_per_minute=100000, uploads_per_minute=100000,
                             logins_per_minute=100000)


def idea_body(key: str | None = None, text: str = IN_SCOPE, **extra: Any) -> dict[str, Any]:
    """A valid submission body."""
    body: dict[str, Any] = {"text": text, "proposer": {"name": "张三", "phone": PHONE, "occupation": "教师",
                                                       "address": "广州市天河区"}, "consent": True}
    if key is not None:
        body["idempotency_key"] = key
    body.update(extra)
    return body


def make_container(data_dir: Path, mini_corpus: Path, **overrides: Any) -> Any:
    """A composition root over ``data_dir`` (offline engines, high limits unless overridden)."""
    from assistant.container import Container

    settings = test_settings(data_dir, corpus_dir=mini_corpus, llm=LLMSettings(mode="offline"),
                             limits=overrides.pop("limits", HIGH_LIMITS), **overrides)
    container = Container(settings)
    for role, password in PASSWORDS.items():
        container.accounts.create(str(role), f"测试{role}", role, password)
    return container



def login(client: TestClient, role: Role) -> str:
    """A bearer token of the test account of ``role``."""
    response = client.post("/api/v1/auth/token", json={"username": str(role), "password": PASSWORDS[role]})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])
