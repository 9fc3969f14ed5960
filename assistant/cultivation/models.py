"""Data shapes of the cultivation workflow: drafts in the 附件1 format, sources, questions, sessions."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

SourceKind = Literal["item", "policy", "proposal"]
Element = Literal["problem", "affected", "evidence", "cause", "policy", "suggestion"]


class Proposer(BaseModel):
    """提出者 / 职业 / 联系电话 / 联系地址 of the standard format (personal data: never logged)."""

    name: str = ""
    occupation: str = ""
    phone: str = ""
    address: str = ""

    def __repr__(self) -> str:  # keep personal data out of logs
        return "Proposer(…)"

    def missing(self) -> list[str]:
        """Names of the empty fields."""
        return [k for k in ("name", "occupation", "phone", "address") if not getattr(self, k).strip()]


class Source(BaseModel):
    """A past item or policy article a draft drew on, and where it was used."""

    kind: SourceKind
    doc_id: str
    citation: str
    used_for: str = Field(description="Where it was used, e.g. 情况分析第2条 / 具体建议第3条.")
    reply_summary: str | None = Field(default=None, description="What the government reply said was done.")


class Question(BaseModel):
    """A targeted question about a missing element of the idea."""

    element: Element
    text: str


class Violation(BaseModel):
    """A broken constraint of the standard format; ``hard`` ones never leave the engine."""

    code: str
    field: str
    message: str
    hard: bool = True


class Attribution(BaseModel):
    """群众署名: the idea and citizen a proposal comes from; travels with every version."""

    idea_id: int | None = None
    receipt_no: str | None = None
    citizen: Proposer = Field(default_factory=Proposer)
    idea_excerpt: str = ""
    member: str = Field(default="", description="Member or unit submitting on the citizen's behalf, if any.")


class DraftProposal(BaseModel):
    """A proposal in the standard format of 附件1 plus provenance and the engine's notes."""

    title: str
    analysis: list[str] = Field(default_factory=list)
    suggestions: list[str] = Field(default_factory=list)
    proposer: Proposer = Field(default_factory=Proposer)
    remarks: str = ""
    sources: list[Source] = Field(default_factory=list)
    violations: list[Violation] = Field(default_factory=list, description="Hard violations left (always empty).")
    warnings: list[Violation] = Field(default_factory=list, description="Soft issues, e.g. missing proposer info.")
    notes: list[str] = Field(default_factory=list, description="What the engine changed (shortened, removed…).")
    questions: list[Question] = Field(default_factory=list)
    attribution: Attribution | None = None
    backend: str = "offline"
    model: str | None = None
    prompt_version: str | None = None

    def proposal_dict(self) -> dict[str, Any]:
        """``{"title", "analysis", "suggestions"}``."""
        return {"title": self.title, "analysis": list(self.analysis), "suggestions": list(self.suggestions)}

    def batch_record(self, case_id: Any) -> dict[str, Any]:
        """The ``baixing draft --jsonl`` output line."""
        return {
            "id": case_id,
            "proposal": self.proposal_dict(),
            "questions": [q.model_dump() for q in self.questions],
            "sources": [s.model_dump() for s in self.sources],
            "violations": [v.model_dump() for v in self.violations],
        }


class SessionState(BaseModel):
    """A stored multi-turn cultivation session: the idea, the answers so far and the latest draft."""

    draft_id: int | None = None
    idea_id: int | None = None
    round: int = 1
    idea_text: str
    answers: dict[str, str] = Field(default_factory=dict)
    draft: DraftProposal


class StoredSession(BaseModel):
    """The cultivation session as of one draft version (``draft_versions.session_state``).

    The draft itself lives in the version's columns; the proposer's address in ``proposer_address``;
    the citizen (群众署名) in ``ideas.citizen_*``.
    """

    round: int = 1
    answers: dict[str, str] = Field(default_factory=dict)
    questions: list[Question] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    member: str = Field(default="", description="Member or unit submitting on the citizen's behalf, if any.")
    backend: str = "offline"
    model: str | None = None
    prompt_version: str | None = None
