"""How the optimizer's local pool starts its workers: never by forking the driver process, which runs
threads (Python 3.12 warns that such a fork may deadlock the child), and still with the serial results."""

from __future__ import annotations

import os

import octobot

from .optimizer_helpers import END_MS, START_MS, comparable


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
