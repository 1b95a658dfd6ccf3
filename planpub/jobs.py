"""What the build's stages share with the worker (planpub/background.py) without importing it: a task's result.

A stage that can overlap its work with the build takes a `Submit` function: `Background().submit` runs the
task in the worker process, `now` runs it in this process when its result is asked for. Both give a `Job`.
This module imports nothing of planpub, so that stages and the worker never import each other.
"""

from __future__ import annotations

from collections.abc import Callable, Reversible
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Job(Protocol):
    def result(self) -> Any:
        """The task's value (its exception raised here if it failed)."""


Submit = Callable[..., Job]  # submit(task, *args) → Job


class Later:
    """A task run in this process when its result is first asked for; asked again, it gives that result."""

    def __init__(self, task: Callable, args: tuple):
        self.task, self.args = task, args
        self._value: tuple | None = None

    def result(self) -> Any:
        if self._value is None:
            self._value = (self._outcome(),)
        return self._value[0]

    def _outcome(self) -> Any:
        return self.task(*self.args)


def now(task: Callable, *args) -> Job:
    """`Background.submit`'s twin for commands with nothing to overlap: the task runs when its result is asked for."""
    return Later(task, args)


def last_first(items: Reversible[T], result: Callable[[T], R]) -> list[R]:
    """`result(item)` for every item, asked for from the last item to the first; returned in the items' order.

    For jobs given out in the items' order: the worker starts them from the first, and asking from the last lets
    the build take back and do those the worker has not started (planpub/background.py), so both work to the
    end instead of one waiting for the other.
    """
    return [result(item) for item in reversed(items)][::-1]
