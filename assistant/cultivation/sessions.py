"""A cultivation session as stored: the draft version's fields plus the session state (round, answers,
questions) — the one conversion between :class:`SessionState` and the idea store's version records."""

from __future__ import annotations

from assistant.cultivation.models import Attribution, DraftProposal, Proposer, SessionState, Source, StoredSession
from assistant.storage.ideas import DraftSnapshot
from assistant.storage.records import CitizenInfo, IdeaRecord, VersionContent


def citizen_info(person: Proposer) -> CitizenInfo:
    """The storage shape of a citizen's personal data (empty fields as NULL)."""
    return CitizenInfo(person.name.strip() or None, person.occupation.strip() or None,
                       person.phone.strip() or None, person.address.strip() or None)


def proposer_of(info: CitizenInfo) -> Proposer:
    """A stored citizen as a 提出者."""
    return Proposer(name=info.name or "", occupation=info.occupation or "", phone=info.phone or "",
                    address=info.address or "")


def version_content(state: SessionState) -> VersionContent:
    """What a version of ``state`` stores."""
    d = state.draft
    stored = StoredSession(
        round=state.round, answers=state.answers, questions=d.questions, notes=d.notes,
        member=d.attribution.member if d.attribution else "", backend=d.backend, model=d.model,
        prompt_version=d.prompt_version, routing=state.routing, context_references=d.context_references,
        redirects=d.redirects, extracted=d.extracted, privacy_notice=d.privacy_notice, gaps=d.gaps, units=d.units,
    )
    return VersionContent(
        title=d.title, analysis=list(d.analysis), suggestions=list(d.suggestions), proposer=citizen_info(d.proposer),
        remarks=d.remarks or None, sources=[s.model_dump() for s in d.sources],
        violations=[v.model_dump() for v in d.violations], session_state=stored.model_dump(mode="json"),
    )


def attribution_of(idea: IdeaRecord | None, member: str = "") -> Attribution:
    """群众署名 of an idea (empty without one)."""
    if idea is None:
        return Attribution(member=member)
    return Attribution(idea_id=idea.id, receipt_no=idea.receipt_no, citizen=proposer_of(idea.citizen),
                       idea_excerpt=idea.raw_text[:200], member=member)


def session_of(snapshot: DraftSnapshot) -> SessionState:
    """The session as of a draft's latest version."""
    version, idea = snapshot.version, snapshot.idea
    content = version.content
    stored = StoredSession.model_validate(content.session_state or {})
    draft = DraftProposal(
        title=content.title, analysis=list(content.analysis), suggestions=list(content.suggestions),
        proposer=proposer_of(content.proposer), remarks=content.remarks or "",
        sources=[Source.model_validate(x) for x in content.sources], notes=stored.notes, questions=stored.questions,
        attribution=attribution_of(idea, stored.member), backend=stored.backend, model=stored.model,
        prompt_version=stored.prompt_version, context_references=stored.context_references,
        redirects=stored.redirects, extracted=stored.extracted, privacy_notice=stored.privacy_notice,
        gaps=stored.gaps, units=stored.units,
    )
    return SessionState(draft_id=snapshot.draft.id, idea_id=idea.id if idea else None, round=stored.round,
                        idea_text=idea.raw_text if idea else "", answers=stored.answers, draft=draft,
                        routing=stored.routing)
