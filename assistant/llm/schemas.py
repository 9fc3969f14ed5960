"""Shared LLM-facing schemas: what the model must return, validated by pydantic.

These classes are sent to the model as tool (function) definitions, so field descriptions are part of the
contract. Later issues may refine them; keep them small and flat (7B-class models handle flat schemas best).
Catalogue-bound fields (``domain``, ``units``) are checked against the catalogue passed with the prompt by
:func:`assistant.llm.guard.check_catalogue` (pass ``catalogues=`` to ``LLMRunner.run_structured``).
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

ExclusionCategory = Literal[
    "个人问题", "民事纠纷", "司法诉讼", "行政复议", "行政诉讼", "投诉", "举报", "信访"
]
"""Matters outside the 百姓提案 scope (scheme §4(1))."""

EXCLUSION_CATEGORIES: tuple[str, ...] = get_args(ExclusionCategory)

IDEA_ANALYSIS_CATALOGUE_FIELDS = ("domain", "units")
"""Fields of :class:`IdeaAnalysis` whose values must come from catalogues passed in the prompt."""


class IdeaAnalysis(BaseModel):
    """Screening and routing of one citizen idea in one call: scope verdict, policy domain, handling units."""

    model_config = ConfigDict(extra="ignore")

    in_scope: bool = Field(
        description="True if the idea is a public-interest suggestion within the scheme's scope."
    )
    exclusion_category: ExclusionCategory | None = Field(
        default=None, description="When in_scope is false: the excluded category; null when in_scope is true."
    )
    scope_reason: str = Field(
        min_length=2, max_length=300, description="One or two sentences explaining the verdict."
    )
    domain: str | None = Field(
        default=None,
        description="Policy domain, exactly one value of the domain catalogue; null if none fits.",
    )
    units: list[str] = Field(
        default_factory=list,
        max_length=5,
        description="Candidate handling units: exact names from the unit catalogue, most relevant first.",
    )
    summary: str = Field(default="", max_length=120, description="The idea restated in one neutral sentence.")

    @model_validator(mode="after")
    def _verdict_consistent(self) -> IdeaAnalysis:
        if self.in_scope and self.exclusion_category is not None:
            raise ValueError("exclusion_category must be null when in_scope is true")
        if not self.in_scope and self.exclusion_category is None:
            raise ValueError("exclusion_category is required when in_scope is false")
        if len(set(self.units)) != len(self.units):
            raise ValueError("units must not repeat")
        return self


class ProposalDraft(BaseModel):
    """A proposal in the standard format (annex 1): title, situation analysis, concrete suggestions."""

    model_config = ConfigDict(extra="ignore")

    title: str = Field(min_length=4, max_length=60, description="Title of the form 关于……的“百姓提案”.")
    analysis: list[str] = Field(
        min_length=1,
        max_length=8,
        description="Situation analysis as numbered points (total at most 500 characters).",
    )
    suggestions: list[str] = Field(
        min_length=1,
        max_length=10,
        description="Concrete suggestions as numbered points (total at most 1000 characters).",
    )

    @model_validator(mode="after")
    def _lengths(self) -> ProposalDraft:
        if sum(len(p) for p in self.analysis) > 500:
            raise ValueError("analysis exceeds 500 characters in total")
        if sum(len(p) for p in self.suggestions) > 1000:
            raise ValueError("suggestions exceed 1000 characters in total")
        return self
