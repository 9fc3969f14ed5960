"""评估 page (evaluator log-in): run a suite and see its figures, compare two runs, rate a batch of proposals.

Every handler checks the role server-side (``require_role(session, Role.EVALUATOR)``; admins pass too) and is
wrapped by ``guarded`` so errors show as Chinese messages. Logic lives in ``evals/`` and ``assistant/ratings.py``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.errors import InputError
from assistant.ratings import RANK_BY_ZH, ProposalRater, load_proposals, write_workbook
from assistant.security.archives import check_upload
from assistant.storage.enums import Role
from evals.compare import compare_runs
from evals.labels import headers_zh, metric_zh
from evals.report import FIGURE_TITLES, report_figures, write_report
from evals.runner import container_for, run_suite
from evals.store import RunStore
from evals.suites import SUITES
from ui.downloads import cache_dir, offer
from ui.session import guarded, limit, max_upload_bytes, require_role

BACKENDS = [("离线规则（无需大模型）", "offline"), ("在线大模型（按设置 llm.base_url）", "openai")]
BACKEND_ZH = {value: label.split("（")[0] for label, value in BACKENDS}
FIGURES = ("confusion", "calibration", "abstention", "latency")
DELTA_HEADERS = ["分组", "指标", "n", "A", "B", "差值 B−A", "95% 置信区间", "结论"]
FLIP_HEADERS = ["分组", "用例", "变化", "A 的原因", "B 的原因"]


def _fresh_dir(prefix: str) -> Path:
    """A new private folder in Gradio's cache (swept with the data dir's temp files)."""
    return Path(tempfile.mkdtemp(prefix=prefix, dir=cache_dir()))


def _run_choices(store: RunStore, user: Any) -> list[tuple[str, str]]:
    return [(info.label(), info.run_id) for info in store.list_runs(user, limit=100)]


def _figure_updates(run: Any) -> list[Any]:
    figures = report_figures(run)
    return [gr.update(value=figures.get(key), visible=key in figures) for key in FIGURES]


def build_evaluator_page(container: Any, session: gr.State) -> None:
    """Add the evaluator page (three sub-tabs) to the current Blocks context."""
    store = RunStore.of(container)
    roots: dict[tuple[Any, ...], Any] = {}

    def root_for(suite: str, backend: str, model: str, version: str) -> Any:
        if backend == "openai" and not container.settings.llm.base_url:
            raise InputError("没有配置大模型服务地址（BAIXING_LLM__BASE_URL），只能用离线规则评测。", "no base_url")
        key = (backend, model.strip(), version.strip(), tuple(SUITES[suite].tasks))
        if key not in roots:
            versions = [version.strip()] if version.strip() else None
            roots[key] = container_for(container, suite, backend=backend, model=model.strip() or None,
                                       prompt_version=versions)
        return roots[key]

    gr.Markdown(
        "评估人员专用：请先在页面上方以**评估人员**身份登录。可运行各项评测并查看图表、比较两次运行的差异，"
        "或批量给提案评分、排名并导出年度优秀提案初筛名单。",
        elem_id="eval-intro",
    )
    with gr.Tabs(elem_id="eval-tabs"):
        with gr.Tab("运行评测", id="eval-run", elem_id="eval-tab-run"):
            _build_run_tab(container, store, session, root_for)
        with gr.Tab("比较运行", id="eval-compare", elem_id="eval-tab-compare"):
            _build_compare_tab(container, store, session)
        with gr.Tab("提案评分", id="eval-ratings", elem_id="eval-tab-ratings"):
            _build_ratings_tab(container, session)


def _build_run_tab(container: Any, store: RunStore, session: gr.State, root_for: Any) -> None:
    with gr.Row():
        suite = gr.Dropdown([(f"{s.title}（{name}）", name) for name, s in SUITES.items()], value="screening",
                            label="评测套件", elem_id="eval-suite")
        backend = gr.Radio(BACKENDS, value="offline", label="模型后端", elem_id="eval-backend")
    with gr.Row():
        model = gr.Textbox(label="模型名（可空，默认取设置）", elem_id="eval-model")
        version = gr.Textbox(label="提示词版本（可空，如 v2）", elem_id="eval-prompt-version")
        dataset = gr.File(label="自带数据集（可选，JSONL）", file_types=[".jsonl"], type="filepath",
                          elem_id="eval-dataset")
    run_button = gr.Button("运行评测", variant="primary", elem_id="eval-run-button")
    with gr.Row():
        existing = gr.Dropdown([], label="或查看已有的运行", elem_id="eval-existing", scale=4)
        refresh = gr.Button("刷新列表", elem_id="eval-refresh", scale=1)
        show = gr.Button("查看", elem_id="eval-show", scale=1)
    status = gr.Markdown("", elem_id="eval-status")
    table = gr.Dataframe(value=[], interactive=False, wrap=True, label="汇总指标", elem_id="eval-aggregates")
    plots = [gr.Plot(label=FIGURE_TITLES[key], visible=False, elem_id=f"eval-plot-{key}") for key in FIGURES]
    report = gr.File(label="下载 HTML 报告（含图表，可离线打开）", interactive=False, elem_id="eval-report")

    def shown(run: Any, note: str) -> list[Any]:
        headers, rows = run.table()
        headers = headers_zh(headers)
        out = _fresh_dir("baixing-eval-") / f"{run.run_id}.html"
        write_report(run, out)
        usage = run.usage
        summary = (f"{note}：**{run.run_id}**（{SUITES[run.suite].title if run.suite in SUITES else run.suite}，"
                   f"后端 {BACKEND_ZH.get(str(run.config.get('backend', 'offline')), run.config.get('backend'))}）。"
                   + (f"模型调用 {int(usage.get('llm_calls', 0))} 次，词元 {int(usage.get('tokens_in', 0))}"
                      f" / {int(usage.get('tokens_out', 0))}，用时 {usage.get('wall_s', 0):.1f} 秒。" if usage else ""))
        return [summary, gr.update(value=rows, headers=headers), *_figure_updates(run), offer(container, out.name, out)]

    outputs = [status, table, *plots, report]

    @guarded(container, "eval run")
    def do_run(user: Any, name: str, chosen: str, model_name: str, prompt: str, path: str | None,
               progress: gr.Progress = gr.Progress()) -> list[Any]:  # noqa: B008
        root = root_for(name, chosen, model_name or "", prompt or "")
        if path:
            limit(container, "upload")
            check_upload(Path(path), max_upload_bytes(container), "数据集文件")
        run = run_suite(root, name, dataset=path or None, actor=user,
                        progress=lambda f, m: progress(f, desc=m))
        return shown(run, "评测完成")

    @guarded(container, "eval show")
    def do_show(user: Any, run_id: str | None) -> list[Any]:
        require_role(user, Role.EVALUATOR)
        if not run_id:
            raise InputError("请先选择一次运行。", "no run")
        return shown(store.load(user, run_id), "已载入运行")

    @guarded(container, "eval list")
    def do_refresh(user: Any) -> Any:
        require_role(user, Role.EVALUATOR)
        return gr.update(choices=_run_choices(store, user))

    run_button.click(do_run, inputs=[session, suite, backend, model, version, dataset], outputs=outputs)
    show.click(do_show, inputs=[session, existing], outputs=outputs)
    refresh.click(do_refresh, inputs=[session], outputs=[existing])


def _build_compare_tab(container: Any, store: RunStore, session: gr.State) -> None:
    gr.Markdown("选择同一评测套件的两次运行：差值为 B − A，置信区间由配对自助法（1000 次重抽样）得出；"
                "区间不含 0 时判为显著。下方列出判定结果翻转的用例。")
    with gr.Row():
        run_a = gr.Dropdown([], label="运行 A（基线）", elem_id="eval-compare-a")
        run_b = gr.Dropdown([], label="运行 B（新）", elem_id="eval-compare-b")
    with gr.Row():
        refresh = gr.Button("刷新列表", elem_id="eval-compare-refresh")
        compare = gr.Button("比较", variant="primary", elem_id="eval-compare-button")
    summary = gr.Markdown("", elem_id="eval-compare-summary")
    deltas = gr.Dataframe(headers=DELTA_HEADERS, value=[], interactive=False, wrap=True, label="逐项差值",
                          elem_id="eval-compare-deltas")
    flips = gr.Dataframe(headers=FLIP_HEADERS, value=[], interactive=False, wrap=True, max_height=400,
                         label="翻转的用例", elem_id="eval-compare-flips")

    @guarded(container, "eval compare list")
    def do_compare_refresh(user: Any) -> tuple[Any, Any]:
        require_role(user, Role.EVALUATOR)
        choices = _run_choices(store, user)
        return gr.update(choices=choices), gr.update(choices=choices)

    @guarded(container, "eval compare")
    def do_compare(user: Any, a: str | None, b: str | None) -> tuple[str, Any, Any]:
        require_role(user, Role.EVALUATOR)
        if not a or not b:
            raise InputError("请选择要比较的两次运行。", "missing run")
        result = compare_runs(store.load(user, a), store.load(user, b))
        better = sum(d.verdict() == "变好" for d in result.deltas)
        worse = sum(d.verdict() == "变差" for d in result.deltas)
        fixed = sum(f.now_passed for f in result.flipped)
        text = (f"共同用例 {result.common} 个（仅 A {result.only_a}，仅 B {result.only_b}）。显著变好 {better} 项、"
                f"显著变差 {worse} 项；按{metric_zh(result.primary)}判定翻转 {len(result.flipped)} 个用例"
                f"（修好 {fixed}，改坏 {len(result.flipped) - fixed}）。")
        deltas = [[row[0], metric_zh(str(row[1])), *row[2:]] for row in result.delta_rows()]
        return text, deltas, result.flipped_rows()

    refresh.click(do_compare_refresh, inputs=[session], outputs=[run_a, run_b])
    compare.click(do_compare, inputs=[session, run_a, run_b], outputs=[summary, deltas, flips])


def _build_ratings_tab(container: Any, session: gr.State) -> None:
    llm_ready = container.settings.llm.mode != "offline"
    llm_note = "已配置大模型：可同时请大模型评分并报告一致性。" if llm_ready else "未配置大模型：只用离线规则评分。"
    gr.Markdown(
        "上传一批提案（JSONL，每行含 id、title、analysis、suggestions；或附件1 格式的 .docx，可多选），"
        "按五个维度（选题聚焦、情况准确、分析深入、建议具体可行、格式规范，各 1–5 分）逐项评分并说明理由，"
        "排名后导出 Excel 初筛名单。" + llm_note
    )
    with gr.Row():
        files = gr.File(label="提案文件（.jsonl / .docx）", file_count="multiple", file_types=[".jsonl", ".docx"],
                        type="filepath", elem_id="eval-ratings-files")
        with gr.Column():
            shortlist = gr.Number(value=10, precision=0, minimum=0, label="入围名额", elem_id="eval-ratings-top")
            use_llm = gr.Checkbox(value=llm_ready, interactive=llm_ready, label="同时请大模型评分",
                                  elem_id="eval-ratings-llm")
            rank_by = gr.Radio([(v, k) for k, v in RANK_BY_ZH.items()], value="rubric", label="排序依据",
                               elem_id="eval-ratings-rank-by")
    start = gr.Button("评分并排名", variant="primary", elem_id="eval-ratings-start")
    summary = gr.Markdown("", elem_id="eval-ratings-summary")
    table = gr.Dataframe(value=[], interactive=False, wrap=True, max_height=500, label="排名",
                         elem_id="eval-ratings-table")
    download = gr.File(label="下载 Excel", interactive=False, elem_id="eval-ratings-xlsx")

    @guarded(container, "ratings")
    def do_rate(user: Any, paths: list[str] | None, top: float | None, with_llm: bool, order: str,
                progress: gr.Progress = gr.Progress()) -> tuple[str, Any, str]:  # noqa: B008
        require_role(user, Role.EVALUATOR)
        if not paths:
            raise InputError("请先上传要评分的提案文件。", "no files")
        limit(container, "upload")
        for p in paths:
            check_upload(Path(p), max_upload_bytes(container), "提案文件")
        proposals = load_proposals([Path(p) for p in paths])
        rater = ProposalRater(container.tasks if with_llm else None)
        result = rater.rate(user, proposals, shortlist=int(top or 0), rank_by=order,  # type: ignore[arg-type]
                            use_llm=with_llm, progress=lambda n, total: progress((n, total), desc="正在评分"))
        out = write_workbook(result, _fresh_dir("baixing-ratings-") / "提案评分.xlsx")
        headers, rows = result.table()
        text = f"已评分 {len(result.items)} 份提案，前 {result.shortlist} 名入围（表中 ★）。"
        if result.agreement is not None:
            text += "\n\n" + result.agreement.text_zh().replace("\n", "  \n")
        return text, gr.update(value=rows, headers=headers), offer(container, out.name, out)

    start.click(do_rate, inputs=[session, files, shortlist, use_llm, rank_by], outputs=[summary, table, download])
