"""Fixtures of the scheme tests: a fresh database, the shipped offline engines, the scheme and staff services over
it, accounts, and helpers that store ideas the way submissions and imports do."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from assistant.accounts import AccountService, UserSession
from assistant.cultivation.engine import OfflineDrafter, profile_of
from assistant.cultivation.gaps import missing
from assistant.review import IdeaReviewService, review_record
from assistant.routing.engine import OfflineRouter
from assistant.scheme.services import SchemeServices
from assistant.screening.engine import OfflineScreener
from assistant.settings import LLMSettings, Settings, test_settings
from assistant.staff import StaffServices
from assistant.staff.models import RoutingEdit, UnitChoice
from assistant.storage.batches import BatchStore
from assistant.storage.db import Database, open_database
from assistant.storage.decisions import DecisionStore
from assistant.storage.enums import IdeaSource, Role
from assistant.storage.handling import HandlingStore
from assistant.storage.ideas import IdeaStore
from assistant.storage.queue import QueueStore
from assistant.storage.records import CitizenInfo, IdeaRecord, VersionContent
from assistant.storage.routings import RoutingStore
from assistant.storage.scheme_facts import SchemeFactsStore
from assistant.storage.selection import SelectionStore
from assistant.storage.texts import TextStore
from assistant.workflow.citizen import CitizenWorkflow
from retrieval.tokenizer import ChineseTokenizer
from tests.support import review_service

BUS = "我们小区到地铁站之间两公里没有公交站，老人小孩出行很不方便，建议在小区门口增设一个公交站点。"
LAMP = "建议在城中村主要巷道加装路灯，晚上太黑，下晚班的居民走路很不安全，去年已经有人摔伤。"
PENSION = "建议国家尽快实现养老金全国统筹，缩小各省之间退休待遇差距，让异地养老的老人领取更方便。"
NEIGHBOUR = "楼上邻居装修导致我家天花板漏水，协商不成，请帮我让他赔偿损失。"


@pytest.fixture(scope="session")
def reviewer(screener: OfflineScreener, router: OfflineRouter) -> IdeaReviewService:
    """Offline screening + routing (the shipped engines), no audit sink."""
    return review_service(screener, router)


@pytest.fixture(scope="session")
def tokenizer(tmp_path_factory: pytest.TempPathFactory) -> ChineseTokenizer:
    """jieba with the shipped dictionaries."""
    return ChineseTokenizer(cache_dir=tmp_path_factory.mktemp("jieba-scheme"))


@pytest.fixture
def scheme_settings(tmp_path: Path) -> Settings:
    """Test settings with the offline engines."""
    return test_settings(tmp_path / "var", llm=LLMSettings(mode="offline"))


@pytest.fixture
def db(scheme_settings: Settings) -> Iterator[Database]:
    """A fresh SQLite database migrated to head."""
    database = open_database(scheme_settings.database_url)
    yield database
    database.dispose()


@dataclass
class World:
    """Everything a scheme test needs."""

    db: Database
    ideas: IdeaStore
    scheme: SchemeServices
    staff_services: StaffServices
    reviewer: IdeaReviewService
    staff: UserSession
    member: UserSession
    other_member: UserSession

    def submit(self, text: str, *, name: str = "陈大文", phone: str = "13800001111", address: str = "",
               title: str = "") -> IdeaRecord:
        """A citizen's submission (screened and routed, with a one-version draft), as the JSON API stores it."""
        review = self.reviewer.review(text).value

        def content(receipt_no: str) -> VersionContent:
            return VersionContent(title=title or text[:20], analysis=[], suggestions=[])

        done = self.ideas.submit_new(text, content, CitizenInfo(name=name, phone=phone, address=address or None),
                                     review=review_record(review), source=IdeaSource.WEB, note="市民提交")
        return self.ideas.idea(done.idea_id)

    def route(self, idea: IdeaRecord, *, channel: str | None = None) -> None:
        """Staff confirm the suggested routing (optionally with another channel)."""
        entry, _ = self.staff_services.queue.store.entry(idea.id)
        units = [UnitChoice(name=u["name"], role=u["role"]) for u in entry.routing.suggested_units] \
            if entry.routing else [UnitChoice(name="广州市交通运输局", role="主办")]
        ctx: dict[str, Any] = (entry.screening.details.get("routing") or {}) if entry.screening else {}
        self.staff_services.desk.confirm(self.staff, idea.id, RoutingEdit(
            units=units, committee=ctx.get("committee"), channel=channel or ctx.get("channel")))

    def cultivate(self, idea: IdeaRecord, member: UserSession, *, analysis: list[str], suggestions: list[str],
                  title: str = "") -> int:
        """A member's draft credited to the idea (the idea moves to in cultivation); returns the draft id."""
        content = VersionContent(title=title or f"关于{idea.display_title[:10]}的“百姓提案”", analysis=analysis,
                                 suggestions=suggestions)
        draft_id, _ = self.ideas.create_draft([idea.id], content, created_by=member.user_id,
                                              member_id=member.user_id, note="委员培育", cultivate=True)
        return draft_id


@pytest.fixture
def world(db: Database, scheme_settings: Settings, reviewer: IdeaReviewService, tokenizer: ChineseTokenizer
          ) -> World:
    """The scheme and staff services over a fresh database, a staff member and two members."""
    ideas = IdeaStore(db)
    holder: dict[str, SchemeServices] = {}
    staff_services = StaffServices(
        queue_store=QueueStore(db), routing_store=RoutingStore(db), batches=BatchStore(db), texts=TextStore(db),
        reviewer=lambda: reviewer, tokenizer=lambda: tokenizer, exports_dir=scheme_settings.exports_dir,
        cache_dir=scheme_settings.cache_dir, max_chars=scheme_settings.ui.max_text_chars,
        grading=lambda: holder["scheme"].grading,
    )
    citizen = CitizenWorkflow(reviewer, None, ideas)  # type: ignore[arg-type]  # status() needs no drafting
    drafter = OfflineDrafter()

    def gaps(text: str) -> list[str]:
        return missing(profile_of(drafter, text))

    scheme = SchemeServices(
        ideas=ideas, queue=QueueStore(db), batches=BatchStore(db), decisions=DecisionStore(db),
        handling=HandlingStore(db), facts=SchemeFactsStore(db), selection=SelectionStore(db), texts=TextStore(db),
        advisor=lambda: reviewer.router.advisor, reviewer=lambda: reviewer, staff=lambda: staff_services,
        citizen_status=lambda: citizen.status, gaps=lambda: gaps,
    )
    holder["scheme"] = scheme
    accounts = AccountService(db)
    return World(
        db=db, ideas=ideas, scheme=scheme, staff_services=staff_services, reviewer=reviewer,
        staff=accounts.create("gongzuo", "工作人员甲", Role.STAFF, "staff-pass-1"),
        member=accounts.create("weiyuan", "王委员", Role.MEMBER, "member-pass-1"),
        other_member=accounts.create("weiyuan2", "李委员", Role.MEMBER, "member-pass-2"),
    )
