"""What a hanging model endpoint costs a citizen (informational; no assertions).

    uv run python bench/bench_llm_hang.py --data-dir DIR [--old]

The endpoint is the test suite's fake OpenAI server scripted to answer only after 300 s (it accepts the
connection, then says nothing: the worst case). Three citizens submit one after the other through the same path
as ``POST /api/v1/ideas`` (screening + routing, then drafting), and one more goes through the page's path
(review, then the streamed draft). ``DIR``: a data dir with a built index (e.g. the one ``bench/load.py`` keeps).
``--old`` also measures the settings before issue 15 (time-out 60 s, one client retry, breaker after 2 failures).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistant.container import Container  # noqa: E402
from assistant.cultivation.models import Proposer  # noqa: E402
from assistant.settings import LimitsSettings, LLMSettings, Settings  # noqa: E402
from tests.fakes.openai_server import FakeOpenAIServer, slow  # noqa: E402

IDEA = "我们小区是老旧小区，没有电梯，老人上下楼很困难，建议政府统一规划加装电梯，并给予资金补贴。"


def measure(data_dir: Path, llm: LLMSettings, label: str, tag: str) -> None:
    """Print the seconds each citizen waited."""
    work = Path(tempfile.mkdtemp(prefix="bx-hang-")) / "var"
    shutil.copytree(data_dir, work, ignore=shutil.ignore_patterns("tmp", "*.log"))
    with FakeOpenAIServer() as server:
        server.enqueue(*[slow(300.0) for _ in range(20)])
        settings = Settings(data_dir=work, llm=llm.model_copy(update={"base_url": server.base_url}),
                            limits=LimitsSettings(submissions_per_minute=0))
        container = Container(settings)
        container.warm_up()
        wf = container.citizen_workflow
        for n in range(3):
            start = time.perf_counter()
            result = wf.submit_idea(IDEA + f"（{label}-{n}）", Proposer(name="张三", phone="13912345678"),
                                    consent=True, idempotency_key=f"hang-{tag}-{n}-{int(time.time())}")
            took = time.perf_counter() - start
            breaker = container.llm_runner.breaker.is_open
            print(f"{label}: citizen {n + 1} (API path) waited {took:5.1f} s; receipt {result.receipt_no}; "
                  f"model requests so far {len(server.chat_requests())}; breaker open {breaker}")
        start = time.perf_counter()
        review = wf.review(IDEA)
        for _ in wf.start_draft(IDEA, review):
            pass
        print(f"{label}: citizen 4 (page path, review + streamed draft) waited {time.perf_counter() - start:5.1f} s")
    shutil.rmtree(work.parent, ignore_errors=True)


def main() -> int:
    """Run the measurements."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--old", action="store_true", help="also measure the settings before issue 15")
    args = parser.parse_args()
    measure(args.data_dir, LLMSettings(mode="openai"), "now (time-out 12 s, no retry, breaker after 1)", "now")
    if args.old:
        old = LLMSettings(mode="openai", timeout_s=60.0, max_retries=1, breaker_threshold=2)
        measure(args.data_dir, old, "before (time-out 60 s, 1 retry, breaker after 2)", "before")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
