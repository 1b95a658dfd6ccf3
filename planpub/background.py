"""The build's second core: work that the pages and MkDocs need not wait for runs in another process meanwhile.

Validating the packages (frictionless) overlaps with writing the downloads and pages; drawing the chart
SVGs (Vega, via vl-convert) overlaps with the MkDocs build, because the SVGs are copied into the site
after it. A build machine has two cores (CI too), so one worker. It is started only when work is
submitted (a warm rebuild takes everything from .cache/), and runs the tasks in the order given.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor


class Background:
    """A one-process pool for the duration of a build (`with Background() as background:`)."""

    def __enter__(self) -> Background:
        self.pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        return self

    def submit(self, task: Callable, *args) -> Future:
        return self.pool.submit(task, *args)

    def __exit__(self, *failure) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def now(task: Callable, *args) -> Future:
    """`Background.submit`'s twin that runs the task at once, in this process (for commands with nothing to overlap)."""
    future: Future = Future()
    try:
        future.set_result(task(*args))
    except Exception as exc:  # handed to whoever asks for the result, as a pool would
        future.set_exception(exc)
    return future
