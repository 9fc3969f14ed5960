"""The fixed JSON contract of ``/api/v1`` (request and response bodies). Field names are English; every
message meant for a person is Simplified Chinese."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.cultivation.models import Element

MAX_TEXT_CHARS = 20000
KEY_PATTERN = r"^[A-Za-z0-9_.:\-]{8,128}$"


class Strict(BaseModel):
    """Unknown fields are refused (a typo never silently drops data)."""

    model_config = ConfigDict(extra="forbid")


class ProposerIn(Strict):
    """提出者: name and phone are required; occupation and address optional."""

    name: str = Field(max_length=50, description="姓名（必填）")
    phone: str = Field(max_length=30, description="联系电话（必填，手机号或带区号的座机）")
    occupation: str = Field(default="", max_length=50, description="职业（选填）")
    address: str = Field(default="", max_length=200, description="联系地址（选填）")


class IdeaIn(Strict):
    """A citizen's idea from an online channel."""

    text: str = Field(max_length=MAX_TEXT_CHARS, description="金点子内容")
    proposer: ProposerIn
    consent: bool = Field(
        description="市民已阅读《个人信息处理说明》（GET /api/v1/privacy-notice）并同意；必须为 true。"
    )
    idempotency_key: str | None = Field(
        default=None, pattern=KEY_PATTERN,
        description="客户端生成的唯一键（8–128 个字母、数字或 _ . : -）：超时后用同一个键重试，"
        "得到同一个受理编号，不会重复登记。也可放在请求头 Idempotency-Key 中。",
    )
    channel: Literal["官网", "公众号", "穗协通", "穗好办", "其他"] | None = Field(
        default=None, description="提交渠道"
    )


class ChannelOut(BaseModel):
    """Where an out-of-scope idea should go instead."""

    name: str
    purpose: str
    how: str


class QuestionOut(BaseModel):
    """A question about a missing element; answer it with POST /ideas/{receipt}/answers."""

    element: Element
    text: str


class SourceOut(BaseModel):
    """A past item or policy article the draft drew on."""

    kind: str
    citation: str
    used_for: str


class DraftOut(BaseModel):
    """The standard-format draft (附件1) without the proposer's contact details."""

    title: str
    analysis: list[str]
    suggestions: list[str]
    remarks: str
    sources: list[SourceOut]


class IdeaCreated(BaseModel):
    """The answer to a submission: a receipt and the draft, or (out of scope, no receipt) where to go."""

    receipt: str | None = Field(description="受理编号；不属于“百姓提案”范围时为 null（不登记、不保存个人信息）")
    in_scope: bool
    category: str | None = Field(default=None, description="不属于范围时的类别（如 投诉、信访、个人求助）")
    reason: str | None = None
    channel: ChannelOut | None = Field(default=None, description="不属于范围时应去的渠道")
    reframe: str | None = Field(default=None, description="如何改写为面向公共利益的建议")
    questions: list[QuestionOut] = Field(default_factory=list)
    draft: DraftOut | None = None
    version: int | None = None
    status: str | None = None
    status_zh: str | None = None
    repeated: bool = Field(default=False, description="true：同一个幂等键已提交过，返回的是第一次的受理编号")


class HistoryItem(BaseModel):
    """One event of an idea's history: a status move or a new version of the draft."""

    at: datetime
    kind: Literal["status", "version"]
    status: str | None = None
    status_zh: str | None = None
    version: int | None = None
    by: str | None = None
    note: str | None = None


class IdeaStatusOut(BaseModel):
    """An idea's status as the citizen sees it (no personal data)."""

    receipt: str
    title: str
    status: str
    status_zh: str
    submitted_at: datetime
    history: list[HistoryItem]
    replies: list[ReplyOut] = Field(default_factory=list, description="承办单位的答复（办理结果）")
    next_steps: list[str] = Field(default_factory=list, description="接下来会怎样（中文）")
    can_rate: bool = Field(default=False, description="true：承办单位已答复，可以评价（POST …/rating）")
    feedback: list[FeedbackOut] = Field(default_factory=list, description="市民已给出的评价")


class ReplyOut(BaseModel):
    """A handling unit's reply."""

    unit: str
    content: str
    result: str
    result_zh: str
    replied_on: date


class FeedbackOut(BaseModel):
    """A satisfaction rating the citizen gave."""

    rating: str
    comment: str | None = None
    at: datetime


class RatingIn(Strict):
    """The citizen's satisfaction with the handling unit's reply."""

    rating: Literal["满意", "基本满意", "不满意"]
    comment: str = Field(default="", max_length=500, description="意见；选“不满意”时必填")


class AnswersIn(Strict):
    """Answers to the questions, by element (e.g. ``{"affected": "约200户居民"}``)."""

    answers: dict[Element, str] = Field(min_length=1, max_length=9)


class AnswersOut(BaseModel):
    """The new version made from the answers."""

    receipt: str
    version: int
    redrafted: bool = Field(
        description="true：草稿已按回答改写；false：回答已附在最新版本上（委员或工作人员修改的正文保持不变）"
    )
    draft: DraftOut
    questions: list[QuestionOut] = Field(default_factory=list)


class TokenIn(Strict):
    """Staff, member, evaluator or admin credentials."""

    username: str = Field(max_length=128)
    password: str = Field(max_length=2048)


class TokenOut(BaseModel):
    """A bearer token (send as ``Authorization: Bearer …``); it ends on logout, idle time-out or at most after
    the absolute lifetime, and when the password changes or the account is disabled."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="最长有效秒数（空闲超时更短）")
    role: str
    display_name: str


class NoticeOut(BaseModel):
    """The personal-information notice a citizen must agree to."""

    version: str
    text: str
    retention_days: int


class QueueRowOut(BaseModel):
    """One idea in the staff queue."""

    idea_id: int
    receipt: str
    title: str
    status: str
    source: str
    domain: str | None
    in_scope: bool | None
    category: str | None
    main_unit: str | None
    confirmed: bool
    created_at: datetime


class QueueOut(BaseModel):
    """One page of the staff queue."""

    rows: list[QueueRowOut]
    total: int
    page: int
    pages: int
    page_size: int


class UnitIn(Strict):
    """A handling unit and its role."""

    name: str = Field(max_length=200)
    role: Literal["主办", "协办"]


class RoutingIn(Strict):
    """A staff member's routing confirmation (unit names from the catalogue)."""

    units: list[UnitIn] = Field(min_length=1, max_length=5)
    committee: str | None = Field(default=None, max_length=100)
    channel: str | None = Field(default=None, max_length=100)
    domain: str | None = Field(default=None, max_length=64)
    note: str | None = Field(default=None, max_length=500)
    routing_id: int | None = Field(default=None, description="所确认的分办建议编号（期间有新建议时返回 409）")
    revise: bool = Field(default=False, description="修改已确认的分办")


class RoutingOut(BaseModel):
    """The confirmed routing."""

    idea_id: int
    routing_id: int


class CitizenRequestIn(Strict):
    """A citizen's request about their data, identified by receipt and the phone given at submission."""

    receipt: str = Field(max_length=32)
    phone: str = Field(max_length=30)
    reason: str = Field(default="本人要求删除", max_length=200)


class ErrorBody(BaseModel):
    """What every error answer holds."""

    code: str
    message: str = Field(description="给人看的中文说明")


class ErrorOut(BaseModel):
    """An error answer."""

    error: ErrorBody
