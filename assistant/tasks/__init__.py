"""The task runner and what tasks declare on it (see :mod:`assistant.tasks.runner`)."""

from assistant.tasks.models import (
    FALLBACK,
    OFFLINE,
    EngineStamp,
    ModelPrompt,
    TaskAudit,
    TaskOutcome,
    TaskRequest,
    TaskRun,
    text_digest,
)
from assistant.tasks.runner import AuditSink, TaskRunner, TaskStream
from assistant.tasks.spec import AnswerRejected, StreamedTaskSpec, TaskSpec

__all__ = [
    "FALLBACK",
    "OFFLINE",
    "AnswerRejected",
    "AuditSink",
    "EngineStamp",
    "ModelPrompt",
    "StreamedTaskSpec",
    "TaskAudit",
    "TaskOutcome",
    "TaskRequest",
    "TaskRun",
    "TaskRunner",
    "TaskSpec",
    "TaskStream",
    "text_digest",
]
