"""Typed results of the citizen and member workflows (what the pages format)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from assistant.cultivation.models import DraftProposal, Question
from assistant.cultivation.polish import Edit, Novelty
from assistant.cultivation.rubric import QualityReport
from assistant.screening.models import Redirect
from retrieval.documents import Hit


class DraftUpdate(BaseModel):
    """One step of a (possibly streamed) draft: partial text while it is written, the stored draft at the end."""

    partial: str | None = None
    draft: DraftProposal | None = None
    draft_id: int | None = None
    round: int = 1
    kept_edits: bool = False
    """A redraft kept the citizen's hand edits and only added points."""
    added: int = 0
    """How many points the redraft added to the citizen's edited draft."""

    @property
    def done(self) -> bool:
        """True for the final update."""
        return self.draft is not None


class Receipt(BaseModel):
    """What a citizen gets after submitting."""

    receipt_no: str
    idea_id: int
    draft_id: int
    version_no: int
    status: str
    status_zh: str


class StatusEntry(BaseModel):
    """One status change, as shown to a citizen."""

    at: datetime
    status: str
    status_zh: str
    note: str | None = None
    by: str | None = None


class VersionEntry(BaseModel):
    """One stored version of the citizen's draft: who made it, when, why."""

    version_no: int
    at: datetime
    by: str
    note: str
    title: str


class StatusView(BaseModel):
    """The public status of an idea by receipt number (no personal data)."""

    receipt_no: str
    title: str
    status: str
    status_zh: str
    created_at: datetime
    history: list[StatusEntry]
    versions: list[VersionEntry] = Field(default_factory=list)


class SubmissionResult(BaseModel):
    """The answer to a one-step submission (the JSON API): a receipt and the draft, or where to go instead."""

    receipt_no: str | None
    in_scope: bool
    category: str | None = None
    reason: str | None = None
    redirect: Redirect | None = None
    reframe: str | None = None
    domain: str | None = None
    questions: list[Question] = Field(default_factory=list)
    draft: DraftProposal | None = None
    draft_id: int | None = None
    version_no: int | None = None
    status: str | None = None
    status_zh: str | None = None
    repeated: bool = False


class AnswerResult(BaseModel):
    """Answers added after submission: the new version and whether the text was rewritten from them."""

    receipt_no: str
    version_no: int
    redrafted: bool
    draft: DraftProposal
    questions: list[Question] = Field(default_factory=list)


class VersionInfo(BaseModel):
    """One stored version of a draft."""

    version_no: int
    created_at: datetime
    author: str
    note: str
    title: str


class Submission(BaseModel):
    """A citizen submission in the member's list."""

    receipt_no: str
    idea_id: int
    draft_id: int | None
    title: str
    status_zh: str
    created_at: datetime

    def label(self) -> str:
        """One line for a drop-down."""
        return f"{self.receipt_no}｜{self.title}｜{self.status_zh}"


class MemberDraft(BaseModel):
    """A draft opened by a member: the latest version, who it comes from, and its history."""

    draft_id: int
    version_no: int
    draft: DraftProposal
    credited: list[str] = Field(default_factory=list, description="群众署名: one line per credited idea.")
    versions: list[VersionInfo] = Field(default_factory=list)


class PolishResult(BaseModel):
    """Rubric and suggested edits of the latest version."""

    draft_id: int
    version_no: int
    report: QualityReport
    edits: list[Edit]


class DuplicateCheck(BaseModel):
    """Novelty against past items, with the closest items and their replies."""

    novelty: Novelty
    items: list[Hit]
