"""The best trials as a table (the CLI prints it, the HTML report shows it): in and out of sample side
by side, so that a configuration that only shines in sample stands out."""

from __future__ import annotations

from typing import Any

from octobot.optimizer.study import COMPLETE, StudyResult


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.4g}"


def _setting(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def best_trials_table(result: StudyResult, top: int = 10) -> tuple[list[str], list[list[str]]]:
    """(headers, rows) of the ``top`` best complete trials (the Pareto front first with several
    objectives), each objective in sample then out of sample, then trades and the settings."""
    front = set(result.pareto_front)
    ranked = result.ranked()
    if len(result.objectives) > 1:
        ranked = [t for t in ranked if t["number"] in front] + [t for t in ranked if t["number"] not in front]
    tested = any(trial["test_objectives"] for trial in ranked)
    headers = ["trial"]
    for objective in result.objectives:
        headers.append(f"{objective.name} (in)")
        if tested:
            headers.append(f"{objective.name} (out)")
    headers += ["trades", "settings"]
    rows = []
    for trial in ranked[:top]:
        marker = "*" if len(result.objectives) > 1 and trial["number"] in front else ""
        row = [f"{trial['number']}{marker}"]
        for objective in result.objectives:
            row.append(_number(trial["objectives"][objective.name]))
            if tested:
                out = (trial["test_objectives"] or {}).get(objective.name)
                row.append(_number(out))
        train = trial["figures"]["train"]
        row.append(str(int(train["trades"] or 0)))
        row.append(" ".join(f"{name}={_setting(value)}" for name, value in trial["settings"].items()))
        rows.append(row)
    return headers, rows


def state_counts(result: StudyResult) -> dict[str, int]:
    counts: dict[str, int] = {}
    for trial in result.trials:
        counts[trial["state"]] = counts.get(trial["state"], 0) + 1
    return dict(sorted(counts.items(), key=lambda item: (item[0] != COMPLETE, item[0])))
