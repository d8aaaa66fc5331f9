"""`octobot optimize` and `run_study` on real data: the space and its checks, samplers, objectives,
folds, the study store (resume, no configuration run twice), the local pool, the report and --save-best."""

from __future__ import annotations

import itertools
import json
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import octobot
from octobot.errors import ExitCode

from .helpers import install_distribution, run_cli
from .optimizer_helpers import END_MS, SMALL_SPACE, START_MS, WINDOW, comparable, write_space


def _options(data: Path, tmp_path: Path, **changes) -> octobot.StudyOptions:
    values = {
        "data": [data],
        "trials": 6,
        "workers": 1,
        "start_ms": START_MS,
        "end_ms": END_MS,
        "store": tmp_path / "studies.sqlite",
    }
    values.update(changes)
    return octobot.StudyOptions(**values)


# --- the space and bad input ------------------------------------------------------------------


def test_the_default_space_covers_the_active_tentacles_within_their_schemas(home, builtin_tentacles):
    registry = octobot.TentacleRegistry.discover(home.tentacles)
    profile = octobot.load_profile("default", registry, home)
    space = octobot.default_space(profile)
    by_name = {parameter.name: parameter for parameter in space.parameters}
    period = by_name["RSIMomentumEvaluator.period"]
    assert (period.kind, period.low, period.high) == ("int", 7, 28)  # half to twice the default 14
    assert by_name["DailyTradingMode.cancel_open_orders"].kind == "bool"
    assert by_name["SimpleStrategyEvaluator.include_real_time"].kind == "bool"
    overbought = by_name["RSIMomentumEvaluator.overbought"]  # 70: twice is 140, the schema stops below 100
    assert overbought.kind == "float" and 50 < overbought.low < 70 < overbought.high < 100
    assert "DailyTradingMode.stop_loss_percent" not in by_name  # null: nothing to vary around
    assert "DoubleMovingAverageTrendEvaluator.ma_type" not in by_name  # not numeric
    # every end of every range is accepted by the tentacle's schema (parse_space checks exactly that)
    assert octobot.parse_space(space.describe(), profile, registry).names == space.names


@pytest.mark.parametrize(
    ("space", "code", "message"),
    [
        (
            {"RSIMomentumEvaluator": {"perod": {"low": 5, "high": 20}}},
            ExitCode.INVALID_CONFIG,
            "RSIMomentumEvaluator.perod: unknown setting of RSIMomentumEvaluator; did you mean 'period'?",
        ),
        (
            {"RSIMomentumEvaluator": {"period": {"low": 5, "high": 600}}},
            ExitCode.INVALID_CONFIG,
            "RSIMomentumEvaluator.period = 600",
        ),
        (
            {"BollingerBandsEvaluator": {"period": {"low": 5, "high": 20}}},
            ExitCode.UNKNOWN_TENTACLE,
            "'BollingerBandsEvaluator' is not an active tentacle of profile 'default'",
        ),
        (
            {"DailyTradingMode": {"buy_threshold": {"low": 0.5, "high": 0.2}}},
            ExitCode.INVALID_CONFIG,
            "DailyTradingMode.buy_threshold: low (0.5) must be below high (0.2)",
        ),
        (
            {"profile": {"time_frames": {"choices": [["1h"], ["2hours"]]}}},
            ExitCode.BAD_TIME_FRAME,
            "profile.time_frames: unknown time frame '2hours'",
        ),
    ],
)
def test_a_bad_space_is_one_error_line_before_any_run(
    home, builtin_tentacles, btc_data_file, tmp_path, space, code, message
):
    path = write_space(tmp_path, space)
    store = tmp_path / "studies.sqlite"
    result = run_cli(
        "optimize", "--data", "btc", "--space", str(path), "--store", str(store), "--trials", "2"
    )
    assert result[0] == code, result
    lines = result[2].strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("octobot: error: ") and message in lines[0]
    assert str(path) in lines[0]
    assert not store.exists()  # nothing ran, nothing was stored


def test_missing_files_are_one_error_line(home, builtin_tentacles, btc_data_file, tmp_path):
    code, _, err = run_cli("optimize", "--data", "no-such-file", "--trials", "2")
    assert code == ExitCode.NOT_FOUND and err.startswith("octobot: error: data file 'no-such-file' not found")
    code, _, err = run_cli("optimize", "--data", "btc", "--space", str(tmp_path / "none.json"))
    assert code == ExitCode.NOT_FOUND and err.strip().endswith("none.json: file not found")
    code, _, err = run_cli("optimize", "--data", "btc", "--objective", "profitabilty")
    assert code == ExitCode.USAGE and "did you mean 'profitability'?" in err


# --- the CLI, --json, samplers and seeds ------------------------------------------------------


def test_optimize_writes_the_trials_and_the_best_as_json(home, builtin_tentacles, btc_data_file, tmp_path):
    out = tmp_path / "study.json"
    code, text, err = run_cli(
        "optimize", "--data", "btc", *WINDOW, "--trials", "8", "--workers", "1", "--json", str(out)
    )
    assert code == 0, err
    study = json.loads(out.read_text())
    assert len(study["trials"]) == 8
    for trial in study["trials"]:
        assert set(trial["settings"]) == set(study["trials"][0]["settings"])
        assert trial["state"] in ("complete", "invalid", "filtered")
    complete = [t for t in study["trials"] if t["state"] == "complete"]
    assert complete, "the default space must give complete trials on this window"
    best = study["best"]
    assert best["objectives"]["profitability"] == max(t["objectives"]["profitability"] for t in complete)
    assert best["settings"] == next(t for t in complete if t["number"] == best["number"])["settings"]
    # in sample and out of sample side by side (default test share 0.25), in the table too
    assert best["test_objectives"] is not None and best["figures"]["test"]["days"] > 0
    assert "profitability (in)  profitability (out)" in text
    assert f"study {study['study']}" in text


def test_a_study_in_process_leaves_the_backtest_warnings_on(home, builtin_tentacles, btc_data_file):
    """Trials mute the backtest's repeated warnings; the caller's process keeps them after the study."""
    names = ("octobot.backtest", "octobot_backtesting")
    before = {name: logging.getLogger(name).level for name in names}
    code, _, err = run_cli("optimize", "--data", "btc", *WINDOW, "--trials", "2", "--workers", "1")
    assert code == 0, err
    assert {name: logging.getLogger(name).level for name in names} == before
    assert all(logging.getLogger(name).isEnabledFor(logging.WARNING) for name in names)


def test_same_seed_same_trials_other_seed_other_trials(home, builtin_tentacles, btc_data_file, tmp_path):
    runs = {}
    for label, seed in (("a", 7), ("b", 7), ("c", 8)):
        options = _options(
            btc_data_file, tmp_path, seed=seed, store=tmp_path / f"{label}.sqlite", sampler="random"
        )
        runs[label] = octobot.run_study(options, home=home)
    assert comparable(runs["a"].trials) == comparable(runs["b"].trials)
    assert [t["settings"] for t in runs["a"].trials] != [t["settings"] for t in runs["c"].trials]


def test_the_local_pool_gives_the_serial_results(home, builtin_tentacles, btc_data_file, tmp_path):
    # 14 trials, 2 pending: TPE's 10 random start-up trials, then 4 it chooses from the results told so far
    # (results arriving in another order on the pool must not change what it is told when)
    common = {"trials": 14, "pending": 2, "sampler": "tpe"}
    serial = octobot.run_study(
        _options(btc_data_file, tmp_path, store=tmp_path / "s.sqlite", **common), home=home
    )
    pooled = octobot.run_study(
        _options(btc_data_file, tmp_path, workers=2, store=tmp_path / "p.sqlite", **common), home=home
    )
    assert comparable(serial.trials) == comparable(pooled.trials)
    assert serial.name == pooled.name  # the executor is not part of what a study is


def test_the_grid_walks_every_combination_once(home, builtin_tentacles, btc_data_file, tmp_path):
    space = write_space(tmp_path, SMALL_SPACE)
    result = octobot.run_study(
        _options(btc_data_file, tmp_path, space=space, sampler="grid", trials=50, test_share=0), home=home
    )
    settings = [json.dumps(t["settings"], sort_keys=True) for t in result.trials]
    assert len(settings) == len(set(settings)) == 3 * 2 * 2 * 2  # then the grid is exhausted
    assert {t["settings"]["RSIMomentumEvaluator.period"] for t in result.trials} == {7, 14, 21}
    assert all(t["test_objectives"] is None for t in result.trials)  # test share 0: all in sample


def test_identical_configurations_are_not_run_twice(home, builtin_tentacles, btc_data_file, tmp_path):
    space = write_space(tmp_path, {"DailyTradingMode": {"cancel_open_orders": {"type": "boolean"}}})
    result = octobot.run_study(
        _options(btc_data_file, tmp_path, space=space, sampler="random", trials=8), home=home
    )
    assert len(result.trials) == 8 and result.executed == 2  # two configurations exist
    values = {t["settings"]["DailyTradingMode.cancel_open_orders"]: t["objectives"] for t in result.trials}
    assert all(
        t["objectives"] == values[t["settings"]["DailyTradingMode.cancel_open_orders"]] for t in result.trials
    )
    again = octobot.run_study(
        _options(btc_data_file, tmp_path, space=space, sampler="random", trials=8), home=home
    )
    assert again.executed == 0 and again.resumed == 8
    assert comparable(again.trials) == comparable(result.trials)


# --- objectives and folds ---------------------------------------------------------------------


def test_several_objectives_give_a_pareto_front(home, builtin_tentacles, btc_data_file, tmp_path):
    result = octobot.run_study(
        _options(
            btc_data_file, tmp_path, objectives=["profitability", "drawdown"], sampler="nsga2", trials=10
        ),
        home=home,
    )
    complete = {t["number"]: t for t in result.trials if t["state"] == "complete"}
    front = set(result.pareto_front)
    assert front and front <= set(complete)

    def dominates(a, b):
        pa, da = a["objectives"]["profitability"], a["objectives"]["drawdown"]
        pb, db = b["objectives"]["profitability"], b["objectives"]["drawdown"]
        return pa >= pb and da <= db and (pa > pb or da < db)

    for number, trial in complete.items():
        dominated = any(dominates(other, trial) for other in complete.values())
        assert dominated == (number not in front)


def test_the_minimum_trades_filter(home, builtin_tentacles, btc_data_file, tmp_path):
    code, text, err = run_cli(
        "optimize",
        "--data",
        "btc",
        *WINDOW,
        "--trials",
        "3",
        "--workers",
        "1",
        "--min-trades",
        "100000",
        "--save-best",
        "never",
        "--store",
        str(tmp_path / "s.sqlite"),
    )
    assert code == ExitCode.USAGE and "--save-best: no complete trial to save" in err
    assert "no complete trial" in text
    assert not (home.profiles / "never").exists()


def test_a_user_objective_from_an_entry_point(home, builtin_tentacles, btc_data_file, tmp_path, monkeypatch):
    site = tmp_path / "objectives-site"
    site.mkdir()
    (site / "my_objectives.py").write_text(
        "def steady(figures):\n"
        "    return figures['profitability_pct'] - 2 * figures['max_drawdown_pct']\n"
        "def few_trades(figures):\n"
        "    return figures['trades']\n"
        "few_trades.DIRECTION = 'minimize'\n"
    )
    install_distribution(site, "my-objectives", {})
    info = next(site.glob("*.dist-info"))
    (info / "entry_points.txt").write_text(
        "[octobot.objectives]\nsteady = my_objectives:steady\nfew_trades = my_objectives:few_trades\n"
    )
    monkeypatch.syspath_prepend(str(site))
    result = octobot.run_study(
        _options(btc_data_file, tmp_path, objectives=["steady", "few_trades"], trials=5, test_share=0),
        home=home,
    )
    assert [(o.name, o.direction) for o in result.objectives] == [
        ("steady", "maximize"),
        ("few_trades", "minimize"),
    ]
    for trial in result.trials:
        if trial["state"] == "complete":
            train = trial["figures"]["train"]
            assert trial["objectives"]["steady"] == pytest.approx(
                train["profitability_pct"] - 2 * train["max_drawdown_pct"]
            )
            assert trial["objectives"]["few_trades"] == train["trades"]


def test_walk_forward_folds_put_in_and_out_of_sample_side_by_side(
    home, builtin_tentacles, btc_data_file, tmp_path
):
    result = octobot.run_study(
        _options(btc_data_file, tmp_path, folds=2, test_share=0.3, trials=3), home=home
    )
    windows = [w for fold in result.folds for w in (fold.train, fold.test)]
    assert len(result.folds) == 2 and all(w is not None for w in windows)
    starts = [w.start_ms for w in windows]
    assert starts == sorted(starts) and all(a.end_ms < b.start_ms for a, b in itertools.pairwise(windows))
    assert windows[0].start_ms == START_MS and windows[-1].end_ms <= END_MS
    for trial in result.trials:
        if trial["state"] == "complete":
            assert len(trial["figures"]["folds"]) == 2
            train = [fold["train"]["profitability_pct"] for fold in trial["figures"]["folds"]]
            test = [fold["test"]["profitability_pct"] for fold in trial["figures"]["folds"]]
            assert trial["objectives"]["profitability"] == pytest.approx(sum(train) / 2)
            assert trial["test_objectives"]["profitability"] == pytest.approx(sum(test) / 2)


# --- resume -----------------------------------------------------------------------------------


def _finished(store: Path) -> int:
    if not store.exists():
        return 0
    try:
        with sqlite3.connect(store, timeout=5) as db:
            return db.execute("SELECT COUNT(*) FROM trials WHERE state != 'pending'").fetchone()[0]
    except sqlite3.OperationalError:  # the tables are not created yet
        return 0


#: an objective that holds its process for good once 3 trials are complete (2 calls a trial: in and out of
#: sample) when OCTOBOT_TEST_HOLD names a counter file: the study is then killed while held, never raced
HOLDING_OBJECTIVE = """
import os
import time


def held(figures):
    counter = os.environ.get("OCTOBOT_TEST_HOLD")
    if counter:
        calls = (int(open(counter).read()) if os.path.exists(counter) else 0) + 1
        with open(counter, "w") as file:
            file.write(str(calls))
        while calls > 6:
            time.sleep(1)
    return figures["profitability_pct"]
"""


@pytest.fixture
def holding_objective(tmp_path, monkeypatch) -> Path:
    site = tmp_path / "holding-site"
    site.mkdir()
    (site / "holding_objective.py").write_text(HOLDING_OBJECTIVE)
    install_distribution(site, "holding-objective", {})
    info = next(site.glob("*.dist-info"))
    (info / "entry_points.txt").write_text("[octobot.objectives]\nheld = holding_objective:held\n")
    monkeypatch.syspath_prepend(str(site))
    return site


def test_a_study_killed_with_sigkill_resumes_where_it_stopped(
    home, builtin_tentacles, btc_data_file, tmp_path, holding_objective
):
    store, trials = tmp_path / "killed.sqlite", 12
    command = [
        sys.executable, "-m", "octobot", "optimize", "--data", "btc", *WINDOW, "--trials", str(trials),
        "--workers", "1", "--sampler", "random", "--objective", "held", "--store", str(store),
        "--json", str(tmp_path / "out.json"),
    ]  # fmt: skip
    env = {
        **os.environ,
        octobot.HOME_ENV: str(home.root),
        "PYTHONPATH": os.pathsep.join(sys.path),
        "OCTOBOT_TEST_HOLD": str(tmp_path / "objective-calls"),
    }
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # the study holds once 3 trials are complete: however slow the machine, it is killed midway
    while _finished(store) < 3 and process.poll() is None:
        time.sleep(0.05)
    process.kill()  # kill -9: no handler runs, the store is left as the last commit left it
    _, err = process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL, err.decode()
    stopped_at = _finished(store)
    assert 3 <= stopped_at < trials, "the study must be killed midway"
    assert not (tmp_path / "out.json").exists()
    _resumes_as_if_never_stopped(
        home, btc_data_file, tmp_path, store, trials, stopped_at, objectives=["held"]
    )


def test_a_study_stopped_with_ctrl_c_resumes_where_it_stopped(
    home, builtin_tentacles, btc_data_file, tmp_path
):
    store, trials = tmp_path / "interrupted.sqlite", 12

    def interrupt_after_four(progress: octobot.StudyProgress) -> None:
        if progress.done == 4:
            raise KeyboardInterrupt  # what Ctrl-C raises in the driver

    options = _options(btc_data_file, tmp_path, trials=trials, sampler="random", store=store, workers=2)
    # first asked to stop (the web interface's way) after two trials, then interrupted after four
    stopped = octobot.run_study(options, home=home, stop=lambda: _finished(store) >= 2)
    assert stopped.stopped and len(stopped.trials) == 2
    with pytest.raises(KeyboardInterrupt):
        octobot.run_study(options, home=home, progress=interrupt_after_four)
    assert _finished(store) == 4
    _resumes_as_if_never_stopped(home, btc_data_file, tmp_path, store, trials, 4)


def _resumes_as_if_never_stopped(home, data, tmp_path, store, trials, stopped_at, **changes):
    resumed = octobot.run_study(
        _options(data, tmp_path, trials=trials, sampler="random", store=store, **changes), home=home
    )
    assert resumed.resumed == stopped_at and len(resumed.trials) == trials
    assert resumed.executed <= trials - stopped_at  # the finished ones are not run again
    whole = octobot.run_study(
        _options(data, tmp_path, trials=trials, sampler="random", store=tmp_path / "whole.sqlite", **changes),
        home=home,
    )
    assert comparable(resumed.trials) == comparable(whole.trials)


def test_a_study_name_reused_with_other_options_is_refused(home, builtin_tentacles, btc_data_file, tmp_path):
    octobot.run_study(_options(btc_data_file, tmp_path, trials=1, study="mine"), home=home)
    with pytest.raises(octobot.UsageError, match=r"--study mine: .* other options \(different: seed\)"):
        octobot.run_study(_options(btc_data_file, tmp_path, trials=1, study="mine", seed=5), home=home)


# --- report and --save-best -------------------------------------------------------------------


def test_the_html_report_and_save_best(home, builtin_tentacles, btc_data_file, tmp_path):
    html, out = tmp_path / "study.html", tmp_path / "study.json"
    space = write_space(
        tmp_path,
        {**SMALL_SPACE, "profile": {"risk": {"low": 0.2, "high": 0.8, "step": 0.3}}},
    )
    code, text, err = run_cli(
        "optimize", "--data", "btc", *WINDOW, "--space", str(space), "--trials", "6", "--workers", "1",
        "--html", str(html), "--json", str(out), "--save-best", "tuned",
        "--store", str(tmp_path / "s.sqlite"),
    )  # fmt: skip
    assert code == 0, err
    best = json.loads(out.read_text())["best"]
    page = html.read_text()
    assert page.lstrip().lower().startswith("<!doctype html") and "<script src" not in page
    assert "Plotly.newPlot" in page and 'id="chart-best-run"' in page
    data = json.loads(page.split('id="study-data">', 1)[1].split("</script>", 1)[0].replace("<\\/", "</"))
    assert data["best"]["number"] == best["number"] and len(data["trials"]) == 6
    assert set(data["importance"]) == set(best["settings"])
    charts = json.loads(page.split('id="study-charts">', 1)[1].split("</script>", 1)[0].replace("<\\/", "</"))
    assert {"objective", "importance", "parallel", "best-run"} <= set(charts)
    # the saved profile holds the best settings and loads like any profile
    assert "saved as profile tuned" in text
    registry = octobot.TentacleRegistry.discover(home.tentacles)
    saved = octobot.load_profile("tuned", registry, home)
    settings = best["settings"]
    assert saved.tentacle_configs["RSIMomentumEvaluator"]["period"] == settings["RSIMomentumEvaluator.period"]
    assert (
        saved.tentacle_configs["DailyTradingMode"]["cancel_open_orders"]
        == settings["DailyTradingMode.cancel_open_orders"]
    )
    assert float(saved.risk) == pytest.approx(settings["profile.risk"])
    assert saved.tentacle_configs["RSIMomentumEvaluator"]["overbought"] == 70.0  # not in the space: kept
