"""The build's second core: work that the pages and MkDocs need not wait for runs in another process meanwhile.

Validating the packages (frictionless) and writing the downloads overlap with writing the pages;
drawing the chart SVGs (Vega, via vl-convert) overlaps with the MkDocs build, because the SVGs are
copied into the site after it. A build machine has two cores (CI too), so one worker process. It is
started with the build and imports what the tasks need while the plans are read; tasks wait in a
queue here and are handed to it one at a time, in the order given. When the build needs a result
whose task the worker has not taken yet, it does the task itself instead of waiting: both cores stay
busy to the end, a small rebuild never waits for the worker to start, and if the worker cannot start
at all, the build still completes in this process.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, wait
from typing import Any


class Job:
    """A submitted task; `result()` gives its value, from the worker or computed here."""

    def __init__(self, task: Callable, args: tuple, queue: Background | None = None):
        self.task, self.args, self.queue = task, args, queue
        self.future: Future | None = None  # set when handed to the worker

    def result(self) -> Any:
        if self.queue is None or self.queue.take(self):
            return self.task(*self.args)
        return self.future.result()


class Background:
    """A worker process and its queue for the duration of a build (`with Background() as background:`)."""

    def __enter__(self) -> Background:
        self.pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=_warm_up)
        self.waiting: deque[Job] = deque()
        self.changed = threading.Condition()
        self.closing = False
        self.idle = False  # True while the started worker waits for a job
        self.current: Job | None = None
        self.ready = self.pool.submit(int)  # starts the worker now
        self.feeder = threading.Thread(target=self._feed, name="planpub-background", daemon=True)
        self.feeder.start()
        return self

    def submit(self, task: Callable, *args) -> Job:
        job = Job(task, args, self)
        with self.changed:
            self.waiting.append(job)
            self.changed.notify()
        return job

    def take(self, job: Job) -> bool:
        """True (the job is the caller's to do) if the worker has not taken it and is busy or not started."""
        with self.changed:
            if job.future is not None:
                return False
            if job in self.waiting:
                self.waiting.remove(job)
            if self.idle:
                self._hand(job)
                return False
            return True

    def _hand(self, job: Job) -> None:
        job.future, self.current, self.idle = self.pool.submit(job.task, *job.args), job, False
        self.changed.notify_all()

    def _feed(self) -> None:
        """Hand the worker one job at a time, once it has started (if it cannot, every job stays here)."""
        if self.ready.exception() is not None:
            return
        while True:
            with self.changed:
                self.idle = True
                while self.idle and not self.waiting and not self.closing:
                    self.changed.wait()
                if self.idle:
                    if not self.waiting:
                        return
                    self._hand(self.waiting.popleft())
                running = self.current.future
            wait([running])

    def __exit__(self, *failure) -> None:
        with self.changed:
            self.closing, self.idle = True, False
            self.waiting.clear()  # results nobody asked for (the build failed, or MkDocs had nothing to do)
            self.changed.notify()
        self.feeder.join()
        self.pool.shutdown(wait=True, cancel_futures=True)


Submit = Callable[..., Job]  # Background().submit or `now`: run a task with its arguments, get a Job


def _warm_up() -> None:
    """Import what the first tasks need (~0.3 s) as soon as the worker starts, not when the first task arrives."""
    import frictionless  # noqa: F401

    from . import downloads, package  # noqa: F401


def now(task: Callable, *args) -> Job:
    """`Background.submit`'s twin for commands with nothing to overlap: the task runs when its result is asked for."""
    return Job(task, args)
