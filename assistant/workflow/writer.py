"""Draft writing for the pages: the offline draft at once, or the model's draft streamed as it is written.

With a model configured, the ``draft`` prompt is streamed as text (title, 一、情况分析, 二、具体建议); the
finished text is parsed back into the 附件1 fields and goes through the same ``enforce`` as every draft.
When the stream fails or its text cannot be parsed, the offline draft (shown in its place) is kept, with a note.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from assistant.cultivation.models import Attribution, DraftProposal, Proposer, Source
from assistant.cultivation.service import CultivationService
from assistant.cultivation.validator import enforce
from assistant.llm.runner import FALLBACK, OFFLINE
from assistant.workflow.text import parse_draft_text, render_text

TASK = "draft"
UNPARSED_NOTE = "模型输出的格式无法识别，已改用离线引擎的草稿。"

DraftStep = str | DraftProposal
"""What :meth:`DraftWriter.write` yields: the text so far (str), then the final draft."""


def _references(sources: list[Source]) -> str:
    lines = [f"- {s.citation}" + (f"（答复：{s.reply_summary}）" if s.reply_summary else "") for s in sources]
    return "\n".join(dict.fromkeys(lines))


class DraftWriter:
    """Writes drafts through the cultivation service; streams when a model backend is configured."""

    def __init__(self, cultivation: CultivationService, runner: Any | None = None) -> None:
        self.cultivation = cultivation
        self.runner = runner

    @property
    def streaming(self) -> bool:
        """True when drafts come from a model and are streamed."""
        return self.runner is not None and self.runner.mode != OFFLINE

    def write(
        self,
        text: str,
        *,
        answers: Mapping[str, str] | None = None,
        proposer: Proposer | None = None,
        attribution: Attribution | None = None,
        asked: set[str] | None = None,
        domain: str = "",
    ) -> Iterator[DraftStep]:
        """Yield the draft text as it grows (model only), then the final compliant draft."""
        offline = self.cultivation.draft(text, answers=answers, proposer=proposer, attribution=attribution,
                                         offline_only=True, asked=asked)
        if not self.streaming:
            yield offline
            return
        yield from self._stream(text, dict(answers or {}), offline, proposer, domain)

    def _stream(
        self, text: str, answers: dict[str, str], offline: DraftProposal, proposer: Proposer | None, domain: str
    ) -> Iterator[DraftStep]:
        assert self.runner is not None
        drafter = self.cultivation.drafter
        actor = drafter.actor(text)
        values: dict[str, str] = {
            "idea": text,
            "answers": "\n".join(f"{k}：{v}" for k, v in answers.items()) or "（无）",
            "topic": offline.title,
            "actor": actor,
            "domain": domain,
            "units": actor,
            "references": _references(offline.sources) or "（无）",
        }
        needed = self.runner.prompts.load(TASK).variables
        untrusted = {k: values[k] for k in ("idea", "answers") if k in needed}
        variables = {k: v for k, v in values.items() if k in needed and k not in untrusted}
        stream = self.runner.run_stream(
            TASK,
            offline=lambda: render_text(offline),
            variables=variables,
            untrusted=untrusted,
            known_names=[n for n in ((proposer.name,) if proposer else ()) if n],
        )
        shown = ""
        for chunk in stream:
            shown += chunk
            yield shown
        result = stream.result
        if result.is_fallback or result.backend in (OFFLINE, FALLBACK):
            notes = [*offline.notes, result.fallback.message] if result.fallback else offline.notes
            yield offline.model_copy(update={"backend": result.backend, "model": result.model,
                                             "prompt_version": result.prompt_version, "notes": notes})
            return
        parsed = parse_draft_text(result.value)
        if parsed is None or not parsed.suggestions:
            yield offline.model_copy(update={"notes": [*offline.notes, UNPARSED_NOTE]})
            return
        candidate = offline.model_copy(update={
            "title": parsed.title or offline.title,
            "analysis": parsed.analysis,
            "suggestions": parsed.suggestions,
            "notes": [],
            "backend": result.backend,
            "model": result.model,
            "prompt_version": result.prompt_version,
        })
        yield enforce(candidate, text, topic_fn=lambda s: drafter.topics.topic(s))
