"""Repositories on real SQLite and PostgreSQL: users, ideas, drafts, results, audit, evals, types."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import StatementError

from assistant.errors import NotFoundError as AppNotFoundError
from assistant.storage.db import Database
from assistant.storage.enums import DraftStatus, IdeaSource, IdeaStatus, Role
from assistant.storage.errors import ConflictError, NotFoundError
from assistant.storage.orm import AuditRecord, Idea
from assistant.storage.repositories import (
    AuditRepository,
    CitizenInfo,
    DraftRepository,
    EvalRepository,
    IdeaRepository,
    QualityRepository,
    RoutingRepository,
    ScreeningRepository,
    UserRepository,
    digest,
    format_receipt_no,
)

BEIJING = timezone(timedelta(hours=8))


# --- users ------------------------------------------------------------------------------------------


def test_user_password_verification(db: Database) -> None:
    with db.session() as s:
        user = UserRepository(s).create("li.wei", "李伟", Role.MEMBER, "正确的密码 123")
        assert user.id is not None
        assert user.password_hash.startswith("scrypt$")
        assert "正确的密码" not in user.password_hash

    with db.session() as s:
        users = UserRepository(s)
        found = users.authenticate("li.wei", "正确的密码 123")
        assert found is not None
        assert (found.display_name, found.role) == ("李伟", Role.MEMBER)
        assert users.authenticate("li.wei", "错误的密码") is None
        assert users.authenticate("nobody", "正确的密码 123") is None

        users.set_password(found.id, "新密码")
        assert users.authenticate("li.wei", "正确的密码 123") is None
        assert users.authenticate("li.wei", "新密码") is not None

        users.set_active(found.id, False)
        assert users.authenticate("li.wei", "新密码") is None


def test_same_password_gets_different_salts(db: Database) -> None:
    with db.session() as s:
        users = UserRepository(s)
        a = users.create("a", "甲", "staff", "同一个密码")
        b = users.create("b", "乙", "evaluator", "同一个密码")
        assert a.password_hash != b.password_hash
        assert [u.username for u in users.list(role=Role.STAFF)] == ["a"]


def test_duplicate_username_is_a_conflict(db: Database) -> None:
    with db.session() as s:
        users = UserRepository(s)
        users.create("wang", "王", Role.STAFF, "pw-1")
        with pytest.raises(ConflictError) as info:
            users.create("wang", "另一个王", Role.CITIZEN, "pw-2")
        assert info.value.user_message == "该用户名已被使用。"
        # The session is still usable after the failed insert (it was isolated in a savepoint).
        users.create("zhao", "赵", Role.ADMIN, "pw-3")
    with db.session() as s:
        assert [u.username for u in UserRepository(s).list()] == ["wang", "zhao"]


# --- ideas ------------------------------------------------------------------------------------------


def test_receipt_numbers_are_unique_and_sequential(db: Database) -> None:
    year = datetime.now(BEIJING).year
    with db.session() as s:
        ideas = IdeaRepository(s)
        created = [ideas.create(f"第{i}个金点子") for i in range(3)]
    with db.session() as s:
        created.append(IdeaRepository(s).create("另一个事务中的金点子"))
    assert [i.receipt_no for i in created] == [format_receipt_no(year, n) for n in (1, 2, 3, 4)]
    assert all(re.fullmatch(r"BX-\d{4}-\d{6}", i.receipt_no) for i in created)


def test_receipt_numbers_stay_unique_across_concurrent_sessions(db: Database) -> None:
    results: list[str] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        try:
            for i in range(5):
                with db.session() as s:
                    receipt = IdeaRepository(s).create(f"线程{n}-{i}").receipt_no
                with lock:
                    results.append(receipt)
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    year = datetime.now(BEIJING).year
    assert sorted(results) == [format_receipt_no(year, n) for n in range(1, 21)]


def test_receipt_year_follows_beijing_time(db: Database) -> None:
    # 2025-12-31 17:30 UTC is already 2026-01-01 01:30 in Beijing.
    with db.session() as s:
        assert IdeaRepository(s).next_receipt_no(datetime(2025, 12, 31, 17, 30, tzinfo=UTC)) == "BX-2026-000001"
        assert IdeaRepository(s).next_receipt_no(datetime(2025, 12, 31, 15, 30, tzinfo=UTC)) == "BX-2025-000001"


def test_idea_personal_data_and_status_history(db: Database) -> None:
    with db.session() as s:
        staff = UserRepository(s).create("staff1", "工作人员甲", Role.STAFF, "pw")
        citizen = CitizenInfo(name="张三", occupation="教师", phone="13800000000", address="广州市天河区某路1号")
        idea = IdeaRepository(s).create(
            "建议在地铁站增设母婴室", title="地铁母婴室", citizen=citizen, channel="网站", source=IdeaSource.WEB
        )
        idea_id, receipt = idea.id, idea.receipt_no
        assert "张三" not in repr(idea) and "13800000000" not in repr(citizen)

    with db.session() as s:
        ideas = IdeaRepository(s)
        ideas.set_status(idea_id, IdeaStatus.SCREENED, user_id=staff.id, note="属于提案范围")
        ideas.set_status(idea_id, "routed", user_id=staff.id)
        ideas.set_domain(idea_id, "城市建设")

    with db.session() as s:
        ideas = IdeaRepository(s)
        loaded = ideas.get_by_receipt(receipt.lower())
        assert loaded is not None
        assert (loaded.citizen_name, loaded.citizen_occupation) == ("张三", "教师")
        assert (loaded.citizen_phone, loaded.citizen_address) == ("13800000000", "广州市天河区某路1号")
        assert (loaded.status, loaded.domain, loaded.source) == (IdeaStatus.ROUTED, "城市建设", IdeaSource.WEB)
        history = ideas.status_history(idea_id)
        assert [(h.from_status, h.to_status) for h in history] == [
            (None, IdeaStatus.SUBMITTED),
            (IdeaStatus.SUBMITTED, IdeaStatus.SCREENED),
            (IdeaStatus.SCREENED, IdeaStatus.ROUTED),
        ]
        assert history[1].note == "属于提案范围"
        assert ideas.count(status=IdeaStatus.ROUTED) == 1
        assert ideas.count(status=[IdeaStatus.SUBMITTED, IdeaStatus.SCREENED]) == 0
        assert [i.id for i in ideas.list(domain="城市建设")] == [idea_id]
        with pytest.raises(NotFoundError) as info:
            ideas.set_status(999_999, IdeaStatus.CLOSED)
        assert isinstance(info.value, AppNotFoundError)
        assert info.value.user_message == "未找到该金点子。"


def test_personal_data_is_not_in_logged_statements(db: Database, caplog: pytest.LogCaptureFixture) -> None:
    db.engine.echo = True
    try:
        with caplog.at_level("INFO", logger="sqlalchemy.engine"), db.session() as s:
            IdeaRepository(s).create("建议", citizen=CitizenInfo(name="隐私姓名", phone="13912345678"))
    finally:
        db.engine.echo = False
    assert "INSERT INTO ideas" in caplog.text
    assert "隐私姓名" not in caplog.text
    assert "13912345678" not in caplog.text


# --- drafts -----------------------------------------------------------------------------------------


def test_draft_versions_increment_and_keep_attribution(db: Database) -> None:
    with db.session() as s:
        member = UserRepository(s).create("member1", "委员甲", Role.MEMBER, "pw")
        ideas = IdeaRepository(s)
        first = ideas.create("金点子一", citizen=CitizenInfo(name="市民甲"))
        second = ideas.create("金点子二", citizen=CitizenInfo(name="市民乙"))
        drafts = DraftRepository(s)
        draft = drafts.create(idea_ids=[first.id, second.id, first.id], created_by=member.id)
        v1 = drafts.add_version(
            draft.id,
            title="关于增设母婴室的提案",
            analysis=["现状：母婴室不足", "问题：分布不均"],
            suggestions=["一、加快建设", "二、完善标识"],
            proposer_name="委员甲",
            proposer_sector="妇联界",
            proposer_address="越秀区某路2号",
            sources=[{"doc_id": "law:x#第三条", "citation": "《某条例》第三条"}],
            session_state={"round": 1, "answers": {"affected": "约30名职工"}},
            author_id=member.id,
            change_note="初稿",
        )
        v2 = drafts.add_version(draft.id, title="关于加快增设母婴室的提案", change_note="润色标题")
        assert (v1.version_no, v2.version_no) == (1, 2)
        draft_id = draft.id
        ids = (first.id, second.id)

    with db.session() as s:
        drafts = DraftRepository(s)
        draft = drafts.require(draft_id)
        assert draft.current_version == 2
        assert draft.idea_id == ids[0]
        assert [v.version_no for v in drafts.versions(draft_id)] == [1, 2]
        latest = drafts.latest_version(draft_id)
        assert latest is not None and latest.title == "关于加快增设母婴室的提案"
        v1 = drafts.get_version(draft_id, 1)
        assert v1 is not None
        assert v1.analysis == ["现状：母婴室不足", "问题：分布不均"]
        assert v1.sources == [{"doc_id": "law:x#第三条", "citation": "《某条例》第三条"}]
        assert (v1.proposer_sector, v1.change_note, v1.violations) == ("妇联界", "初稿", [])
        assert v1.proposer_address == "越秀区某路2号"
        assert v1.session_state == {"round": 1, "answers": {"affected": "约30名职工"}}
        v2 = drafts.get_version(draft_id, 2)
        assert v2 is not None and v2.session_state is None and v2.proposer_address is None
        assert [i.citizen_name for i in drafts.credited_ideas(draft_id)] == ["市民甲", "市民乙"]
        assert [d.id for d in drafts.for_idea(ids[1])] == [draft_id]
        drafts.set_status(draft_id, DraftStatus.POLISHING)
        with pytest.raises(NotFoundError):
            drafts.add_version(999_999, title="不存在")


def test_concurrent_draft_versions_never_clash(db: Database) -> None:
    with db.session() as s:
        draft_id = DraftRepository(s).create().id
    failures: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(4):
                with db.session() as s:
                    DraftRepository(s).add_version(draft_id, title=f"编辑者{n}第{i}次")
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    with db.session() as s:
        assert [v.version_no for v in DraftRepository(s).versions(draft_id)] == list(range(1, 13))


# --- screening, routing, quality, audit ------------------------------------------------------------------


def test_results_and_audit_log(db: Database) -> None:
    output = {"in_scope": True, "领域": "交通", "理由": ["涉及公共利益", "具有可操作性"], "score": 0.92}
    with db.session() as s:
        staff = UserRepository(s).create("staff", "工作人员", Role.STAFF, "pw")
        idea = IdeaRepository(s).create("优化公交线路")
        audit = AuditRepository(s)
        record = audit.record(
            entity_type="idea",
            entity_id=idea.id,
            action="screen",
            backend="offline",
            model=None,
            prompt_version="v1",
            input_digest=digest({"text": idea.raw_text}),
            output=output,
            latency_ms=12,
            tokens_in=100,
            tokens_out=20,
            fallback=True,
            user_id=staff.id,
        )
        audit.record_llm_call(
            task="screening",
            backend="openai",
            model="qwen",
            request_digest=digest("p"),
            ok=False,
            error_kind="timeout",
            latency_ms=30_000,
            audit_id=record.id,
        )
        audit.record_llm_call(
            task="screening",
            backend="openai",
            model="qwen",
            request_digest=digest("p"),
            ok=True,
            attempt=2,
            tokens_in=100,
            tokens_out=20,
            audit_id=record.id,
        )
        ScreeningRepository(s).add(
            idea.id,
            in_scope=True,
            domain="交通",
            confidence=0.92,
            reasons=output["理由"],
            audit_id=record.id,
            created_by=staff.id,
        )
        routing = RoutingRepository(s).add(
            idea.id, suggested_units=[{"unit": "市交通运输局", "score": 0.8}], audit_id=record.id
        )
        ids = (idea.id, record.id, routing.id, staff.id)

    idea_id, audit_id, routing_id, staff_id = ids
    with db.session() as s:
        audit = AuditRepository(s)
        rows = audit.for_entity("idea", idea_id)
        assert len(rows) == 1
        row = rows[0]
        assert row.output == output
        assert (row.action, row.backend, row.prompt_version, row.fallback) == ("screen", "offline", "v1", True)
        assert (row.latency_ms, row.tokens_in, row.tokens_out, row.user_id) == (12, 100, 20, staff_id)
        assert row.input_digest == digest({"text": "优化公交线路"}) and len(row.input_digest) == 64
        assert [c.attempt for c in audit.llm_calls(audit_id)] == [1, 2]
        assert audit.token_usage() == {"openai/qwen": {"calls": 2, "failures": 1, "tokens_in": 100, "tokens_out": 20}}
        assert [r.id for r in audit.recent(action="screen")] == [audit_id]

        screening = ScreeningRepository(s).latest(idea_id)
        assert screening is not None and screening.reasons == ["涉及公共利益", "具有可操作性"]

        routing = RoutingRepository(s)
        assert [r.id for r in routing.unconfirmed()] == [routing_id]
        confirmed = routing.confirm(routing_id, user_id=staff_id, final_units=["市交通运输局", "市公安局交警支队"])
        assert confirmed.confirmed_at is not None and confirmed.confirmed_at.tzinfo is not None
        with pytest.raises(ConflictError):
            routing.confirm(routing_id, user_id=staff_id, final_units=[])
        assert routing.unconfirmed() == []

    with db.session() as s:
        latest = RoutingRepository(s).latest(idea_id)
        assert latest is not None
        assert latest.final_units == ["市交通运输局", "市公安局交警支队"] and latest.confirmed_by == staff_id


def test_quality_reports_and_eval_runs(db: Database) -> None:
    with db.session() as s:
        drafts = DraftRepository(s)
        draft = drafts.create()
        version = drafts.add_version(draft.id, title="提案")
        QualityRepository(s).add(version.id, score=72.5, grade="B", checks=[{"名称": "案由", "通过": True}])
        evals = EvalRepository(s)
        run = evals.create_run("screening", config={"llm": "fake", "提示词": "v1"}, file_path="var/runs/1.json")
        evals.add_case_results(
            run.id,
            [
                {"case_id": "c2", "passed": False, "scores": {"f1": 0.0}, "error": "超时"},
                {"case_id": "c1", "passed": True, "scores": {"f1": 1.0}, "output": {"领域": "交通"}, "latency_ms": 5},
            ],
        )
        evals.finish_run(run.id, aggregates={"accuracy": 0.5})
        version_id, run_id = version.id, run.id

    with db.session() as s:
        report = QualityRepository(s).latest_for_version(version_id)
        assert report is not None and (report.score, report.checks) == (72.5, [{"名称": "案由", "通过": True}])
        evals = EvalRepository(s)
        run = evals.get_run(run_id)
        assert run is not None and run.aggregates == {"accuracy": 0.5} and run.finished_at is not None
        assert [r.id for r in evals.list_runs("screening")] == [run_id]
        assert [(c.case_id, c.passed, c.output) for c in evals.case_results(run_id)] == [
            ("c1", True, {"领域": "交通"}),
            ("c2", False, None),
        ]


# --- column types -----------------------------------------------------------------------------------


def test_json_keeps_chinese_text_readable(db: Database) -> None:
    payload = {"建议": ["增设母婴室", "完善无障碍设施"], "引用": "《广州市无障碍环境建设管理规定》第十条", "n": 1}
    with db.session() as s:
        record = AuditRepository(s).record(
            entity_type="draft", entity_id="7", action="draft", backend="fake", input_digest=digest("x"), output=payload
        )
        record_id = record.id
    with db.session() as s:
        assert s.get(AuditRecord, record_id).output == payload  # type: ignore[union-attr]
        raw = s.execute(text("SELECT output FROM assistant_audit WHERE id = :id"), {"id": record_id}).scalar_one()
        raw_text = raw if isinstance(raw, str) else str(raw)
        assert "增设母婴室" in raw_text  # stored as UTF-8 text, not \\u escapes


def test_times_are_timezone_aware_utc(db: Database) -> None:
    before = datetime.now(UTC)
    with db.session() as s:
        idea = IdeaRepository(s).create("测试时间")
        idea.updated_at = datetime(2026, 3, 1, 9, 30, tzinfo=BEIJING)  # given in Beijing time
        idea_id = idea.id
    with db.session() as s:
        loaded = s.get(Idea, idea_id)
        assert loaded is not None
        assert loaded.created_at.tzinfo is not None and loaded.created_at.utcoffset() == timedelta(0)
        assert loaded.created_at >= before - timedelta(seconds=1)
        assert loaded.updated_at == datetime(2026, 3, 1, 1, 30, tzinfo=UTC)
        assert loaded.updated_at.tzinfo == UTC


def test_naive_datetimes_are_rejected(db: Database) -> None:
    with pytest.raises(StatementError, match="naive datetime"), db.session() as s:
        idea = IdeaRepository(s).create("测试")
        idea.updated_at = datetime(2026, 1, 1, 12, 0)  # no tzinfo
        s.flush()
