"""Typed results of scope screening: the verdict shown to citizens and staff, and the LLM's answer schema."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assistant.llm.schemas import EXCLUSION_CATEGORIES, ExclusionCategory
from assistant.tasks.models import EngineStamp

__all__ = [
    "EXCLUSION_CATEGORIES",
    "ExclusionCategory",
    "LLMScreening",
    "Redirect",
    "ScreeningVerdict",
]


class Redirect(BaseModel):
    """Where a citizen should take a matter that is not a 百姓提案."""

    model_config = ConfigDict(frozen=True)

    channel: str = Field(description="Channel name, e.g. 广州12345政务服务便民热线.")
    purpose: str = Field(description="What the channel handles.")
    how: str = Field(description="How to reach it (phone number, website, office).")

    def short(self) -> str:
        """One line for the CLI and batch output."""
        return f"{self.channel}：{self.purpose}（{self.how}）"


class ScreeningVerdict(EngineStamp):
    """Is the text a 百姓提案 at all, and if not, where should the citizen go?"""

    in_scope: bool
    category: ExclusionCategory | None = None
    confidence: float = Field(ge=0.0, le=1.0, description="Probability that the in/out decision is right.")
    category_confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    reason: str
    clause: str = Field(description="The scheme clause the reason rests on.")
    evidence: list[str] = Field(default_factory=list, description="Phrases of the text the verdict rests on.")
    redirect: Redirect | None = None
    reframe: str | None = Field(default=None, description="How a grievance could become a public proposal.")
    warning: str | None = Field(default=None, description="Set for mixed texts (grievance plus suggestion).")

    @model_validator(mode="after")
    def _consistent(self) -> ScreeningVerdict:
        if self.in_scope and self.category is not None:
            raise ValueError("category must be null when in_scope is true")
        if not self.in_scope and self.category is None:
            raise ValueError("category is required when in_scope is false")
        return self

    def batch_record(self, case_id: Any) -> dict[str, Any]:
        """The documented batch line: id, in_scope, category, confidence, reason, redirect, reframe."""
        return {
            "id": case_id,
            "in_scope": self.in_scope,
            "category": self.category,
            "confidence": round(self.confidence, 3),
            "reason": self.reason,
            "redirect": self.redirect.short() if self.redirect else None,
            "reframe": self.reframe,
        }

    def audit_summary(self) -> dict[str, Any]:
        """What the audit log keeps of a verdict (no citizen text)."""
        return {
            "in_scope": self.in_scope,
            "category": self.category,
            "confidence": round(self.confidence, 3),
            "redirect": self.redirect.channel if self.redirect else None,
            "warning": self.warning is not None,
            "backend": self.backend,
            "model": self.model,
            "prompt_version": self.prompt_version,
        }


class LLMScreening(BaseModel):
    """What the model must return for the ``screening`` prompt (a flat tool schema)."""

    model_config = ConfigDict(extra="ignore")

    in_scope: bool = Field(description="True if the text is a public-interest suggestion within the scheme's scope.")
    category: ExclusionCategory | None = Field(
        default=None, description="When in_scope is false: exactly one excluded category; null when in scope."
    )
    confidence: float = Field(ge=0.0, le=1.0, description="How sure you are of in_scope, between 0 and 1.")
    reason: str = Field(
        min_length=4, max_length=300, description="One or two plain Chinese sentences citing the scheme clause."
    )
    evidence: list[str] = Field(
        default_factory=list, max_length=6, description="Short phrases copied verbatim from the citizen text."
    )
    channel: str | None = Field(
        default=None, description="When out of scope: exactly one channel name from the channel catalogue."
    )
    mixed: bool = Field(
        default=False, description="True if the text mixes a personal grievance with a general suggestion."
    )
    reframe: str | None = Field(
        default=None,
        max_length=200,
        description="For a personal grievance pointing at a general problem: a suggested proposal title and angle.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> LLMScreening:
        if self.in_scope and self.category is not None:
            raise ValueError("category must be null when in_scope is true")
        if not self.in_scope and self.category is None:
            raise ValueError("category is required when in_scope is false")
        return self
