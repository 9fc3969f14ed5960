"""Cultivation: drafts through the task runner (offline, or a model through the same validator) and stored
multi-turn sessions in the idea store."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Protocol

from assistant.cultivation.engine import OfflineDrafter
from assistant.cultivation.models import Attribution, DraftProposal, Proposer, Reference, SessionState
from assistant.cultivation.references import from_hits
from assistant.cultivation.sessions import attribution_of, citizen_info, session_of, version_content
from assistant.cultivation.spec import DraftingRequest, DraftingSpec
from assistant.llm.schemas import ProposalDraft
from assistant.routing.models import RoutingDecision
from assistant.search import SimilarResult
from assistant.storage.enums import DraftStatus, IdeaSource
from assistant.storage.ideas import IdeaStore
from assistant.storage.records import ReviewRecord
from assistant.tasks import TaskOutcome, TaskRunner, TaskStream
from assistant.textinput import clean_text

log = logging.getLogger("baixing.cultivation")
SEARCH_CHARS = 2000


class SimilarSearcher(Protocol):
    """The part of :class:`assistant.search.SearchService` drafting uses."""

    def similar_for_idea(self, text: str, k: int = 5) -> SimilarResult: ...


class CultivationService:
    """Turns a citizen's idea into a standard-format draft and keeps the guided-question session."""

    def __init__(self, tasks: TaskRunner, spec: DraftingSpec, ideas: IdeaStore, searcher: SimilarSearcher | None = None,
                 k: int = 5) -> None:
        self.tasks = tasks
        self.spec = spec
        self.ideas = ideas
        self.searcher = searcher
        self.k = k

    @property
    def drafter(self) -> OfflineDrafter:
        """The offline drafter (also used for remarks and titles)."""
        return self.spec.drafter

    @property
    def streaming(self) -> bool:
        """True when drafts come from a model (pages then show them being written)."""
        return self.tasks.llm_enabled

    # drafting -------------------------------------------------------------------------------------
    def references(self, text: str) -> list[Reference]:
        """Past items, proposals and policy articles retrieved for an idea (empty without a searcher)."""
        if self.searcher is None:
            return []
        try:
            found = self.searcher.similar_for_idea(text[:SEARCH_CHARS], k=self.k)
        except Exception:  # retrieval is enrichment: a draft without references beats no draft
            log.exception("similar_for_idea failed; drafting without references")
            return []
        return from_hits([*found.items, *found.policies])

    def request(
        self, text: str, *, answers: Mapping[str, str] | None = None, proposer: Proposer | None = None,
        attribution: Attribution | None = None, asked: set[str] | None = None,
        routing: RoutingDecision | None = None, duplicate_count: int | None = None,
    ) -> DraftingRequest:
        """The drafting request of an idea with what retrieval finds for it (names are masked before any model
        call); InputError for unusable text."""
        text = clean_text(text, self.tasks.max_chars, self.spec.what)
        names = tuple(n for n in ((proposer.name if proposer else ""),
                                  (attribution.citizen.name if attribution else "")) if n)
        answers = dict(answers or {})
        return DraftingRequest(text=text, known_names=names, answers=answers, proposer=proposer,
                               attribution=attribution, asked=frozenset(asked or ()),
                               references=self.references(text + "".join(answers.values())), routing=routing,
                               duplicate_count=duplicate_count)

    def run(self, request: DraftingRequest, *, offline_only: bool = False) -> TaskOutcome[DraftProposal]:
        """A compliant draft with how it was made; InputError for empty, binary or over-long input."""
        return self.tasks.run(self.spec, request, offline_only=offline_only)

    def draft(
        self, text: str, *, answers: Mapping[str, str] | None = None, proposer: Proposer | None = None,
        attribution: Attribution | None = None, asked: set[str] | None = None,
        routing: RoutingDecision | None = None, offline_only: bool = False,
    ) -> DraftProposal:
        """A compliant draft of ``text``."""
        request = self.request(text, answers=answers, proposer=proposer, attribution=attribution, asked=asked,
                               routing=routing)
        return self.run(request, offline_only=offline_only).value

    def stream(
        self, request: DraftingRequest, *, offline_only: bool = False
    ) -> TaskStream[DraftingRequest, DraftProposal, ProposalDraft]:
        """The draft being written (a model streams its text; offline the outcome is ready at once)."""
        return self.tasks.stream(self.spec, request, offline_only=offline_only)

    # sessions -------------------------------------------------------------------------------------
    def start(
        self, text: str, draft: DraftProposal, *, review: ReviewRecord | None = None, citizen: Proposer | None = None,
        routing: RoutingDecision | None = None, source: IdeaSource = IdeaSource.WEB, created_by: int | None = None,
        note: str = "培育第1轮：初稿",
    ) -> SessionState:
        """Store a new idea (a draft, no receipt yet) with its review, the citizen's details, the routing its
        draft names units from, and ``draft`` as version 1."""
        state = SessionState(round=1, idea_text=text, draft=draft, routing=routing)
        started = self.ideas.start(text, version_content(state), review=review,
                                   citizen=citizen_info(citizen) if citizen else None, source=source,
                                   created_by=created_by, note=note)
        attribution = (draft.attribution or Attribution()).model_copy(update={"idea_id": started.idea_id})
        return state.model_copy(update={"draft_id": started.draft_id, "idea_id": started.idea_id,
                                        "draft": draft.model_copy(update={"attribution": attribution})})

    def answer(
        self, draft_id: int, answers: Mapping[str, str], *, author_id: int | None = None, offline_only: bool = False
    ) -> SessionState:
        """Add the citizen's answers, redraft, store the next version; returns the updated session."""
        state = self.resume(draft_id)
        merged = {**state.answers, **{k: v.strip() for k, v in answers.items() if v and v.strip()}}
        asked: set[str] = {q.element for q in state.draft.questions}
        draft = self.draft(state.idea_text, answers=merged, proposer=state.draft.proposer,
                           attribution=state.draft.attribution, asked=asked, routing=state.routing,
                           offline_only=offline_only)
        state = state.model_copy(update={"answers": merged, "round": state.round + 1, "draft": draft})
        self.add_version(state, author_id=author_id, note=f"培育第{state.round}轮：根据补充回答修改")
        return state

    def add_version(
        self, state: SessionState, *, author_id: int | None = None, note: str = "",
        draft_status: DraftStatus | None = None, member_id: int | None = None,
    ) -> int:
        """Store ``state`` as the next version of its draft; returns the version number."""
        if state.draft_id is None:
            raise ValueError("state.draft_id is None: start the session first")
        return self.ideas.add_version(state.draft_id, version_content(state), author_id=author_id, note=note,
                                      draft_status=draft_status, member_id=member_id)

    def resume(self, draft_id: int) -> SessionState:
        """The stored session of a draft (latest version, answers so far, citizen attribution)."""
        return session_of(self.ideas.snapshot(draft_id))

    def attribution(self, idea_id: int | None, member: str = "") -> Attribution:
        """群众署名 of a stored idea."""
        return attribution_of(self.ideas.idea(idea_id) if idea_id is not None else None, member)
