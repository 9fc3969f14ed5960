"""Drafting as a task: the offline drafter always; a model's draft (structured or streamed) through the same
normalisation, vetted references, validator and claim checker; the offline draft, marked, whenever the model
fails or its draft says what the idea, the answers and the cited sources do not."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from assistant.cultivation.claims import check_claims
from assistant.cultivation.draft_text import parse_draft_text, render_text
from assistant.cultivation.engine import OfflineDrafter
from assistant.cultivation.models import Attribution, DraftProposal, DraftRequest, Proposer, Reference, Source
from assistant.cultivation.validator import enforce
from assistant.llm.schemas import ProposalDraft
from assistant.routing.models import RoutingDecision
from assistant.tasks import AnswerRejected, ModelPrompt, StreamedTaskSpec, TaskRequest, TaskRun

UNSUPPORTED = "草稿中有原文、补充回答和所引资料都没有的内容："


class DraftingRequest(TaskRequest):
    """An idea to draft, with what the citizen answered so far, what retrieval found and how it was routed."""

    answers: dict[str, str] = Field(default_factory=dict, description="Question element → the citizen's answer.")
    proposer: Proposer | None = None
    attribution: Attribution | None = None
    asked: frozenset[str] = Field(default=frozenset(), description="Elements already asked about.")
    references: list[Reference] = Field(default_factory=list, description="Retrieved past items and articles.")
    routing: RoutingDecision | None = Field(default=None, description="The router's decision: who acts.")
    duplicate_count: int | None = Field(default=None, description="Similar ideas this platform has received.")

    def draft_request(self) -> DraftRequest:
        """The offline drafter's input."""
        return DraftRequest(idea=self.text, answers=dict(self.answers), references=list(self.references),
                            routing=self.routing, proposer=self.proposer, attribution=self.attribution,
                            asked=set(self.asked), duplicate_count=self.duplicate_count)


def references(sources: list[Source]) -> str:
    """The sources a draft may cite, as prompt lines (citation and what the reply said)."""
    lines = [f"- {s.citation}" + (f"（答复：{s.reply_summary}）" if s.reply_summary else "") for s in sources]
    return "\n".join(dict.fromkeys(lines))


class DraftingSpec(StreamedTaskSpec[DraftingRequest, DraftProposal, ProposalDraft]):
    """A 附件1 draft of one idea."""

    task = "draft"
    entity_type = "draft"
    action = "draft"
    what = "金点子内容"
    answer_schema = ProposalDraft

    def __init__(self, drafter: OfflineDrafter) -> None:
        self.drafter = drafter

    def offline(self, request: DraftingRequest) -> DraftProposal:
        return self.drafter.draft(request.draft_request())

    def prompt(self, request: DraftingRequest, offline: DraftProposal) -> ModelPrompt:
        normalise = self.drafter.normaliser.normalise_text
        actor = "、".join(offline.units) or self.drafter.actor(request.text)
        return ModelPrompt(
            variables={"topic": offline.title, "actor": actor, "units": actor,
                       "domain": request.routing.domain if request.routing else "",
                       "references": references(offline.sources) or "（无）"},
            untrusted={"idea": normalise(request.text),
                       "answers": "\n".join(f"{k}：{normalise(v)}" for k, v in request.answers.items()) or "（无）"},
        )

    def offline_answer(self, offline: DraftProposal) -> ProposalDraft:
        return ProposalDraft(title=offline.title, analysis=offline.analysis, suggestions=offline.suggestions)

    def accept(self, answer: ProposalDraft, request: DraftingRequest, offline: DraftProposal) -> DraftProposal:
        candidate = offline.model_copy(update={"title": answer.title, "analysis": list(answer.analysis),
                                               "suggestions": list(answer.suggestions), "notes": []})
        draft = enforce(candidate, request.text, topic_fn=self.drafter.topics.topic)
        report = check_claims(draft, self.drafter.evidence_for(request.draft_request(), offline))
        if not report.ok:
            raise AnswerRejected(UNSUPPORTED + report.summary())
        return draft

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
