"""Typed results of the scheme services (the pages and the command line only format these)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from assistant.scheme.grading import GRADE_ZH, Grade

Rating = Literal["满意", "基本满意", "不满意"]
RATINGS: tuple[str, ...] = ("满意", "基本满意", "不满意")
Consent = Literal["full", "masked", "anonymous"]
CONSENT_ZH: dict[str, str] = {"full": "同意署全名", "masked": "只署姓氏（默认）", "anonymous": "不署名"}


# --- grading ------------------------------------------------------------------------------------------
class GradeView(BaseModel):
    """The current grade of an idea and its history."""

    idea_id: int
    receipt_no: str
    grade: Grade | None
    reason: str | None
    auto: bool = False
    refer_to: str | None = None
    merge_into: str | None = None
    by: str | None = None
    at: dt.datetime | None = None
    history: list[GradeEntry] = Field(default_factory=list)

    @property
    def grade_zh(self) -> str:
        """The grade's Chinese name (未分级 when none)."""
        return GRADE_ZH.get(self.grade or "", "未分级")


class GradeEntry(BaseModel):
    """One grade decision in the history."""

    grade: str
    reason: str | None
    auto: bool
    by: str | None
    at: dt.datetime


class GradeEdit(BaseModel):
    """What staff decide for one clue: the grade, why, and where to (refer) or into which clue (merge)."""

    grade: Grade
    reason: str
    refer_to: str | None = None
    merge_into: str | None = Field(default=None, description="Receipt number of the lead clue (merge).")


# --- channels -----------------------------------------------------------------------------------------
class SqmyDigest(BaseModel):
    """An idea abstracted in the 《社情民意》 form: 标题, 情况, 建议, 来源 — only words of the idea and its draft."""

    title: str
    situation: list[str]
    suggestions: list[str]
    source: str
    note: str | None = None


class ChannelAdvice(BaseModel):
    """The channel the model suggests for an idea (reading its draft when there is one), with what follows."""

    idea_id: int
    receipt_no: str
    channel: str
    channel_key: str
    reason: str
    probabilities: dict[str, float]
    applicable: bool = True
    with_draft: bool = False
    draft_total: int | None = None
    committee: str | None = None
    research: list[str] = Field(default_factory=list, description="深化培育: what the committee should research.")
    express_note: str | None = Field(default=None, description="直通车: how it should be deepened and reported.")
    sqmy: SqmyDigest | None = None
    linkage: str | None = None
    linkage_reason: str | None = None
    confirmed_channel: str | None = None


# --- handling ----------------------------------------------------------------------------------------
class HandlingItemView(BaseModel):
    """One handling assignment (交办/督办)."""

    item_id: int
    idea_id: int
    receipt_no: str
    title: str
    unit: str
    level: str
    level_zh: str
    supervisor: str | None
    deadline: dt.date
    status: str
    status_zh: str
    overdue_days: int = 0
    note: str | None = None
    created_at: dt.datetime
    created_by: str | None = None


class ReplyView(BaseModel):
    """One reply of a handling unit."""

    reply_id: int
    unit: str
    content: str
    result: str
    result_zh: str
    replied_on: dt.date
    source: str


class FeedbackView(BaseModel):
    """One satisfaction rating by the citizen."""

    rating: str
    comment: str | None
    at: dt.datetime


class HandlingView(BaseModel):
    """An idea's handling: assignments, replies, ratings."""

    idea_id: int
    receipt_no: str
    title: str
    status: str
    status_zh: str
    main_unit: str | None = None
    items: list[HandlingItemView] = Field(default_factory=list)
    replies: list[ReplyView] = Field(default_factory=list)
    feedback: list[FeedbackView] = Field(default_factory=list)


class AssignEdit(BaseModel):
    """What staff hand over: the unit, the deadline, the supervision level."""

    unit: str
    deadline: dt.date | None = None
    level: str = "normal"
    supervisor: str | None = None
    note: str | None = None


class ReplyEdit(BaseModel):
    """A unit's reply as staff enter it."""

    unit: str
    content: str
    result: str = "adopted"
    replied_on: dt.date | None = None


class ImportRowError(BaseModel):
    """A reply row that could not be recorded."""

    line: int
    message: str


class ReplyImportReport(BaseModel):
    """What an import of replies did."""

    file_name: str
    read: int
    recorded: int
    skipped: int = Field(default=0, description="Rows recorded by an earlier, interrupted run of the same file.")
    errors: list[ImportRowError] = Field(default_factory=list)

    def summary_zh(self) -> str:
        """One line for the page and the command line."""
        skipped = f"（其中 {self.skipped} 行此前已导入）" if self.skipped else ""
        return (f"文件「{self.file_name}」共 {self.read} 行：登记答复 {self.recorded} 条{skipped}，"
                f"有问题 {len(self.errors)} 行。")


# --- the citizen ---------------------------------------------------------------------------------------
class CitizenStatus(BaseModel):
    """What a citizen sees with receipt number and phone: status, history, the units' replies, next steps, rating."""

    receipt_no: str
    title: str
    status: str
    status_zh: str
    created_at: dt.datetime
    history: list[CitizenStep] = Field(default_factory=list)
    grade_note: str | None = None
    replies: list[ReplyView] = Field(default_factory=list)
    next_steps: list[str] = Field(default_factory=list)
    can_rate: bool = False
    feedback: list[FeedbackView] = Field(default_factory=list)


class CitizenStep(BaseModel):
    """One step of the idea's history as a citizen reads it."""

    at: dt.datetime
    status_zh: str
    note: str | None = None


# --- members ------------------------------------------------------------------------------------------
class NoticeView(BaseModel):
    """An in-app notice for a member."""

    notice_id: int
    receipt_no: str | None
    kind: str
    message: str
    at: dt.datetime
    read: bool


class MemberIdea(BaseModel):
    """An idea a member collected or cultivated."""

    idea_id: int
    receipt_no: str
    title: str
    status_zh: str
    draft_id: int | None
    channel: str | None
    committee: str | None
    reply: str | None = None
    feedback: str | None = None


class MemberPage(BaseModel):
    """The member's own list and notices."""

    ideas: list[MemberIdea]
    notices: list[NoticeView]
    unread: int


class MemberRow(BaseModel):
    """One member's figures for a year (履职量化)."""

    user_id: int
    name: str
    username: str
    ideas_collected: int
    ideas_cultivated: int
    proposals: int
    meets_minimum: bool
    receipts: list[str] = Field(default_factory=list)


class CommitteeRow(BaseModel):
    """One committee's figures for a year."""

    committee: str
    ideas: int
    cultivating: int
    proposals: int
    boutique: int
    meets_minimum: bool
    boutique_receipts: list[str] = Field(default_factory=list)


class MembersReport(BaseModel):
    """Members' and committees' figures for a year."""

    year: int
    members: list[MemberRow]
    committees: list[CommitteeRow]
    member_minimum: int = 1
    committee_minimum: int = 2

    def summary_zh(self) -> str:
        """One line."""
        ok_m = sum(1 for m in self.members if m.meets_minimum)
        ok_c = sum(1 for c in self.committees if c.meets_minimum)
        return (f"{self.year} 年：{len(self.members)} 位委员中 {ok_m} 位报送“百姓提案”不少于 {self.member_minimum} 条；"
                f"{len(self.committees)} 个专委会中 {ok_c} 个打造精品不少于 {self.committee_minimum} 个。")


# --- selection ----------------------------------------------------------------------------------------
class Candidate(BaseModel):
    """A 百姓提案 of the year on the rubric plus 办理成果 and 社会效应."""

    idea_id: int
    receipt_no: str
    title: str
    citizen: str | None = Field(default=None, repr=False)
    content: float = Field(description="选题内容: the rubric total scaled to 0–5.")
    rubric_total: int | None = None
    outcome: float = Field(description="办理成果 0–5 (staff's, else from the reply's result).")
    outcome_source: str = ""
    social: float = Field(description="社会效应 0–5 (staff's; 0 when not recorded).")
    score: float
    rank: int = 0
    certificate_no: str = ""
    committee: str | None = None


class SelectionResult(BaseModel):
    """The ranked candidates of a year and the chosen top N."""

    year: int
    top: int
    candidates: list[Candidate]
    selected: list[Candidate]
    missing_names: list[str] = Field(default_factory=list, description="Receipts of selected ideas with no name.")
    saved: bool = False
    files: list[str] = Field(default_factory=list)

    def summary_zh(self) -> str:
        """One line."""
        missing = f"；其中 {len(self.missing_names)} 件缺少市民姓名，未生成证书" if self.missing_names else ""
        return (f"{self.year} 年度共有 {len(self.candidates)} 件“百姓提案”参评，选出 {len(self.selected)} 件"
                f"优秀“百姓提案”{missing}。")


# --- the periodical -----------------------------------------------------------------------------------
class DigestCounts(BaseModel):
    """The counts an issue prints, as read from the database (for checking)."""

    total: int
    in_scope: int
    out_of_scope: int
    unscreened: int
    by_source: dict[str, int]
    by_status: dict[str, int]
    by_committee: dict[str, int]
    by_district: dict[str, int]
    by_channel: dict[str, int]
    by_grade: dict[str, int]
    topics: dict[str, int]


class DigestResult(BaseModel):
    """A generated issue: where the files are and the counts it printed."""

    issue_no: int
    period_start: dt.date
    period_end: dt.date
    docx_path: str | None = None
    pdf_path: str | None = None
    counts: DigestCounts
    ideas_listed: int

    def summary_zh(self) -> str:
        """One line."""
        return (f"《百姓提案》第{self.issue_no}期（{self.period_start} 至 {self.period_end}）：本期金点子 "
                f"{self.counts.total} 件，选编 {self.ideas_listed} 条。")


GradeView.model_rebuild()
CitizenStatus.model_rebuild()
