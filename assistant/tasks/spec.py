"""What a task declares for the runner: its offline engine, its prompt and how a model answer becomes a value.

A spec never calls a model, never writes the audit log and never cleans text: the runner does each once, the
same way for every task. Screening, routing, the one-call review, drafting and rating are specs.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel

from assistant.llm.errors import LLMOutputInvalid
from assistant.tasks.models import EngineStamp, ModelPrompt, TaskRequest, TaskRun

R = TypeVar("R", bound=TaskRequest)
V = TypeVar("V", bound=BaseModel)
A = TypeVar("A", bound=BaseModel)


class AnswerRejected(LLMOutputInvalid):
    """A schema-valid model answer that the spec's checks refuse (the runner asks once more, then falls back)."""

    default_message = "大模型的回答未通过校验。"


class TaskSpec(ABC, Generic[R, V, A]):
    """One task: ``offline(request)`` always answers; a model answer of ``answer_schema`` is accepted or refused."""

    task: ClassVar[str]
    """Prompt folder under ``prompts/`` and the task name in every record."""
    entity_type: ClassVar[str]
    """What the audit record is about (``idea``, ``draft``, ``proposal``)."""
    action: ClassVar[str]
    """The audit action (``review``, ``route``, ``draft``…)."""
    what: ClassVar[str] = "内容"
    """The input's Chinese name in error messages."""
    substance: ClassVar[bool] = False
    """True when very short texts are refused (routing needs a few words to work with)."""
    answer_schema: type[A]

    @abstractmethod
    def offline(self, request: R) -> V:
        """The offline engine's value (fast, deterministic, always available)."""

    def offline_many(self, requests: Sequence[R]) -> list[V]:
        """The offline values of many requests (batch paths); a spec may vectorise this (default: one by one)."""
        return [self.offline(r) for r in requests]

    @abstractmethod
    def prompt(self, request: R, offline: V) -> ModelPrompt:
        """Variables, delimited citizen text and catalogue constraints of the model request."""

    @abstractmethod
    def offline_answer(self, offline: V) -> A:
        """The offline value in the model's answer schema (what the LLM layer returns when it falls back)."""

    @abstractmethod
    def accept(self, answer: A, request: R, offline: V) -> V:
        """The value of a model answer, validated and repaired; raise :class:`AnswerRejected` to refuse it."""

    def stamp(self, value: V, run: TaskRun) -> V:
        """``value`` marked with the engine, model and prompt version that produced it."""
        if isinstance(value, EngineStamp):
            return value.model_copy(update=run.stamp())
        return value

    def summary(self, value: V) -> dict[str, Any]:
        """What the audit log keeps of a value (never citizen text)."""
        return {}

    def agrees(self, shown: V, offline: V) -> bool:
        """Whether the shown value and the offline one agree on what matters."""
        return self.summary(shown) == self.summary(offline)


class StreamedTaskSpec(TaskSpec[R, V, A]):
    """A task whose model answer may be streamed as text (the citizen sees the draft being written)."""

    @abstractmethod
    def render(self, offline: V) -> str:
        """The offline value as the text a streamed answer would be."""

    @abstractmethod
    def parse(self, text: str, request: R, offline: V) -> V:
        """The value of a streamed text; raise :class:`AnswerRejected` when it cannot be used."""
