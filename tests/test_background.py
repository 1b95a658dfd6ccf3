"""The build's worker process: results are the same wherever a task ran; a task the worker has not started is
done by the build itself instead of waited for; an error keeps its file, line and hint across processes; the
stages never import the worker (nor it them); and the build command starts the fork server before it imports them."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from planpub import cache
from planpub.background import Background
from planpub.config import ROOT
from planpub.errors import PlanError
from planpub.jobs import now


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


def slow_start() -> None:
    time.sleep(1.0)


def test_a_task_asked_for_before_the_worker_started_runs_here_and_once_it_is_idle_runs_there():
    with Background(slow_start) as background:  # a worker forked from a warm fork server starts in milliseconds
        given = background.submit(where)  # with the start signal, fills the executor's call queue (two tasks)
        assert background.submit(where).result() == os.getpid()  # not waited for: the worker is still starting
        until(given.future.done)
        assert background.submit(where).result() != os.getpid()  # the idle worker takes it at once


def test_a_started_task_is_waited_for_and_the_one_right_behind_it_runs_here():
    """ProcessPoolExecutor queues two tasks for the worker ahead of it, which could not be taken back although the
    worker had not started them: a one-plan change waited 8 s for the catalog's downloads queued behind its
    spreadsheet. Empty tasks keep those places."""
    with Background() as background:
        until(background.ready.done)
        jobs = [background.submit(where, 1.0), background.submit(where), background.submit(where)]
        assert [job.result() == os.getpid() for job in jobs[:0:-1]] == [True, True]  # not started: taken back
        assert jobs[0].result() != os.getpid()


def test_a_task_taken_back_and_asked_for_again_gives_the_same_result_without_running_again():
    """The validation's reports ask for one task once per plan: taken back from the busy worker, it was run again
    (or raised CancelledError once the worker was idle) each time it was asked for."""
    with Background() as background:
        until(background.ready.done)
        busy, job = background.submit(where, 1.0), background.submit(time.monotonic_ns)
        first = job.result()
        assert job.future.cancelled() and job.result() == first
        assert busy.result() != os.getpid()


def test_an_error_in_the_worker_keeps_its_file_line_and_hint():
    with Background() as background:
        until(background.ready.done)
        with pytest.raises(PlanError) as failure:
            background.submit(fails).result()
    assert (failure.value.file, failure.value.line, failure.value.hint) == ("datasets/plans.yaml", 7, "fix it")


def test_a_renewed_worker_is_another_process_and_the_old_one_finishes_what_it_was_given_first():
    with Background() as background:
        until(background.ready.done)
        given = background.submit(where, 0.5)
        background.renew()
        old = given.result()  # done by the old worker, not taken back
        until(background.ready.done)
        assert background.submit(where).result() not in (old, os.getpid())
        assert old != os.getpid()


def test_a_failed_build_does_not_wait_for_the_tasks_a_renewed_worker_had_not_started():
    with pytest.raises(PlanError), Background() as background:
        until(background.ready.done)
        given = [background.submit(where, 0.5) for _ in range(6)]
        until(given[0].future.running)
        background.renew()
        fails()
    assert given[-1].future.cancelled() and not given[0].future.cancelled()


def test_now_runs_the_task_in_this_process():
    assert now(where).result() == os.getpid()


def planpub_modules() -> list[str]:
    names = (str(p.relative_to(ROOT).with_suffix("")).replace("/", ".") for p in (ROOT / "planpub").rglob("*.py"))
    return sorted(name.removesuffix(".__init__") for name in names)


def test_the_worker_imports_only_the_neutral_jobs_module():
    assert cache.imported("planpub.background") == {"planpub.jobs"}
    assert cache.imported("planpub.jobs") == set()


def test_no_planpub_module_imports_itself_through_others():
    graph = {module: cache.imported(module) for module in planpub_modules()}
    for start in graph:
        seen, todo = set(), list(graph[start])
        while todo:
            module = todo.pop()
            assert module != start, f"import cycle through {start}"
            if module not in seen:
                seen.add(module)
                todo += graph.get(module, ())


# Run in a fresh interpreter: the fork server is started, and what is imported by then noted, then the build stops.
_STARTED_WHEN = """
import sys
from planpub import background

class Started(Exception):
    pass

def noting_start():
    print("stages imported" if "planpub.pipeline" in sys.modules else "stages not imported")
    raise Started

background.start_fork_server = noting_start
import build
try:
    build.main(["--root", sys.argv[1], "--force"])
except Started:
    pass
"""


def test_the_build_command_starts_the_fork_server_before_it_imports_the_stages():
    """The server imports the stages while the build does too, instead of the build's first task waiting for it."""
    run = subprocess.run([sys.executable, "-c", _STARTED_WHEN, str(ROOT)], cwd=ROOT, capture_output=True, text=True)
    assert run.stdout.strip() == "stages not imported", run.stderr
