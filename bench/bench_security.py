"""Security guards under attack-sized inputs (informational; no assertions).

    uv run python bench/bench_security.py [--bomb-mb 750] [--unguarded-mb 50] [--xlsx-rows 1000000] [--logins 20]

1. A .docx zip bomb (~2.5 MB on disk, 750 MiB of paragraphs inside): time and peak RSS of a fresh process
   that calls ``import_docx`` on it (refused by ``check_docx`` before python-docx parses anything).
2. An .xlsx whose sheet holds millions of rows, and one with a forged ``<dimension>``: time to refusal
   through ``read_rows``.
3. Login timing: a wrong password for a real account vs. an unknown username (mean of N tries each).
Each measurement runs in its own child process, so peak RSS is that of the guard alone.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from assistant.errors import InputError
kind, path = sys.argv[1], Path(sys.argv[2])
if kind == "docx":
    from assistant.cultivation.docx_io import import_docx
    call = lambda: import_docx(path.read_bytes())
elif kind == "docx-unguarded":
    import io
    from docx import Document
    call = lambda: len(Document(io.BytesIO(path.read_bytes())).paragraphs)
else:
    import openpyxl  # imported before timing: the figure is the guard's
    from assistant.ingest.readers import read_rows
    call = lambda: sum(1 for _ in read_rows(path))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
try:
    outcome = f"accepted ({call()})"
except InputError as exc:
    outcome = "refused: " + exc.user_message
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "rss_before_mb": before / 1024, "rss_peak_mb": peak / 1024, "outcome": outcome}))
"""


def measure(kind: str, path: Path) -> dict[str, object]:
    """Run one guarded read in a fresh interpreter; its time, RSS before/peak (MiB) and outcome."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", CHILD, kind, str(path)], capture_output=True, text=True,
                         env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def xlsx_many_rows(path: Path, rows: int, forged_dimension: str | None = None) -> None:
    """An .xlsx (openpyxl's sample parts) whose sheet is rewritten, streaming, with ``rows`` rows."""
    import io

    from tests.security.bombs import sample_xlsx, xlsx_sheet_name

    sample = sample_xlsx(1)
    sheet = xlsx_sheet_name(sample)
    source = zipfile.ZipFile(io.BytesIO(sample))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            if info.filename != sheet:
                out.writestr(info.filename, source.read(info))
        with out.open(sheet, "w", force_zip64=True) as part:
            ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
            dim = f'<dimension ref="{forged_dimension}"/>' if forged_dimension else ""
            part.write(f"<worksheet {ns}>{dim}<sheetData>".encode())
            batch = []
            for n in range(1, rows + 1):
                batch.append(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>线索{n}</t></is></c></row>')
                if len(batch) == 10_000:
                    part.write("".join(batch).encode())
                    batch = []
            part.write(("".join(batch) + "</sheetData></worksheet>").encode())


def login_timing(tries: int) -> dict[str, float]:
    """Median seconds of a wrong password for a real account and for an unknown username (interleaved)."""
    import statistics

    from assistant.accounts import AccountService
    from assistant.errors import BaixingError
    from assistant.settings import SecuritySettings
    from assistant.storage.db import open_database
    from assistant.storage.enums import Role

    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{Path(tmp) / 'b.db'}")
        accounts = AccountService(db, SecuritySettings(lockout_threshold=0, address_lockout_threshold=0))
        accounts.create("gongzuo", "工作人员", Role.STAFF, "staff-pass-1")
        times: dict[str, list[float]] = {"known_wrong_password_s": [], "unknown_user_s": []}
        for _ in range(tries):
            for label, name in (("known_wrong_password_s", "gongzuo"), ("unknown_user_s", "nobody")):
                start = time.perf_counter()
                with contextlib.suppress(BaixingError):
                    accounts.login(name, "wrong-password", "127.0.0.1")
                times[label].append(time.perf_counter() - start)
        db.dispose()
    return {label: round(statistics.median(values), 4) for label, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bomb-mb", type=int, default=750, help="uncompressed MiB inside the .docx bomb (~2.5 MB)")
    parser.add_argument("--unguarded-mb", type=int, default=0, help="also let python-docx parse a bomb this big")
    parser.add_argument("--xlsx-rows", type=int, default=1_000_000)
    parser.add_argument("--logins", type=int, default=20)
    args = parser.parse_args()
    from tests.security.bombs import docx_bomb

    report: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        bomb = Path(tmp) / "bomb.docx"
        start = time.perf_counter()
        docx_bomb(bomb, args.bomb_mb)
        report["docx_bomb"] = {
            "file_mb": round(bomb.stat().st_size / 2**20, 2),
            "uncompressed_mb": args.bomb_mb,
            "build_s": round(time.perf_counter() - start, 1),
            **measure("docx", bomb),
        }
        if args.unguarded_mb:
            small = Path(tmp) / "small-bomb.docx"
            docx_bomb(small, args.unguarded_mb)
            report["unguarded_python_docx"] = {
                "uncompressed_mb": args.unguarded_mb, **measure("docx-unguarded", small)
            }
        rows = Path(tmp) / "rows.xlsx"
        xlsx_many_rows(rows, args.xlsx_rows)
        report["xlsx_rows"] = {"rows": args.xlsx_rows, "file_mb": round(rows.stat().st_size / 2**20, 2),
                               **measure("xlsx", rows)}
        forged = Path(tmp) / "forged.xlsx"
        xlsx_many_rows(forged, 3, forged_dimension="A1:XFD1048576")
        report["xlsx_forged_dimension"] = measure("xlsx", forged)
    report["login_timing"] = login_timing(args.logins)
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
