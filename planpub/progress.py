"""A progress display for long stages: `[3/40] name` redrawn on one terminal line; silent when not a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Progress(Generic[T]):
    """Iterate over `items` showing how far a stage has got (on stderr, only when it is a terminal)."""

    def __init__(self, items: Iterable[T], stage: str, label: Callable[[T], str] = str, stream=None):
        self.items, self.stage, self.label = list(items), stage, label
        self.stream = stream or sys.stderr

    def __reversed__(self) -> Progress[T]:
        return Progress(self.items[::-1], self.stage, self.label, self.stream)

    def __iter__(self) -> Iterator[T]:
        show = self.stream.isatty()
        for number, item in enumerate(self.items, start=1):
            if show:
                self.stream.write(f"\r\033[K{self.stage:<8} [{number}/{len(self.items)}] {self.label(item)}")
                self.stream.flush()
            yield item
        if show:
            self.stream.write("\r\033[K")
            self.stream.flush()
