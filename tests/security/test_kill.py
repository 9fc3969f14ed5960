"""kill -9 in the middle: a staff import resumes to the exact row count without duplicates, and a killed
``baixing screen --jsonl`` leaves an audit row for every line it printed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from assistant.settings import test_settings
from assistant.storage.db import open_database

ROWS = 3000
IMPORT_SCRIPT = """
import sys
from pathlib import Path
from assistant.accounts import LOCAL_OPERATOR
from assistant.container import Container
report = Container.from_env().staff.triage.triage_file(LOCAL_OPERATOR, Path(sys.argv[1]))
print("IMPORTED", report.imported, report.read, flush=True)
"""


def _env(data_dir: Path, corpus: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAIXING_") or k.startswith("BAIXING_TEST_")}
    env.update(BAIXING_DATA_DIR=str(data_dir), BAIXING_CORPUS_DIR=str(corpus), BAIXING_LLM__MODE="offline",
               BAIXING_PROFILE="test", PYTHONUNBUFFERED="1")
    return env


def _clues(path: Path, rows: int) -> Path:
    topics = ["公交站增设候车亭", "老旧小区加装电梯", "学校门口接送区", "社区长者饭堂", "河涌整治", "停车位规划"]
    lines = ["标题,内容,姓名,电话"]
    for i in range(rows):
        topic = topics[i % len(topics)]
        lines.append(f"{topic}{i},建议在第{i}号片区推进{topic}，方便周边居民，减少安全隐患，请相关部门研究落实。,"
                     f"市民{i},1380000{i:04d}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _scalar(url: str, sql: str) -> int:
    db = open_database(url, migrate=False)
    try:
        with db.session() as s:
            return int(s.execute(text(sql)).scalar_one())
    finally:
        db.dispose()


@pytest.mark.slow
def test_import_killed_mid_way_resumes_to_the_exact_row_count(tmp_path: Path, mini_corpus: Path) -> None:
    data_dir = tmp_path / "var"
    url = test_settings(data_dir, corpus_dir=mini_corpus).database_url
    clues = _clues(tmp_path / "clues.csv", ROWS)
    env = _env(data_dir, mini_corpus)
    first = subprocess.Popen([sys.executable, "-c", IMPORT_SCRIPT, str(clues)], env=env, cwd=tmp_path,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    stored = 0
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.3)
        try:
            stored = _scalar(url, "SELECT count(*) FROM ideas WHERE source = 'import'")
        except Exception:  # the schema is still being created
            continue
        if stored >= ROWS // 4:
            break
    assert first.poll() is None, f"the import ended before it could be killed: {first.stdout.read()[-2000:]!r}"
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    partial = _scalar(url, "SELECT count(*) FROM ideas WHERE source = 'import'")
    print(f"killed with {partial} of {ROWS} rows stored")
    assert 0 < partial < ROWS, partial
    assert partial % 100 == 0, "whole chunks only: a killed chunk left nothing behind"

    second = subprocess.run([sys.executable, "-c", IMPORT_SCRIPT, str(clues)], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=1500)
    assert second.returncode == 0, second.stdout[-2000:] + second.stderr[-2000:]
    assert f"IMPORTED {ROWS} {ROWS}" in second.stdout
    assert _scalar(url, "SELECT count(*) FROM ideas WHERE source = 'import'") == ROWS
    assert _scalar(url, "SELECT count(DISTINCT import_row) FROM ideas WHERE source = 'import'") == ROWS
    assert _scalar(url, "SELECT count(DISTINCT receipt_no) FROM ideas WHERE source = 'import'") == ROWS
    assert _scalar(url, "SELECT count(*) FROM ingest_batches WHERE completed_at IS NOT NULL") == 1
    again = subprocess.run([sys.executable, "-c", IMPORT_SCRIPT, str(clues)], env=env, cwd=tmp_path,
                           capture_output=True, text=True, timeout=600)
    assert again.returncode != 0 and "已导入过" in again.stdout + again.stderr  # a finished file is not imported twice


@pytest.mark.slow
def test_killed_jsonl_batch_has_an_audit_row_for_every_printed_line(tmp_path: Path, mini_corpus: Path) -> None:
    data_dir = tmp_path / "var"
    url = test_settings(data_dir, corpus_dir=mini_corpus).database_url
    requests = tmp_path / "requests.jsonl"
    text_of = "建议在第{}号公交站增设候车亭和座椅，方便老人和孩子候车。".format
    requests.write_text("".join(json.dumps({"id": i, "text": text_of(i)}, ensure_ascii=False) + "\n"
                                for i in range(3000)), encoding="utf-8")
    with requests.open("rb") as stdin:
        process = subprocess.Popen([sys.executable, "-m", "baixing", "screen", "--jsonl"],
                                   env=_env(data_dir, mini_corpus), cwd=tmp_path, stdin=stdin, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
    assert process.stdout is not None
    printed: list[dict[str, object]] = []
    while len(printed) < 150:
        line = process.stdout.readline()
        assert line, "the batch ended before it could be killed"
        printed.append(json.loads(line))
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    printed += [json.loads(x) for x in process.stdout.read().splitlines() if x.strip()]  # already in the pipe
    audited = _scalar(url, "SELECT count(*) FROM assistant_audit WHERE action = 'review'")
    assert all("error" not in r for r in printed)
    assert len(printed) < 3000
    # every printed line has its audit row (rows are committed before their lines are written); at most the
    # chunk being printed at the instant of the kill has rows without lines
    print(f"printed {len(printed)} lines, {audited} audit rows")
    assert len(printed) <= audited <= len(printed) + 20, (len(printed), audited)
