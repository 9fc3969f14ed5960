"""Closed vocabularies stored as short strings."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a user may do."""

    CITIZEN = "citizen"
    MEMBER = "member"  # CPPCC member (委员): polishes drafts
    STAFF = "staff"  # 工作人员: screens, routes, handles
    EVALUATOR = "evaluator"
    ADMIN = "admin"


class IdeaStatus(StrEnum):
    """Life cycle of a citizen idea (金点子)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    SCREENED = "screened"
    ROUTED = "routed"
    IN_CULTIVATION = "in_cultivation"
    ACCEPTED = "accepted"
    REFERRED = "referred"
    CLOSED = "closed"


class IdeaSource(StrEnum):
    """How an idea entered the system."""

    WEB = "web"
    IMPORT = "import"
    CLI = "cli"


class DraftStatus(StrEnum):
    """Life cycle of a proposal draft."""

    DRAFTING = "drafting"
    POLISHING = "polishing"  # with a CPPCC member
    FINAL = "final"
    WITHDRAWN = "withdrawn"
