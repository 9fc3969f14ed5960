"""Staff sub-tab 批量导入线索: upload a CSV/XLSX of collected clues, watch progress, download the result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from assistant.errors import InputError
from assistant.security.archives import check_upload
from assistant.staff import StaffServices
from assistant.storage.enums import Role
from ui.downloads import offer
from ui.session import guarded, limit, require_role
from ui.staff_format import TRIAGE_HEADERS, triage_rows

FILE_TYPES = [".csv", ".xlsx", ".jsonl", ".txt", ".tsv"]
HELP = (
    "上传收集到的线索（CSV、XLSX 或 JSONL，第一行为列名）。必须有**内容**（或“正文”）列，可选**标题**、"
    "**姓名**、**电话**、**地址**、**渠道**列。CSV 可为 UTF-8 或 GBK 编码。每行导入为一条线索，自动筛查是否属于"
    "“百姓提案”、建议领域和承办单位，并与本批、已有线索和往期留言查重。有问题的行会标出行号，不影响其他行。"
)


def _downloadable(container: Any, paths: list[Path]) -> list[str]:
    """The result files offered for download to the staff member who imported them (and nobody else)."""
    return [offer(container, p.name, p) for p in paths if p.is_file()]


def build_import_tab(container: Any, services: StaffServices, session: gr.State) -> None:
    """Upload, progress, result table and downloadable result files."""
    max_mb = int(container.settings.ui.max_upload_mb)
    gr.Markdown(HELP + f"文件不超过 {max_mb} MB。")
    upload = gr.File(label="线索文件", file_types=FILE_TYPES, type="filepath", elem_id="staff-import-file")
    start = gr.Button("开始导入并分办", variant="primary", elem_id="staff-import-start")
    summary = gr.Markdown("", elem_id="staff-import-summary")
    table = gr.Dataframe(headers=TRIAGE_HEADERS, value=[], interactive=False, wrap=True, max_height=420,
                         label="导入结果", elem_id="staff-import-table")
    result = gr.File(label="下载结果（Excel / CSV）", file_count="multiple", interactive=False,
                     elem_id="staff-import-result")

    @guarded(container, "staff import")
    def do_import(user: Any, path: str | None, progress: gr.Progress = gr.Progress()) -> tuple[str, Any, Any]:  # noqa: B008
        staff = require_role(user, Role.STAFF)
        if not path:
            raise InputError("请先选择要导入的线索文件。", "no file")
        file = Path(path)
        limit(container, "upload")
        check_upload(file, max_mb * 1024 * 1024, "线索文件")  # size from stat, before anything reads it

        def report(done: int, total: int, message: str) -> None:
            progress((done, max(total, 1)), desc=message)

        outcome = services.triage.triage_file(staff, file, file_name=file.name, progress=report)
        stem = Path(outcome.result_path or "")
        files = _downloadable(container, [stem, stem.with_suffix(".csv")]) if outcome.result_path else []
        note = "如需修改分办，请到「待办队列」中打开相应受理编号。" if outcome.imported else ""
        return "导入完成。" + outcome.summary_zh() + note, triage_rows(outcome), files

    start.click(do_import, inputs=[session, upload], outputs=[summary, table, result])
