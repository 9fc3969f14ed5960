"""Owner-only files: the database and its WAL/SHM 0600 in a 0700 folder, exports 0600, private temp files."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from assistant.accounts import LOCAL_OPERATOR
from assistant.ratings import ProposalRater, ProposalText, write_workbook
from assistant.security import files
from assistant.staff.export import write_csv, write_xlsx
from assistant.staff.models import TriageReport, TriageRow
from assistant.storage.db import make_engine, open_database
from assistant.storage.enums import Role
from assistant.storage.repositories.users import UserRepository


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask() -> object:
    """Run with the common 022 umask, so a 0600 result proves the code set it (restored afterwards)."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def _report() -> TriageReport:
    row = TriageRow(seq=1, line=2, title="关于增设母婴室的建议", text="张三 13800000000 广州市某路 1 号")
    return TriageReport(file_name="clues.csv", batch_id=1, rows=[row], read=1, imported=1, in_scope=1,
                        out_of_scope=0, failed=0, duplicate_groups=0, seconds=0.1)


def test_new_sqlite_database_and_wal_are_owner_only(tmp_path: Path, loose_umask: object) -> None:
    db_path = tmp_path / "var" / "baixing.db"
    database = open_database(f"sqlite:///{db_path}")
    try:
        with database.session() as s:
            UserRepository(s).create("zhangsan", "张三", Role.CITIZEN, "citizen-pass")
        with database.engine.connect() as conn:  # keep a connection open so the WAL and SHM exist
            conn.exec_driver_sql("SELECT count(*) FROM users")
            wal, shm = Path(f"{db_path}-wal"), Path(f"{db_path}-shm")
            assert wal.exists() and shm.exists()
            assert mode(db_path) == mode(wal) == mode(shm) == 0o600
    finally:
        database.dispose()
    assert mode(db_path.parent) == 0o700


def test_existing_world_readable_database_is_tightened(tmp_path: Path, loose_umask: object) -> None:
    tmp_path.chmod(0o755)
    db_path = tmp_path / "old.db"
    open_database(f"sqlite:///{db_path}").dispose()
    os.chmod(db_path, 0o644)
    Path(f"{db_path}-wal").write_bytes(b"")
    os.chmod(f"{db_path}-wal", 0o644)
    make_engine(f"sqlite:///{db_path}").dispose()
    assert mode(db_path) == 0o600 and mode(Path(f"{db_path}-wal")) == 0o600
    assert mode(tmp_path) == 0o755  # an existing folder the app did not create is left alone


def test_exports_are_owner_only(tmp_path: Path, loose_umask: object) -> None:
    xlsx = write_xlsx(_report(), tmp_path / "exports" / "triage" / "result.xlsx")
    csv_path = write_csv(_report(), tmp_path / "exports" / "triage" / "result.csv")
    proposal = ProposalText(id="p1", title="关于增设母婴室的“百姓提案”", analysis=["现状"], suggestions=["建议"])
    rated = ProposalRater(None).rate(LOCAL_OPERATOR, [proposal], shortlist=1)
    ratings = write_workbook(rated, tmp_path / "r" / "ratings.xlsx")
    assert mode(xlsx) == mode(csv_path) == mode(ratings) == 0o600
    assert mode(tmp_path / "exports") == mode(tmp_path / "exports" / "triage") == 0o700
    assert mode(tmp_path / "r") == 0o700
    xlsx.chmod(0o644)  # overwriting an old export tightens it too
    assert mode(write_xlsx(_report(), xlsx)) == 0o600


def test_secure_data_dir_and_process_umask(tmp_path: Path) -> None:
    data = tmp_path / "var"
    data.mkdir(mode=0o755)
    (data / "baixing.db").write_bytes(b"")
    os.chmod(data / "baixing.db", 0o644)
    files.secure_data_dir(data)
    assert mode(data) == 0o700 and mode(data / "tmp") == 0o700 and mode(data / "baixing.db") == 0o600
    old = files.harden_process()
    try:
        (tmp_path / "new.txt").write_text("x")
        (tmp_path / "newdir").mkdir()
        assert mode(tmp_path / "new.txt") == 0o600 and mode(tmp_path / "newdir") == 0o700
    finally:
        os.umask(old)


def test_private_temp_file_is_owner_only_and_removed(tmp_path: Path, loose_umask: object) -> None:
    with files.private_temp_file(tmp_path, suffix=".docx") as path:
        assert path.parent == tmp_path / "tmp" and path.suffix == ".docx"
        assert mode(path) == 0o600 and mode(path.parent) == 0o700
        path.write_bytes(b"name, phone, address")
    assert not path.exists()
    with pytest.raises(RuntimeError), files.private_temp_file(tmp_path) as failing:
        raise RuntimeError("the export failed")
    assert not failing.exists()
    with files.private_temp_dir(tmp_path) as folder:
        (folder / "提案.docx").write_bytes(b"x")
        assert mode(folder) == 0o700
    assert not folder.exists()


def test_write_private_is_atomic_and_owner_only(tmp_path: Path, loose_umask: object) -> None:
    target = tmp_path / "out" / "draft.md"
    files.write_private(target, "# 提案")
    assert target.read_text(encoding="utf-8") == "# 提案" and mode(target) == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["draft.md"]  # no temp file left behind


def test_sweeper_deletes_only_stale_files(tmp_path: Path) -> None:
    tmp = files.private_tmp_dir(tmp_path)
    gradio = files.gradio_temp_dir(tmp_path)
    stale, fresh = tmp / "old.docx", tmp / "new.docx"
    nested = gradio / "abc123" / "export.docx"
    nested.parent.mkdir()
    for path in (stale, fresh, nested):
        path.write_bytes(b"x")
    hour_ago = time.time() - 3600
    for path in (stale, nested, nested.parent):
        os.utime(path, (hour_ago, hour_ago))
    assert files.sweep_temp(tmp_path, max_age_minutes=30) == 2
    assert not stale.exists() and not nested.exists() and not nested.parent.exists()
    assert fresh.exists() and gradio.is_dir()  # gradio's own folder is kept
    assert files.sweep_temp(tmp_path / "missing", 30) == 0


def test_sweeper_thread_runs_and_stops(tmp_path: Path) -> None:
    stale = files.private_tmp_dir(tmp_path) / "old.xlsx"
    stale.write_bytes(b"x")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    sweeper = files.TempSweeper(tmp_path, max_age_minutes=60, every_s=3600).start()
    try:
        for _ in range(200):  # the first sweep runs at start; poll for it (no timing assertion)
            if not stale.exists():
                break
            time.sleep(0.01)
    finally:
        sweeper.stop()
    assert not stale.exists()
