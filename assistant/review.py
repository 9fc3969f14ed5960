"""Screening and routing of one idea in a single model call (task ``idea_review``).

With drafting as the second call, an idea costs at most two model calls end to end. Offline, or when the
call fails, both answers come from the offline engines, marked as such.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from assistant.routing.models import LLMRouting, RoutingOutcome
from assistant.routing.service import RoutingService
from assistant.screening.models import LLMScreening, ScreeningOutcome
from assistant.screening.service import ScreeningService
from assistant.textinput import clean_text

TASK = "idea_review"


class LLMIdeaReview(BaseModel):
    """What the model returns for one idea: the screening answer, and routing when in scope."""

    model_config = ConfigDict(extra="ignore")

    screening: LLMScreening
    routing: LLMRouting | None = Field(default=None, description="Only when screening.in_scope is true.")


class IdeaReview(BaseModel):
    """Screening outcome and, for ideas in scope, the routing outcome; each keeps its offline twin."""

    screening: ScreeningOutcome
    routing: RoutingOutcome | None
    llm_calls: int = Field(description="Model requests this review made (0 offline).")


class IdeaReviewService:
    """Runs screening + routing for one idea with at most one model request (plus one retry on a bad answer)."""

    def __init__(self, screening: ScreeningService, routing: RoutingService, runner: Any | None) -> None:
        self.screening = screening
        self.routing = routing
        self.runner = runner

    def review(self, text: str, known_names: Sequence[str] = (), entity_id: str | None = None) -> IdeaReview:
        """Screen the idea and, when it is in scope, suggest its routing."""
        text = clean_text(text, self.screening.max_chars, "要分析的内容")
        offline_screen = self.screening.screen(text, known_names, offline_only=True, audit=False)
        if not self.screening.llm_enabled or self.runner is None:
            in_scope = offline_screen.verdict.in_scope
            routing = self.routing.route(text, offline_only=True, audit=False) if in_scope else None
            return self._recorded(text, offline_screen, routing, 0, entity_id)

        offline_verdict = offline_screen.verdict
        offline_decision = self.routing.offline.route(text)
        screen_vars, screen_cats = self.screening.llm_request()
        route_vars, route_cats = self.routing.llm_request(text, offline_decision)
        variables = {
            "channels": screen_vars["channels"],
            "units": route_vars["units"],
            "domains": route_vars["domains"],
            "committees": route_vars["committees"],
            "routing_channels": route_vars["channels"],
        }
        catalogues = {f"screening.{k}": v for k, v in screen_cats.items()}
        catalogues.update({f"routing.{k}": v for k, v in route_cats.items()})
        result = self.runner.run_structured(
            TASK,
            LLMIdeaReview,
            offline=lambda: LLMIdeaReview(
                screening=self.screening.offline_answer(offline_verdict),
                routing=self.routing.offline_answer(offline_decision),
            ),
            variables=variables,
            untrusted={"text": text},
            catalogues=catalogues,
            known_names=list(known_names),
        )
        answer: LLMIdeaReview = result.value
        screening = self.screening.outcome_from(result, answer.screening, text, offline_verdict)
        routing = None
        if screening.verdict.in_scope:
            routing = self.routing.outcome_from(result, answer.routing, offline_decision)
        return self._recorded(text, screening, routing, result.calls, entity_id)

    def _recorded(
        self,
        text: str,
        screening: ScreeningOutcome,
        routing: RoutingOutcome | None,
        calls: int,
        entity_id: str | None,
    ) -> IdeaReview:
        self.screening.record(text, screening, entity_id)
        if routing is not None:
            self.routing.record(text, routing, entity_id)
        return IdeaReview(screening=screening, routing=routing, llm_calls=calls)
