"""Repositories: the queries services need, one small class per aggregate.

Every repository wraps a ``Session`` owned by the caller; methods ``flush`` (so ids are set) but never
commit, so a service composes several calls into one transaction::

    with db.session() as s:
        idea = IdeaRepository(s).create("建议在地铁站增设母婴室", citizen=CitizenInfo(name="张三"))
        AuditRepository(s).record(entity_type="idea", entity_id=idea.id, ...)
"""

from assistant.storage._sql import digest
from assistant.storage.repositories.audit import AuditRepository
from assistant.storage.repositories.drafts import DraftRepository
from assistant.storage.repositories.evals import EvalRepository
from assistant.storage.repositories.ideas import CitizenInfo, IdeaRepository, format_receipt_no
from assistant.storage.repositories.ingest import IngestRepository
from assistant.storage.repositories.results import QualityRepository, RoutingRepository, ScreeningRepository
from assistant.storage.repositories.users import UserRepository

__all__ = [
    "AuditRepository",
    "CitizenInfo",
    "DraftRepository",
    "EvalRepository",
    "IdeaRepository",
    "IngestRepository",
    "QualityRepository",
    "RoutingRepository",
    "ScreeningRepository",
    "UserRepository",
    "digest",
    "format_receipt_no",
]
