"""Cold start of the web app with the index present: process start → first page served (informational).

    uv run python bench/cold_start.py [--data-dir DIR] [--runs 3]

The data dir defaults to a folder under the system temp dir that is kept between runs; a missing index is
built first with ``baixing index`` (not timed). Each run starts ``baixing serve`` on a free port and measures
the seconds until ``GET /`` answers 200, then also times the first config request the browser makes. The
servers run with the offline engines. Bar (issue 7): ≤ 10 s to a served page.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

DEFAULT_DIR = Path(tempfile.gettempdir()) / "baixing-cold-start" / "var"
TIMEOUT_S = 300.0


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAIXING_")}
    env.update(BAIXING_DATA_DIR=str(data_dir), BAIXING_LLM__MODE="offline", BAIXING_EMBEDDING__MODE="offline",
               GRADIO_ANALYTICS_ENABLED="False", NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
    return env


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ok(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def ensure_index(data_dir: Path) -> None:
    """Build the index once (untimed) so every run is a start with the index present."""
    cmd = [sys.executable, "-m", "baixing", "index", "--quiet"]
    print(f"checking/building the index in {data_dir} …", flush=True)
    subprocess.run(cmd, env=_env(data_dir), check=True)


def one_start(data_dir: Path, log: Path) -> tuple[float, float]:
    """Seconds to the served page and to the served app config, for one fresh server process."""
    port = _port()
    url = f"http://127.0.0.1:{port}/"
    cmd = [sys.executable, "-m", "baixing", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        start = time.perf_counter()
        process = subprocess.Popen(cmd, env=_env(data_dir), stdout=out, stderr=subprocess.STDOUT)
    try:
        while not _ok(url):
            if process.poll() is not None or time.perf_counter() - start > TIMEOUT_S:
                raise SystemExit(f"server did not start; log:\n{log.read_text(errors='replace')[-4000:]}")
            time.sleep(0.05)
        page = time.perf_counter() - start
        while not _ok(url + "config"):
            time.sleep(0.05)
        return page, time.perf_counter() - start
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    ensure_index(args.data_dir)
    pages, configs = [], []
    for run in range(1, args.runs + 1):
        page, config = one_start(args.data_dir, args.data_dir.parent / "serve.log")
        pages.append(page)
        configs.append(config)
        print(f"run {run}: page served after {page:5.2f} s, app config after {config:5.2f} s", flush=True)
    print(f"cold start (index present), {args.runs} runs: median {statistics.median(pages):.2f} s, "
          f"max {max(pages):.2f} s to a served page (bar ≤ 10 s)")


if __name__ == "__main__":
    main()
