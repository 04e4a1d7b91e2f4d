"""marsad.workers: tasks run in other processes and come back in task order."""

from __future__ import annotations

import os

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
