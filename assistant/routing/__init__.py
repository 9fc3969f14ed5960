"""Routing for staff: domain, handling units (主办/协办), counterpart committee and channel — with reasons.

The offline engine is :class:`OfflineRouter`; the model path is one part of the review task
(:mod:`assistant.review`), through :class:`RoutingPart`.
"""

from assistant.routing.engine import OfflineRouter, RouterConfig
from assistant.routing.models import LLMRouting, RoutingDecision, UnitSuggestion
from assistant.routing.spec import RoutingPart

__all__ = ["LLMRouting", "OfflineRouter", "RouterConfig", "RoutingDecision", "RoutingPart", "UnitSuggestion"]
