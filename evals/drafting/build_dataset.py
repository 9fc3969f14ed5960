"""Builds ``ideas.jsonl``: citizen-voice ideas (composed from phrase lists) + real past messages (not test data).

Real messages come from ``corpus/data/items.jsonl.gz``, which already excludes every message that overlaps the
labelled sets (so never the labelled test split). Deterministic: ``uv run python -m evals.drafting.build_dataset``.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from assistant.settings import REPO_ROOT
from retrieval.shipped import load_jsonl_gz

OUT = Path(__file__).resolve().parent / "ideas.jsonl"
SOURCES = Path(__file__).resolve().parent / "citizen_phrases.json"
N_MESSAGES = 150


def citizen_ideas(rng: random.Random) -> list[dict[str, str]]:
    """~100 ideas in citizens' voices: place + problem + feeling + (sometimes) suggestion, varied order."""
    data = json.loads(SOURCES.read_text(encoding="utf-8"))
    out = []
    for n, topic in enumerate(data["topics"] * 5):
        place = rng.choice(data["places"])
        parts = [place + rng.choice(topic["problems"])]
        if rng.random() < 0.7:
            parts.append(rng.choice(data["feelings"]))
        if rng.random() < 0.75:
            parts.append(rng.choice(data["asks"]) + rng.choice(topic["suggestions"]))
        if rng.random() < 0.15:
            parts.append(rng.choice(data["extras"]))
        out.append({"id": f"citizen-{n + 1:03d}", "source": "citizen", "text": "，".join(parts) + rng.choice("。！？")})
    return out


def messages(rng: random.Random) -> list[dict[str, str]]:
    """Real answered/hot messages (title + text), sampled deterministically."""
    records = list(load_jsonl_gz(REPO_ROOT / "corpus" / "data" / "items.jsonl.gz"))
    chosen = rng.sample(records, N_MESSAGES)
    return [{"id": f"message-{r['msg_id']}", "source": "message", "doc_id": r["id"],
             "text": f"{r['title']}\n{r['text']}"} for r in chosen]


def main() -> None:
    rng = random.Random(20260507)
    rows = citizen_ideas(rng) + messages(rng)
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"{len(rows)} ideas → {OUT}")


if __name__ == "__main__":
    main()
