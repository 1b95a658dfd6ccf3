"""The build's worker process: results are the same wherever a task ran; a task the worker has not taken is
done by the build itself instead of waiting; an error keeps its file, line and hint across processes."""

from __future__ import annotations

import os
import time

import pytest

from planpub.background import Background, now
from planpub.errors import PlanError


def where(pause: float = 0.0) -> int:
    time.sleep(pause)
    return os.getpid()


def fails() -> None:
    raise PlanError("broken", "datasets/plans.yaml", 7, hint="fix it")


def until(condition) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_the_worker_takes_tasks_and_a_task_it_has_not_taken_runs_here():
    with Background() as background:
        until(lambda: background.idle)  # the worker has started and waits for work
        slow = background.submit(where, 1.0)
        until(lambda: slow.future is not None)  # the worker has taken it
        queued = background.submit(where)
        assert queued.result() == os.getpid()  # not waited for: the worker is busy
        assert slow.result() != os.getpid()


def test_an_idle_worker_is_given_the_task_asked_for():
    with Background() as background:
        until(lambda: background.idle)
        assert background.submit(where).result() != os.getpid()


def test_an_error_in_the_worker_keeps_its_file_line_and_hint():
    with Background() as background:
        until(lambda: background.idle)
        with pytest.raises(PlanError) as failure:
            background.submit(fails).result()
    assert (failure.value.file, failure.value.line, failure.value.hint) == ("datasets/plans.yaml", 7, "fix it")


def test_now_runs_the_task_in_this_process():
    assert now(where).result() == os.getpid()
