"""The build's second core: work that the pages and MkDocs need not wait for runs in another process meanwhile.

Validating the packages (frictionless) and writing the downloads overlap with writing the pages;
drawing the chart SVGs (Vega, via vl-convert) overlaps with the MkDocs build, because the SVGs are
copied into the site after it. A build machine has two cores (CI too), so one worker process, a plain
`concurrent.futures.ProcessPoolExecutor`: tasks are submitted to it in the order given. When the build
needs a result, it waits if the worker has started and has nothing else before it; otherwise it cancels
the task's future: a task the worker has not started (`Future.cancel()` succeeds) is done here instead of
waited for, so both cores stay busy to the end; a started one is waited for. A stage that gives out many tasks
asks for their results last given first (`planpub.jobs.last_first`): the worker works from the front of the
queue, the build from the back. If the worker cannot start at all, every task is done in this process.

Workers are forked from multiprocessing's fork server, which imports the stages once (`PRELOADED`): a renewed
worker starts without importing anything, and so does every worker of a process that builds many times (the
tests: ~20 % less CPU than a worker spawned and importing for each build). The build command starts the fork
server before it imports the stages itself (`start_fork_server`), so that both import at once. Between the two
phases the build renews the worker (`renew`), and again once the charts of many rows are given to it
(`planpub.chart.draw_svgs`): a process keeps the memory its tasks freed, ~0.5 GB after the downloads of 500 plans.
A renewed worker finishes its tasks, then exits.

The stages do not import this module: they take a `planpub.jobs.Submit` (this `submit`, or `jobs.now`).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext
from typing import Any

from .jobs import Later

# How many tasks ProcessPoolExecutor queues for a worker of its own accord beyond the one it runs (see `submit`).
_QUEUED_AHEAD = 2
# What the fork server imports once, so that no worker imports it again: the stages behind every task (extraction,
# packages, downloads, pages) and frictionless, for validation.
PRELOADED = ("planpub.pipeline", "frictionless")


def start_fork_server() -> BaseContext:
    """Start the fork server the workers come from (a no-op if it runs already), without waiting for it; returns
    its context.

    It imports `PRELOADED` (~0.6 s) before it forks a worker, and the build's first task waits for that: started
    before the build imports its stages and digests its inputs, it does so meanwhile.
    """
    forkserver = multiprocessing.get_context("forkserver")
    forkserver.set_forkserver_preload(list(PRELOADED))
    multiprocessing.forkserver.ensure_running()
    return forkserver


class Queued(Later):
    """A task submitted to the worker: `result()` takes it back if the worker is busy and has not started it."""

    def __init__(self, task: Callable, args: tuple, future: Future, background: Background):
        super().__init__(task, args)
        self.future, self.background = future, background

    def _outcome(self) -> Any:
        if not self.background.next_up(self.future) and self.future.cancel():
            return super()._outcome()
        try:
            return self.future.result()
        except BrokenProcessPool:  # the worker could not start or died: do it here
            return super()._outcome()


class Background:
    """A worker process for the duration of a build (`with Background(warm_up) as background:`).

    `warm_up` (a module-level function) runs in the worker as it starts, to get ready what its tasks need
    beyond `PRELOADED` (vl-convert's engine and jieba, for the chart SVGs and search entries) before they are given out.
    """

    def __init__(self, warm_up: Callable[[], None] | None = None):
        self.warm_up = warm_up
        self.retired: list[Future] = []  # tasks given to renewed workers, which finish them and exit

    def __enter__(self) -> Background:
        self._start()
        return self

    def _start(self) -> None:
        self.pool = ProcessPoolExecutor(max_workers=1, mp_context=start_fork_server(), initializer=self.warm_up)
        self.ready = self.pool.submit(int)  # done once the worker has started
        self.submitted: list[Future] = [self.ready]

    def submit(self, task: Callable, *args) -> Queued:
        self.submitted = [future for future in self.submitted if not future.done()]
        self.submitted.append(self.pool.submit(task, *args))
        # ProcessPoolExecutor moves the tasks it is given into the worker's queue ahead of the worker, two beyond the
        # one running (EXTRA_QUEUED_CALLS, and the queue's own place), and a queued task can no longer be cancelled,
        # although the worker has not started it: the task behind a long one would be waited for. Two empty tasks
        # after each keep those places, so that a task is out of reach only once the worker is about to start it.
        for _ in range(_QUEUED_AHEAD):
            self.pool.submit(int)
        return Queued(task, args, self.submitted[-1], self)

    def renew(self, warm_up: Callable[[], None] | None = None) -> None:
        """A fresh worker for the tasks to come: the current one finishes what it was given and exits (not
        waited for: ending a big process takes ~1 s), and the memory its tasks left behind goes back to the
        machine (a process keeps what it has freed)."""
        self.pool.shutdown(wait=False)
        self.retired += self.submitted
        self.warm_up = warm_up
        self._start()

    def next_up(self, future: Future) -> bool:
        """True when the worker has started and finished everything submitted before `future`: waiting costs nothing."""
        if future not in self.submitted:
            return True  # done already, or given to a renewed worker: waited for
        return all(other.done() for other in self.submitted[: self.submitted.index(future)])

    def __exit__(self, *failure) -> None:
        for future in self.retired:  # what a renewed worker has not started is not computed either (a failed build)
            future.cancel()
        self.pool.shutdown(wait=True, cancel_futures=True)  # results nobody asked for are not computed
