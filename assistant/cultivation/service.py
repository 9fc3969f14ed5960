"""Cultivation service: drafts (offline, or LLM through the same validator), stored multi-turn sessions."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from typing import Any, Protocol

from assistant.cultivation.engine import OfflineDrafter
from assistant.cultivation.models import (
    Attribution,
    DraftProposal,
    Proposer,
    SessionState,
    Source,
    StoredSession,
)
from assistant.cultivation.validator import enforce
from assistant.errors import InputError
from assistant.llm.runner import FALLBACK, OFFLINE, LLMResult
from assistant.llm.schemas import ProposalDraft
from assistant.textinput import clean_text

logger = logging.getLogger("assistant.cultivation")

TASK = "draft"


class SimilarSearcher(Protocol):
    """The part of :class:`assistant.search.SearchService` the service uses."""

    def similar_for_idea(self, text: str, k: int = 5) -> Any: ...


class StructuredRunner(Protocol):
    """The part of :class:`assistant.llm.LLMRunner` the service uses."""

    @property
    def mode(self) -> str: ...

    prompts: Any

    def run_structured(self, task: str, schema: Any, **kwargs: Any) -> LLMResult[Any]: ...


SessionFactory = Callable[[], AbstractContextManager[Any]]
"""``Database.session``: a context manager yielding a SQLAlchemy session inside one transaction."""


class CultivationService:
    """Turns a citizen's idea into a standard-format draft and keeps the guided-question session."""

    def __init__(
        self,
        drafter: OfflineDrafter,
        searcher: SimilarSearcher | None = None,
        runner: StructuredRunner | None = None,
        sessions: SessionFactory | None = None,
        max_chars: int = 20000,
        k: int = 5,
    ) -> None:
        self.drafter = drafter
        self.searcher = searcher
        self.runner = runner
        self.sessions = sessions
        self.max_chars = max_chars
        self.k = k

    @property
    def llm_enabled(self) -> bool:
        """True when a model backend (not the offline engine) is configured."""
        return self.runner is not None and self.runner.mode != OFFLINE

    # drafting -------------------------------------------------------------------------------------
    def draft(
        self,
        text: str,
        *,
        answers: Mapping[str, str] | None = None,
        proposer: Proposer | None = None,
        attribution: Attribution | None = None,
        offline_only: bool = False,
        asked: set[str] | None = None,
    ) -> DraftProposal:
        """A compliant draft; raises :class:`InputError` for empty, binary or over-long input."""
        text = clean_text(text, self.max_chars, "金点子内容")
        answers = dict(answers or {})
        items, policies = self._similar(text + "".join(answers.values()))
        offline = self.drafter.draft(text, answers, items, policies, proposer, attribution, asked)
        if offline_only or not self.llm_enabled:
            return offline
        return self._with_llm(text, answers, offline, proposer)

    def _similar(self, text: str) -> tuple[list[Any], list[Any]]:
        if self.searcher is None:
            return [], []
        try:
            found = self.searcher.similar_for_idea(text[:2000], k=self.k)
        except Exception:  # retrieval is enrichment: a draft without references beats no draft
            logger.exception("similar_for_idea failed; drafting without references")
            return [], []
        return list(found.items), list(found.policies)

    def _with_llm(
        self, text: str, answers: Mapping[str, str], offline: DraftProposal, proposer: Proposer | None
    ) -> DraftProposal:
        assert self.runner is not None
        template = self.runner.prompts.load(TASK)
        values = {
            "idea": text,
            "answers": "\n".join(f"{k}：{v}" for k, v in answers.items()) or "（无）",
            "topic": offline.title,
            "actor": self.drafter.actor(text),
            "domain": "",
            "units": self.drafter.actor(text),
            "references": _references(offline.sources) or "（无）",
        }
        needed = template.variables
        untrusted = {k: values[k] for k in ("idea", "answers") if k in needed}
        variables = {k: v for k, v in values.items() if k in needed and k not in untrusted}
        known = [n for n in ((proposer.name,) if proposer else ()) if n]
        result = self.runner.run_structured(
            TASK,
            ProposalDraft,
            offline=lambda: ProposalDraft(title=offline.title, analysis=offline.analysis,
                                          suggestions=offline.suggestions),
            variables=variables,
            untrusted=untrusted,
            known_names=known,
        )
        meta = {"backend": result.backend, "model": result.model, "prompt_version": result.prompt_version}
        if result.is_fallback or result.backend in (OFFLINE, FALLBACK):
            notes = [*offline.notes, result.fallback.message] if result.fallback else offline.notes
            return offline.model_copy(update={**meta, "notes": notes})
        value: ProposalDraft = result.value
        candidate = offline.model_copy(
            update={"title": value.title, "analysis": list(value.analysis), "suggestions": list(value.suggestions),
                    "notes": [], **meta}
        )
        return enforce(candidate, text, topic_fn=lambda s: self.drafter.topics.topic(s))

    # sessions -------------------------------------------------------------------------------------
    def _session(self) -> AbstractContextManager[Any]:
        if self.sessions is None:
            raise InputError("未配置数据库，无法保存培育会话。", "CultivationService.sessions is None")
        return self.sessions()

    def start(
        self,
        text: str,
        *,
        citizen: Proposer | None = None,
        member: str = "",
        created_by: int | None = None,
        offline_only: bool = False,
    ) -> SessionState:
        """Store the idea (with the citizen's info), draft round 1, and return the session."""
        from assistant.storage.enums import IdeaSource, IdeaStatus
        from assistant.storage.repositories import CitizenInfo, DraftRepository, IdeaRepository

        text = clean_text(text, self.max_chars, "金点子内容")
        citizen = citizen or Proposer()
        with self._session() as s:
            idea = IdeaRepository(s).create(
                text,
                citizen=CitizenInfo(citizen.name or None, citizen.occupation or None, citizen.phone or None,
                                    citizen.address or None),
                source=IdeaSource.CLI if created_by is None else IdeaSource.WEB,
                status=IdeaStatus.IN_CULTIVATION,
                submitted_by=created_by,
            )
            attribution = Attribution(idea_id=idea.id, receipt_no=idea.receipt_no, citizen=citizen,
                                      idea_excerpt=text[:200], member=member)
            draft = self.draft(text, proposer=citizen, attribution=attribution, offline_only=offline_only)
            row = DraftRepository(s).create(idea_ids=[idea.id], created_by=created_by)
            state = SessionState(draft_id=row.id, idea_id=idea.id, round=1, idea_text=text, draft=draft)
            store_version(s, state, created_by, "培育第1轮：初稿")
        return state

    def answer(
        self, draft_id: int, answers: Mapping[str, str], *, author_id: int | None = None, offline_only: bool = False
    ) -> SessionState:
        """Add the citizen's answers, redraft, store the next version; returns the updated session."""
        state = self.resume(draft_id)
        merged = {**state.answers, **{k: v.strip() for k, v in answers.items() if v and v.strip()}}
        asked = {q.element for q in state.draft.questions}
        draft = self.draft(state.idea_text, answers=merged, proposer=state.draft.proposer,
                           attribution=state.draft.attribution, offline_only=offline_only, asked=asked)
        state = state.model_copy(update={"answers": merged, "round": state.round + 1, "draft": draft})
        with self._session() as s:
            store_version(s, state, author_id, f"培育第{state.round}轮：根据补充回答修改")
        return state

    def save(self, draft_id: int, draft: DraftProposal, *, author_id: int | None = None, note: str = "") -> int:
        """Store an edited (polished / imported) draft as a new version; returns its number."""
        state = self.resume(draft_id)
        state = state.model_copy(update={"draft": enforce(draft, state.idea_text)})
        with self._session() as s:
            return store_version(s, state, author_id, note)

    def resume(self, draft_id: int) -> SessionState:
        """The stored session of a draft (latest version, answers so far, citizen attribution)."""
        from assistant.storage.orm import Idea
        from assistant.storage.repositories import DraftRepository

        with self._session() as s:
            repo = DraftRepository(s)
            row = repo.require(draft_id)
            version = repo.latest_version(draft_id)
            if version is None:
                raise InputError("该草稿还没有任何版本。", f"draft {draft_id} has no versions")
            idea = s.get(Idea, row.idea_id) if row.idea_id else None
            stored = StoredSession.model_validate(version.session_state or {})
            citizen = Proposer(
                name=(idea.citizen_name if idea else None) or "",
                occupation=(idea.citizen_occupation if idea else None) or "",
                phone=(idea.citizen_phone if idea else None) or "",
                address=(idea.citizen_address if idea else None) or "",
            )
            proposer = Proposer(name=version.proposer_name or "", occupation=version.proposer_sector or "",
                                phone=version.proposer_contact or "", address=version.proposer_address or "")
            attribution = Attribution(idea_id=idea.id if idea else None, receipt_no=idea.receipt_no if idea else None,
                                      citizen=citizen, idea_excerpt=(idea.raw_text[:200] if idea else ""),
                                      member=stored.member)
            draft = DraftProposal(
                title=version.title,
                analysis=list(version.analysis),
                suggestions=list(version.suggestions),
                proposer=proposer,
                remarks=version.remarks or "",
                sources=[Source.model_validate(x) for x in version.sources],
                notes=stored.notes,
                questions=stored.questions,
                attribution=attribution,
                backend=stored.backend,
                model=stored.model,
                prompt_version=stored.prompt_version,
            )
            return SessionState(draft_id=draft_id, idea_id=attribution.idea_id, round=stored.round,
                                idea_text=idea.raw_text if idea else "", answers=stored.answers, draft=draft)


def store_version(s: Any, state: SessionState, author_id: int | None, note: str = "") -> int:
    """Append ``state`` as the next version of draft ``state.draft_id`` in session ``s`` (the one stored format
    that :meth:`CultivationService.resume` reads back); returns the version number."""
    from assistant.storage.repositories import DraftRepository

    d = state.draft
    stored = StoredSession(
        round=state.round,
        answers=state.answers,
        questions=d.questions,
        notes=d.notes,
        member=d.attribution.member if d.attribution else "",
        backend=d.backend,
        model=d.model,
        prompt_version=d.prompt_version,
    )
    if state.draft_id is None:
        raise InputError("草稿尚未保存，请重新生成草稿。", "state.draft_id is None")
    version = DraftRepository(s).add_version(
        state.draft_id,
        title=d.title,
        analysis=d.analysis,
        suggestions=d.suggestions,
        proposer_name=d.proposer.name or None,
        proposer_sector=d.proposer.occupation or None,
        proposer_contact=d.proposer.phone or None,
        proposer_address=d.proposer.address or None,
        remarks=d.remarks or None,
        sources=[x.model_dump() for x in d.sources],
        violations=[v.model_dump() for v in d.violations],
        session_state=stored.model_dump(mode="json"),
        author_id=author_id,
        change_note=note or None,
    )
    return int(version.version_no)


def _references(sources: list[Source]) -> str:
    lines = []
    for s in sources:
        line = f"- {s.citation}"
        if s.reply_summary:
            line += f"（答复：{s.reply_summary}）"
        lines.append(line)
    return "\n".join(dict.fromkeys(lines))
