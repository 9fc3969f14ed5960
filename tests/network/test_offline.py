"""Every CLI command works with no network: run in an empty network namespace with a socket guard."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

GUARD_DIR = Path(__file__).resolve().parent
pytestmark = pytest.mark.slow


def _netns_prefix() -> list[str]:
    """Run inside a fresh network namespace (loopback only) when the machine allows it."""
    if shutil.which("unshare") and shutil.which("ip"):
        probe = subprocess.run(["unshare", "-n", "ip", "link", "set", "lo", "up"], capture_output=True)
        if probe.returncode == 0:
            return ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "netns"]
    return []


@pytest.fixture
def guarded_env(tmp_path: Path, mini_corpus: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAIXING_")}
    env.update(
        {
            "BAIXING_DATA_DIR": str(tmp_path / "var"),
            "BAIXING_CORPUS_DIR": str(mini_corpus),
            "BAIXING_NETGUARD_LOG": str(tmp_path / "violations.log"),
            "PYTHONPATH": os.pathsep.join([str(GUARD_DIR), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
            "NO_PROXY": "127.0.0.1,localhost",
        }
    )
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        env.pop(proxy, None)
    return env


def _baixing(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    command = [*_netns_prefix(), sys.executable, "-m", "baixing", *args]
    return subprocess.run(command, env=env, input=stdin, capture_output=True, text=True, timeout=600)


def _violations(env: dict[str, str]) -> list[str]:
    log = Path(env["BAIXING_NETGUARD_LOG"])
    return log.read_text().splitlines() if log.exists() else []


def test_guard_catches_a_real_attempt(guarded_env: dict[str, str]) -> None:
    """The guard itself works: a connection to a public address is recorded and refused."""
    code = "import socket; socket.create_connection(('93.184.216.34', 80), timeout=1)"
    result = subprocess.run([sys.executable, "-c", code], env=guarded_env, capture_output=True, text=True)
    assert result.returncode != 0
    assert any("93.184.216.34" in v for v in _violations(guarded_env))


def test_cli_commands_open_no_outside_socket(guarded_env: dict[str, str], tmp_path: Path) -> None:
    archive = tmp_path / "items.jsonl"
    archive.write_text(json.dumps({"id": "x1", "title": "河涌黑臭", "text": "村边河涌发黑发臭"}, ensure_ascii=False))
    dataset = tmp_path / "ds.jsonl"
    dataset.write_text(json.dumps({"id": "d1", "query": "河涌黑臭", "relevant": ["item-x1"]}, ensure_ascii=False))
    runs = [
        _baixing(guarded_env, "index", "--quiet"),
        _baixing(guarded_env, "ingest", str(archive), "--kind", "items", "--quiet"),
        _baixing(guarded_env, "similar", "河涌很臭怎么办"),
        _baixing(guarded_env, "similar", "--jsonl", stdin='{"id": 1, "text": "加装电梯"}\n'),
        _baixing(guarded_env, "eval", "retrieval", "--dataset", str(dataset)),
    ]
    for result in runs:
        assert result.returncode == 0, result.stderr[-2000:]
    assert "河涌黑臭" in runs[2].stdout, "the item ingested a step before is found"
    assert json.loads(runs[3].stdout)["hits"]
    assert _violations(guarded_env) == []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_answers_on_loopback_without_outside_sockets(guarded_env: dict[str, str]) -> None:
    port = _free_port()
    # No namespace here: the test must reach the server over this machine's loopback.
    command = [sys.executable, "-m", "baixing", "serve", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(command, env=guarded_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        body = ""
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    body = response.read().decode("utf-8", errors="replace")
                    break
            except OSError:
                time.sleep(0.5)
        assert server.poll() is None, server.stdout.read() if server.stdout else ""
        assert "百姓提案培育助手" in body
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert _violations(guarded_env) == []
