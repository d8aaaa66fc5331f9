"""The optimizer's local pool: never a fork of the driver process, which runs threads (Python 3.12 warns
that such a fork may deadlock the child), the serial results, one pool kept across studies, and a worker
lost mid-trial."""

from __future__ import annotations

import os

import octobot

from .optimizer_helpers import END_MS, START_MS, comparable, crash_once_profile


def test_the_local_pool_never_forks_the_driver(home, builtin_tentacles, btc_data_file, tmp_path, monkeypatch):
    def options(workers: int, store: str) -> octobot.StudyOptions:
        return octobot.StudyOptions(
            data=[btc_data_file],
            trials=4,
            workers=workers,
            sampler="random",
            start_ms=START_MS,
            end_ms=END_MS,
            store=tmp_path / store,
        )

    serial = octobot.run_study(options(1, "serial.sqlite"), home=home)

    def refuse_fork() -> int:
        raise AssertionError("the local pool forked the driver process")

    monkeypatch.setattr(os, "fork", refuse_fork)
    pooled = octobot.run_study(options(2, "pooled.sqlite"), home=home)
    assert len(pooled.trials) == 4 and all(trial["state"] != "failed" for trial in pooled.trials)
    assert comparable(pooled.trials) == comparable(serial.trials)


def test_studies_share_one_pool_that_outlives_them(home, builtin_tentacles, btc_data_file, tmp_path):
    from octobot.optimizer.local_pool import acquire_pool, close_pools, running_pools

    def options(store: str, seed: int) -> octobot.StudyOptions:
        return octobot.StudyOptions(
            data=[btc_data_file], trials=3, workers=2, sampler="random", seed=seed,
            start_ms=START_MS, end_ms=END_MS, store=tmp_path / store,
        )  # fmt: skip

    octobot.run_study(options("a.sqlite", 1), home=home)
    pool = acquire_pool(2)  # the pool the study used, alive after it
    pool.release()
    octobot.run_study(options("b.sqlite", 2), home=home)
    assert acquire_pool(2) is pool and not pool.closed
    pool.release()
    close_pools()  # nobody uses it: shut down, the next study starts another
    assert pool.closed and 2 not in running_pools()


def test_a_pool_worker_lost_mid_trial_runs_the_trial_again(home, builtin_tentacles, btc_data_file, tmp_path):
    marker = tmp_path / "crashed-once"
    profile = crash_once_profile(home, marker)

    def options(workers: int, store: str) -> octobot.StudyOptions:
        return octobot.StudyOptions(
            profile=profile, data=[btc_data_file], trials=4, workers=workers, sampler="random",
            start_ms=START_MS, end_ms=END_MS, store=tmp_path / store,
        )  # fmt: skip

    pooled = octobot.run_study(options(2, "pooled.sqlite"), home=home)
    assert marker.exists(), "a worker process was killed during a trial"
    assert len(pooled.trials) == 4 and all(trial["state"] != "failed" for trial in pooled.trials)
    serial = octobot.run_study(options(1, "serial.sqlite"), home=home)  # the marker exists: no crash
    assert comparable(pooled.trials) == comparable(serial.trials)
