"""Build the routing eval sets from the hand-written sources.

    uv run python evals/routing/build.py

- ``ideas.tsv`` (source item, domain, units, text) → ``dev.jsonl`` / ``test.jsonl`` (alternate rows).
- ``citizen_ideas.tsv`` (domain, units, committees, text) → ``citizen_dev.jsonl`` / ``citizen_test.jsonl``, split by
  a hash of the text (fixed before any router was run on them).

Short unit names become official catalogue names; every unit and committee must exist in the catalogues.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from assistant.routing.catalogue import DOMAINS, Catalogue, load_catalogue
from assistant.settings import load_settings

HERE = Path(__file__).resolve().parent


def _units(catalogue: Catalogue, field: str) -> list[str]:
    names = []
    for short in field.split("|"):
        unit = catalogue.unit(short)
        assert unit is not None, short
        names.append(unit.name)
    return names


def _write(splits: dict[str, list[dict]]) -> None:
    for name, cases in splits.items():
        with (HERE / f"{name}.jsonl").open("w", encoding="utf-8") as out:
            for case in cases:
                out.write(json.dumps(case, ensure_ascii=False) + "\n")
        print(name, len(cases))


def build_items(catalogue: Catalogue) -> None:
    """The original set: ideas rewritten from answered past items or written on recurring themes."""
    rows = [line.split("\t") for line in (HERE / "ideas.tsv").read_text(encoding="utf-8").splitlines() if line]
    splits: dict[str, list[dict]] = {"dev": [], "test": []}
    for n, (source, domain, units, text) in enumerate(rows, start=1):
        assert domain in DOMAINS, domain
        origin = f"改写自往期留言 {source}" if not source.startswith("item-gen") else "按往期留言常见主题撰写"
        case = {"id": f"route-{n:03d}", "text": text, "acceptable_units": _units(catalogue, units), "domain": domain,
                "source": origin}
        splits["dev" if n % 2 else "test"].append(case)
    _write(splits)


def build_citizen(catalogue: Catalogue) -> None:
    """Ideas written in citizens' words (issue 13), with acceptable units and committees."""
    committees = {c.name for c in catalogue.committees}
    lines = (HERE / "citizen_ideas.tsv").read_text(encoding="utf-8").splitlines()
    splits: dict[str, list[dict]] = {"citizen_dev": [], "citizen_test": []}
    for n, line in enumerate((x for x in lines if x.strip()), start=1):
        domain, units, names, text = line.split("\t")
        assert domain in DOMAINS, domain
        accepted = names.split("|")
        assert set(accepted) <= committees, accepted
        case = {"id": f"citizen-{n:03d}", "text": text, "acceptable_units": _units(catalogue, units),
                "acceptable_committees": accepted, "domain": domain, "source": "按群众口吻撰写（issue 13）"}
        digest = hashlib.sha1(text.encode("utf-8")).digest()
        splits["citizen_test" if digest[0] % 2 else "citizen_dev"].append(case)
    _write(splits)


def main() -> int:
    catalogue = load_catalogue(load_settings().catalogues_dir)
    build_items(catalogue)
    build_citizen(catalogue)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
