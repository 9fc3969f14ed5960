"""Staff (工作人员) services: the queue, batch triage of clues, the routing desk, duplicate clusters, hot topics."""

from assistant.staff.clusters import CorpusSimilarity, DuplicateClusters
from assistant.staff.desk import RoutingDesk
from assistant.staff.hot import HotTopics
from assistant.staff.queue import QueueService
from assistant.staff.services import StaffServices
from assistant.staff.triage import TriageService

__all__ = [
    "CorpusSimilarity",
    "DuplicateClusters",
    "HotTopics",
    "QueueService",
    "RoutingDesk",
    "StaffServices",
    "TriageService",
]
