"""The scheme services, built lazily from their stores and collaborators (one object the composition root hands to
the pages and the command line)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

from assistant.accounts import UserSession
from assistant.review import IdeaReviewService
from assistant.scheme.advisor import SchemeAdvisor
from assistant.scheme.catalogue import SchemeCatalogue
from assistant.scheme.channel_service import ChannelService
from assistant.scheme.digest import DigestService
from assistant.scheme.feedback import CitizenFeedbackService, StatusLookup
from assistant.scheme.grading import DuplicateLead, GradingService
from assistant.scheme.handling import HandlingService
from assistant.scheme.members import MemberSchemeService, MembersReportService
from assistant.scheme.selection import SelectionService
from assistant.staff.hot import Analysed
from assistant.staff.services import StaffServices
from assistant.staff.sources import idea_text_record
from assistant.storage.batches import BatchStore
from assistant.storage.decisions import DecisionStore
from assistant.storage.handling import HandlingStore
from assistant.storage.ideas import IdeaStore
from assistant.storage.queue import QueueStore
from assistant.storage.records import IdeaRecord
from assistant.storage.scheme_facts import SchemeFactsStore
from assistant.storage.selection import SelectionStore
from assistant.storage.texts import TextStore


class SchemeServices:
    """Grading, channels, handling, citizen feedback, members, selection and the periodical; each built on first use.

    ``reviewer``, ``staff`` and ``citizen_status`` are factories so pages render before the models load.
    """

    def __init__(
        self,
        *,
        ideas: IdeaStore,
        queue: QueueStore,
        batches: BatchStore,
        decisions: DecisionStore,
        handling: HandlingStore,
        facts: SchemeFactsStore,
        selection: SelectionStore,
        texts: TextStore,
        advisor: Callable[[], SchemeAdvisor],
        reviewer: Callable[[], IdeaReviewService],
        staff: Callable[[], StaffServices],
        citizen_status: Callable[[], StatusLookup],
        gaps: Callable[[], Callable[[str], list[str]]],
        max_chars: int = 20000,
    ) -> None:
        self._ideas = ideas
        self._queue = queue
        self._batches = batches
        self.decisions = decisions
        self._handling = handling
        self._facts = facts
        self._selection = selection
        self._texts = texts
        self._advisor = advisor
        self._reviewer = reviewer
        self._staff = staff
        self._citizen_status = citizen_status
        self._gaps = gaps
        self._max_chars = max_chars

    @cached_property
    def catalogue(self) -> SchemeCatalogue:
        """The scheme catalogue in use."""
        return self._advisor().catalogue

    def _find_lead(self, idea: IdeaRecord) -> DuplicateLead | None:
        """The earliest other clue this idea nearly duplicates (1+N lead), if any."""
        staff = self._staff()
        me = idea_text_record(idea)
        others = [r for r in (idea_text_record(i) for i in self._texts.ideas({idea.id}))]
        pairs = staff.similarity.between([me.full_text], [r.full_text for r in others])
        if not pairs:
            return None
        _, j, similarity = min(pairs, key=lambda p: (others[p[1]].idea_id or 0))
        lead = others[j]
        return DuplicateLead(receipt_no=lead.key, idea_id=lead.idea_id, title=lead.title or lead.text[:30],
                             similarity=similarity)

    @cached_property
    def grading(self) -> GradingService:
        """Clue grading (single, with history)."""
        return GradingService(self.decisions, self._ideas, find_lead=self._find_lead,
                              refer_default=self.catalogue.refer_default)

    @cached_property
    def channels(self) -> ChannelService:
        """Channel advice (reads the draft), research needs, 《社情民意》 digests."""
        return ChannelService(self._advisor(), self._ideas, self._queue, self.decisions, self._gaps())

    @cached_property
    def handling(self) -> HandlingService:
        """Assignments, replies (page and file), overdue list, closing."""
        return HandlingService(self._handling, self._ideas, self._queue, self._batches, self.catalogue,
                               max_chars=self._max_chars)

    @cached_property
    def feedback(self) -> CitizenFeedbackService:
        """The citizen's status with replies and next steps, and the satisfaction rating."""
        return CitizenFeedbackService(self._citizen_status(), self._ideas, self._handling, self.decisions,
                                      self.catalogue)

    @cached_property
    def members(self) -> MemberSchemeService:
        """The member's own list, notices, proposal submission, collected clues."""
        return MemberSchemeService(self._facts, self._handling, self._selection, self.decisions, self._ideas,
                                   self._reviewer, self.handling.result_zh, max_chars=self._max_chars)

    @cached_property
    def report(self) -> MembersReportService:
        """Members' and committees' yearly figures and their Excel export."""
        return MembersReportService(self._facts, self.decisions, self._selection,
                                    lambda: [c.name for c in self._reviewer().catalogue.committees])

    @cached_property
    def selection(self) -> SelectionService:
        """Merits, ranking, the year's 50 and their certificates."""
        return SelectionService(self._facts, self._selection, self._ideas, self.catalogue)

    @cached_property
    def digest(self) -> DigestService:
        """《百姓提案》 issues."""

        def analyse(actor: UserSession) -> list[Analysed]:
            return self._staff().hot.analysed(actor, "ideas")

        return DigestService(self._facts, analyse, self.catalogue, self.handling.result_zh)
