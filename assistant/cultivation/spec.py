"""Drafting as a task: the offline drafter always, a model's draft (structured or streamed) through the same
validator, the offline draft with a note whenever the model fails or its draft cannot be used."""

from __future__ import annotations

import logging
from typing import Any, Protocol

from pydantic import Field

from assistant.cultivation.draft_text import parse_draft_text, render_text
from assistant.cultivation.engine import OfflineDrafter
from assistant.cultivation.models import Attribution, DraftProposal, Proposer, Source
from assistant.cultivation.validator import enforce
from assistant.llm.schemas import ProposalDraft
from assistant.search import SimilarResult
from assistant.tasks import AnswerRejected, ModelPrompt, StreamedTaskSpec, TaskRequest, TaskRun

log = logging.getLogger("baixing.cultivation")

SEARCH_CHARS = 2000


class SimilarSearcher(Protocol):
    """The part of :class:`assistant.search.SearchService` drafting uses."""

    def similar_for_idea(self, text: str, k: int = 5) -> SimilarResult: ...


class DraftingRequest(TaskRequest):
    """An idea to draft, with what the citizen answered so far and what is known about it."""

    answers: dict[str, str] = Field(default_factory=dict, description="Question element → the citizen's answer.")
    proposer: Proposer | None = None
    attribution: Attribution | None = None
    asked: frozenset[str] = Field(default=frozenset(), description="Elements already asked about.")
    domain: str = Field(default="", description="The routed domain, when the idea was routed.")


def references(sources: list[Source]) -> str:
    """The sources as prompt lines (citation and what the reply said)."""
    lines = [f"- {s.citation}" + (f"（答复：{s.reply_summary}）" if s.reply_summary else "") for s in sources]
    return "\n".join(dict.fromkeys(lines))


class DraftingSpec(StreamedTaskSpec[DraftingRequest, DraftProposal, ProposalDraft]):
    """A 附件1 draft of one idea."""

    task = "draft"
    entity_type = "draft"
    action = "draft"
    what = "金点子内容"
    answer_schema = ProposalDraft

    def __init__(self, drafter: OfflineDrafter, searcher: SimilarSearcher | None = None, k: int = 5) -> None:
        self.drafter = drafter
        self.searcher = searcher
        self.k = k

    def _similar(self, text: str) -> tuple[list[Any], list[Any]]:
        if self.searcher is None:
            return [], []
        try:
            found = self.searcher.similar_for_idea(text[:SEARCH_CHARS], k=self.k)
        except Exception:  # retrieval is enrichment: a draft without references beats no draft
            log.exception("similar_for_idea failed; drafting without references")
            return [], []
        return list(found.items), list(found.policies)

    def offline(self, request: DraftingRequest) -> DraftProposal:
        items, policies = self._similar(request.text + "".join(request.answers.values()))
        return self.drafter.draft(request.text, request.answers, items, policies, request.proposer,
                                  request.attribution, set(request.asked))

    def prompt(self, request: DraftingRequest, offline: DraftProposal) -> ModelPrompt:
        actor = self.drafter.actor(request.text)
        return ModelPrompt(
            variables={"topic": offline.title, "actor": actor, "domain": request.domain, "units": actor,
                       "references": references(offline.sources) or "（无）"},
            untrusted={"idea": request.text,
                       "answers": "\n".join(f"{k}：{v}" for k, v in request.answers.items()) or "（无）"},
        )

    def offline_answer(self, offline: DraftProposal) -> ProposalDraft:
        return ProposalDraft(title=offline.title, analysis=offline.analysis, suggestions=offline.suggestions)

    def accept(self, answer: ProposalDraft, request: DraftingRequest, offline: DraftProposal) -> DraftProposal:
        candidate = offline.model_copy(update={"title": answer.title, "analysis": list(answer.analysis),
                                               "suggestions": list(answer.suggestions), "notes": []})
        return enforce(candidate, request.text, topic_fn=self.drafter.topics.topic)

    def render(self, offline: DraftProposal) -> str:
        return render_text(offline)

    def parse(self, text: str, request: DraftingRequest, offline: DraftProposal) -> DraftProposal:
        parsed = parse_draft_text(text)
        if parsed is None or not parsed.suggestions:
            raise AnswerRejected("the streamed draft has no recognisable 具体建议 section")
        answer = ProposalDraft.model_construct(title=parsed.title or offline.title, analysis=parsed.analysis,
                                               suggestions=parsed.suggestions)
        return self.accept(answer, request, offline)

    def stamp(self, value: DraftProposal, run: TaskRun) -> DraftProposal:
        notes = [*value.notes, run.fallback_message] if run.fallback_message else value.notes
        return value.model_copy(update={"backend": run.engine, "model": run.model,
                                        "prompt_version": run.prompt_version, "notes": notes})

    def summary(self, value: DraftProposal) -> dict[str, Any]:
        return {"analysis_points": len(value.analysis), "suggestion_points": len(value.suggestions),
                "sources": len(value.sources), "questions": [q.element for q in value.questions],
                "backend": value.backend, "prompt_version": value.prompt_version}

    def agrees(self, shown: DraftProposal, offline: DraftProposal) -> bool:
        return shown.proposal_dict() == offline.proposal_dict()
