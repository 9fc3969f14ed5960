"""Personal information as the 个人信息保护法 requires: a plain notice and explicit consent at submission, a
retention period with a purge, one citizen's data exported or erased on request, and every view of contact
details audited.

The notice (:func:`notice_zh`) is the same text in the page and the API (``GET /api/v1/privacy-notice``); a
submission without consent is refused (:func:`require_consent`). Views, exports, erasures and purges are
written to the security audit trail (``security_events``: ``contact_viewed``, ``privacy_export``,
``privacy_erase``, ``privacy_purge``) with who did it and why, never with the data itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field

from assistant.accounts import UserSession, require_role
from assistant.errors import InputError, NotFoundError
from assistant.settings import PrivacySettings
from assistant.storage.auth import AuthStore
from assistant.storage.enums import Role
from assistant.storage.privacy import PrivacyStore, PurgeCounts
from assistant.storage.records import CitizenInfo, Consent
from assistant.storage.types import utcnow

_RECEIPT = re.compile(r"^BX-\d{4}-\d{1,9}$")
CONSENT_REQUIRED_ZH = "提交前请阅读《个人信息处理说明》并勾选同意；不同意时我们无法受理您的提案。"
EVENT_VIEWED = "contact_viewed"
EVENT_EXPORT = "privacy_export"
EVENT_ERASE = "privacy_erase"
EVENT_PURGE = "privacy_purge"


def notice_zh(settings: PrivacySettings) -> str:
    """The plain-language notice shown before a citizen submits (Markdown)."""
    keep = f"自提交之日起 {settings.retention_days} 天" if settings.retention_days > 0 else "至提案办理完毕"
    return (
        f"**个人信息处理说明**（第 {settings.notice_version} 版）\n\n"
        f"- **收集什么**：您填写的姓名、联系电话，以及选填的职业、联系地址；您的金点子内容。\n"
        f"- **为什么**：按“百姓提案”工作要求署名，并在需要时与您联系、核实情况、告知办理进展。\n"
        f"- **谁能看到**：{settings.office}的工作人员和负责培育该提案的政协委员；联系方式的每一次查看都有记录。"
        "不会公开，也不会提供给其他机构（法律另有规定的除外）。\n"
        f"- **保存多久**：联系方式{keep}后自动删除，金点子内容保留用于提案工作。未提交的草稿 "
        f"{settings.draft_retention_days} 天后删除。\n"
        "- **您的权利**：凭受理编号和提交时的联系电话，可随时要求查阅、复制或删除您的个人信息，"
        "也可撤回同意（撤回后我们删除您的联系方式）；请联系工作人员办理。\n"
        "- **安全**：数据只保存在本单位服务器上，仅本机可读；不使用境外服务。"
    )


def require_consent(consent: bool | None, settings: PrivacySettings, now: datetime | None = None) -> Consent:
    """The consent record of a submission; InputError (Chinese) when the citizen did not agree."""
    if consent is not True:
        raise InputError(CONSENT_REQUIRED_ZH, "no consent")
    return Consent(notice=settings.notice_version, at=now or utcnow())


class CitizenData(BaseModel):
    """Everything kept about one citizen's submission (their right to a copy)."""

    receipt_no: str
    submitted_at: datetime | None
    consent_at: datetime | None
    consent_notice: str | None
    contact_erased_at: datetime | None
    name: str | None
    occupation: str | None
    phone: str | None
    address: str | None
    idea_text: str
    title: str | None
    status: str
    versions: list[dict[str, Any]] = Field(default_factory=list, description="Each stored version of the draft.")


class PurgeReport(BaseModel):
    """What one retention purge did."""

    contacts_erased: int
    drafts_deleted: int
    cutoff: datetime | None
    draft_cutoff: datetime | None
    dry_run: bool


def _digits(phone: str | None) -> str:
    return "".join(ch for ch in phone or "" if ch.isdigit())


class PrivacyService:
    """Contact details on request only: viewing (audited), export, erasure and the retention purge.

    Staff (or admins) act on a citizen's request; the citizen is identified by the receipt number and the
    phone number given at submission. The command line acts as ``LOCAL_OPERATOR``.
    """

    def __init__(self, store: PrivacyStore, audit: AuthStore, settings: PrivacySettings | None = None, *,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.audit = audit
        self.settings = settings or PrivacySettings()
        self.clock = clock

    # contact details -------------------------------------------------------------------------------
    def contact(self, actor: UserSession | None, receipt_no: str, purpose: str) -> CitizenInfo:
        """The citizen's contact details of an idea, for staff or members who must reach them; audited with
        who looked and why (a purpose is required)."""
        user = require_role(actor, Role.STAFF, Role.MEMBER)
        purpose = (purpose or "").strip()
        if not purpose:
            raise InputError("请写明查看联系方式的事由（例如：核实情况、告知办理结果）。", "no purpose")
        idea_id, info = self._contact_of(receipt_no)
        self.log_view(user, idea_id, purpose[:200], address=None)
        return info

    def log_view(self, actor: UserSession, idea_id: int, purpose: str, address: str | None = None) -> None:
        """Record that ``actor`` saw the contact details of an idea (pages that show them call this)."""
        self.audit.record_event(EVENT_VIEWED, user_id=actor.user_id, username=actor.username[:64], address=address,
                                detail={"idea_id": idea_id, "purpose": purpose[:200]}, now=self.clock())

    def _contact_of(self, receipt_no: str) -> tuple[int, CitizenInfo]:
        receipt = self._receipt(receipt_no)
        found = self.store.idea_contact(receipt)
        if found is None:
            raise NotFoundError(f"没有找到受理编号为 {receipt} 的金点子。", "unknown receipt")
        return found

    @staticmethod
    def _receipt(receipt_no: str) -> str:
        receipt = (receipt_no or "").strip().upper()
        if not _RECEIPT.match(receipt):
            raise InputError("受理编号格式不正确，应形如 BX-2026-000123。", f"bad receipt {receipt!r}")
        return receipt

    def _verified(self, receipt_no: str, phone: str) -> int:
        receipt = self._receipt(receipt_no)
        digits = _digits(phone)
        if len(digits) < 7:
            raise InputError("请提供提交时留下的联系电话，用于核对身份。", "no phone")
        found = self.store.idea_contact(receipt)
        if found is None or _digits(found[1].phone) != digits:
            raise NotFoundError(f"没有找到受理编号为 {receipt}、联系电话与之相符的金点子，请核对后再办理。",
                                "unknown receipt or phone mismatch")
        return found[0]

    # requests of the citizen ------------------------------------------------------------------------
    def export(self, actor: UserSession | None, receipt_no: str, phone: str) -> CitizenData:
        """A copy of everything kept about one citizen's submission (receipt + phone checked; audited)."""
        user = require_role(actor, Role.STAFF)
        idea_id = self._verified(receipt_no, phone)
        data = CitizenData.model_validate(self.store.citizen_data(idea_id))
        self.audit.record_event(EVENT_EXPORT, user_id=user.user_id, username=user.username[:64],
                                detail={"idea_id": idea_id}, now=self.clock())
        return data

    def erase(self, actor: UserSession | None, receipt_no: str, phone: str, reason: str = "本人要求删除") -> int:
        """Erase the contact details of one citizen's submission from the idea and every draft version
        (receipt + phone checked; audited); the idea's text stays. Returns the idea id."""
        user = require_role(actor, Role.STAFF)
        idea_id = self._verified(receipt_no, phone)
        self.store.erase_contact([idea_id], self.clock())
        self.audit.record_event(EVENT_ERASE, user_id=user.user_id, username=user.username[:64],
                                detail={"idea_id": idea_id, "reason": (reason or "")[:200]}, now=self.clock())
        return idea_id

    # retention --------------------------------------------------------------------------------------
    def purge(self, actor: UserSession | None, *, dry_run: bool = False) -> PurgeReport:
        """Erase contact details older than ``retention_days`` and delete unsubmitted citizen drafts older than
        ``draft_retention_days`` (audited); ``dry_run`` only counts."""
        user = require_role(actor, Role.ADMIN)
        now = self.clock()
        cfg = self.settings
        cutoff = now - timedelta(days=cfg.retention_days) if cfg.retention_days > 0 else None
        draft_cutoff = now - timedelta(days=cfg.draft_retention_days) if cfg.draft_retention_days > 0 else None
        counts: PurgeCounts = self.store.purge(cutoff, draft_cutoff, now, dry_run=dry_run)
        if not dry_run:
            self.audit.record_event(EVENT_PURGE, user_id=user.user_id, username=user.username[:64],
                                    detail={"contacts_erased": counts.contacts_erased,
                                            "drafts_deleted": counts.drafts_deleted}, now=now)
        return PurgeReport(contacts_erased=counts.contacts_erased, drafts_deleted=counts.drafts_deleted,
                           cutoff=cutoff, draft_cutoff=draft_cutoff, dry_run=dry_run)
