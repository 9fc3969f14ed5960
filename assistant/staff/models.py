"""Typed results of the staff services (the pages only format these)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

Scope = Literal["all", "in", "out", "unscreened"]
UnitRole = Literal["主办", "协办"]


class QueueFilters(BaseModel):
    """Filters of the staff queue; ``None`` means "any"."""

    status: str | None = None
    domain: str | None = None
    date_from: date | None = None
    date_to: date | None = Field(default=None, description="Inclusive (Beijing time).")
    scope: Scope = "all"
    routing: Literal["all", "unconfirmed", "confirmed"] = "all"
    text: str | None = Field(default=None, description="Substring of the title or text, or a receipt number.")


class QueueRow(BaseModel):
    """One idea in the queue list."""

    idea_id: int
    receipt_no: str
    title: str
    status: str
    source: str
    domain: str | None
    in_scope: bool | None
    category: str | None
    main_unit: str | None
    confirmed: bool
    created_at: datetime


class QueuePage(BaseModel):
    """One page of the queue."""

    rows: list[QueueRow]
    total: int
    page: int
    pages: int
    page_size: int


class StatusEntry(BaseModel):
    """One status change of an idea."""

    from_status: str | None
    to_status: str
    at: datetime
    by: str | None
    note: str | None


class UnitChoice(BaseModel):
    """A handling unit chosen (or suggested) for an idea."""

    name: str
    role: UnitRole
    score: float | None = None
    reason: str | None = None


class RoutingView(BaseModel):
    """The latest routing suggestion of an idea and, once confirmed, the staff's choice."""

    routing_id: int
    domain: str | None
    units: list[UnitChoice]
    committee: str | None
    committee_reason: str | None
    channel: str | None
    channel_reason: str | None
    abstain: bool
    abstain_reason: str | None
    backend: str | None
    confirmed: bool
    linkage_reason: str | None = Field(default=None, description="上下联动, when the idea needs it.")
    confirmed_by: str | None = None
    confirmed_at: datetime | None = None
    final_units: list[UnitChoice] = Field(default_factory=list)
    final_committee: str | None = None
    final_channel: str | None = None
    note: str | None = None


class ScreeningView(BaseModel):
    """The latest screening of an idea."""

    in_scope: bool
    category: str | None
    confidence: float | None
    reason: str | None
    redirect: str | None
    reframe: str | None
    backend: str | None


class DraftView(BaseModel):
    """The latest version of an idea's draft, as staff read it before routing."""

    draft_id: int
    version_no: int
    title: str
    analysis: list[str]
    suggestions: list[str]
    note: str | None = None


class ItemDetail(BaseModel):
    """Everything the staff sees about one idea."""

    idea_id: int
    receipt_no: str
    title: str
    text: str
    status: str
    source: str
    channel: str | None
    domain: str | None
    created_at: datetime
    import_row: int | None
    screening: ScreeningView | None
    routing: RoutingView | None
    history: list[StatusEntry]
    draft: DraftView | None = Field(default=None, description="The latest draft version (None without a draft).")
    duplicates: list[DuplicateRef] = Field(default_factory=list,
                                           description="Near-duplicate ideas and past items, most similar first.")


class RoutingEdit(BaseModel):
    """What a staff member confirms: units with roles, committee, channel, an optional note."""

    units: list[UnitChoice]
    committee: str | None = None
    channel: str | None = None
    domain: str | None = None
    note: str | None = None


class DuplicateRef(BaseModel):
    """Something a clue duplicates: another row of the batch, an earlier idea or a past item."""

    kind: Literal["row", "idea", "item"]
    ref: str = Field(description="Line number, receipt number or past-item id.")
    title: str
    similarity: float


class TriageRow(BaseModel):
    """One row of an imported clue file and what triage made of it."""

    seq: int
    line: int
    title: str
    text: str
    idea_id: int | None = None
    receipt_no: str | None = None
    in_scope: bool | None = None
    category: str | None = None
    redirect: str | None = None
    domain: str | None = None
    main_unit: str | None = None
    co_units: list[str] = Field(default_factory=list)
    duplicate_group: str | None = None
    duplicates: list[DuplicateRef] = Field(default_factory=list)
    channel: str | None = None
    committee: str | None = None
    linkage: str | None = None
    grade: str | None = Field(default=None, description="线索分级: cultivate / sqmy / refer / merge.")
    grade_reason: str | None = None
    error: str | None = None

    @property
    def verdict_zh(self) -> str:
        """是否受理 column."""
        if self.error:
            return "无法处理"
        return "受理" if self.in_scope else "不受理"


class TriageReport(BaseModel):
    """What a clue import did."""

    file_name: str
    batch_id: int | None
    rows: list[TriageRow]
    read: int
    imported: int
    in_scope: int
    out_of_scope: int
    failed: int
    duplicate_groups: int
    seconds: float
    result_path: str | None = None
    grades: dict[str, int] = Field(default_factory=dict, description="Rows per grade (Chinese names).")

    def summary_zh(self) -> str:
        """One line for the page."""
        graded = "；分级：" + "、".join(f"{k} {v}" for k, v in self.grades.items()) if self.grades else ""
        return (
            f"文件「{self.file_name}」共 {self.read} 行：导入 {self.imported} 条（受理 {self.in_scope}、"
            f"不受理 {self.out_of_scope}），有问题 {self.failed} 行，重复组 {self.duplicate_groups} 个{graded}，"
            f"用时 {self.seconds:.1f} 秒。"
        )


class ClusterMember(BaseModel):
    """One idea or past item of a duplicate cluster."""

    kind: Literal["idea", "item"]
    ref: str = Field(description="Receipt number of an idea, id of a past item.")
    title: str
    date: str | None
    similarity: float = Field(description="Jaccard similarity to the lead (1.0 for the lead).")
    is_lead: bool = False
    idea_id: int | None = None


class DuplicateCluster(BaseModel):
    """A "1+N" group: one lead and N related ideas/items handled jointly."""

    cluster_id: int
    lead: ClusterMember
    related: list[ClusterMember]

    @property
    def size(self) -> int:
        """Lead plus related."""
        return 1 + len(self.related)


class ClusterReport(BaseModel):
    """Duplicate clusters and what was compared."""

    clusters: list[DuplicateCluster]
    total: int = Field(description="Clusters found before the limit.")
    ideas: int
    items: int
    threshold: float


class HeatMap(BaseModel):
    """Counts per (domain, period): rows are domains, columns periods (oldest first)."""

    periods: list[str]
    domains: list[str]
    counts: list[list[int]]
    total: int
    sources: dict[str, int] = Field(default_factory=dict, description="How many ideas/past items were counted.")


class RisingKeyword(BaseModel):
    """A term whose share of documents rose from the previous window to the latest one."""

    term: str
    latest: int
    previous: int
    latest_share: float
    previous_share: float
    rise: float = Field(description="Share difference in percentage points.")
    ratio: float = Field(description="Smoothed ratio of the shares.")


class RisingReport(BaseModel):
    """Rising keywords and the windows they compare."""

    latest_window: str
    previous_window: str
    latest_docs: int
    previous_docs: int
    keywords: list[RisingKeyword]
    note: str | None = None


def as_dict(model: BaseModel) -> dict[str, Any]:
    """JSON-safe dict of a result."""
    return model.model_dump(mode="json")
