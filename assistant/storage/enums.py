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
    """Life cycle of a citizen idea (金点子); the allowed moves are in :mod:`assistant.storage.lifecycle`."""

    DRAFT = "draft"  # the citizen is still writing; no receipt number yet
    SUBMITTED = "submitted"  # received, with a receipt number
    SCREENED = "screened"  # scope screened (and routing suggested) by staff triage
    ROUTED = "routed"  # handling units confirmed by staff
    IN_CULTIVATION = "in_cultivation"  # a member is cultivating it into a proposal
    PROPOSAL = "proposal"  # it became a 百姓提案
    HANDLING = "handling"  # handed to its handling unit(s), a reply is awaited (办理中, 督办)
    REPLIED = "replied"  # a handling unit replied; the citizen may rate the reply
    REFERRED = "referred"  # passed to another channel (12345, 信访, 社情民意…)
    CLOSED = "closed"


class IdeaSource(StrEnum):
    """How an idea entered the system."""

    WEB = "web"
    IMPORT = "import"
    CLI = "cli"
    API = "api"  # the JSON API of the online channels (官网, 公众号, 穗协通, 穗好办 APP)


class DraftStatus(StrEnum):
    """Life cycle of a proposal draft."""

    DRAFTING = "drafting"
    POLISHING = "polishing"  # with a CPPCC member
    FINAL = "final"
    WITHDRAWN = "withdrawn"
