"""Build dev.jsonl / test.jsonl from ideas.tsv (short unit names → official names; alternate rows split).

    uv run python evals/routing/build.py
"""

from __future__ import annotations

import json
from pathlib import Path

from assistant.routing.catalogue import DOMAINS, load_catalogue
from assistant.settings import load_settings

HERE = Path(__file__).resolve().parent


def main() -> int:
    catalogue = load_catalogue(load_settings().catalogues_dir)
    rows = [line.split("\t") for line in (HERE / "ideas.tsv").read_text(encoding="utf-8").splitlines() if line]
    splits: dict[str, list[dict]] = {"dev": [], "test": []}
    for n, (source, domain, units, text) in enumerate(rows, start=1):
        assert domain in DOMAINS, domain
        names = []
        for short in units.split("|"):
            unit = catalogue.unit(short)
            assert unit is not None, short
            names.append(unit.name)
        origin = f"改写自往期留言 {source}" if not source.startswith("item-gen") else "按往期留言常见主题撰写"
        case = {"id": f"route-{n:03d}", "text": text, "acceptable_units": names, "domain": domain, "source": origin}
        splits["dev" if n % 2 else "test"].append(case)
    for name, cases in splits.items():
        with (HERE / f"{name}.jsonl").open("w", encoding="utf-8") as out:
            for case in cases:
                out.write(json.dumps(case, ensure_ascii=False) + "\n")
        print(name, len(cases))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
