"""The review of one idea — scope screening and, when wanted, routing — as one task (``idea_review``).

Offline, the screening and routing engines answer; with a model, one structured call answers both. Every entry
point that screens or routes (the citizen page, the API, staff triage, ``baixing screen|route``, the evals)
runs this one spec, so what is measured is what citizens get.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.routing.catalogue import Catalogue
from assistant.routing.engine import OfflineRouter
from assistant.routing.models import LLMRouting, RoutingDecision
from assistant.routing.spec import RoutingPart
from assistant.screening.models import LLMScreening, ScreeningVerdict
from assistant.screening.spec import ScreeningPart
from assistant.storage.records import ReviewRecord
from assistant.tasks import OFFLINE, ModelPrompt, TaskOutcome, TaskRequest, TaskRun, TaskRunner, TaskSpec

RoutingWanted = Literal["if_in_scope", "always", "never"]
NO_MODEL_ROUTING = "大模型判断这条内容不属于“百姓提案”范围，没有给出分办建议；以上为离线规则的分办建议。"


class ReviewRequest(TaskRequest):
    """One text to review; ``routing`` says when a routing suggestion is wanted."""

    routing: RoutingWanted = "if_in_scope"

    def wants_routing(self, in_scope: bool) -> bool:
        """Whether this request wants routing for a verdict with ``in_scope``."""
        return self.routing == "always" or (self.routing == "if_in_scope" and in_scope)


class IdeaReview(BaseModel):
    """The screening verdict and, when wanted, the routing decision of one text."""

    verdict: ScreeningVerdict
    decision: RoutingDecision | None = None
    routing_by_model: bool = Field(default=False, exclude=True, description="The model produced the routing.")


class LLMIdeaReview(BaseModel):
    """What the model returns for one idea: the screening answer, and routing when in scope."""

    model_config = ConfigDict(extra="ignore")

    screening: LLMScreening
    routing: LLMRouting | None = Field(default=None, description="Only when screening.in_scope is true.")


class ReviewSpec(TaskSpec[ReviewRequest, IdeaReview, LLMIdeaReview]):
    """Screening + routing of one text, in one model call."""

    task = "idea_review"
    entity_type = "idea"
    action = "review"
    what = "要分析的内容"
    substance = True
    answer_schema = LLMIdeaReview

    def __init__(self, screening: ScreeningPart, routing: RoutingPart,
                 script: Callable[[str], str] | None = None) -> None:
        self.screening = screening
        self.routing = routing
        self.script = script
        """Traditional → Simplified and written Cantonese → Mandarin for the offline engines (trained on
        Simplified Mandarin); the model reads the citizen's own words."""

    def _engine_text(self, text: str) -> str:
        return self.script(text) if self.script is not None else text

    def offline(self, request: ReviewRequest) -> IdeaReview:
        text = self._engine_text(request.text)
        verdict = self.screening.offline(text)
        decision = self.routing.offline(text, verdict) if request.wants_routing(verdict.in_scope) else None
        return IdeaReview(verdict=verdict, decision=decision)

    def _decision(self, request: ReviewRequest, offline: IdeaReview) -> RoutingDecision:
        return offline.decision or self.routing.offline(self._engine_text(request.text), offline.verdict)

    def prompt(self, request: ReviewRequest, offline: IdeaReview) -> ModelPrompt:
        decision = self._decision(request, offline)
        catalogues = {f"screening.{k}": v for k, v in self.screening.catalogues().items()}
        text = self._engine_text(request.text)
        catalogues.update({f"routing.{k}": v for k, v in self.routing.catalogues(text, decision).items()})
        return ModelPrompt(
            variables={**self.screening.variables(), **self.routing.variables(text, decision)},
            untrusted={"text": request.text}, catalogues=catalogues,
        )

    def offline_answer(self, offline: IdeaReview) -> LLMIdeaReview:
        routing = self.routing.offline_answer(offline.decision) if offline.decision else None
        return LLMIdeaReview(screening=self.screening.offline_answer(offline.verdict), routing=routing)

    def accept(self, answer: LLMIdeaReview, request: ReviewRequest, offline: IdeaReview) -> IdeaReview:
        verdict = self.screening.accept(answer.screening, request.text, offline.verdict)
        if not request.wants_routing(verdict.in_scope):
            return IdeaReview(verdict=verdict)
        if answer.routing is None:
            return IdeaReview(verdict=verdict, decision=self._decision(request, offline))
        decision = self.routing.accept(answer.routing, self._decision(request, offline))
        return IdeaReview(verdict=verdict, decision=decision, routing_by_model=True)

    def stamp(self, value: IdeaReview, run: TaskRun) -> IdeaReview:
        verdict = value.verdict.model_copy(update=run.stamp())
        decision = value.decision
        if decision is not None and value.routing_by_model:
            decision = decision.model_copy(update=run.stamp())
        elif decision is not None and run.engine != OFFLINE and not run.is_fallback:
            decision = decision.model_copy(update={"fallback": NO_MODEL_ROUTING})
        elif decision is not None:
            decision = decision.model_copy(update=run.stamp())
        return value.model_copy(update={"verdict": verdict, "decision": decision})

    def summary(self, value: IdeaReview) -> dict[str, Any]:
        return {"screening": self.screening.summary(value.verdict),
                "routing": self.routing.summary(value.decision) if value.decision else None}

    def agrees(self, shown: IdeaReview, offline: IdeaReview) -> bool:
        same_scope = self.screening.agrees(shown.verdict, offline.verdict)
        if shown.decision is None or offline.decision is None:
            return same_scope
        return same_scope and self.routing.agrees(shown.decision, offline.decision)


class IdeaReviewService:
    """Screens (and routes) texts through the task runner with the one review spec."""

    def __init__(self, tasks: TaskRunner, spec: ReviewSpec) -> None:
        self.tasks = tasks
        self.spec = spec

    @property
    def router(self) -> OfflineRouter:
        """The offline router in use (its domain classifier also serves staff analyses and the domain eval)."""
        return self.spec.routing.router

    @property
    def catalogue(self) -> Catalogue:
        """The routing catalogue in use."""
        return self.spec.routing.catalogue

    def use_catalogue(self, catalogue: Catalogue) -> None:
        """Route with an edited catalogue from now on."""
        self.spec.routing.use_catalogue(catalogue)

    def review(
        self,
        text: str,
        *,
        known_names: tuple[str, ...] = (),
        routing: RoutingWanted = "if_in_scope",
        offline_only: bool = False,
        audit: bool = True,
        entity_id: str | None = None,
        user_id: int | None = None,
    ) -> TaskOutcome[IdeaReview]:
        """Screen ``text`` and route it as ``routing`` asks; InputError (Chinese) for unusable text."""
        request = ReviewRequest(text=text, known_names=known_names, routing=routing)
        return self.tasks.run(self.spec, request, offline_only=offline_only, audit=audit, entity_id=entity_id,
                              user_id=user_id)


def review_record(review: IdeaReview) -> ReviewRecord:
    """What storage keeps of a review: the verdict with its routing context, and the suggested units.

    Web submissions, API submissions and staff imports store reviews this one way, so the staff queue shows
    the same (committee, channel, reasons) whichever way an idea came in.
    """
    verdict, decision = review.verdict, review.decision
    details = verdict.model_dump(mode="json")
    if decision is not None:
        details["routing"] = decision.model_dump(mode="json", exclude={"units"})
    return ReviewRecord(
        in_scope=verdict.in_scope, confidence=verdict.confidence, reasons=[verdict.reason], details=details,
        domain=decision.domain if decision else None,
        suggested_units=[u.model_dump(mode="json") for u in decision.units] if decision else None,
    )
