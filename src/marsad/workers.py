"""Worker processes for the work that needs no database writes (extracting pages,
recognising names): tasks run there in parallel, their results come back in task order,
and the calling process writes them. Used by ``marsad ingest --workers`` and
``marsad reprocess --workers``.

A task is ``(function, argument)``; the function is called as ``function(tools, argument)``
with the worker's own recogniser and store (:data:`Tools`), so the same tasks can also run
in the calling process with its tools. Workers are spawned, not forked (no inherited
database connections): a script that starts them needs the ``if __name__ == "__main__":``
guard.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from marsad.config import Settings
from marsad.errors import MarsadError
from marsad.models import Mention
from marsad.ner.base import Recogniser
from marsad.store.database import Store

Tools = tuple[Recogniser, Store]
Task = tuple[Callable[[Tools, Any], Any], Any]
_tools: Tools | None = None


class WorkerDied(MarsadError):
    """A worker process ended abruptly."""


def _start(settings: Settings) -> None:
    from marsad.pipeline import default_recogniser

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the calling process's to handle
    parent = os.getppid()
    threading.Thread(target=_follow, args=(parent,), daemon=True).start()
    global _tools
    store = Store(settings.database_url)
    _tools = (LazyRecogniser(lambda: default_recogniser(store, settings)), store)


class LazyRecogniser:
    """A recogniser built on first use: a worker that only extracts pages
    (``marsad ingest --defer-analysis``) never loads the model."""

    def __init__(self, build: Callable[[], Recogniser]) -> None:
        self._build, self._recogniser = build, None

    def recognise(self, text: str) -> list[Mention]:
        if self._recogniser is None:
            self._recogniser = self._build()
        return self._recogniser.recognise(text)


def _follow(parent: int) -> None:
    """End this worker soon after the process that started it is gone (killed, crashed):
    no orphan keeps working for nobody."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _run(function: Callable[[Tools, Any], Any], argument: Any) -> Any:
    assert _tools is not None, "worker not started"
    return function(_tools, argument)


def results_in_order(
    tasks: Iterable[Task], settings: Settings, workers: int, local: Callable[[], Tools]
) -> Iterator[Any]:
    """The tasks' results in task order: computed here with the tools ``local()`` gives when
    ``workers`` is 1, else by that many worker processes, at most two tasks each ahead of
    the caller (so a large input is never held in memory)."""
    if workers <= 1:
        tools = local()
        for function, argument in tasks:
            yield function(tools, argument)
        return
    context = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(
            workers, mp_context=context, initializer=_start, initargs=(settings,)
        ) as pool:
            running: deque[Future] = deque()
            for function, argument in tasks:
                running.append(pool.submit(_run, function, argument))
                if len(running) >= 2 * workers:
                    yield running.popleft().result()
            while running:
                yield running.popleft().result()
    except BrokenProcessPool as exc:
        raise WorkerDied(
            "a worker process died (out of memory, or killed); what was stored is kept — "
            "run the same command again (re-ingesting is idempotent), with fewer --workers"
        ) from exc
