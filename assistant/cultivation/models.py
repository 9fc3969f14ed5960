"""Data shapes of the cultivation workflow: drafts in the 附件1 format, sources, questions, sessions."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from assistant.routing.models import RoutingDecision

SourceKind = Literal["item", "policy", "proposal"]
Element = Literal[
    "where", "affected", "evidence", "cause", "suggestion", "detail", "actor", "policy",
    "problem",  # older sessions: the situation (now ``where`` / ``evidence``)
]
Jurisdiction = Literal["广州市", "广东省", "全国", "外地"]
GUANGZHOU_JURISDICTIONS: frozenset[str] = frozenset({"广州市", "广东省", "全国"})
CONTEXT_LABEL = "外地类似留言及答复（参考）"
POLICY_CONTEXT_LABEL = "可能相关的政策条文（请核实是否适用）"


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


class Reference(BaseModel):
    """A retrieved document as the drafter sees it: what it says, where it applies, whether it is on point.

    ``jurisdiction`` 外地 (another city's messages, other cities' or provinces' regulations) never supports a
    statement in the body: such references only appear beside the draft (``context_references``).
    """

    doc_id: str
    kind: SourceKind
    title: str
    citation: str
    text: str = Field(default="", description="The message text or the article's full text.")
    reply: str | None = Field(default=None, description="The government's reply (items).")
    jurisdiction: Jurisdiction = "外地"
    applies_to_guangzhou: bool = False
    relevant: bool = True
    score: float = 0.0
    matched_terms: list[str] = Field(default_factory=list)
    year: int | None = None


class ContextReference(BaseModel):
    """Material shown BESIDE the draft (never in its body), with its label and true standing."""

    label: str = Field(description="外地类似留言及答复（参考） / 可能相关的政策条文（请核实是否适用）.")
    doc_id: str
    kind: SourceKind
    title: str
    citation: str
    jurisdiction: Jurisdiction
    summary: str = Field(default="", description="What the reply says was done, or the article's opening.")


class ChannelPointer(BaseModel):
    """A personal matter found in the idea and the channel that handles it (shown beside the draft)."""

    matter: str = Field(description="The personal grievance, shortened.")
    category: str
    channel: str
    purpose: str
    how: str


class DraftRequest(BaseModel):
    """Everything one offline draft is made from (the single entry of :class:`OfflineDrafter`)."""

    idea: str
    answers: dict[str, str] = Field(default_factory=dict, description="Question element → the citizen's answer.")
    references: list[Reference] = Field(default_factory=list)
    routing: RoutingDecision | None = Field(default=None, description="units[0] = 主办, the rest 协办.")
    proposer: Proposer | None = None
    attribution: Attribution | None = None
    asked: set[str] = Field(default_factory=set, description="Elements asked in earlier rounds.")
    duplicate_count: int | None = Field(default=None, description="Similar ideas the platform has received.")


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
    context_references: list[ContextReference] = Field(
        default_factory=list, description="Shown beside the draft: other cities' messages and replies, etc.")
    redirects: list[ChannelPointer] = Field(default_factory=list, description="Personal matters → channels.")
    extracted: Proposer | None = Field(
        default=None, description="Personal data taken out of the idea, offered for the 提出者 fields.")
    privacy_notice: str = ""
    gaps: list[str] = Field(default_factory=list, description="Elements marked （待补充：…） in the body.")
    units: list[str] = Field(default_factory=list, description="Units the suggestions name: 主办 first, then 协办.")
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
    routing: RoutingDecision | None = Field(default=None, description="The routing the draft names its units from.")


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
    routing: RoutingDecision | None = None
    context_references: list[ContextReference] = Field(default_factory=list)
    redirects: list[ChannelPointer] = Field(default_factory=list)
    extracted: Proposer | None = None
    privacy_notice: str = ""
    gaps: list[str] = Field(default_factory=list)
    units: list[str] = Field(default_factory=list)
