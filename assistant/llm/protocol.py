"""The small contract every chat backend fulfils, and the plain data it exchanges."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class ChatMessage:
    """One chat message, independent of any client library."""

    role: Role
    content: str


@dataclass(frozen=True)
class Usage:
    """Token counts reported by the endpoint (zero when it reports none)."""

    input_tokens: int = 0
    output_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(self.input_tokens + other.input_tokens, self.output_tokens + other.output_tokens)


@dataclass(frozen=True)
class StructuredReply(Generic[M]):
    """A schema-valid answer and what it cost."""

    parsed: M
    usage: Usage


@dataclass(frozen=True)
class StreamChunk:
    """A piece of streamed text; the last chunk may carry only ``usage``."""

    text: str = ""
    usage: Usage | None = None


@runtime_checkable
class ChatBackend(Protocol):
    """A chat model endpoint.

    ``structured`` raises :class:`~assistant.llm.errors.LLMOutputInvalid` when the answer does not fit
    ``schema`` and lets transport errors (``openai.APIError``, ``LLMUnavailable``) propagate;
    the runner decides about retries and fallback.
    """

    name: str
    model: str

    def structured(self, messages: Sequence[ChatMessage], schema: type[M]) -> StructuredReply[M]:
        """One request whose answer must be a call of the tool described by ``schema``."""
        ...

    def stream(self, messages: Sequence[ChatMessage]) -> Iterator[StreamChunk]:
        """One streamed request yielding text as it arrives, usage (if any) last."""
        ...
