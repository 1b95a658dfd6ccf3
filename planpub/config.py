"""Where things live, and loading the curated YAML files with errors that name file and line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

from .errors import PlanError

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Paths:
    """The project's folders; tests point `root` at a copy to build in isolation."""

    root: Path = ROOT

    @property
    def datasets(self) -> Path:
        return self.root / "datasets"

    @property
    def sources(self) -> Path:
        return self.datasets / "sources"

    @property
    def packages(self) -> Path:
        return self.datasets / "packages"

    @property
    def overrides(self) -> Path:
        return self.datasets / "overrides"

    @property
    def i18n(self) -> Path:
        return self.datasets / "i18n"

    @property
    def registry(self) -> Path:
        return self.datasets / "plans.yaml"

    @property
    def changelog(self) -> Path:
        return self.datasets / "CHANGELOG.yaml"

    @property
    def charts(self) -> Path:
        return self.root / "charts"

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def cache(self) -> Path:
        return self.root / ".cache"


@dataclass(frozen=True)
class Lines:
    """Where a YAML value and the keys of a mapping are in their file, kept beside the data, not in it.

    `lines.of(key)` is the line of a key (the mapping's own line when it is absent); `lines[key]` or
    `lines[index]` the Lines of a value inside (the key's line when the value is not a collection).
    """

    line: int | None = None
    keys: dict[object, int] = field(default_factory=dict)
    inside: dict[object, Lines] = field(default_factory=dict)

    def of(self, key: object) -> int | None:
        return self.keys.get(key) or self.line

    def __getitem__(self, key: object) -> Lines:
        return self.inside.get(key) or Lines(self.of(key))


def _lines(node: yaml.Node) -> Lines:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        keyed = [(key.value, key, value) for key, value in node.value if isinstance(key, yaml.ScalarNode)]
        return Lines(line, {k: key.start_mark.line + 1 for k, key, _ in keyed}, {k: _lines(value) for k, _, value in keyed})
    if isinstance(node, yaml.SequenceNode):
        return Lines(line, {}, {i: _lines(item) for i, item in enumerate(node.value)})
    return Lines(line)


T = TypeVar("T")


def load_yaml(path: Path) -> Any:
    """Parse a YAML file (with libyaml: ~8× faster); a syntax error becomes a PlanError naming its line."""
    return _parse(path, lambda text: yaml.load(text, Loader=yaml.CSafeLoader))


def load_yaml_lines(path: Path) -> tuple[Any, Lines]:
    """Parse a YAML file and say where each value is: (data, Lines), the data free of bookkeeping."""
    return _parse(path, _with_lines)


def _with_lines(text: str) -> tuple[Any, Lines]:
    loader = yaml.CSafeLoader(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node), _lines(node)) if node is not None else (None, Lines(1))
    finally:
        loader.dispose()


def _parse(path: Path, parse: Callable[[str], T]) -> T:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanError("file not found", path, hint="create it, or fix the path that names it") from None
    except UnicodeDecodeError as exc:
        raise PlanError(f"not UTF-8 ({exc.reason} at byte {exc.start})", path, hint="save the file as UTF-8") from None
    try:
        return parse(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise PlanError(f"malformed YAML: {problem}", path, line, hint="fix the YAML syntax on that line") from None


def strip_lines(value: Any) -> Any:
    """`value` itself: lines are kept beside the data now (`load_yaml_lines`); for callers written before."""
    return value
