"""Throughput of the batch paths as whole processes: ``baixing route --jsonl``, ``baixing screen --jsonl`` and the
staff clue import (triage), on past items written as title + "。" + the first 300 characters of the message.

    uv run python bench/routing_speed.py [--n 2000] [--runs 3] [--data-dir DIR]

Every run is a fresh process (start-up, model loading, the audit log included); the first run of a new data dir
(database creation, caches) is reported apart. Prints wall and CPU seconds, ideas per second and the load average.
Bytecode: run ``uv run python -m compileall -q .venv/lib assistant retrieval baixing`` first when the environment
sets PYTHONDONTWRITEBYTECODE (otherwise every process compiles its imports again, ~2 s).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ITEMS = ROOT / "corpus" / "data" / "items.jsonl.gz"

TRIAGE = """
import sys
from pathlib import Path
from assistant.accounts import LOCAL_OPERATOR
from assistant.container import Container
from assistant.settings import load_settings
report = Container(load_settings()).staff.triage.triage_file(LOCAL_OPERATOR, Path(sys.argv[1]))
print(report.imported, file=sys.stderr)
"""


def inputs(n: int, folder: Path) -> tuple[Path, Path]:
    """The JSONL requests and the same rows as a clue CSV (标题, 内容)."""
    with gzip.open(ITEMS, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle][:n]
    jsonl, csv = folder / "ideas.jsonl", folder / "clues.csv"
    with jsonl.open("w", encoding="utf-8") as out:
        for r in rows:
            out.write(json.dumps({"id": r["id"], "text": f"{r['title']}。{str(r.get('text') or '')[:300]}"},
                                 ensure_ascii=False) + "\n")
    import csv as csvlib

    with csv.open("w", encoding="utf-8", newline="") as out:
        writer = csvlib.writer(out)
        writer.writerow(["标题", "内容"])
        for r in rows:
            writer.writerow([r["title"], str(r.get("text") or "")[:300]])
    return jsonl, csv


def timed(cmd: list[str], stdin: Path | None, env: dict[str, str]) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the child, exit code)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with (stdin.open("rb") if stdin else open(os.devnull, "rb")) as source:
        done = subprocess.run(cmd, stdin=source, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                              cwd=ROOT, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode:
        sys.stderr.write(done.stderr.decode("utf-8", "replace")[-2000:])
    return wall, cpu, done.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--skip-triage", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="routing-speed-"))
    data = args.data_dir or work / "data"
    jsonl, csv = inputs(args.n, work)
    env = {**os.environ, "BAIXING_DATA_DIR": str(data)}
    python = sys.executable
    commands = {
        "route": ([python, "-m", "baixing", "route", "--jsonl", "--offline"], jsonl),
        "screen": ([python, "-m", "baixing", "screen", "--jsonl", "--offline"], jsonl),
    }
    wall, cpu, _ = timed(commands["route"][0], jsonl, env)
    print(f"first run (new data dir: database, caches): route {wall:.1f} s wall, {cpu:.1f} s CPU")
    results: dict[str, list[tuple[float, float]]] = {}
    for _ in range(args.runs):
        for name, (cmd, stdin) in commands.items():
            wall, cpu, code = timed(cmd, stdin, env)
            if code == 0:
                results.setdefault(name, []).append((wall, cpu))
        if not args.skip_triage:  # every import is a new batch: a copy of the file with another name and content
            copy = work / f"clues-{time.time_ns()}.csv"
            copy.write_text(csv.read_text(encoding="utf-8") + f"追加,{time.time_ns()}\n", encoding="utf-8")
            wall, cpu, code = timed([python, "-c", TRIAGE, str(copy)], None, env)
            if code == 0:
                results.setdefault("triage", []).append((wall, cpu))
    load = os.getloadavg()
    print(f"{args.n} items, {os.cpu_count()} cores, load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}")
    for name, runs in results.items():
        walls = sorted(w for w, _ in runs)
        best, median = walls[0], walls[len(walls) // 2]
        cpus = sorted(c for _, c in runs)
        print(f"{name:7s} wall {', '.join(f'{w:.1f}' for w, _ in runs)} s → best {args.n / best:.0f} ideas/s, "
              f"median {args.n / median:.0f} ideas/s; CPU {cpus[0]:.1f}–{cpus[-1]:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
