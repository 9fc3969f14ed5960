"""Plain records the stores return: services read these, never ORM rows (which live only in storage)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from assistant.storage.enums import DraftStatus, IdeaSource, IdeaStatus


@dataclass(frozen=True)
class CitizenInfo:
    """Personal data of the citizen behind an idea; hidden from ``repr`` (and so from logs)."""

    name: str | None = field(default=None, repr=False)
    occupation: str | None = field(default=None, repr=False)
    phone: str | None = field(default=None, repr=False)
    address: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class IdeaRecord:
    """One idea (金点子)."""

    id: int
    receipt_no: str | None
    title: str | None
    raw_text: str
    status: IdeaStatus
    source: IdeaSource
    channel: str | None
    domain: str | None
    citizen: CitizenInfo
    created_at: datetime
    submitted_at: datetime | None
    submitted_by: int | None = None
    import_batch_id: int | None = None
    import_row: int | None = None
    consent_at: datetime | None = None
    consent_notice: str | None = None
    contact_erased_at: datetime | None = None

    @property
    def display_title(self) -> str:
        """The title, or the beginning of the text."""
        return self.title or self.raw_text[:30]


@dataclass(frozen=True)
class Consent:
    """A citizen's agreement to the personal-information notice: which version, when."""

    notice: str
    at: datetime


@dataclass(frozen=True)
class StatusRecord:
    """One move of an idea's status: from, to, who, when, why."""

    from_status: IdeaStatus | None
    to_status: IdeaStatus
    at: datetime
    by_id: int | None
    by_name: str | None
    note: str | None


@dataclass(frozen=True)
class VersionContent:
    """What one draft version holds (the 附件1 fields, the sources and the cultivation session state)."""

    title: str
    analysis: list[str]
    suggestions: list[str]
    proposer: CitizenInfo = field(default_factory=CitizenInfo)
    remarks: str | None = None
    sources: list[dict[str, Any]] = field(default_factory=list)
    violations: list[dict[str, Any]] = field(default_factory=list)
    session_state: dict[str, Any] | None = None


@dataclass(frozen=True)
class VersionRecord:
    """A stored version of a draft."""

    id: int
    draft_id: int
    version_no: int
    content: VersionContent
    created_at: datetime
    author_id: int | None
    author_name: str | None
    change_note: str | None


@dataclass(frozen=True)
class DraftRecord:
    """A draft (its content is in versions)."""

    id: int
    idea_id: int | None
    status: DraftStatus
    current_version: int
    member_id: int | None
    created_by: int | None


@dataclass(frozen=True)
class ReviewRecord:
    """What a screening (and routing) of an idea stores: the verdict, its details and the suggested units."""

    in_scope: bool
    confidence: float | None
    reasons: list[str]
    details: dict[str, Any]
    domain: str | None = None
    suggested_units: list[dict[str, Any]] | None = None
    """None when the review had no routing."""


@dataclass(frozen=True)
class Started:
    """A new idea with its first draft version."""

    idea_id: int
    draft_id: int
    version_no: int


@dataclass(frozen=True)
class Submitted:
    """A submission: the receipt and what was stored."""

    idea_id: int
    receipt_no: str
    draft_id: int | None
    version_no: int | None
    status: IdeaStatus
    repeated: bool = False
    """True when the idempotency key had already been used: nothing new was stored."""
