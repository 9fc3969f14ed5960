"""LLM layer: backends behind one protocol, versioned prompts, PII masking, injection guard, fallback.

Services use :class:`LLMRunner` (built by :func:`build_llm_runner`) and never talk to a backend directly.
"""

from assistant.llm.backends import FakeChatBackend, FakeReply, OpenAIChatBackend
from assistant.llm.calls import CallRecorder, InMemoryCallRecorder, LLMCallRecord
from assistant.llm.errors import (
    CatalogueViolation,
    LLMConfigError,
    LLMError,
    LLMOutputInvalid,
    LLMUnavailable,
    PromptError,
    PromptNotFound,
    PromptVariableError,
)
from assistant.llm.factory import build_chat_backend, build_llm_runner
from assistant.llm.pii import PIIMasker
from assistant.llm.prompts import PromptLoader, PromptTemplate
from assistant.llm.protocol import ChatBackend, ChatMessage, StreamChunk, StructuredReply, Usage
from assistant.llm.runner import FALLBACK, OFFLINE, FallbackReason, LLMResult, LLMRunner, LLMStream
from assistant.llm.schemas import EXCLUSION_CATEGORIES, IdeaAnalysis, ProposalDraft

__all__ = [
    "EXCLUSION_CATEGORIES",
    "FALLBACK",
    "OFFLINE",
    "CallRecorder",
    "CatalogueViolation",
    "ChatBackend",
    "ChatMessage",
    "FakeChatBackend",
    "FakeReply",
    "FallbackReason",
    "IdeaAnalysis",
    "InMemoryCallRecorder",
    "LLMCallRecord",
    "LLMConfigError",
    "LLMError",
    "LLMOutputInvalid",
    "LLMResult",
    "LLMRunner",
    "LLMStream",
    "LLMUnavailable",
    "OpenAIChatBackend",
    "PIIMasker",
    "PromptError",
    "PromptLoader",
    "PromptNotFound",
    "PromptTemplate",
    "PromptVariableError",
    "ProposalDraft",
    "StreamChunk",
    "StructuredReply",
    "Usage",
    "build_chat_backend",
    "build_llm_runner",
]
