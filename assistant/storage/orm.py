"""SQLAlchemy 2.x typed declarative models: the whole relational schema.

Personal data of citizens lives only in the ``ideas.citizen_*`` columns; ``__repr__`` of every model
leaves it out, and engines are created with ``hide_parameters=True`` so it never reaches logs.
All times are aware UTC datetimes (see ``UTCDateTime``).

LLM accounting: ``assistant_audit`` has one row per suggestion shown to a user (with its summed latency
and tokens); ``llm_calls`` has one row per model request (retries, failures, eval calls), linked to the
audit row when there is one. Prompts and raw inputs are never stored, only their SHA-256 digests.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.orm.base import NO_VALUE

from assistant.storage.enums import DraftStatus, IdeaSource, IdeaStatus, Role
from assistant.storage.types import EnumText, JSONDoc, UTCDateTime, doc_id_type, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a naming convention (stable constraint names for migrations)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)

    def __repr__(self) -> str:
        pk = ", ".join(f"{c.name}={getattr(self, c.key, None)!r}" for c in self.__table__.primary_key)
        return f"<{type(self).__name__} {pk}>"


def _created() -> Mapped[datetime]:
    return mapped_column(UTCDateTime(), default=utcnow, nullable=False)


def _user_fk(ondelete: str = "SET NULL") -> Mapped[int | None]:
    return mapped_column(ForeignKey("users.id", ondelete=ondelete), nullable=True)


def _audit_fk() -> Mapped[int | None]:
    return mapped_column(ForeignKey("assistant_audit.id", ondelete="SET NULL"), nullable=True)


# --- people -----------------------------------------------------------------------------------------


class User(Base):
    """Someone who logs in: citizen, CPPCC member, staff, evaluator or admin."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    display_name: Mapped[str] = mapped_column(String(100), nullable=False)
    role: Mapped[Role] = mapped_column(EnumText(Role, 16), nullable=False, index=True)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    created_at: Mapped[datetime] = _created()
    session_epoch: Mapped[int] = mapped_column(
        Integer, default=0, server_default="0", nullable=False,
        doc="Bumped when the password changes or the account is disabled: older login sessions stop working.",
    )

    def __repr__(self) -> str:
        return f"<User id={self.id!r} username={self.username!r} role={self.role!r}>"


# --- imports and the retrieval corpus ----------------------------------------------------------------


class IngestBatch(Base):
    """One ingested file (corpus documents or imported ideas); (file_sha256, kind) is unique, so the
    same file is never ingested twice."""

    __tablename__ = "ingest_batches"
    __table_args__ = (UniqueConstraint("file_sha256", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    file_name: Mapped[str] = mapped_column(String(500), nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    rows_ok: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    rows_failed: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    errors: Mapped[list[Any]] = mapped_column(JSONDoc(), default=list, nullable=False)
    created_at: Mapped[datetime] = _created()
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    """NULL while the file is being imported: an interrupted import resumes where it stopped."""


class IngestRow(Base):
    """Which row of which batch produced which record (document id, idea id)."""

    __tablename__ = "ingest_rows"
    __table_args__ = (Index(None, "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("ingest_batches.id", ondelete="CASCADE"), nullable=False, index=True
    )
    row_no: Mapped[int] = mapped_column(Integer, nullable=False)
    entity_type: Mapped[str] = mapped_column(String(32), nullable=False)
    entity_id: Mapped[str] = mapped_column(String(255), nullable=False)
    changed: Mapped[bool] = mapped_column(Boolean, nullable=False)


class DocumentRow(Base):
    """A retrievable document (``retrieval.documents.Document``); see ``SqlDocumentStore``."""

    __tablename__ = "documents"

    doc_id: Mapped[str] = mapped_column(doc_id_type(255), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    year: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    region: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    article: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reply: Mapped[str | None] = mapped_column(Text, nullable=True)
    source: Mapped[str | None] = mapped_column(String(500), nullable=True)
    meta: Mapped[dict[str, Any]] = mapped_column(JSONDoc(), default=dict, nullable=False)
    content_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


# --- ideas --------------------------------------------------------------------------------------------


class ReceiptCounter(Base):
    """Last receipt sequence number handed out per year (BX-<year>-<seq>)."""

    __tablename__ = "receipt_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(Integer, nullable=False)


class Idea(Base):
    """A citizen's idea (金点子) with its receipt number and life-cycle status."""

    __tablename__ = "ideas"
    __table_args__ = (Index(None, "status", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    receipt_no: Mapped[str | None] = mapped_column(String(32), unique=True, nullable=True)
    """Issued on submission; a citizen's unsubmitted draft has none."""
    idempotency_key: Mapped[str | None] = mapped_column(String(128), unique=True, nullable=True)
    """The client's key of the submission: a retried submit finds the idea instead of creating another."""
    title: Mapped[str | None] = mapped_column(String(300), nullable=True)
    raw_text: Mapped[str] = mapped_column(Text, nullable=False)
    # Personal data: separate columns, never logged, never sent to an LLM by default.
    citizen_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    citizen_occupation: Mapped[str | None] = mapped_column(String(100), nullable=True)
    citizen_phone: Mapped[str | None] = mapped_column(String(50), nullable=True)
    citizen_address: Mapped[str | None] = mapped_column(String(300), nullable=True)
    channel: Mapped[str | None] = mapped_column(String(32), nullable=True)
    source: Mapped[IdeaSource] = mapped_column(EnumText(IdeaSource, 16), nullable=False)
    status: Mapped[IdeaStatus] = mapped_column(EnumText(IdeaStatus, 32), nullable=False)
    domain: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    submitted_by: Mapped[int | None] = _user_fk()
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("ingest_batches.id", ondelete="SET NULL"), nullable=True, index=True
    )
    import_row: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = _created()
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    """When the citizen agreed to the personal-information notice (NULL: imported, or before the notice)."""
    consent_notice: Mapped[str | None] = mapped_column(String(16), nullable=True)
    """The version of the notice the citizen agreed to."""
    contact_erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    """When the citizen's contact details were erased (retention over, or at their request)."""

    def __repr__(self) -> str:  # no personal data
        return f"<Idea id={self.id!r} receipt_no={self.receipt_no!r} status={self.status!r}>"


class IdeaStatusChange(Base):
    """History of an idea's status (who moved it, when, why)."""

    __tablename__ = "idea_status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False, index=True)
    from_status: Mapped[IdeaStatus | None] = mapped_column(EnumText(IdeaStatus, 32), nullable=True)
    to_status: Mapped[IdeaStatus] = mapped_column(EnumText(IdeaStatus, 32), nullable=False)
    changed_by: Mapped[int | None] = _user_fk()
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = _created()


class ScreeningResult(Base):
    """Whether an idea is within the scope of a citizen proposal (and its domain)."""

    __tablename__ = "screening_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False, index=True)
    in_scope: Mapped[bool] = mapped_column(Boolean, nullable=False)
    domain: Mapped[str | None] = mapped_column(String(64), nullable=True)
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    reasons: Mapped[list[Any]] = mapped_column(JSONDoc(), default=list, nullable=False)
    details: Mapped[dict[str, Any]] = mapped_column(JSONDoc(), default=dict, nullable=False)
    audit_id: Mapped[int | None] = _audit_fk()
    created_by: Mapped[int | None] = _user_fk()
    created_at: Mapped[datetime] = _created()


class RoutingResult(Base):
    """Suggested handling units (承办单位) for an idea and the staff's confirmed choice."""

    __tablename__ = "routing_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False, index=True)
    suggested_units: Mapped[list[Any]] = mapped_column(JSONDoc(), default=list, nullable=False)
    final_units: Mapped[list[Any] | None] = mapped_column(JSONDoc(), nullable=True)
    confirmed_by: Mapped[int | None] = _user_fk()
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    audit_id: Mapped[int | None] = _audit_fk()
    created_by: Mapped[int | None] = _user_fk()
    created_at: Mapped[datetime] = _created()


# --- drafts ---------------------------------------------------------------------------------------------


class DraftIdea(Base):
    """Credit: the ideas (and so the citizens) a draft comes from; several when ideas were merged."""

    __tablename__ = "draft_ideas"

    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="RESTRICT"), primary_key=True, index=True)


class Draft(Base):
    """A proposal being cultivated; its content lives in numbered versions."""

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idea_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id", ondelete="RESTRICT"), nullable=True, index=True)
    status: Mapped[DraftStatus] = mapped_column(EnumText(DraftStatus, 16), nullable=False)
    current_version: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    member_id: Mapped[int | None] = _user_fk()
    created_by: Mapped[int | None] = _user_fk()
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    versions: Mapped[list[DraftVersion]] = relationship(
        back_populates="draft", order_by="DraftVersion.version_no", passive_deletes=True
    )


class DraftVersion(Base):
    """One immutable version of a draft in the standard proposal format.

    ``session_state`` is the cultivation session as of this version (round, answers, questions, notes, …;
    see ``assistant.cultivation.models.StoredSession``), NULL for versions not made by a session.
    ``change_note`` is a human-readable note only.
    """

    __tablename__ = "draft_versions"
    __table_args__ = (UniqueConstraint("draft_id", "version_no"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"), nullable=False)
    version_no: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    analysis: Mapped[list[Any]] = mapped_column(JSONDoc(), default=list, nullable=False)
    suggestions: Mapped[list[Any]] = mapped_column(JSONDoc(), default=list, nullable=False)
    proposer_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    proposer_sector: Mapped[str | None] = mapped_column(String(100), nullable=True)
    proposer_contact: Mapped[str | None] = mapped_column(String(100), nullable=True)
    proposer_address: Mapped[str | None] = mapped_column(String(300), nullable=True)
    remarks: Mapped[str | None] = mapped_column(Text, nullable=True)
    sources: Mapped[list[Any]] = mapped_column(JSONDoc(), default=list, nullable=False)
    violations: Mapped[list[Any]] = mapped_column(JSONDoc(), default=list, nullable=False)
    session_state: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc(), nullable=True)
    author_id: Mapped[int | None] = _user_fk()
    audit_id: Mapped[int | None] = _audit_fk()
    change_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = _created()

    draft: Mapped[Draft] = relationship(back_populates="versions")


class QualityReport(Base):
    """A quality check of one draft version."""

    __tablename__ = "quality_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draft_version_id: Mapped[int] = mapped_column(
        ForeignKey("draft_versions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    grade: Mapped[str | None] = mapped_column(String(16), nullable=True)
    checks: Mapped[list[Any]] = mapped_column(JSONDoc(), default=list, nullable=False)
    summary: Mapped[str | None] = mapped_column(Text, nullable=True)
    audit_id: Mapped[int | None] = _audit_fk()
    created_by: Mapped[int | None] = _user_fk()
    created_at: Mapped[datetime] = _created()


# --- assistant accounting -------------------------------------------------------------------------------


class AuditRecord(Base):
    """One assistant suggestion (screening, routing, drafting, polishing, quality check...)."""

    __tablename__ = "assistant_audit"
    __table_args__ = (Index(None, "entity_type", "entity_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(32), nullable=False)
    entity_id: Mapped[str] = mapped_column(String(64), nullable=False)
    action: Mapped[str] = mapped_column(String(64), nullable=False)
    backend: Mapped[str] = mapped_column(String(32), nullable=False)
    model: Mapped[str | None] = mapped_column(String(128), nullable=True)
    prompt_version: Mapped[str | None] = mapped_column(String(32), nullable=True)
    input_digest: Mapped[str] = mapped_column(String(64), nullable=False)
    output: Mapped[Any] = mapped_column(JSONDoc(), nullable=True)
    latency_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
    tokens_in: Mapped[int | None] = mapped_column(Integer, nullable=True)
    tokens_out: Mapped[int | None] = mapped_column(Integer, nullable=True)
    fallback: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    user_id: Mapped[int | None] = _user_fk()
    created_at: Mapped[datetime] = _created()


class LLMCall(Base):
    """One request to a model backend (including retries and failures)."""

    __tablename__ = "llm_calls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int | None] = mapped_column(
        ForeignKey("assistant_audit.id", ondelete="SET NULL"), nullable=True, index=True
    )
    task: Mapped[str] = mapped_column(String(64), nullable=False)
    backend: Mapped[str] = mapped_column(String(32), nullable=False)
    model: Mapped[str | None] = mapped_column(String(128), nullable=True)
    prompt_version: Mapped[str | None] = mapped_column(String(32), nullable=True)
    request_digest: Mapped[str] = mapped_column(String(64), nullable=False)
    attempt: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    ok: Mapped[bool] = mapped_column(Boolean, nullable=False)
    error_kind: Mapped[str | None] = mapped_column(String(64), nullable=True)
    latency_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
    tokens_in: Mapped[int | None] = mapped_column(Integer, nullable=True)
    tokens_out: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False, index=True)


# --- evaluation ------------------------------------------------------------------------------------------


class EvalRun(Base):
    """One run of an evaluation suite."""

    __tablename__ = "eval_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_key: Mapped[str | None] = mapped_column(
        String(128), nullable=True, unique=True, index=True, doc="Readable run id, e.g. screening-20261122-…"
    )
    suite: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    config: Mapped[dict[str, Any]] = mapped_column(JSONDoc(), default=dict, nullable=False)
    aggregates: Mapped[dict[str, Any]] = mapped_column(JSONDoc(), default=dict, nullable=False)
    usage: Mapped[dict[str, Any] | None] = mapped_column(
        JSONDoc(), nullable=True, doc="Token usage, model calls and wall time of the run."
    )
    file_path: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_by: Mapped[int | None] = _user_fk()
    created_at: Mapped[datetime] = _created()
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class EvalCaseResult(Base):
    """The outcome of one case in an evaluation run."""

    __tablename__ = "eval_case_results"
    __table_args__ = (UniqueConstraint("run_id", "group_name", "case_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("eval_runs.id", ondelete="CASCADE"), nullable=False)
    group_name: Mapped[str] = mapped_column(
        String(128), default="", server_default="", nullable=False, doc="Sub-set of the suite (split, mode…)."
    )
    case_id: Mapped[str] = mapped_column(String(128), nullable=False)
    passed: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    scores: Mapped[dict[str, Any]] = mapped_column(JSONDoc(), default=dict, nullable=False)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    output: Mapped[Any] = mapped_column(JSONDoc(), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    latency_ms: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[datetime] = _created()


# --- routing catalogue -----------------------------------------------------------------------------------


class CatalogueEntry(Base):
    """One editable catalogue entry (a handling unit or a special committee) as staff keep it."""

    __tablename__ = "catalogue_entries"
    __table_args__ = (UniqueConstraint("kind", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDoc(), default=dict, nullable=False)
    updated_by: Mapped[int | None] = _user_fk()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False)


# --- the scheme after submission: grades, handling, feedback, notices, selection --------------------------


class SchemeDecision(Base):
    """A decision about an idea, kept as history (the latest of a kind is current): its grade (线索分级), the
    citizen's consent to be named, a 精品 mark. ``auto`` rows are the system's suggestions, others staff's."""

    __tablename__ = "scheme_decisions"
    __table_args__ = (Index(None, "idea_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    value: Mapped[str] = mapped_column(String(64), nullable=False)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSONDoc(), default=dict, nullable=False)
    auto: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    created_by: Mapped[int | None] = _user_fk()
    created_at: Mapped[datetime] = _created()


class HandlingItem(Base):
    """One handling assignment (交办/督办): a unit, a deadline, a supervision level, open until replied."""

    __tablename__ = "handling_items"
    __table_args__ = (Index(None, "status", "deadline"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False, index=True)
    unit: Mapped[str] = mapped_column(String(200), nullable=False)
    level: Mapped[str] = mapped_column(String(16), nullable=False)
    supervisor: Mapped[str | None] = mapped_column(String(100), nullable=True)
    deadline: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by: Mapped[int | None] = _user_fk()
    created_at: Mapped[datetime] = _created()
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class HandlingReply(Base):
    """A handling unit's reply to an idea, entered on a page or imported from a file."""

    __tablename__ = "handling_replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False, index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("handling_items.id", ondelete="SET NULL"), nullable=True)
    unit: Mapped[str] = mapped_column(String(200), nullable=False)
    content: Mapped[str] = mapped_column(Text, nullable=False)
    result: Mapped[str] = mapped_column(String(16), nullable=False)
    replied_on: Mapped[date] = mapped_column(Date, nullable=False)
    source: Mapped[str] = mapped_column(String(16), nullable=False)
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("ingest_batches.id", ondelete="SET NULL"), nullable=True
    )
    created_by: Mapped[int | None] = _user_fk()
    created_at: Mapped[datetime] = _created()


class CitizenFeedback(Base):
    """A citizen's satisfaction with the handling of their idea (满意 / 基本满意 / 不满意) and a comment."""

    __tablename__ = "citizen_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False, index=True)
    reply_id: Mapped[int | None] = mapped_column(
        ForeignKey("handling_replies.id", ondelete="SET NULL"), nullable=True
    )
    rating: Mapped[str] = mapped_column(String(16), nullable=False)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = _created()


class MemberNotice(Base):
    """An in-app notice for a member (the reply to an idea they cultivated arrived, the citizen rated it…)."""

    __tablename__ = "member_notices"
    __table_args__ = (Index(None, "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    idea_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), nullable=True)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    message: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = _created()
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class IdeaMerit(Base):
    """What staff recorded for the annual selection: 办理成果 and 社会效应 (0–5 each); the latest per year counts."""

    __tablename__ = "idea_merits"
    __table_args__ = (Index(None, "year", "idea_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    outcome: Mapped[float | None] = mapped_column(Float, nullable=True)
    social: Mapped[float | None] = mapped_column(Float, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by: Mapped[int | None] = _user_fk()
    created_at: Mapped[datetime] = _created()


class AnnualSelection(Base):
    """One idea chosen among the year's excellent 百姓提案 (rank, score and its parts, certificate number)."""

    __tablename__ = "annual_selections"
    __table_args__ = (UniqueConstraint("year", "idea_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False)
    rank: Mapped[int] = mapped_column(Integer, nullable=False)
    score: Mapped[float] = mapped_column(Float, nullable=False)
    details: Mapped[dict[str, Any]] = mapped_column(JSONDoc(), default=dict, nullable=False)
    certificate_no: Mapped[str] = mapped_column(String(40), nullable=False)
    created_by: Mapped[int | None] = _user_fk()
    created_at: Mapped[datetime] = _created()


# --- security: login sessions, login throttling, security events ----------------------------------------


class AuthSession(Base):
    """A server-side login session. The browser holds a random token; only its SHA-256 digest is stored."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    session_epoch: Mapped[int] = mapped_column(Integer, nullable=False, doc="users.session_epoch at login.")
    address: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = _created()
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    idle_expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, index=True)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoke_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)

    def __repr__(self) -> str:  # never the digest
        return f"<AuthSession id={self.id!r} user_id={self.user_id!r} revoked={self.revoked!r}>"


class LoginThrottle(Base):
    """Recent wrong passwords per username (scope ``account``) or per client address (scope ``address``)."""

    __tablename__ = "login_throttle"

    scope: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


class SecurityEvent(Base):
    """An audited security event: login success/failure, lockout, logout, session revocation."""

    __tablename__ = "security_events"
    __table_args__ = (Index(None, "kind", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    user_id: Mapped[int | None] = _user_fk()
    username: Mapped[str | None] = mapped_column(
        String(64), nullable=True, doc="The account's username; for an unknown name only 'unknown:' + a digest."
    )
    address: Mapped[str | None] = mapped_column(String(64), nullable=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONDoc(), default=dict, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False, index=True)


@event.listens_for(User.password_hash, "set", active_history=True)
def _password_changed(target: User, value: str, oldvalue: object, _initiator: object) -> None:
    """A new password ends every login session of the account (whatever code path changed it)."""
    if oldvalue is not NO_VALUE and value != oldvalue:
        target.session_epoch = (target.session_epoch or 0) + 1


@event.listens_for(User.is_active, "set", active_history=True)
def _account_disabled(target: User, value: bool, oldvalue: object, _initiator: object) -> None:
    """Disabling an account ends its sessions (re-enabling it does not bring them back)."""
    if oldvalue is True and not value:
        target.session_epoch = (target.session_epoch or 0) + 1
