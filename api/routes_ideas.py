"""Citizens' routes: submit an idea, look up its status, add answers; the personal-information notice.

The phone number that proves who asks travels in the ``X-Phone`` header, never in a URL (URLs end up in access
logs and browser histories).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Header, Request, Response

from api.deps import container_of, limited
from api.schemas import (
    AnswersIn,
    AnswersOut,
    ChannelOut,
    DraftOut,
    ErrorOut,
    FeedbackOut,
    HistoryItem,
    IdeaCreated,
    IdeaIn,
    IdeaStatusOut,
    NoticeOut,
    QuestionOut,
    RatingIn,
    ReplyOut,
    SourceOut,
)
from assistant.cultivation.models import DraftProposal, Proposer, Question
from assistant.privacy import notice_zh
from assistant.scheme.models import CitizenStatus
from assistant.workflow.models import SubmissionResult

router = APIRouter(tags=["市民"])
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "输入无法使用（中文说明）"},
    404: {"model": ErrorOut, "description": "受理编号不存在或电话不符"},
    409: {"model": ErrorOut, "description": "状态不允许（已办结等）"},
    422: {"model": ErrorOut, "description": "请求不符合接口约定"},
    429: {"model": ErrorOut, "description": "过于频繁（Retry-After 秒后再试）"},
    503: {"model": ErrorOut, "description": "暂时无法保存，请稍后用同一个幂等键重试"},
}


def draft_out(draft: DraftProposal) -> DraftOut:
    """The draft without the proposer's contact details."""
    return DraftOut(title=draft.title, analysis=list(draft.analysis), suggestions=list(draft.suggestions),
                    remarks=draft.remarks,
                    sources=[SourceOut(kind=str(s.kind), citation=s.citation, used_for=s.used_for)
                             for s in draft.sources])


def questions_out(questions: list[Question]) -> list[QuestionOut]:
    """The questions as the API shows them."""
    return [QuestionOut(element=q.element, text=q.text) for q in questions]


def created(result: SubmissionResult) -> IdeaCreated:
    """The API body of a submission result."""
    redirect = result.redirect
    return IdeaCreated(
        receipt=result.receipt_no, in_scope=result.in_scope, category=result.category, reason=result.reason,
        channel=ChannelOut(name=redirect.channel, purpose=redirect.purpose, how=redirect.how) if redirect else None,
        reframe=result.reframe, questions=questions_out(result.questions),
        draft=draft_out(result.draft) if result.draft is not None else None, version=result.version_no,
        status=result.status, status_zh=result.status_zh, repeated=result.repeated,
    )


@router.get("/privacy-notice", response_model=NoticeOut, summary="个人信息处理说明（提交前须展示并取得同意）")
def privacy_notice(request: Request) -> NoticeOut:
    """The notice the citizen agrees to with ``consent: true``."""
    cfg = container_of(request).settings.privacy
    return NoticeOut(version=cfg.notice_version, text=notice_zh(cfg), retention_days=cfg.retention_days)


@router.post(
    "/ideas", response_model=IdeaCreated, status_code=201, responses={**ERRORS, 200: {"model": IdeaCreated}},
    summary="提交金点子（属于范围：登记并返回受理编号和草稿；不属于：返回应去的渠道，不登记）",
    dependencies=[Depends(limited("submission"))],
)
def submit_idea(body: IdeaIn, request: Request, response: Response,
                idempotency_header: str | None = Header(default=None, alias="Idempotency-Key", max_length=128)
                ) -> IdeaCreated:
    """201 with a receipt for a new submission; 200 for a repeat of an earlier idempotency key (same receipt)
    and for an out-of-scope idea (no receipt, nothing stored, the channel to go to)."""
    p = body.proposer
    result = container_of(request).citizen_workflow.submit_idea(
        body.text, Proposer(name=p.name, phone=p.phone, occupation=p.occupation, address=p.address),
        consent=body.consent, idempotency_key=body.idempotency_key or idempotency_header, channel=body.channel,
    )
    if result.repeated or result.receipt_no is None:
        response.status_code = 200
    return created(result)


@router.get(
    "/ideas/{receipt}", response_model=IdeaStatusOut, responses=ERRORS,
    summary="查询办理进度（请求头 X-Phone：提交时的联系电话）", dependencies=[Depends(limited("lookup"))],
)
def idea_status(receipt: str, request: Request, x_phone: str = Header(alias="X-Phone", max_length=30)
                ) -> IdeaStatusOut:
    """Status and history (status moves and versions, with who made them); 404 for an unknown receipt or a
    phone that does not match (the same answer, so receipts cannot be probed)."""
    container = container_of(request)
    view = container.citizen_workflow.status(receipt[:32], x_phone)
    history = [HistoryItem(at=h.at, kind="status", status=h.status, status_zh=h.status_zh, by=h.by, note=h.note)
               for h in view.history]
    history += [HistoryItem(at=v.at, kind="version", version=v.version_no, by=v.by, note=v.note)
                for v in view.versions]
    history.sort(key=lambda item: (item.at, 0 if item.kind == "status" else 1))
    submitted = next((h.at for h in view.history if h.status == "submitted"), view.created_at)
    handling = container.scheme.feedback.status(receipt[:32], x_phone)
    return IdeaStatusOut(receipt=view.receipt_no, title=view.title, status=view.status, status_zh=view.status_zh,
                         submitted_at=submitted, history=history, **_handling(handling))


def _handling(status: CitizenStatus) -> dict[str, Any]:
    """The replies, next steps and ratings of a citizen's status, as the API returns them."""
    return {
        "replies": [ReplyOut(unit=r.unit, content=r.content, result=r.result, result_zh=r.result_zh,
                             replied_on=r.replied_on) for r in status.replies],
        "next_steps": list(status.next_steps),
        "can_rate": status.can_rate,
        "feedback": [FeedbackOut(rating=f.rating, comment=f.comment, at=f.at) for f in status.feedback],
    }


@router.post(
    "/ideas/{receipt}/rating", response_model=IdeaStatusOut, status_code=201, responses=ERRORS,
    summary="评价承办单位的答复（请求头 X-Phone）：满意 / 基本满意 / 不满意", dependencies=[Depends(limited("lookup"))],
)
def rate_reply(receipt: str, body: RatingIn, request: Request,
               x_phone: str = Header(alias="X-Phone", max_length=30)) -> IdeaStatusOut:
    """The citizen's satisfaction with the latest reply (only after a unit replied; "不满意" needs a comment);
    the members who cultivated the idea are told. Returns the status with the rating recorded."""
    container = container_of(request)
    container.scheme.feedback.rate(receipt[:32], x_phone, body.rating, body.comment)
    return idea_status(receipt, request, x_phone)


@router.post(
    "/ideas/{receipt}/answers", response_model=AnswersOut, status_code=201, responses=ERRORS,
    summary="提交后补充回答助手的问题（请求头 X-Phone）：保存为新版本", dependencies=[Depends(limited("submission"))],
)
def add_answers(receipt: str, body: AnswersIn, request: Request,
                x_phone: str = Header(alias="X-Phone", max_length=30)) -> AnswersOut:
    """A new version: while nobody else has worked on the draft it is rewritten from the answers; once a member
    or staff member made a version, the answers are attached to it and its text stays as it is."""
    result = container_of(request).citizen_workflow.add_answers(receipt[:32], x_phone, dict(body.answers))
    return AnswersOut(receipt=result.receipt_no, version=result.version_no, redrafted=result.redrafted,
                      draft=draft_out(result.draft), questions=questions_out(result.questions))
