"""Load test: concurrent citizens submit through /api/v1 while a staff import writes to the same database.

    uv run python bench/load.py --clients 50 --ideas 3 [--database-url URL] [--import-rows 3000]

It starts ``baixing serve`` in a child process (per-address limits raised, offline engines), runs a clue import of
``--import-rows`` rows in another child process against the same database, and — once the import has stored its
first chunk — lets ``--clients`` threads submit ``--ideas`` ideas each. A client retries a failed request (network
error, time-out, 5xx, 429) with the SAME idempotency key, as the channels are told to. Afterwards the database
is checked:

* stored — keys with exactly one idea; lost — keys a client got a receipt for but that are not stored, plus keys
  that never got through; duplicated — keys (or texts) stored more than once; receipts unique over all ideas;
* the import stored every row.

PostgreSQL: pass an EMPTY database's URL (``--database-url postgresql+psycopg://…``); the shipped corpus is
loaded into it on first start. The data dir (index, cache) is kept in ``--data-dir`` so a second run starts fast.
Prints a JSON summary and one Markdown table row for docs/security.md. No assertions.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
IMPORT_SCRIPT = """
import sys, time
from pathlib import Path
from assistant.accounts import LOCAL_OPERATOR
from assistant.container import Container
start = time.perf_counter()
report = Container.from_env().staff.triage.triage_file(LOCAL_OPERATOR, Path(sys.argv[1]))
print("IMPORTED", report.imported, report.read, round(time.perf_counter() - start, 1), flush=True)
"""
TOPICS = ["地铁站出口划定共享单车停放区", "老旧小区加装电梯并给予补贴", "学校门口设置学生接送区", "社区增设长者饭堂",
          "河涌两岸建设滨水步道", "公交站增设候车亭和座椅", "菜市场周边规划临时停车位", "社区公园增加夜间照明"]


@dataclass
class Outcome:
    """What one client saw for one idea."""

    key: str
    text: str
    receipt: str | None = None
    attempts: int = 0
    statuses: list[int | str] = field(default_factory=list)
    seconds: float = 0.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(data_dir: Path, url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAIXING_")}
    env.update(
        BAIXING_DATA_DIR=str(data_dir), BAIXING_LLM__MODE="offline", BAIXING_EMBEDDING__MODE="offline",
        BAIXING_LIMITS__SUBMISSIONS_PER_MINUTE="1000000", BAIXING_LIMITS__LOOKUPS_PER_MINUTE="1000000",
        PYTHONUNBUFFERED="1", NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost",
    )
    if url:
        env["BAIXING_DATABASE__URL"] = url
    return env


def _wait_healthy(base: str, server: subprocess.Popen[bytes], timeout_s: float) -> None:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout_s:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}")
        try:
            if httpx.get(base + "/healthz", timeout=5).status_code in (200, 503):
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise SystemExit("the server did not start in time")


def _clues(path: Path, rows: int, run: str) -> Path:
    lines = ["标题,内容,姓名,电话"]
    for i in range(rows):
        topic = TOPICS[i % len(TOPICS)]
        lines.append(f"{run}-{topic}{i},建议在第{i}号片区推进{topic}，方便周边居民，请相关部门研究落实。,市民{i},1370000{i:04d}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _import_rows(url: str, run: str) -> int:
    from sqlalchemy import text

    from assistant.storage.db import open_database

    db = open_database(url, migrate=False)
    try:
        with db.session() as s:
            return int(s.execute(text("SELECT count(*) FROM ideas WHERE source = 'import' AND title LIKE :p"),
                                 {"p": f"{run}-%"}).scalar_one())
    finally:
        db.dispose()


def _wait_for_import(url: str, run: str, importer: subprocess.Popen[str], timeout_s: float = 600) -> None:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout_s and importer.poll() is None:
        if _import_rows(url, run) > 0:
            return
        time.sleep(0.2)
    raise SystemExit("the import stored nothing before the clients were to start")


def _client(base: str, client_no: int, ideas: int, run: str, out: list[Outcome], deadline: float) -> None:
    with httpx.Client(base_url=base, timeout=httpx.Timeout(120.0, connect=10.0)) as http:
        for n in range(ideas):
            key = f"{run}-{client_no:03d}-{n}"
            topic = TOPICS[(client_no + n) % len(TOPICS)]
            text = f"建议{topic}，方便市民出行和生活（{run}：第{client_no}号市民的第{n + 1}条建议）。"
            body = {"text": text, "consent": True, "idempotency_key": key, "channel": "公众号",
                    "proposer": {"name": f"市民{client_no}", "phone": f"1390000{client_no:04d}"}}
            outcome = Outcome(key=key, text=text)
            start = time.perf_counter()
            while time.monotonic() < deadline:
                outcome.attempts += 1
                try:
                    response = http.post("/api/v1/ideas", json=body)
                    outcome.statuses.append(response.status_code)
                    if response.status_code in (200, 201):
                        outcome.receipt = response.json()["receipt"]
                        break
                    if response.status_code < 500 and response.status_code != 429:
                        break  # a 4xx other than 429 will not change on retry
                except httpx.HTTPError as exc:
                    outcome.statuses.append(type(exc).__name__)
                time.sleep(min(2.0 * outcome.attempts, 10.0))
            outcome.seconds = time.perf_counter() - start
            out.append(outcome)


def _check(url: str, outcomes: list[Outcome], import_rows: int, run: str) -> dict[str, Any]:
    from sqlalchemy import text

    from assistant.storage.db import open_database

    db = open_database(url, migrate=False)
    try:
        with db.session() as s:
            rows = list(s.execute(text("SELECT idempotency_key, receipt_no, raw_text, source, title FROM ideas "
                                       "WHERE receipt_no IS NOT NULL")))
    finally:
        db.dispose()
    by_key: dict[str, list[Any]] = {}
    by_text: dict[str, int] = {}
    for row in rows:
        if row.idempotency_key:
            by_key.setdefault(row.idempotency_key, []).append(row)
        if row.source == "api":
            by_text[row.raw_text] = by_text.get(row.raw_text, 0) + 1
    stored = sum(1 for o in outcomes if len(by_key.get(o.key, [])) == 1)
    acknowledged_lost = sum(1 for o in outcomes if o.receipt and not by_key.get(o.key))
    never_through = sum(1 for o in outcomes if not o.receipt)
    duplicated = sum(1 for o in outcomes if len(by_key.get(o.key, [])) > 1 or by_text.get(o.text, 0) > 1)
    wrong_receipt = sum(1 for o in outcomes if o.receipt and by_key.get(o.key) and
                        by_key[o.key][0].receipt_no != o.receipt)
    receipts = [r.receipt_no for r in rows]
    return {
        "submissions": len(outcomes), "stored": stored, "lost": acknowledged_lost + never_through,
        "lost_after_receipt": acknowledged_lost, "never_through": never_through, "duplicated": duplicated,
        "receipt_mismatch": wrong_receipt, "receipts_unique": len(receipts) == len(set(receipts)),
        "imported_rows": sum(1 for r in rows if r.source == "import" and (r.title or "").startswith(run + "-")),
        "import_rows_expected": import_rows, "ideas_in_database": len(rows),
    }


def main() -> int:
    """Run the load test and print the summary."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--ideas", type=int, default=3)
    parser.add_argument("--import-rows", type=int, default=3000)
    parser.add_argument("--database-url", default=None, help="default: SQLite in the data dir")
    parser.add_argument("--data-dir", type=Path, default=None, help="kept between runs (index, cache)")
    parser.add_argument("--deadline", type=float, default=900.0, help="seconds a client keeps retrying")
    args = parser.parse_args()

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="bx-load-")) / "var"
    env = _env(data_dir, args.database_url)
    url = args.database_url or f"sqlite:///{(data_dir / 'baixing.db').resolve()}"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = (data_dir.parent / "server.log").open("wb")
    server = subprocess.Popen([sys.executable, "-m", "baixing", "serve", "--port", str(port)], env=env, cwd=REPO,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_healthy(base, server, timeout_s=1800)
        run = f"load{int(time.time())}"
        clues = _clues(data_dir.parent / f"clues-{run}.csv", args.import_rows, run)
        importer = subprocess.Popen([sys.executable, "-c", IMPORT_SCRIPT, str(clues)], env=env, cwd=REPO,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        _wait_for_import(url, run, importer)  # the clients start while the import is writing its chunks
        outcomes: list[Outcome] = []
        deadline = time.monotonic() + args.deadline
        start = time.perf_counter()
        threads = [threading.Thread(target=_client, args=(base, i, args.ideas, run, outcomes, deadline))
                   for i in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - start
        during = _import_rows(url, run)
        import_out, _ = importer.communicate(timeout=3600)
        import_line = next((x for x in import_out.splitlines() if x.startswith("IMPORTED")), import_out[-500:])
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    summary = _check(url, outcomes, args.import_rows, run)
    latencies = sorted(o.seconds for o in outcomes if o.receipt)
    retried = [o for o in outcomes if o.attempts > 1]
    summary.update({
        "database": url.split("://", 1)[0].split("+")[0], "clients": args.clients, "ideas_per_client": args.ideas,
        "wall_s": round(wall, 1), "import": import_line, "import_rows_when_clients_done": during,
        "requests_retried": len(retried),
        "first_try_statuses": sorted({str(o.statuses[0]) for o in outcomes if o.statuses}),
        "retry_statuses": sorted({str(s) for o in retried for s in o.statuses[:-1]}),
        "latency_p50_s": round(statistics.median(latencies), 2) if latencies else None,
        "latency_p95_s": round(latencies[int(0.95 * (len(latencies) - 1))], 2) if latencies else None,
    })
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    print(f"| {summary['database']} | {args.clients}×{args.ideas} | {summary['stored']} | {summary['lost']} | "
          f"{summary['duplicated']} | {'是' if summary['receipts_unique'] else '否'} | "
          f"{summary['imported_rows']}/{args.import_rows} | {summary['latency_p50_s']} / {summary['latency_p95_s']} s "
          f"| {summary['wall_s']} s |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
