"""Figures of a run (confusion matrix, calibration, abstention curve, latency histogram) and a self-contained HTML
report: plotly.js is inlined once, so the file opens offline."""

from __future__ import annotations

import html
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from evals.harness import Run, fmt, usage_zh
from evals.labels import metric_zh
from evals.suites import SUITES, SuiteSpec

FIGURE_TITLES = {
    "confusion": "混淆矩阵",
    "calibration": "校准曲线",
    "abstention": "弃权曲线（按把握度只回答最有把握的部分）",
    "latency": "耗时分布",
}
ALL = "全部"
BINS = 10
PALETTE = ("#636EFA", "#EF553B", "#00CC96", "#AB63FA", "#FFA15A", "#19D3F3", "#FF6692", "#B6E880")
FONT = "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif"


def _layout(fig: go.Figure, title: str, x: str, y: str) -> go.Figure:
    fig.update_layout(
        title=title, xaxis_title=x, yaxis_title=y, template="plotly_white", font={"family": FONT},
        margin={"l": 60, "r": 20, "t": 80, "b": 60}, legend={"orientation": "h", "y": -0.2},
    )
    return fig


def _groups(run: Run) -> dict[str, list[Any]]:
    groups: dict[str, list[Any]] = {}
    for case in run.cases:
        groups.setdefault(case.group or ALL, []).append(case)
    if len(groups) > 1:
        groups = {ALL: list(run.cases), **groups}
    return groups


def _colour(run: Run, group: str) -> str:
    """The same colour for a group in every figure of a run."""
    names = list(_groups(run))
    return PALETTE[names.index(group) % len(PALETTE)] if group in names else PALETTE[0]


def confusion_figure(run: Run, spec: SuiteSpec | None = None) -> go.Figure | None:
    """Gold (rows) × predicted (columns) counts, one view per group (buttons switch); None without labels."""
    spec = spec or SUITES.get(run.suite)
    if spec is None or spec.confusion is None:
        return None
    gold_key, pred_key = spec.confusion
    views: list[tuple[str, list[str], np.ndarray]] = []
    for group, cases in _groups(run).items():
        pairs = [(str(c.details[gold_key]), str(c.details[pred_key])) for c in cases
                 if isinstance(c.details.get(gold_key), str) and isinstance(c.details.get(pred_key), str)]
        if not pairs:
            continue
        gold_counts = Counter(g for g, _ in pairs)
        labels = sorted(gold_counts, key=lambda g: (-gold_counts[g], g))
        labels += sorted({p for _, p in pairs} - set(labels))
        index = {label: i for i, label in enumerate(labels)}
        z = np.zeros((len(labels), len(labels)), dtype=int)
        for g, p in pairs:
            z[index[g], index[p]] += 1
        views.append((group, labels, z))
    if not views:
        return None
    fig = go.Figure()
    for i, (group, labels, z) in enumerate(views):
        fig.add_trace(go.Heatmap(
            z=z, x=labels, y=labels, colorscale="Blues", texttemplate="%{z}", name=group, visible=i == 0,
            hovertemplate="标注 %{y}<br>判断 %{x}<br>%{z} 例<extra></extra>", showscale=False,
        ))
    if len(views) > 1:
        buttons = [
            {"label": group, "method": "update", "args": [{"visible": [j == i for j in range(len(views))]}]}
            for i, (group, _, _) in enumerate(views)
        ]
        fig.update_layout(updatemenus=[{"buttons": buttons, "direction": "right", "x": 0, "y": 1.01,
                                        "xanchor": "left", "yanchor": "bottom", "type": "buttons"}])
    fig.update_yaxes(autorange="reversed")
    _layout(fig, f"{FIGURE_TITLES['confusion']}（行：标注；列：判断）", "判断", "标注")
    fig.update_layout(height=max(460, 40 * len(views[0][1]) + 240), margin={"t": 120})
    return fig


def _confidence_pairs(cases: list[Any], key: str, metric: str) -> tuple[np.ndarray, np.ndarray]:
    rows = [(float(c.details[key]), float(c.metrics[metric])) for c in cases
            if isinstance(c.details.get(key), int | float) and metric in c.metrics]
    if not rows:
        return np.array([]), np.array([])
    arr = np.array(rows, dtype=float)
    return arr[:, 0], arr[:, 1]


def calibration_figure(run: Run, spec: SuiteSpec | None = None) -> go.Figure | None:
    """Mean confidence vs. share correct in ten confidence bins, per group; None without confidences."""
    spec = spec or SUITES.get(run.suite)
    if spec is None or spec.calibration is None:
        return None
    key, metric = spec.calibration
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="完全校准", line={"dash": "dash", "color": "#999"}))
    found = False
    for group, cases in _groups(run).items():
        conf, correct = _confidence_pairs(cases, key, metric)
        if conf.size == 0:
            continue
        found = True
        bins = np.clip((conf * BINS).astype(int), 0, BINS - 1)
        xs, ys, ns = [], [], []
        for b in range(BINS):
            mask = bins == b
            if mask.any():
                xs.append(float(conf[mask].mean()))
                ys.append(float(correct[mask].mean()))
                ns.append(int(mask.sum()))
        ece = sum(n * abs(x - y) for x, y, n in zip(xs, ys, ns, strict=True)) / conf.size
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines+markers", name=f"{group}（ECE {ece:.3f}）", line={"color": _colour(run, group)},
            marker={"size": [6 + 14 * np.sqrt(n / max(ns)) for n in ns]}, customdata=ns,
            hovertemplate="把握度 %{x:.2f}<br>正确率 %{y:.2f}<br>%{customdata} 例<extra></extra>",
        ))
    if not found:
        return None
    fig.update_xaxes(range=[0, 1])
    fig.update_yaxes(range=[0, 1.02])
    title = f"{FIGURE_TITLES['calibration']}（{metric_zh(key)}对{metric_zh(metric)}）"
    return _layout(fig, title, "把握度", "正确率")


def abstention_figure(run: Run, spec: SuiteSpec | None = None) -> go.Figure | None:
    """Accuracy of the most confident share of cases as that share (coverage) grows, per group."""
    spec = spec or SUITES.get(run.suite)
    if spec is None or spec.abstention is None:
        return None
    key, metric = spec.abstention
    fig = go.Figure()
    found = False
    for group, cases in _groups(run).items():
        conf, correct = _confidence_pairs(cases, key, metric)
        if conf.size == 0:
            continue
        found = True
        order = np.argsort(-conf, kind="stable")
        hits = np.cumsum(correct[order])
        k = np.arange(1, conf.size + 1)
        fig.add_trace(go.Scatter(
            x=k / conf.size, y=hits / k, mode="lines", name=group, customdata=conf[order],
            line={"color": _colour(run, group)},
            hovertemplate="回答比例 %{x:.0%}<br>正确率 %{y:.3f}<br>把握度阈值 %{customdata:.2f}<extra></extra>",
        ))
    if not found:
        return None
    fig.update_xaxes(range=[0, 1], tickformat=".0%")
    title = f"{FIGURE_TITLES['abstention']}（{metric_zh(key)}对{metric_zh(metric)}）"
    return _layout(fig, title, "回答比例（其余弃权）", "正确率")


def latency_figure(run: Run) -> go.Figure:
    """Histogram of per-case latency, one overlaid series per group."""
    fig = go.Figure()
    groups = _groups(run)
    groups.pop(ALL, None) if len(groups) > 1 else None
    for group, cases in groups.items():
        fig.add_trace(go.Histogram(x=[c.latency_ms for c in cases], name=group, opacity=0.6, nbinsx=40,
                                   marker={"color": _colour(run, group)},
                                   hovertemplate="%{x} 毫秒<br>%{y} 例<extra></extra>"))
    fig.update_layout(barmode="overlay")
    return _layout(fig, FIGURE_TITLES["latency"], "耗时（毫秒）", "用例数")


def report_figures(run: Run) -> dict[str, go.Figure]:
    """Every figure that fits the run's suite, by key (confusion, calibration, abstention, latency)."""
    figures = {
        "confusion": confusion_figure(run),
        "calibration": calibration_figure(run),
        "abstention": abstention_figure(run),
        "latency": latency_figure(run),
    }
    return {k: v for k, v in figures.items() if v is not None}


# --- HTML ------------------------------------------------------------------------------------------
_CSS = """
body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:2em auto;max-width:1100px;
color:#222;padding:0 1em}table{border-collapse:collapse;margin:1em 0;font-size:14px}th,td{border:1px solid #ccc;
padding:4px 8px;text-align:left;vertical-align:top}th{background:#f3f3f3}td.num{text-align:right;
font-variant-numeric:tabular-nums}h2{margin-top:2em;border-bottom:1px solid #ddd}.muted{color:#666;font-size:13px}
"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _info_rows(run: Run) -> list[tuple[str, str]]:
    cfg = run.config
    prompts = cfg.get("prompts") or {}
    datasets = cfg.get("datasets") or []
    git = cfg.get("git") or {}
    rows = [
        ("评测套件", f"{run.suite}（{SUITES[run.suite].title}）" if run.suite in SUITES else run.suite),
        ("运行编号", run.run_id),
        ("时间（UTC）", run.created_at),
        ("模型后端", str(cfg.get("backend", "offline")) + (f"，模型 {cfg['model']}" if cfg.get("model") else "")),
        ("提示词版本", "；".join(f"{t} {v.get('version')}" for t, v in prompts.items()) or "–"),
        ("数据集", "；".join(f"{d['path']}（sha256 {d['sha256'][:12]}…）" for d in datasets
                             if isinstance(d, dict) and "sha256" in d) or "–"),
        ("代码版本", f"{cfg.get('code_version', '–')}，提交 {str(git.get('commit') or '–')[:12]}"
                      + ("（有未提交的修改）" if git.get("dirty") else "")),
    ]
    if run.usage:
        rows.append(("用量", usage_zh(run.usage)))
    return rows


def _aggregates_table(run: Run) -> str:
    metrics = run.metric_names()
    head = "".join(f"<th>{_e(m)}</th>" for m in metrics)
    body = "".join(
        f"<tr><td>{_e(g)}</td>" + "".join(f'<td class="num">{_e(fmt(v.get(m)))}</td>' for m in metrics) + "</tr>"
        for g, v in run.aggregates.items()
    )
    return f"<table><tr><th>分组</th>{head}</tr>{body}</table>"


def _failures_table(run: Run, limit: int = 100) -> str:
    spec = SUITES.get(run.suite)
    failed = [c for c in run.cases if spec is not None and spec.passed(c) is False]
    if not failed:
        return "<p>没有未通过的用例。</p>"
    rows = "".join(f"<tr><td>{_e(c.group)}</td><td>{_e(c.case_id)}</td><td>{_e(c.reason)}</td></tr>"
                   for c in failed[:limit])
    more = f'<p class="muted">……另有 {len(failed) - limit} 个未列出。</p>' if len(failed) > limit else ""
    primary = spec.primary if spec else ""
    return (f"<p>按 {_e(primary)} 判定未通过的用例共 {len(failed)} 个：</p>"
            f"<table><tr><th>分组</th><th>用例</th><th>原因</th></tr>{rows}</table>{more}")


def render_html(run: Run) -> str:
    """The report as one HTML document (plotly.js inlined, no external resources)."""
    info = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in _info_rows(run))
    figures = []
    for key, fig in report_figures(run).items():
        div = fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"fig-{key}",
                          config={"displaylogo": False, "responsive": True})
        figures.append(f'<h2>{_e(FIGURE_TITLES[key])}</h2>\n{div}')
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>评测报告 {_e(run.run_id)}</title>
<style>{_CSS}</style>
<script type="text/javascript" id="plotly-js">{get_plotlyjs()}</script>
</head><body>
<h1>评测报告：{_e(run.run_id)}</h1>
<table>{info}</table>
<h2>汇总指标</h2>
{_aggregates_table(run)}
<p class="muted">每个用例的指标取值为 0/1 时，均值即比率；latency 为毫秒。</p>
{chr(10).join(figures)}
<h2>未通过的用例</h2>
{_failures_table(run)}
</body></html>
"""


def write_report(run: Run, out: Path) -> Path:
    """Write the HTML report to ``out`` (folders created); return the path."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_html(run), encoding="utf-8")
    return out
