"""Workflows behind the citizen and member pages: small services over cultivation, review and storage."""

from assistant.workflow.citizen import CitizenWorkflow
from assistant.workflow.factory import build_citizen_workflow, build_member_workflow
from assistant.workflow.member import MemberWorkflow
from assistant.workflow.models import (
    CheckResult,
    DraftUpdate,
    DuplicateCheck,
    MemberDraft,
    PolishResult,
    Receipt,
    StatusView,
    Submission,
    VersionInfo,
    status_zh,
)
from assistant.workflow.store import DraftStore
from assistant.workflow.writer import DraftWriter

__all__ = [
    "CheckResult",
    "CitizenWorkflow",
    "DraftStore",
    "DraftUpdate",
    "DraftWriter",
    "DuplicateCheck",
    "MemberDraft",
    "MemberWorkflow",
    "PolishResult",
    "Receipt",
    "StatusView",
    "Submission",
    "VersionInfo",
    "build_citizen_workflow",
    "build_member_workflow",
    "status_zh",
]
