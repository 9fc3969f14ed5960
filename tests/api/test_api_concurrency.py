"""No submission lost: concurrent citizens through /api/v1 while a staff import writes, on SQLite and PostgreSQL.

Each client retries a failed request with the same idempotency key (as the channels are told to); at the end
every key has exactly one idea, receipts are unique, and the import stored every row.
"""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from api.app import create_app
from assistant.accounts import LOCAL_OPERATOR
from assistant.storage.enums import IdeaSource
from tests.api.helpers import IN_SCOPE, idea_body

CLIENTS = 8
IDEAS = 3
IMPORT_ROWS = 240
TEXTS = [
    IN_SCOPE,
    "建议在地铁站出口统一划定共享单车停放区，安排专人管理，方便行人通行。",
    "老旧小区没有电梯，老人上下楼困难，建议政府统一规划加装电梯并给予补贴。",
]


def clue_file(folder: Path, rows: int) -> Path:
    """A CSV of ``rows`` distinct clues."""
    path = folder / "clues.csv"
    lines = ["标题,内容,姓名,电话"]
    for i in range(rows):
        lines.append(f"线索{i},建议在第{i}号公交站增设候车亭和座椅，方便老人和孩子候车，减少日晒雨淋。,市民{i},1390000{i:04d}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _client_run(app: Any, client_no: int, receipts: dict[str, str], failures: list[str]) -> None:
    with TestClient(app, raise_server_exceptions=False) as client:
        for n in range(IDEAS):
            key = f"load-{client_no:03d}-{n}"
            body = idea_body(key, text=TEXTS[(client_no + n) % len(TEXTS)] + f"（第{client_no}-{n}条）")
            for _attempt in range(5):
                response = client.post("/api/v1/ideas", json=body)
                if response.status_code in (200, 201):
                    receipts[key] = response.json()["receipt"]
                    break
            else:
                failures.append(f"{key}: {response.status_code} {response.text[:200]}")


def test_concurrent_submissions_during_an_import_lose_nothing(any_container: Any, tmp_path: Path) -> None:
    container = any_container
    container.ensure_index(progress=False)
    app = create_app(container)
    receipts: dict[str, str] = {}
    failures: list[str] = []
    report: list[Any] = []

    def staff_import() -> None:
        report.append(container.staff.triage.triage_file(LOCAL_OPERATOR, clue_file(tmp_path, IMPORT_ROWS)))

    importer = threading.Thread(target=staff_import)
    clients = [threading.Thread(target=_client_run, args=(app, i, receipts, failures)) for i in range(CLIENTS)]
    importer.start()
    for thread in clients:
        thread.start()
    for thread in [*clients, importer]:
        thread.join(timeout=900)
    assert not failures, failures
    assert len(receipts) == CLIENTS * IDEAS
    assert len(set(receipts.values())) == CLIENTS * IDEAS, "receipts are unique"
    stored = {key: container.ideas.by_idempotency_key(key) for key in receipts}
    assert all(idea is not None and idea.receipt_no == receipts[key] for key, idea in stored.items())
    assert all(idea is not None and idea.source is IdeaSource.API for idea in stored.values())
    assert report and report[0].imported == IMPORT_ROWS
    with container.database.session() as s:
        from sqlalchemy import text

        rows = list(s.execute(text("SELECT receipt_no, source FROM ideas WHERE receipt_no IS NOT NULL")))
    assert Counter(r.source for r in rows) == {"api": CLIENTS * IDEAS, "import": IMPORT_ROWS}
    assert len({r.receipt_no for r in rows}) == len(rows), "no receipt issued twice"
