"""Typed values of the task runner: requests, model prompts, the outcome of one run and its audit record."""

from __future__ import annotations

import hashlib
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

OFFLINE = "offline"
FALLBACK = "offline (fallback)"

V = TypeVar("V")


class EngineStamp(BaseModel):
    """Where a shown result came from; every task value carries it so pages and the CLI can say so."""

    backend: str = Field(default=OFFLINE, description="offline, the model backend's name, or offline (fallback).")
    model: str | None = Field(default=None, description="Model name when a model answered or was tried.")
    prompt_version: str | None = Field(default=None, description="Version of the prompt a model was asked with.")
    fallback: str | None = Field(default=None, description="Why the offline engine answered instead of the model.")


class TaskRequest(BaseModel):
    """The input every task shares: the text (cleaned once by the runner) and names to mask."""

    model_config = ConfigDict(frozen=True)

    text: str
    known_names: tuple[str, ...] = Field(default=(), description="Personal names to mask before a model call.")


class ModelPrompt(BaseModel):
    """What a spec hands the LLM layer: trusted variables, delimited citizen text and allowed values."""

    variables: dict[str, Any] = Field(default_factory=dict, description="Trusted values (catalogues, context).")
    untrusted: dict[str, str] = Field(default_factory=dict)
    catalogues: dict[str, list[str]] = Field(default_factory=dict)


class TaskRun(BaseModel):
    """How one task run went: the engine that answered, the prompt version, why it fell back, the cost."""

    task: str
    engine: str = OFFLINE
    model: str | None = None
    prompt_version: str | None = None
    prompt_sha256: str | None = None
    fallback_code: str | None = None
    fallback_message: str | None = None
    fallback_cause: str | None = None
    latency_ms: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    calls: int = 0

    @property
    def is_fallback(self) -> bool:
        """True when the offline engine stood in for a model that failed."""
        return self.fallback_code is not None

    def stamp(self) -> dict[str, Any]:
        """The :class:`EngineStamp` fields of a value produced by this run."""
        return {"backend": self.engine, "model": self.model, "prompt_version": self.prompt_version,
                "fallback": self.fallback_message}


class TaskOutcome(BaseModel, Generic[V]):
    """The value to show, the offline engine's value kept beside it, and how the run went."""

    value: V
    offline: V
    run: TaskRun


class TaskAudit(BaseModel):
    """The one audit record of a task run: no citizen text (a digest), both answers' summaries, the cost."""

    task: str
    entity_type: str
    action: str
    entity_id: str
    input_digest: str
    run: TaskRun
    shown: dict[str, Any]
    offline: dict[str, Any]
    agrees: bool
    user_id: int | None = None


def text_digest(text: str) -> str:
    """SHA-256 of a text: the audit log keeps this instead of what the citizen wrote."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
