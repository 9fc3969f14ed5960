"""Staff sub-tabs 重复线索归并 (duplicate clusters, “1+N”) and 民意热度 (heat map and rising keywords)."""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.staff import StaffServices
from assistant.staff.models import ClusterReport, HeatMap, RisingReport
from assistant.storage.enums import Role
from ui.session import guarded, require_role

CLUSTER_HEADERS = ["组号", "角色", "类型", "编号", "标题", "日期", "与牵头相似度"]
RISING_HEADERS = ["关键词", "本期篇数", "上期篇数", "本期占比", "上期占比", "上升（百分点）", "倍数"]
RANGES = {"近 6 个月": 6, "近 12 个月": 12, "近 24 个月": 24, "全部": None}
SOURCES = {"全部（新线索 + 往期留言）": "all", "只看新线索": "ideas", "只看往期留言": "items"}
WINDOWS = {"1 个月": 1, "3 个月": 3, "6 个月": 6}
KIND_ZH = {"idea": "线索", "item": "往期留言"}


def cluster_rows(report: ClusterReport) -> list[list[str]]:
    """One table row per member, the lead of each cluster first."""
    rows = []
    for c in report.clusters:
        for m in [c.lead, *c.related]:
            rows.append([
                str(c.cluster_id), "牵头" if m.is_lead else "关联", KIND_ZH[m.kind], m.ref, m.title, m.date or "",
                "—" if m.is_lead else f"{m.similarity:.2f}",
            ])
    return rows


def cluster_summary(report: ClusterReport) -> str:
    """One line above the table."""
    if not report.total:
        return (f"在 {report.ideas} 条线索和 {report.items} 条往期留言中没有发现重复"
                f"（相似度阈值 {report.threshold:.2f}）。")
    shown = f"，下表列出前 {len(report.clusters)} 组" if len(report.clusters) < report.total else ""
    return (
        f"在 {report.ideas} 条线索和 {report.items} 条往期留言中发现 **{report.total}** 组重复{shown}"
        f"（字二元组 Jaccard 相似度 ≥ {report.threshold:.2f}）。每组以最早的线索为“牵头”，其余为“关联”，"
        "可按“1+N”联合办理。"
    )


def heat_figure(heat: HeatMap) -> Any:
    """A plotly heat map: months on the x axis, domains on the y axis."""
    import plotly.graph_objects as go

    fig = go.Figure(
        go.Heatmap(
            z=heat.counts, x=heat.periods, y=heat.domains, colorscale="YlOrRd", texttemplate="%{z}",
            hovertemplate="%{y}<br>%{x}：%{z} 条<extra></extra>", colorbar={"title": "条数"},
        )
    )
    fig.update_layout(
        title=f"民意热度：按月份（横轴）× 领域（纵轴），共 {heat.total} 条",
        height=max(320, 60 + 38 * len(heat.domains)), margin={"l": 120, "r": 20, "t": 60, "b": 60},
        font={"family": "WenQuanYi Zen Hei, Noto Sans CJK SC, Microsoft YaHei, sans-serif"},
        xaxis={"type": "category", "title": "月份"}, yaxis={"autorange": "reversed", "title": "领域"},
    )
    return fig


def rising_rows(report: RisingReport) -> list[list[Any]]:
    """Table rows of rising keywords."""
    return [
        [k.term, k.latest, k.previous, f"{k.latest_share:.1%}", f"{k.previous_share:.1%}", f"{k.rise:+.2f}",
         f"{k.ratio:.1f}"]
        for k in report.keywords
    ]


def build_clusters_tab(container: Any, services: StaffServices, session: gr.State) -> None:
    """Find and list duplicate clusters."""
    gr.Markdown("把内容高度相似的线索和往期留言归为一组：一条“牵头”，其余“关联”，便于“1+N”联合办理。")
    with gr.Row():
        with_items = gr.Checkbox(value=True, label="与往期留言一起查重", elem_id="staff-clusters-items")
        only_ideas = gr.Checkbox(value=False, label="只看含新线索的组", elem_id="staff-clusters-only-ideas")
        run = gr.Button("查找重复线索", variant="primary", elem_id="staff-clusters-run")
    summary = gr.Markdown("", elem_id="staff-clusters-summary")
    table = gr.Dataframe(headers=CLUSTER_HEADERS, value=[], interactive=False, wrap=True, max_height=520,
                         label="重复线索组", elem_id="staff-clusters-table")

    @guarded(container, "staff clusters")
    def do_clusters(user: Any, items: bool, ideas_only: bool, progress: gr.Progress = gr.Progress()) -> tuple[str, Any]:  # noqa: B008
        require_role(user, Role.STAFF)
        progress(0.1, desc="正在比较线索和往期留言……")
        report = services.clusters.clusters(user, with_items=bool(items), only_with_ideas=bool(ideas_only), limit=50)
        return cluster_summary(report), cluster_rows(report)

    run.click(do_clusters, inputs=[session, with_items, only_ideas], outputs=[summary, table])


def build_hot_tab(container: Any, services: StaffServices, session: gr.State) -> None:
    """Heat map and rising keywords with a window selector."""
    gr.Markdown("按照时间横轴和主题（领域）纵轴感知民意热度，数据来自已提交的线索和往期留言。"
                "“近 N 个月”从有数据的最近一个月往前算。首次统计需要逐条判断领域并分词，之后使用缓存。")
    with gr.Row():
        span = gr.Dropdown(list(RANGES), value="近 12 个月", label="热度图时间范围", elem_id="staff-hot-range")
        source = gr.Dropdown(list(SOURCES), value=next(iter(SOURCES)), label="数据来源", elem_id="staff-hot-source")
        window = gr.Dropdown(list(WINDOWS), value="3 个月", label="上升关键词：比较窗口", elem_id="staff-hot-window")
        support = gr.Number(value=5, precision=0, minimum=1, maximum=1000, label="最少出现篇数",
                            elem_id="staff-hot-support")
    run = gr.Button("生成民意热度", variant="primary", elem_id="staff-hot-run")
    note = gr.Markdown("", elem_id="staff-hot-note")
    plot = gr.Plot(label="民意热度图", elem_id="staff-hot-plot")
    rising = gr.Dataframe(headers=RISING_HEADERS, value=[], interactive=False, label="上升最快的关键词",
                          elem_id="staff-hot-rising")

    @guarded(container, "staff hot topics")
    def do_hot(user: Any, span_label: str, source_label: str, window_label: str, min_count: float | None,
               progress: gr.Progress = gr.Progress()) -> tuple[str, Any, Any]:  # noqa: B008
        require_role(user, Role.STAFF)
        progress(0.1, desc="正在统计……")
        src = SOURCES.get(source_label, "all")
        data = services.hot.analysed(user, src)  # type: ignore[arg-type]
        heat = services.hot.heat_map(user, RANGES.get(span_label, 12), data=data)
        report = services.hot.rising(user, WINDOWS.get(window_label, 3), min_count=max(1, int(min_count or 5)),
                                     data=data)
        if not heat.total:
            return "还没有可统计的线索或往期留言。", None, []
        counted = f"统计了 {heat.sources.get('ideas', 0)} 条线索、{heat.sources.get('items', 0)} 条往期留言。"
        compare = (f"上升关键词：{report.latest_window}（{report.latest_docs} 篇）对比 {report.previous_window}"
                   f"（{report.previous_docs} 篇），按占比上升的显著程度排序。")
        return "".join(x for x in (counted, compare, report.note or "") if x), heat_figure(heat), rising_rows(report)

    run.click(do_hot, inputs=[session, span, source, window, support], outputs=[note, plot, rising])
