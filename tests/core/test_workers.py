"""marsad.workers: tasks run in other processes and come back in task order."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from marsad.store.database import Store
from marsad.workers import WorkerDied, results_in_order
from marsad_testing import die, make_settings, whose_task


def test_worker_processes_return_results_in_task_order(tmp_path):
    settings = make_settings(tmp_path)
    store = Store(settings.database_url)  # the caller's database exists before workers start
    tasks = ((whose_task, n) for n in range(40))
    found = list(results_in_order(tasks, settings, 2, lambda: (None, store)))
    assert [n for n, _ in found] == list(range(40))
    assert os.getpid() not in {pid for _, pid in found}


def test_one_worker_means_this_process(tmp_path):
    settings = make_settings(tmp_path)
    found = list(results_in_order([(whose_task, 7)], settings, 1, lambda: (None, None)))
    assert found == [(7, os.getpid())]


def test_a_worker_that_dies_is_a_clear_error(tmp_path):
    settings = make_settings(tmp_path)
    Store(settings.database_url)
    with pytest.raises(WorkerDied, match="run the same command again"):
        list(results_in_order([(die, 0)], settings, 2, lambda: (None, None)))


ORPHAN_SCRIPT = """
import sys
from marsad.config import load_settings
from marsad.store.database import Store
from marsad.workers import results_in_order
from marsad_testing import nap, whose_task

if __name__ == "__main__":
    settings = load_settings({"MARSAD_DATA_DIR": sys.argv[1]})
    Store(settings.database_url)
    tasks = [(whose_task, 0), (nap, 60), (nap, 60)]
    results = results_in_order(tasks, settings, 2, lambda: (None, None))
    print(next(results)[1], flush=True)  # a worker's pid
    list(results)
"""


def test_workers_end_when_the_process_that_started_them_is_killed(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "orphans.py"
    script.write_text(ORPHAN_SCRIPT, encoding="utf-8")
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(Path(__file__).parent.parent), *sys.path])
    )
    parent = subprocess.Popen(
        [sys.executable, str(script), str(tmp_path)], stdout=subprocess.PIPE, text=True, env=env
    )
    worker = int(parent.stdout.readline())
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    pytest.fail(f"worker {worker} still runs after its parent was killed")
