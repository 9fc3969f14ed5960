"""Typed results of routing: the suggestion shown to staff and the LLM's answer schema."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from assistant.tasks.models import EngineStamp

Role = Literal["主办", "协办"]
Linkage = Literal["national", "provincial", "city"]


class UnitSuggestion(BaseModel):
    """One suggested handling unit."""

    name: str = Field(description="Official name from the unit catalogue.")
    role: Role
    score: float = Field(ge=0.0, le=1.0)
    reason: str
    similar_items: list[str] = Field(default_factory=list, description="Ids of past items whose reply supports it.")


class RoutingDecision(EngineStamp):
    """Domain, units, committee and channel for one idea, with reasons."""

    domain: str
    domain_confidence: float = Field(ge=0.0, le=1.0)
    level2: str | None = Field(default=None, description="Second-level class, only when confident.")
    units: list[UnitSuggestion]
    committee: str
    committee_reason: str
    channel: str
    channel_reason: str
    abstain: bool
    abstain_reason: str | None = None
    linkage: Linkage | None = Field(
        default=None, description="上下联动: national / provincial action needed, or city coordination (四(五)5)."
    )
    linkage_reason: str | None = None

    def batch_record(self, case_id: Any) -> dict[str, Any]:
        """The documented batch line: id, domain, units, committee, channel, abstain, linkage."""
        return {
            "id": case_id,
            "domain": self.domain,
            "units": [
                {"name": u.name, "role": u.role, "score": round(u.score, 3), "reason": u.reason} for u in self.units
            ],
            "committee": self.committee,
            "channel": self.channel,
            "abstain": self.abstain,
            "linkage": self.linkage,
        }

    def audit_summary(self) -> dict[str, Any]:
        """What the audit log keeps (no citizen text)."""
        return {
            "domain": self.domain,
            "units": [(u.name, u.role, round(u.score, 3)) for u in self.units],
            "committee": self.committee,
            "channel": self.channel,
            "abstain": self.abstain,
            "linkage": self.linkage,
            "backend": self.backend,
            "model": self.model,
            "prompt_version": self.prompt_version,
        }


class LLMUnitChoice(BaseModel):
    """A unit the model chose (must be a catalogue name)."""

    unit: str = Field(description="承办单位的正式名称，只能从候选目录中原样选择。")
    role: Literal["主办", "协办"]
    reason: str = Field(max_length=300, description="一两句中文理由，引用该单位职责。")


class LLMRouting(BaseModel):
    """What the model returns for one idea."""

    domain: str = Field(description="一级分类名称，只能从目录中选择。")
    units: list[LLMUnitChoice] = Field(min_length=1, max_length=3)
    committee: str = Field(description="对口专门委员会名称，只能从目录中选择。")
    channel: str = Field(description="三个通道之一。")
    channel_reason: str = Field(max_length=300)
    abstain: bool = Field(description="没有把握时为 true（建议人工分办）。")
    confidence: float = Field(ge=0.0, le=1.0)
