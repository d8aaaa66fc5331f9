"""The optimizer on a real Dask LocalCluster (2 worker processes on loopback): the same results as the
serial run for a seed, the job sent once per worker, and a worker lost mid-trial."""

from __future__ import annotations

from pathlib import Path

import pytest

import octobot

from .optimizer_helpers import END_MS, START_MS, comparable, crash_once_profile

distributed = pytest.importorskip("distributed")
import dask  # noqa: E402  (installed with distributed)


@pytest.fixture(scope="module")
def cluster():
    # fork: the worker processes start with this process's imports (octobot, numpy...) done, which
    # keeps the cluster's start within a test's budget; a real cluster's workers are started by `dask`
    with (
        dask.config.set({"distributed.worker.multiprocessing-method": "fork"}),
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            worker_dashboard_address=None,
        ) as local,
    ):
        yield local


def _options(data: Path, store: Path, **changes) -> octobot.StudyOptions:
    # 2 pending: after TPE's 10 random start-up trials, each ask depends on the results told before it
    values = {
        "data": [data],
        "trials": 14,
        "pending": 2,
        "start_ms": START_MS,
        "end_ms": END_MS,
        "store": store,
    }
    values.update(changes)
    return octobot.StudyOptions(**values)


def test_a_local_cluster_gives_the_serial_results(cluster, home, builtin_tentacles, btc_data_file, tmp_path):
    with distributed.Client(cluster) as client:
        on_cluster = octobot.run_study(
            _options(btc_data_file, tmp_path / "dask.sqlite"), home=home, client=client
        )
        # the job (profile, tentacles, data) reached every worker, which unpacked it
        unpacked = client.run(_unpacked_jobs)  # (a forked worker also holds what this process unpacked)
        assert len(unpacked) == 2 and all(on_cluster.job.digest in jobs for jobs in unpacked.values())
    serial = octobot.run_study(_options(btc_data_file, tmp_path / "serial.sqlite", workers=1), home=home)
    assert on_cluster.name == serial.name and on_cluster.executed == serial.executed > 0
    assert comparable(on_cluster.trials) == comparable(serial.trials)


def _unpacked_jobs() -> list[str]:
    from octobot.optimizer import worker

    return worker.unpacked_jobs()


def test_a_worker_lost_mid_trial_runs_the_trial_again(
    cluster, home, builtin_tentacles, btc_data_file, tmp_path
):
    marker = tmp_path / "crashed-once"
    profile = crash_once_profile(home, marker)
    with distributed.Client(cluster) as client:
        before = set(client.scheduler_info()["workers"])
        result = octobot.run_study(
            _options(btc_data_file, tmp_path / "dask.sqlite", profile=profile, trials=4),
            home=home,
            client=client,
        )
        client.wait_for_workers(2, timeout=60)  # the nanny restarted the lost worker
        after = set(client.scheduler_info()["workers"])
    assert marker.exists(), "a worker process was killed during a trial"
    assert before != after  # one worker is a new process
    assert len(result.trials) == 4 and all(trial["state"] != "failed" for trial in result.trials)
    # the marker now exists: the same study run serially never crashes and gives the same results
    serial = octobot.run_study(
        _options(btc_data_file, tmp_path / "serial.sqlite", profile=profile, trials=4, workers=1), home=home
    )
    assert comparable(result.trials) == comparable(serial.trials)
