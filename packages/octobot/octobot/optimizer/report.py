"""The study as one self-contained HTML file: objective over trials, parameter importance, parallel
coordinates, the best trials table and the best run's backtest report.

Why plotly.js inline (once) and charts as JSON in script elements, as the backtest report does: the file
opens offline and programs can read the figures back (``id="study-data"``). Parameter importance is the
absolute Spearman rank correlation of each parameter with the first objective over the complete trials,
scaled to sum to 1: simple, deterministic, and it needs no model fitted on a few dozen trials.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

import octobot_backtesting as ob
from octobot.optimizer.space import Parameter
from octobot.optimizer.study import COMPLETE, StudyResult
from octobot.optimizer.summary import best_trials_table, state_counts

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.85rem; }
td, th { border: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: right; vertical-align: top; }
th { background: #f4f4f4; } td:last-child { text-align: left; }
"""


def _encoded(parameter: Parameter, value: Any) -> float:
    """A setting as a number for charts and correlations (a choice: its index)."""
    if parameter.kind == "choice":
        return float(list(parameter.choices).index(value)) if value in parameter.choices else float("nan")
    return float(value)


def _ranks(values: np.ndarray) -> np.ndarray:
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    ranks = np.empty(len(values))
    start = 0
    while start < len(values):
        end = start
        while end + 1 < len(values) and ordered[end + 1] == ordered[start]:
            end += 1
        ranks[order[start : end + 1]] = (start + end) / 2
        start = end + 1
    return ranks


def parameter_importance(result: StudyResult) -> dict[str, float]:
    """|Spearman correlation| of each parameter with the first objective, scaled to sum to 1 (all 0 when
    nothing correlates or fewer than 3 complete trials)."""
    first = result.objectives[0].name
    complete = [trial for trial in result.trials if trial["state"] == COMPLETE]
    importance = dict.fromkeys(result.space.names, 0.0)
    if len(complete) < 3:
        return importance
    target = _ranks(np.array([trial["objectives"][first] for trial in complete], dtype=float))
    for parameter in result.space.parameters:
        values = np.array([_encoded(parameter, trial["settings"][parameter.name]) for trial in complete])
        ranks = _ranks(values)
        if ranks.std() == 0 or target.std() == 0:
            continue
        importance[parameter.name] = abs(float(np.corrcoef(ranks, target)[0, 1]))
    total = sum(importance.values())
    return {name: value / total for name, value in importance.items()} if total else importance


def _objective_figure(result: StudyResult) -> go.Figure:
    objective = result.objectives[0]
    complete = [trial for trial in result.trials if trial["state"] == COMPLETE]
    numbers = [trial["number"] for trial in complete]
    values = [trial["objectives"][objective.name] for trial in complete]
    figure = go.Figure()
    figure.add_trace(go.Scatter(x=numbers, y=values, mode="markers", name=f"{objective.name} (in sample)"))
    tested = [(t["number"], t["test_objectives"][objective.name]) for t in complete if t["test_objectives"]]
    if tested:
        figure.add_trace(
            go.Scatter(
                x=[n for n, _ in tested],
                y=[v for _, v in tested],
                mode="markers",
                name=f"{objective.name} (out of sample)",
                marker={"symbol": "x"},
            )
        )
    best: list[float] = []
    for value in values:
        best.append(value if not best or objective.better(value, best[-1]) else best[-1])
    figure.add_trace(go.Scatter(x=numbers, y=best, mode="lines", name="best so far", line={"shape": "hv"}))
    figure.update_layout(title=f"{objective.name} over trials", xaxis_title="trial", height=420)
    return figure


def _importance_figure(importance: dict[str, float]) -> go.Figure:
    ordered = sorted(importance.items(), key=lambda item: item[1])
    figure = go.Figure(go.Bar(x=[v for _, v in ordered], y=[n for n, _ in ordered], orientation="h"))
    figure.update_layout(
        title="parameter importance (|Spearman correlation| with the objective, scaled)",
        height=max(300, 24 * len(ordered) + 120),
        margin={"l": 320},
    )
    return figure


def _parallel_figure(result: StudyResult) -> go.Figure:
    objective = result.objectives[0].name
    complete = [trial for trial in result.trials if trial["state"] == COMPLETE]
    scores = [trial["objectives"][objective] for trial in complete]
    dimensions = []
    for parameter in result.space.parameters:
        dimension: dict[str, Any] = {
            "label": parameter.name.split(".", 1)[1][:24],
            "values": [_encoded(parameter, trial["settings"][parameter.name]) for trial in complete],
        }
        if parameter.kind == "choice":
            dimension["tickvals"] = list(range(len(parameter.choices)))
            dimension["ticktext"] = [json.dumps(choice) for choice in parameter.choices]
        dimensions.append(dimension)
    dimensions.append({"label": objective, "values": scores})
    figure = go.Figure(go.Parcoords(line={"color": scores, "colorscale": "Viridis"}, dimensions=dimensions))
    figure.update_layout(title="parallel coordinates of the complete trials", height=480)
    return figure


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{html.escape(str(cell))}</th>" for cell in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _script_json(payload: str) -> str:
    return payload.replace("</", "<\\/")


def render_study_html(result: StudyResult, best_report: ob.RunReport | None, title: str = "") -> str:
    """The report page; ``best_report``: the best trial's backtest over the study's whole period."""
    title = title or f"Optimization study {result.name}"
    charts = {"objective": _objective_figure(result)}
    complete = [trial for trial in result.trials if trial["state"] == COMPLETE]
    importance = parameter_importance(result)
    if complete:
        charts["importance"] = _importance_figure(importance)
        charts["parallel"] = _parallel_figure(result)
    best_section = "<p>No complete trial: no best run to report.</p>"
    if best_report is not None:
        charts["best-run"] = ob.build_figure(best_report)
        figures = best_report.to_dict()
        profit = figures["profitability"]
        figure_rows: list[tuple[str, Any]] = [
            ("period", f"{figures['start']} → {figures['end']}"),
            ("profitability %", profit["profitability_pct"]),
            ("market average %", profit["market_average_pct"]),
            ("max drawdown %", figures["max_drawdown"]["pct"]),
            ("Sharpe", figures["ratios"]["sharpe"]),
            ("Sortino", figures["ratios"]["sortino"]),
            ("trades", figures["trade_count"]),
        ]
        best_section = _table(("figure", "value"), figure_rows)
    headers, rows = best_trials_table(result, top=20)
    counts = ", ".join(f"{count} {state}" for state, count in state_counts(result).items())
    objectives = ", ".join(f"{o.name} ({o.direction})" for o in result.objectives)
    divs = "".join(f'<div id="chart-{name}"></div>' for name in charts if name != "best-run")
    payload = {name: json.loads(figure.to_json()) for name, figure in charts.items()}
    data = json.dumps({**result.to_dict(), "importance": importance}, default=str)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title><style>{_STYLE}</style>
<script type="text/javascript">{get_plotlyjs()}</script></head>
<body>
<h1>{html.escape(title)}</h1>
<p>Profile {html.escape(result.profile.name)}; objectives {html.escape(objectives)}; {
        len(result.trials)
    } trials
({html.escape(counts)}); {len(result.folds)} fold(s){
        ", out-of-sample windows after each" if any(f.test for f in result.folds) else ""
    }.</p>
<h2>Best trials</h2>{_table(headers, rows)}
<h2>Charts</h2>{divs}
<h2>The best run's backtest (whole period)</h2>{best_section}<div id="chart-best-run"></div>
<script type="application/json" id="study-charts">{_script_json(json.dumps(payload))}</script>
<script type="application/json" id="study-data">{_script_json(data)}</script>
<script type="text/javascript">
var charts = JSON.parse(document.getElementById("study-charts").textContent);
for (var name in charts) {{
  Plotly.newPlot("chart-" + name, charts[name].data, charts[name].layout, {{responsive: true}});
}}
</script>
</body></html>
"""


def write_study_html(result: StudyResult, best_report: ob.RunReport | None, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_study_html(result, best_report), encoding="utf-8")
    return path
