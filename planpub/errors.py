"""The one error type a maintainer sees: file, line, what is wrong, what to do."""

from __future__ import annotations

from pathlib import Path


class PlanError(Exception):
    """A problem in the inputs (a document, a YAML file) that the maintainer can fix."""

    def __init__(self, message: str, file: str | Path | None = None, line: int | None = None, hint: str = ""):
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.hint = hint
        super().__init__(self.format())

    def __reduce__(self):
        return PlanError, (self.message, self.file, self.line, self.hint)  # raised in a worker process, shown in the build

    def format(self) -> str:
        where = self.file or ""
        if self.file and self.line:
            where += f":{self.line}"
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += f"\n  → {self.hint}"
        return text
