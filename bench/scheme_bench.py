"""The whole scheme on 500 real messages (informational; prints figures for docs/scheme.md, no assertions).

    uv run python bench/scheme_bench.py [--data-dir /tmp/baixing-scheme-bench] [--n 500]

1. 500 real Teddy Cup messages (``corpus/data/labelled_full.jsonl.gz``, rows outside the titles test split; a fixed
   random sample) are imported as clues with ``TriageService`` (screening, grade, routing, channel, 1+N). The
   messages are another city's (A市, 西地省); the names and phones in the import file are synthetic test identities
   (测试市民001, 1390000…), needed for certificates and the citizen's look-up.
2. The rest of the path is simulated with the services: staff confirm the routing of the in-scope ideas, members
   collect a clue each and cultivate ideas into proposals, staff hand them over, replies are imported from a file
   (texts marked 模拟答复), citizens look up their status and rate, staff record merits, the top 50 are selected and
   certified, an issue of 《百姓提案》 is written, the members' report is exported.
3. The issue's counts are checked against the database with plain SQL, and the .docx is read back.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import shutil
import sqlite3
import time
from collections import Counter
from pathlib import Path
from typing import Any

from assistant.accounts import LOCAL_OPERATOR
from assistant.clock import CHINA_TZ
from assistant.container import Container
from assistant.scheme.models import AssignEdit
from assistant.settings import REPO_ROOT, Settings
from assistant.staff.models import RoutingEdit, UnitChoice
from assistant.storage.enums import IdeaStatus, Role
from assistant.storage.scheme_facts import SchemeFactsStore

SOURCE = REPO_ROOT / "corpus" / "data" / "labelled_full.jsonl.gz"
SEED = 2026
RESULTS = ("adopted", "partly", "planned", "explained")


def sample(n: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``n`` messages (fixed seed) and the rest of the pool, both outside the titles test split."""
    with gzip.open(SOURCE, "rt", encoding="utf-8") as handle:
        rows = sorted((r for r in map(json.loads, handle) if not r["test_overlap"]), key=lambda r: r["msg_id"])
    picked = sorted(random.Random(SEED).sample(rows, n), key=lambda r: r["msg_id"])
    chosen = {r["msg_id"] for r in picked}
    return picked, [r for r in rows if r["msg_id"] not in chosen]


def write_clues(rows: list[dict[str, Any]], path: Path) -> None:
    """The import file (CSV as staff would save it from Excel): title, text, synthetic name and phone, channel."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(["标题", "内容", "姓名", "电话", "渠道"])
        for n, r in enumerate(rows, start=1):
            w.writerow([r["title"], r["text"], f"测试市民{n:03d}", f"1390000{n:04d}",
                        "穗好办" if n % 3 == 0 else "市政协官网"])


def timed(label: str, fn: Any, figures: dict[str, Any]) -> Any:
    start = time.perf_counter()
    value = fn()
    figures.setdefault("seconds", {})[label] = round(time.perf_counter() - start, 1)
    return value


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default="/tmp/baixing-scheme-bench")
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--members", type=int, default=8)
    args = parser.parse_args()
    data_dir = Path(args.data_dir)
    if data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True)
    figures: dict[str, Any] = {}
    c = Container(Settings(data_dir=data_dir / "var"))
    timed("index", lambda: c.ensure_index(progress=False), figures)
    picked, rest = sample(args.n)
    clues = data_dir / "clues.csv"
    write_clues(picked, clues)

    # 1. triage ---------------------------------------------------------------------------------------
    report = timed("triage", lambda: c.staff.triage.triage_file(LOCAL_OPERATOR, clues), figures)
    figures["triage"] = report.summary_zh()
    facts = SchemeFactsStore(c.database).facts()
    figures["channels_all"] = dict(Counter(f.suggested.get("channel") for f in facts))
    figures["channels_in_scope"] = dict(Counter(f.suggested.get("channel") for f in facts if f.in_scope))
    figures["grades"] = dict(Counter(f.grade for f in facts))
    figures["linkage_in_scope"] = dict(Counter(f.linkage for f in facts if f.in_scope))
    reasons = {}
    for f in facts:
        ch = f.suggested.get("channel")
        if f.in_scope and ch and ch not in reasons and f.suggested.get("channel_reason"):
            reasons[ch] = f"{f.idea.receipt_no}《{f.idea.display_title[:24]}》：{f.suggested['channel_reason']}"
    figures["channel_reason_examples"] = reasons
    figures["every_channel_has_reason"] = all(f.suggested.get("channel_reason") for f in facts if f.suggested)

    # 2. people ---------------------------------------------------------------------------------------
    staff = c.accounts.create("gongzuo", "工作人员甲", Role.STAFF, "staff-pass-1")
    members = [c.accounts.create(f"weiyuan{k}", f"委员{'甲乙丙丁戊己庚辛壬癸'[k]}", Role.MEMBER, "member-pass-1")
               for k in range(args.members)]

    # 3. routing confirmed for every in-scope idea ---------------------------------------------------
    in_scope = [f for f in facts if f.in_scope]

    def confirm() -> None:
        for f in in_scope:
            units = [UnitChoice(name=u["name"], role=u["role"]) for u in f.suggested_units]
            edit = RoutingEdit(units=units, committee=f.suggested.get("committee"), channel=f.suggested.get("channel"),
                               domain=f.suggested.get("domain"))
            c.staff.desk.confirm(staff, f.idea.id, edit)

    timed("confirm routing", confirm, figures)

    # 4. members: one collected clue each, cultivation and proposals ----------------------------------
    def cultivate() -> list[str]:
        receipts = []
        for k, m in enumerate(members):
            extra = rest[k]
            receipts.append(c.scheme.members.collect(m, f"{extra['title']}\n{extra['text']}", title=extra["title"],
                                                     name=f"测试市民C{k + 1:02d}", phone=f"1380000{k + 1:04d}"))
        chosen = [f for f in in_scope if f.suggested.get("channel") != "摘编社情民意信息"]
        chosen += [f for f in in_scope if f.suggested.get("channel") == "摘编社情民意信息"][: max(0, 70 - len(chosen))]
        for n, f in enumerate(chosen):
            member = members[n % len(members)]
            view = c.member_workflow.open(member, f.idea.receipt_no or "")
            if n % 7 != 6:  # most become proposals, some stay in cultivation
                c.scheme.members.finalise(member, view.draft_id)
        return receipts

    figures["collected"] = timed("cultivate", cultivate, figures)

    # 5. handling: every proposal handed over; replies imported for most ------------------------------
    proposals = [f for f in SchemeFactsStore(c.database).facts() if f.idea.status is IdeaStatus.PROPOSAL]
    today = __import__("datetime").datetime.now(CHINA_TZ).date()

    def handle() -> Path:
        for n, f in enumerate(proposals):
            level = "city" if f.linkage == "city" else ("leader" if n % 10 == 0 else "normal")
            c.scheme.handling.assign(staff, f.idea.id, AssignEdit(unit=f.main_unit or "广州市人民政府办公厅",
                                                                   level=level, deadline=today))
        replies = data_dir / "replies.csv"
        with replies.open("w", encoding="utf-8-sig", newline="") as handle:
            w = csv.writer(handle)
            w.writerow(["受理编号", "承办单位", "答复内容", "答复日期", "办理结果"])
            for n, f in enumerate(proposals):
                if n % 5 == 4:
                    continue  # one in five still awaits its reply
                w.writerow([f.idea.receipt_no, f.main_unit or "广州市人民政府办公厅",
                            "（模拟答复，仅供测试）已收悉，正在研究办理。", today.isoformat(),
                            c.scheme.catalogue.handling_results[RESULTS[n % 4]]])
            w.writerow(["BX-1999-000001", "某单位", "不存在的编号", today.isoformat(), "已采纳"])
        return replies

    replies = timed("assign", handle, figures)
    imported = timed("import replies", lambda: c.scheme.handling.import_replies(LOCAL_OPERATOR, replies), figures)
    figures["replies"] = imported.summary_zh()
    figures["overdue_tomorrow"] = len(c.scheme.handling.overdue(staff, today.replace(year=today.year + 1)))

    # 6. citizens look up and rate -------------------------------------------------------------------
    with clues.open(encoding="utf-8-sig") as handle:
        phones = {row["姓名"]: row["电话"] for row in csv.DictReader(handle)}
    replied = [f for f in SchemeFactsStore(c.database).facts() if f.idea.status is IdeaStatus.REPLIED]
    ratings = Counter()
    for n, f in enumerate(replied):
        phone = phones[f.idea.citizen.name or ""]
        status = c.scheme.feedback.status(f.idea.receipt_no or "", phone)
        assert status.replies and status.can_rate
        rating = ("满意", "基本满意", "不满意")[n % 3]
        after = c.scheme.feedback.rate(f.idea.receipt_no or "", phone, rating, "测试评价" if rating == "不满意" else "")
        ratings[after.feedback[-1].rating] += 1
        if n == 0:
            figures["citizen_status_example"] = after.model_dump(mode="json", include={
                "receipt_no", "status_zh", "replies", "next_steps", "feedback"})
    figures["ratings"] = dict(ratings)
    notices = {m.display_name: c.scheme.members.page(m).unread for m in members}
    figures["member_unread_notices"] = notices

    # 7. merits, selection and certificates ---------------------------------------------------------
    year = today.year
    for n, f in enumerate(replied[:20]):
        c.scheme.selection.record_merit(staff, f.idea.receipt_no or "", year, outcome=None, social=float(n % 5))
    out = data_dir / "selection"
    result = timed("select top 50", lambda: c.scheme.selection.select(LOCAL_OPERATOR, year, 50, out_dir=out), figures)
    figures["selection"] = result.summary_zh()
    figures["certificate_files"] = len(list((out / "单份").glob("*.pdf"))), len(list((out / "单份").glob("*.docx")))

    # 8. the periodical, checked against the database ---------------------------------------------
    docx = data_dir / "百姓提案-第1期.docx"
    digest = timed("digest", lambda: c.scheme.digest.write(LOCAL_OPERATOR, today, today, docx), figures)
    figures["digest"] = digest.summary_zh()
    figures["digest_counts"] = digest.counts.model_dump()
    figures["digest_check"] = check_digest(c, digest, docx)

    # 9. members' report -----------------------------------------------------------------------------
    members_xlsx = data_dir / "委员履职.xlsx"
    rep = c.scheme.report.report(LOCAL_OPERATOR, year)
    c.scheme.report.write_xlsx(rep, members_xlsx)
    figures["members_report"] = rep.summary_zh()
    print(json.dumps(figures, ensure_ascii=False, indent=1, default=str))
    return 0


def check_digest(c: Container, digest: Any, docx: Path) -> dict[str, Any]:
    """The issue's counts against plain SQL on the database file, and its three sections in the .docx."""
    from docx import Document

    db = c.settings.database_url.removeprefix("sqlite:///")
    con = sqlite3.connect(db)
    total = con.execute("SELECT count(*) FROM ideas WHERE status <> 'draft' AND submitted_at IS NOT NULL").fetchone()[0]
    status = dict(con.execute("SELECT status, count(*) FROM ideas WHERE status <> 'draft' GROUP BY status"))
    scope = dict(con.execute(
        "SELECT s.in_scope, count(*) FROM screening_results s JOIN (SELECT idea_id, max(id) AS id FROM "
        "screening_results GROUP BY idea_id) l ON l.id = s.id GROUP BY s.in_scope"))
    suggested = dict(con.execute(
        "SELECT s.idea_id, json_extract(s.details, '$.routing.channel') FROM screening_results s JOIN (SELECT "
        "idea_id, max(id) AS id FROM screening_results GROUP BY idea_id) l ON l.id = s.id WHERE s.in_scope = 1"))
    confirmed = dict(con.execute(
        "SELECT CAST(a.entity_id AS INTEGER), json_extract(a.output, '$.channel') FROM assistant_audit a JOIN (SELECT "
        "entity_id, max(id) AS id FROM assistant_audit WHERE action = 'confirm_routing' GROUP BY entity_id) l "
        "ON l.id = a.id"))
    channels = Counter(confirmed.get(i) or ch for i, ch in suggested.items())
    con.close()
    from assistant.storage.lifecycle import STATUS_SHORT_ZH

    counts = digest.counts
    doc = Document(str(docx))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = {cell.text for table in doc.tables for row in table.rows for cell in row.cells}
    return {
        "total": (counts.total, total, counts.total == total),
        "by_status": counts.by_status == {STATUS_SHORT_ZH[IdeaStatus(k)]: v for k, v in status.items()},
        "in_scope": (counts.in_scope, scope.get(1, 0), counts.in_scope == scope.get(1, 0)),
        "out_of_scope": (counts.out_of_scope, scope.get(0, 0), counts.out_of_scope == scope.get(0, 0)),
        "by_channel": counts.by_channel == {k: v for k, v in channels.items() if k},
        "sections_in_docx": all(s in text for s in ("一、群众反映集中的问题", "二、百姓“金点子”汇总",
                                                     "三、“百姓提案”工作动态")),
        "total_in_docx": str(total) in text,
        "status_counts_in_docx_tables": all(str(v) in cells for v in counts.by_status.values()),
        "topic_counts_sum": sum(counts.topics.values()) == total,
    }


if __name__ == "__main__":
    raise SystemExit(main())
