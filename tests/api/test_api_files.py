"""Owner-only files as the server runs them: even under a loose 022 umask the composition root makes the data dir
0700 and the database and its WAL 0600, ``main()`` tightens the umask to 077, and a submission's exports are 0600."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.accounts import LOCAL_OPERATOR
from assistant.settings import LLMSettings, test_settings


@pytest.fixture
def loose_umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_data_dir_database_wal_and_exports_are_owner_only(tmp_path: Path, mini_corpus: Path, loose_umask: None
                                                           ) -> None:
    from assistant.container import Container

    data_dir = tmp_path / "var"
    container = Container(test_settings(data_dir, corpus_dir=mini_corpus, llm=LLMSettings(mode="offline")))
    container.auth_store.record_event("probe")  # the database and its WAL exist now
    assert _mode(data_dir) == 0o700 and _mode(data_dir / "tmp") == 0o700
    db = data_dir / "baixing.db"
    assert _mode(db) == 0o600 and _mode(db.with_name("baixing.db-wal")) == 0o600
    clues = tmp_path / "clues.csv"
    clues.write_text("标题,内容,姓名,电话\n候车亭,建议在公交站增设候车亭和座椅，方便老人候车。,张三,13912345678\n",
                     encoding="utf-8")
    report = container.staff.triage.triage_file(LOCAL_OPERATOR, clues)
    xlsx = Path(report.result_path or "")
    assert _mode(xlsx) == 0o600 and _mode(xlsx.with_suffix(".csv")) == 0o600
    assert _mode(xlsx.parent) == 0o700


def test_main_tightens_the_umask(loose_umask: None, capsys: pytest.CaptureFixture[str]) -> None:
    from baixing import main

    with pytest.raises(SystemExit):
        main(["--help"])
    current = os.umask(0o022)
    assert current == 0o077
