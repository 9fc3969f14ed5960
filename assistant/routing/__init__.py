"""Routing for staff: domain, handling units (主办/协办), counterpart committee and channel — with reasons.

Offline engine in :class:`OfflineRouter`; the LLM path and the audit of both decisions in
:class:`RoutingService`; build it with :func:`build_routing_service`.
"""

from assistant.routing.engine import OfflineRouter, RouterConfig
from assistant.routing.factory import build_routing_service
from assistant.routing.models import LLMRouting, RoutingDecision, RoutingOutcome, UnitSuggestion
from assistant.routing.service import RoutingService, audit_log_sink

__all__ = [
    "LLMRouting",
    "OfflineRouter",
    "RouterConfig",
    "RoutingDecision",
    "RoutingOutcome",
    "RoutingService",
    "UnitSuggestion",
    "audit_log_sink",
    "build_routing_service",
]
