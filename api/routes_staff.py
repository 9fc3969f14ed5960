"""Log-in (bearer tokens) and the staff routes: the queue, one idea, routing confirmation, contact details on
request (audited) and a citizen's data export/erasure."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from api.deps import bearer_token, client_ip, container_of, current_user, staff_only
from api.routes_ideas import ERRORS
from api.schemas import CitizenRequestIn, ErrorOut, QueueOut, QueueRowOut, RoutingIn, RoutingOut, TokenIn, TokenOut
from assistant.accounts import UserSession
from assistant.staff.models import ItemDetail, QueueFilters, RoutingEdit, UnitChoice

router = APIRouter()
AUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    401: {"model": ErrorOut, "description": "未登录或令牌无效/过期/已注销"},
    403: {"model": ErrorOut, "description": "身份不符"},
}


@router.post("/auth/token", response_model=TokenOut, responses=AUTH_ERRORS, tags=["登录"],
             summary="登录，取得访问令牌（错误密码过多会锁定账号和来源地址）")
def issue_token(body: TokenIn, request: Request) -> TokenOut:
    """A bearer token for a member, staff, evaluator or admin account."""
    container = container_of(request)
    address = client_ip(request)
    user = container.accounts.login(body.username, body.password, address=address)
    token = container.sessions.issue(user, address)
    hours = container.settings.security.session_absolute_hours
    return TokenOut(access_token=token, expires_in=hours * 3600, role=str(user.role), display_name=user.display_name)


@router.post("/auth/logout", status_code=204, responses=AUTH_ERRORS, tags=["登录"], summary="注销当前访问令牌")
def logout(request: Request, _: UserSession = Depends(current_user)) -> Response:  # noqa: B008
    """The token stops working at once (a replay is refused)."""
    container_of(request).sessions.revoke(bearer_token(request), reason="logout")
    return Response(status_code=204)


@router.get("/staff/queue", response_model=QueueOut, responses=AUTH_ERRORS, tags=["工作人员"],
            summary="待办队列（工作人员）")
def queue(
    request: Request,
    staff: UserSession = Depends(staff_only),  # noqa: B008
    status: str | None = Query(default=None, max_length=32),
    domain: str | None = Query(default=None, max_length=64),
    scope: Literal["all", "in", "out", "unscreened"] = "all",
    routing: Literal["all", "unconfirmed", "confirmed"] = "all",
    date_from: date | None = None,
    date_to: date | None = None,
    text: str | None = Query(default=None, max_length=200),
    page: int = Query(default=1, ge=1, le=100000),
    page_size: int = Query(default=20, ge=1, le=200),
) -> QueueOut:
    """One page of ideas, newest first."""
    filters = QueueFilters(status=status, domain=domain, scope=scope, routing=routing, date_from=date_from,
                           date_to=date_to, text=text)
    found = container_of(request).staff.queue.list(staff, filters, page=page, page_size=page_size)
    rows = [QueueRowOut(idea_id=r.idea_id, receipt=r.receipt_no, title=r.title, status=r.status, source=r.source,
                        domain=r.domain, in_scope=r.in_scope, category=r.category, main_unit=r.main_unit,
                        confirmed=r.confirmed, created_at=r.created_at) for r in found.rows]
    return QueueOut(rows=rows, total=found.total, page=found.page, pages=found.pages, page_size=found.page_size)


@router.get("/staff/ideas/{idea_id}", response_model=ItemDetail, responses=AUTH_ERRORS, tags=["工作人员"],
            summary="一条线索的详情：筛查、分办建议与理由、状态记录（不含联系方式）")
def idea_detail(idea_id: int, request: Request, staff: UserSession = Depends(staff_only)) -> ItemDetail:  # noqa: B008
    """The idea with its latest screening and routing."""
    detail: ItemDetail = container_of(request).staff.queue.detail(staff, idea_id)
    return detail


@router.post("/staff/ideas/{idea_id}/routing", response_model=RoutingOut, responses=AUTH_ERRORS,
             tags=["工作人员"], summary="确认分办（入库并审计）")
def confirm_routing(idea_id: int, body: RoutingIn, request: Request,
                    staff: UserSession = Depends(staff_only)) -> RoutingOut:  # noqa: B008
    """Store the staff member's routing (unit names must be in the catalogue)."""
    edit = RoutingEdit(units=[UnitChoice(name=u.name, role=u.role) for u in body.units], committee=body.committee,
                       channel=body.channel, domain=body.domain, note=body.note)
    routing_id = container_of(request).staff.desk.confirm(staff, idea_id, edit, routing_id=body.routing_id,
                                                          revise=body.revise)
    return RoutingOut(idea_id=idea_id, routing_id=routing_id)


@router.get("/staff/ideas/by-receipt/{receipt}/contact", responses=AUTH_ERRORS, tags=["工作人员"],
            summary="查看市民联系方式（须写明事由；每次查看都记入审计）")
def contact(receipt: str, request: Request, purpose: str = Query(min_length=2, max_length=200),
            user: UserSession = Depends(staff_only)) -> dict[str, str | None]:  # noqa: B008
    """Name, phone, occupation and address of the citizen behind an idea."""
    info = container_of(request).privacy.contact(user, receipt[:32], purpose)
    return {"name": info.name, "phone": info.phone, "occupation": info.occupation, "address": info.address}


@router.post("/staff/privacy/export", responses=AUTH_ERRORS, tags=["个人信息"],
             summary="按市民请求导出其个人信息（受理编号 + 提交时电话核验；记入审计）")
def privacy_export(body: CitizenRequestIn, request: Request,
                   staff: UserSession = Depends(staff_only)) -> dict[str, Any]:  # noqa: B008
    """Everything kept about the citizen's submission."""
    return container_of(request).privacy.export(staff, body.receipt, body.phone).model_dump(mode="json")


@router.post("/staff/privacy/erase", responses=AUTH_ERRORS, tags=["个人信息"],
             summary="按市民请求删除其联系方式（受理编号 + 提交时电话核验；记入审计）")
def privacy_erase(body: CitizenRequestIn, request: Request,
                  staff: UserSession = Depends(staff_only)) -> dict[str, Any]:  # noqa: B008
    """Name, phone, occupation and address are erased from the idea and every version; the text stays."""
    idea_id = container_of(request).privacy.erase(staff, body.receipt, body.phone, body.reason)
    return {"idea_id": idea_id, "erased": True}
