"""Runs load back by id, prefix or path (from the file, or from the database alone); the eval CLI end to end;
migration 0003 keeps grouped case results through a downgrade."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from assistant.accounts import LOCAL_OPERATOR as OP
from assistant.errors import InputError, NotFoundError
from assistant.storage.db import make_engine
from assistant.storage.migrate import alembic_config, current_revision, head_revision, pending_changes
from baixing import main
from evals.runner import run_suite
from evals.store import RunStore


def test_load_by_id_prefix_path_and_from_the_database_alone(offline: Any, small_screening: Path) -> None:
    run = run_suite(offline, "screening", dataset=small_screening, actor=OP)
    store = RunStore.of(offline)
    assert store.load(OP, run.run_id).cases == run.cases
    assert store.load(OP, run.run_id[:-3]).run_id == run.run_id
    assert store.load(OP, run.path).run_id == run.run_id

    Path(run.path).unlink()
    rebuilt = store.load(OP, run.run_id)
    assert rebuilt.aggregates == run.aggregates and rebuilt.usage == run.usage
    assert sorted((c.group, c.case_id, c.metrics["exact"], c.reason) for c in rebuilt.cases) == sorted(
        (c.group, c.case_id, c.metrics["exact"], c.reason) for c in run.cases
    )

    second = run_suite(offline, "screening", dataset=small_screening, actor=OP)
    with pytest.raises(InputError, match="对应多个评测运行"):
        store.load(OP, "screening-")
    with pytest.raises(NotFoundError, match="找不到评测运行"):
        store.load(OP, "nothing-like-this")
    listed = store.list_runs(OP)
    assert [i.run_id for i in listed] == [second.run_id, run.run_id]
    assert listed[0].cases == 16 and listed[0].headline.startswith("exact small ")


def test_eval_cli_run_list_compare_report(
    small_screening: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval", "screening", "--backend", "offline", "--dataset", str(small_screening)]) == 0
    out = capsys.readouterr().out
    first = out.split("运行 ")[1].split()[0]
    assert "运行记录已保存" in out and first.startswith("screening-")
    assert main(["eval", "screening", "--backend", "offline", "--dataset", str(small_screening), "--json"]) == 0
    second = capsys.readouterr().out.split('"run_id": "')[1].split('"')[0]

    assert main(["eval", "list"]) == 0
    listing = capsys.readouterr().out
    assert first in listing and second in listing

    assert main(["eval", "compare", first, second]) == 0
    out = capsys.readouterr().out
    assert "共同用例 16 个" in out and "无显著差异" in out and "翻转的用例 0 个" in out

    report = tmp_path / "out" / "report.html"
    assert main(["eval", "report", second, "--out", str(report)]) == 0
    assert report.is_file() and "评测报告已写入" in capsys.readouterr().out

    assert main(["eval", "report", "no-such-run"]) == 2
    assert "找不到评测运行" in capsys.readouterr().err
    assert main(["eval", "screening", "--dataset", str(tmp_path / "missing.jsonl")]) == 2
    assert "找不到评测数据集" in capsys.readouterr().err


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty SQLite file, or a fresh PostgreSQL database when BAIXING_TEST_PG_URL is set."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'm.db'}"
        return
    from tests.fixtures.postgres import fresh_pg_database, require_pg_url

    with fresh_pg_database(require_pg_url()) as url:
        yield url


def test_migration_0003_folds_groups_into_case_ids_on_downgrade(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    cfg = alembic_config(engine)
    try:
        command.upgrade(cfg, "head")
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO eval_runs (id, suite, config, aggregates, created_at, run_key) "
                                 "VALUES (1, 'retrieval', '{}', '{}', '2026-01-01', 'retrieval-x')"))
            for group in ("queries/bm25", "queries/hybrid"):
                conn.execute(sa.text("INSERT INTO eval_case_results (run_id, group_name, case_id, scores, "
                                     "latency_ms, created_at) VALUES (1, :g, 'q001', '{}', 0.25, '2026-01-01')"),
                             {"g": group})
        down = ScriptDirectory.from_config(cfg).get_revision("0003").down_revision
        assert isinstance(down, str)
        command.downgrade(cfg, down)
        assert current_revision(engine) == down
        with engine.connect() as conn:
            ids = conn.execute(sa.text("SELECT case_id FROM eval_case_results ORDER BY case_id")).scalars().all()
        assert ids == ["queries/bm25/q001", "queries/hybrid/q001"]
        command.upgrade(cfg, "head")
        assert current_revision(engine) == head_revision() and pending_changes(engine) == []
    finally:
        engine.dispose()
