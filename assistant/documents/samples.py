"""Made-up sample inputs and a command that writes every document type (and times it).

    uv run python -m assistant.documents.samples OUT_DIR [--png] [--certificates N]

The samples are invented for checking the layout (marked 示例 in the files); they are not real citizens,
ideas or statistics. ``--png`` renders page 1 of each PDF with ``pdftoppm`` when that program exists
(Debian ``poppler-utils``; only for looking at the output, the app does not need it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import time
from pathlib import Path

from assistant.documents.certificate import certificates_docx, certificates_pdf, certificates_zip
from assistant.documents.models import (
    CertificateInput,
    Contributor,
    CountRow,
    HotTopic,
    IdeaEntry,
    PeriodicalIssue,
    ProposalForm,
    WorkStats,
)
from assistant.documents.periodical import periodical_docx, periodical_pdf
from assistant.documents.proposal_form import form_docx, form_pdf

SAMPLE_NOTE = "本期内容为版式检查用的示例数据，不代表真实情况。"
_SURNAMES = "陈李张黄刘林王吴郑何"
_GIVEN = ("晓明", "文华", "丽娟", "建国", "志强", "秀英", "嘉怡", "国栋", "海燕", "子豪")


def sample_form() -> ProposalForm:
    """A filled 附件1 form (invented)."""
    return ProposalForm(
        title="关于在学校门口设置家长接送区的“百姓提案”",
        analysis=["1. 示例：放学时段学校门口电动自行车停放无序，学生过马路存在安全隐患。",
                  "2. 示例：周边道路缺少临时停车位，家长多在机动车道停车等候。"],
        suggestions=["1. 建议区交通管理部门会同学校在校门周边划设家长接送区。",
                     "2. 建议在放学时段安排人员疏导交通，并定期向家长公布接送区使用情况。"],
        name="陈某某", occupation="退休教师", phone="（示例）", address="（示例）",
        remarks="示例：本提案根据群众“金点子”培育形成。",
    )


def sample_certificates(n: int = 50, year: int = 2023) -> list[CertificateInput]:
    """``n`` certificates with invented names and titles."""
    titles = ("关于在学校门口设置家长接送区的“百姓提案”", "关于加快老旧小区加装电梯的“百姓提案”",
              "关于改造老旧排水管网减少内涝的“百姓提案”", "关于增设社区长者饭堂的“百姓提案”")
    return [CertificateInput(citizen_name=_SURNAMES[i % 10] + _GIVEN[(i // 10 + i) % 10],
                             idea_title=titles[i % len(titles)], year=year, issue_date=dt.date(year + 1, 1, 10),
                             certificate_no=f"示例-{year}-{i + 1:03d}")
            for i in range(n)]


def sample_issue() -> PeriodicalIssue:
    """An issue with every section filled (invented counts)."""
    topics = [("交通出行", 42, "示例：集中在学校周边接送秩序、公交线路调整和非机动车停放。"), ("老旧小区改造", 35, ""),
              ("城市内涝", 28, "示例：反映雨季道路积水和排水管网老化。"), ("养老服务", 20, ""), ("教育资源", 12, ""),
              ("环境卫生", 9, "")]
    return PeriodicalIssue(
        issue_no=16, period_start=dt.date(2024, 1, 1), period_end=dt.date(2024, 3, 31),
        issue_date=dt.date(2024, 4, 15), total_ideas=180, editor_note=SAMPLE_NOTE,
        hot_topics=[HotTopic(topic=t, count=c, summary=s) for t, c, s in topics],
        ideas=[
            IdeaEntry(title="关于在学校门口设置家长接送区的建议",
                      summary="示例：建议在校门周边划设接送区并安排放学时段疏导。",
                      contributor=Contributor(name="陈晓明", consent="masked", district="天河区"),
                      status="已立案，交区交通管理部门办理"),
            IdeaEntry(title="关于增设社区长者饭堂的建议", summary="示例：建议在老年人口较多的社区增设长者饭堂。",
                      contributor=Contributor(name="李文华", consent="full", district="越秀区"), status="培育中"),
            IdeaEntry(title="关于雨季前集中清疏排水管网的建议", summary="示例：建议每年汛期前集中清疏易涝点排水管网。",
                      contributor=Contributor(name="欧阳丽娟", consent="anonymous"), status=""),
        ],
        work=WorkStats(
            by_channel=[CountRow(label="线上平台", count=120), CountRow(label="委员工作室", count=38),
                        CountRow(label="“两代表一委员”联络站", count=22)],
            by_status=[CountRow(label="已受理", count=96), CountRow(label="培育中", count=40),
                       CountRow(label="已立案", count=26), CountRow(label="不属于受理范围", count=18)],
            by_committee=[CountRow(label="城建环资委", count=64), CountRow(label="社会和法制委", count=48),
                          CountRow(label="教科卫体委", count=36), CountRow(label="经济委", count=32)],
            by_district=[CountRow(label="天河区", count=44), CountRow(label="越秀区", count=39),
                         CountRow(label="海珠区", count=35), CountRow(label="白云区", count=33),
                         CountRow(label="番禺区", count=29)],
            highlights=["示例：本季度组织“百姓提案”专题调研2次、协商座谈会1次。"],
        ),
    )


def _render_png(pdf: Path, out_stem: Path) -> Path | None:
    exe = shutil.which("pdftoppm")
    if exe is None:
        return None
    subprocess.run([exe, "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(out_stem)],
                   check=True)
    return out_stem.with_suffix(".png")


def main(argv: list[str] | None = None) -> int:
    """Write the sample documents into OUT_DIR and print how long each took."""
    parser = argparse.ArgumentParser(description="Write sample official documents (invented data).")
    parser.add_argument("out", type=Path)
    parser.add_argument("--png", action="store_true", help="render page 1 of each PDF with pdftoppm if present")
    parser.add_argument("--certificates", type=int, default=50)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    certs, issue, form = sample_certificates(args.certificates), sample_issue(), sample_form()
    jobs = [
        ("draft.docx", lambda: form_docx(form)), ("draft.pdf", lambda: form_pdf(form)),
        ("certificates.docx", lambda: certificates_docx(certs)), ("certificates.pdf", lambda: certificates_pdf(certs)),
        ("certificates.zip", lambda: certificates_zip(certs).data),
        ("periodical.docx", lambda: periodical_docx(issue)), ("periodical.pdf", lambda: periodical_pdf(issue)),
    ]
    for name, build in jobs:
        start = time.perf_counter()
        data = build()
        took = time.perf_counter() - start
        (args.out / name).write_bytes(data)
        print(f"{name:20s} {took:6.2f} s  {len(data) / 1024:8.1f} KiB")
    if args.png:
        for name in ("draft", "certificates", "periodical"):
            png = _render_png(args.out / f"{name}.pdf", args.out / f"{name}-page1")
            print(f"{name}: {png or 'pdftoppm not found, no PNG'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
